// Issue 19's model kinds through the committed bundle, against the v3 test server with the models of spec
// 3.9.0 and later (test/server/v3-models.ts): `type: motion_control` on a motion-control model, an upscaler
// fed a local image through `source_image`, a multi-speaker avatar with two audio files, a voice clone
// whose voice id is an output. The four runs go at once (each its own model), started by the first test. Every other case of the
// kinds (types against modalities, URLs as media, duration auto, voice forms, catalogue pages) runs
// in-process in test/in-process/v3-kinds.test.ts and in test/unit/v3-kinds.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { voiceOfJob } from '../server/v3-models.ts';
import { type ActionRun, type RunOptions, runAction } from './run-action.ts';

let server: HedraV3Server;
beforeAll(async () => {
  server = await startHedraV3Server({ timings: { queued: 20, processing: 100 } });
});
afterAll(async () => {
  expect(server.internalErrors).toEqual([]);
  await server.close();
});

const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runAction({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, timeout: '30s', ...inputs }, options);
const submitted = (model: string) => server.requests.filter((r) => r.method === 'POST' && r.path === `/models/${model}`).map((r) => r.body as any);
const handleOf = (url: unknown) => [...server.files.values()].find((file) => file.url === url);

/** A PNG by its signature, different every time. */
const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2048)]);
/** A real WAV of `seconds` (8 kHz, 8-bit mono), so that whatever reads its length finds one. */
function wav(seconds: number): Buffer {
  const samples = Math.round(8000 * seconds);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples, 40);
  return Buffer.concat([header, randomBytes(samples)]);
}
/** An MP4 by its `ftyp` box (the server sniffs the bytes). */
const mp4 = () => Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\0\0isommp41'), randomBytes(4096)]);

/** The four runs, started together by the first test (a run's directories belong to the test that makes them). */
let runs: Promise<{ motion: ActionRun; upscale: ActionRun; speakers: ActionRun; voice: ActionRun }>;

describe('v3 model kinds end to end', () => {
  it('runs the four kinds at once, each to success', async () => {
    runs = (async () => {
      const [motion, upscale, speakers, voice] = await Promise.all([
        run(
          {
            model: 'kling-26-motion-control',
            type: 'motion_control',
            prompt: 'dance like the reference',
            image: 'character.png',
            video: 'moves.mp4',
            resolution: '720p',
            request: '{"character_orientation": "image"}',
          },
          { files: { 'character.png': png(), 'moves.mp4': mp4() } },
        ),
        run({ model: 'topaz-image-upscaler', type: 'image_upscale', image: 'small.png', resolution: '4K' }, { files: { 'small.png': png() } }),
        run(
          {
            model: 'hedra-character-3',
            prompt: 'two friends talk',
            image: 'pair.png',
            audio: 'first.wav\nsecond.wav',
            'aspect-ratio': '16:9',
            resolution: '540p',
            request: '{"bounding_box_target": [[0.3, 0.5], [0.7, 0.5]]}',
          },
          { files: { 'pair.png': png(), 'first.wav': wav(1), 'second.wav': wav(1.5) } },
        ),
        run({ model: 'elevenlabs-voice-clone', audio: 'sample.wav', name: 'Narrator' }, { files: { 'sample.wav': wav(2) } }),
      ]);
      return { motion, upscale, speakers, voice };
    })();
    for (const result of Object.values(await runs)) {
      expect(result.stdout).not.toContain('::error');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
  });

  it('type: motion_control on a motion-control model: its image and driving video, character_orientation through request', async () => {
    const result = (await runs).motion;
    expect(result.stdout).not.toContain('::error');
    const [body] = submitted('kling-26-motion-control');
    expect(body.input).toMatchObject({ character_orientation: 'image', resolution: '720p', prompt: 'dance like the reference' });
    expect(handleOf(body.input.start_image.url)?.filename).toBe('character.png');
    expect(handleOf(body.input.source_video.url)?.filename).toBe('moves.mp4');
    expect(result.outputs.path).toMatch(/\.mp4$/);
  });

  it('an upscaler fed a local image through source_image, resolution as target_resolution', async () => {
    const result = (await runs).upscale;
    expect(result.stdout).not.toContain('::error');
    const [body] = submitted('topaz-image-upscaler');
    expect(Object.keys(body.input).sort()).toEqual(['source_image', 'target_resolution']);
    expect(body.input.target_resolution).toBe('4K');
    expect(handleOf(body.input.source_image.url)?.filename).toBe('small.png');
    expect(result.outputs.path).toMatch(/\.png$/);
  });

  it('a multi-speaker avatar with two audio files, one per line, sent as a list in order', async () => {
    const result = (await runs).speakers;
    expect(result.stdout).not.toContain('::error');
    const [body] = submitted('hedra-character-3');
    expect(body.input.audio.map((ref: { url: string }) => handleOf(ref.url)?.filename)).toEqual(['first.wav', 'second.wav']);
    expect(result.outputs.path).toMatch(/\.mp4$/);
  });

  it('a voice clone whose voice id is an output: a success, nothing downloaded', async () => {
    const result = (await runs).voice;
    expect(result.stdout).not.toContain('::error');
    const [body] = submitted('elevenlabs-voice-clone');
    expect(body.input.name).toBe('Narrator');
    const job = result.outputs['generation-id'];
    expect(result.outputs['voice-id']).toBe(voiceOfJob(job));
    expect(result.outputs.status).toBe('complete');
    expect(result.outputs.path).toBe('');
    expect(result.summary).toContain(voiceOfJob(job));
    const asset = server.jobs.get(job)?.assetId as string;
    expect(server.requests.filter((r) => r.path.includes(asset))).toEqual([]);
  });
});
