// The manifest's pure parts: the file as parsed and checked (every problem of
// every item at once, named `items.<name>.<input>`), the step's manifest inputs,
// the fingerprint and what it says changed, what each item needs, the matrix,
// the lock file (stable text, hostile locks refused), the provenance Statement
// (valid in-toto Statement v1) and the shape an estimate is shared by.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/action/toolkit.ts';
import { InputError } from '../../src/core/errors.ts';
import { readManifestStep } from '../../src/inputs/manifest-step.ts';
import { changedInputs, type Fingerprint, fingerprint } from '../../src/manifest/fingerprint.ts';
import { type Lock, type LockedItem, lockPathFor, lockText, readLock } from '../../src/manifest/lock.ts';
import { type ManifestItem, parseManifest } from '../../src/manifest/manifest-file.ts';
import { itemState, MATRIX_LIMIT, matrixFor } from '../../src/manifest/plan.ts';
import { type Made, PREDICATE_TYPE, predicateFor, STATEMENT_TYPE, statementFor, writeProvenance } from '../../src/manifest/provenance.ts';
import { shapeOf } from '../../src/pipeline/price.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';
import { tempDir } from '../setup/temp.ts';

/** The problems parseManifest throws (fails the test when it does not throw an InputError). */
async function problemsOf(text: string): Promise<string[]> {
  const error = await parseManifest(text, 'media/hedra.yml').then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).problems;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');
const byName = (items: ManifestItem[]) => Object.fromEntries(items.map((item) => [item.name, item.inputs]));

