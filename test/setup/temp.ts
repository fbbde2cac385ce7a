// Temporary directories that remove themselves, so that a test run leaves
// nothing behind (test/setup/tmpdir.ts fails the run if anything is left).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished, TestRunner } from 'vitest';

/**
 * A fresh directory under os.tmpdir(), named `<prefix>XXXXXX`, removed with
 * everything in it once it is no longer needed:
 * - made inside a test: when that test has finished (its assertions done, passed or failed);
 * - made while a file is collected (module scope, or a describe body): after that file or describe.
 * Hooks cannot schedule a removal: make the directory in the describe body and fill it in the hook.
 */
export function tempDir(prefix: string): string {
  const inTest = TestRunner.getCurrentTest() !== undefined;
  // Once the file runs, afterAll() registers nothing that would still run.
  if (!inTest && TestRunner.getCurrentSuite().file?.result) {
    throw new Error(`tempDir('${prefix}') in a hook: call it in the test, or in the describe body (it is then removed after the describe)`);
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  if (inTest) onTestFinished(remove);
  else afterAll(remove);
  return dir;
}
