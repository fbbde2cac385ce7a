// The v3 fault matrix: one fault at one stage of a full v3 run (read the wallet
// and the model, store a local image, estimate, submit, follow the job by its
// event stream or by polling, read the result, download), in-process through
// runWith against the validating v3 test server, the run and the server on one
// fast clock (or, for the sample kept in test/e2e/faults/, through the
// committed bundle on the wall clock). Each case states what it expects: the
// step succeeds with exactly one job and one charge, the requests each stage
// received, and no partial file.
//
// As in the v2 matrix (matrix.ts), a fault that leaves the connection silent
// does not scale: a hang, a stalled body and a stream that falls silent are
// given up by the transport's stall watchdog, which counts real time (input
// "timeout" / 10, at least 2 s). On the 50x clock those 2 s are 100 s of the
// run's time, past any deadline that still keeps the watchdog at 2 s (20 s).
// Such a test runs on SLOW_TIME, 4 times the wall clock, against a fresh
// server on that clock, with the bundle's deadline of 20 s (5 s real): 2 s of
// stall (8 s of the run's time) and 3 s for the rest of the run, which takes a
// few hundred milliseconds once warm. Each costs 2 s of real time or more, so
// only the cells whose fault is a silence run on it (and one test that bounds
// a wait from above, whose slack must stay long against real latency).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type ActionRun, runAction } from '../../e2e/run-action.ts';
import { FAST, scaledTime, type TestTime, wallTime } from '../../helpers/fast-time.ts';
import { runInProcess } from '../../helpers/run-in-process.ts';
import {
  type Fault,
  type HedraV3Server,
  startHedraV3Server,
  type V3RecordedRequest,
  type V3ServerOptions,
  type V3Stage,
} from '../../server/hedra-v3-server.ts';
import { expectNoPartialFiles, FAULTS, sha } from './matrix.ts';

export { expectNoPartialFiles, sha };

/** Every fault kind of the v2 matrix, plus a download that stops half-way and keeps the connection open. */
export const V3_FAULTS: Record<string, Fault> = { ...FAULTS, 'stalled body': { kind: 'stall' } };
/** The kinds for an API request (a stall is a download's fault). */
export const API_FAULTS = Object.keys(V3_FAULTS).filter((name) => name !== 'stalled body');
/** The kinds for a download (the action reads no JSON from its answer). */
export const DOWNLOAD_FAULTS = Object.keys(V3_FAULTS).filter((name) => name !== 'malformed JSON');
/** The kinds whose request was handled before the answer went wrong (a submit made a job). */
export const ANSWER_LOST = ['reset after it was handled (answer lost)', 'hang', 'truncated body', 'malformed JSON'];

export const STAGES = ['balance', 'model', 'models', 'files', 'estimate', 'submit', 'stream', 'status', 'result', 'download'] as const satisfies V3Stage[];

/** The stage of a recorded request, as the server files its faults. */
export function stageOf(r: V3RecordedRequest): V3Stage | undefined {
  const { method, path } = r;
  if (method === 'GET' && path.startsWith('/media/')) return 'download';
  if (method === 'POST' && path === '/files') return 'files';
  if (method === 'GET' && path === '/balance') return 'balance';
  if (method === 'GET' && path === '/models') return 'models';
  if (method === 'GET' && /^\/models\/[^/]+(\/openapi\.json|\/voices)?$/.test(path)) return 'model';
  if (method === 'POST' && /^\/models\/[^/]+\/estimate$/.test(path)) return 'estimate';
  if (method === 'POST' && /^\/models\/[^/]+$/.test(path)) return 'submit';
  if (method === 'GET' && /^\/jobs\/[^/]+\/status$/.test(path)) return 'status';
  if (method === 'GET' && /^\/jobs\/[^/]+\/stream$/.test(path)) return 'stream';
  if (method === 'GET' && /^\/jobs\/[^/]+$/.test(path)) return 'result';
  return undefined;
}

/**
 * 4 times the wall clock (see the header): the clock of a test whose fault is a silence the stall watchdog ends, and of
 * a test that bounds a wait from above as well as from below, so that its slack stays long against real latency.
 */
export const SLOW_TIME = scaledTime(4);

