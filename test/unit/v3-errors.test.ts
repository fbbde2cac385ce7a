// Hedra's v3 error envelope (src/apis/v3/errors.ts): read leniently,
// turned into messages keyed on `code`, its `retryable` and `retry_after`
// carried to the retry policy (src/http/retry.ts). The spec's own documented
// examples are the main cases.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeV2Error, errorCode, isDuplicate } from '../../src/apis/v2/errors.ts';
import { describeV3Error, v3DetailLines, v3Envelope, v3Message } from '../../src/apis/v3/errors.ts';
import { currency as money } from '../../src/core/money.ts';
import { HttpError } from '../../src/http/errors.ts';
import { decide, failureOf, isRetryable } from '../../src/http/retry.ts';

const spec = JSON.parse(readFileSync(new URL('../fixtures/openapi-v3.json', import.meta.url), 'utf8'));
const OP = 'POST /models/kling-v3';
const TRACE = '0123456789abcdef0123456789abcdef';
const CHECK_KEY = 'Check that the "api-key" input (or HEDRA_API_KEY) holds a current key of a workspace with API access';

/** An error answer as the transport hands it to the API's wording. */
const hedraError = (status: number, text: string, operation: string, retryAfter?: string, rateLimitReset?: string) =>
  describeV3Error({ status, text, operation, retryAfter, rateLimitReset });

/** The documented example `name` of the answer `status` to POST /models/kling-v3. */
function example(status: number, name: string): { error: Record<string, unknown>; trace_id?: string } {
  const value = spec.paths['/models/kling-v3'].post.responses[String(status)].content['application/json'].examples[name]?.value;
  if (!value) throw new Error(`no example ${name} for HTTP ${status}`);
  return value;
}

const answer = (status: number, body: unknown, op = OP, retryAfter?: string) => hedraError(status, JSON.stringify(body), op, retryAfter);
const traced = <T extends object>(body: T) => ({ ...body, trace_id: TRACE });
/** The documented 429 example's message, without its last period (spec 3.9.0 names the limit and the ways to follow a job without polling). */
const RATE_LIMITED =
  'Request rate limit exceeded: this API key is limited to 60 requests per 60s. Retry after 30s. To follow job progress without polling, stream job status (https://www.hedra.com/docs/api-reference/v3/jobs/stream-job) or subscribe to webhooks (https://www.hedra.com/docs/api-reference/v3/webhooks)';

