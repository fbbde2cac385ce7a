// Model kinds on v3, in-process through runWith against the v3 test server with the models of spec 3.9.0
// and later (test/server/v3-models.ts): types checked against the model, public URLs as media (taken, or
// refused with what to do), `duration: auto`, lists where a field takes one, voice outputs in every form,
// did-you-mean over every catalogue page. The Done-when runs go through the bundle in
// test/e2e/v3-kinds.e2e.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunOptions } from '../e2e/run-action.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { voiceOfJob } from '../server/v3-models.ts';

const TIMINGS = { queued: 500, processing: 2_500 };
let server: HedraV3Server;
beforeAll(async () => {
  server = await startHedraV3Server({ timings: TIMINGS, time: FAST });
});
afterAll(async () => {
  expect(server.internalErrors).toEqual([]);
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.stats.publicUrls.length = 0;
  Object.assign(server.behaviour, { externalUrls: 'refuse', voiceForm: 'voice_id', modelsPageSize: undefined });
});

const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runInProcess({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, timeout: '20m', ...inputs }, options);
const errorLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::error'));
const posts = () => server.requests.filter((r) => r.method === 'POST');
const submits = (model: string) => server.requests.filter((r) => r.method === 'POST' && r.path === `/models/${model}`).map((r) => r.body as any);
const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(1024)]);
const mp3 = () => Buffer.concat([Buffer.from('ID3'), randomBytes(1024)]);

const UPSCALE = { model: 'topaz-image-upscaler', resolution: '4K' };

describe('type, checked against the model', () => {
  it('refuses a kind the model is not, saying what it makes and what to set, before anything is sent', async () => {
    const result = await run({ model: 'kling-v3', type: 'motion_control', prompt: 'p', duration: '5s', 'aspect-ratio': '16:9', request: 'quality: pro' });
    expect(result.code).toBe(1);
    expect(errorLines(result.stdout).join('\n')).toContain(
      'Input "type" is motion_control, but model kling-v3 makes videos and is not a motion_control model (one that moves a character image as a driving video does, with a field character_orientation). Set type: video, or leave "type" out',
    );
    expect(posts()).toEqual([]);
  });

  it('takes voice_clone for a voice-clone model and image_upscale for an upscaler', async () => {
    const voice = await run(
      { model: 'elevenlabs-voice-clone', type: 'voice_clone', audio: 'a.mp3', name: 'N', 'dry-run': 'true' },
      { files: { 'a.mp3': mp3() } },
    );
    expect(errorLines(voice.stdout)).toEqual([]);
    const upscale = await run({ ...UPSCALE, type: 'image_upscale', image: 'a.png', 'dry-run': 'true' }, { files: { 'a.png': png() } });
    expect(errorLines(upscale.stdout)).toEqual([]);
    expect(JSON.parse(upscale.outputs.request).input).toEqual({
      source_image: { source: 'url', url: 'https://pending-upload.invalid/a.png' },
      target_resolution: '4K',
    });
  });
});

