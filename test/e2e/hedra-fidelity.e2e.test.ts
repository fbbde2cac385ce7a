// Hedra as its documents describe it (issue 9), through the committed bundle
// against the vendor-faithful test server: the smoke runs of what only the
// bundle proves (it loads, runs to the exit code index.ts sets, and prints no
// stack trace), one per family: a video uploaded by multipart and its result
// downloaded, a batch with an item refused at creation (its annotations and
// exit code), and a dry run against the model catalogue. Every case of these
// families, and the rest of issue 9, runs in-process through runWith against
// the same server in test/in-process/hedra-fidelity.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../server/catalogue.ts';
import { type HedraServer, type HedraServerOptions, type RecordedRequest, startHedraServer } from '../server/hedra-server.ts';
import { type ActionRun, type RunOptions, runAction } from './run-action.ts';

const ZERO = { queued: 0, processing: 0, finalizing: 0 };
const IMAGE_MODEL = CATALOGUE.nanoBanana.slug; // google/nano-banana: references up to 3, 8 credits
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Harness {
  server: HedraServer;
  run(inputs: Record<string, string>, options?: RunOptions): Promise<ActionRun>;
  calls(method: string, path: string | RegExp): RecordedRequest[];
}

/** A server for the describe, its requests cleared before every test, its own answers checked after each. */
function useServer(options: HedraServerOptions = {}): Harness {
  const harness: Harness = {
    server: undefined as unknown as HedraServer,
    run: (inputs, runOptions) => runAction({ 'api-key': harness.server.apiKey, 'base-url': harness.server.baseUrl, ...inputs }, runOptions),
    calls: (method, path) => harness.server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
  };
  beforeAll(async () => {
    harness.server = await startHedraServer({ timings: ZERO, ...options });
  });
  beforeEach(() => {
    harness.server.requests.length = 0;
  });
  afterEach(() => {
    // Every answer of the server's own met the spec.
    expect(harness.server.internalErrors).toEqual([]);
  });
  afterAll(() => harness.server.close());
  return harness;
}

const unescapeData = (text: string) => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

/** The messages of the run's annotations of one kind, as the runner shows them. */
function annotations(stdout: string, kind: 'error' | 'warning'): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(`::${kind}`))
    .map((line) => unescapeData(line.slice(line.indexOf('::', 2) + 2)));
}
const errorOf = (result: ActionRun) => annotations(result.stdout, 'error').join('\n');
const warningsOf = (result: ActionRun) => annotations(result.stdout, 'warning').join('\n');

/** `METHOD /path` of every request, ids replaced by :id, for order checks. */
const shapes = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`);

/** The ids of a GET /generations list request. */
const listedIds = (request: RecordedRequest) => new URLSearchParams(request.query).get('ids');

describe('1. uploads: multipart POST /assets/{id}/upload for every asset, upload_url or not', () => {
  const h = useServer({ videoUploadUrl: true });

  it('uploads a video by multipart though the asset answer offers an upload_url, never PUTs, and the generation succeeds', async () => {
    const clip = randomBytes(200_000);
    const result = await h.run({ type: 'video_upscale', video: 'media/clip.mp4' }, { files: { 'media/clip.mp4': clip } });
    expect(errorOf(result)).toBe('');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');

    const [asset] = h.calls('POST', '/assets');
    const assetId = (asset.body as Record<string, string>).reserved_asset_id;
    expect(asset.body).toEqual({ name: 'clip.mp4', type: 'video', reserved_asset_id: assetId });
    expect(h.server.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(h.calls('POST', `/assets/${assetId}/upload`).map((r) => r.status)).toEqual([200]);
    expect(h.server.assets.get(assetId)).toMatchObject({ finalized: true, upload: { via: 'multipart', bytes: clip.length, sha256: sha(clip) } });
    const creates = h.calls('POST', '/generations');
    expect(creates.map((r) => [r.status, (r.body as Record<string, unknown>).video_id])).toEqual([[200, assetId]]);
    expect(shapes(h.server.requests).indexOf('POST /generations')).toBeGreaterThan(shapes(h.server.requests).indexOf('POST /assets/:id/upload'));
    expect(JSON.parse(result.outputs['input-asset-ids'])).toEqual({ video: assetId });
    expect(result.outputs.status).toBe('complete');
    expect(sha(readFileSync(result.outputs.path))).toBe(h.server.resultSha256(result.outputs['asset-id']));
  });
});

describe('5. a batch item refused at creation (id null, a status and an error)', () => {
  const h = useServer();

  it('keeps every list in order with "" in its place, downloads the others, warns, and fails naming it, with exit code 1', async () => {
    const reason = 'Content policy: this item was refused by the provider';
    h.server.behaviour.batchItemError = (index) => (index === 1 ? reason : undefined);
    const result = await h.run({ type: 'image', prompt: 'three lighthouses', model: IMAGE_MODEL, 'batch-size': '3' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');

    const [g1, g2, g3] = (h.calls('POST', '/generations')[0].body as Record<string, string[]>).generation_ids;
    const [a1, a3] = [g1, g3].map((id) => h.server.jobs.get(id)!.assetId);
    expect(JSON.parse(result.outputs['generation-ids'])).toEqual([g1, '', g3]);
    expect(JSON.parse(result.outputs['asset-ids'])).toEqual([a1, '', a3]);
    const paths: string[] = JSON.parse(result.outputs.paths);
    expect(paths[1]).toBe('');
    expect(sha(readFileSync(paths[0]))).toBe(h.server.resultSha256(a1));
    expect(sha(readFileSync(paths[2]))).toBe(h.server.resultSha256(a3));
    expect(result.outputs.status).toBe('error');
    expect(warningsOf(result)).toContain(`Hedra refused batch item 2 at creation (requested as generation ${g2}): ${reason}`);
    expect(errorOf(result)).toContain(`Batch item 2 (requested as generation ${g2}) was refused at creation: ${reason}.`);
    for (const list of h.calls('GET', '/generations')) expect(listedIds(list)).toBe(`${g1},${g3}`);
  });
});

describe('9. the model catalogue: a dry run', () => {
  const h = useServer();

  it('with a key, a valid request passes, reading nothing but GET /models', async () => {
    const result = await h.run({ type: 'image', model: 'Nano Banana', prompt: 'a lighthouse', 'dry-run': 'true' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Dry run: the image request is valid; nothing was sent.');
    expect(JSON.parse(result.outputs.request).model_slug).toBe(IMAGE_MODEL);
    // A dry run reads no balance: it pays nothing.
    expect(shapes(h.server.requests)).toEqual(['GET /models']);
  });
});