describe('v3Envelope', () => {
  it('reads every field of the envelope', () => {
    const body = {
      error: {
        code: 'INVALID_ARGUMENT',
        message: 'bad',
        retryable: false,
        retry_after: 3,
        param: 'input.resolution',
        details: [{ field: 'input.resolution', message: 'no', reason: 'enum', allowed: ['720p', '1080p'] }],
        replaced_by: 'kling-v4',
        billing: { balance: 1.5, required: 2, currency: 'usd', funding_url: 'https://www.hedra.com/develop/billing?ref=add' },
      },
      trace_id: TRACE,
    };
    expect(v3Envelope(body)).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'bad',
      retryable: false,
      retryAfterSeconds: 3,
      param: 'input.resolution',
      details: [{ field: 'input.resolution', message: 'no', reason: 'enum', allowed: ['720p', '1080p'] }],
      replacedBy: 'kling-v4',
      billing: { balance: 1.5, required: 2, currency: 'USD', fundingUrl: 'https://www.hedra.com/develop/billing?ref=add' },
      traceId: TRACE,
    });
  });

  it('reads the documented examples', () => {
    expect(v3Envelope(example(429, 'rate_limited'))).toEqual({
      code: 'RESOURCE_EXHAUSTED',
      message: `${RATE_LIMITED}.`,
      retryable: true,
      retryAfterSeconds: 30,
      details: [],
    });
    expect(v3Envelope(example(402, 'unquotable_submit'))?.billing).toEqual({
      balance: 0,
      currency: 'USD',
      fundingUrl: 'https://www.hedra.com/develop/billing?add_funds=true',
    });
  });

  it('leaves out what is missing, null or odd', () => {
    const body = {
      error: {
        code: 7,
        message: '  ',
        retryable: 'true',
        retry_after: -1,
        param: null,
        details: [null, 5, ' ', 'plain words', { field: 3, reason: 'required', allowed: 'a' }, { field: 'input.x', message: 'm', allowed: ['a', 2, null, {}] }],
        replaced_by: '',
        billing: { balance: '0.50', required: null, currency: 'dollars', funding_url: 42 },
      },
      trace_id: 'not-a-trace-id',
    };
    expect(v3Envelope(body)).toEqual({
      details: [
        { field: '', message: 'plain words' },
        { field: '', message: 'required', reason: 'required' },
        { field: 'input.x', message: 'm', allowed: ['a', '2'] },
      ],
      billing: { balance: 0.5 },
    });
    expect(v3Envelope({ error: { retry_after: '12' } })?.retryAfterSeconds).toBe(12);
    expect(v3Envelope({ error: { details: 'x', billing: [] } })).toEqual({ details: [] });
    expect(v3Envelope({ error: {}, trace_id: null })).toEqual({ details: [] });
  });

  it('is undefined for v2 bodies and bodies that are no envelope', () => {
    expect(v3Envelope({ error: { type: 'INSUFFICIENT_BALANCE', message: 'low', credits_needed: 4 } })).toBeUndefined();
    expect(v3Envelope({ error: { type: 'NOT_FOUND', code: 404 } })).toBeUndefined();
    expect(v3Envelope({ error: { message: 'gone' } })).toBeUndefined();
    expect(v3Envelope({ error: 'INVALID_ARGUMENT' })).toBeUndefined();
    expect(v3Envelope({ detail: [{ loc: ['body', 'seed'], msg: 'bad' }] })).toBeUndefined();
    expect(v3Envelope({ code: 'NOT_FOUND' })).toBeUndefined();
    expect(v3Envelope('<html>Bad gateway</html>')).toBeUndefined();
    expect(v3Envelope(null)).toBeUndefined();
    expect(v3Envelope([{ error: { code: 'NOT_FOUND' } }])).toBeUndefined();
  });
});

describe('errorCode and isDuplicate on v3 envelopes', () => {
  it('read the envelope code', () => {
    expect(errorCode(example(402, 'unfunded_submit'))).toBe('INSUFFICIENT_BALANCE');
    expect(errorCode(example(404, 'job_not_found'))).toBe('NOT_FOUND');
    expect(errorCode({ error: { code: 'SOMETHING_NEW', message: 'x' } })).toBeUndefined();
    expect(isDuplicate(answer(409, { error: { code: 'ALREADY_EXISTS', message: 'taken' } }))).toBe(true);
  });
});

