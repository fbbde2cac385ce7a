// The tests Stryker runs against each mutant (npm run mutate, stryker.config.mjs):
// the fast in-process unit tests only. Not the in-process server tests, the
// e2e tests (they spawn the bundle, which Stryker does not mutate) nor the
// check of dist/. Stryker runs Vitest in related mode: of these, only the test
// files that import a mutated module run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Stryker loads this config in each of its workers (STRYKER_MUTATOR_WORKER set),
// with the working directory in its sandbox (.stryker-tmp/sandbox-…), which it
// removes at the end. Temporary files go there too, so that a run leaves nothing
// in /tmp, even when Stryker kills a worker (a mutant that loops forever) before
// its tests have cleaned up. Run by hand, the config leaves TMPDIR alone.
if (process.env.STRYKER_MUTATOR_WORKER !== undefined) {
  const tmp = join(process.cwd(), '.tmp');
  mkdirSync(tmp, { recursive: true });
  for (const name of ['TMPDIR', 'TEMP', 'TMP']) process.env[name] = tmp;
}

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
    // As in vitest.config.ts: the run gets a temporary directory of its own, which must be empty at the end.
    globalSetup: ['test/setup/tmpdir.ts'],
  },
});