/** Whether the stall watchdog ends the fault (a hang, a stalled body). */
export const stalls = (fault: Fault) => fault.kind === 'hang' || fault.kind === 'stall';
/** The clock a test with `fault` runs on. */
export const clockFor = (fault: Fault) => (stalls(fault) ? SLOW_TIME : FAST);

/**
 * Input "timeout" and short jobs (queued at once, then processing) on each clock. FAST: 20 minutes of the run's time
 * (24 s real), several times what a run takes even as the first of a file on a busy machine (real latency read 50
 * times over) and still short of Vitest's 30 s; jobs of 1 s (20 ms real), still running when the stream opens, as the
 * bundle's 300 ms were. SLOW_TIME and the wall clock: the bundle's 20 s, the most that keeps the stall watchdog at its
 * 2 s, and its 300 ms jobs.
 */
const SETTINGS = new Map<TestTime, { timeout: string; processing: number }>([
  [FAST, { timeout: '20m', processing: 1_000 }],
  [SLOW_TIME, { timeout: '20s', processing: 300 }],
  [wallTime, { timeout: '20s', processing: 300 }],
]);
const settingsOn = (time: TestTime) => {
  const settings = SETTINGS.get(time);
  if (!settings) throw new Error('the v3 matrix runs on FAST, SLOW_TIME or (through the bundle) the wall clock');
  return settings;
};

export interface V3Context {
  /** The server of the current test: fresh for each test, on `time`. */
  readonly server: HedraV3Server;
  /** The clock the current test's run and server share: FAST unless the test asked for another (onClock). */
  readonly time: TestTime;
  /** Whether runs go through the committed bundle (on the wall clock) rather than in-process. */
  readonly bundle: boolean;
  /** When the server received a request, on the shared clock (ms since the epoch). */
  at(r: V3RecordedRequest): number;
  /** Called with each request as it arrives, before the server handles it; reset before every test. */
  onRequest?: (r: V3RecordedRequest) => void;
  /**
   * The current test runs on `time` instead (clockFor a fault the stall watchdog ends): its server is replaced
   * by a fresh one on that clock. Call it first, before anything is set on the server. Through the bundle, a no-op.
   */
  onClock(time: TestTime): Promise<void>;
}

/** A fresh server for every test (no state, fault or idempotency key carried over); in-process on FAST unless a test says otherwise. */
export function useV3Server(options: V3ServerOptions & { bundle?: boolean } = {}): V3Context {
  const { bundle = false, ...serverOptions } = options;
  const start = async (time: TestTime) => {
    const started = await startHedraV3Server({ timings: { queued: 0, processing: settingsOn(time).processing }, ...serverOptions, time });
    const { requests } = started;
    // Not enumerable, so that the list still equals a plain array.
    const push = requests.push.bind(requests);
    Object.defineProperty(requests, 'push', {
      value: (...records: V3RecordedRequest[]) => {
        for (const record of records) ctx.onRequest?.(record);
        return push(...records);
      },
    });
    return started;
  };
  let server: HedraV3Server | undefined;
  let time: TestTime = bundle ? wallTime : FAST;
  const ctx: V3Context = {
    get server() {
      if (!server) throw new Error('no server outside a test');
      return server;
    },
    get time() {
      return time;
    },
    bundle,
    at: (r) => r.at,
    async onClock(clock) {
      if (bundle || clock === time) return;
      if (ctx.server.requests.length > 0 || ctx.server.pendingFaults() > 0) throw new Error('onClock() comes first in a test');
      await ctx.server.close();
      time = clock;
      server = await start(time);
    },
  };
  beforeEach(async () => {
    time = bundle ? wallTime : FAST;
    ctx.onRequest = undefined;
    server = await start(time);
  });
  afterEach(async () => {
    expect(ctx.server.internalErrors).toEqual([]);
    await ctx.server.close();
    server = undefined;
  });
  return ctx;
}

/** A PNG by its signature, then random bytes: the server sniffs it as image/png. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64 * 1024)]);

/**
 * The full run every case makes: a kling-v3 video from a prompt and a local start image. In-process on the test's
 * clock unless the matrix goes through the bundle.
 */
