import { describe, expect, it } from 'vitest';
import { readApiKey } from '../../src/inputs/api-key.ts';
import { parseDuration, parseMediaRef } from '../../src/inputs/parsers.ts';
import { envFrom } from '../helpers/build.ts';
import { readInputsFrom, recordingToolkit } from '../helpers/toolkit.ts';

async function inputError(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<string> {
  const failure = await readInputsFrom({ ...envFrom(inputs), ...extraEnv }).then(
    () => undefined,
    (error: Error) => error,
  );
  expect(failure?.name).toBe('InputError');
  return failure!.message;
}

describe('parseInputs', () => {
  it('applies action.yml defaults when inputs are absent', async () => {
    const settings = await readInputsFrom({ GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/rt' });
    expect(settings).toEqual({
      api: 'v2',
      baseUrl: 'https://api.hedra.com/web-app/public',
      // action.yml's type is empty (on v3 the model decides); v2 applies video in code.
      type: 'video',
      typeGiven: false,
      model: undefined,
      mapped: {},
      request: undefined,
      dryRun: false,
      wait: true,
      timeoutMs: 30 * 60_000,
      download: true,
      outputPath: '/rt/hedra',
      resumeIds: undefined,
      promptFile: undefined,
      githubToken: undefined,
      releaseUpload: undefined,
      comment: false,
      maxCredits: undefined,
      reuse: true,
      workspace: '/ws',
      runnerTemp: '/rt',
    });
  });
  it('trims values and drops a trailing slash from base-url', async () => {
    const settings = await readInputsFrom(envFrom({ 'base-url': ' https://example.test/api/ ', prompt: '  hi  ' }));
    expect(settings.baseUrl).toBe('https://example.test/api');
    expect(settings.mapped.prompt).toBe('hi');
  });
  it('stops on an input action.yml does not declare, with the input meant', async () => {
    expect(await inputError({}, { INPUT_VOICE_ID: 'x' })).toBe('Unexpected input "voice_id": this action has no such input. Did you mean "voice-id"?');
    expect(await inputError({}, { INPUT_PROMT: 'x' })).toMatch(/Unexpected input "promt".*Did you mean "prompt"\?/);
    expect(await inputError({}, { INPUT_COLOUR: 'x' })).toBe('Unexpected input "colour": this action has no such input.');
  });
  it('names the type meant by a misspelt one', async () => {
    expect(await inputError({ type: 'vidoe' })).toMatch(/^Input "type" must be one of video, image, .*motion_control; got "vidoe". Did you mean "video"\?$/);
    expect(await inputError({ type: 'text-to-speech' })).toMatch(/Did you mean "text_to_speech"\?/);
  });
  it.each([
    ['ftp://example.com', /must be an https:\/\/ URL/],
    ['http://api.example.com', /must be an https:\/\/ URL \(http:\/\/ only to localhost\)/],
    ['not a url', /Input "base-url" must be a URL/],
    ['https://x.test/api?key=1', /must not have a query/],
  ])('refuses base-url %s', async (value, message) => {
    expect(await inputError({ 'base-url': value })).toMatch(message);
  });
  it('allows plain http to this machine only', async () => {
    expect((await readInputsFrom(envFrom({ 'base-url': 'http://127.0.0.1:8080/x' }))).baseUrl).toBe('http://127.0.0.1:8080/x');
    expect((await readInputsFrom(envFrom({ 'base-url': 'http://localhost:1' }))).baseUrl).toBe('http://localhost:1');
  });
  it('reads dry-run as a YAML boolean and names it when it is not one', async () => {
    expect((await readInputsFrom(envFrom({ 'dry-run': 'True' }))).dryRun).toBe(true);
    expect(await inputError({ 'dry-run': 'yes' })).toBe('Input "dry-run" must be true or false, got "yes".');
  });
});

describe('GitHub inputs', () => {
  it('reads release-upload as the event release, a tag, or off', async () => {
    expect((await readInputsFrom(envFrom({ 'release-upload': 'true' }))).releaseUpload).toBe('event');
    expect((await readInputsFrom(envFrom({ 'release-upload': 'v2.0.0' }))).releaseUpload).toBe('v2.0.0');
    expect((await readInputsFrom(envFrom({ 'release-upload': 'false' }))).releaseUpload).toBeUndefined();
  });
  it('takes an unevaluated ${{ github.token }} (a run outside a workflow) as no token', async () => {
    expect((await readInputsFrom(envFrom({ 'github-token': '${{ github.token }}' }))).githubToken).toBeUndefined();
    expect((await readInputsFrom(envFrom({ 'github-token': 'ghs_abc' }))).githubToken).toBe('ghs_abc');
  });
});

describe('readApiKey', () => {
  it('prefers the input and falls back to HEDRA_API_KEY', () => {
    expect(readApiKey(recordingToolkit({ 'INPUT_API-KEY': ' k1 ', HEDRA_API_KEY: 'k2' }), { 'INPUT_API-KEY': ' k1 ', HEDRA_API_KEY: 'k2' })).toBe('k1');
    expect(readApiKey(recordingToolkit({ 'INPUT_API-KEY': '', HEDRA_API_KEY: 'k2' }), { 'INPUT_API-KEY': '', HEDRA_API_KEY: 'k2' })).toBe('k2');
    expect(readApiKey(recordingToolkit({}), {})).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it.each([
    ['5000', 5000],
    ['500ms', 500],
    ['5s', 5000],
    ['1.5m', 90000],
    ['1h', 3_600_000],
    ['2.5 S', 2500],
    ['.5s', 500],
  ])('%s is %d ms', (raw, ms) => {
    expect(parseDuration('duration', raw)).toBe(ms);
  });
  it.each(['', '5 seconds', '-5s', '0', '1e3', '5sec', 's'])('refuses %j naming the input', (raw) => {
    expect(() => parseDuration('duration', raw)).toThrow(/Input "duration" must be/);
  });
});

describe('parseMediaRef', () => {
  it('takes anything else as a file path (checked before any request, in assets.ts)', () => {
    expect(parseMediaRef('audio', 'media/voice over.mp3')).toEqual({ kind: 'file', written: 'media/voice over.mp3' });
  });
  it('takes asset ids (normalised to lower case) and https URLs', () => {
    expect(parseMediaRef('image', '3FA85F64-5717-4562-B3FC-2C963F66AFA6')).toEqual({ kind: 'asset', id: '3fa85f64-5717-4562-b3fc-2c963f66afa6' });
    expect(parseMediaRef('image', 'https://cdn.example.com/a b.png')).toEqual({ kind: 'url', url: 'https://cdn.example.com/a%20b.png' });
  });
  it.each([
    ['http://example.com/a.png', /Input "audio" accepts https:\/\/ URLs only/],
    ['https://', /Input "audio" is not a valid URL/],
  ])('refuses %s', (raw, message) => {
    expect(() => parseMediaRef('audio', raw)).toThrow(message);
  });
});
