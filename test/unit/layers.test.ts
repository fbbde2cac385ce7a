// The layout of src/ as a rule the tests hold it to (docs/decisions/layout.md):
// a folder imports only itself and folders below it, no files import each
// other in a circle, and no file is over 350 lines. Read from the files'
// own import lines, so that a change that breaks the rule fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;

/** The rooms of src/, lowest first: each may import itself and those before it. */
const LAYERS = ['core', 'action', 'http', 'inputs', 'media', 'hedra', 'report', 'pipeline', 'apis', 'manifest', '.'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const files = sources(SRC).map((path) => relative(SRC, path));
const text = new Map(files.map((file) => [file, readFileSync(join(SRC, file), 'utf8')]));

/** The files of src/ a file imports (static and dynamic imports, type-only ones too). */
function importsOf(file: string): string[] {
  const found = [...(text.get(file) ?? '').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return found.map((spec) => normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'));
}

/** The room a file lives in: its first folder under src/ ('.' for index.ts and main.ts). */
const room = (file: string) => (file.includes('/') ? file.split('/')[0] : '.');

describe('the layout of src/', () => {
  it('has every file in a room of the layering', () => {
    expect(files.filter((file) => !LAYERS.includes(room(file)))).toEqual([]);
  });

  it('imports only from the same room or one below', () => {
    const upward = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => LAYERS.indexOf(room(target)) > LAYERS.indexOf(room(file)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('imports only files that exist', () => {
    const missing = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => !text.has(target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no import cycle, of any length', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of importsOf(file)) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps every file to 350 lines or fewer', () => {
    const long = files.filter((file) => (text.get(file) ?? '').split('\n').length > 351).map((file) => file);
    expect(long).toEqual([]);
  });

  it('knows nothing of Hedra in the HTTP layer', () => {
    const speaking = files.filter((file) => room(file) === 'http' && /Hedra/.test((text.get(file) ?? '').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '')));
    expect(speaking).toEqual([]);
  });
});
