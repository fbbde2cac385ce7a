// Through the committed bundle (its music-metadata chunk loads and reads a real file): audio over a
// model's maximum duration is refused before anything is stored, on v3 (a media field's
// max_duration_ms) and on v2 (a catalogue slot's), the two runs at once. Every other case of the
// duration checks runs in-process in test/in-process/durations.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp3, wav } from '../helpers/media-files.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { runAction } from './run-action.ts';

let v2: HedraServer;
let v3: HedraV3Server;
beforeAll(async () => {
  [v2, v3] = await Promise.all([startHedraServer({ requireAssets: true }), startHedraV3Server()]);
});
afterAll(async () => {
  expect(v3.internalErrors).toEqual([]);
  await Promise.all([v2.close(), v3.close()]);
});

const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2048)]);
const errorLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::error'));
/** What changes state at Hedra: uploads, assets, submits, estimates (reads of the catalogue or the balance are free). */
const posts = (requests: readonly { method: string; path: string }[]) => requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('audio over the model maximum duration', () => {
  it('is refused before anything is stored, on v3 and on v2', async () => {
    const [onV3, onV2] = await Promise.all([
      // omnihuman-15 takes audio of at most 59.88 s.
      runAction(
        {
          api: 'v3',
          'api-key': v3.apiKey,
          'base-url': v3.baseUrl,
          timeout: '30s',
          model: 'omnihuman-15',
          image: 'face.png',
          audio: 'talk.wav',
          resolution: '720p',
        },
        { files: { 'face.png': png(), 'talk.wav': wav(75) } },
      ),
      // The default model, Character-3, takes audio of at most 10 minutes.
      runAction(
        {
          'api-key': v2.apiKey,
          'base-url': v2.baseUrl,
          timeout: '30s',
          prompt: 'The fox reads the notes',
          image: 'fox.png',
          audio: 'notes.mp3',
          'aspect-ratio': '16:9',
        },
        { files: { 'fox.png': png(), 'notes.mp3': mp3(605) } },
      ),
    ]);
    expect(errorLines(onV3.stdout)).toEqual([
      expect.stringContaining('Input "audio": "talk.wav" is 75s long; model omnihuman-15 takes audio of at most 59.88s.'),
    ]);
    expect(posts(v3.requests)).toEqual([]);
    expect(onV3.code).toBe(1);
    expect(onV3.stderr).toBe('');
    expect(errorLines(onV2.stdout)).toEqual([
      expect.stringMatching(/Input "audio": "notes\.mp3" is 60\d\.\d+s long; model "hedra\/character-3" takes audio of at most 600s\./),
    ]);
    expect(posts(v2.requests)).toEqual([]);
    expect(onV2.code).toBe(1);
  });
});