export function fullRun(ctx: V3Context, extra: Record<string, string> = {}): Promise<ActionRun> {
  const { server, time } = ctx;
  const inputs = {
    api: 'v3',
    'api-key': server.apiKey,
    'base-url': server.baseUrl,
    model: 'kling-v3',
    prompt: 'fault drill',
    image: 'fox.png',
    duration: '5s',
    'aspect-ratio': '16:9',
    request: '{"quality": "standard"}',
    timeout: settingsOn(time).timeout,
    ...extra,
  };
  const options = { files: { 'fox.png': PNG } };
  return ctx.bundle ? runAction(inputs, options) : runInProcess(inputs, { ...options, time });
}
export type Run = ActionRun;

/** An image from a prompt (gpt-image-2): no local file (the full run's is left out), so that a re-run with `reuse` sends the same key. */
export const promptImageRun = (ctx: V3Context, extra: Record<string, string> = {}) =>
  fullRun(ctx, {
    model: 'gpt-image-2',
    image: '',
    duration: '',
    'aspect-ratio': '1:1',
    resolution: '1K',
    request: '{"quality": "low"}',
    timeout: '20m',
    ...extra,
  });

export function countByStage(server: HedraV3Server): Record<V3Stage, number> {
  const counts = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<V3Stage, number>;
  for (const r of server.requests) {
    const stage = stageOf(r);
    if (stage) counts[stage]++;
  }
  return counts;
}

/** What a clean run asks: each stage once, the stream rather than polling, no catalogue list. */
export const BASELINE: Record<V3Stage, number> = {
  balance: 1,
  model: 1,
  models: 0,
  files: 1,
  estimate: 1,
  submit: 1,
  stream: 1,
  status: 0,
  result: 1,
  download: 1,
};

/** The requests of each stage: the baseline with `changes`; every request is of a known stage. */
export function expectCounts(server: HedraV3Server, changes: Partial<Record<V3Stage, number>>) {
  expect(server.requests.filter((r) => stageOf(r) === undefined).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  expect(countByStage(server)).toEqual({ ...BASELINE, ...changes });
}

export const requestsOf = (server: HedraV3Server, stage: V3Stage) => server.requests.filter((r) => stageOf(r) === stage);
export const errorLines = (run: Run) => run.stdout.split('\n').filter((l) => l.startsWith('::error'));
export const FALLBACK = /^Job: the event stream stopped \((.+)\); following the job by polling its status instead\.$/m;

/** Asserts a run that recovered: one job, one charge, outputs that match it, the right bytes, the stored image, no partial file. */
export function expectRecovered(server: HedraV3Server, result: Run) {
  expect(errorLines(result)).toEqual([]);
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  expect(server.jobs.size).toBe(1);
  const [job] = server.jobs.values();
  expect(server.ledger).toEqual([{ jobId: job.id, amount: job.price }]);
  expect(job.status).toBe('COMPLETED');
  expect(result.outputs['generation-id']).toBe(job.id);
  expect(result.outputs['asset-id']).toBe(job.assetId);
  expect(result.outputs.status).toBe('complete');
  expect(result.outputs.credits).toBe(String(job.price));
  expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(job.id));
  // The start image is the handle of a stored file holding exactly the PNG.
  const start = job.input.start_image as { source: string; url: string };
  expect(start.source).toBe('url');
  const stored = [...server.files.values()].find((f) => f.url === start.url);
  expect(stored?.sha256).toBe(sha(PNG));
  expect(stored?.contentType).toBe('image/png');
  expect(job.input).toMatchObject({ prompt: 'fault drill', duration_ms: 5000, aspect_ratio: '16:9', quality: 'standard' });
  // The order of a run: the wallet and the model first (together), then store, estimate, submit, follow, result, download.
  expect(server.requests.slice(0, 2).map(stageOf).sort()).toEqual(['balance', 'model']);
  const first = (stage: V3Stage) => server.requests.findIndex((r) => stageOf(r) === stage);
  const order = (['files', 'estimate', 'submit', 'stream', 'result', 'download'] as const).map(first);
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(order.every((i) => i >= 2)).toBe(true);
  // Every request about the job names it.
  for (const r of server.requests.filter((q) => q.path.startsWith('/jobs/'))) expect(r.path).toMatch(new RegExp(`^/jobs/${job.id}(/|$)`));
  expectNoPartialFiles(result);
  return job;
}

