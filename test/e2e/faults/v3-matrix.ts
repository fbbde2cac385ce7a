// The v3 fault matrix: one fault at one stage of a full v3 run (read the wallet
// and the model, store a local image, estimate, submit, follow the job by its
// event stream or by polling, read the result, download), through the committed
// bundle. Each case states what it expects: the step succeeds with exactly one
// job and one charge, the requests each stage received, and no partial file.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { expectNoPartialFiles, FAULTS, sha } from '../../in-process/faults/matrix.ts';
import {
  type Fault,
  type HedraV3Server,
  startHedraV3Server,
  type V3RecordedRequest,
  type V3ServerOptions,
  type V3Stage,
} from '../../server/hedra-v3-server.ts';
import { runAction } from '../run-action.ts';

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

/** Short jobs: queued at once, 300 ms of processing. */
export const SHORT = { queued: 0, processing: 300 };

export interface V3Context {
  server: HedraV3Server;
  /** When the server received a request (ms since the epoch). */
  at(r: V3RecordedRequest): number;
}

/** A fresh server for every test (no state, fault or idempotency key carried over), recording when each request came. */
export function useV3Server(options: V3ServerOptions = {}): V3Context {
  const arrivals = new WeakMap<V3RecordedRequest, number>();
  const ctx: V3Context = {
    server: undefined as unknown as HedraV3Server,
    at: (r) => {
      const t = arrivals.get(r);
      if (t === undefined) throw new Error(`no arrival time for ${r.method} ${r.path}`);
      return t;
    },
  };
  beforeEach(async () => {
    ctx.server = await startHedraV3Server({ timings: SHORT, ...options });
    const { requests } = ctx.server;
    // The server pushes each request as it arrives: note the time alongside.
    requests.push = (...items: V3RecordedRequest[]) => {
      for (const item of items) arrivals.set(item, Date.now());
      return Array.prototype.push.apply(requests, items);
    };
  });
  afterEach(async () => {
    expect(ctx.server.internalErrors).toEqual([]);
    await ctx.server.close();
  });
  return ctx;
}

/** A PNG by its signature, then random bytes: the server sniffs it as image/png. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64 * 1024)]);

/** The full run every case makes: a kling-v3 video from a prompt and a local start image. */
export function fullRun(server: HedraV3Server, extra: Record<string, string> = {}) {
  return runAction(
    {
      api: 'v3',
      'api-key': server.apiKey,
      'base-url': server.baseUrl,
      model: 'kling-v3',
      prompt: 'fault drill',
      image: 'fox.png',
      duration: '5s',
      'aspect-ratio': '16:9',
      request: '{"quality": "standard"}',
      timeout: '20s',
      ...extra,
    },
    { files: { 'fox.png': PNG } },
  );
}
export type Run = Awaited<ReturnType<typeof fullRun>>;

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
  // A timer may fire a millisecond early by the clock's rounding.
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(atLeastMs - 2);
  return gaps;
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
      const { server } = ctx;
      options.setup?.(server);
      server.fault(stage, V3_FAULTS[name]);
      const result = await fullRun(server);
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
