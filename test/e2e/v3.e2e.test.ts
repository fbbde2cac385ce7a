// Hedra's v3 API (input `api: v3`) through the committed bundle, against the
// v3 test server (test/server/hedra-v3-server.ts), which validates every
// request against openapi-v3.json and each model's input schema: smoke runs of
// what only the bundle proves (it loads its v3 chunk, runs to the exit code
// index.ts sets, and prints nothing on stderr), one per family: a video from a
// local file, a batch, a resume, a dry run, a failed job and an input refused
// (their annotations and exit code). Every case of these families, and the
// rest of v3 (the same inputs on v2 and v3 among it), runs in-process through
// runWith against the same server in test/in-process/v3.test.ts; the fault
// matrix for v3 is in test/in-process/faults/v3-*, with a sample through the
// bundle in test/e2e/faults/v3-matrix-sample.e2e.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { type RunOptions, runAction } from './run-action.ts';

let server: HedraV3Server;
beforeAll(async () => {
  server = await startHedraV3Server({ timings: { queued: 50, processing: 300 } });
});
afterAll(async () => {
  expect(server.internalErrors).toEqual([]);
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.clearFaults();
  server.wallet.balance = 100;
  Object.assign(server.behaviour, { stream: 'ok', retired: {}, failFor: undefined, timings: { queued: 50, processing: 300 } });
});

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
/** A PNG by its signature (the server sniffs content types from the bytes), different every time. */
const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4096)]);
const fresh = (what: string) => `${what} ${randomBytes(4).toString('hex')}`;

const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runAction({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, timeout: '30s', ...inputs }, options);

const made = (method: string, path: string | RegExp) =>
  server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
const submits = (model: string) => made('POST', `/models/${model}`);

/** What a v3 video run needs beyond the common inputs: kling-v3 asks for a quality, which has no typed input. */
const KLING = { model: 'kling-v3', 'aspect-ratio': '16:9', duration: '5s', request: '{"quality": "standard"}' };

describe('v3 end to end', () => {
  it('makes a video from a local image: stored, submitted with its handle, streamed, downloaded', async () => {
    const image = png();
    const result = await run({ ...KLING, prompt: fresh('a fox runs'), image: 'fox.png' }, { files: { 'fox.png': image } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const order = server.requests.map((r) => `${r.method} ${r.path.replace(/job_[\w-]+/, 'JOB').replace(/asset_[\w-]+\.\w+/, 'MEDIA')}`);
    expect(order.slice(0, 2).sort()).toEqual(['GET /balance', 'GET /models/kling-v3']);
    expect(order.slice(2)).toEqual([
      'POST /files',
      'POST /models/kling-v3/estimate',
      'POST /models/kling-v3',
      'GET /jobs/JOB/stream',
      'GET /jobs/JOB',
      'GET /media/MEDIA',
    ]);
    const [upload] = made('POST', '/files');
    expect((upload.body as { sha256: string }).sha256).toBe(sha(image));
    const body = submits('kling-v3')[0].body as { input: { start_image: { source: string; url: string } }; idempotency_key: string };
    const file = [...server.files.values()].find((f) => f.sha256 === sha(image));
    expect(body.input.start_image).toEqual({ source: 'url', url: file?.url });
    expect(body.idempotency_key).toMatch(/^[\w-]{16,}$/);
    const job = server.jobs.get(result.outputs['generation-id'])!;
    expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(job.id));
    expect(result.outputs.path).toMatch(/\.mp4$/);
    // The handle's signature stays out of the outputs and the summary.
    expect(result.outputs.request).not.toContain('Signature');
    expect(result.summary).not.toContain('Signature');
    expect(JSON.parse(result.outputs.request).input.start_image.url).toBe(file?.url.split('?')[0]);
  });

  it('batch-size 3 is three submits under three keys, three files in order', async () => {
    const prompt = fresh('three takes');
    const result = await run({ model: 'gpt-image-2', prompt, 'aspect-ratio': '1:1', resolution: '1K', request: '{"quality": "low"}', 'batch-size': '3' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const posts = submits('gpt-image-2');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => (p.body as { idempotency_key: string }).idempotency_key)).size).toBe(3);
    const ids = JSON.parse(result.outputs['generation-ids']) as string[];
    const assets = JSON.parse(result.outputs['asset-ids']) as string[];
    const paths = JSON.parse(result.outputs.paths) as string[];
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    ids.forEach((id, i) => {
      expect(assets[i]).toBe(server.jobs.get(id)?.assetId);
      expect(sha(readFileSync(paths[i]))).toBe(server.resultSha256(id));
    });
    expect(Number(result.outputs['estimated-credits'])).toBeCloseTo(3 * server.priceOf('gpt-image-2', { quality: 'low', resolution: '1K' }), 6);
    expect(result.stdout).toContain('(3 × $0.04)');
  });

  it('refuses an input the model does not take, naming the inputs it takes, before anything is sent', async () => {
    const result = await run(
      { ...KLING, prompt: 'p', audio: 'voice.mp3' },
      { files: { 'voice.mp3': Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000') } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/::error title=Invalid input::.*Model kling-v3 does not take input "audio"\. It takes: prompt, image, end-image/);
    expect(made('POST', /.*/)).toEqual([]);
  });

  it('resumes with generation-id: job_…, and says when the result is past its 48 h retention', async () => {
    const submitted = await run({
      model: 'gpt-image-2',
      prompt: fresh('later'),
      'aspect-ratio': '1:1',
      resolution: '1K',
      request: 'quality: low',
      wait: 'false',
    });
    expect(submitted.code).toBe(0);
    expect(submitted.stderr).toBe('');
    const job = submitted.outputs['generation-id'];
    expect(job).toMatch(/^job_/);
    expect(submitted.outputs.path).toBeUndefined();
    const resumed = await runAction({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, 'generation-id': job });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toBe('');
    expect(sha(readFileSync(resumed.outputs.path))).toBe(server.resultSha256(job));
    expect(made('POST', /^\/models\/[\w-]+$/)).toHaveLength(1);

    server.expireOutputs(job);
    const expired = await runAction({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, 'generation-id': job });
    expect(expired.code).toBe(1);
    expect(expired.stderr).toBe('');
    expect(expired.stdout).toContain(`Generation ${job} failed: its output has expired: Hedra keeps v3 results for 48 hours`);
    expect(expired.outputs.path ?? '').toBe('');
  });

  it('a dry run checks against the model, estimates, and submits nothing', async () => {
    const result = await run({ ...KLING, prompt: fresh('dry'), 'dry-run': 'true' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.outputs.request)).toEqual({ input: expect.objectContaining({ aspect_ratio: '16:9', duration_ms: 5000, quality: 'standard' }) });
    expect(result.outputs['estimated-credits']).toBe('0.25');
    expect(submits('kling-v3')).toEqual([]);
    expect(result.stdout).toContain('Dry run: the request for model kling-v3 is valid; nothing was submitted.');
  });

  it('a failed job fails the step with Hedra reason, and is not charged', async () => {
    server.behaviour.failFor = () => ({ code: 'MODERATION_FAILED', message: 'Image failed moderation.', retryable: false });
    const result = await run({ model: 'gpt-image-2', prompt: fresh('refused'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/Generation job_[\w-]+ failed: MODERATION_FAILED: Image failed moderation\./);
    expect(result.outputs.status).toBe('error');
    expect(result.outputs.credits).toBe('0');
  });
});
