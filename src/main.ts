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
import { GenerationFailed, InputError, isExpected } from './errors.js';
import { inputAssetIds, planUploads, uploadAll, withAssetIds } from './hedra/assets.js';
import { type GenerationStatus, HedraClient } from './hedra/client.js';
import { downloadResults, type ItemResult } from './hedra/download.js';
import { WaitTimeout, waitForGenerations } from './hedra/wait.js';
import { type Fetcher, fetcherFor } from './http/fetch.js';
import { Transport } from './http/transport.js';
import { withPromptFile } from './inputs/prompt-file.js';
import { readApiKey, readInputs, type Settings, unusedWhenResuming } from './inputs/read-inputs.js';
import { failedItemsMessage, failureMessage, type RunState, waitTimeoutMessage } from './report/failures.js';
import { checkGitHubInputs } from './report/github.js';
import { createdIds, idOutputs } from './report/outputs.js';
import { reportResults, setOutputs } from './report/results.js';
import { renderSummary, type SummaryInput } from './report/summary.js';
import { buildRequest, modelIdWarning, modelOf } from './request/build.js';

const USER_AGENT = 'hedra-generate-action/1';

const MISSING_KEY =
  'No Hedra API key: set input "api-key" (api-key: ${{ secrets.HEDRA_API_KEY }}) or the HEDRA_API_KEY environment variable. ' +
  'If the secret exists, note that workflows triggered from forks and by Dependabot are not given repository secrets.';

export interface RunDependencies {
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
  /** The HTTP transport, made on first use (a dry run makes none). */
  transport: () => Transport;
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
    checkGitHubInputs(settings);
    const control = createRunControl(startedAt, settings.timeoutMs, deps.cancel, clock);
    const connect = () =>
      (transport ??= new Transport({
        baseUrl: settings.baseUrl,
        apiKey: apiKey ?? '',
        userAgent: USER_AGENT,
        control,
        timeoutMs: settings.timeoutMs,
        fetcher: deps.fetcher,
        debug: log.debug,
      }));
    const current: Run = { deps, log, settings, state, startedAt, transport: connect };
    if (settings.resumeIds) await pickUp(current, settings.resumeIds);
    else await create(current);
  } catch (error) {
    log.fail(failureMessage(error, state), error instanceof InputError ? 'Invalid input' : 'Hedra generation failed');
    if (!isExpected(error) && error instanceof Error) log.debug(error.stack ?? String(error));
  } finally {
    await transport?.close();
  }
  return log.failed() ? 1 : 0;
}

/** `generation-id` given: create nothing, pick up what exists. */
async function pickUp(current: Run, ids: string[]): Promise<void> {
  const { log, settings, state, deps } = current;
  state.created = ids;
  const unused = unusedWhenResuming(settings);
  if (unused.length > 0) log.warning(`Input "generation-id" is set, so nothing is created and these inputs are not used: ${unused.join(', ')}.`);
  log.info(`Resuming generation ${ids.join(', ')}.`);
  setOutputs(deps.toolkit, { 'generation-id': ids[0], 'generation-ids': JSON.stringify(ids) });
  await collect(current, ids, { summary: { resumed: true, uploads: [] } });
}

async function create(current: Run): Promise<void> {
  const { log, state, deps } = current;
  // Every local file is checked, and given the asset id it will have, before anything is sent.
  let { settings, uploads } = await planUploads(await withPromptFile(current.settings), deps.newId);
  let { body, generationIds } = buildRequest(settings, deps.newId);
  const warning = modelIdWarning(settings.model, body);
  if (warning) log.warning(warning, 'Deprecated by the API');
  const summary = { type: settings.type, model: modelOf(body), resumed: false, uploads, request: body };
  if (settings.dryRun) {
    setOutputs(deps.toolkit, { request: JSON.stringify(body) });
    for (const u of uploads) log.info(`Would upload ${u.written} (${u.inputs.join(', ')}) as asset ${u.assetId}.`);
    log.info(`Dry run: the ${settings.type} request is valid; nothing was sent.\n${JSON.stringify(body, null, 2)}`);
    await log.summary(renderSummary({ ...summary, dryRun: true, items: [], elapsedMs: deps.clock() - current.startedAt }));
    return;
  }

  const client = new HedraClient(current.transport(), log, deps.clock);
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
  setOutputs(deps.toolkit, { request: JSON.stringify(body), 'input-asset-ids': JSON.stringify(inputAssetIds(settings)) });

  state.phase = 'creating the generation';
  state.attempted = generationIds;
  const created = await client.createGeneration(body, generationIds);
  const ids = createdIds(generationIds, created);
  state.created = ids.generationIds;
  setOutputs(deps.toolkit, idOutputs(ids));
  log.info(`Created ${settings.type} generation ${ids.generationIds.join(', ')} (asset ${ids.assetIds.join(', ')}).`);

  if (!settings.wait) {
    await log.summary(renderSummary({ ...summary, createdOnly: ids, items: [], elapsedMs: deps.clock() - current.startedAt }));
    return;
  }
  await collect({ ...current, settings }, ids.generationIds, { etaSec: created.eta_sec ?? undefined, summary, request: body });
}

interface CollectOptions {
  etaSec?: number;
  summary: Omit<SummaryInput, 'items' | 'elapsedMs'>;
  request?: unknown;
}

/** Waits for the generations, downloads what they produced, reports it; fails if any failed. */
async function collect(current: Run, ids: string[], options: CollectOptions): Promise<void> {
  const { log, settings, state, deps } = current;
  const transport = current.transport();
  const client = new HedraClient(transport, log, deps.clock);
  state.phase = 'waiting';
  let statuses: GenerationStatus[];
  try {
    statuses = await log.group(`Waiting for generation ${ids.join(', ')}`, () =>
      waitForGenerations((id) => client.status(id), ids, {
        deadline: transport.control.deadline,
        startedAt: deps.clock(),
        clock: deps.clock,
        sleep: (ms) => transport.control.sleep(ms),
        etaSec: options.etaSec,
        log,
      }),
    );
  } catch (error) {
    if (!(error instanceof WaitTimeout)) throw error;
    const lastStatus = error.last.get(ids[0])?.status;
    if (lastStatus) setOutputs(deps.toolkit, { status: lastStatus });
    throw new GenerationFailed(waitTimeoutMessage(error, ids, settings.timeoutMs));
  }

  const items: ItemResult[] = statuses.map((status, i) => ({ generationId: ids[i], status }));
  state.phase = 'downloading';
  if (settings.download) await downloadResults({ transport, log, clock: deps.clock }, items, settings.outputPath);

  state.phase = 'reporting';
  await reportResults({
    toolkit: deps.toolkit,
    log,
    env: deps.env,
    settings,
    items,
    request: options.request,
    summary: { ...options.summary, elapsedMs: deps.clock() - current.startedAt },
  });
  const failed = items.filter((item) => item.status.status === 'error');
  if (failed.length > 0) throw new GenerationFailed(failedItemsMessage(failed));
}
