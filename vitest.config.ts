import { defineConfig } from 'vitest/config';
import SlowFirst from './test/setup/slow-first.ts';

// A test file runs in a worker that has already loaded the sources, the test servers and their
// compiled OpenAPI validators for an earlier file (`isolate: false`): loading them again for each of
// ~100 files cost 40 % of the suite's CPU time. Nothing of ours keeps state between runs (each run
// gets its toolkit, servers and temporary directories from the test), so sharing the modules is safe.
// A file that replaces a module (`vi.mock`) must not share them: name it `*.isolated.test.ts`.
// Three workers on two cores: the end-to-end files spend most of their time waiting for the bundle's
// child processes, whose CPU is not the worker's.
const ISOLATED = 'test/**/*.isolated.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    maxWorkers: 3,
    // Which files go first when no earlier run recorded how long each takes (a clean clone): test/setup/slow-first.ts.
    sequence: { sequencer: SlowFirst },
    // A temporary directory for the run, which must be empty at the end: the tests leave nothing behind.
    globalSetup: ['test/setup/tmpdir.ts'],
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: [ISOLATED], isolate: false } },
      { extends: true, test: { name: 'isolated', include: [ISOLATED], isolate: true } },
    ],
  },
});