describe('public https URLs as media', () => {
  it('sends one as {"source": "url"} for Hedra to fetch: nothing downloaded or stored', async () => {
    server.behaviour.externalUrls = 'accept';
    const result = await run({ ...UPSCALE, image: 'https://cdn.example.com/cat.png' });
    expect(errorLines(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
    expect(submits('topaz-image-upscaler')[0].input.source_image).toEqual({ source: 'url', url: 'https://cdn.example.com/cat.png' });
    expect(server.stats.publicUrls).toEqual(['https://cdn.example.com/cat.png']);
    expect(server.requests.filter((r) => r.path === '/files')).toEqual([]);
  });

  it('says to pass a local file instead when Hedra refuses it (400 on that field), after one free submit', async () => {
    const before = server.wallet.balance;
    const result = await run({ ...UPSCALE, image: 'https://cdn.example.com/cat.png', reuse: 'false' });
    expect(result.code).toBe(1);
    const errors = errorLines(result.stdout).join('\n');
    expect(errors).toContain('Input "image": the url is not a POST /v3/files handle');
    expect(errors).toContain(
      'Hedra did not take the URL given to input "image" (https://cdn.example.com/cat.png): pass the file itself instead, as a path in the repository (commit it, or download it in an earlier step). The refused submit cost nothing.',
    );
    expect(submits('topaz-image-upscaler')).toHaveLength(1);
    expect(server.wallet.balance).toBe(before);
  });

  it('refuses one Hedra cannot reach (a private address) before anything is sent', async () => {
    const result = await run({ ...UPSCALE, image: 'https://192.168.0.10/cat.png' });
    expect(result.code).toBe(1);
    expect(errorLines(result.stdout).join('\n')).toContain('Input "image": 192.168.0.10 is not a public address, so Hedra cannot fetch');
    expect(posts()).toEqual([]);
  });
});

describe('fields the typed inputs reach', () => {
  it('duration: auto is duration_ms -1 on a model that takes it (seedance-25), and a problem on one that does not', async () => {
    const seedance = await run({ model: 'seedance-25', prompt: 'a wave', duration: 'auto', 'aspect-ratio': '16:9', resolution: '480p' });
    expect(errorLines(seedance.stdout)).toEqual([]);
    expect(submits('seedance-25')[0].input.duration_ms).toBe(-1);
    const kling = await run({ model: 'kling-v3', prompt: 'p', duration: 'auto', 'aspect-ratio': '16:9', request: 'quality: pro' });
    expect(kling.code).toBe(1);
    expect(errorLines(kling.stdout).join('\n')).toContain('Input "duration" is auto, but model kling-v3 does not choose its own length');
    expect(submits('kling-v3')).toEqual([]);
  });

  it('refuses several files where the field takes one, and several on v2', async () => {
    const v3 = await run({ model: 'elevenlabs-voice-clone', audio: 'a.mp3\nb.mp3', name: 'N' }, { files: { 'a.mp3': mp3(), 'b.mp3': mp3() } });
    expect(v3.code).toBe(1);
    expect(errorLines(v3.stdout).join('\n')).toContain(
      'Input "audio" has 2 lines, but model elevenlabs-voice-clone takes one file in field "audio": give one.',
    );
    const v2 = await run({ api: 'v2', 'api-key': 'x'.repeat(40), audio: 'a.mp3\nb.mp3', 'dry-run': 'true' }, { files: { 'a.mp3': mp3(), 'b.mp3': mp3() } });
    expect(errorLines(v2.stdout).join('\n')).toContain('Input "audio" takes one file on v2; several (one per line) only on v3');
    expect(posts()).toEqual([]);
  });

  it('sends one audio as one reference to a model whose audio takes one or a list', async () => {
    const result = await run(
      { model: 'hedra-character-3', prompt: 'p', image: 'a.png', audio: 'a.mp3', 'aspect-ratio': '1:1', resolution: '540p', 'dry-run': 'true' },
      { files: { 'a.png': png(), 'a.mp3': mp3() } },
    );
    expect(errorLines(result.stdout)).toEqual([]);
    expect(JSON.parse(result.outputs.request).input.audio).toEqual({ source: 'url', url: 'https://pending-upload.invalid/a.mp3' });
  });
});

describe('a voice output', () => {
  it.each(['voice_id', 'asset_id', 'result'] as const)('is a success with voice-id set, in the %s form', async (voiceForm) => {
    server.behaviour.voiceForm = voiceForm;
    const result = await run({ model: 'elevenlabs-voice-clone', audio: 'a.mp3', name: 'Narrator' }, { files: { 'a.mp3': mp3() } });
    expect(errorLines(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
    const job = result.outputs['generation-id'];
    expect(result.outputs['voice-id']).toBe(voiceOfJob(job));
    expect(result.outputs.path).toBe('');
    expect(result.stdout).toContain(`made voice ${voiceOfJob(job)}: a voice, not a file, so nothing is downloaded`);
    expect(result.summary).toContain(`Voice made by \`${job}\`: \`${voiceOfJob(job)}\``);
  });
});

describe('did-you-mean for a misspelt model', () => {
  it('reads every page of GET /models: the closest id is on the last', async () => {
    server.behaviour.modelsPageSize = 10;
    const result = await run({ model: 'topaz-image-upscalr', image: 'https://cdn.example.com/a.png' });
    expect(result.code).toBe(1);
    expect(errorLines(result.stdout).join('\n')).toMatch(/has no model "topaz-image-upscalr".*Did you mean "topaz-image-upscaler"\?/);
    const pages = server.requests.filter((r) => r.method === 'GET' && r.path === '/models');
    expect(pages.length).toBe(Math.ceil(78 / 10));
  });
});
