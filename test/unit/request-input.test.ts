// The `request` input (src/inputs/request-input.ts): a JSON object or a YAML
// mapping, and for anything else a message that says what it was.
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_DEPTH, parseRequestInput } from '../../src/inputs/request-input.ts';

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

describe('nesting', () => {
  const TOO_DEEP = `Input "request" nests deeper than ${MAX_REQUEST_DEPTH} levels: a request body needs only a few (such as generated_video_inputs: {duration_ms: 5000}).`;
  const N = 50_000;
  it.each([
    ['JSON, 50,000 lists deep', `{"a": ${'['.repeat(N)}${']'.repeat(N)}}`],
    ['JSON, 50,000 objects deep', `${'{"a":'.repeat(N)}1${'}'.repeat(N)}`],
    ['JSON, unclosed', `{"a": ${'['.repeat(N)}`],
    ['YAML flow, 50,000 deep', `a: ${'['.repeat(N)}${']'.repeat(N)}`],
    ['YAML flow mappings, 20,000 deep', `a: ${'{b: '.repeat(20_000)}1${'}'.repeat(20_000)}`],
    ['YAML block sequences, 50,000 deep', `a:\n  ${'- '.repeat(N)}x`],
    ['YAML complex keys, 50,000 deep', `${'? '.repeat(N)}x`],
    ['YAML block sequences, 100 deep', `a:\n  ${'- '.repeat(100)}x`],
    ['YAML block mappings, 70 deep', `${Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1`],
    ['JSON, one level too deep', `{"a": ${'['.repeat(MAX_REQUEST_DEPTH)}${']'.repeat(MAX_REQUEST_DEPTH)}}`],
  ])('refuses %s with a message that names the input, without overflowing the stack', async (_, text) => {
    expect(await refusal(text)).toBe(TOO_DEEP);
  });
  it(`reads a request ${MAX_REQUEST_DEPTH} levels deep, and brackets inside strings do not count`, async () => {
    const deepest = await parseRequestInput(`{"a": ${'['.repeat(MAX_REQUEST_DEPTH - 1)}${']'.repeat(MAX_REQUEST_DEPTH - 1)}}`);
    expect(deepest).toHaveProperty('a');
    expect(await parseRequestInput(`{"prompt": "${'[{'.repeat(500)}\\" ]"}`)).toEqual({ prompt: `${'[{'.repeat(500)}" ]` });
    expect(await parseRequestInput(`prompt: "${'['.repeat(500)}"`)).toEqual({ prompt: '['.repeat(500) });
  });
});
