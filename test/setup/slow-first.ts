// The order in which Vitest hands test files to its workers: the longest first, so that no long file
// starts late and runs on alone at the end. After a run, Vitest's own record of each file's duration
// (in node_modules/.vite) orders them so. A clean clone has no such record, and Vitest then runs the
// largest files first, which put the short files of the longest runs last (the fault matrices,
// whose cases wait for retry windows and stall watchdogs in real time; the build of dist/; the
// end-to-end files): on the 2-core machine a clean clone's run took 153 s against 131 s in the
// right order. So a file without a recorded duration takes the one committed in
// file-durations.json (a run's record, written by scripts/test-durations.ts), and a file new since
// then the duration of its kind.
import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Each file's duration in milliseconds, from a run on the 2-core machine. */
const COMMITTED: Record<string, number> = JSON.parse(readFileSync(new URL('./file-durations.json', import.meta.url), 'utf8'));

/** What a file of each slow kind takes, for a file new since the committed durations; paths from the repository's root. */
const KIND_MS: [RegExp, number][] = [
  [/^test\/in-process\/faults\//, 20_000],
  [/^test\/dist\.test\.ts$/, 20_000],
  [/^test\/e2e\//, 8_000],
];

export default class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    if (files.every((file) => this.ctx.cache.getTestSpecificationResult(file))) return sorted;
    const expected = (file: TestSpecification) => {
      const recorded = this.ctx.cache.getTestSpecificationResult(file)?.duration;
      if (recorded !== undefined) return recorded;
      const path = file.moduleId.slice(this.ctx.config.root.length + 1);
      return COMMITTED[path] ?? KIND_MS.find(([pattern]) => pattern.test(path))?.[1] ?? 0;
    };
    // Array.prototype.sort is stable: files of equal expectation keep Vitest's order.
    return sorted.sort((a, b) => expected(b) - expected(a));
  }
}
