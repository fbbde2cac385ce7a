// Every item checked as a single step's inputs are, before anything is paid:
// each item's run stops once its request is checked (and priced, with a key),
// and every problem of every item comes back at once, named by item and input
// as the manifest writes them (`items.intro.aspect-ratio: …`). A plan is this
// check; a generate step makes it first, so that one item's mistake stops the
// step before any item pays.
import { InputError } from '../core/errors.js';
import type { Fingerprint } from './fingerprint.js';
import { type ItemRun, type ItemsContext, runItems } from './items.js';
import type { ManifestItem } from './manifest-file.js';
import type { SharedAcrossItems } from './shared.js';

/** How many items are checked at once without a key (no request: only files are read). */
const LOCAL_CHECKS = 16;

/** An item's problem, named by item and input: `items.intro.aspect-ratio: …`. */
export function namedProblem(item: string, problem: string): string {
  const input = /\b[Ii]nputs? "([a-z-]+)"/.exec(problem)?.[1];
  return `items.${item}${input ? `.${input}` : ''}: ${problem}`;
}

/** Every problem of an item's check, named; none when it passed. */
function itemProblems(run: ItemRun): string[] {
  if (run.result.code === 0) return [];
  const { error } = run.result;
  const problems = error instanceof InputError ? error.problems : run.record.failures;
  return problems.map((problem) => namedProblem(run.item.name, problem));
}

/** Checks (and with a key prices) `items`; throws one InputError with every problem of every item. */
export async function checkItems(
  ctx: ItemsContext,
  items: ManifestItem[],
  options: { shared: SharedAcrossItems; keyed: boolean; manifestShown: string },
): Promise<ItemRun[]> {
  const runs = await runItems(ctx, items, {
    shared: options.shared,
    priceOnly: true,
    limit: options.keyed ? ctx.step.parallel : LOCAL_CHECKS,
    failures: 'keep',
    quiet: true,
  });
  const problems = runs.flatMap(itemProblems);
  if (problems.length > 0) throw InputError.all(problems, `The manifest ${options.manifestShown} has`);
  return runs;
}

/**
 * A v3 item that sends local files: Hedra stores them under new handles on every run, so a later step cannot find
 * the job a matrix job made (reuse covers v3 requests without local files). Such an item is made once, by the
 * collect, rather than paid for twice.
 */
export function madeByCollect(print: Fingerprint | undefined): boolean {
  if (print?.api !== 'v3') return false;
  return Object.entries(print.inputs).some(([input, value]) => input !== 'prompt-file' && [value].flat().some((entry) => typeof entry === 'object'));
}
