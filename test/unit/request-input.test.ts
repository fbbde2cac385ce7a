// The `request` input (src/inputs/request-input.ts): a JSON object or a YAML
// mapping, and for anything else a message that says what it was.
import { describe, expect, it } from 'vitest';
import { parseRequestInput } from '../../src/inputs/request-input.ts';

async function refusal(text: string): Promise<string> {
  const error = await parseRequestInput(text).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.name).toBe('InputError');
  return error!.message;
}

describe('parseRequestInput', () => {
  it('reads a JSON object', async () => {
    expect(await parseRequestInput('{"seed": 7, "generated_video_inputs": {"enhance_prompt": true}}')).toEqual({
      seed: 7,
      generated_video_inputs: { enhance_prompt: true },
    });
  });
  it('reads a YAML mapping, with anchors', async () => {
    expect(await parseRequestInput('seed: 7\nname: &n clip\ntitle: *n')).toEqual({ seed: 7, name: 'clip', title: 'clip' });
  });
  it('reads a YAML flow mapping that is not JSON', async () => {
    expect(await parseRequestInput('{seed: 7, name: clip}')).toEqual({ seed: 7, name: 'clip' });
  });
  it('keeps YAML 1.1 booleans as strings (core schema)', async () => {
    expect(await parseRequestInput('loop: yes\nkeep: on')).toEqual({ loop: 'yes', keep: 'on' });
  });
  it.each([
    ['[1, 2]', 'a list'],
    ['- a\n- b', 'a list'],
    ['null', 'null'],
    ['~', 'null'],
    ['12', 'a number'],
    ['true', 'a boolean'],
    ['"text"', 'a string'],
    ['just words', 'a string'],
  ])('refuses %j, which is %s', async (text, what) => {
    expect(await refusal(text)).toBe(`Input "request" must be a mapping of request fields (a JSON object or YAML mapping), got ${what}.`);
  });
  it('gives the first line of the YAML error, with where it is', async () => {
    expect(await refusal('seed: 1\nseed: 2')).toBe('Input "request" is neither a JSON object nor a YAML mapping: Map keys must be unique at line 2, column 1.');
    expect(await refusal('a:\n\tb: 1')).toBe(
      'Input "request" is neither a JSON object nor a YAML mapping: Tabs are not allowed as indentation at line 2, column 1.',
    );
  });
  it('reports an alias without an anchor, found only when the document is converted', async () => {
    expect(await refusal('seed: *x')).toMatch(/^Input "request" is neither a JSON object nor a YAML mapping: Unresolved alias/);
  });
  it('reads broken JSON as YAML, and says what YAML made of it', async () => {
    expect(await refusal('{"seed": 7,')).toMatch(/^Input "request" is neither a JSON object nor a YAML mapping: /);
  });
});
