// The run, step by step: mask the key, read the inputs, check local files,
// build and validate the request, upload, create the generation (or pick up
// an existing one), wait, download, report. Every failure ends here, once.
// The collaborators (the toolkit, fetch, the clock, the environment) come in
// as parameters of runWith(): run() passes the real ones, tests their own.
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import { createLog, type Log } from './action/log.js';
import { abortOnSignals, createRunControl } from './action/run-control.js';
import type { Env, Toolkit } from './action/toolkit.js';
import { untrustedTriggerWarning } from './action/trust.js';
import { Cancelled, DeadlineReached, GenerationFailed, HedraError, InputError, isExpected } from './errors.js';
import { inputAssetIds, localMedia, planUploads, type Upload, uploadAll, withAssetIds } from './hedra/assets.js';
import { type Model, modelLabel } from './hedra/catalogue.js';
import { HedraClient } from './hedra/client.js';
import { downloadQueue, type ItemResult } from './hedra/download.js';
import { WaitTimeout, waitForGenerations } from './hedra/wait.js';
import { type Fetcher, fetcherFor } from './http/fetch.js';
import { Transport } from './http/transport.js';
import { withPromptFile } from './inputs/prompt-file.js';
import { readApiKey, readInputs, type Settings, unusedWhenResuming } from './inputs/read-inputs.js';
import { failedItemsMessage, failureMessage, type RunState, waitTimeoutMessage } from './report/failures.js';
import { checkGitHubInputs } from './report/github.js';
import { createdIds, type GenerationIds, idOutputs } from './report/outputs.js';
import { reportResults, setOutputs } from './report/results.js';
import { renderSummary, type SummaryInput } from './report/summary.js';
import { buildRequest, modelIdWarning, modelOf } from './request/build.js';
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
  clock: () => number;
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
  /** Whether there is an API key: without one (a dry run) nothing is asked of Hedra. */
  hasKey: boolean;
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
    clock: Date.now,
    cancel: cancel.signal,
    newId: randomUUID,
  });
}

