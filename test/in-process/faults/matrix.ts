// The fault matrix: one fault at one stage of a full run (upload a local
// image, create a video, wait, download), in-process through runWith against
// the validating test server, the run and the server on one fast clock (or,
// for the one sample kept in test/e2e/faults/, through the committed bundle on
// the wall clock). Each case states what it expects: the step succeeds with
// exactly one job, the requests each stage received, and no partial file
// anywhere.
//
// One fault does not scale: a hang is given up by the transport's stall
// watchdog, which counts real time (input "timeout" / 10, at least 2 s). On the
// 50× clock those 2 s are 100 s of the run's time, past any deadline that still
// keeps the watchdog at 2 s; so a run with a hang goes on HANG_TIME, at the
// wall clock's pace, against a server of its own on that clock, with the
// deadline the bundle's runs had (20 s): 2 s of hang and 18 s for the rest of
// the run, which takes under 1 s once warm, and up to 4 s as the first run of a
// file on a busy machine (modules and schemas compiled on first use). Its job
// is done when first polled, so that no poll interval is waited out.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type ActionRun, runAction } from '../../e2e/run-action.ts';
import { FAST, scaledTime, type TestTime, wallTime } from '../../helpers/fast-time.ts';
import { runInProcess } from '../../helpers/run-in-process.ts';
import { type Fault, type HedraServer, type RecordedRequest, type Stage, startHedraServer } from '../../server/hedra-server.ts';

export const FAULTS: Record<string, Fault> = {
  '429 with Retry-After': { kind: 'status', status: 429, retryAfter: '1' },
  '500': { kind: 'status', status: 500 },
  '502': { kind: 'status', status: 502 },
  '503': { kind: 'status', status: 503 },
  '504': { kind: 'status', status: 504 },
  'reset before the request is read': { kind: 'reset-before' },
  'reset after it was handled (answer lost)': { kind: 'reset-after' },
  hang: { kind: 'hang' },
  'truncated body': { kind: 'truncate' },
  'malformed JSON': { kind: 'malformed' },
};

/** The clock of an in-process run with a hang (see the header): the wall clock's pace, so that the 2 s of the stall watchdog fit in a 20 s deadline. */
export const HANG_TIME = scaledTime(1);

/**
 * Input "timeout" on each clock. FAST: 20 minutes of the run's time are 24 s real, several times what a run takes
 * even as the first of a file on a busy machine (up to 4.3 s real, 220 s of the run's time: real latency read 50
 * times over), and still short of Vitest's 30 s. HANG_TIME and the wall clock: 20 s, the most that keeps the stall
 * watchdog at its 2 s.
 */
const TIMEOUT = new Map<TestTime, string>([
  [FAST, '20m'],
  [HANG_TIME, '20s'],
  [wallTime, '20s'],
]);

const STAGE_OF = (r: RecordedRequest): Stage | undefined => {
  if (r.method === 'POST' && r.path === '/assets') return 'asset-create';
  if (r.method === 'POST' && r.path.endsWith('/upload')) return 'upload';
  if (r.method === 'POST' && r.path === '/generations') return 'create';
  if (r.method === 'GET' && r.path.endsWith('/status')) return 'status';
  if (r.method === 'GET' && r.path.startsWith('/media/')) return 'download';
  return undefined;
};

export const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The matrix's server for the current test, and the clock it and the run share. */
export interface Drill {
  /** The server of the current test: the one on the clock its fault needs (FAST's unless it was given a hang). */
  readonly server: HedraServer;
  readonly time: TestTime;
  /** Whether runs go through the committed bundle (on the wall clock) rather than in-process. */
  readonly bundle: boolean;
  /** The next `times` requests of `stage` suffer `fault`, on the server whose clock the fault needs; that server is the test's from then on. */
  fault(stage: Stage, fault: Fault, times?: number): void;
}

/**
 * The servers of a file of the matrix, reset before each test: in-process, one on FAST and one on HANG_TIME (a test
 * uses the FAST one unless it injects a hang); through the bundle, one on the wall clock.
 */
export function useServer(options: { bundle?: boolean } = {}): Drill {
  const bundle = options.bundle ?? false;
  const clocks = bundle ? [wallTime] : [FAST, HANG_TIME];
  const servers = new Map<TestTime, HedraServer>();
  let time = clocks[0];
  beforeAll(async () => {
    for (const clock of clocks) servers.set(clock, await startHedraServer({ requireAssets: true, time: clock }));
  });
  afterAll(async () => {
    for (const server of servers.values()) await server.close();
  });
  beforeEach(() => {
    time = clocks[0];
    for (const server of servers.values()) {
      server.requests.length = 0;
      server.jobs.clear();
      server.clearFaults();
      // A job still running when the first poll comes, done by the second (polls are at least 2 s apart); for a hang, done at once.
      server.behaviour.timings = { queued: 0, processing: server === servers.get(HANG_TIME) ? 0 : 1000, finalizing: 0 };
    }
  });
  return {
    get server() {
      return servers.get(time)!;
    },
    get time() {
      return time;
    },
    bundle,
    fault(stage, fault, times) {
      const clock = bundle ? wallTime : fault.kind === 'hang' ? HANG_TIME : FAST;
      if (clock !== time && (servers.get(time)!.pendingFaults() > 0 || servers.get(time)!.requests.length > 0)) {
        throw new Error('a test of the matrix uses one server: inject the fault that picks its clock first');
      }
      time = clock;
      servers.get(time)!.fault(stage, fault, times);
    },
  };
}

