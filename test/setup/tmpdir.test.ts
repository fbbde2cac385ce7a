// The run's temporary directory (test/setup/tmpdir.ts) is what tests and the
// processes they start see as the temporary directory.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { expect, inject, it } from 'vitest';

it("os.tmpdir() is the run's own directory, in tests and in processes they start", () => {
  const dir = inject('runTempDir');
  expect(dir).toMatch(/hedra-test-run-/);
  expect(tmpdir()).toBe(dir);
  expect(execFileSync(process.execPath, ['-p', 'require("node:os").tmpdir()'], { encoding: 'utf8' }).trim()).toBe(dir);
});
