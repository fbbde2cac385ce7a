// Local audio and video checked against the lengths the model takes, before anything is stored or
// submitted, on both APIs, in-process through runWith against the validating test servers: a file too
// long (or too short) is an input error reported with every other problem, and Hedra sees no upload, no
// asset and no submit. The reader and the bounds alone: test/unit/durations.test.ts; through the bundle:
// test/e2e/durations.e2e.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAST } from '../helpers/fast-time.ts';
import { mp3, mp4, wav } from '../helpers/media-files.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';

let v2: HedraServer;
let v3: HedraV3Server;
beforeAll(async () => {
  [v2, v3] = await Promise.all([startHedraServer({ requireAssets: true, time: FAST }), startHedraV3Server({ time: FAST })]);
});
afterAll(async () => {
  expect(v3.internalErrors).toEqual([]);
  await Promise.all([v2.close(), v3.close()]);
});
beforeEach(() => {
  v2.requests.length = 0;
  v3.requests.length = 0;
});

/** A PNG by its signature (the servers sniff content types from the bytes). */
const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2048)]);
const errorLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::error'));
/** What changes state at Hedra: uploads, assets, submits, estimates (a read of the catalogue or the balance is free). */
const posts = (requests: readonly { method: string; path: string }[]) => requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

const runV3 = (inputs: Record<string, string>, files: Record<string, Buffer>) =>
  runInProcess({ api: 'v3', 'api-key': v3.apiKey, 'base-url': v3.baseUrl, timeout: '20m', ...inputs }, { files });
const runV2 = (inputs: Record<string, string>, files: Record<string, Buffer>) =>
  runInProcess({ 'api-key': v2.apiKey, 'base-url': v2.baseUrl, ...inputs }, { files });

describe('v3: the lengths of a media field (min_duration_ms, max_duration_ms)', () => {
  it('refuses audio over the model maximum with every other problem, before any file is stored or a job submitted', async () => {
    // omnihuman-15 takes audio of at most 59.88 s, and resolution 720p or 1080p.
    const result = await runV3(
      { model: 'omnihuman-15', image: 'face.png', audio: 'media/talk.wav', resolution: '4K' },
      { 'face.png': png(), 'media/talk.wav': wav(75) },
    );
    expect(result.code).toBe(1);
    const errors = errorLines(result.stdout).join('\n');
    expect(errors).toContain('Input "audio": "media/talk.wav" is 75s long; model omnihuman-15 takes audio of at most 59.88s.');
    expect(errors).toMatch(/Input "resolution"[^\n]*720p/);
    expect(errors).toContain('has 2 problems');
    expect(posts(v3.requests)).toEqual([]);
  });

  it('refuses a video under the minimum, and takes one inside the bounds', async () => {
    // kling-26-motion-control: source_video of 3 s to 30 s.
    const inputs = { model: 'kling-26-motion-control', image: 'me.png', video: 'moves.mp4', resolution: '720p', request: '{"character_orientation": "video"}' };
    const short = await runV3(inputs, { 'me.png': png(), 'moves.mp4': mp4(1.5) });
    expect(errorLines(short.stdout).join('\n')).toContain('Input "video": "moves.mp4" is 1.5s long; model kling-26-motion-control takes video of at least 3s.');
    expect(posts(v3.requests)).toEqual([]);
    const fine = await runV3({ ...inputs, 'dry-run': 'true' }, { 'me.png': png(), 'moves.mp4': mp4(12) });
    expect(errorLines(fine.stdout)).toEqual([]);
    expect(fine.code).toBe(0);
  });

  it('lets a file whose length cannot be read through, saying that Hedra checks it', async () => {
    const result = await runV3(
      { model: 'omnihuman-15', image: 'face.png', audio: 'talk.mp3', resolution: '720p', 'dry-run': 'true' },
      {
        'face.png': png(),
        'talk.mp3': Buffer.from('ID3 but nothing after it'),
      },
    );
    expect(errorLines(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("The length of talk.mp3 cannot be read here; Hedra checks it against model omnihuman-15's bounds when it is stored.");
  });
});

describe('v2: the lengths of a catalogue slot', () => {
  it('refuses audio over the slot maximum with every other problem, before any asset is created or uploaded', async () => {
    // The default model, Character-3: audio of 0.5 s to 10 min.
    const result = await runV2(
      { prompt: 'The fox reads the notes', image: 'fox.png', audio: 'notes.mp3', 'aspect-ratio': '5:4' },
      { 'fox.png': png(), 'notes.mp3': mp3(605) },
    );
    expect(result.code).toBe(1);
    const errors = errorLines(result.stdout).join('\n');
    expect(errors).toMatch(/Input "audio": "notes\.mp3" is 60\d\.\d+s long; model "hedra\/character-3" takes audio of at most 600s\./);
    expect(errors).toMatch(/Input "aspect-ratio"[^\n]*"5:4"/);
    expect(posts(v2.requests)).toEqual([]);
  });

  it('refuses audio under the slot minimum', async () => {
    const result = await runV2({ prompt: 'Hi', image: 'fox.png', audio: 'blip.wav', 'aspect-ratio': '16:9' }, { 'fox.png': png(), 'blip.wav': wav(0.2) });
    expect(errorLines(result.stdout).join('\n')).toContain('Input "audio": "blip.wav" is 0.2s long; model "hedra/character-3" takes audio of at least 0.5s.');
    expect(posts(v2.requests)).toEqual([]);
  });
});
