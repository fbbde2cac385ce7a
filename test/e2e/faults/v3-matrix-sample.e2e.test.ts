// The v3 fault matrix through the committed bundle: a sample of what only a
// run of dist/index.js shows, on the wall clock. The matrix itself (every fault
// at every stage of a v3 run, the submit's refusals, the stream's failures and
// the deadline) runs in-process in test/in-process/faults/v3-*; here, one lost
// answer to the billed submit (one job, one charge), one broken event stream
// (the job followed by polling, on the real clock), one refused submit and the
// deadline during the stream, for the process around them: the exit code
// index.ts sets, the annotation the runner reads, and nothing on stderr (no
// stack trace).
import { describe, expect, it } from 'vitest';
import {
  errorLines,
  expectCounts,
  expectNoPartialFiles,
  expectPolled,
  expectRecovered,
  FALLBACK,
  fullRun,
  jobToPoll,
  requestsOf,
  stageOf,
  useV3Server,
  V3_FAULTS,
} from '../../in-process/faults/v3-matrix.ts';

describe('the v3 fault matrix through the bundle', () => {
  const ctx = useV3Server({ bundle: true });
  const TRACE = '0123456789abcdef0123456789abcdef';

  it('submit: reset after it was handled (answer lost): the job is replayed, one charge, exit code 0', async () => {
    const { server } = ctx;
    server.fault('submit', V3_FAULTS['reset after it was handled (answer lost)']);
    const result = await fullRun(ctx);
    const job = expectRecovered(server, result);
    expect(result.stderr).toBe('');
    expectCounts(server, { submit: 2 });
    const [first, second] = requestsOf(server, 'submit');
    expect(first.fault).toBe('reset-after');
    expect(second.fault).toBeUndefined();
    expect(second.status).toBe(202);
    expect(job.idempotencyKey).toMatch(/\S/);
    expect((second.body as { idempotency_key: string }).idempotency_key).toBe(job.idempotencyKey);
    expect(first.body).toEqual(second.body);
    // The first attempt made the job: the second is answered by replaying it.
    expect([first.replay, second.replay]).toEqual([undefined, true]);
    expect(server.stats.replays).toBe(1);
    expect(result.stdout).toMatch(
      /^POST \/models\/kling-v3: .+; submitting again under the same idempotency key \(Hedra answers a repeat with the job it started\) in \d+\.\ds \(attempt 2 of 6\)\.$/m,
    );
  });

  it('stream: 503: the job is followed by polling, no faster than every 2 s, exit code 0', async () => {
    const { server } = ctx;
    jobToPoll(ctx);
    server.fault('stream', V3_FAULTS['503']);
    const result = await fullRun(ctx);
    const { why } = expectPolled(ctx, result, 2);
    expect(result.stderr).toBe('');
    expect(why).toMatch(/^Hedra answered HTTP 503 to GET \/jobs\/job_\S+\/stream: /);
    expect(server.requests.filter((r) => r.fault).map(stageOf)).toEqual(['stream']);
    expect(result.stdout).not.toMatch(/stream: .*retrying/);
  });

  it('submit: 402 INSUFFICIENT_BALANCE: not retried, exit code 1, one annotation, nothing charged', async () => {
    const { server } = ctx;
    const error = {
      code: 'INSUFFICIENT_BALANCE',
      message: 'Your API wallet balance is $0.10 and this request costs $0.25.',
      billing: { balance: 0.1, required: 0.25, currency: 'USD', funding_url: 'https://www.hedra.com/develop/billing?add_funds=true' },
    };
    server.fault('submit', { kind: 'status', status: 402, body: { error: { retryable: false, ...error }, trace_id: TRACE } });
    const result = await fullRun(ctx);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const [line, ...more] = errorLines(result);
    expect(more).toEqual([]);
    expect(line).toMatch(/^::error title=Hedra generation failed::/);
    expect(line).toContain(
      'Not enough money in the Hedra API wallet for this request: balance $0.10, this request costs $0.25 (USD) (HTTP 402, POST /models/kling-v3). Add funds at https://www.hedra.com/develop/billing',
    );
    expect(line).toContain(`(trace id ${TRACE}).`);
    expect(requestsOf(server, 'submit')).toHaveLength(1);
    expect(server.jobs.size).toBe(0);
    expect(server.ledger).toEqual([]);
    expect(server.stats.replays).toBe(0);
    expectCounts(server, { stream: 0, result: 0, download: 0 });
    expect(result.stdout).not.toContain('submitting again');
    expect(result.outputs['generation-id'] ?? '').toBe('');
    expectNoPartialFiles(result);
  });

  it('the deadline during the stream, on the real clock: exit code 1, the job named with how to resume, nothing written', async () => {
    const { server } = ctx;
    // 5 s: time enough for the bundle to start and submit on a busy machine, the job far from done by then.
    server.behaviour.timings = { queued: 0, processing: 60_000 };
    const result = await fullRun(ctx, { timeout: '5s' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(server.jobs.size).toBe(1);
    const [job] = server.jobs.values();
    expect(server.ledger).toEqual([{ jobId: job.id, amount: job.price }]);
    const [line, ...more] = errorLines(result);
    expect(more).toEqual([]);
    expect(line).toMatch(new RegExp(`Gave up waiting after 5s \\(input "timeout"\\): ${job.id} \\(processing \\d+%25\\)\\.`));
    expect(line).toContain(`run this action with generation-id: ${job.id}`);
    expect(result.outputs['generation-id']).toBe(job.id);
    expect(result.outputs.path ?? '').toBe('');
    // The stream sends a status frame every 6 s (each 10 % of the job) and keep-alives between: after 2 s of them (the
    // first poll interval) the status is read once, and again a poll interval after each answer (none
    // when a busy machine opens the stream late). The stream stays open: never a fallback to polling.
    const reads = requestsOf(server, 'status');
    expect(reads.length).toBeLessThanOrEqual(2);
    expectCounts(server, { status: reads.length, result: 0, download: 0 });
    expect(result.stdout).not.toMatch(FALLBACK);
    expect(result.elapsedMs).toBeLessThan(8000);
    expectNoPartialFiles(result);
  });
});
