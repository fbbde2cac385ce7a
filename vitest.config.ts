import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // A temporary directory for the run, which must be empty at the end: the tests leave nothing behind.
    globalSetup: ['test/setup/tmpdir.ts'],
  },
});
