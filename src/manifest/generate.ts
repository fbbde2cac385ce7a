// Generating a manifest's items: the ones named (`item`: a matrix job) or every
// one that needs work, each exactly as a single step (exactly once, reuse,
// waiting, downloading), `parallel` at once on one request budget per key.
// Items that need nothing send nothing. Without `item` (the collect), the
// lock file is written for the whole manifest: what was made, with what was
// already locked and unchanged; items gone from the manifest leave it. Every
// file made gets its provenance.
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { cell } from '../core/outside.js';
import { setOutputs } from '../report/results.js';
import { checkItems, madeByCollect } from './check.js';
import type { Fingerprint } from './fingerprint.js';
import { type ItemRun, runItems, whatWasMade } from './items.js';
import type { Loaded, ManifestContext } from './load.js';
import { type Lock, lockText, writeLock } from './lock.js';
import { itemApi, workspaceRelative } from './manifest-file.js';
import { describeState, needsGeneration, needsWork } from './plan.js';
import { type Made, PREDICATE_TYPE, writeProvenance } from './provenance.js';
import { sharedAcrossItems } from './shared.js';

export async function generateItems(ctx: ManifestContext, loaded: Loaded): Promise<void> {
  const { log, step } = ctx;
  const chosen = step.items ? loaded.items.filter((item) => step.items?.includes(item.name)) : loaded.items;
  const stateOf = (name: string) => loaded.states.get(name) ?? { kind: 'new' as const };
  const todo = chosen.filter((item) => needsWork(stateOf(item.name)));
  for (const item of chosen)
    if (!todo.includes(item)) log.info(`${item.name} is up to date (its inputs and files match ${loaded.lockShown}): nothing is sent for it.`);
  const keyless = todo.filter((item) => step.keys[itemApi(item)] === undefined);
  if (keyless.length > 0) {
    throw InputError.all(
      keyless.map(
        (item) =>
          `items.${item.name}: it is for ${itemApi(item)}, and input "api-key" has no ${itemApi(item)} key (${itemApi(item) === 'v3' ? 'v3 keys are "<key_id>:<secret>"' : 'a v2 key is one string without a colon'}; give one key per line for a manifest that uses both APIs).`,
      ),
      'The inputs have',
    );
  }
  // A matrix job leaves a v3 item with local files to the collect: made here, it would be paid again there.
  const later = step.items ? todo.filter((item) => needsGeneration(stateOf(item.name)) && madeByCollect(loaded.fingerprints.get(item.name))) : [];
  for (const item of later) {
    log.info(
      `${item.name} is left to the collect step (the manifest step without "item"): it is a v3 request with local files, whose job a later step cannot find again (Hedra stores the files under new handles each run), so it is made once, there.`,
    );
  }
  const toRun = todo.filter((item) => !later.includes(item));
  for (const item of toRun) log.info(`${item.name}: ${describeState(stateOf(item.name))}.`);
  const shared = sharedAcrossItems(ctx.time, ctx.cancel, log.debug);
  const itemsCtx = { ...ctx, workspace: loaded.workspace, masked: new Set<string>() };
  // Every item is checked (and priced) before any pays: one item's mistake stops the step, with every problem at once.
  await checkItems(itemsCtx, toRun, { shared, keyed: true, manifestShown: loaded.manifestShown });
  const runs = await runItems(itemsCtx, toRun, { shared, priceOnly: false, limit: step.parallel, failures: 'fail the step' });

  const lock: Lock = new Map([...loaded.lock].filter(([name]) => loaded.items.some((item) => item.name === name)));
  const made: Made[] = [];
  const unrecorded: string[] = [];
  for (const run of runs) {
    if (run.result.code !== 0) continue;
    const what = await whatWasMade(run, loaded.fingerprints.get(run.item.name) as Fingerprint, loaded.workspace);
    if (!what) {
      unrecorded.push(run.item.name);
      continue;
    }
    lock.set(run.item.name, what.locked);
    made.push(...what.made);
  }
  const provenance = await writeProvenance(join(ctx.env.RUNNER_TEMP || ctx.cwd, 'hedra-provenance'), made, ctx.env, log.hideSecrets);
  // One item run alone is a single step: its outputs are the step's (a matrix job's later steps read them so).
  if (runs.length === 1) setOutputs(log, runs[0].record.outputs);
  setOutputs(log, {
    provenance: JSON.stringify(provenance),
    'predicate-path': provenance[0]?.predicate ?? '',
    'predicate-type': PREDICATE_TYPE,
  });
  if (unrecorded.length > 0) {
    log.warning(
      `${unrecorded.join(', ')} ended without every output downloaded into the workspace (download: false, wait: false, or an output that is not a file), so the lock does not record ${unrecorded.length === 1 ? 'it' : 'them'}.`,
      'Not in the lock',
    );
  }
  if (!step.items) {
    await writeLock(loaded.lockPath, log.hideSecrets(lockText(lock)));
    setOutputs(log, { 'lock-file': loaded.lockShown });
    log.info(`Wrote ${loaded.lockShown} (${lock.size} item${lock.size === 1 ? '' : 's'}): commit it with the media.`);
  }
  await log.summary(summaryOf(loaded, chosen.length, runs) + (runs.length === 1 ? `\n${runs[0].record.summary}` : ''));
  const failed = runs.filter((run) => run.result.code !== 0).map((run) => run.item.name);
  if (failed.length > 0) {
    log.fail(
      `${failed.length} of ${runs.length} items failed: ${failed.join(', ')}. What each made on Hedra's side and how to pick it up is said above; a re-run of this step reuses it, at no second charge.`,
      'Items failed',
    );
  }
}

function summaryOf(loaded: Loaded, chosen: number, runs: ItemRun[]): string {
  const rows = runs.map((run) => {
    const ids = run.record.outputs['generation-ids'] ? (JSON.parse(run.record.outputs['generation-ids']) as string[]).join(', ') : '';
    const result = run.result.code === 0 ? (run.record.outputs.reused === 'true' ? 'reused (no charge)' : 'made') : 'failed';
    const paths = run.record.outputs.paths
      ? (JSON.parse(run.record.outputs.paths) as string[])
          .filter(Boolean)
          .map((path) => workspaceRelative(loaded.workspace, path))
          .join(', ')
      : '';
    return `| \`${run.item.name}\` | ${result} | ${cell(ids)} | ${cell(run.record.outputs.credits ?? '–')} | ${cell(paths) || '–'} |`;
  });
  return [
    `### ${cell(loaded.manifestShown)}`,
    '',
    `${runs.length} of ${chosen} item${chosen === 1 ? '' : 's'} needed work.`,
    '',
    ...(runs.length > 0 ? ['| item | result | ids | cost | files |', '|---|---|---|---|---|', ...rows, ''] : []),
  ].join('\n');
}
