// The request budget and streams that reconnect, through the committed bundle
// on the wall clock, against the v3 test server (which enforces Hedra's 60
// requests per 60 s per key, answering 429 beyond it, and records when each
// request arrived). Two runs at once, each against its own server:
// - a batch of 8 whose streams Hedra closes by design (each connection ends
//   after 0.8 s with `retry: 100` and no `done`): every job is followed to its
//   end on its stream by reconnecting with Last-Event-Id, never polled; no 60 s
//   holds more than 60 of the key's requests, and none is refused 429;
// - a stream that only sends keep-alives while its job ends at once: the status
//   is read after one poll interval (2 s), not waited out until `timeout`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startHedraV3Server, type V3ServerOptions } from '../server/hedra-v3-server.ts';
import { mostInWindow } from '../server/v3-rate-limit.ts';
import { runAction } from './run-action.ts';
import { closeServers, v3ImageInputs } from './v3-image.ts';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const server = (options: V3ServerOptions) => startHedraV3Server(options);

const [closing, quiet] = await Promise.all([
  // Jobs of 2.5 s; each stream connection closed after 0.8 s: the third connection (the second reconnect) is open when
  // the job ends, however late the run opened the first.
  server({ timings: { queued: 0, processing: 2500 }, stream: { closeAfterMs: 800, retryMs: 100 } }),
  server({ timings: { queued: 0, processing: 300 }, stream: 'keep-alive-only', streamPaceMs: 100 }),
]);

afterAll(() => closeServers([closing, quiet]));

describe('the request budget and streams that reconnect (v3, through the bundle)', () => {
  const closingRun = runAction(v3ImageInputs(closing, { 'batch-size': '8', timeout: '2m' }), { timeoutMs: 30_000 });
  // A long timeout: a quiet stream is checked at the poll interval, not at a fraction of the timeout.
  const quietRun = runAction(v3ImageInputs(quiet, { timeout: '10m' }), { timeoutMs: 30_000 });

  it('a batch of 8 whose streams close by design: followed to the end by reconnecting, within the budget, no 429', async () => {
    const s = closing;
    const result = await closingRun;
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    const jobs = [...s.jobs.values()];
    expect(jobs).toHaveLength(8);
    expect(s.ledger).toHaveLength(8);
    const paths = JSON.parse(result.outputs.paths) as string[];
    expect(paths.map((p) => sha(readFileSync(p)))).toEqual(jobs.map((job) => s.resultSha256(job.id)));
    // The key's requests (not the downloads, which go to presigned URLs): within the budget, as the server saw them.
    const api = s.requests.filter((r) => !r.path.startsWith('/media/'));
    expect(api.filter((r) => r.status === 429)).toEqual([]);
    expect(
      mostInWindow(
        api.map((r) => r.at),
        60_000,
      ),
    ).toBeLessThanOrEqual(60);
    for (const job of jobs) {
      const streams = s.requests.filter((r) => r.path === `/jobs/${job.id}/stream`);
      // Reconnected, each time after the last event seen (ids only grow), and never polled: the stream saw the end.
      const resumed = streams.slice(1).map((r) => Number(r.headers['last-event-id']));
      expect(resumed.length).toBeGreaterThanOrEqual(1);
      expect(resumed.every((id, i) => Number.isInteger(id) && id > 0 && (i === 0 || id >= resumed[i - 1]))).toBe(true);
      expect(streams.length).toBeLessThanOrEqual(3);
      expect(s.requests.filter((r) => r.path === `/jobs/${job.id}/status`)).toEqual([]);
    }
    expect(result.stdout).toMatch(/^Job job_\S+: Hedra closed the event stream before the job ended; reconnecting in 0\.1s, after event \d+\.$/m);
    expect(result.stdout).not.toContain('following the job by polling');
  });

  it('a keep-alive-only stream is not waited out: its status is read after one poll interval, and the run ends', async () => {
    const s = quiet;
    const result = await quietRun;
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    const [job] = [...s.jobs.values()];
    const [stream] = s.requests.filter((r) => r.path === `/jobs/${job.id}/stream`);
    const reads = s.requests.filter((r) => r.path === `/jobs/${job.id}/status`);
    // The job ended 0.3 s after its submit; the stream said nothing of it. One read, one poll interval (2 s) after the
    // stream opened, found it completed; the result was read at once.
    expect(reads).toHaveLength(1);
    expect(reads[0].at - stream.at).toBeGreaterThanOrEqual(1900);
    expect(reads[0].at - stream.at).toBeLessThan(4000);
    const [resultRead] = s.requests.filter((r) => r.path === `/jobs/${job.id}`);
    const endedAt = job.createdAt + job.timings.queued + job.timings.processing;
    expect(resultRead.at - endedAt).toBeLessThan(4500);
    expect(sha(readFileSync(result.outputs.path))).toBe(s.resultSha256(job.id));
    expect(result.stdout).toContain(`Job ${job.id}: the event stream has said nothing of the status for 2s; reading the status.`);
  });
});
