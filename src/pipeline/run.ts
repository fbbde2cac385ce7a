// The run of one step, the same for both APIs: pick up work that exists
// (`generation-id`), or create it (create.ts), then follow, download and
// report it (collect.ts). Everything an API does differently is its adapter's
// (src/hedra/api.ts is the contract); everything the user reads about the run
// is said here, once.
import { InputError } from '../core/errors.js';
import { unusedWhenResuming } from '../inputs/read.js';
import { inputAssetIds } from '../media/local-files.js';
import { setOutputs } from '../report/results.js';
import { collect } from './collect.js';
import type { Run } from './context.js';
import { create } from './create.js';

export async function runPipeline(run: Run): Promise<void> {
  if (run.settings.resumeIds) await resume(run, run.settings.resumeIds);
  else await create(run);
}

/** `generation-id` given: nothing is created; the work that exists is followed, downloaded and reported. */
async function resume(run: Run, ids: string[]): Promise<void> {
  const { api, log, settings, state } = run;
  if (run.problems.length > 0) throw InputError.all(run.problems, 'The inputs have');
  const unknown = await api.unknownIds(ids);
  if (unknown.length > 0) {
    throw new InputError(
      `Input "generation-id": Hedra has no ${api.noun} ${unknown.join(', ')} for this API key. Check the id (a later job gets it through job outputs), and that the key is of the same workspace.`,
    );
  }
  state.created = ids;
  const unused = unusedWhenResuming(settings);
  if (unused.length > 0) log.warning(`Input "generation-id" is set, so nothing is created and these inputs are not used: ${unused.join(', ')}.`);
  log.info(`Resuming ${api.noun} ${ids.join(', ')}.`);
  setOutputs(log, { 'generation-id': ids[0], 'generation-ids': JSON.stringify(ids) });
  await collect(
    run,
    { ids, assetIds: ids.map(() => ''), refused: [], paidElsewhere: new Set() },
    { summary: { resumed: true, uploads: [] }, spending: { unit: api.unit }, inputAssetIds: inputAssetIds(settings) },
  );
}
