// The API key travels in an HTTP header: one that no header can carry is the
// workflow's mistake (src/inputs/read.ts), reported with the inputs
// before anything is sent, and never echoed.
import { describe, expect, it } from 'vitest';
import { apiKeyProblems, readApiKey } from '../../src/inputs/api-key.ts';
import { envFrom } from '../helpers/build.ts';
import { readInputsFrom, recordingToolkit } from '../helpers/toolkit.ts';

const KEY_START = 'sk_live_4f9a1c2e';
const KEY_END = '7b3d8e6f0a5b9c1d';
const problems = (env: Record<string, string>) => apiKeyProblems(recordingToolkit(env), env);

describe('apiKeyProblems', () => {
  it.each([
    ['a line break', '\n', 'a line break'],
    ['a Windows line break', '\r\n', 'a line break'],
    ['a carriage return', '\r', 'a line break'],
    ['a NUL', '\0', 'a control character (U+0000)'],
    ['a bell', '\u0007', 'a control character (U+0007)'],
    ['a DEL', '\u007f', 'a control character (U+007F)'],
    ['a typographic quote', '\u2019', 'a character outside Latin-1 (U+2019)'],
    ['a line separator', '\u2028', 'a character outside Latin-1 (U+2028)'],
    ['an emoji', '\u{1f511}', 'a character outside Latin-1 (U+1F511)'],
  ])('refuses an api-key with %s inside, saying what kind of character, without the key', (_, inside, what) => {
    const found = problems(envFrom({ 'api-key': `${KEY_START}${inside}${KEY_END}` }));
    expect(found).toEqual([
      `Input "api-key" contains ${what}, which an HTTP header cannot carry: most likely a copy-paste error. Store the key again as the secret's whole value, on one line.`,
    ]);
    expect(found[0]).not.toContain(KEY_START.slice(3));
    expect(found[0]).not.toContain(KEY_END);
  });
  it('names the HEDRA_API_KEY environment variable when the key came from there', () => {
    expect(problems({ HEDRA_API_KEY: `${KEY_START}\n${KEY_END}` })[0]).toMatch(/^The HEDRA_API_KEY environment variable contains a line break, /);
  });
  it('takes a key that a header can carry: trimmed at both ends, tabs, spaces and Latin-1 inside are sent as they are', () => {
    for (const key of [`\n ${KEY_START}${KEY_END}\r\n`, `${KEY_START}\t${KEY_END}`, `${KEY_START} ${KEY_END}`, `${KEY_START}é${KEY_END}`]) {
      const env = envFrom({ 'api-key': key });
      expect(problems(env)).toEqual([]);
      expect(readApiKey(recordingToolkit(env), env)).toBe(key.trim());
    }
    expect(problems({})).toEqual([]);
  });
  it('is reported with the other inputs’ problems, as an input error', async () => {
    const failure = await readInputsFrom({ ...envFrom({ 'api-key': `${KEY_START}\n${KEY_END}`, seed: 'lucky' }), GITHUB_WORKSPACE: '/ws' }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.name).toBe('InputError');
    expect(failure?.message).toContain('The inputs have 2 problems');
    expect(failure?.message).toContain('Input "api-key" contains a line break');
    expect(failure?.message).toContain('Input "seed"');
  });
});
