// v3: faults while following the job. The run reads the job's event stream;
// when the stream is refused, breaks, ends early or falls silent, it polls the
// status instead (never more often than every 2 s), and a fault on a poll is
// retried like any other read. A stream that talks but says nothing of the status
// is checked with a status read every few poll intervals. The deadline during the
// stream names the job to resume.
// In-process through runWith against the validating v3 test server, the run and
// the server on the fast clock; a silent connection (a hang, a stream that falls
// silent) on a slower one, since the stall watchdog counts real time
// (v3-matrix.ts).
import { describe, expect, it } from 'vitest';
import type { V3Behaviour, V3RecordedRequest } from '../../server/hedra-v3-server.ts';
import {
  API_FAULTS,
  clockFor,
  errorLines,
  expectCounts,
  expectNoPartialFiles,
  expectPolled,
  expectPollsSpaced,
  expectRecovered,
  FALLBACK,
  fullRun,
  jobToPoll,
  requestsOf,
  retryCases,
  SLOW_TIME,
  stageOf,
  useV3Server,
  V3_FAULTS,
} from './v3-matrix.ts';

const ctx = useV3Server();

/** Why a stream whose connection was cut was given up. */
const NO_ANSWER = /^No answer from 127\.0\.0\.1:\d+ to GET \/jobs\/job_\S+\/stream: /;

/**
 * A silent stream is given up after the stall time (a tenth of "timeout" 20s, at least 2 s): not before, and not much
 * after. The stall watchdog counts real time: the gap on the test's clock, in real milliseconds.
 */
function expectGivenUpAfterStall(stream: V3RecordedRequest, firstPoll: V3RecordedRequest) {
  const realMs = (ctx.at(firstPoll) - ctx.at(stream)) / ctx.time.scale;
  expect(realMs).toBeGreaterThanOrEqual(1998);
  expect(realMs).toBeLessThan(4000);
}

describe('v3: faults while polling the status (the stream refused)', () => {
  // A job done at once: one poll, and the faulted one before it.
  const refused = (server: typeof ctx.server) => {
    server.behaviour.stream = 'refuse';
    server.behaviour.timings = { queued: 0, processing: 0 };
  };
  retryCases(ctx, 'status', API_FAULTS, {
    setup: refused,
    changes: { status: 1 },
    fallback: /^Hedra answered HTTP 404 to GET \/jobs\/job_\S+\/stream: NOT_FOUND/,
  });

  it('status: a 429 with Retry-After is honoured before the next poll', async () => {
    // Bounded from above too, so on SLOW_TIME, 4 times the wall clock rather than FAST's 50: the 1.5 s of slack below
    // are 375 ms of real latency, not 30.
    await ctx.onClock(SLOW_TIME);
    const { server } = ctx;
    refused(server);
    // Only the header asks for 3 s: the envelope has no retry_after, and the rate-limit headers say go ahead.
    const error = { code: 'RESOURCE_EXHAUSTED', message: 'Request rate limit exceeded.', retryable: true };
    const rateLimit = { resetInSeconds: 0, reset: 'delta' as const, remaining: 5 };
    server.fault('status', { kind: 'status', status: 429, retryAfter: '3', body: { error, trace_id: '0123456789abcdef0123456789abcdef' }, rateLimit });
    const result = await fullRun(ctx);
    expectRecovered(server, result);
    expectCounts(server, { status: 2 });
    const [faulted, next] = requestsOf(server, 'status');
    expect(faulted.status).toBe(429);
    // A timer may fire a millisecond (of real time) early, which the clock multiplies (2 ms through the bundle).
    expect(ctx.at(next) - ctx.at(faulted)).toBeGreaterThanOrEqual(3000 - 2 * ctx.time.scale);
    expect(ctx.at(next) - ctx.at(faulted)).toBeLessThan(4500);
    expect(result.stdout).toMatch(/^GET \/jobs\/job_[0-9a-f-]+\/status: HTTP 429; retrying in 3\.0s \(attempt 2 of 6\)\.$/m);
  });
});

describe('v3: faults on the event stream: the run polls instead', () => {
  // A malformed frame and then a clean end is a stream Hedra closed: reconnected (below), not polled.
  it.each(API_FAULTS.filter((name) => V3_FAULTS[name].kind !== 'malformed'))('stream: %s', async (name) => {
    await ctx.onClock(clockFor(V3_FAULTS[name]));
    const { server } = ctx;
    // Long enough that polling (not the stream) sees the job end, after at least two polls.
    jobToPoll(ctx);
    server.fault('stream', V3_FAULTS[name]);
    const result = await fullRun(ctx);
    const { polls, stream, why } = expectPolled(ctx, result, 2);
    const fault = V3_FAULTS[name];
    expect(why).toMatch(
      fault.kind === 'status'
        ? new RegExp(`^Hedra answered HTTP ${fault.status} to GET /jobs/job_\\S+/stream: `)
        : fault.kind === 'hang'
          ? /^no progress for 2s$/
          : NO_ANSWER,
    );
    if (fault.kind === 'hang') expectGivenUpAfterStall(stream, polls[0]);
    expect(server.requests.filter((r) => r.fault).map(stageOf)).toEqual(['stream']);
    // The stream is opened once: no retry of it, no reconnection.
    expect(result.stdout).not.toMatch(/stream: .*retrying/);
  });
});

