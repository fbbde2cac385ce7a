// Hedra's v2 error answers (src/apis/v2/errors.ts, src/http/answers.ts): the server's words from
// each body shape, the documented error codes, and the messages built on them.

import { describe, expect, it } from 'vitest';
import { describeV2Error, errorCode, GENERALLY_SERVED_TYPES, isDuplicate, typeRefusal } from '../../src/apis/v2/errors.ts';
import { serverMessage } from '../../src/http/answers.ts';
import { HttpError, NetworkError } from '../../src/http/errors.ts';

const OP = 'POST /generations';

/** An error answer as the transport hands it to the API's wording. */
const hedraError = (status: number, text: string, operation: string, retryAfter?: string, rateLimitReset?: string) =>
  describeV2Error({ status, text, operation, retryAfter, rateLimitReset });
const answer = (status: number, body: unknown) => new HttpError('refused', status, body, '7', '1700000000');

describe('serverMessage', () => {
  it('is empty for a body that is neither text nor an object', () => {
    expect(serverMessage(5)).toBe('');
    expect(serverMessage(null)).toBe('');
    expect(serverMessage(undefined)).toBe('');
    expect(serverMessage(['a'])).toBe('');
  });
  it('joins 422 detail items with "; ", as field: message', () => {
    const body = {
      detail: [
        { loc: ['body', 'seed'], msg: 'bad' },
        { loc: ['body', 'shots', 0, 'prompt'], msg: 'missing' },
      ],
    };
    expect(serverMessage(body)).toBe('seed: bad; shots[0].prompt: missing');
  });
  it('drops only a leading "body" from a location', () => {
    const lines = (loc: unknown[]) => serverMessage({ detail: [{ loc, msg: 'm' }] });
    expect(lines(['body', 'audio', 'body'])).toBe('audio.body: m');
    expect(lines(['query', 'limit'])).toBe('query.limit: m');
    expect(lines(['query', 'body'])).toBe('query.body: m');
    expect(lines(['body'])).toBe('m');
  });
  it('shows detail items that are not objects as they are, and objects without msg as JSON', () => {
    expect(serverMessage({ detail: ['plain', 3] })).toBe('plain; 3');
    expect(serverMessage({ detail: [{ loc: ['body', 'a'], type: 'missing' }] })).toBe('a: {"loc":["body","a"],"type":"missing"}');
    expect(serverMessage({ detail: [{ loc: 'body.a', msg: 'm' }] })).toBe('m');
  });
  it('takes an error object with or without its type and message', () => {
    expect(serverMessage({ error: { message: 'gone' } })).toBe('gone');
    expect(serverMessage({ error: { type: 'NOT_FOUND', code: 404 } })).toBe('NOT_FOUND: {"type":"NOT_FOUND","code":404}');
    expect(serverMessage({ error: { type: 5, message: 'm' } })).toBe('m');
  });
  it('keeps long JSON bodies short', () => {
    expect(serverMessage({ something: 'x'.repeat(1000) })).toHaveLength(500);
  });
});

describe('errorCode', () => {
  const CODES = [
    'UNKNOWN',
    'INVALID_ARGUMENT',
    'NOT_FOUND',
    'GONE',
    'ALREADY_EXISTS',
    'ALREADY_IN_PROGRESS',
    'UNAUTHORIZED',
    'PERMISSION_DENIED',
    'INSUFFICIENT_BALANCE',
    'MISSING_CREDITS',
    'MODERATION_FAILED',
    'FAILED_PRECONDITION',
    'DEADLINE_EXCEEDED',
    'RESOURCE_EXHAUSTED',
    'UNAVAILABLE',
    'INTERNAL',
  ];
  it.each(CODES)('knows %s', (code) => {
    expect(errorCode({ error: { type: code } })).toBe(code);
  });
  it('finds the code in error, in detail (an object or a list) or in the body itself, as type or code', () => {
    expect(errorCode({ detail: { code: 'NOT_FOUND' } })).toBe('NOT_FOUND');
    expect(errorCode({ detail: [{ loc: ['body'], msg: 'm' }, { type: 'INVALID_ARGUMENT' }] })).toBe('INVALID_ARGUMENT');
    expect(errorCode({ code: 'GONE', message: 'expired' })).toBe('GONE');
  });
  it('prefers error over detail over the body, and type over code', () => {
    expect(errorCode({ error: { type: 'GONE' }, detail: { type: 'NOT_FOUND' }, type: 'INTERNAL' })).toBe('GONE');
    expect(errorCode({ detail: { type: 'NOT_FOUND' }, type: 'INTERNAL' })).toBe('NOT_FOUND');
    expect(errorCode({ error: { type: 'GONE', code: 'NOT_FOUND' } })).toBe('GONE');
  });
  it('counts only the documented codes, exactly as written', () => {
    expect(errorCode({ error: { type: 'already_exists' } })).toBeUndefined();
    expect(errorCode({ error: { type: 'int_type', code: 'NOT_FOUND' } })).toBe('NOT_FOUND');
    expect(errorCode({ detail: 'ALREADY_EXISTS' })).toBeUndefined();
    expect(errorCode({ message: 'generation already exists' })).toBeUndefined();
    expect(errorCode('ALREADY_EXISTS')).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
  });
});

