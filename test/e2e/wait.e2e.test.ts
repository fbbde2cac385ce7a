// Waiting that names what exists, through the committed bundle on the wall
// clock, against the v3 test server's hostile modes. Two runs, short `timeout`
// values and server pacing in milliseconds, so the file takes a few seconds:
// - a batch of three jobs whose streams misbehave each in its way: one only
//   pings, one trickles a byte at a time without ever ending a line (both keep
//   the stall watchdog quiet and never say the status), one flaps between two
//   statuses 20,000 times; and every result lags the status by 4 s. The run
//   reads the status of the quiet streams, logs a handful of status lines, waits
//   for the lagging results and downloads all three.
// - a submit whose status line and headers come at once and whose body never
//   comes before the deadline: the failure names the job (the answer's
//   Location) and how to pick it up, and sets the generation-id output.
// The two runs go at once, each against its own server (a hostile mode is a
// server's whole behaviour), to keep the wall time near the longer one's.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type StreamMode, startHedraV3Server, type V3ServerOptions } from '../server/hedra-v3-server.ts';
import { runAction } from './run-action.ts';
import { closeServers, v3ImageInputs } from './v3-image.ts';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const errorLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error'));

const server = (options: V3ServerOptions) => startHedraV3Server({ timings: { queued: 0, processing: 300 }, ...options });

// The servers start while the file is collected, so that the runs can start in the describe body (where their
// temporary directories may be made), both at once; each test awaits its own.
const [quiet, slowSubmit] = await Promise.all([server({ resultLagMs: 4000, streamPaceMs: 100 }), server({ submitBodyDelayMs: 10_000 })]);
const modes: StreamMode[] = ['keep-alive-only', 'trickle', { flap: 20_000 }];
quiet.behaviour.streamFor = (job) => modes[[...quiet.jobs.values()].indexOf(job)];

afterAll(() => closeServers([quiet, slowSubmit]));

describe('waiting that names what exists (v3, through the bundle)', () => {
  const quietRun = runAction(v3ImageInputs(quiet, { 'batch-size': '3', timeout: '20s' }), { timeoutMs: 25_000 });
  // Eight seconds: room for a cold start on a busy machine before the submit's status line arrives (the other run
  // takes longer anyway). Its body never does: the stall watchdog (2 s) gives an attempt up, and the submit is sent
  // again under the same key (answered the same way), until the deadline or no time is left to retry.
  const slowSubmitRun = runAction(v3ImageInputs(slowSubmit, { timeout: '8s' }), { timeoutMs: 20_000 });

  it('quiet streams are checked by a status read, a flapping status logs a few lines, lagging results are waited for', async () => {
    const s = quiet;
    const result = await quietRun;
    expect(errorLines(result.stdout)).toEqual([]);
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    const jobs = [...s.jobs.values()];
    expect(jobs).toHaveLength(3);
    expect(s.ledger).toHaveLength(3);
    // Every job's file, downloaded whole, though each result lagged its status by more than 3 s.
    const paths = JSON.parse(result.outputs.paths) as string[];
    expect(paths.map((p) => sha(readFileSync(p)))).toEqual(jobs.map((job) => s.resultSha256(job.id)));
    const resultReads = (job: (typeof jobs)[number]) => s.requests.filter((r) => r.path === `/jobs/${job.id}`);
    // The flapping stream said "completed" at once: its result was read more than once (a quiet stream's job may be
    // noticed after the lag, on a busy machine).
    expect(resultReads(jobs[2]).length).toBeGreaterThanOrEqual(2);
    // The result was read again until it showed the output: after the job's end plus the lag.
    for (const job of jobs) {
      const completedAt = job.createdAt + job.timings.queued + job.timings.processing;
      expect(resultReads(job).at(-1)!.at).toBeGreaterThanOrEqual(completedAt + 4000);
    }
    expect(result.stdout).not.toContain('without an output');
    // The streams that never said the status: their status was read (after 2 s: a tenth of "timeout", at least a poll interval).
    for (const job of jobs.slice(0, 2)) {
      expect(s.requests.filter((r) => r.path === `/jobs/${job.id}/status`).length).toBeGreaterThanOrEqual(1);
      expect(result.stdout).toContain(`Job ${job.id}: the event stream has said nothing of the status for 2s; reading the status.`);
    }
    expect(s.stats.streamConnections).toBe(3);
    // 20,000 frames flapping in well under a second: at most one status line a second, and the final one.
    const flapped = jobs[2].id;
    const lines = result.stdout.split('\n').filter((l) => l.startsWith(`Job ${flapped}: `));
    expect(lines.length).toBeLessThanOrEqual(8);
    expect(lines).toContain(`Job ${flapped}: complete`);
    expect(result.elapsedMs).toBeLessThan(12_000);
  });

  it('the deadline during a submit whose body never came: the job its Location named is given, with how to pick it up, whatever ended it', async () => {
    const s = slowSubmit;
    const result = await slowSubmitRun;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const [job] = [...s.jobs.values()];
    expect(s.jobs.size).toBe(1);
    expect(s.ledger).toEqual([{ jobId: job.id, amount: job.price }]);
    const [line, ...more] = errorLines(result.stdout);
    expect(more).toEqual([]);
    // Whichever ends the submit first, the deadline or the stall watchdog with no time left to retry, names the job.
    expect(line).toMatch(
      /::(Gave up after 8s \(input "timeout"\) while creating the generation\.|no progress for 2s \(the deadline set by input "timeout" leaves no time to retry\)\.)%0AGeneration /,
    );
    expect(line).toContain(`Generation ${job.id} exists on Hedra's side; to pick it up without paying again, run this action with generation-id: ${job.id}`);
    expect(result.outputs['generation-id']).toBe(job.id);
    expect(JSON.parse(result.outputs['generation-ids'])).toEqual([job.id]);
    expect(result.elapsedMs).toBeLessThan(12_000);
  });
});
