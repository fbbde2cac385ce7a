// Creating the work, step by step, for either API: check every input against
// the model before anything is paid (every problem in one round), look for an
// earlier run's work from the same inputs, price the request and guard the
// budget and the balance, store the local files, submit exactly once, then
// follow, download and report (collect.ts). A dry run stops before storing.
import { InputError, SpendingRefused, said } from '../core/errors.js';
import type { Balance, Earlier, Estimate, Plan, Submission } from '../hedra/api.js';
import { withPromptFile } from '../inputs/prompt-file.js';
import type { InputName, Settings } from '../inputs/settings.js';
import { type PlannedFiles, planUploads } from '../media/local-files.js';
import { idOutputs, type Spending, spendingOutputs } from '../report/outputs.js';
import { setOutputs } from '../report/results.js';
import { renderSummary, type SummaryInput } from '../report/summary.js';
import { collect } from './collect.js';
import { type Run, settled } from './context.js';
import { lowBalanceWarning, overBudget, tooLittleBalance } from './guards.js';
import { priceOnly } from './price.js';

type Summary = Omit<SummaryInput, 'items' | 'elapsedMs'>;

export async function create(run: Run): Promise<void> {
  const { api, log, state } = run;
  state.phase = 'checking the request with Hedra';
  const local = await checkedLocally(run);
  // The request is checked against the model first; the balance is read meanwhile (one round trip), unless
  // there is no key, this is a dry run, or the inputs are already known to be wrong.
  const checking = checked(run, local);
  const balanceRead =
    run.hasKey && !run.settings.dryRun && local.problems.length === 0
      ? settled(api.balance(), (error) =>
          log.info(`Could not read what the account can spend (${said(error)}); Hedra checks it when the request is submitted.`),
        )
      : undefined;
  // Kept from going unhandled while the request is checked (a refused key is reported by the check), and
  // awaited when the check fails: no request of the run outlives it.
  balanceRead?.catch(() => undefined);
  const { settings, plan } = await checking.catch(async (error) => {
    await balanceRead?.catch(() => undefined);
    throw error;
  });
  if (run.priceOnly) return priceOnly(run, plan);
  // In a dry run, earlier work only changes what the report says: a look-up that fails is told, like the catalogue
  // read, and the dry run goes on (a real run looks again, and does not create without knowing).
  const earlier = settings.dryRun
    ? await settled(api.earlier(plan), (error) =>
        log.warning(
          `Could not look for an earlier ${api.noun} from the same inputs (${said(error)}); the dry run goes on without it, and a run that pays looks again before submitting.`,
          'Reuse look-up skipped',
        ),
      )
    : await api.earlier(plan);
  let estimate = await api.estimate(plan);
  const spending: Spending = {
    unit: api.unit,
    estimated: earlier ? 0 : estimate.known ? estimate.total.amount : undefined,
    estimateText: estimate.known ? estimate.text : undefined,
    reused: earlier && { createdAt: earlier.createdAt, waited: earlier.action === 'wait' },
  };
  const summary: Summary = { type: plan.type, model: plan.model, resumed: false, uploads: plan.uploads, request: plan.request, spending };
  setOutputs(log, spendingOutputs(spending));
  if (estimate.known || !estimate.afterStoring) {
    log.info(`Estimated cost: ${describe(estimate)}.${earlier ? ` Nothing to pay: an earlier ${api.noun} from the same inputs is used.` : ''}`);
    if (!earlier) guard(run, estimate, await balanceRead);
  }

  if (settings.dryRun) {
    if (!estimate.known && estimate.afterStoring) log.info(`Not estimated: ${estimate.reason}, and a dry run stores none.`);
    const report = api.dryRun(plan, earlier);
    if (report.request !== undefined) setOutputs(log, { request: JSON.stringify(report.request) });
    for (const line of report.lines) log.info(line);
    await log.summary(renderSummary({ ...summary, dryRun: true, items: [], elapsedMs: elapsed(run) }));
    return;
  }
  if (earlier) return useEarlier(run, plan, earlier, summary);

  let stored = plan;
  if (plan.uploads.length > 0) {
    state.phase = 'uploading';
    stored = await api.store(plan);
  }
  summary.request = stored.request;
  setOutputs(log, { request: JSON.stringify(stored.request), 'input-asset-ids': JSON.stringify(stored.inputAssetIds) });
  if (!estimate.known && estimate.afterStoring) {
    // Priced now that Hedra has the files: the figure is for the request as it will be sent.
    estimate = await api.estimate(stored);
    Object.assign(spending, { estimated: estimate.known ? estimate.total.amount : undefined, estimateText: estimate.known ? estimate.text : undefined });
    log.info(`Estimated cost: ${describe(estimate)}.`);
    setOutputs(log, spendingOutputs(spending));
    guard(run, estimate, await balanceRead);
  }

  state.phase = 'creating the generation';
  const submission = await api.submit(stored, state);
  if (submission.request !== undefined) {
    summary.request = submission.request;
    setOutputs(log, { request: JSON.stringify(submission.request) });
  }
  setOutputs(log, idOutputs({ generationIds: submission.ids, assetIds: submission.assetIds }));
  if (submission.reused) {
    // Hedra answered with work another run paid for: this run uses it instead of paying.
    Object.assign(spending, { estimated: 0, reused: submission.reused });
    setOutputs(log, spendingOutputs(spending));
  }
  if (!settings.wait) {
    await log.summary(
      renderSummary({ ...summary, createdOnly: { generationIds: submission.ids, assetIds: submission.assetIds }, items: [], elapsedMs: elapsed(run) }),
    );
    return;
  }
  await collect(run, submission, { summary, spending, request: submission.request ?? stored.request, inputAssetIds: stored.inputAssetIds });
}