describe('v3: streams that fail in their own ways: the run polls instead', () => {
  const cases: [string, Partial<V3Behaviour>, number, RegExp][] = [
    ['breaks mid-job (after 2 frames)', { stream: { breakAfter: 2 } }, 200, NO_ANSWER],
    ['hangs after the first frame', { stream: 'hang' }, 200, /^no progress for 2s$/],
    ['refused with 404', { stream: 'refuse', streamRefuseStatus: 404 }, 404, /^Hedra answered HTTP 404 to GET \/jobs\/job_\S+\/stream: NOT_FOUND: Not found/],
    ['refused with 405', { stream: 'refuse', streamRefuseStatus: 405 }, 405, /^Hedra answered HTTP 405 to GET \/jobs\/job_\S+\/stream: Method Not Allowed$/],
    ['refused with 501', { stream: 'refuse', streamRefuseStatus: 501 }, 501, /^Hedra answered HTTP 501 to GET \/jobs\/job_\S+\/stream: UNKNOWN: /],
    [
      'answered with JSON (200), not an event stream',
      { stream: 'refuse', streamRefuseStatus: 200 },
      200,
      /^Hedra answered GET \/jobs\/job_\S+\/stream with application\/json, not an event stream$/,
    ],
    // Closed cleanly three times (the first connection and both reconnects): then polled.
    ['ends without the done frame, each time', { stream: 'end-without-done' }, 200, /^Hedra closed it 3 times before the job ended$/],
  ];
  it.each(cases)('a stream that %s', async (_name, behaviour, status, reason) => {
    const hang = behaviour.stream === 'hang';
    if (hang) await ctx.onClock(SLOW_TIME);
    const { server } = ctx;
    Object.assign(server.behaviour, behaviour);
    jobToPoll(ctx);
    const result = await fullRun(ctx);
    const streams = behaviour.stream === 'end-without-done' ? 3 : 1;
    const { polls, stream, why } = expectPolled(ctx, result, 2, streams);
    expect(server.stats.streamConnections).toBe(streams);
    expect(stream.status).toBe(status);
    expect(why).toMatch(reason);
    if (hang) expectGivenUpAfterStall(stream, polls[0]);
  });
});

describe('v3: the deadline during the stream', () => {
  it('gives up waiting, names the job and how to resume, and writes nothing', async () => {
    const { server } = ctx;
    // Two minutes of the run's time (2.4 s real) and a job of twenty: 3s and 10 s through the bundle, but on FAST 3 s
    // are 60 ms real, which the reads, the store and the submit before the stream can take on their own.
    server.behaviour.timings = { queued: 0, processing: 1_200_000 };
    const result = await fullRun(ctx, { timeout: '2m' });
    expect(result.code).toBe(1);
    expect(server.jobs.size).toBe(1);
    const [job] = server.jobs.values();
    expect(server.ledger).toEqual([{ jobId: job.id, amount: job.price }]);
    const [line, ...more] = errorLines(result);
    expect(more).toEqual([]);
    expect(line).toMatch(new RegExp(`Gave up waiting after 2m 00s \\(input "timeout"\\): ${job.id} \\(processing \\d+%25\\)\\.`));
    expect(line).toContain(`run this action with generation-id: ${job.id}`);
    expect(result.outputs['generation-id']).toBe(job.id);
    expect(result.outputs.path ?? '').toBe('');
    // It was the stream that was open when the time ran out: no polling, no result, no download. Its keep-alives
    // said nothing of the status for minutes (a frame each 10 % of a 20-minute job), so the status was read at the
    // poll interval while the stream stayed open: 2 s at first, then less often as polling would (the job's own
    // progress says its end is far): never more often, and far fewer than a read every 2 s.
    const reads = requestsOf(server, 'status');
    expect(reads.length).toBeGreaterThanOrEqual(5);
    expect(reads.length).toBeLessThan(30);
    expectCounts(server, { status: reads.length, result: 0, download: 0 });
    const gaps = expectPollsSpaced(ctx, 2000);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(10_000);
    // The first read after 2 s of silence on the run's clock (more on a busy machine: FAST's 2 s are 40 ms real).
    const quiet = /^Job job_\S+: the event stream has said nothing of the status for (\d+(?:\.\d)?)s; reading the status\.$/m.exec(result.stdout);
    expect(Number(quiet?.[1])).toBeGreaterThanOrEqual(2);
    expect(result.stdout).not.toMatch(FALLBACK);
    // Given up at the deadline, not when the job ends: less than twice the timeout, on the run's clock.
    expect(result.elapsedMs * ctx.time.scale).toBeLessThan(2 * 120_000);
    expectNoPartialFiles(result);
  });
});