describe('parseManifest', () => {
  it('merges defaults into every item (the item wins), puts the name for {item}, lists one per line, request as JSON', async () => {
    const items = await parseManifest(
      [
        'version: 1',
        'defaults:',
        '  type: image',
        '  model: google/nano-banana',
        '  output-path: media/{item}.png',
        'items:',
        '  intro:',
        '    prompt: the {item} of it',
        '    seed: 7',
        '  outro:',
        '    api: v3',
        '    model: gpt-image-2',
        '    prompt: "  an owl  "',
        '    reference-images: [a.png, b.png]',
        '    request: { quality: low, n: 2 }',
      ].join('\n'),
      'media/hedra.yml',
    );
    expect(items.map((item) => item.name)).toEqual(['intro', 'outro']);
    expect(byName(items)).toEqual({
      intro: { type: 'image', model: 'google/nano-banana', 'output-path': 'media/intro.png', prompt: 'the intro of it', seed: '7' },
      outro: {
        type: 'image',
        model: 'gpt-image-2',
        'output-path': 'media/outro.png',
        api: 'v3',
        prompt: 'an owl',
        'reference-images': 'a.png\nb.png',
        request: '{"quality":"low","n":2}',
      },
    });
  });

  it('reports every problem of every item at once, each named items.<name>.<input> (or the top-level key)', async () => {
    const problems = await problemsOf(
      [
        'version: 2',
        'defualts: {}',
        'items:',
        '  intro:',
        '    promt: a fox',
        '    output-path: media/intro.png',
        '    reference-images: [{ file: a.png }]',
        '  outro:',
        '    prompt: an owl',
        '    request: [1, 2]',
        '  "bad name!":',
        '    prompt: x',
        '    output-path: media/bad.png',
      ].join('\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^defualts: the manifest has "version", "defaults" and "items" only\. Did you mean "defaults"\?/),
      expect.stringMatching(/^version: this action reads manifest version 1, got 2\.$/),
      expect.stringMatching(/^items\.intro\.promt: "promt" is no input an item takes\. Did you mean "prompt"\?/),
      'items.intro.reference-images: must be a text, a number, or a list of texts, got a list of mappings or lists.',
      'items.outro.request: must be a mapping of request fields, got a list.',
      expect.stringMatching(/^items\.outro\.output-path: every item needs one/),
      expect.stringMatching(/^items\.bad name!: an item's name is letters, digits/),
    ]);
  });

  it('refuses an API key in the manifest as a secret, and step inputs as the step’s', async () => {
    const problems = await problemsOf(
      ['defaults:', '  api-key: abc', 'items:', '  a:', '    github-token: x', '    parallel: 2', '    output-path: a.png'].join('\n'),
    );
    expect(problems[0]).toMatch(/^defaults\.api-key: "api-key" is a secret: it never goes in the repository/);
    expect(problems[0]).not.toContain('abc');
    expect(problems[1]).toMatch(/^items\.a\.github-token: "github-token" is a secret/);
    expect(problems[2]).toMatch(/^items\.a\.parallel: "parallel" is set on the step \(with: parallel: …\), not per item/);
  });

  it.each([
    ['a name too long', 'a'.repeat(65)],
    ['a name starting with a dot', '.hidden'],
    ['a name with a slash', 'a/b'],
    ['a name with a comma (the matrix joins names with commas)', 'a,b'],
  ])('refuses %s', async (_what, name) => {
    const problems = await problemsOf(`items:\n  "${name}":\n    output-path: x.png\n`);
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^items\\.${name.replace(/[.]/g, '\\.')}: an item's name is`))]);
  });

  it('takes a name of 64 plain characters', async () => {
    const name = `A${'b'.repeat(62)}9`;
    expect((await parseManifest(`items:\n  ${name}:\n    output-path: x.png\n`, 'm.yml'))[0].name).toBe(name);
  });

  it('refuses output paths that are absolute, leave the workspace, are the workspace, or are another item’s', async () => {
    const problems = await problemsOf(
      [
        'items:',
        '  abs: { output-path: /etc/passwd }',
        '  up: { output-path: ../x.png }',
        '  sneaky: { output-path: media/../../x.png }',
        '  root: { output-path: . }',
        '  one: { output-path: media/same.png }',
        '  two: { output-path: media/./same.png }',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'items.abs.output-path: "/etc/passwd" must be a path inside the workspace, relative to it (such as media/abs.mp4).',
      'items.up.output-path: "../x.png" must be a path inside the workspace, relative to it (such as media/up.mp4).',
      'items.sneaky.output-path: "media/../../x.png" must be a path inside the workspace, relative to it (such as media/sneaky.mp4).',
      'items.root.output-path: "." must be a path inside the workspace, relative to it (such as media/root.mp4).',
      `items.two.output-path: "media/./same.png" is also items.one's: each item needs a place of its own.`,
    ]);
  });

  it('a defaults output-path without {item} is every item’s: the second one is refused', async () => {
    const problems = await problemsOf('defaults: { output-path: media/x.png }\nitems:\n  a: { prompt: a }\n  b: { prompt: b }\n');
    expect(problems).toEqual([`items.b.output-path: "media/x.png" is also items.a's: each item needs a place of its own.`]);
  });

  it.each([
    ['not YAML', 'items: [a', /^The manifest media\/hedra\.yml is not valid YAML: /],
    [
      'a duplicate key',
      'items:\n  a: { output-path: a.png }\n  a: { output-path: b.png }\n',
      /^The manifest media\/hedra\.yml is not valid YAML: .*(unique|Map keys)/i,
    ],
    ['empty', '', /^The manifest media\/hedra\.yml must be a mapping with "items".*got an empty file\.$/],
    ['a list', '- a\n- b\n', /^The manifest media\/hedra\.yml must be a mapping with "items".*got something else\.$/],
    ['no items', 'defaults: {}\n', /^items: must be a mapping of named items/],
    ['items empty', 'items: {}\n', /^items: must be a mapping of named items/],
  ])('refuses a manifest that is %s', async (_what, text, message) => {
    const error = await parseManifest(text, 'media/hedra.yml').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
  });

  it('caps aliases: a billion-laughs document is refused as YAML, quickly', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`);
    }
    const started = performance.now();
    const error = await parseManifest(`${levels.join('\n')}\nitems:\n  x: { prompt: *j, output-path: x.png }\n`, 'm.yml').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/^The manifest m\.yml is not valid YAML: .*alias/i);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('takes version 1, or no version', async () => {
    await expect(parseManifest('version: 1\nitems: { a: { output-path: a.png } }', 'm.yml')).resolves.toHaveLength(1);
    await expect(parseManifest('items: { a: { output-path: a.png } }', 'm.yml')).resolves.toHaveLength(1);
    expect(await problemsOf('version: "1"\nitems: { a: { output-path: a.png } }')).toEqual(['version: this action reads manifest version 1, got "1".']);
  });
});

/** readManifestStep on these inputs (INPUT_* as the runner passes them). */
function stepOf(inputs: Record<string, string>, extra: Env = {}) {
  const env: Env = { ...extra };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return readManifestStep(recordingToolkit(env), env);
}
function stepProblems(inputs: Record<string, string>, extra: Env = {}): string[] {
  try {
    stepOf(inputs, extra);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error('no problem reported');
}

const V2_KEY = 'sk_live_0123456789abcdef';
const V3_KEY = 'key_0123abcd:s3cr3t0123456789';

describe('readManifestStep', () => {
  it('is undefined without a manifest (a single step), the defaults of the others included', () => {
    expect(stepOf({})).toBeUndefined();
    expect(stepOf({ plan: 'false', verify: 'false', item: '', parallel: '4' })).toBeUndefined();
    expect(stepOf({ plan: 'False', verify: 'FALSE' })).toBeUndefined();
  });

  it('refuses every manifest-only input given without a manifest, all at once', () => {
    const problems = stepProblems({ plan: 'true', item: 'intro', verify: 'true' });
    expect(problems).toHaveLength(3);
    for (const [i, input] of ['plan', 'item', 'verify'].entries())
      expect(problems[i]).toMatch(new RegExp(`^Input "${input}" works on a manifest of many items: set "manifest" too`));
  });

  it('reads the three modes, and item lists (commas or lines, duplicates once)', () => {
    expect(stepOf({ manifest: 'm.yml', plan: 'true' })).toMatchObject({ written: 'm.yml', mode: 'plan', items: undefined, parallel: 4 });
    expect(stepOf({ manifest: 'm.yml', verify: 'true' })).toMatchObject({ mode: 'verify' });
    expect(stepOf({ manifest: 'm.yml' })).toMatchObject({ mode: 'generate', items: undefined });
    expect(stepOf({ manifest: 'm.yml', item: 'a, b\nc,,a\n' })?.items).toEqual(['a', 'b', 'c']);
  });

  it('refuses plan with verify, item with plan or verify, and another spelling than true/false', () => {
    expect(stepProblems({ manifest: 'm.yml', plan: 'true', verify: 'true' })).toEqual(
      [
        'Inputs "plan" and "verify" are both true: a step does one of them; use two steps.',
        'Input "item" generates; with "plan: true" nothing is generated. Leave "item" out.',
      ].slice(0, 1),
    );
    expect(stepProblems({ manifest: 'm.yml', verify: 'true', item: 'a' })).toEqual([
      'Input "item" generates; with "verify: true" nothing is generated. Leave "item" out.',
    ]);
    expect(stepProblems({ manifest: 'm.yml', plan: 'yes' })[0]).toMatch(/^Input "plan"/);
  });

  it.each([
    ['0', /^Input "parallel" must be between 1 and 16, got 0\.$/],
    ['17', /^Input "parallel" must be between 1 and 16, got 17\.$/],
    ['two', /^Input "parallel" must be a whole number, got "two"\.$/],
  ])('refuses parallel %s', (parallel, message) => {
    expect(stepProblems({ manifest: 'm.yml', parallel })).toEqual([expect.stringMatching(message)]);
  });

  it('takes parallel 1 and 16', () => {
    expect(stepOf({ manifest: 'm.yml', parallel: '1' })?.parallel).toBe(1);
    expect(stepOf({ manifest: 'm.yml', parallel: '16' })?.parallel).toBe(16);
  });

  it('refuses the single-step inputs that would repeat per item', () => {
    const problems = stepProblems({ manifest: 'm.yml', 'release-upload': 'true', comment: 'true', 'generation-id': 'abc' });
    expect(problems.map((p) => /^Input "([a-z-]+)"/.exec(p)?.[1])).toEqual(['release-upload', 'comment', 'generation-id']);
  });

  it('tells keys apart by their shape, one per line, from api-key or HEDRA_API_KEY', () => {
    expect(stepOf({ manifest: 'm.yml', 'api-key': `  ${V3_KEY}\n\n${V2_KEY}  \n` })?.keys).toEqual({ v2: V2_KEY, v3: V3_KEY });
    expect(stepOf({ manifest: 'm.yml', 'api-key': V2_KEY })?.keys).toEqual({ v2: V2_KEY });
    expect(stepOf({ manifest: 'm.yml' }, { HEDRA_API_KEY: ` ${V3_KEY} ` })?.keys).toEqual({ v3: V3_KEY });
    expect(stepOf({ manifest: 'm.yml' })?.keys).toEqual({});
    // A colon alone does not make a v3 key: its id and its secret are both there, neither with a space.
    expect(stepOf({ manifest: 'm.yml', 'api-key': 'key_a: spaced' })?.keys).toEqual({ v2: 'key_a: spaced' });
    expect(stepOf({ manifest: 'm.yml', 'api-key': ':secret' })?.keys).toEqual({ v2: ':secret' });
  });

  it('refuses two keys of one API, naming the line and never the key', () => {
    const problems = stepProblems({ manifest: 'm.yml', 'api-key': `${V2_KEY}\n${V3_KEY}\nsk_other_key` });
    expect(problems).toEqual([expect.stringMatching(/^Input "api-key" has two v2 keys \(line 3 is the second\)/)]);
    expect(problems.join()).not.toContain('sk_');
    expect(stepProblems({ manifest: 'm.yml', 'api-key': `${V3_KEY}\nkey_b:other` })[0]).toMatch(/has two v3 keys \(line 2/);
  });

  it('reads base-url as one URL for both APIs, or v2:/v3: lines', () => {
    expect(stepOf({ manifest: 'm.yml', 'base-url': 'http://127.0.0.1:9' })?.baseUrls).toEqual({ v2: 'http://127.0.0.1:9', v3: 'http://127.0.0.1:9' });
    expect(stepOf({ manifest: 'm.yml', 'base-url': 'v3: http://h/v3' })?.baseUrls).toEqual({ v3: 'http://h/v3' });
    expect(stepOf({ manifest: 'm.yml', 'base-url': 'v2: http://a\nv3=http://b' })?.baseUrls).toEqual({ v2: 'http://a', v3: 'http://b' });
    expect(stepOf({ manifest: 'm.yml' })?.baseUrls).toEqual({});
    expect(stepProblems({ manifest: 'm.yml', 'base-url': 'v2: http://a\nhttp://b\nv4: http://c' })).toEqual([
      'Input "base-url" line 2: with several lines, each is "v2: <url>" or "v3: <url>", got "http://b".',
      'Input "base-url" line 3: with several lines, each is "v2: <url>" or "v3: <url>", got "v4: http://c".',
    ]);
  });

  it('reports every problem of the step at once', () => {
    expect(stepProblems({ manifest: 'm.yml', plan: 'true', verify: 'true', parallel: '99', comment: 'true', 'base-url': 'a\nb' })).toHaveLength(5);
  });
});

describe('fingerprint and changedInputs', () => {
  const workspace = tempDir('fp-');
  mkdirSync(join(workspace, 'in'), { recursive: true });
  const item = (inputs: ManifestItem['inputs'], name = 'a'): ManifestItem => ({ name, inputs: { 'output-path': `media/${name}.png`, ...inputs } });
  const print = (inputs: ManifestItem['inputs'], baseUrls = {}) => fingerprint(item(inputs), baseUrls, workspace);

  it('records files by content, asset ids and URLs as written, and leaves output-path out', async () => {
    writeFileSync(join(workspace, 'in/p.txt'), 'a fox');
    writeFileSync(join(workspace, 'in/i.png'), 'png');
    const asset = 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE';
    const now = await print({ 'prompt-file': 'in/p.txt', image: 'in/i.png', 'reference-images': `${asset}\nhttps://example.com/x.png`, seed: '3' });
    expect(now.api).toBe('v2');
    expect(now.key).toMatch(/^[0-9a-f]{64}$/);
    expect(now.inputs).toEqual({
      'prompt-file': { file: 'in/p.txt', sha256: digest('a fox') },
      image: { file: 'in/i.png', sha256: digest('png') },
      'reference-images': [asset, 'https://example.com/x.png'],
      seed: '3',
    });
    expect(now.inputs).not.toHaveProperty('output-path');
  });

  it('reads a media list as the request does: a comment line (# …) is no entry, and changes nothing', async () => {
    const asset = 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE';
    const plain = await print({ 'reference-images': `${asset}\nhttps://example.com/x.png` });
    const commented = await print({ 'reference-images': `# the brand's\n${asset}\n# and one more\nhttps://example.com/x.png` });
    expect(commented.inputs['reference-images']).toEqual([asset, 'https://example.com/x.png']);
    expect(commented.key).toBe(plain.key);
  });

  it('a file’s content changes the key; its rename with the same content changes the input’s text; output-path changes nothing', async () => {
    writeFileSync(join(workspace, 'in/q.txt'), 'an owl');
    const before = await print({ 'prompt-file': 'in/q.txt' });
    expect((await print({ 'prompt-file': 'in/q.txt' })).key).toBe(before.key);
    writeFileSync(join(workspace, 'in/q.txt'), 'an owl at night');
    const edited = await print({ 'prompt-file': 'in/q.txt' });
    expect(edited.key).not.toBe(before.key);
    expect(changedInputs(before.inputs, edited.inputs)).toEqual(['prompt-file']);
    renameSync(join(workspace, 'in/q.txt'), join(workspace, 'in/r.txt'));
    const renamed = await print({ 'prompt-file': 'in/r.txt' });
    expect(renamed.key).not.toBe(edited.key);
    expect(renamed.inputs['prompt-file']).toEqual({ file: 'in/r.txt', sha256: (edited.inputs['prompt-file'] as { sha256: string }).sha256 });
    expect(changedInputs(edited.inputs, renamed.inputs)).toEqual(['prompt-file']);
    const moved = await fingerprint({ name: 'a', inputs: { 'prompt-file': 'in/r.txt', 'output-path': 'elsewhere/a.png' } }, {}, workspace);
    expect(moved.key).toBe(renamed.key);
  });

  it('a file that cannot be read is recorded without a digest (the item’s own check says why)', async () => {
    const missing = await print({ image: 'in/none.png' });
    expect(missing.inputs.image).toEqual({ file: 'in/none.png' });
    const outside = await print({ 'prompt-file': '../../etc/passwd' });
    expect(outside.inputs['prompt-file']).toEqual({ file: '../../etc/passwd' });
  });

  it('the API’s address is in the key (a trailing slash is not), the API key is not', async () => {
    const plain = await print({ prompt: 'x' });
    expect((await print({ prompt: 'x' }, { v2: 'https://api.hedra.com/web-app/public/' })).key).toBe(plain.key);
    expect((await print({ prompt: 'x' }, { v2: 'http://127.0.0.1:9' })).key).not.toBe(plain.key);
    expect((await print({ prompt: 'x' }, { v3: 'http://127.0.0.1:9' })).key).toBe(plain.key);
    const v3 = await print({ prompt: 'x', api: 'v3' });
    expect(v3.api).toBe('v3');
    expect((await print({ prompt: 'x', api: 'v3' }, { v3: 'http://127.0.0.1:9' })).key).not.toBe(v3.key);
  });

  it('the same inputs in another order give the same key; empty inputs count as absent', async () => {
    const a = await fingerprint({ name: 'a', inputs: { prompt: 'x', seed: '1', 'output-path': 'a.png' } }, {}, workspace);
    const b = await fingerprint({ name: 'b', inputs: { seed: '1', 'output-path': 'b.png', prompt: 'x', model: '' } }, {}, workspace);
    expect(b.key).toBe(a.key);
  });

  it('changedInputs names added, removed and changed inputs', () => {
    expect(changedInputs({ prompt: 'a', seed: '1', model: 'm' }, { prompt: 'b', model: 'm', duration: '5' })).toEqual(['prompt', 'duration', 'seed']);
    expect(changedInputs({ image: { file: 'a', sha256: 'x' } }, { image: { sha256: 'x', file: 'a' } })).toEqual([]);
  });
});

