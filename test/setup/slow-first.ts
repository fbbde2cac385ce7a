// The order in which Vitest hands test files to its workers. After a run, Vitest's own order is the
// right one: the longest file (by its duration in node_modules/.vite) first, so that no long file
// starts late and runs on alone at the end. A clean clone has no such record, and Vitest then runs
// the largest files first, which puts the short files of the longest runs last: the fault matrices
// (small files whose cases each wait for a retry window or the stall watchdog in real time), the
// build of dist/ and the end-to-end files (child processes). On a clean clone those went out among
// the last and ran on alone for the final 40 % of the run; so files without a recorded duration
// start by the kind of file they are, slowest kind first, and by size within a kind.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The kinds of file that take longest, slowest first; paths from the repository's root. */
const SLOW_KINDS = [/^test\/in-process\/faults\//, /^test\/dist\.test\.ts$/, /^test\/e2e\//];

export default class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    if (files.every((file) => this.ctx.cache.getTestSpecificationResult(file))) return sorted;
    const rank = (file: TestSpecification) => {
      const path = file.moduleId.slice(this.ctx.config.root.length + 1);
      const kind = SLOW_KINDS.findIndex((pattern) => pattern.test(path));
      return kind < 0 ? SLOW_KINDS.length : kind;
    };
    // Array.prototype.sort is stable: within a rank, Vitest's order (isolated files first, then by size) stays.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
