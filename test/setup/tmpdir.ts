// Vitest globalSetup: the whole run gets a temporary directory of its own
// (TMPDIR, TEMP and TMP point at it before any worker starts, and the workers
// and every process they spawn inherit it), and at the end the run fails if
// anything was left in it. Tests make temporary directories with tempDir()
// from test/setup/temp.ts, which removes them.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's temporary directory: os.tmpdir() in every test. */
    runTempDir: string;
  }
}

const VARS = ['TMPDIR', 'TEMP', 'TMP'] as const;

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'hedra-test-run-'));
  const saved = VARS.map((name) => [name, process.env[name]] as const);
  for (const name of VARS) process.env[name] = dir;
  project.provide('runTempDir', dir);

  return function teardown() {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const left = readdirSync(dir).sort();
    const listing = left.map((entry) => `  ${entry}${describeEntry(join(dir, entry), dir)}`);
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      throw new Error(
        `The tests left ${left.length} ${left.length === 1 ? 'entry' : 'entries'} in the temporary directory (${dir}, now removed):\n${listing.join('\n')}\n` +
          'Make temporary directories with tempDir() from test/setup/temp.ts (or remove them when the test is done).',
      );
    }
  };
}

/** What a leftover directory holds: its first few files, enough to tell which test made it. */
function describeEntry(path: string, root: string): string {
  let files: string[];
  try {
    files = readdirSync(path, { recursive: true, withFileTypes: true })
      .filter((e) => !e.isDirectory())
      .map((e) => relative(root, join(e.parentPath, e.name)));
  } catch {
    return ''; // a file
  }
  if (files.length === 0) return '/ (empty)';
  const shown = files.sort().slice(0, 5);
  return `/ (${files.length} ${files.length === 1 ? 'file' : 'files'}: ${shown.join(', ')}${files.length > shown.length ? ', …' : ''})`;
}