const HEX = (c: string) => c.repeat(64);
const lockedItem = (outputs: LockedItem['outputs'], key = HEX('a'), inputs: LockedItem['inputs'] = { prompt: 'x' }): LockedItem => ({
  key,
  api: 'v2',
  model: 'google/nano-banana',
  ids: ['0b7c2a4e-1f0a-4c3b-9a55-0d4b5c6e7f80'],
  inputs,
  outputs,
});
const printed = (key: string, inputs: Fingerprint['inputs'] = { prompt: 'x' }): Fingerprint => ({ key, api: 'v2', inputs });

describe('itemState', () => {
  const out = [{ path: 'media/a.png', bytes: 3, sha256: HEX('b') }];
  it.each([
    ['new', printed(HEX('a')), 'media/a.png', undefined, [], { kind: 'new' }],
    ['unchanged', printed(HEX('a')), 'media/a.png', lockedItem(out), [{ path: 'media/a.png', found: 'same' }], { kind: 'unchanged' }],
    ['changed: prompt', printed(HEX('c'), { prompt: 'y' }), 'media/a.png', lockedItem(out), [], { kind: 'changed', inputs: ['prompt'] }],
    ['changed: base-url (only the address)', printed(HEX('c')), 'media/a.png', lockedItem(out), [], { kind: 'changed', inputs: ['base-url'] }],
    [
      'output missing',
      printed(HEX('a')),
      'media/a.png',
      lockedItem(out),
      [{ path: 'media/a.png', found: 'missing' }],
      { kind: 'output missing', paths: ['media/a.png'] },
    ],
    [
      'output modified',
      printed(HEX('a')),
      'media/a.png',
      lockedItem(out),
      [{ path: 'media/a.png', found: 'modified' }],
      { kind: 'output modified', paths: ['media/a.png'] },
    ],
    ['moved (a file)', printed(HEX('a')), 'media/b.png', lockedItem(out), [{ path: 'media/a.png', found: 'same' }], { kind: 'moved', to: 'media/b.png' }],
    ['moved (a folder)', printed(HEX('a')), 'other/', lockedItem(out), [{ path: 'media/a.png', found: 'same' }], { kind: 'moved', to: 'other/' }],
    ['unchanged in a folder', printed(HEX('a')), 'media', lockedItem(out), [{ path: 'media/a.png', found: 'same' }], { kind: 'unchanged' }],
  ] as const)('%s', (_name, now, outputPath, locked, found, state) => {
    expect(itemState(now, outputPath, locked as LockedItem | undefined, [...found])).toEqual(state);
  });

  it('says missing before modified', () => {
    const two = [...out, { path: 'media/a-2.png', bytes: 3, sha256: HEX('c') }];
    expect(
      itemState(printed(HEX('a')), 'media', lockedItem(two), [
        { path: 'media/a.png', found: 'modified' },
        { path: 'media/a-2.png', found: 'missing' },
      ]),
    ).toEqual({ kind: 'output missing', paths: ['media/a-2.png'] });
  });
});