/** What can be checked on this machine: the prompt file and the local files, with the problems found reading the inputs. */
async function checkedLocally(run: Run): Promise<{ settings: Settings; files: PlannedFiles; problems: string[] }> {
  const problems = [...run.problems];
  let settings = run.settings;
  try {
    settings = await withPromptFile(settings, run.api.promptInput(settings));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  const files = await planUploads(settings, run.newId);
  problems.push(...files.problems);
  return { settings, files, problems };
}

/**
 * The request, checked against everything that can be checked before paying: what was found on this machine,
 * and the model's rules (the adapter's). Every problem is reported at once; a problem about an input that did
 * not parse, or whose file cannot be used, is said once, where it was found.
 */
async function checked(run: Run, local: Awaited<ReturnType<typeof checkedLocally>>): Promise<{ settings: Settings; plan: Plan }> {
  const { settings, files, problems } = local;
  let plan: Plan;
  try {
    plan = await run.api.prepare({ settings, files, problems });
  } catch (error) {
    if (!(error instanceof InputError) || problems.length === 0) throw error;
    throw InputError.all([...problems, ...aboutParsedInputs(error.problems, [...run.unparsed, ...files.unusable])], 'The inputs have');
  }
  if (problems.length > 0) throw InputError.all(problems, 'The inputs have');
  return { settings, plan };
}

/** The problems that are not about an input that did not parse, or whose file cannot be used (what is wrong with it is said already). */
function aboutParsedInputs(problems: string[], unparsed: InputName[]): string[] {
  return problems.filter((problem) => !unparsed.some((input) => problem.includes(`input "${input}"`) || problem.includes(`Input "${input}"`)));
}

/** `max-credits`, then the balance: either refuses the run before anything is paid (a balance that may top up at submit only warns). */
function guard(run: Run, estimate: Estimate, balance: Balance | undefined): void {
  const { settings, api } = run;
  // Without a key (a dry run), nothing could be priced: the guard has nothing to say.
  if (settings.maxCredits !== undefined && run.hasKey) {
    const refusal = overBudget(estimate, { amount: settings.maxCredits, unit: api.unit });
    if (refusal) throw new SpendingRefused(refusal);
  }
  if (!balance) return;
  const shortfall = tooLittleBalance(estimate, balance);
  if (shortfall) throw new SpendingRefused(shortfall);
  const low = lowBalanceWarning(estimate, balance);
  if (low) run.log.warning(low, 'Balance below the estimate');
}

/** Nothing is stored or submitted: the earlier work is this run's result, at no cost. */
async function useEarlier(run: Run, plan: Plan, earlier: Earlier, summary: Summary): Promise<void> {
  const { api, log, settings, state } = run;
  const { ids } = earlier;
  state.created = ids;
  log.info(
    earlier.action === 'reuse'
      ? `Reusing ${api.noun} ${ids.join(', ')}${earlier.createdAt ? ` (made ${earlier.createdAt})` : ''}: the same inputs were generated before, so nothing is paid again. For a new take, change "seed" or set "reuse: false".`
      : `${api.noun === 'job' ? 'Job' : 'Generation'} ${ids.join(', ')}, from the same inputs, is still running (another run started it): waiting for it instead of paying for another.`,
  );
  setOutputs(log, { request: JSON.stringify(plan.request), 'input-asset-ids': JSON.stringify(plan.inputAssetIds) });
  setOutputs(log, { 'generation-id': ids[0], 'generation-ids': JSON.stringify(ids) });
  const submission: Submission = { ids, assetIds: ids.map(() => ''), refused: [], paidElsewhere: new Set(ids) };
  const spending = summary.spending as Spending;
  if (!settings.wait) {
    spending.charged = 0;
    setOutputs(log, spendingOutputs(spending));
    await log.summary(renderSummary({ ...summary, createdOnly: { generationIds: ids, assetIds: [] }, items: [], elapsedMs: elapsed(run) }));
    return;
  }
  await collect(run, submission, { summary, spending, request: plan.request, inputAssetIds: plan.inputAssetIds });
}

/** The estimate as one phrase: "84 credits (2 × 42: 14/s × 3s (as asked))", "unknown: why". */
function describe(estimate: Estimate): string {
  return estimate.known ? estimate.text : `unknown: ${estimate.reason}`;
}

const elapsed = (run: Run) => run.time.now() - run.startedAt;
