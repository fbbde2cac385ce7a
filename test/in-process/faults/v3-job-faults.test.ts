// v3: faults on the billed submit, on reading the job's result, and on the
// download. The submit is retried under the idempotency key chosen before the
// first attempt: a repeat of a submit that made a job is answered with that job
// (a replay), so a lost answer ends with one job and one charge. In-process
// through runWith against the validating v3 test server, the run and the server
// on the fast clock (a hang's on a slower one: v3-matrix.ts).
import { describe, expect, it } from 'vitest';
import {
  ANSWER_LOST,
  API_FAULTS,
  clockFor,
  DOWNLOAD_FAULTS,
  errorLines,
  expectCounts,
  expectNoPartialFiles,
  expectRecovered,
  fullRun,
  requestsOf,
  retryCases,
  useV3Server,
  V3_FAULTS,
} from './v3-matrix.ts';

const ctx = useV3Server();
const TRACE = '0123456789abcdef0123456789abcdef';
const posts = () => requestsOf(ctx.server, 'submit');
const keyOf = (body: unknown) => (body as { idempotency_key?: string } | undefined)?.idempotency_key;

describe('v3: faults while submitting (the billed call)', () => {
  it.each(API_FAULTS)('submit: %s', async (name) => {
    await ctx.onClock(clockFor(V3_FAULTS[name]));
    const { server } = ctx;
    server.fault('submit', V3_FAULTS[name]);
    const result = await fullRun(ctx);
    const job = expectRecovered(server, result);
    expectCounts(server, { submit: 2 });
    const [first, second] = posts();
    expect(first.fault).toBe(V3_FAULTS[name].kind);
    expect(second.fault).toBeUndefined();
    expect(second.status).toBe(202);
    // Both under the job's key (a reset before the request is read leaves no body to look at), with the same input.
    expect(job.idempotencyKey).toMatch(/\S/);
    expect(keyOf(second.body)).toBe(job.idempotencyKey);
    if (name !== 'reset before the request is read') expect(first.body).toEqual(second.body);
    else expect(first.body).toBeUndefined();
    const lost = ANSWER_LOST.includes(name);
    // The first attempt made the job when its answer was lost: the second is answered by replaying it.
    expect([first.replay, second.replay]).toEqual([undefined, lost ? true : undefined]);
    expect(server.stats.replays).toBe(lost ? 1 : 0);
    expect(result.stdout).toMatch(
      /^POST \/models\/kling-v3: .+; submitting again under the same idempotency key \(Hedra answers a repeat with the job it started\) in \d+\.\ds \(attempt 2 of 6\)\.$/m,
    );
  });

  // A refusal: Hedra's envelope, decoded; no second attempt, no job, nothing charged.
  const refusals: [string, number, Record<string, unknown>, string[]][] = [
    [
      '400 INVALID_ARGUMENT with details',
      400,
      {
        code: 'INVALID_ARGUMENT',
        message: '1 input field is invalid; see details.',
        param: 'input.duration_ms',
        details: [{ field: 'input.duration_ms', message: 'input.duration_ms: Input should be 5000 or 10000', reason: 'enum', allowed: [5000, 10000] }],
      },
      ['Hedra refused the request for model kling-v3 (HTTP 400):%0A- Input "duration": Input should be 5000 or 10000 (allowed: 5000, 10000)'],
    ],
    [
      '402 INSUFFICIENT_BALANCE',
      402,
      {
        code: 'INSUFFICIENT_BALANCE',
        message: 'Your API wallet balance is $0.10 and this request costs $0.25.',
        billing: { balance: 0.1, required: 0.25, currency: 'USD', funding_url: 'https://www.hedra.com/develop/billing?add_funds=true' },
      },
      [
        'Not enough money in the Hedra API wallet for this request: balance $0.10, this request costs $0.25 (USD) (HTTP 402, POST /models/kling-v3). Add funds at https://www.hedra.com/develop/billing',
        `(trace id ${TRACE}).`,
      ],
    ],
    [
      '422 MODERATION_FAILED',
      422,
      { code: 'MODERATION_FAILED', message: 'The prompt was flagged by content moderation.' },
      [`Hedra answered HTTP 422 to POST /models/kling-v3: MODERATION_FAILED: The prompt was flagged by content moderation (trace id ${TRACE}).`],
    ],
  ];
  it.each(refusals)('submit: %s is not retried', async (_name, status, error, said) => {
    const { server } = ctx;
    server.fault('submit', { kind: 'status', status, body: { error: { retryable: false, ...error }, trace_id: TRACE } });
    const result = await fullRun(ctx);
    expect(result.code).toBe(1);
    const [line, ...more] = errorLines(result);
    expect(more).toEqual([]);
    expect(line).toMatch(/^::error title=Hedra generation failed::/);
    for (const part of said) expect(line).toContain(part);
    expect(posts()).toHaveLength(1);
    expect(server.jobs.size).toBe(0);
    expect(server.ledger).toEqual([]);
    expect(server.stats.replays).toBe(0);
    expectCounts(server, { stream: 0, result: 0, download: 0 });
    expect(result.stdout).not.toContain('submitting again');
    expect(result.outputs['generation-id'] ?? '').toBe('');
    expectNoPartialFiles(result);
  });

  it('submit: a 4xx whose envelope says retryable: true is retried under the same key', async () => {
    const { server } = ctx;
    const error = { code: 'ALREADY_IN_PROGRESS', message: 'A request with this key is in progress.', retryable: true };
    server.fault('submit', { kind: 'status', status: 409, body: { error, trace_id: TRACE } });
    const result = await fullRun(ctx);
    const job = expectRecovered(server, result);
    expectCounts(server, { submit: 2 });
    expect(posts().map((p) => [p.status, keyOf(p.body)])).toEqual([
      [409, job.idempotencyKey],
      [202, job.idempotencyKey],
    ]);
  });

  it('submit: a 429 whose envelope says retryable: false (a quota, not a rate) is not retried', async () => {
    const { server } = ctx;
    const error = { code: 'RESOURCE_EXHAUSTED', message: 'Monthly job quota used up.', retryable: false };
    server.fault('submit', { kind: 'status', status: 429, body: { error, trace_id: TRACE }, rateLimit: { resetInSeconds: 0, remaining: 1 } });
    const result = await fullRun(ctx);
    expect(result.code).toBe(1);
    expect(errorLines(result).join('\n')).toContain('Monthly job quota used up');
    expect(posts()).toHaveLength(1);
    expect(server.jobs.size).toBe(0);
    expect(server.ledger).toEqual([]);
  });
});

describe('v3: faults while reading the result', () => {
  retryCases(
    ctx,
    'result',
    Object.keys(V3_FAULTS).filter((name) => name !== 'stalled body'),
  );
});

describe('v3: faults while downloading', () => {
  // A broken download starts over in a fresh temporary file; only a complete one is renamed into place.
  retryCases(ctx, 'download', DOWNLOAD_FAULTS);
});