/** Status polls made one after another are at least the poller's minimum (2 s) apart. */
export function expectPollsSpaced(ctx: V3Context, atLeastMs = 2000) {
  const times = requestsOf(ctx.server, 'status').map(ctx.at);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  // A timer may fire a millisecond (of real time) early by the clock's rounding, which the test's clock multiplies.
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(atLeastMs - 2 * ctx.time.scale);
  return gaps;
}

/**
 * A job that polling, not the stream, sees end, after at least two polls. Through the bundle it was long enough
 * (1.5 s, 3 s after a 429 or a hang) to outlast the time from the submit to the first poll; on a fast clock that time
 * is real latency read 4 or 50 times over, which a busy machine can stretch past any job of a sensible length. So the
 * job starts again as the first poll arrives, with 1 s of the run's time to go: the first poll finds it running and
 * the next, at least 2 s later, sees it end, however long the run took to get there. For the same reason it starts
 * again as the stream is opened, so that the stream finds it running too.
 */
export function jobToPoll(ctx: V3Context) {
  const { server } = ctx;
  server.behaviour.timings = { queued: 0, processing: 1_000 };
  let polled = false;
  ctx.onRequest = (r) => {
    const stage = stageOf(r);
    if (polled || (stage !== 'status' && stage !== 'stream')) return;
    polled = stage === 'status';
    for (const job of server.jobs.values()) server.ageJob(job.id, job.createdAt - ctx.time.now());
  };
}

/**
 * A run that followed its job by polling after its stream connections (one, unless a stream closed cleanly was
 * reconnected): polls after the last stream, spaced, the result after them.
 */
export function expectPolled(ctx: V3Context, result: Run, minPolls: number, streams = 1) {
  const { server } = ctx;
  const index = (r: V3RecordedRequest | undefined) => (r ? server.requests.indexOf(r) : -1);
  expectRecovered(server, result);
  // The stream requests (counted below), each opened at most once (a refused or reset one never opens).
  expect(server.stats.streamConnections).toBeLessThanOrEqual(streams);
  const polls = requestsOf(server, 'status');
  expect(polls.length).toBeGreaterThanOrEqual(minPolls);
  expectCounts(server, { status: polls.length, ...(streams > 1 && { stream: streams }) });
  const stream = requestsOf(server, 'stream').at(-1)!;
  expect(index(polls[0])).toBeGreaterThan(index(stream));
  expect(index(requestsOf(server, 'result')[0])).toBeGreaterThan(index(polls.at(-1)));
  expect(polls.every((p) => p.status === 200)).toBe(true);
  expectPollsSpaced(ctx);
  return { polls, stream, why: FALLBACK.exec(result.stdout)?.[1] };
}

/**
 * One fault of each kind at a stage that simply retries: the faulted request is made again (and answered), the
 * others once each. `setup` adjusts the server first; `changes` adds to the expected counts.
 */
export function retryCases(
  ctx: V3Context,
  stage: V3Stage,
  kinds: string[],
  options: {
    setup?: (server: HedraV3Server) => void;
    changes?: Partial<Record<V3Stage, number>>;
    /** Why the stream is given up, when the run is to poll (else it must not). */
    fallback?: RegExp;
    extra?: (result: Run) => void;
  } = {},
) {
  for (const name of kinds) {
    it(`${stage}: ${name}`, async () => {
      await ctx.onClock(clockFor(V3_FAULTS[name]));
      const { server } = ctx;
      options.setup?.(server);
      server.fault(stage, V3_FAULTS[name]);
      const result = await fullRun(ctx);
      expectRecovered(server, result);
      expect(server.pendingFaults()).toBe(0);
      expect(server.requests.filter((r) => r.fault).map(stageOf)).toEqual([stage]);
      const [faulted, again] = requestsOf(server, stage);
      expect(faulted.fault).toBe(V3_FAULTS[name].kind);
      expect(again.fault).toBeUndefined();
      expect(again.status).toBeGreaterThanOrEqual(200);
      expect(again.status).toBeLessThan(300);
      expectCounts(server, { ...options.changes, [stage]: (options.changes?.[stage] ?? BASELINE[stage]) + 1 });
      if (options.fallback) expect(FALLBACK.exec(result.stdout)?.[1]).toMatch(options.fallback);
      else expect(result.stdout).not.toMatch(FALLBACK);
      options.extra?.(result);
    });
  }
}
