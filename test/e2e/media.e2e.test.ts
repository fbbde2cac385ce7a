// Files in, files out, through the committed bundle: smoke runs of each
// feature family, run as the runner runs them (a whole run with local files,
// a batch, a resume, a failure's annotation and exit code, and a deadline on
// the real clock that index.ts hands the run). Everything about uploads,
// waiting, downloads, batches, resume, outcomes, deadlines and the job summary
// is proven in-process, through runWith against the same server, in
// test/in-process/media.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mp3 } from '../helpers/media-files.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type RunOptions, runAction } from './run-action.ts';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const VOICE = '44444444-4444-4444-8444-444444444444';
// Realistic requests (test/server/catalogue.ts): Hedra needs a model for every image, and a video from a prompt
// alone needs a text-to-video model (the default, Character-3, needs a start image and audio).
const IMAGE_MODEL = 'google/nano-banana';
const TEXT_TO_VIDEO = 'kling/kling-2.5-turbo';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ requireAssets: true });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.behaviour.timings = { queued: 100, processing: 600, finalizing: 100 };
  server.behaviour.videoUploadUrl = false;
  server.behaviour.errorFor = undefined;
});

const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, ...inputs }, options);

const calls = (method: string, path: string | RegExp) =>
  server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));

/** Every file under a directory, recursively (to prove no partial file was left anywhere). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('a video from a local image and a local audio file', () => {
  const image = randomBytes(300_000);
  // A real MP3 (its length is checked against the model's), of random frames: 500 KB, 500 s.
  const audio = mp3(500, true);

  it('uploads both, creates, waits, downloads, and reports', async () => {
    const result = await run(
      { prompt: 'The fox reads the release notes', image: 'media/fox.png', audio: 'media/notes.mp3', 'aspect-ratio': '16:9' },
      { files: { 'media/fox.png': image, 'media/notes.mp3': audio } },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    // Assets: created with the files' names and kinds, under the ids the action reserved, bytes identical.
    const created = calls('POST', '/assets').map((r) => r.body as Record<string, string>);
    expect(created.map((b) => [b.name, b.type]).sort()).toEqual([
      ['fox.png', 'image'],
      ['notes.mp3', 'audio'],
    ]);
    const inputIds = JSON.parse(result.outputs['input-asset-ids']);
    expect(inputIds).toEqual({ image: expect.any(String), audio: expect.any(String) });
    expect(server.assets.get(inputIds.image)?.upload).toMatchObject({
      bytes: image.length,
      sha256: sha(image),
      via: 'multipart',
      contentType: 'image/png',
      filename: 'fox.png',
    });
    expect(server.assets.get(inputIds.audio)?.upload).toMatchObject({ bytes: audio.length, sha256: sha(audio), contentType: 'audio/mpeg' });
    expect(created.map((b) => b.reserved_asset_id).sort()).toEqual([inputIds.image, inputIds.audio].sort());

    // The generation uses them (the server refuses assets it does not hold).
    const [create] = calls('POST', '/generations');
    expect(create.status).toBe(200);
    expect(create.body).toMatchObject({ start_keyframe_id: inputIds.image, audio_id: inputIds.audio });
    const order = server.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, ':id')}`);
    expect(order.indexOf('POST /generations')).toBeGreaterThan(order.lastIndexOf('POST /assets/:id/upload'));

    // Waited, then downloaded what the server served, byte for byte, without the key.
    const assetId = result.outputs['asset-id'];
    const expectedPath = join(result.dirs.temp, 'hedra', `${assetId}.mp4`);
    expect(result.outputs.status).toBe('complete');
    expect(result.outputs.path).toBe(expectedPath);
    expect(JSON.parse(result.outputs.paths)).toEqual([expectedPath]);
    const downloaded = readFileSync(expectedPath);
    expect(sha(downloaded)).toBe(server.resultSha256(assetId));
    expect(result.outputs.sha256).toBe(sha(downloaded));
    const [media] = calls('GET', /^\/media\//);
    expect(media.headers['x-api-key']).toBeUndefined();
    expect(result.outputs['download-url']).toContain('X-Amz-Signature=');
    expect(result.outputs.url).toBe(`${server.origin}/media/${assetId}.mp4`);
    expect(result.outputs['streaming-url']).toBe(`${server.origin}/stream/${assetId}.m3u8`);
    expect(JSON.parse(result.outputs.result)).toMatchObject({ id: result.outputs['generation-id'], status: 'complete' });
    expect(filesUnder(join(result.dirs.temp, 'hedra'))).toEqual([expectedPath]);

    // The manifest carries everything.
    const manifest = JSON.parse(readFileSync(result.outputs['results-file'], 'utf8'));
    expect(manifest.generations).toEqual([
      expect.objectContaining({
        generation_id: result.outputs['generation-id'],
        asset_id: assetId,
        status: 'complete',
        path: expectedPath,
        bytes: downloaded.length,
        sha256: sha(downloaded),
      }),
    ]);
    expect(manifest.input_asset_ids).toEqual(inputIds);

    // Logs: the uploads, then one line per change, not per poll; presigned query never shown.
    expect(result.stdout).toMatch(/Uploaded media\/fox.png \(293.0 KiB, image\) as asset/);
    const progressLines = result.stdout.split('\n').filter((l) => l.startsWith('Generation: '));
    expect(progressLines.at(-1)).toBe('Generation: complete');
    expect(new Set(progressLines).size).toBe(progressLines.length);
    expect(calls('GET', /\/status$/).length).toBeGreaterThanOrEqual(progressLines.length);
    expect(result.stdout).not.toContain('X-Amz-Signature');

    // The summary.
    expect(result.summary).toContain('### Hedra video: complete');
    expect(result.summary).toContain(`\`${result.outputs['generation-id']}\``);
    expect(result.summary).toContain(`${assetId}.mp4`);
    expect(result.summary).toContain(sha(downloaded));
    expect(result.summary).toMatch(/\| 64\.0 KiB \|/);
    expect(result.summary).toContain(`[open](${server.origin}/media/${assetId}.mp4)`);
    expect(result.summary).toContain('<details><summary>Request body</summary>');
    expect(result.summary).toContain('- image: fox.png (293.0 KiB)');
    expect(result.summary).not.toContain('X-Amz-Signature');
    expect(result.summary).not.toContain(server.apiKey);
  });
});

describe('batches', () => {
  it('waits for and downloads every item, every list in the same order', async () => {
    const result = await run({ type: 'image', prompt: 'three mugs', model: IMAGE_MODEL, 'batch-size': '3', 'output-path': 'out/mug.png' });
    expect(result.code).toBe(0);
    const generationIds = JSON.parse(result.outputs['generation-ids']);
    const assetIds = JSON.parse(result.outputs['asset-ids']);
    const paths = JSON.parse(result.outputs.paths);
    const ws = result.dirs.workspace;
    expect(paths).toEqual([join(ws, 'out/mug.png'), join(ws, 'out/mug-2.png'), join(ws, 'out/mug-3.png')]);
    generationIds.forEach((id: string, i: number) => {
      expect(server.jobs.get(id)?.assetId).toBe(assetIds[i]);
      expect(sha(readFileSync(paths[i]))).toBe(server.resultSha256(assetIds[i]));
    });
    const manifest = JSON.parse(readFileSync(result.outputs['results-file'], 'utf8'));
    expect(manifest.generations.map((g: { generation_id: string }) => g.generation_id)).toEqual(generationIds);
    expect(result.summary.match(/<img src=/g)).toHaveLength(3);
  });
});

describe('resume and wait: false', () => {
  it('creates without waiting, then a later run picks the generation up by id', async () => {
    const first = await run({ type: 'text_to_speech', text: 'Hello', 'voice-id': VOICE, wait: 'false' });
    expect(first.code).toBe(0);
    expect(calls('GET', /\/status$/)).toHaveLength(0);
    expect(first.outputs).not.toHaveProperty('path');
    expect(first.summary).toContain('### Hedra text_to_speech: submitted');
    const id = first.outputs['generation-id'];

    server.requests.length = 0;
    const second = await run({ 'generation-id': id, prompt: 'ignored' });
    expect(second.code).toBe(0);
    expect(calls('POST', '/generations')).toHaveLength(0);
    expect(second.stdout).toContain(`Resuming generation ${id}.`);
    expect(second.stdout).toContain('::warning::Input "generation-id" is set, so nothing is created and these inputs are not used: prompt.');
    expect(second.outputs['generation-id']).toBe(id);
    expect(second.outputs.path).toMatch(/\.mp3$/);
    expect(sha(readFileSync(second.outputs.path))).toBe(server.resultSha256(first.outputs['asset-id']));
    expect(server.jobs.size).toBeGreaterThan(0);
  });
});

describe('outcomes', () => {
  it("fails with Hedra's error type, message, reason and credits", async () => {
    server.behaviour.errorFor = () => ({
      type: 'MODERATION_FAILED',
      message: 'The image shows a real person',
      reason_code: 'MODERATION_LIKENESS',
      credits_needed: 40,
      credits_available: 12,
    });
    const result = await run({ type: 'image', prompt: 'a portrait', model: IMAGE_MODEL });
    expect(result.code).toBe(1);
    const id = result.outputs['generation-id'];
    expect(result.stdout).toContain(
      `Generation ${id} failed: MODERATION_FAILED: The image shows a real person (reason MODERATION_LIKENESS; 40 credits needed; 12 available).`,
    );
    expect(result.outputs.status).toBe('error');
    expect(result.outputs.path).toBe('');
    expect(result.summary).toContain('### Hedra image: error');
    expect(result.summary).toContain('error: MODERATION_FAILED: The image shows a real person (reason MODERATION_LIKENESS; 40 credits needed; 12 available)');
    expect(existsSync(join(result.dirs.temp, 'hedra'))).toBe(false);
  });

  it('gives up at the deadline, naming the id and how to resume', async () => {
    server.behaviour.timings = { queued: 0, processing: 120_000, finalizing: 0 };
    const result = await run({ prompt: 'a long one', model: TEXT_TO_VIDEO, timeout: '3s' });
    expect(result.code).toBe(1);
    expect(result.elapsedMs).toBeLessThan(6000);
    const id = result.outputs['generation-id'];
    expect(result.stdout).toMatch(new RegExp(`Gave up waiting after 3s \\(input "timeout"\\): ${id} \\(processing \\d+%25\\)`)); // % is escaped in workflow commands
    expect(result.stdout).toContain(`run this action with generation-id: ${id}`);
    expect(result.outputs.status).toBe('processing');
    expect(existsSync(join(result.dirs.temp, 'hedra'))).toBe(false);
  });
});
