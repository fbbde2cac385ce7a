// Reading the workflow's inputs into Settings (src/inputs/read.ts): the
// bounds of batch-size and timeout, every boolean spelling, the GitHub inputs,
// paths, resuming, and that every problem is reported at once.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { readApiKey } from '../../src/inputs/api-key.ts';
import { unusedWhenResuming } from '../../src/inputs/read.ts';
import type { Settings } from '../../src/inputs/settings.ts';
import { envFrom } from '../helpers/build.ts';
import { readInputsFrom, recordingToolkit } from '../helpers/toolkit.ts';

const HEX = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const DIGITS = '12345678-1234-4123-8123-123456789012';
const PLACES = { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/rt' };

const read = (inputs: Record<string, string>, extraEnv: Record<string, string> = {}) => readInputsFrom({ ...PLACES, ...envFrom(inputs), ...extraEnv });

async function problem(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<string> {
  const failure = await read(inputs, extraEnv).then(
    () => undefined,
    (error: Error) => error,
  );
  expect(failure?.name).toBe('InputError');
  return failure!.message;
}

describe('batch-size', () => {
  it.each([
    ['1', 1],
    ['8', 8],
    ['+3', 3],
  ])('takes %s', async (raw, value) => {
    expect((await read({ type: 'image', 'batch-size': raw })).mapped['batch-size']).toBe(value);
  });
  it.each(['0', '9', '-1'])('refuses %s, with the bounds', async (raw) => {
    expect(await problem({ type: 'image', 'batch-size': raw })).toBe(`Input "batch-size" must be between 1 and 8, got ${Number(raw)}.`);
  });
  it('refuses a fraction', async () => {
    expect(await problem({ type: 'image', 'batch-size': '1.5' })).toBe('Input "batch-size" must be a whole number, got "1.5".');
  });
});

describe('timeout', () => {
  it.each([
    ['1s', 1000],
    ['1000', 1000],
    ['1000ms', 1000],
    ['90s', 90_000],
    ['6h', 21_600_000],
    ['360m', 21_600_000],
    ['21600000', 21_600_000],
  ])('takes %s as %d ms', async (raw, ms) => {
    expect((await read({ timeout: raw })).timeoutMs).toBe(ms);
  });
  it.each(['999ms', '999', '0.999s', '21600001', '6.001h', '361m'])('refuses %s: at least 1s, at most 6h', async (raw) => {
    expect(await problem({ timeout: raw })).toBe(`Input "timeout" must be between 1s and 6h, got "${raw}".`);
  });
  it('refuses what is not a duration with the duration message', async () => {
    expect(await problem({ timeout: 'forever' })).toMatch(/^Input "timeout" must be a duration: /);
  });
  it('defaults to 30 minutes', async () => {
    expect((await read({})).timeoutMs).toBe(1_800_000);
  });
});

describe('boolean inputs', () => {
  const BOOLEANS = [
    ['dry-run', 'dryRun'],
    ['wait', 'wait'],
    ['download', 'download'],
    ['comment', 'comment'],
  ] as const;
  describe.each(BOOLEANS)('%s', (input, field) => {
    it.each(['true', 'True', 'TRUE'])(`reads %s as true`, async (raw) => {
      expect((await read({ [input]: raw }))[field]).toBe(true);
    });
    it.each(['false', 'False', 'FALSE'])(`reads %s as false`, async (raw) => {
      expect((await read({ [input]: raw }))[field]).toBe(false);
    });
    it.each(['tRUE', 'yes', 'off'])('refuses %s', async (raw) => {
      expect(await problem({ [input]: raw })).toBe(`Input "${input}" must be true or false, got "${raw}".`);
    });
  });
  it('has the defaults of action.yml: wait and download on, dry-run and comment off', async () => {
    const settings = await read({});
    expect([settings.wait, settings.download, settings.dryRun, settings.comment]).toEqual([true, true, false, false]);
  });
});

describe('release-upload', () => {
  it.each(['true', 'True', 'TRUE'])('%s means the release of the triggering event', async (raw) => {
    expect((await read({ 'release-upload': raw })).releaseUpload).toBe('event');
  });
  it.each(['false', 'False', 'FALSE', ''])('%j is off', async (raw) => {
    expect((await read({ 'release-upload': raw })).releaseUpload).toBeUndefined();
  });
  it.each(['v1.2.3', 'yes', 'tRUE'])('anything else (%s) is a tag', async (raw) => {
    expect((await read({ 'release-upload': raw })).releaseUpload).toBe(raw);
  });
});

describe('github-token', () => {
  it('is no token when empty or an unevaluated expression', async () => {
    expect((await read({ 'github-token': '' })).githubToken).toBeUndefined();
    expect((await read({ 'github-token': '${{ secrets.GH }}' })).githubToken).toBeUndefined();
    expect((await read({})).githubToken).toBeUndefined();
  });
  it('is the value otherwise, trimmed', async () => {
    expect((await read({ 'github-token': ' ghs_123 ' })).githubToken).toBe('ghs_123');
  });
});

describe('paths', () => {
  it('puts results in RUNNER_TEMP/hedra by default', async () => {
    expect((await read({})).outputPath).toBe('/rt/hedra');
  });
  it('resolves a relative output-path against the workspace and keeps an absolute one', async () => {
    expect((await read({ 'output-path': 'out/videos' })).outputPath).toBe('/ws/out/videos');
    expect((await read({ 'output-path': '/srv/out/v.mp4' })).outputPath).toBe('/srv/out/v.mp4');
  });
  it('falls back to the working directory and the system temporary directory outside a runner', async () => {
    const settings = await readInputsFrom(envFrom({ 'output-path': 'out' }));
    expect(settings.workspace).toBe(process.cwd());
    expect(settings.outputPath).toBe(join(process.cwd(), 'out'));
    const { tmpdir } = await import('node:os');
    expect(settings.runnerTemp).toBe(tmpdir());
  });
  it('refuses an output-path in the workspace .git folder, naming the input as written', async () => {
    expect(await problem({ 'output-path': '.git/renders' })).toBe(
      'Input "output-path" is inside the repository\'s .git folder (".git/renders"): git\'s own files live there, not the checkout, and a file written there can break the repository. Give a folder of the workspace (such as generated/), or leave it empty for the runner\'s temporary folder.',
    );
    expect(await problem({ 'output-path': '/ws/.git' })).toContain('Input "output-path" is inside the repository\'s .git folder ("/ws/.git")');
    expect((await read({ 'output-path': '.github/renders' })).outputPath).toBe('/ws/.github/renders');
  });
  it('keeps prompt-file as written, for prompt-file.ts to resolve', async () => {
    expect((await read({ 'prompt-file': 'prompts/intro.md' })).promptFile).toBe('prompts/intro.md');
    expect((await read({})).promptFile).toBeUndefined();
  });
});

describe('generation-id', () => {
  it('gives the ids to resume, in lower case', async () => {
    expect((await read({ 'generation-id': `${HEX.toUpperCase()},${DIGITS}` })).resumeIds).toEqual([HEX, DIGITS]);
  });
  it('is undefined when not set', async () => {
    expect((await read({})).resumeIds).toBeUndefined();
  });
  it('names a value that is not an id', async () => {
    expect(await problem({ 'generation-id': 'latest' })).toBe('Input "generation-id" must be generation ids (UUIDs), one per line; "latest" is not one.');
  });
});

describe('model', () => {
  it('is kept as given, or undefined', async () => {
    expect((await read({ model: HEX.toUpperCase() })).model).toBe(HEX.toUpperCase());
    expect((await read({})).model).toBeUndefined();
  });
});

describe('media inputs', () => {
  it('reads reference-images as a list and the others as one reference each', async () => {
    const { mapped } = await read({ type: 'image', 'reference-images': `${HEX.toUpperCase()}\n# logo\nlogo.png`, image: 'a.png' });
    expect(mapped['reference-images']).toEqual([
      { kind: 'asset', id: HEX },
      { kind: 'file', written: 'logo.png' },
    ]);
    expect(mapped.image).toEqual({ kind: 'file', written: 'a.png' });
  });
});

describe('base-url', () => {
  it.each([
    ['http://[::1]:8080/api', 'http://[::1]:8080/api'],
    ['http://127.0.0.1:9/', 'http://127.0.0.1:9'],
    ['http://127.1.2.3:9', 'http://127.1.2.3:9'],
    ['http://localhost/', 'http://localhost'],
    ['https://example.test/api//', 'https://example.test/api'],
  ])('takes %s as %s', async (raw, url) => {
    expect((await read({ 'base-url': raw })).baseUrl).toBe(url);
  });
  it.each(['http://localhost.example.com', 'http://10.0.0.1', 'ftp://localhost', 'ws://127.0.0.1'])(
    'refuses %s: plain http only to this machine',
    async (raw) => {
      expect(await problem({ 'base-url': raw })).toBe(`Input "base-url" must be an https:// URL (http:// only to localhost), got "${raw}".`);
    },
  );
  it('refuses a fragment', async () => {
    expect(await problem({ 'base-url': 'https://x.test/api#top' })).toBe('Input "base-url" must not have a query or fragment, got "https://x.test/api#top".');
  });
  it('shows the default as an example of a URL', async () => {
    expect(await problem({ 'base-url': 'api.hedra.com' })).toBe(
      'Input "base-url" must be a URL such as https://api.hedra.com/web-app/public, got "api.hedra.com".',
    );
  });
});

describe('a duration too short to be meant', () => {
  it.each(['video', 'motion_control', 'text_to_sound'])('is refused for %s when a bare number is under half a second', async (type) => {
    expect(await problem({ type, duration: '5' })).toBe(
      `Input "duration" is 5 milliseconds, too short for type ${type}: a bare number is milliseconds. Did you mean "5s"?`,
    );
    expect(await problem({ type, duration: '499' })).toMatch(/is 499 milliseconds, .*Did you mean "499s"\?/);
    expect(await problem({ type, duration: '2.5' })).toMatch(/Did you mean "2.5s"\?/);
    expect(await problem({ type, duration: '0.25' })).toMatch(/is 0.25 milliseconds, .*Did you mean "0.25s"\?/);
    expect(await problem({ type, duration: '.5' })).toMatch(/is .5 milliseconds, .*Did you mean ".5s"\?/);
  });
  it('is taken when it has a unit, or is half a second or more', async () => {
    expect((await read({ duration: '5ms' })).mapped.duration).toBe(5);
    expect((await read({ duration: '500' })).mapped.duration).toBe(500);
    expect((await read({ duration: '5s' })).mapped.duration).toBe(5000);
  });
  it('is left to other checks for types without this mistake', async () => {
    expect((await read({ type: 'image', duration: '5' })).mapped.duration).toBe(5);
  });
});

describe('every problem at once', () => {
  it('lists the problems of several inputs in one error', async () => {
    const message = await problem({ type: 'image', 'batch-size': '9', wait: 'yes', timeout: '1h', 'base-url': 'http://x.test' }, { INPUT_COLOUR: 'red' });
    expect(message).toBe(
      [
        'The inputs have 4 problems:',
        '- Unexpected input "colour": this action has no such input.',
        '- Input "batch-size" must be between 1 and 8, got 9.',
        '- Input "base-url" must be an https:// URL (http:// only to localhost), got "http://x.test".',
        '- Input "wait" must be true or false, got "yes".',
      ].join('\n'),
    );
  });
  it('reports a request that cannot be read with the others', async () => {
    const message = await problem({ request: '[1]', seed: 'x' });
    expect(message).toMatch(/^The inputs have 2 problems:\n/);
    expect(message).toContain('- Input "seed" must be a whole number, got "x".');
    expect(message).toContain('- Input "request" must be a mapping of request fields (a JSON object or YAML mapping), got a list.');
  });
  it('names an unknown type and does not check the duration against it', async () => {
    const message = await problem({ type: 'vidoe', duration: '5' });
    expect(message).toBe(
      'Input "type" must be one of video, image, image_to_image, text_to_speech, text_to_sound, image_upscale, video_upscale, audio_isolation, speech_to_speech, voice_clone, video_to_video, motion_control; got "vidoe". Did you mean "video"?',
    );
  });
  it('takes an input given empty as empty, not as its default', async () => {
    expect(await problem({ wait: '' })).toBe('Input "wait" must be true or false, got "".');
    expect(await problem({ api: '' })).toBe('Input "api" must be v2 or v3, got "".');
  });
});

describe('InputError.all', () => {
  it('is the problem itself when there is one', () => {
    expect(InputError.all(['Input "x" is wrong.'], 'The inputs have').message).toBe('Input "x" is wrong.');
  });
  it('lists several under the heading given, and keeps each one for combining', () => {
    expect(InputError.all(['a', 'b'], 'The inputs have').message).toBe('The inputs have 2 problems:\n- a\n- b');
    const error = InputError.all(['a', 'b', 'c'], 'The video request has');
    expect(error.name).toBe('InputError');
    expect(error.message).toBe('The video request has 3 problems:\n- a\n- b\n- c');
    expect(error.problems).toEqual(['a', 'b', 'c']);
  });
});

describe('readApiKey', () => {
  it('trims HEDRA_API_KEY, and takes a blank one as none', () => {
    expect(readApiKey(recordingToolkit({}), { HEDRA_API_KEY: ' k2 \n' })).toBe('k2');
    expect(readApiKey(recordingToolkit({}), { HEDRA_API_KEY: '   ' })).toBeUndefined();
  });
});

describe('unusedWhenResuming', () => {
  const base = { mapped: {} } as Settings;
  it('lists the typed inputs, the model, the request and the prompt file that were set', () => {
    const settings = {
      ...base,
      mapped: { prompt: 'p', image: { kind: 'asset', id: HEX } },
      model: 'x/y',
      request: { seed: 1 },
      promptFile: 'p.md',
    } as Settings;
    expect(unusedWhenResuming(settings)).toEqual(['prompt', 'image', 'model', 'request', 'prompt-file']);
  });
  it('is empty when only the resume inputs were set', () => {
    expect(unusedWhenResuming(base)).toEqual([]);
  });
  it('lists each of model, request and prompt-file on its own', () => {
    expect(unusedWhenResuming({ ...base, model: 'm' })).toEqual(['model']);
    expect(unusedWhenResuming({ ...base, request: {} })).toEqual(['request']);
    expect(unusedWhenResuming({ ...base, promptFile: 'f' })).toEqual(['prompt-file']);
  });
});

describe('what only v3 takes: several files in a one-file input, duration auto', () => {
  it('reads several lines of audio as a list on v3, one line as one file', async () => {
    expect((await read({ api: 'v3', model: 'hedra-avatar', audio: 'a.mp3\n\nb.mp3\n' })).mapped.audio).toEqual([
      { kind: 'file', written: 'a.mp3' },
      { kind: 'file', written: 'b.mp3' },
    ]);
    expect((await read({ api: 'v3', model: 'hedra-avatar', audio: 'a.mp3' })).mapped.audio).toEqual({ kind: 'file', written: 'a.mp3' });
  });
  it('reads duration auto (any case) on v3', async () => {
    expect((await read({ api: 'v3', model: 'seedance-25', duration: 'Auto' })).mapped.duration).toBe('auto');
  });
  it('refuses both on v2, together', async () => {
    const message = await problem({ type: 'video', audio: 'a.mp3\nb.mp3', duration: 'auto' });
    expect(message).toContain('Input "audio" takes one file on v2; several (one per line) only on v3, for a model whose field takes a list.');
    expect(message).toContain('Input "duration" is auto, which only v3 models that choose their own length take: give a length such as 5s on v2.');
  });
});
