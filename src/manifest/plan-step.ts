// The two steps on a manifest that pay nothing: plan (what each item needs,
// every item checked as a single step's inputs are, priced with a key, and the
// matrix of the items that need work) and verify (the files on disk against
// the lock). Without a key neither sends a request.
import { InputError, SpendingRefused } from '../core/errors.js';
import { cell } from '../core/outside.js';
import { read } from '../inputs/raw.js';
import { formatCost } from '../report/outputs.js';
import { setOutputs } from '../report/results.js';
import { checkItems, madeByCollect } from './check.js';
import type { ItemRun } from './items.js';
import type { Loaded, ManifestContext } from './load.js';
import { itemApi } from './manifest-file.js';
import { checkOutputs, describeState, type ItemState, matrixFor, needsGeneration, needsWork } from './plan.js';
import { sharedAcrossItems } from './shared.js';

/** The unit of an item's estimate, by its API: credits on v2, US dollars on v3. */
const unitOf = (run: ItemRun) => (itemApi(run.item) === 'v3' ? 'USD' : 'credits');

/** `max-credits` against each unit's total of the items to be paid for: fails closed on an item that cannot be priced. */
function guardTotals(budgetText: string, toPay: ItemRun[], totals: Map<string, number>): void {
  if (budgetText === '') return;
  if (!/^\$?(\d+(\.\d+)?|\.\d+)$/.test(budgetText))
    throw new InputError(`Input "max-credits" must be a number (credits on v2, US dollars on v3), got "${budgetText}".`);
  const budget = Number(budgetText.replace('$', ''));
  const unpriced = toPay.filter((run) => run.record.outputs['estimated-credits'] === '' || run.record.outputs['estimated-credits'] === undefined);
  if (unpriced.length > 0) {
    throw new SpendingRefused(
      `Input "max-credits" is ${budgetText}, but ${unpriced.map((run) => run.item.name).join(', ')} cannot be priced before paying (see the log): the guard fails closed. Give the step a key for every API the items use, or leave "max-credits" out.`,
    );
  }
  for (const [unit, total] of totals) {
    if (total > budget) {
      throw new SpendingRefused(
        `The items to generate are estimated at ${formatCost(total, unit)} in all, over "max-credits" (${formatCost(budget, unit)}). Nothing was generated; raise the limit or generate fewer items (input "item").`,
      );
    }
  }
}

export async function planItems(ctx: ManifestContext, loaded: Loaded): Promise<void> {
  const { log, step } = ctx;
  const priced = Object.keys(step.keys).length > 0;
  const shared = sharedAcrossItems(ctx.time, ctx.cancel, log.debug);
  const runs = await checkItems({ ...ctx, workspace: loaded.workspace, masked: new Set<string>() }, loaded.items, {
    shared,
    keyed: priced,
    manifestShown: loaded.manifestShown,
  });
  const stateOf = (run: ItemRun) => loaded.states.get(run.item.name) ?? { kind: 'new' as const };
  const work = runs.filter((run) => needsWork(stateOf(run)));
  const toPay = work.filter((run) => needsGeneration(stateOf(run)));
  const totals = new Map<string, number>();
  for (const run of toPay) {
    const estimate = Number(run.record.outputs['estimated-credits']);
    if (run.record.outputs['estimated-credits'] && Number.isFinite(estimate)) totals.set(unitOf(run), (totals.get(unitOf(run)) ?? 0) + estimate);
  }
  const matrix = matrixFor(work.map((run) => run.item.name));
  const note = (run: ItemRun) => `${describeState(stateOf(run))}${costText(run, stateOf(run), priced)}${collectNote(run, loaded, stateOf(run))}`;
  for (const run of runs) log.info(`${run.item.name}: ${note(run)}.`);
  const total = [...totals].map(([unit, amount]) => formatCost(amount, unit)).join(' + ');
  log.info(
    work.length === 0
      ? `Every item of ${loaded.manifestShown} is up to date: nothing to generate.`
      : `${work.length} of ${runs.length} items need work${priced ? `, estimated at ${total || 'nothing'} in all` : ''}; the matrix has ${matrix.include.length} entr${matrix.include.length === 1 ? 'y' : 'ies'}.`,
  );
  await log.summary(
    [
      `### Plan of ${cell(loaded.manifestShown)}`,
      '',
      `${work.length} of ${runs.length} items need work${priced ? `; estimated cost ${total || 'nothing'}` : ' (give the step a key to price them)'}.`,
      '',
      '| item | API | needs |',
      '|---|---|---|',
      ...runs.map((run) => `| \`${run.item.name}\` | ${itemApi(run.item)} | ${cell(note(run))} |`),
      '',
    ].join('\n'),
  );
  // The table is written first: a refusal is read beside what each item would cost.
  // Without a key nothing can be priced, as in a single step's dry run: the guard has nothing to say.
  if (priced) guardTotals(read(ctx.toolkit, ctx.env, 'max-credits'), toPay, totals);
  setOutputs(log, { matrix: JSON.stringify(matrix), work: String(work.length) });
}

/** ", 12 credits" for an item to be paid for; what putting an existing output back costs. */
function costText(run: ItemRun, state: ItemState, priced: boolean): string {
  if (!needsWork(state)) return '';
  if (!needsGeneration(state)) {
    return itemApi(run.item) === 'v3'
      ? ", no charge while Hedra keeps the job's output (48 h on v3); after that it is made again and paid"
      : ', no charge (the generation exists: it is downloaded again)';
  }
  if (!priced) return '';
  const estimate = run.record.outputs['estimated-credits'];
  return estimate ? `, ${formatCost(Number(estimate), unitOf(run))}` : ', cost unknown before paying';
}

/** Said of a v3 item with local files: its matrix job leaves it to the collect, which makes it once. */
function collectNote(run: ItemRun, loaded: Loaded, state: ItemState): string {
  return needsGeneration(state) && madeByCollect(loaded.fingerprints.get(run.item.name))
    ? ' (made by the collect step: a v3 request with local files cannot be found again by a later step, so its matrix job leaves it)'
    : '';
}

export async function verifyOutputs(ctx: ManifestContext, loaded: Loaded): Promise<void> {
  const { log } = ctx;
  const problems: string[] = [];
  let checked = 0;
  for (const [name, locked] of [...loaded.lock].sort(([a], [b]) => a.localeCompare(b))) {
    for (const output of await checkOutputs(loaded.workspace, locked.outputs)) {
      checked++;
      if (output.found === 'missing') problems.push(`${output.path} (items.${name}) is missing.`);
      if (output.found === 'modified') problems.push(`${output.path} (items.${name}) was changed: its SHA-256 is not the lock's.`);
    }
  }
  for (const item of loaded.items) {
    const state = loaded.states.get(item.name);
    if (state && needsGeneration(state))
      log.info(`${item.name} is ${describeState(state)} since the lock was written: a plan lists it, and the next generate step makes it.`);
  }
  if (problems.length > 0) {
    log.fail(
      `${problems.length} of ${checked} files do not match ${loaded.lockShown}:\n- ${problems.join('\n- ')}\nRestore them from git (git checkout -- <file>), or run the manifest step without "verify" to download them again (no charge while Hedra keeps the generation's output; on v3, 48 h).`,
      'Files differ from the lock',
    );
    return;
  }
  log.info(`All ${checked} files of ${loaded.lockShown} match it.`);
}
