// A step on a manifest of many generations (`manifest`), as the story of its
// three uses:
//   - plan: every item checked as a single step's inputs are (and priced, with
//     a key), compared with the lock and the files on disk; the matrix of the
//     items that need work. No key needed, no request without one.
//   - verify: every output on disk matches the lock. No key, no request.
//   - generate: the items named (`item`, a matrix job) or every item that needs
//     work, each exactly as a single step, a few at once on one request budget
//     per key; then, for the whole manifest, the lock file and provenance.
// Items that need nothing send nothing. Whatever fails, every problem of every
// item is reported at once, named by item and input.
import { InputError, SpendingRefused } from '../core/errors.js';
import { failureMessage } from '../report/failures.js';
import { generateItems } from './generate.js';
import { load, type ManifestContext } from './load.js';
import { planItems, verifyOutputs } from './plan-step.js';

/** Runs the step on the manifest; resolves to the exit code. */
export async function runManifest(ctx: ManifestContext): Promise<number> {
  const { log } = ctx;
  try {
    const loaded = await load(ctx);
    if (ctx.step.mode === 'verify') await verifyOutputs(ctx, loaded);
    else if (ctx.step.mode === 'plan') await planItems(ctx, loaded);
    else await generateItems(ctx, loaded);
  } catch (error) {
    const title = error instanceof InputError ? 'Invalid input' : error instanceof SpendingRefused ? 'Not paid for' : 'Manifest failed';
    log.fail(failureMessage(error, { phase: 'reading inputs' }), title);
  }
  return log.failed() ? 1 : 0;
}
