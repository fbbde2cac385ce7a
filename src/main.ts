// The run, step by step: mask the key, read the inputs, check local files,
// build and validate the request, upload, create the generation (or pick up
// an existing one), wait, download, report. Every failure ends here, once.
// The collaborators (the toolkit, fetch, time, the environment) come in
// as parameters of runWith(): run() passes the real ones, tests their own.
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import { createLog, type Log } from './action/log.js';
import { abortOnSignals, createRunControl, realTime, type Time } from './action/run-control.js';
import type { Env, Toolkit } from './action/toolkit.js';
import { untrustedTriggerWarning } from './action/trust.js';
import { overBudget, tooLittleBalance } from './credits/budget.js';
import { describeEstimate, estimateCredits } from './credits/estimate.js';
import { assetIdFor, canonicalJson, decideReuse, generationIdsFor, SLOTS, sha256 } from './credits/reuse.js';
import { Cancelled, DeadlineReached, GenerationFailed, InputError, isExpected, SpendingRefused, said, settled } from './errors.js';
import { fileSha256, inputAssetIds, localMedia, planUploads, type Upload, uploadAll, withAssetIds } from './hedra/assets.js';
import { type Model, modelLabel } from './hedra/catalogue.js';
import { HedraClient, type ListedGeneration } from './hedra/client.js';
import { downloadQueue, type ItemResult } from './hedra/download.js';
import { WaitTimeout, waitForGenerations } from './hedra/wait.js';
import { type Fetcher, fetcherFor } from './http/fetch.js';
import { Transport } from './http/transport.js';
import { withPromptFile } from './inputs/prompt-file.js';
import { readApiKey, readInputs, type Settings, unusedWhenResuming } from './inputs/read-inputs.js';
import { failedItemsMessage, failureMessage, type RunState, waitTimeoutMessage } from './report/failures.js';
import { checkGitHubInputs } from './report/github.js';
import { createdIds, type GenerationIds, idOutputs, type Spending, spendingOutputs } from './report/outputs.js';
import { reportResults, setOutputs } from './report/results.js';
import { renderSummary, type SummaryInput } from './report/summary.js';
import { buildRequest, itemsRequested, modelIdWarning, modelOf, withGenerationIds } from './request/build.js';
import { checkAgainstModel, chooseModel, modelFields, problemsWithoutCatalogue, suppliedByRequest } from './request/model-rules.js';

const USER_AGENT = 'hedra-generate-action/1';

const MISSING_KEY =
  'No Hedra API key: set input "api-key" (api-key: ${{ secrets.HEDRA_API_KEY }}) or the HEDRA_API_KEY environment variable. ' +
  'If the secret exists, note that workflows triggered from forks and by Dependabot are not given repository secrets.';

interface RunDependencies {
  toolkit: Toolkit;
  env: Env;
  /** Where relative paths are resolved when GITHUB_WORKSPACE is not set. */
  cwd: string;
  fetcher: Fetcher;
  /** The clock and the way of waiting: the wall clock for the runner, a faster one in tests. */
  time: Time;
  /** Aborted when the runner cancels the step. */
  cancel: AbortSignal;
  /** Generation and asset ids the action reserves. */
  newId: () => string;
}

/** What every step of one run shares. */
interface Run {
  deps: RunDependencies;
  log: Log;
  settings: Settings;
  state: RunState;
  startedAt: number;
  /** The HTTP transport, made on first use (a dry run without a key makes none). */
  transport: () => Transport;
  /** Hedra's client over that transport, made on first use. */
  hedra: () => HedraClient;
  /** Without a key (a dry run) nothing is asked of Hedra. */
  apiKey?: string;
}

/**
 * The action as the runner starts it (index.ts), or a harness such as
 * @github/local-action: the real collaborators, and the exit code set.
 */
export async function run(): Promise<void> {
  const cancel = new AbortController();
  abortOnSignals(cancel);
  process.exitCode = await runWith({
    toolkit: core,
    env: process.env,
    cwd: process.cwd(),
    fetcher: fetcherFor(process.env),
    time: realTime,
    cancel: cancel.signal,
    newId: randomUUID,
  });
}

