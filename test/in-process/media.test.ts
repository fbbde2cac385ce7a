// Files in, files out, in-process through runWith against the validating test
// server: local uploads, waiting, downloads, batches, resume, error outcomes,
// deadlines and the job summary. The run and the server share a fast clock
// (test/helpers/fast-time.ts), so jobs and deadlines are given in the run's
// time; a sample of these runs goes through the bundle in test/e2e/media.e2e.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunOptions } from '../e2e/run-action.ts';
import { FAST } from '../helpers/fast-time.ts';
import { mp3 } from '../helpers/media-files.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const VOICE = '44444444-4444-4444-8444-444444444444';
// Realistic requests (test/server/catalogue.ts): Hedra needs a model for every image, and a video from a prompt
// alone needs a text-to-video model (the default, Character-3, needs a start image and audio).
const IMAGE_MODEL = 'google/nano-banana';
const TEXT_TO_VIDEO = 'kling/kling-2.5-turbo';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ requireAssets: true, time: FAST });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  // On the run's clock, where a real millisecond of latency reads as 50: long enough for the job to be seen running over
  // several polls, as a job of 800 ms was through the bundle; 160 ms of real time.
  server.behaviour.timings = { queued: 1_000, processing: 6_000, finalizing: 1_000 };
  server.behaviour.videoUploadUrl = false;
  server.behaviour.errorFor = undefined;
});

const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runInProcess({ 'api-key': server.apiKey, 'base-url': server.baseUrl, ...inputs }, options);

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

