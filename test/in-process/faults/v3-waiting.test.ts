// v3: waiting that names what exists. In-process through runWith against the
// v3 test server's hostile modes, the run and the server on one injected clock:
// - the deadline during a submit: the job its answer's Location named, or, with
//   no answer at all, what may exist (the idempotency key) and how to find it;
// - a result that lags the stream's "completed": waited for within `timeout`,
//   and, when the deadline comes first, reported as not readable yet;
// - streams that talk but never say the status: a status read every few poll
//   intervals ends the wait;
// - a status that flaps: at most one status line a second (on the wall clock).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wallTime } from '../../helpers/fast-time.ts';
import type { StreamMode } from '../../server/hedra-v3-server.ts';
import { errorLines, expectPollsSpaced, promptImageRun, requestsOf, STEADY_TIME, sha, useV3Server } from './v3-matrix.ts';

const ctx = useV3Server();

const imageRun = (extra: Record<string, string> = {}) => promptImageRun(ctx, extra);

describe('v3: the deadline during the submit', () => {
  it('the answer had its status line and Location, not its body: the job is named, with generation-id, and set as output', async () => {
    const { server } = ctx;
    server.behaviour.submitBodyDelayMs = 3_600_000;
    // Three minutes (3.6 s real): room for a cold start on a busy machine before the submit, and far less than the
    // stall watchdog's 18 s (real time).
    const result = await imageRun({ timeout: '3m' });
    expect(result.code, result.stdout.slice(-3000)).toBe(1);
    const [job] = [...server.jobs.values()];
    expect(server.jobs.size).toBe(1);
    const [line, ...more] = errorLines(result);
    expect(more).toEqual([]);
    expect(line).toContain('Gave up after 3m 00s (input "timeout") while creating the generation.');
    expect(line).toContain(`Generation ${job.id} exists on Hedra's side; to pick it up without paying again, run this action with generation-id: ${job.id}`);
    // Every submit was answered as far as the headers: nothing "may" exist beyond the job named.
    expect(line).not.toContain('may exist');
    expect(result.outputs['generation-id']).toBe(job.id);
  });

  it.each([
    [
      'reuse: false',
      'false',
      /A re-run sends a new key .* so it would start and pay for another job: first look for a job of gpt-image-2 submitted at \d{4}-\d\d-\d\dT[\d:.]+Z \(GET \/v3\/models\/gpt-image-2\/jobs, or Hedra's dashboard\), and pick it up with generation-id: job_…\./,
    ],
    [
      'reuse: true',
      'true',
      /Running this workflow again with the same inputs sends the same idempotency key, and Hedra answers with that job instead of starting another \(nothing is paid twice\)\./,
    ],
  ])('no answer at all (%s): what may exist, its idempotency key, and how to find it', async (_name, reuse, how) => {
    const { server } = ctx;
    // Handled (the job made and paid for), never answered; the stall watchdog (6 s of real time) outlasts the deadline (1.2 s real).
    server.fault('submit', { kind: 'hang' });
    const result = await imageRun({ timeout: '1m', reuse });
    expect(result.code).toBe(1);
    expect(server.jobs.size).toBe(1);
    const [job] = [...server.jobs.values()];
    const [line] = errorLines(result);
    expect(line).toContain('Gave up after 1m 00s (input "timeout") while creating the generation.');
    expect(line).toContain(`A job of model gpt-image-2 may exist on Hedra's side: the submit (idempotency key ${job.idempotencyKey}) may have reached Hedra`);
    expect(line).toMatch(how);
    expect(result.outputs['generation-id'] ?? '').toBe('');
  });
});

describe('v3: a result that lags the stream', () => {
  it('lagging by a minute: read again until it shows the output, and downloaded', async () => {
    const { server } = ctx;
    // A minute of the run's time (1.2 s real): far more than the real latency of the run, read 50 times over.
    server.behaviour.resultLagMs = 60_000;
    const result = await imageRun();
    expect(result.code, result.stdout.slice(-2000)).toBe(0);
    const [job] = [...server.jobs.values()];
    const reads = requestsOf(server, 'result');
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(ctx.at(reads.at(-1)!)).toBeGreaterThanOrEqual(job.createdAt + job.timings.queued + job.timings.processing + 60_000);
    expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(job.id));
    expect(result.stdout).not.toContain('without an output');
  });

  it('lagging past the deadline: the job ended but is not readable yet, not failed; how to pick it up', async () => {
    const { server } = ctx;
    server.behaviour.resultLagMs = 3_600_000;
    // Three minutes (3.6 s real): room for a cold start on a busy machine before the job ends.
    const result = await imageRun({ timeout: '3m' });
    expect(result.code, result.stdout.slice(-3000)).toBe(1);
    const [job] = [...server.jobs.values()];
    const [line, ...more] = errorLines(result);
    expect(more).toEqual([]);
    expect(line).toContain(`Gave up waiting after 3m 00s (input "timeout"): ${job.id} (ended; its result is not readable yet).`);
    expect(line).toContain('(the result lags the status): it is not a failure.');
    expect(line).toContain(`to wait for it and download it without paying again, run this action with generation-id: ${job.id}`);
    expect(line.replace(/^::error title=[^:]*::/, '')).not.toMatch(/failed|without an output/);
    expect(result.outputs.status).toBe('finalizing');
    expect(result.outputs['generation-id']).toBe(job.id);
    expect(result.outputs.path ?? '').toBe('');
    // Read again and again, backing off to 5 s: what is left of three minutes holds a few dozen reads, not hundreds.
    const reads = requestsOf(server, 'result').length;
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(reads).toBeLessThan(50);
  });
});

