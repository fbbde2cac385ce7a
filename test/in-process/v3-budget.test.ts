// v3: the request budget and streams that reconnect, in-process through runWith
// against the v3 test server (which enforces a rate limit per key, answers 429
// beyond it, and records when each request arrived), the run and the server on
// one fast clock:
// - a batch of 8 whose streams are refused polls within the budget, the jobs
//   taking turns; a lower X-RateLimit-Limit from the server is kept to; a 429's
//   retry_after (the envelope's word alone) quiets every request of the run;
// - a stream Hedra closes by design (`retry:`, no `done`) is reconnected with
//   Last-Event-Id after the wait it asked, at most twice, then polled;
// - `done` is read in 3.9.0's form (`[STREAM_DONE]`) and in 3.0.1's (the final
//   status as JSON, even with no status frame before it).
import { describe, expect, it } from 'vitest';
import type { V3RecordedRequest } from '../server/hedra-v3-server.ts';
import { mostInWindow } from '../server/v3-rate-limit.ts';
import { FALLBACK, promptImageRun, requestsOf, stageOf, useV3Server } from './faults/v3-matrix.ts';

const ctx = useV3Server();

/** Images from a prompt (no local file), `batch` of them. */
const imageRun = (batch: number, extra: Record<string, string> = {}) => promptImageRun(ctx, { 'batch-size': String(batch), ...extra });

/** The requests made with the key (the downloads go to presigned URLs, outside the budget). */
const keyRequests = () => ctx.server.requests.filter((r) => !r.path.startsWith('/media/'));
const readsOf = (job: string) => ctx.server.requests.filter((r) => r.path === `/jobs/${job}/status`);

describe('v3: one request budget for every request of the run', () => {
  it('a batch of 8 whose streams are refused: the jobs poll taking turns, never more than 60 requests in 60 s, no 429', async () => {
    const { server } = ctx;
    server.behaviour.stream = 'refuse';
    server.behaviour.timings = { queued: 0, processing: 90_000 };
    const result = await imageRun(8);
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    const jobs = [...server.jobs.values()];
    expect(jobs).toHaveLength(8);
    const api = keyRequests();
    expect(api.filter((r) => r.status === 429)).toEqual([]);
    expect(mostInWindow(api.map(ctx.at), 60_000)).toBeLessThanOrEqual(60);
    // Eight jobs polled each on its own schedule (every 2 s to 30 s) for 90 s would make far more reads; the budget
    // held them to about one request a second, and the jobs took turns: none was read much more often than another.
    const reads = jobs.map((job) => readsOf(job.id).length);
    expect(reads.reduce((a, b) => a + b)).toBeLessThan(120);
    expect(Math.min(...reads)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...reads)).toBeLessThanOrEqual(2 * Math.min(...reads));
  });

  it('a lower X-RateLimit-Limit from the server is kept to: no 429', async () => {
    const { server } = ctx;
    // 6 requests per 10 s: a run of 2 jobs makes more than that in its first second. The budget, told the limit by the
    // first answer, keeps it over its own (longer) window, far from the server's edge.
    server.behaviour.keyRateLimit = { requests: 6, windowMs: 10_000 };
    server.behaviour.stream = 'refuse';
    server.behaviour.timings = { queued: 0, processing: 10_000 };
    const result = await imageRun(2);
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    const api = keyRequests();
    expect(api.filter((r) => r.status === 429)).toEqual([]);
    expect(mostInWindow(api.map(ctx.at), 10_000)).toBeLessThanOrEqual(6);
  });

  it('a 429 whose envelope alone says retry_after quiets every request of the run, not only the one refused', async () => {
    const { server } = ctx;
    server.behaviour.stream = 'refuse';
    server.behaviour.timings = { queued: 0, processing: 20_000 };
    const error = { code: 'RESOURCE_EXHAUSTED', message: 'Request rate limit exceeded.', retryable: true, retry_after: 9 };
    let refused: V3RecordedRequest | undefined;
    ctx.onRequest = (r) => {
      // The first poll of the batch is refused, with no Retry-After header.
      if (!refused && stageOf(r) === 'status') {
        refused = r;
        server.fault('status', { kind: 'status', status: 429, body: { error, trace_id: '0123456789abcdef0123456789abcdef' } });
      }
    };
    const result = await imageRun(2);
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(refused?.status).toBe(429);
    // Nothing of the run reached the server for the 9 s asked (the other job's polls included), but for the other
    // job's first poll, which both jobs sent at once (already on its way when the 429 was answered).
    const gaps = keyRequests()
      .filter((r) => ctx.at(r) > ctx.at(refused!))
      .map((r) => ctx.at(r) - ctx.at(refused!));
    const early = gaps.filter((gap) => gap < 9000 - 2 * ctx.time.scale);
    expect(early.length).toBeLessThanOrEqual(1);
    expect(early.every((gap) => gap < 1000)).toBe(true);
    expect(gaps.length).toBeGreaterThan(early.length);
  });
});