export const IMAGE = randomBytes(64 * 1024);

/**
 * The full run every case makes: one local upload, one video, waited for and downloaded. The video is made from a
 * prompt and a start image by a text/image-to-video model (the default, Character-3, would need audio as well).
 * In-process on the drill's clock unless the drill goes through the bundle.
 */
export function fullRun(drill: Drill, extra: Record<string, string> = {}): Promise<ActionRun> {
  const inputs = {
    'api-key': drill.server.apiKey,
    'base-url': drill.server.baseUrl,
    prompt: 'fault drill',
    model: 'kling/kling-2.5-turbo',
    image: 'fox.png',
    timeout: TIMEOUT.get(drill.time)!,
    ...extra,
  };
  const options = { files: { 'fox.png': IMAGE }, env: { RUNNER_DEBUG: '1' } };
  return drill.bundle ? runAction(inputs, options) : runInProcess(inputs, { ...options, time: drill.time });
}

export function countByStage(server: HedraServer): Record<Stage, number> {
  const counts: Record<Stage, number> = { 'asset-create': 0, upload: 0, create: 0, status: 0, download: 0 };
  for (const r of server.requests) {
    const stage = STAGE_OF(r);
    if (stage) counts[stage]++;
  }
  return counts;
}

/** Asserts a run that recovered: one job, outputs that match it, the right bytes, no partial file. */
export function expectRecovered(server: HedraServer, result: ActionRun) {
  expect(result.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([]);
  expect(result.code).toBe(0);
  expect(server.jobs.size).toBe(1);
  const [job] = server.jobs.values();
  expect(result.outputs['generation-id']).toBe(job.id);
  expect(result.outputs['asset-id']).toBe(job.assetId);
  expect(result.outputs.status).toBe('complete');
  expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(job.assetId));
  const image = JSON.parse(result.outputs['input-asset-ids']).image;
  expect(server.assets.get(image)?.upload?.sha256).toBe(sha(IMAGE));
  expect(job.request.start_keyframe_id).toBe(image);
  expectNoPartialFiles(result);
}

export function expectNoPartialFiles(result: { dirs: { temp: string; workspace: string }; outputs: Record<string, string> }) {
  const all = [...filesUnder(result.dirs.temp), ...filesUnder(result.dirs.workspace)];
  expect(all.filter((f) => f.endsWith('.part') || f.includes('/.'))).toEqual([]);
  const downloads = all.filter((f) => f.startsWith(join(result.dirs.temp, 'hedra', '/')));
  expect(downloads).toEqual(result.outputs.path ? [result.outputs.path] : []);
}

/** Expected request counts at the faulty stage, by fault, for stages that simply retry. */
export function simpleRetryCases(stage: Stage, skip: string[] = []) {
  const ctx = useServer();
  for (const [name, fault] of Object.entries(FAULTS)) {
    if (skip.includes(name)) continue;
    it(`${stage}: ${name}`, async () => {
      ctx.fault(stage, fault);
      const result = await fullRun(ctx);
      expectRecovered(ctx.server, result);
      const counts = countByStage(ctx.server);
      expect(ctx.server.requests.filter((r) => r.fault).map((r) => STAGE_OF(r))).toEqual([stage]);
      // The faulted request was made again (a poll simply goes on); the other stages saw one request each.
      if (stage !== 'status') expect(counts[stage]).toBe(2);
      for (const other of ['asset-create', 'upload', 'create', 'download'] as const) if (other !== stage) expect(counts[other]).toBe(1);
      // Besides, only the free reads made together before anything was uploaded (the model catalogue and the
      // balance), and once the generation ended, the one read of what it cost (GET /generations?ids=).
      const reads = ctx.server.requests.filter((r) => STAGE_OF(r) === undefined).map((r) => `${r.method} ${r.path}`);
      expect(reads.slice(0, 2).sort()).toEqual(['GET /billing/credits', 'GET /models']);
      expect(ctx.server.requests.slice(0, 2).every((r) => STAGE_OF(r) === undefined)).toBe(true);
      expect(reads.slice(2).filter((r) => r !== 'GET /generations')).toEqual([]);
      expect(ctx.server.requests.filter((r) => r.method === 'GET' && r.path === '/generations' && r.status === 200).at(-1)).toBe(
        ctx.server.requests.filter((r) => r.method === 'GET' && (r.path === '/generations' || r.path.endsWith('/status'))).at(-1),
      );
    });
  }
  return ctx;
}