describe('matrixFor', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `item-${i}`);
  it.each([0, 1, 256, 257, 1000])('%i items: every item exactly once, in order, in at most 256 entries', (n) => {
    const { include } = matrixFor(names(n));
    expect(include.length).toBeLessThanOrEqual(MATRIX_LIMIT);
    expect(include.flatMap((entry) => entry.item.split(','))).toEqual(names(n));
    if (n <= MATRIX_LIMIT) expect(include).toHaveLength(n);
    else expect(include.length).toBeGreaterThan(MATRIX_LIMIT / 2);
  });
  it('an empty matrix is {"include":[]}', () => {
    expect(JSON.stringify(matrixFor([]))).toBe('{"include":[]}');
  });
});

describe('the lock file', () => {
  const dir = tempDir('lock-');
  const a = lockedItem([{ path: 'media/a.png', bytes: 3, sha256: HEX('b') }], HEX('a'), { seed: '1', prompt: 'x' });
  const b: LockedItem = { ...lockedItem([{ path: 'media/b.png', bytes: 4, sha256: HEX('c') }], HEX('d')), api: 'v3', model: null, ids: ['job_abc-123'] };

  it('is written in one order whatever the order given (items by name, inputs by name), two spaces, a final newline', () => {
    const one: Lock = new Map([
      ['b', b],
      ['a', a],
    ]);
    const reordered = { outputs: b.outputs, ids: b.ids, inputs: b.inputs, model: b.model, api: b.api, key: b.key } as LockedItem;
    const two: Lock = new Map([
      ['a', a],
      ['b', reordered],
    ]);
    const text = lockText(one);
    expect(lockText(two)).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toMatch(/^{\n {2}"version": 1,\n {2}"items": {\n {4}"a": {\n {6}"key": /);
    expect(Object.keys(JSON.parse(text).items.a)).toEqual(['key', 'api', 'model', 'ids', 'inputs', 'outputs']);
    expect(Object.keys(JSON.parse(text).items.a.inputs)).toEqual(['prompt', 'seed']);
  });

  it('reads back what it wrote, and none is an empty lock', async () => {
    const lock: Lock = new Map([
      ['a', a],
      ['b', b],
    ]);
    writeFileSync(join(dir, 'hedra.lock.json'), lockText(lock));
    const read = await readLock(join(dir, 'hedra.lock.json'), 'media/hedra.lock.json');
    expect(lockText(read)).toBe(lockText(lock));
    expect(await readLock(join(dir, 'none.lock.json'), 'x')).toEqual(new Map());
  });

  const hostile = (change: (item: Record<string, any>) => void, whole?: (file: Record<string, any>) => void) => {
    const file = JSON.parse(lockText(new Map([['a', a]])));
    change(file.items.a);
    whole?.(file);
    return JSON.stringify(file);
  };
  it.each([
    ['an output path out of the workspace', hostile((item) => (item.outputs[0].path = '../x'))],
    ['an output path out of the workspace by a detour', hostile((item) => (item.outputs[0].path = 'media/../../x'))],
    ['an absolute output path', hostile((item) => (item.outputs[0].path = '/etc/passwd'))],
    ['a path with a newline', hostile((item) => (item.outputs[0].path = 'a\n::error::x'))],
    ['an id that is neither a UUID nor a job id', hostile((item) => (item.ids = ['../../etc']))],
    ['a digest that is not hex', hostile((item) => (item.outputs[0].sha256 = 'Z'.repeat(64)))],
    ['a key that is not a digest', hostile((item) => (item.key = 'abc'))],
    ['an extra field in an item', hostile((item) => (item.extra = 1))],
    ['an extra field in an output', hostile((item) => (item.outputs[0].url = 'https://x'))],
    [
      'an extra top-level field',
      hostile(
        () => undefined,
        (file) => (file.extra = true),
      ),
    ],
    [
      'another version',
      hostile(
        () => undefined,
        (file) => (file.version = 2),
      ),
    ],
    [
      'an item name that is not one',
      hostile(
        () => undefined,
        (file) => (file.items['../x'] = file.items.a),
      ),
    ],
    ['an unknown API', hostile((item) => (item.api = 'v9'))],
    ['negative bytes', hostile((item) => (item.outputs[0].bytes = -1))],
  ])('refuses a lock with %s', async (_what, text) => {
    writeFileSync(join(dir, 'bad.lock.json'), text);
    const error = await readLock(join(dir, 'bad.lock.json'), 'media/hedra.lock.json').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^The lock file media\/hedra\.lock\.json is not one this action wrote \(.+\)\. Restore it from git, or delete it/);
  });

  it('refuses a lock that is not JSON', async () => {
    writeFileSync(join(dir, 'bad.lock.json'), '{"version": 1,');
    await expect(readLock(join(dir, 'bad.lock.json'), 'media/hedra.lock.json')).rejects.toThrow(
      /^The lock file media\/hedra\.lock\.json is not JSON\. It is written by the action: restore it from git, or delete it/,
    );
  });

  it('lives beside the manifest, named after it', () => {
    expect(lockPathFor('/ws/media/hedra.yml')).toBe('/ws/media/hedra.lock.json');
    expect(lockPathFor('/ws/media/hedra.YAML')).toBe('/ws/media/hedra.lock.json');
    expect(lockPathFor('/ws/clips.yaml')).toBe('/ws/clips.lock.json');
    expect(lockPathFor('/ws/manifest')).toBe('/ws/manifest.lock.json');
  });
});

const MADE: Made = {
  item: 'intro',
  path: 'media/intro.png',
  sha256: HEX('e'),
  api: 'v3',
  model: 'gpt-image-2',
  generationId: 'job_abc',
  assetId: 'asset_def',
  contentKey: HEX('a'),
  inputs: { prompt: 'a fox', image: { file: 'in/i.png', sha256: HEX('f') } },
  request: { prompt: 'a fox', quality: 'low' },
  reused: false,
  startedOn: '2026-12-06T01:00:00.000Z',
  finishedOn: '2026-12-06T01:00:30.000Z',
};

describe('provenance', () => {
  const made = MADE;
  const runner: Env = {
    GITHUB_REPOSITORY: 'octo/site',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_WORKFLOW_REF: 'octo/site/.github/workflows/media.yml@refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: HEX('1').slice(0, 40),
  };

  it('the predicate says the API, model, ids, content key, inputs, the request, when and the workflow run', () => {
    expect(predicateFor(made, runner)).toEqual({
      generator: { name: 'hedra-generate-action', uri: 'https://github.com/hedra-actions/hedra-generate-action' },
      item: 'intro',
      api: 'v3',
      model: 'gpt-image-2',
      generationId: 'job_abc',
      assetId: 'asset_def',
      contentKey: HEX('a'),
      inputs: made.inputs,
      request: made.request,
      reused: false,
      startedOn: made.startedOn,
      finishedOn: made.finishedOn,
      workflowRun: {
        repository: 'octo/site',
        workflow: runner.GITHUB_WORKFLOW_REF,
        event: 'push',
        ref: 'refs/heads/main',
        commit: runner.GITHUB_SHA,
        runId: '42',
        runAttempt: '2',
        url: 'https://github.example/octo/site/actions/runs/42',
      },
    });
    expect(predicateFor(made, {}).workflowRun).toEqual({
      repository: null,
      workflow: null,
      event: null,
      ref: null,
      commit: null,
      runId: null,
      runAttempt: null,
      url: null,
    });
  });

  it('the Statement: its subject is the file and its SHA-256, and it validates against the in-toto Statement v1 schema', () => {
    const statement = statementFor(made, runner);
    expect(statement).toEqual({
      _type: STATEMENT_TYPE,
      subject: [{ name: 'media/intro.png', digest: { sha256: HEX('e') } }],
      predicateType: PREDICATE_TYPE,
      predicate: predicateFor(made, runner),
    });
    expect(STATEMENT_TYPE).toBe('https://in-toto.io/Statement/v1');
    expect(validStatement(JSON.parse(JSON.stringify(statement)))).toEqual([]);
    expect(validStatement(JSON.parse(JSON.stringify(statementFor(made, {}))))).toEqual([]);
    // The schema refuses what the spec refuses: a subject without a digest, another _type, a digest not hex.
    expect(validStatement({ ...statement, subject: [{ name: 'x' }] })).not.toEqual([]);
    expect(validStatement({ ...statement, _type: 'https://in-toto.io/Statement/v0.1' })).not.toEqual([]);
    expect(validStatement({ ...statement, subject: [{ name: 'x', digest: { sha256: 'XYZ' } }] })).not.toEqual([]);
    expect(validStatement({ ...statement, subject: [] })).not.toEqual([]);
    // Its timestamps are RFC 3339 in UTC, as the spec's Timestamp is.
    expect(statement.predicate.startedOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });
});

describe('writeProvenance', () => {
  it('one predicate and one Statement per output, never one file for two: item a’s second output is not item a-2’s', async () => {
    const folder = join(tempDir('prov-'), 'hedra-provenance');
    const of = (item: string, path: string): Made => ({ ...MADE, item, path });
    const written = await writeProvenance(folder, [of('a', 'media/a/1.png'), of('a', 'media/a/2.png'), of('a-2', 'media/a-2.png')], {}, (text) =>
      text.replaceAll('a fox', '***'),
    );
    expect(written.map((entry) => entry.predicate.slice(folder.length + 1))).toEqual(['a.predicate.json', 'a@2.predicate.json', 'a-2.predicate.json']);
    expect(written.map((entry) => entry.statement.slice(folder.length + 1))).toEqual(['a.intoto.json', 'a@2.intoto.json', 'a-2.intoto.json']);
    expect(readdirSync(folder)).toHaveLength(6);
    for (const entry of written) {
      const statement = JSON.parse(readFileSync(entry.statement, 'utf8'));
      expect(statement.subject[0].name).toBe(entry.path);
      expect(JSON.parse(readFileSync(entry.predicate, 'utf8'))).toEqual(statement.predicate);
      // What an answer echoed of a secret is taken out of both files.
      expect(readFileSync(entry.predicate, 'utf8')).not.toContain('a fox');
    }
  });
});

// CommonJS modules seen from ESM: the class may sit on .default (as test/server/spec-v3.ts reads them).
const Ajv2020 = ((Ajv2020Module as any).default ?? Ajv2020Module) as typeof Ajv2020Module.default;
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as typeof addFormatsModule.default;
const statementSchema = JSON.parse(readFileSync(new URL('../fixtures/in-toto-statement-v1.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateStatement = ajv.compile(statementSchema);
/** The schema's errors for a value ([] when it is a valid Statement). */
function validStatement(value: unknown): string[] {
  return validateStatement(value) ? [] : (validateStatement.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('shapeOf', () => {
  it('takes out the free texts of a request, at any depth, and keeps what a price follows', () => {
    expect(
      shapeOf({
        prompt: 'a fox',
        text_prompt: 'x',
        negative_prompt: 'y',
        name: 'n',
        title: 't',
        text: 'hello',
        model: 'm',
        duration_ms: 5000,
        inputs: [{ prompt: 'b', resolution: '720p' }],
        nested: { text: 'z', aspect_ratio: '16:9' },
      }),
    ).toEqual({
      prompt: '…',
      text_prompt: '…',
      negative_prompt: '…',
      name: '…',
      title: '…',
      text: '…',
      model: 'm',
      duration_ms: 5000,
      inputs: [{ prompt: '…', resolution: '720p' }],
      nested: { text: '…', aspect_ratio: '16:9' },
    });
    expect(shapeOf({ prompt: 'a fox', duration_ms: 5000 })).toEqual(shapeOf({ prompt: 'an owl in the night', duration_ms: 5000 }));
    expect(shapeOf({ prompt: 'a', duration_ms: 5000 })).not.toEqual(shapeOf({ prompt: 'a', duration_ms: 10000 }));
    expect(shapeOf({ prompt: 3 })).toEqual({ prompt: 3 });
    expect(shapeOf(null)).toBeNull();
  });
});
