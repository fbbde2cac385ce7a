// The fault matrix: one fault at one stage of a full run (upload a local
// image, create a video, wait, download), through the committed bundle. Each
// case states what it expects: the step succeeds with exactly one job, the
// requests each stage received, and no partial file anywhere.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type Fault, type HedraServer, type RecordedRequest, type Stage, startHedraServer } from '../../server/hedra-server.ts';
import { runAction } from '../run-action.ts';

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

export function useServer() {
  const ctx = { server: undefined as unknown as HedraServer };
  beforeAll(async () => {
    ctx.server = await startHedraServer({ requireAssets: true });
  });
  afterAll(() => ctx.server.close());
  beforeEach(() => {
    ctx.server.requests.length = 0;
    ctx.server.jobs.clear();
    ctx.server.clearFaults();
    ctx.server.behaviour.timings = { queued: 0, processing: 300, finalizing: 0 };
  });
  return ctx;
}

export const IMAGE = randomBytes(64 * 1024);

/**
 * The full run every case makes: one local upload, one video, waited for and downloaded. The video is made from a
 * prompt and a start image by a text/image-to-video model (the default, Character-3, would need audio as well).
 */
export function fullRun(server: HedraServer, extra: Record<string, string> = {}) {
  return runAction(
    {
      'api-key': server.apiKey,
      'base-url': server.baseUrl,
      prompt: 'fault drill',
      model: 'kling/kling-2.5-turbo',
      image: 'fox.png',
      timeout: '20s',
      ...extra,
    },
    { files: { 'fox.png': IMAGE }, env: { RUNNER_DEBUG: '1' } },
  );
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
export function expectRecovered(server: HedraServer, result: Awaited<ReturnType<typeof fullRun>>) {
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
      ctx.server.fault(stage, fault);
      const result = await fullRun(ctx.server);
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