/** Runs the action with the collaborators given; resolves to the exit code. */
export async function runWith(deps: RunDependencies): Promise<number> {
  const { toolkit, env, time } = deps;
  const clock = time.now;
  const startedAt = clock();
  const log = createLog(toolkit, env);
  const apiKey = readApiKey(toolkit, env);
  if (apiKey) log.addSecret(apiKey);
  const state: RunState = { phase: 'reading inputs' };
  let transport: Transport | undefined;
  let disposeControl: (() => void) | undefined;
  try {
    const settings = await readInputs(toolkit, env, deps.cwd);
    if (!apiKey && !settings.dryRun) throw new InputError(MISSING_KEY);
    if (settings.githubToken) log.addSecret(settings.githubToken);
    const warning = await untrustedTriggerWarning(env);
    if (warning) log.warning(warning, 'Untrusted trigger');
    await checkGitHubInputs(settings, env);
    const control = createRunControl(startedAt, settings.timeoutMs, deps.cancel, time);
    disposeControl = control.dispose;
    const connect = () =>
      (transport ??= new Transport({
        baseUrl: settings.baseUrl,
        apiKey: apiKey ?? '',
        keyScheme: settings.api === 'v3' ? 'authorization-key' : 'x-api-key',
        userAgent: USER_AGENT,
        control,
        timeoutMs: settings.timeoutMs,
        fetcher: deps.fetcher,
        clock,
        debug: log.debug,
      }));
    let client: HedraClient | undefined;
    const hedra = () => (client ??= new HedraClient(connect(), log, clock));
    const current: Run = { deps, log, settings, state, startedAt, transport: connect, hedra, apiKey };
    if (settings.api === 'v3') {
      // Loaded only by v3 runs (ncc makes it a chunk of its own), so that v2 runs start as fast as before.
      const { runV3 } = await import('./run/v3.js');
      await runV3({ log, settings, state, env, clock, newId: deps.newId, startedAt, transport: connect, apiKey });
    } else if (settings.resumeIds) await pickUp(current, settings.resumeIds);
    else await create(current);
  } catch (error) {
    // A generation that may exist is named in the outputs too, so a later step can pick it up.
    if (!state.created && state.attempted && state.outcomeUnknown) {
      setOutputs(log, { 'generation-id': state.attempted[0], 'generation-ids': JSON.stringify(state.attempted) });
    }
    log.fail(
      failureMessage(error, state),
      error instanceof InputError ? 'Invalid input' : error instanceof SpendingRefused ? 'Not paid for' : 'Hedra generation failed',
    );
    if (!isExpected(error) && error instanceof Error) log.debug(error.stack ?? String(error));
  } finally {
    disposeControl?.();
    await transport?.close();
  }
  return log.failed() ? 1 : 0;
}

