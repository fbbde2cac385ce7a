// Honest mistakes that used to get puzzling answers (issue 20, item 12), in
// detail: what a user reads of the run, through runWith against the validating
// servers on the fast clock. One smoke run of each goes through the bundle in
// test/e2e/honest-mistakes.e2e.test.ts; the pure parts are unit-tested in
// test/unit/ (files, validate, read-inputs).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { ActionRun } from '../e2e/run-action.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';

const TEXT_TO_VIDEO = 'kling/kling-2.5-turbo';
const NFC = (text: string) => text.normalize('NFC');
const NFD = (text: string) => text.normalize('NFD');
const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4096)]);

let v2: HedraServer;
beforeAll(async () => {
  v2 = await startHedraServer({ time: FAST });
});
afterAll(async () => {
  expect(v2.internalErrors).toEqual([]);
  await v2.close();
});
beforeEach(() => {
  v2.requests.length = 0;
  v2.clearFaults();
});

const onV2 = (inputs: Record<string, string>, options: Parameters<typeof runInProcess>[1] = {}) =>
  runInProcess({ 'api-key': v2.apiKey, 'base-url': v2.baseUrl, ...inputs }, options);
const lines = (result: ActionRun, kind: 'error' | 'warning') => result.stdout.split('\n').filter((l) => l.startsWith(`::${kind}`));
const paid = (server: HedraServer) => server.requests.filter((r) => r.method === 'POST').map((r) => r.path);

describe('a path in the other Unicode normalisation', () => {
  it('a prompt file typed in NFD is read from the file stored in NFC', async () => {
    const result = await onV2(
      { model: TEXT_TO_VIDEO, 'prompt-file': NFD('prompts/résumé.md'), 'dry-run': 'true' },
      { files: { [NFC('prompts/résumé.md')]: 'a lighthouse at dusk' } },
    );
    expect(lines(result, 'error')).toEqual([]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.outputs.request).generated_video_inputs.text_prompt).toBe('a lighthouse at dusk');
  });

  it('on v3, a local image typed in NFD is stored from the file stored in NFC', async () => {
    const v3: HedraV3Server = await startHedraV3Server({ time: FAST });
    onTestFinished(() => v3.close());
    const result = await runInProcess(
      {
        api: 'v3',
        'api-key': v3.apiKey,
        'base-url': v3.baseUrl,
        model: 'kling-v3',
        'aspect-ratio': '16:9',
        duration: '5s',
        request: '{"quality": "standard"}',
        prompt: `a fox runs ${randomBytes(4).toString('hex')}`,
        image: NFD('photos/renard été.png'),
        wait: 'false',
      },
      { files: { [NFC('photos/renard été.png')]: png() } },
    );
    expect(lines(result, 'error')).toEqual([]);
    expect(result.code).toBe(0);
    expect(v3.requests.filter((r) => r.method === 'POST' && r.path === '/files')).toHaveLength(1);
  });

  it('two files whose names differ from the one written only in normalisation: the message says so, nothing is sent', async () => {
    const written = `${NFC('crème')} ${NFD('brûlée')}.mp3`;
    const result = await onV2(
      { type: 'audio_isolation', audio: written },
      { files: { [NFC('crème brûlée.mp3')]: 'ID3 a', [NFD('crème brûlée.mp3')]: 'ID3 b' } },
    );
    expect(result.code).toBe(1);
    const [error] = lines(result, 'error');
    expect(error).toContain(`Input "audio": there is no file "${written}"`);
    expect(error).toContain('its folder has 2 names that differ from it only in Unicode normalisation');
    expect(paid(v2)).toEqual([]);
  });
});

describe('a field of the request in the wrong place', () => {
  it('is said with the other problems of the inputs, in one round', async () => {
    const result = await onV2({ prompt: 'p', model: TEXT_TO_VIDEO, request: '{seed: 7, aspect_ratio: "16:9"}', 'batch-size': '9' });
    expect(result.code).toBe(1);
    const [error] = lines(result, 'error');
    expect(error).toContain('Input "batch-size" must be between 1 and 8');
    expect(error).toContain(
      'unknown field "seed" for type video. On type video it belongs inside generated_video_inputs (generated_video_inputs.seed): set input "seed"',
    );
    expect(error).toContain('unknown field "aspect_ratio" for type video. On type video it belongs inside generated_video_inputs');
    expect(paid(v2)).toEqual([]);
  });
});

describe('output-path in the .git folder', () => {
  it.each([
    ['at depth', '.git/renders/today/', {}],
    ['through a committed symlink', 'renders/', { symlinks: { renders: '.git' } }],
  ])('%s is an input error before anything is sent', async (_, outputPath, options) => {
    const result = await onV2(
      { prompt: 'p', model: TEXT_TO_VIDEO, 'output-path': outputPath },
      { ...options, files: { '.git/HEAD': 'ref: refs/heads/main\n' } },
    );
    expect(result.code).toBe(1);
    const errors = lines(result, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`::error title=Invalid input::Input "output-path" is inside the repository's .git folder ("${outputPath}")`);
    expect(paid(v2)).toEqual([]);
  });
});

describe('optional reads in a dry run with a key', () => {
  it('a reuse look-up answered with nonsense is a warning, and the dry run goes on', async () => {
    v2.fault('list', { kind: 'malformed' }, 6);
    const result = await onV2({ prompt: 'p', model: TEXT_TO_VIDEO, 'dry-run': 'true' }, { reuseDefault: true });
    expect(lines(result, 'error')).toEqual([]);
    expect(result.code).toBe(0);
    expect(lines(result, 'warning').join('\n')).toContain(
      '::warning title=Reuse look-up skipped::Could not look for an earlier generation from the same inputs (',
    );
    expect(result.stdout).toContain('Dry run: the video request is valid; nothing was sent.');
  });

  it('with the catalogue unreadable too, both warn, and the dry run still goes on', async () => {
    v2.behaviour.modelsFailure = 500;
    v2.fault('list', { kind: 'status', status: 503, retryAfter: '0' }, 6);
    try {
      const result = await onV2({ prompt: 'p', model: TEXT_TO_VIDEO, 'dry-run': 'true' }, { reuseDefault: true });
      expect(result.code).toBe(0);
      const warnings = lines(result, 'warning').join('\n');
      expect(warnings).toContain("Could not read Hedra's model catalogue");
      expect(warnings).toContain('Could not look for an earlier generation from the same inputs');
    } finally {
      v2.behaviour.modelsFailure = undefined;
    }
  });

  it('a run that pays still stops when it cannot look: it does not create without knowing what exists', async () => {
    v2.fault('list', { kind: 'status', status: 503, retryAfter: '0' }, 6);
    const result = await onV2({ prompt: 'p', model: TEXT_TO_VIDEO, wait: 'false' }, { reuseDefault: true });
    expect(result.code).toBe(1);
    expect(lines(result, 'error')[0]).toContain('HTTP 503 to GET /generations');
    expect(paid(v2)).toEqual([]);
  });
});