describe('v3: streams that talk but never say the status', () => {
  it.each<[string, StreamMode]>([
    ['only keep-alive comments', 'keep-alive-only'],
    ['a byte at a time, never ending a line', 'trickle'],
  ])('%s: the status is read at the poll interval (2 s at first, then backing off), and the job ends with it', async (_name, mode) => {
    await ctx.onClock(STEADY_TIME);
    const { server } = ctx;
    server.behaviour.stream = mode;
    server.behaviour.timings = { queued: 0, processing: 15_000 };
    // The job starts again as its stream opens, so that it has all of its 15 s to go however long the run took to
    // get there (real latency, read 50 times over).
    ctx.onRequest = (r) => {
      if (r.path.endsWith('/stream')) for (const job of server.jobs.values()) server.ageJob(job.id, job.createdAt - ctx.time.now());
    };
    const result = await imageRun();
    expect(result.code, result.stdout.slice(-2000)).toBe(0);
    const [job] = [...server.jobs.values()];
    const [stream] = requestsOf(server, 'stream');
    const reads = requestsOf(server, 'status');
    // A job of 15 s: its status read one poll interval (2 s) after the stream opened (still running), and again at
    // the poll interval from each answer (as polling would wait: from the time waited and the progress the reads
    // saw) until one says completed.
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect(reads.every((r) => r.status === 200)).toBe(true);
    expect(ctx.at(reads[0]) - ctx.at(stream)).toBeGreaterThanOrEqual(2000 - 2 * ctx.time.scale);
    expect(ctx.at(reads[0]) - ctx.at(stream)).toBeLessThan(4000);
    expectPollsSpaced(ctx, 2000);
    expect(server.stats.streamConnections).toBe(1);
    // After 2 s of silence on the run's clock (a little more on a busy machine: FAST's 2 s are 40 ms real).
    const quiet = new RegExp(`^Job ${job.id}: the event stream has said nothing of the status for (\\d+(?:\\.\\d)?)s; reading the status\\.$`, 'm').exec(
      result.stdout,
    );
    expect(Number(quiet?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(quiet?.[1])).toBeLessThan(4);
    expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(job.id));
  });
});

describe('v3: a status that flaps', () => {
  it('20,000 frames alternating at once: at most one status line a second, and the final one', async () => {
    // On the wall clock: how many lines a second of real time allows is the point.
    await ctx.onClock(wallTime);
    const { server } = ctx;
    // 20,000 are as many lines without the limit, and cost the suite a fraction of 200,000's seconds.
    server.behaviour.stream = { flap: 20_000 };
    const result = await imageRun({ timeout: '30s' });
    expect(result.code, result.stdout.slice(-2000)).toBe(0);
    const lines = result.stdout.split('\n').filter((l) => /^Job: /.test(l));
    expect(lines.length).toBeLessThanOrEqual(Math.ceil(result.elapsedMs / 1000) + 2);
    expect(lines.at(-1)).toBe('Job: complete');
  });
});