/** `generation-id` given: create nothing, pick up what exists. */
async function pickUp(current: Run, ids: string[]): Promise<void> {
  const { log, settings, state } = current;
  // Asked by the documented list filter: the status endpoint's answer for an unknown id is undocumented.
  const known = new Set((await current.hedra().list(ids)).map((status) => status.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new InputError(
      `Input "generation-id": Hedra has no generation ${unknown.join(', ')} for this API key. Check the id (a later job gets it through job outputs), and that the key is of the same workspace.`,
    );
  }
  state.created = ids;
  const unused = unusedWhenResuming(settings);
  if (unused.length > 0) log.warning(`Input "generation-id" is set, so nothing is created and these inputs are not used: ${unused.join(', ')}.`);
  log.info(`Resuming generation ${ids.join(', ')}.`);
  setOutputs(log, { 'generation-id': ids[0], 'generation-ids': JSON.stringify(ids) });
  await collect(current, { generationIds: ids, assetIds: [], failedAtCreation: [] }, { summary: { resumed: true, uploads: [] }, spending: {}, charged: true });
}

async function create(current: Run): Promise<void> {
  const { log, state, deps, apiKey } = current;
  const client = apiKey ? current.hedra() : undefined;
  // Every local file is checked, and reserved an asset id, before anything is sent.
  let { settings, uploads } = await planUploads(await withPromptFile(current.settings), deps.newId);
  state.phase = 'checking the request with Hedra';
  // With reuse, ids come from the content and the key (credits/reuse.ts); without it (or a key), they stay random.
  const derive = settings.reuse && apiKey ? apiKey : undefined;
  // The reads that need no hashing start now, so that hashing the files overlaps them.
  const catalogueRead = client
    ? settled(client.models(), (error) =>
        log.warning(`Could not read Hedra's model catalogue (${said(error)}); the request is checked against the API schema only.`, 'Model checks skipped'),
      )
    : undefined;
  const balanceRead =
    client && !settings.dryRun
      ? settled(client.balance(), (error) => log.info(`Could not read the credit balance (${said(error)}); Hedra checks it when creating.`))
      : undefined;
  // Keep a rejection (a refused key) from going unhandled while the files are hashed.
  catalogueRead?.catch(() => undefined);
  balanceRead?.catch(() => undefined);
  if (derive) ({ settings, uploads } = await contentAssetIds(derive, settings, uploads));
  const slots = derive ? reuseSlots(derive, settings) : undefined;
  const lookup = slots && client ? client.list(slots.flat()) : undefined;
  // Only saves uploads: when it cannot be asked, the files are uploaded (to the same derived ids).
  const assetsLookup =
    derive && client
      ? settled(uploadsPresent(client, uploads), (error) => log.info(`Could not ask Hedra which files it already has (${said(error)}); uploading them.`))
      : undefined;
  lookup?.catch(() => undefined);
  assetsLookup?.catch(() => undefined);
  // All four are in flight together; awaited in this order, so a refused key is reported for the catalogue, as before.
  const catalogue = await catalogueRead;
  const balance = await balanceRead;
  const found = await lookup;
  const present = await assetsLookup;
  if (!apiKey) log.info("No API key: the checks against Hedra's model catalogue were skipped (only the request schema was checked).");
  for (const upload of uploads) upload.present = present?.has(upload.assetId.toLowerCase());

  const model = await checkModel(settings, uploads, catalogue);
  let { body, generationIds } = buildReporting(model.problems, () => buildRequest(settings, deps.newId, model.fields), settings.type);
  const warning = modelIdWarning(settings.model, body);
  if (warning) log.warning(warning, 'Deprecated by the API');

  const decision = slots && found ? decideReuse(slots, new Map(found.map((f) => [f.id, f])), body) : undefined;
  for (const note of decision?.notes ?? []) log.info(note);
  if (decision && decision.action !== 'fresh') {
    generationIds = decision.ids;
    body = withGenerationIds(body, generationIds);
  }
  const estimate = estimateCredits(model.chosen, body);
  const reused = decision?.action === 'reuse' || decision?.action === 'wait' ? decision : undefined;
  const spending: Spending = {
    estimated: reused ? 0 : estimate.known ? estimate.credits : undefined,
    estimateText: estimate.known ? describeEstimate(estimate) : undefined,
    reused: reused && { createdAt: reused.action === 'reuse' ? reused.createdAt : undefined, waited: reused.action === 'wait' },
  };
  log.info(`Estimated cost: ${describeEstimate(estimate)}.${reused ? ' Nothing to pay: an earlier generation from the same inputs is used.' : ''}`);
  setOutputs(log, spendingOutputs(spending));
  const summary = { type: settings.type, model: model.label ?? modelOf(body), resumed: false, uploads, request: body, spending };

  // The guards on spending, before anything is uploaded or created (a reused generation costs nothing).
  if (!reused && settings.maxCredits !== undefined && (apiKey || !settings.dryRun)) {
    const refusal = overBudget(estimate, settings.maxCredits);
    if (refusal) throw new SpendingRefused(refusal);
  }
  const shortfall = !reused && balance ? tooLittleBalance(estimate, balance) : undefined;
  if (shortfall) throw new SpendingRefused(shortfall);

  if (settings.dryRun) {
    setOutputs(log, { request: JSON.stringify(body) });
    if (reused) log.info(`Would ${reused.action === 'reuse' ? 'reuse' : 'wait for'} generation ${reused.ids.join(', ')}, made earlier from the same inputs.`);
    for (const u of uploads) log.info(`Would ${u.present ? 'reuse the uploaded' : 'upload'} ${u.written} (${u.inputs.join(', ')}) as asset ${u.assetId}.`);
    log.info(`Dry run: the ${settings.type} request is valid; nothing was sent.\n${JSON.stringify(body, null, 2)}`);
    await log.summary(renderSummary({ ...summary, dryRun: true, items: [], elapsedMs: deps.time.now() - current.startedAt }));
    return;
  }
  if (!client) throw new InputError(MISSING_KEY);

  if (reused) {
    // Nothing is uploaded or created: the earlier generation is this run's result.
    const ids = reused.ids;
    state.created = ids;
    log.info(
      reused.action === 'reuse'
        ? `Reusing generation ${ids.join(', ')}${reused.createdAt ? ` (made ${reused.createdAt})` : ''}: the same inputs were generated before, so nothing is paid again. For a new take, change "seed" or set "reuse: false".`
        : `Generation ${ids.join(', ')}, from the same inputs, is still running (another run started it): waiting for it instead of paying for another.`,
    );
    setOutputs(log, { request: JSON.stringify(body), 'input-asset-ids': JSON.stringify(inputAssetIds(settings)) });
    setOutputs(log, { 'generation-id': ids[0], 'generation-ids': JSON.stringify(ids) });
    if (!settings.wait) {
      spending.charged = 0;
      setOutputs(log, spendingOutputs(spending));
      await log.summary(
        renderSummary({ ...summary, createdOnly: { generationIds: ids, assetIds: [] }, items: [], elapsedMs: deps.time.now() - current.startedAt }),
      );
      return;
    }
    await collect(current, { generationIds: ids, assetIds: [], failedAtCreation: [] }, { summary, request: body, spending, charged: false });
    return;
  }

  if (uploads.length > 0) {
    state.phase = 'uploading';
    const renamed = await log.group(`Uploading ${uploads.length} file${uploads.length > 1 ? 's' : ''}`, () =>
      uploadAll(client, uploads, settings.workspace, log, deps.time.now),
    );
    // Hedra may answer with asset ids of its own: the request names those.
    body = withAssetIds(body, renamed);
    settings = withAssetIds(settings, renamed);
    summary.request = body;
  }
  setOutputs(log, { request: JSON.stringify(body), 'input-asset-ids': JSON.stringify(inputAssetIds(settings)) });

  state.phase = 'creating the generation';
  state.attempted = generationIds;
  const created = await client.createGeneration(body, generationIds, () => {
    state.outcomeUnknown = true;
  });
  const ids = createdIds(generationIds, created);
  const confirmed = ids.generationIds.filter(Boolean);
  if (confirmed.length > 0) state.created = confirmed;
  state.attempted = undefined;
  setOutputs(log, idOutputs(ids));
  // With derived ids, "already exists" on a first attempt means another run with the same inputs made it
  // (between the lookup and this create): it paid, this one waits for its result.
  const madeByAnother = derive !== undefined && created.adopted === 'already-existed' && !state.outcomeUnknown;
  if (madeByAnother) {
    Object.assign(spending, { estimated: 0, reused: { waited: true } });
    setOutputs(log, spendingOutputs(spending));
    log.info(`Generation ${confirmed.join(', ')} was just created by another run with the same inputs: waiting for it instead of paying for another.`);
  } else if (confirmed.length > 0) {
    log.info(`Created ${settings.type} generation ${confirmed.join(', ')} (asset ${ids.assetIds.filter(Boolean).join(', ')}).`);
  }
  if (derive && ids.generationIds.some((id, i) => id && id !== generationIds[i])) {
    log.warning('Hedra created the generation under ids other than the ones the action derived from the inputs: a re-run cannot find it to reuse.');
  }
  for (const refused of ids.failedAtCreation) {
    log.warning(`Hedra refused batch item ${refused.index + 1} at creation (requested as generation ${refused.requestedId}): ${refused.reason}`);
  }

  if (!settings.wait) {
    await log.summary(renderSummary({ ...summary, createdOnly: ids, items: [], elapsedMs: deps.time.now() - current.startedAt }));
    return;
  }
  await collect({ ...current, settings }, ids, { etaSec: created.eta_sec ?? undefined, summary, request: body, spending, charged: !madeByAnother });
}

/**
 * The uploads under asset ids derived from their content (the same file, the
 * same asset, run after run), the request's references renamed to match; files
 * with the same content become one upload.
 */
async function contentAssetIds(apiKey: string, settings: Settings, planned: Upload[]): Promise<{ settings: Settings; uploads: Upload[] }> {
  const renamed = new Map<string, string>();
  const byId = new Map<string, Upload>();
  for (const upload of planned) {
    const derived = assetIdFor(apiKey, settings.baseUrl, upload.kind, await fileSha256(upload.path));
    renamed.set(upload.assetId, derived);
    const same = byId.get(derived);
    if (same) same.inputs.push(...upload.inputs.filter((input) => !same.inputs.includes(input)));
    else byId.set(derived, { ...upload, assetId: derived });
  }
  return { settings: withAssetIds(settings, renamed), uploads: [...byId.values()] };
}

/** The derived generation ids of every slot for these inputs: what the lookup asks Hedra about. */
function reuseSlots(apiKey: string, settings: Settings): string[][] {
  // What makes the generation: the API, the type, the model as given and every input (files as their
  // content-derived asset ids). The model as given, not as resolved, so the key is known before the
  // catalogue is read; a different resolution shows in the comparison of the request before reuse.
  const key = sha256(
    canonicalJson({
      v: 1,
      baseUrl: settings.baseUrl,
      type: settings.type,
      model: settings.model ?? null,
      inputs: settings.mapped,
      request: settings.request ?? null,
    }),
  );
  const count = itemsRequested(settings);
  return Array.from({ length: SLOTS }, (_, slot) => generationIdsFor(apiKey, key, slot, count));
}

/** Which planned uploads Hedra already has with their files (GET /assets, one request per kind). */
async function uploadsPresent(client: HedraClient, uploads: Upload[]): Promise<Set<string>> {
  const kinds = [...new Set(uploads.map((u) => u.kind))];
  const found = await Promise.all(
    kinds.map((kind) =>
      client.assetsWithMedia(
        kind,
        uploads.filter((u) => u.kind === kind).map((u) => u.assetId),
      ),
    ),
  );
  return new Set(found.flatMap((set) => [...set]));
}

/**
 * Every check Hedra's model catalogue allows, before anything is uploaded or
 * created: the model named (or the type's default) and each input against
 * its rules. Without the catalogue, the schema checks alone stand.
 */
async function checkModel(
  settings: Settings,
  uploads: Upload[],
  catalogue: Model[] | undefined,
): Promise<{ fields: Record<string, string>; label?: string; problems: string[]; chosen?: Model }> {
  const choice = catalogue ? chooseModel(catalogue, settings.type, settings.model) : { problems: problemsWithoutCatalogue(settings.type, settings.model) };
  const problems = [...choice.problems];
  if (catalogue && choice.model) {
    const options = { supplied: suppliedByRequest(settings.type, settings.request), catalogue };
    problems.push(...checkAgainstModel(choice.model, settings.type, settings.mapped, await localMedia(uploads), options));
  }
  const label = choice.model && (choice.model.name ? `${modelLabel(choice.model)} (${choice.model.name})` : modelLabel(choice.model));
  return { fields: modelFields(choice.model, settings.type, settings.model), label, problems, chosen: choice.model };
}

/** Builds the request; the model's problems and the request's own are reported together. */
function buildReporting<T>(modelProblems: string[], build: () => T, type: string): T {
  let built: T;
  try {
    built = build();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw InputError.all([...modelProblems, ...error.problems], `The ${type} request has`);
  }
  if (modelProblems.length > 0) throw InputError.all(modelProblems, `The ${type} request has`);
  return built;
}

interface CollectOptions {
  etaSec?: number;
  summary: Omit<SummaryInput, 'items' | 'elapsedMs'>;
  request?: unknown;
  spending: Spending;
  /** Whether the generations were paid for by this run (or, resuming, by the run that made them): their credit_cost is read once they end. */
  charged: boolean;
}

/** Waits for the generations, downloads what they produced, reports it; fails if any failed. */
async function collect(current: Run, ids: GenerationIds, options: CollectOptions): Promise<void> {
  const { log, settings, state, deps } = current;
  const transport = current.transport();
  const client = current.hedra();
  // Never wait on an id Hedra did not confirm: items refused at creation are final already.
  const confirmed = ids.generationIds.filter(Boolean);
  const items: ItemResult[] = ids.generationIds.map((id, index) => {
    if (id) return { generationId: id, status: { id, status: 'queued' } };
    const refused = ids.failedAtCreation.find((f) => f.index === index);
    return {
      generationId: '',
      status: { id: '', status: 'error', error_message: refused?.reason ?? 'refused at creation' },
      refusedAtCreation: { requestedId: refused?.requestedId ?? '' },
    };
  });
  // Each result is downloaded as soon as it is complete, while the others are still awaited.
  const downloads = settings.download ? await downloadQueue({ transport, log, clock: deps.time.now }, settings.outputPath, items.length) : undefined;
  state.phase = 'waiting';
  const costs = new Map<string, number>();
  if (confirmed.length > 0) {
    try {
      await log.group(`Waiting for generation ${confirmed.join(', ')}`, () =>
        waitForGenerations((id) => client.status(id), confirmed, {
          deadline: transport.control.deadline,
          startedAt: deps.time.now(),
          clock: deps.time.now,
          sleep: (ms) => transport.control.sleep(ms),
          etaSec: options.etaSec,
          log,
          list: (pending) => client.listWithResults(pending),
          onFinal: (id, status) => {
            // A final answer from the list carries what the generation cost: no need to ask again.
            const cost = (status as ListedGeneration).credit_cost;
            if (typeof cost === 'number') costs.set(id, cost);
            const index = ids.generationIds.indexOf(id);
            items[index].status = status;
            downloads?.add(index, items[index]);
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof WaitTimeout)) throw error;
      const lastStatus = error.last.get(confirmed[0])?.status;
      if (lastStatus) setOutputs(log, { status: lastStatus });
      throw new GenerationFailed(waitTimeoutMessage(error, confirmed, settings.timeoutMs));
    }
  }

  state.phase = 'downloading';
  if (downloads) await log.group('Downloading', () => downloads.settle());

  state.phase = 'reporting';
  const spending = { ...options.spending, ...(options.charged ? await chargedFor(client, confirmed, costs, log) : { charged: 0 }) };
  await reportResults({
    log,
    env: deps.env,
    settings,
    items,
    request: options.request,
    summary: { ...options.summary, spending, elapsedMs: deps.time.now() - current.startedAt },
    spending,
  });
  if (items.some((item) => item.status.status === 'error')) throw new GenerationFailed(failedItemsMessage(items));
}

/**
 * What Hedra charged for the generations (credit_cost, from the list), once
 * they ended: `known` holds the costs final list answers carried; the others
 * are read in one request. A paid result never fails over it: unreadable, it is left out.
 */
async function chargedFor(client: HedraClient, ids: string[], known: Map<string, number>, log: Log): Promise<Pick<Spending, 'charged' | 'perItem'>> {
  const perItem = new Map(known);
  const missing = ids.filter((id) => !perItem.has(id));
  try {
    if (missing.length > 0) {
      for (const g of await client.list(missing)) if (typeof g.credit_cost === 'number') perItem.set(g.id, g.credit_cost);
    }
  } catch (error) {
    if (error instanceof Cancelled || error instanceof DeadlineReached) throw error;
    log.info(`Could not read what the generations cost (${said(error)}).`);
  }
  if (ids.some((id) => !perItem.has(id))) return { perItem };
  return { charged: ids.reduce((sum, id) => sum + (perItem.get(id) ?? 0), 0), perItem };
}