describe('isDuplicate', () => {
  it('is the ALREADY_EXISTS code, whatever the status', () => {
    expect(isDuplicate(answer(409, { error: { type: 'ALREADY_EXISTS' } }))).toBe(true);
    expect(isDuplicate(answer(400, { detail: { code: 'ALREADY_EXISTS' } }))).toBe(true);
  });
  it('is not a 409 or a message without the code, nor an error that is not an answer', () => {
    expect(isDuplicate(answer(409, { detail: 'conflict' }))).toBe(false);
    expect(isDuplicate(answer(400, { detail: 'generation already exists' }))).toBe(false);
    expect(isDuplicate(new NetworkError('ALREADY_EXISTS'))).toBe(false);
    expect(isDuplicate({ body: { error: { type: 'ALREADY_EXISTS' } } })).toBe(false);
  });
});

describe('hedraError', () => {
  it('keeps the status, the parsed body and the rate-limit headers', () => {
    const error = hedraError(429, '{"detail":"slow down"}', OP, '12', '1700000000');
    expect(error).toBeInstanceOf(HttpError);
    expect([error.status, error.body, error.retryAfter, error.rateLimitReset]).toEqual([429, { detail: 'slow down' }, '12', '1700000000']);
    expect(error.message).toBe('Hedra answered HTTP 429 to POST /generations: slow down.');
  });
  it('lists detail items only for a 422', () => {
    const text = JSON.stringify({ detail: [{ loc: ['body', 'seed'], msg: 'bad' }] });
    expect(hedraError(400, text, OP).message).toBe('Hedra answered HTTP 400 to POST /generations: seed: bad.');
    expect(hedraError(422, '{"detail":"no"}', OP).message).toBe('Hedra answered HTTP 422 to POST /generations: no.');
    expect(hedraError(422, text, OP).message).toBe('Hedra rejected the request (HTTP 422, POST /generations):\n- seed: bad');
  });
  it('says what credits are missing, from the figures given', () => {
    const both = { error: { type: 'INSUFFICIENT_BALANCE', message: 'low', credits_needed: 40, credits_available: 12 } };
    expect(hedraError(400, JSON.stringify(both), OP).message).toBe(
      "Not enough Hedra credits for this generation (40 credits needed, 12 available) (HTTP 400, POST /generations): INSUFFICIENT_BALANCE: low. Top up the workspace's credits or choose a cheaper model or shorter duration.",
    );
    const needed = { detail: { code: 'MISSING_CREDITS', credits_needed: 5, credits_available: '?' } };
    expect(hedraError(403, JSON.stringify(needed), OP).message).toMatch(/^Not enough Hedra credits for this generation \(5 credits needed\) \(HTTP 403, /);
    expect(hedraError(402, '', OP).message).toBe(
      "Not enough Hedra credits for this generation (HTTP 402, POST /generations). Top up the workspace's credits or choose a cheaper model or shorter duration.",
    );
  });
  it('does not read credits into a message that merely mentions them', () => {
    expect(hedraError(400, '{"detail":"insufficient credits"}', OP).message).toBe('Hedra answered HTTP 400 to POST /generations: insufficient credits.');
  });
  it('gives v2 bodies no retryable and keeps their Retry-After as sent', () => {
    for (const [status, body] of [
      [429, { detail: 'slow down' }],
      [500, { error: { type: 'INTERNAL', message: 'boom', retryable: false, retry_after: 9 } }],
      [503, '<html>Service Unavailable</html>'],
      [422, { detail: [{ loc: ['body', 'seed'], msg: 'bad' }] }],
    ] as const) {
      const error = hedraError(status, typeof body === 'string' ? body : JSON.stringify(body), OP, status === 429 ? '5' : undefined);
      expect(error.retryable).toBeUndefined();
      expect(error.retryAfter).toBe(status === 429 ? '5' : undefined);
    }
  });
  it('reads a body in the v3 envelope in v2 words: its code counts, its retryable is for v3 to weigh', () => {
    const error = hedraError(404, JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Job not found.', retryable: false } }), 'GET /generations/x');
    expect(error.message).toBe('Hedra answered HTTP 404 to GET /generations/x: Job not found.');
    expect([error.status, error.retryable, errorCode(error.body)]).toEqual([404, undefined, 'NOT_FOUND']);
  });
  it('calls 401 and 403 a key problem, with the server message when there is one', () => {
    expect(hedraError(403, '{"detail":"forbidden"}', OP).message).toMatch(/^Hedra refused the API key \(HTTP 403, POST \/generations\): forbidden\. Check/);
    expect(hedraError(401, '', OP).message).toMatch(/^Hedra refused the API key \(HTTP 401, POST \/generations\)\. Check/);
  });
});

describe('typeRefusal', () => {
  it('serves image, video and text_to_speech generally', () => {
    expect(GENERALLY_SERVED_TYPES).toEqual(['image', 'video', 'text_to_speech']);
  });
  it.each([403, 404])('says a %i to a create of another type may mean the type is not enabled', (status) => {
    const refusal = typeRefusal(answer(status, { detail: 'Not allowed' }), 'voice_clone');
    expect(refusal).toBeInstanceOf(HttpError);
    expect(refusal!.message).toBe(
      `Hedra refused a voice_clone generation (HTTP ${status}, POST /generations): Not allowed. Type voice_clone may not be enabled for this account: Hedra's public API serves image, video, text_to_speech generally, and the other types on request.`,
    );
    expect([refusal!.status, refusal!.body, refusal!.retryAfter, refusal!.rateLimitReset]).toEqual([status, { detail: 'Not allowed' }, '7', '1700000000']);
  });
  it("keeps the refused answer's retryable", () => {
    const refused = new HttpError('refused', 403, { detail: 'x' }, undefined, undefined, { retryable: false });
    expect(typeRefusal(refused, 'voice_clone')!.retryable).toBe(false);
    expect(typeRefusal(answer(403, { detail: 'x' }), 'voice_clone')!.retryable).toBeUndefined();
  });
  it('leaves out the server message when there is none', () => {
    expect(typeRefusal(answer(404, ''), 'motion_control')!.message).toMatch(
      /^Hedra refused a motion_control generation \(HTTP 404, POST \/generations\)\. Type/,
    );
  });
  it('is nothing for the generally served types', () => {
    for (const type of GENERALLY_SERVED_TYPES) expect(typeRefusal(answer(403, { detail: 'x' }), type)).toBeUndefined();
  });
  it('is nothing for other statuses and other failures', () => {
    expect(typeRefusal(answer(500, { detail: 'voice_clone' }), 'voice_clone')).toBeUndefined();
    expect(typeRefusal(answer(401, { detail: 'voice_clone' }), 'voice_clone')).toBeUndefined();
    expect(typeRefusal(new NetworkError('reset'), 'voice_clone')).toBeUndefined();
  });
  it('takes a 422 about the type field, or one whose message names the type', () => {
    expect(typeRefusal(answer(422, { detail: [{ loc: ['body', 'type'], msg: 'Input should be video' }] }), 'voice_clone')).toBeDefined();
    expect(typeRefusal(answer(422, { error: { type: 'INVALID_ARGUMENT', param: 'type', message: 'unsupported' } }), 'voice_clone')).toBeDefined();
    expect(typeRefusal(answer(422, { detail: 'voice_clone is not available' }), 'voice_clone')).toBeDefined();
  });
  it('does not take a 422 about the fields of the body', () => {
    expect(typeRefusal(answer(422, { detail: [{ loc: ['body', 'audio_id'], msg: 'voice_clone needs audio' }] }), 'voice_clone')).toBeUndefined();
    expect(typeRefusal(answer(422, { detail: [{ loc: ['body', 'type', 'x'], msg: 'm' }] }), 'voice_clone')).toBeUndefined();
    expect(typeRefusal(answer(422, { detail: 'name is too long' }), 'voice_clone')).toBeUndefined();
    expect(typeRefusal(answer(422, { error: { param: 'name', message: 'too long' } }), 'voice_clone')).toBeUndefined();
  });
});