describe('uploads', () => {
  it('uploads a video by multipart even when Hedra offers upload_url, and the asset then has its media', async () => {
    // Hedra offers a presigned upload_url for videos, but nothing documents that a PUT alone completes the asset
    // (this server's does not): every vendor client uploads with POST /assets/{id}/upload, and so does the action.
    server.behaviour.videoUploadUrl = true;
    const video = randomBytes(1_200_000);
    const result = await run({ type: 'video_upscale', video: 'clip.mov', resolution: '1080p' }, { files: { 'clip.mov': video } });
    expect(result.code).toBe(0);
    expect(calls('PUT', /^\/upload\//)).toHaveLength(0);
    const id = JSON.parse(result.outputs['input-asset-ids']).video;
    const uploads = calls('POST', /\/upload$/);
    expect(uploads).toHaveLength(1);
    expect(uploads[0].path).toBe(`/assets/${id}/upload`);
    expect(uploads[0].status).toBe(200);
    expect(uploads[0].headers['x-api-key']).toBe(server.apiKey);
    expect(uploads[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(server.assets.get(id)?.upload).toMatchObject({
      bytes: video.length,
      sha256: sha(video),
      via: 'multipart',
      contentType: 'video/quicktime',
      filename: 'clip.mov',
    });
    expect(server.assets.get(id)?.finalized).toBe(true);
    const [create] = calls('POST', '/generations');
    expect(create.status).toBe(200);
    expect(create.body).toMatchObject({ type: 'video_upscale', video_id: id });
    expect(result.outputs.status).toBe('complete');
    expect(result.stdout).not.toContain('X-Amz-Signature');
  });

  it('uploads one file used twice once, and reference images as a list', async () => {
    const a = randomBytes(1000);
    const b = randomBytes(2000);
    const result = await run(
      { type: 'image_to_image', prompt: 'merge', image: 'a.png', 'reference-images': 'a.png\nrefs/b.webp' },
      { files: { 'a.png': a, 'refs/b.webp': b } },
    );
    expect(result.code).toBe(0);
    expect(calls('POST', '/assets')).toHaveLength(2);
    const ids = JSON.parse(result.outputs['input-asset-ids']);
    expect(ids['reference-images']).toEqual([ids.image, expect.any(String)]);
    expect(calls('POST', '/generations')[0].body).toMatchObject({ start_keyframe_id: ids.image, reference_image_ids: ids['reference-images'] });
  });

  it.each([
    [{ image: 'missing.png' }, {}, 'Input "image" is neither a Hedra asset id (UUID) nor an existing file: there is no file "missing.png"'],
    [{ image: 'media' }, { 'media/x.png': 'x' }, 'Input "image": "media" (in'],
    [{ image: 'notes.txt' }, { 'notes.txt': 'hello' }, 'Input "image" takes image files (.png, .jpg, .jpeg, .webp, .gif); "notes.txt" (in'],
    [{ image: 'empty.png' }, { 'empty.png': '' }, 'is empty.'],
    [{ audio: 'voice.png' }, { 'voice.png': 'x' }, 'Input "audio" takes audio files (.mp3'],
  ])('refuses %j before anything is uploaded, with the inputs checked against the model', async (inputs, files, message) => {
    const result = await run({ prompt: 'p', ...inputs }, { files });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(message);
    // Only the free read that checks the other inputs against the model, so that every problem comes in one round.
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models']);
  });

  it('refuses an absolute path outside the workspace', async () => {
    const result = await run({ type: 'audio_isolation', audio: '/dev/null' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Input "audio": "/dev/null" is outside the workspace');
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

  it('says so when the generation to resume does not exist', async () => {
    const unknown = '99999999-9999-4999-8999-999999999999';
    const result = await run({ 'generation-id': unknown });
    expect(result.code).toBe(1);
    // Asked by the documented list filter (an empty list means no), not read from an undocumented /status answer.
    expect(result.stdout).toContain(
      `::error title=Invalid input::Input "generation-id": Hedra has no generation ${unknown} for this API key. Check the id (a later job gets it through job outputs), and that the key is of the same workspace.`,
    );
    const lists = calls('GET', '/generations');
    expect(lists).toHaveLength(1);
    expect(new URLSearchParams(lists[0].query).get('ids')).toBe(unknown);
    expect(calls('GET', /\/status$/)).toHaveLength(0);
    expect(calls('POST', /./)).toHaveLength(0);
    expect(result.outputs).not.toHaveProperty('generation-id');
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

  it('fails with a plain error_message too', async () => {
    server.behaviour.errorFor = () => 'Provider unavailable';
    const result = await run({ type: 'image', prompt: 'p', model: IMAGE_MODEL });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Generation ${result.outputs['generation-id']} failed: Provider unavailable.`);
  });

  it('gives up at the deadline, naming the id and how to resume', async () => {
    // A deadline of 2 minutes on the run's clock (2.4 s of real time): far more than the reads and the create take even
    // on a busy machine, whose real milliseconds the fast clock multiplies, so the deadline strikes while waiting. The
    // job would take half an hour.
    server.behaviour.timings = { queued: 0, processing: 30 * 60_000, finalizing: 0 };
    const result = await run({ prompt: 'a long one', model: TEXT_TO_VIDEO, timeout: '2m' });
    expect(result.code).toBe(1);
    // Given up at the deadline, not when the job ends: less than twice the timeout, on the run's clock.
    expect(result.elapsedMs * FAST.scale).toBeLessThan(4 * 60_000);
    const id = result.outputs['generation-id'];
    expect(result.stdout).toMatch(new RegExp(`Gave up waiting after 2m 00s \\(input "timeout"\\): ${id} \\(processing \\d+%25\\)`)); // % is escaped in workflow commands
    expect(result.stdout).toContain(`run this action with generation-id: ${id}`);
    expect(result.outputs.status).toBe('processing');
    expect(existsSync(join(result.dirs.temp, 'hedra'))).toBe(false);
  });
});

describe('downloads', () => {
  it('skips the download with download: false, keeping the URLs', async () => {
    const result = await run({ type: 'image', prompt: 'p', model: IMAGE_MODEL, download: 'false' });
    expect(result.code).toBe(0);
    expect(calls('GET', /^\/media\//)).toHaveLength(0);
    expect(result.outputs.status).toBe('complete');
    expect(result.outputs.url).toMatch(/\.png$/);
    expect(result.outputs.path).toBe('');
    expect(existsSync(join(result.dirs.temp, 'hedra'))).toBe(false);
  });

  it('writes to a directory given as output-path, creating it', async () => {
    const result = await run({ type: 'text_to_sound', text: 'rain', 'output-path': 'build/sounds/' });
    expect(result.code).toBe(0);
    expect(result.outputs.path).toBe(join(result.dirs.workspace, 'build/sounds', `${result.outputs['asset-id']}.mp3`));
  });

  it('sets no file for a result without one (a cloned voice)', async () => {
    const result = await run({ type: 'voice_clone', audio: 'me.wav', name: 'Me' }, { files: { 'me.wav': randomBytes(5000) } });
    expect(result.code).toBe(0);
    expect(result.outputs.status).toBe('complete');
    expect(result.outputs.path).toBe('');
    expect(result.stdout).toContain('produced no downloadable file (a voice)');
  });
});