describe('hedraError on a validation failure (INVALID_ARGUMENT with details)', () => {
  it("lists one line per field, not repeating the field that starts Hedra's message", () => {
    expect(answer(400, traced(example(400, 'field_validation'))).message).toBe(
      `Hedra rejected the request (HTTP 400, POST /models/kling-v3) (trace id ${TRACE}):\n` +
        "- input.aspect_ratio: Input should be '16:9', '9:16' or '1:1'\n" +
        '- input.duration_ms: Input should be greater than or equal to 1000',
    );
    expect(answer(400, example(400, 'expired_file_handle')).message).toBe(
      'Hedra rejected the request (HTTP 400, POST /models/kling-v3):\n' +
        '- input.images[0]: the POST /v3/files url expired at 2026-07-28T23:31:12+00:00. Upload the file again and submit with the fresh url.',
    );
  });

  it('gives the allowed values, and lines without a field as they are', () => {
    const body = {
      error: {
        code: 'INVALID_ARGUMENT',
        message: '2 input fields are invalid; see details.',
        details: [{ field: 'input.resolution', message: 'Input should be 720p or 1080p', reason: 'enum', allowed: ['720p', '1080p'] }, 'the body is odd'],
      },
    };
    expect(answer(400, body).message).toBe(
      'Hedra rejected the request (HTTP 400, POST /models/kling-v3):\n- input.resolution: Input should be 720p or 1080p (allowed: 720p, 1080p)\n- the body is odd',
    );
  });

  it('counts the lines past the twentieth', () => {
    const details = Array.from({ length: 23 }, (_, i) => ({ field: `input.f${i}`, message: 'bad' }));
    const lines = answer(400, { error: { code: 'INVALID_ARGUMENT', details } }).message.split('\n');
    expect(lines).toHaveLength(22);
    expect(lines.at(-2)).toBe('- input.f19: bad');
    expect(lines.at(-1)).toBe('- … and 3 more');
  });

  it("names the fields as the caller asks (v3DetailLines, v3Message), for the workflow's input names", () => {
    const rename = (field: string) => `"${field.replace(/^input\./, '').replace(/_/g, '-')}"`;
    const body = example(400, 'field_validation');
    expect(v3DetailLines(body, rename)).toEqual([
      `"aspect-ratio": Input should be '16:9', '9:16' or '1:1'`,
      '"duration-ms": Input should be greater than or equal to 1000',
    ]);
    expect(v3DetailLines(body)).toEqual([
      "input.aspect_ratio: Input should be '16:9', '9:16' or '1:1'",
      'input.duration_ms: Input should be greater than or equal to 1000',
    ]);
    expect(v3Message(400, body, OP, rename)).toBe(
      `Hedra rejected the request (HTTP 400, POST /models/kling-v3):\n- "aspect-ratio": Input should be '16:9', '9:16' or '1:1'\n- "duration-ms": Input should be greater than or equal to 1000`,
    );
    expect(v3Message(400, { error: { code: 'FAILED_PRECONDITION', message: 'no', param: 'input.seed' } }, OP, rename)).toBe(
      'Hedra answered HTTP 400 to POST /models/kling-v3: FAILED_PRECONDITION: no (field "seed").',
    );
    expect(v3DetailLines({ detail: [{ loc: ['body', 'seed'], msg: 'bad' }] })).toEqual([]);
    expect(v3Message(422, { detail: 'no' }, OP)).toBeUndefined();
  });

  it('without details, says the code, the message and the field', () => {
    expect(answer(400, { error: { code: 'INVALID_ARGUMENT', message: 'Seed is too large.', param: 'input.seed' } }).message).toBe(
      'Hedra answered HTTP 400 to POST /models/kling-v3: INVALID_ARGUMENT: Seed is too large (field input.seed).',
    );
    expect(answer(400, { error: { code: 'INVALID_ARGUMENT', message: 'input.seed: too large', param: 'input.seed' } }).message).toBe(
      'Hedra answered HTTP 400 to POST /models/kling-v3: INVALID_ARGUMENT: input.seed: too large.',
    );
  });
});

