import { describe, expect, it } from 'vitest';
import { describeV2Error } from '../../src/apis/v2/errors.ts';
import { serverMessage } from '../../src/http/answers.ts';

const OP = 'POST /generations';

/** An error answer as the transport hands it to the API's wording. */
const hedraError = (status: number, text: string, operation: string, retryAfter?: string, rateLimitReset?: string) =>
  describeV2Error({ status, text, operation, retryAfter, rateLimitReset });

describe('hedraError', () => {
  it('lists 422 details as field: message lines', () => {
    const body = {
      detail: [
        { loc: ['body', 'generated_video_inputs', 'duration_ms'], msg: 'Input should be a valid integer', type: 'int_type' },
        { loc: ['body', 'generated_video_inputs', 'multi_prompt', 0, 'prompt'], msg: 'Field required', type: 'missing' },
      ],
    };
    const error = hedraError(422, JSON.stringify(body), OP);
    expect(error.message).toBe(
      'Hedra rejected the request (HTTP 422, POST /generations):\n- generated_video_inputs.duration_ms: Input should be a valid integer\n- generated_video_inputs.multi_prompt[0].prompt: Field required',
    );
    expect(error.status).toBe(422);
  });
  it('calls 401 and 403 a key problem', () => {
    expect(hedraError(401, '{"detail":"Invalid API key"}', OP).message).toBe(
      'Hedra refused the API key (HTTP 401, POST /generations): Invalid API key. Check that the "api-key" input (or HEDRA_API_KEY) holds a current key of a workspace with API access.',
    );
    expect(hedraError(403, '', OP).message).toMatch(/^Hedra refused the API key \(HTTP 403, POST \/generations\)\. Check/);
  });
  it('recognises missing credits by status or by error type', () => {
    expect(hedraError(402, '{"detail":"Payment required"}', OP).message).toMatch(
      /^Not enough Hedra credits for this generation \(HTTP 402, POST \/generations\): Payment required\./,
    );
    const body = { error: { type: 'INSUFFICIENT_BALANCE', message: 'Needs 40 credits, 12 left', credits_needed: 40, credits_available: 12 } };
    expect(hedraError(400, JSON.stringify(body), OP).message).toMatch(/^Not enough Hedra credits .*HTTP 400.*INSUFFICIENT_BALANCE: Needs 40 credits, 12 left/);
  });
  it('shows other statuses with the server message, or says there was none', () => {
    expect(hedraError(500, '<html>Bad gateway</html>', OP).message).toBe('Hedra answered HTTP 500 to POST /generations: <html>Bad gateway</html>.');
    expect(hedraError(503, '', OP).message).toBe('Hedra answered HTTP 503 to POST /generations with no message.');
  });
});

describe('serverMessage', () => {
  it.each([
    [{ detail: 'plain' }, 'plain'],
    [{ detail: { message: 'nested' } }, 'nested'],
    [{ error: 'flat error' }, 'flat error'],
    [{ error: { type: 'NOT_FOUND', message: 'gone' } }, 'NOT_FOUND: gone'],
    [{ message: 'msg' }, 'msg'],
    [{ error_message: 'em' }, 'em'],
    [{ something: 'else' }, '{"something":"else"}'],
    ['  text  ', 'text'],
  ])('%j → %s', (body, expected) => {
    expect(serverMessage(body)).toBe(expected);
  });
  it('keeps long text bodies short', () => {
    // Cut after a whole word, so that a secret at the cut is dropped whole rather than halved (core/outside.ts).
    expect(serverMessage('word '.repeat(2000))).toHaveLength(500);
    expect(serverMessage('x'.repeat(2000))).toBe('…');
  });
});