/** Runs the action with the collaborators given; resolves to the exit code. */
export async function runWith(deps: RunDependencies): Promise<number> {
  const { toolkit, env, clock } = deps;
  const startedAt = clock();
  const log = createLog(toolkit, env);
  const apiKey = readApiKey(toolkit, env);
  if (apiKey) log.addSecret(apiKey);
  const state: RunState = { phase: 'reading inputs' };
  let transport: Transport | undefined;
  try {
    const settings = await readInputs(toolkit, env, deps.cwd);
    if (!apiKey && !settings.dryRun) throw new InputError(MISSING_KEY);
    if (settings.githubToken) log.addSecret(settings.githubToken);
    const warning = await untrustedTriggerWarning(env);
    if (warning) log.warning(warning, 'Untrusted trigger');
    await checkGitHubInputs(settings, env);
    const control = createRunControl(startedAt, settings.timeoutMs, deps.cancel, clock);
    const connect = () =>
      (transport ??= new Transport({
        baseUrl: settings.baseUrl,
        apiKey: apiKey ?? '',
        userAgent: USER_AGENT,
        control,
        timeoutMs: settings.timeoutMs,
        fetcher: deps.fetcher,
        clock,
        debug: log.debug,
      }));
    let client: HedraClient | undefined;
    const hedra = () => (client ??= new HedraClient(connect(), log, clock));
    const current: Run = { deps, log, settings, state, startedAt, transport: connect, hedra, hasKey: apiKey !== undefined };
    if (settings.resumeIds) await pickUp(current, settings.resumeIds);
    else await create(current);
  } catch (error) {
    // A generation that may exist is named in the outputs too, so a later step can pick it up.
    if (!state.created && state.attempted && state.outcomeUnknown) {
      setOutputs(log, { 'generation-id': state.attempted[0], 'generation-ids': JSON.stringify(state.attempted) });
    }
    log.fail(failureMessage(error, state), error instanceof InputError ? 'Invalid input' : 'Hedra generation failed');
    if (!isExpected(error) && error instanceof Error) log.debug(error.stack ?? String(error));
  } finally {
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
  await collect(current, { generationIds: ids, assetIds: [], failedAtCreation: [] }, { summary: { resumed: true, uploads: [] } });
}

async function create(current: Run): Promise<void> {
  const { log, state, deps } = current;
  // Every local file is checked, and given the asset id it will have, before anything is sent.
  let { settings, uploads } = await planUploads(await withPromptFile(current.settings), deps.newId);
  const model = await checkModel(current, settings, uploads);
  let { body, generationIds } = buildReporting(model.problems, () => buildRequest(settings, deps.newId, model.fields), settings.type);
  const warning = modelIdWarning(settings.model, body);
  if (warning) log.warning(warning, 'Deprecated by the API');
  const summary = { type: settings.type, model: model.label ?? modelOf(body), resumed: false, uploads, request: body };
  if (settings.dryRun) {
    setOutputs(log, { request: JSON.stringify(body) });
    for (const u of uploads) log.info(`Would upload ${u.written} (${u.inputs.join(', ')}) as asset ${u.assetId}.`);
    log.info(`Dry run: the ${settings.type} request is valid; nothing was sent.\n${JSON.stringify(body, null, 2)}`);
    await log.summary(renderSummary({ ...summary, dryRun: true, items: [], elapsedMs: deps.clock() - current.startedAt }));
    return;
  }

  const client = current.hedra();
  if (uploads.length > 0) {
    state.phase = 'uploading';
    const renamed = await log.group(`Uploading ${uploads.length} file${uploads.length > 1 ? 's' : ''}`, () =>
      uploadAll(client, uploads, settings.workspace, log),
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
  if (confirmed.length > 0) log.info(`Created ${settings.type} generation ${confirmed.join(', ')} (asset ${ids.assetIds.filter(Boolean).join(', ')}).`);
  for (const refused of ids.failedAtCreation) {
    log.warning(`Hedra refused batch item ${refused.index + 1} at creation (requested as generation ${refused.requestedId}): ${refused.reason}`);
  }

  if (!settings.wait) {
    await log.summary(renderSummary({ ...summary, createdOnly: ids, items: [], elapsedMs: deps.clock() - current.startedAt }));
    return;
  }
  await collect({ ...current, settings }, ids, { etaSec: created.eta_sec ?? undefined, summary, request: body });
}

/**
 * Every check Hedra's model catalogue allows (a free GET, made whenever there
 * is a key, dry runs included), before anything is uploaded or created: the
 * model named (or the type's default) and each input against its rules.
 * Without the catalogue, the schema checks alone stand.
 */
async function checkModel(
  current: Run,
  settings: Settings,
  uploads: Upload[],
): Promise<{ fields: Record<string, string>; label?: string; problems: string[] }> {
  const { log } = current;
  let catalogue: Model[] | undefined;
  if (!current.hasKey) {
    log.info("No API key: the checks against Hedra's model catalogue were skipped (only the request schema was checked).");
  } else {
    try {
      catalogue = await current.hedra().models();
    } catch (error) {
      // A refused key is the key's problem, not the catalogue's: nothing else would work either.
      if (error instanceof Cancelled || error instanceof DeadlineReached || (error instanceof HedraError && error.status === 401)) throw error;
      log.warning(
        `Could not read Hedra's model catalogue (${(error as Error).message.replace(/\.$/, '')}); the request is checked against the API schema only.`,
        'Model checks skipped',
      );
    }
  }
  const choice = catalogue ? chooseModel(catalogue, settings.type, settings.model) : { problems: problemsWithoutCatalogue(settings.type, settings.model) };
  const problems = [...choice.problems];
  if (catalogue && choice.model) {
    const options = { supplied: suppliedByRequest(settings.type, settings.request), catalogue };
    problems.push(...checkAgainstModel(choice.model, settings.type, settings.mapped, await localMedia(uploads), options));
  }
  const label = choice.model && (choice.model.name ? `${modelLabel(choice.model)} (${choice.model.name})` : modelLabel(choice.model));
  return { fields: modelFields(choice.model, settings.type, settings.model), label, problems };
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
  const downloads = settings.download ? await downloadQueue({ transport, log, clock: deps.clock }, settings.outputPath, items.length) : undefined;
  state.phase = 'waiting';
  if (confirmed.length > 0) {
    try {
      await log.group(`Waiting for generation ${confirmed.join(', ')}`, () =>
        waitForGenerations((id) => client.status(id), confirmed, {
          deadline: transport.control.deadline,
          startedAt: deps.clock(),
          clock: deps.clock,
          sleep: (ms) => transport.control.sleep(ms),
          etaSec: options.etaSec,
          log,
          list: (pending) => client.listWithResults(pending),
          onFinal: (id, status) => {
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
  await reportResults({
    log,
    env: deps.env,
    settings,
    items,
    request: options.request,
    summary: { ...options.summary, elapsedMs: deps.clock() - current.startedAt },
  });
  if (items.some((item) => item.status.status === 'error')) throw new GenerationFailed(failedItemsMessage(items));
}