describe('v3: streams that Hedra closes by design', () => {
  it('reconnected with Last-Event-Id after the `retry:` asked, and the job followed to its end on the stream', async () => {
    const { server } = ctx;
    server.behaviour.timings = { queued: 0, processing: 12_000 };
    server.behaviour.stream = { closeAfterMs: 4000, retryMs: 1500 };
    // The job starts again as its first stream opens, so that it has all of its 12 s to go.
    let opened = false;
    ctx.onRequest = (r) => {
      if (opened || stageOf(r) !== 'stream') return;
      opened = true;
      for (const job of server.jobs.values()) server.ageJob(job.id, job.createdAt - ctx.time.now());
    };
    const result = await imageRun(1);
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    const streams = requestsOf(server, 'stream');
    // Open 0–4 s, 5.5–9.5 s, then from 11 s: the job (12 s) ends on the third connection (on the second if real
    // latency, read 50 times over, pushed that one past the job's end).
    expect(streams.length).toBeGreaterThanOrEqual(2);
    expect(streams.length).toBeLessThanOrEqual(3);
    expect(streams[0].headers['last-event-id']).toBeUndefined();
    // Each reconnect resumes after the last event the one before saw: ids only grow.
    const ids = streams.slice(1).map((r) => Number(r.headers['last-event-id']));
    expect(ids[0]).toBeGreaterThan(0);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    // The wait `retry:` asked (1.5 s), from the close (4 s after the open), before each reconnect.
    for (let i = 1; i < streams.length; i++) expect(ctx.at(streams[i]) - ctx.at(streams[i - 1])).toBeGreaterThanOrEqual(5500 - 2 * ctx.time.scale);
    // Never polled (a status read while a stream is open is its quiet check: its frames come 2.4 s apart, more
    // than the first poll interval).
    expect(result.stdout).toMatch(/^Job: Hedra closed the event stream before the job ended; reconnecting in 1\.5s, after event \d+\.$/m);
    expect(result.stdout).not.toMatch(FALLBACK);
  });

  it('closed a third time: polled from then on', async () => {
    const { server } = ctx;
    server.behaviour.timings = { queued: 0, processing: 20_000 };
    server.behaviour.stream = { closeAfterMs: 2000, retryMs: 500 };
    const result = await imageRun(1);
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(requestsOf(server, 'stream')).toHaveLength(3);
    expect(FALLBACK.exec(result.stdout)?.[1]).toBe('Hedra closed it 3 times before the job ended');
    expect(requestsOf(server, 'status').length).toBeGreaterThanOrEqual(1);
  });
});

describe('v3: the done frame in both forms', () => {
  it.each([
    ['[STREAM_DONE] (3.9.0)', 'marker'],
    ['the final status as JSON (3.0.1)', 'json'],
    ['the final status as JSON, said nowhere else', 'json-only'],
  ] as const)('%s: the job ends on the stream, no status read', async (_name, form) => {
    const { server } = ctx;
    server.behaviour.streamDone = form;
    server.behaviour.timings = { queued: 0, processing: 1000 };
    const result = await imageRun(1);
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(requestsOf(server, 'status')).toEqual([]);
    expect(requestsOf(server, 'stream')).toHaveLength(1);
    expect(result.stdout).not.toMatch(FALLBACK);
  });
});
