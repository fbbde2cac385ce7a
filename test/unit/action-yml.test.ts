// action.yml is the public interface: it must say what the code reads and sets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTables, withTables } from '../../scripts/readme-tables.ts';
import { INPUT_DEFAULTS } from '../../src/inputs/settings.ts';
import { OUTPUT_NAMES } from '../../src/report/outputs.ts';
import { actionYml, ROOT } from '../e2e/run-action.ts';

describe('action.yml', () => {
  it('declares exactly the inputs the code reads, with the same defaults', () => {
    const declared = Object.fromEntries(Object.entries(actionYml.inputs).map(([name, spec]) => [name, spec.default ?? '']));
    expect(declared).toEqual(INPUT_DEFAULTS);
  });
  it('declares every output the code sets, and only those', () => {
    // setOutputs() admits only OUTPUT_NAMES, by type.
    expect(Object.keys(actionYml.outputs)).toEqual([...OUTPUT_NAMES]);
  });
  it('describes every input and output', () => {
    for (const spec of [...Object.values(actionYml.inputs), ...Object.values(actionYml.outputs)]) {
      expect(spec.description.length).toBeGreaterThan(10);
    }
  });
  it('runs the bundle on node24', () => {
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  it('has the inputs and outputs tables of action.yml (npm run docs writes them)', () => {
    expect(readme).toBe(withTables(readme, renderTables(readFileSync(join(ROOT, 'action.yml'), 'utf8'))));
  });
  it('starts with the demo and test commands', () => {
    const top = readme.split('\n## ')[0];
    expect(top).toContain('npm ci && npm run demo');
    expect(top).toContain('npm test');
  });
});