describe('hedraError on INSUFFICIENT_BALANCE', () => {
  const ADD = 'Add funds at https://www.hedra.com/develop/billing?add_funds=true.';
  const SEPARATE = 'The v3 API wallet is prepaid and separate from v2 generation credits and Studio credits';

  it('gives the balance, the price and where to add funds', () => {
    expect(answer(402, traced(example(402, 'unfunded_submit'))).message).toBe(
      'Not enough money in the Hedra API wallet for this request: balance $0.00, this request costs $0.05 (USD) (HTTP 402, POST /models/kling-v3). ' +
        `${ADD} ${SEPARATE} (trace id ${TRACE}).`,
    );
  });

  it('says when the price is not known before the inputs are measured', () => {
    expect(answer(402, example(402, 'unquotable_submit')).message).toBe(
      'Not enough money in the Hedra API wallet for this request: balance $0.00 (USD); the price of this request is not known until Hedra has measured its inputs ' +
        `(HTTP 402, POST /models/kling-v3). ${ADD} ${SEPARATE}.`,
    );
  });

  it('writes other currencies with their code, and sub-cent prices in full', () => {
    const body = {
      error: { code: 'INSUFFICIENT_BALANCE', billing: { balance: 0.004, required: 0.0125, currency: 'eur', funding_url: 'https://billing.hedra.com/x' } },
    };
    expect(answer(402, body).message).toMatch(
      /^Not enough money in the Hedra API wallet for this request: balance 0\.004 EUR, this request costs 0\.0125 EUR \(HTTP 402, .*\)\. Add funds at https:\/\/billing\.hedra\.com\/x\. /,
    );
    expect([money(0), money(12), money(0.1), money(0.05), money(0.005), money(1234.5), money(-0.5), money(-0.0000001)]).toEqual([
      '$0.00',
      '$12.00',
      '$0.10',
      '$0.05',
      '$0.005',
      '$1234.50',
      '-$0.50',
      '$0.00',
    ]);
    expect(money(3, 'GBP')).toBe('3.00 GBP');
  });

  it('falls back to the billing page for a missing or odd funding URL, and quotes Hedra without billing figures', () => {
    const odd = { error: { code: 'INSUFFICIENT_BALANCE', billing: { balance: 1, required: 2, funding_url: 'javascript:alert(1)' } } };
    expect(answer(402, odd).message).toContain('Add funds at https://www.hedra.com/develop/billing.');
    expect(answer(400, { error: { code: 'INSUFFICIENT_BALANCE', message: 'Wallet is empty.' } }).message).toBe(
      `Not enough money in the Hedra API wallet for this request (HTTP 400, POST /models/kling-v3). Hedra says: Wallet is empty. Add funds at https://www.hedra.com/develop/billing. ${SEPARATE}.`,
    );
    expect(answer(402, { error: { retryable: false } }).message).toMatch(/^Not enough money in the Hedra API wallet for this request \(HTTP 402, /);
  });

  it('keeps the v2 credits message for v2 bodies, on v2', () => {
    const v2 = describeV2Error({
      status: 402,
      text: JSON.stringify({ error: { type: 'INSUFFICIENT_BALANCE', message: 'low', credits_needed: 4 } }),
      operation: 'POST /generations',
    });
    expect(v2.message).toBe(
      "Not enough Hedra credits for this generation (4 credits needed) (HTTP 402, POST /generations): INSUFFICIENT_BALANCE: low. Top up the workspace's credits or choose a cheaper model or shorter duration.",
    );
  });
});

describe('hedraError on a retired model (GONE)', () => {
  it('names the successor and the input to change', () => {
    expect(answer(410, traced({ error: { code: 'GONE', message: 'Model retired.', replaced_by: 'kling-v4' } }), 'POST /models/kling-v3').message).toBe(
      `Model "kling-v3" is retired (HTTP 410, POST /models/kling-v3). Hedra names its successor: "kling-v4" — set input "model" to kling-v4 (trace id ${TRACE}).`,
    );
  });
  it('points to the catalogue without a successor', () => {
    expect(answer(410, { error: { code: 'GONE', message: 'Model retired.' } }, 'GET /models/old%20one').message).toBe(
      'Model "old one" is retired (HTTP 410, GET /models/old%20one). Hedra names no successor; choose another model from the catalogue at https://www.hedra.com/develop/models.',
    );
  });
  it('is no model matter when the call is about something else and names no successor', () => {
    expect(answer(410, { error: { code: 'GONE', message: 'Job media expired.' } }, 'GET /jobs/job_1').message).toBe(
      'Hedra answered HTTP 410 to GET /jobs/job_1: GONE: Job media expired.',
    );
    expect(answer(410, { error: { code: 'GONE', replaced_by: 'kling-v4' } }, 'GET /jobs/job_1').message).toMatch(/^The model is retired \(HTTP 410, /);
  });
});

describe('hedraError on UNAUTHORIZED and PERMISSION_DENIED', () => {
  it("keeps the key message, with Hedra's words", () => {
    expect(answer(403, example(403, 'missing_scope')).message).toBe(
      `Hedra refused the API key (HTTP 403, POST /models/kling-v3): Key is missing required scope(s): jobs:write. ${CHECK_KEY}.`,
    );
    expect(answer(401, traced(example(401, 'invalid_key'))).message).toBe(
      `Hedra refused the API key (HTTP 401, POST /models/kling-v3): Invalid API key. ${CHECK_KEY} (trace id ${TRACE}).`,
    );
    expect(answer(401, { error: { code: 'UNAUTHORIZED' } }).message).toBe(`Hedra refused the API key (HTTP 401, POST /models/kling-v3). ${CHECK_KEY}.`);
    expect(answer(403, { error: { retryable: false, message: 'No.' } }).message).toBe(
      `Hedra refused the API key (HTTP 403, POST /models/kling-v3): No. ${CHECK_KEY}.`,
    );
  });
});

describe('hedraError on other codes', () => {
  it.each([
    [404, 'job_not_found', 'NOT_FOUND: Job not found'],
    [404, 'model_not_found', "NOT_FOUND: Model 'some-model' not found"],
    [422, 'moderation_failed', 'MODERATION_FAILED: Image failed moderation'],
    [400, 'unsupported_model', "FAILED_PRECONDITION: Model 'some-model' (VIDEO_UPSCALE) is not supported on v3 yet"],
    [429, 'rate_limited', `RESOURCE_EXHAUSTED: ${RATE_LIMITED}`],
    [500, 'internal', 'INTERNAL: An unexpected error occurred'],
  ])('HTTP %i %s', (status, name, said) => {
    expect(answer(status, example(status, name)).message).toBe(`Hedra answered HTTP ${status} to POST /models/kling-v3: ${said}.`);
    expect(answer(status, traced(example(status, name))).message).toBe(`Hedra answered HTTP ${status} to POST /models/kling-v3: ${said} (trace id ${TRACE}).`);
  });
  it('says what it has when the code or the message is missing', () => {
    expect(answer(503, { error: { code: 'UNAVAILABLE' } }).message).toBe('Hedra answered HTTP 503 to POST /models/kling-v3: UNAVAILABLE.');
    expect(answer(500, { error: { message: 'Oops.' }, trace_id: TRACE }).message).toBe(
      `Hedra answered HTTP 500 to POST /models/kling-v3: Oops (trace id ${TRACE}).`,
    );
    expect(answer(500, { error: { retryable: true } }).message).toBe('Hedra answered HTTP 500 to POST /models/kling-v3 with no message.');
  });
  it('adds only a 32-hex trace id', () => {
    expect(answer(404, { error: { code: 'NOT_FOUND', message: 'x' }, trace_id: `${TRACE}0` }).message).toBe(
      'Hedra answered HTTP 404 to POST /models/kling-v3: NOT_FOUND: x.',
    );
  });
});

describe('retryable and retry_after reach the retry policy', () => {
  const NOW = Date.parse('2026-08-03T12:00:00Z');

  it('takes retryable only when it is a boolean', () => {
    expect(answer(429, example(429, 'rate_limited')).retryable).toBe(true);
    expect(answer(500, example(500, 'internal')).retryable).toBe(false);
    expect(answer(500, { error: { code: 'INTERNAL', retryable: 'yes' } }).retryable).toBeUndefined();
    expect(answer(500, { error: { type: 'INTERNAL', retryable: true } }).retryable).toBeUndefined();
    expect(hedraError(502, '<html>Bad gateway</html>', OP).retryable).toBeUndefined();
  });

  it('uses retry_after when the answer had no Retry-After header, and the header when it had one', () => {
    expect(answer(429, example(429, 'rate_limited')).retryAfter).toBe('30');
    expect(answer(429, example(429, 'rate_limited'), OP, '12').retryAfter).toBe('12');
    expect(answer(429, example(429, 'rate_limited'), OP, ' ').retryAfter).toBe('30');
    expect(answer(429, { error: { code: 'RESOURCE_EXHAUSTED', retryable: true, retry_after: 2.5 } }).retryAfter).toBe('3');
    expect(answer(429, { error: { code: 'RESOURCE_EXHAUSTED', retryable: true } }).retryAfter).toBeUndefined();
    expect(hedraError(429, JSON.stringify({ error: { code: 'RESOURCE_EXHAUSTED' } }), OP, undefined, '1700000000').rateLimitReset).toBe('1700000000');
  });

  it('retries a 429 after retry_after', () => {
    const failure = failureOf(answer(429, example(429, 'rate_limited')))!;
    expect(failure).toEqual({ kind: 'status', status: 429, retryAfter: '30', retryable: true });
    expect(decide(failure, 0, NOW, NOW + 600_000, () => 0.5)).toEqual({ retry: true, delayMs: 30_000 });
  });

  it('retries a 409 that Hedra says is retryable', () => {
    const failure = failureOf(answer(409, { error: { code: 'ALREADY_IN_PROGRESS', message: 'Busy.', retryable: true, retry_after: 2 } }))!;
    expect(isRetryable(failure)).toBe(true);
    expect(decide(failure, 0, NOW, NOW + 600_000, () => 0.5)).toEqual({ retry: true, delayMs: 2000 });
  });

  it('does not retry a quota that Hedra says will not come back, but still retries a server error it marks so', () => {
    const quota = failureOf(answer(429, { error: { code: 'RESOURCE_EXHAUSTED', retryable: false } }))!;
    expect(isRetryable(quota)).toBe(false);
    expect(decide(quota, 0, NOW, NOW + 600_000, () => 0.5)).toEqual({ retry: false });
    // The documented 500 example says retryable: false: the action's calls are safe to repeat, so it tries again.
    expect(isRetryable(failureOf(answer(500, { error: { code: 'INTERNAL', retryable: false } }))!)).toBe(true);
  });

  it('goes by the status when the envelope says nothing, or is a gateway page', () => {
    expect(isRetryable(failureOf(answer(503, { error: { code: 'UNAVAILABLE' } }))!)).toBe(true);
    expect(isRetryable(failureOf(answer(409, { error: { code: 'ALREADY_IN_PROGRESS' } }))!)).toBe(false);
    expect(isRetryable(failureOf(hedraError(502, '<html>Bad gateway</html>', OP))!)).toBe(true);
  });

  it('keeps retryable on a HttpError made directly, and leaves it out when not given', () => {
    expect(new HttpError('m', 500, {}, undefined, undefined, { retryable: false }).retryable).toBe(false);
    expect(new HttpError('m', 500, {}).retryable).toBeUndefined();
    expect(failureOf(new HttpError('m', 500, {}))).toStrictEqual({ kind: 'status', status: 500, retryAfter: undefined, rateLimitReset: undefined });
  });
});

describe('envelopes of builds after 3.9.0: error.type beside code', () => {
  /** Every documented error example of the submit, by status. */
  const examples: [number, string][] = Object.entries(spec.paths['/models/kling-v3'].post.responses).flatMap(([status, response]: [string, any]) =>
    Object.keys(response.content?.['application/json']?.examples ?? {}).map((name): [number, string] => [Number(status), name]),
  );
  const TYPES = ['invalid_request_error', 'authentication_error', 'permission_error', 'rate_limit_error', 'server_error'];
  const typed = (body: { error: Record<string, unknown> }, type: string) => ({ ...body, error: { type, ...body.error } });

  it('covers every documented error of the submit', () => {
    expect(examples.map(([status]) => status)).toEqual([400, 400, 400, 401, 401, 402, 402, 403, 403, 404, 404, 422, 429, 500]);
  });

  it.each(examples)('decodes HTTP %i %s the same with any type as without', (status, name) => {
    const plain = traced(example(status, name));
    for (const type of [...TYPES, 'a_type_not_yet_known']) {
      const body = typed(plain, type);
      expect(v3Envelope(body)).toEqual(v3Envelope(plain));
      const [withType, without] = [answer(status, body), answer(status, plain)];
      expect([withType.message, withType.retryable, withType.retryAfter]).toEqual([without.message, without.retryable, without.retryAfter]);
    }
  });

  it('keeps what the action acts on: an expired handle, field lines, the successor, retryable, the wallet figures', () => {
    const expired = v3Envelope(typed(example(400, 'expired_file_handle'), 'invalid_request_error'));
    expect(expired?.details.map((d) => d.reason)).toEqual(['expired']);
    expect(v3DetailLines(typed(example(400, 'field_validation'), 'invalid_request_error'))).toHaveLength(2);
    const gone = { error: { type: 'invalid_request_error', code: 'GONE', message: 'Retired.', replaced_by: 'kling-v4' } };
    expect(answer(410, gone).message).toContain('set input "model" to kling-v4');
    const busy = { error: { type: 'invalid_request_error', code: 'ALREADY_IN_PROGRESS', message: 'Busy.', retryable: true, retry_after: 2 } };
    expect([answer(409, busy).retryable, answer(409, busy).retryAfter]).toEqual([true, '2']);
    expect(answer(402, typed(example(402, 'unfunded_submit'), 'invalid_request_error')).message).toContain(
      'Not enough money in the Hedra API wallet for this request: balance $0.00, this request costs $0.05 (USD)',
    );
  });

  it('still takes a v2 body (its code in a string type, no string code) for no envelope', () => {
    expect(v3Envelope({ error: { type: 'INSUFFICIENT_BALANCE', message: 'low', retryable: true } })).toBeUndefined();
    expect(v3Envelope({ error: { type: 'NOT_FOUND', code: 404 } })).toBeUndefined();
    expect(v3Envelope({ error: { type: 'server_error', code: 'INTERNAL' } })?.code).toBe('INTERNAL');
    // A code that is no string does not make a body v3 when a string type is there.
    expect(v3Envelope({ error: { type: 'server_error', code: 500, retryable: true } })).toBeUndefined();
  });
});

describe('billing.reason: a top-up at submit that failed', () => {
  const declined = (reason: unknown) => ({
    error: {
      type: 'invalid_request_error',
      code: 'INSUFFICIENT_BALANCE',
      message: 'Your API wallet balance is $0.00 and this request costs $0.05.',
      billing: { balance: 0, required: 0.05, currency: 'USD', funding_url: 'https://www.hedra.com/develop/billing?add_funds=true', reason },
    },
  });

  it('says why, after the figures and before the funding link', () => {
    expect(v3Envelope(declined('card_declined'))?.billing?.reason).toBe('card_declined');
    expect(answer(402, declined('card_declined')).message).toBe(
      "Not enough money in the Hedra API wallet for this request: balance $0.00, this request costs $0.05 (USD) (HTTP 402, POST /models/kling-v3). The wallet's automatic top-up failed (card_declined): check the payment method it charges, or add funds by hand. Add funds at https://www.hedra.com/develop/billing?add_funds=true. The v3 API wallet is prepaid and separate from v2 generation credits and Studio credits.",
    );
  });

  it('repeats only a code-shaped reason: free text, odd values and none are left out', () => {
    for (const reason of ['your card ending 4242 was declined', 'a\nb', 42, null, '', 'x'.repeat(65)]) {
      expect(v3Envelope(declined(reason))?.billing?.reason).toBeUndefined();
      expect(answer(402, declined(reason)).message).not.toContain('top-up');
    }
  });
});
