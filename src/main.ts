// The run, step by step: mask the key, read inputs, check local files, build
// and validate the request, upload, create the generation (or pick up an
// existing one), wait, download, report. Every failure ends here, once.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputAssetIds, planUploads, uploadAll, withAssetIds } from './assets.js';
import { download, outputIsDirectory, targetPath } from './download.js';
import { ApiError, Cancelled, DeadlineReached, InputError, OutcomeError } from './errors.js';
import { formatDuration } from './format.js';
import { checkGitHubInputs, publish } from './github.js';
import { type GenerationStatus, HedraApi } from './hedra-api.js';
import { Transport } from './http/transport.js';
import { parseInputs, readApiKey, type Settings } from './inputs.js';
import { addSecret, log } from './log.js';
import { createdIds, failureReason, type ItemResult, idOutputs, manifest, type Outputs, resultOutputs } from './outputs.js';
import { isUuid } from './parse.js';
import { withPromptFile } from './prompt-file.js';
import { buildRequest } from './request/build.js';
import { abortOnSignals, createRunControl, type RunControl } from './run-control.js';
import { runner } from './runner.js';
import { renderSummary, type SummaryInput } from './summary.js';
import { untrustedTriggerWarning } from './trust.js';
import { WaitTimeout, waitForGenerations } from './wait.js';

const USER_AGENT = 'hedra-generate-action/0.1';

const MISSING_KEY =
  'No Hedra API key: set input "api-key" (api-key: ${{ secrets.HEDRA_API_KEY }}) or the HEDRA_API_KEY environment variable. ' +
  'If the secret exists, note that workflows triggered from forks and by Dependabot are not given repository secrets.';

/** Where the run is and what exists on Hedra's side so far, for failure messages: nothing may be lost. */
interface RunState {
  phase: 'reading inputs' | 'uploading' | 'creating the generation' | 'waiting' | 'downloading' | 'reporting';
  /** Ids sent in a create request whose answer has not arrived. */
  attempted?: string[];
  /** Ids Hedra confirmed. */
  created?: string[];
}

function setOutputs(outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs)) runner.setOutput(name, value);
}

/** Writes the job summary and returns its Markdown (a pull request comment reuses it). */
function writeSummary(input: SummaryInput): string {
  const markdown = renderSummary(input);
  log.summary(markdown);
  return markdown;
}

interface FinishContext {
  env: Record<string, string | undefined>;
  state: RunState;
  settings: Settings;
  api: HedraApi;
  transport: Transport;
  generationIds: string[];
  startedAt: number;
  etaSec?: number;
  summary: Omit<SummaryInput, 'items' | 'elapsedMs'>;
  request?: unknown;
}

/** Waits for the generations, downloads what they produced, sets outputs and the summary. */
async function finish(ctx: FinishContext): Promise<void> {
  const { settings, generationIds, state } = ctx;
  const { control } = ctx.transport;
  let statuses: GenerationStatus[];
  state.phase = 'waiting';
  try {
    statuses = await log.group(`Waiting for generation ${generationIds.join(', ')}`, () =>
      waitForGenerations((id) => ctx.api.status(id), generationIds, {
        deadline: control.deadline,
        startedAt: Date.now(),
        clock: Date.now,
        sleep: (ms) => control.sleep(ms),
        etaSec: ctx.etaSec,
      }),
    );
  } catch (error) {
    if (!(error instanceof WaitTimeout)) throw error;
    const states = generationIds.map((id) => {
      const s = error.last.get(id);
      return `${id} (${s ? `${s.status}${s.status === 'processing' && s.progress != null ? ` ${Math.round(s.progress * 100)}%` : ''}` : 'no status yet'})`;
    });
    const lastStatus = error.last.get(generationIds[0])?.status;
    if (lastStatus) setOutputs({ status: lastStatus });
    throw new OutcomeError(
      `Gave up waiting after ${formatDuration(settings.timeoutMs)} (input "timeout"): ${states.join(', ')}. ` +
        `The generation keeps running on Hedra's side and is already paid for; to wait for it and download it without paying again, run this action with generation-id: ${generationIds.join(',')}`,
    );
  }

  const items: ItemResult[] = statuses.map((status, i) => ({ generationId: generationIds[i], status }));
  state.phase = 'downloading';
  if (settings.download && items.some((item) => item.status.status === 'complete')) {
    const isDirectory = await outputIsDirectory(settings.outputPath);
    await log.group('Downloading', async () => {
      for (const [index, item] of items.entries()) {
        const url = item.status.download_url;
        if (item.status.status !== 'complete') continue;
        if (!url) {
          log.info(`Generation ${item.generationId} produced no downloadable file (a ${item.status.type ?? 'result'}).`);
          continue;
        }
        const assetId = item.status.asset_id ?? item.generationId;
        item.file = await download(ctx.transport, url, (extension) =>
          targetPath(settings.outputPath, isDirectory, { index, count: items.length, assetId, extension }),
        );
        log.info(`Downloaded ${item.file.path} (${item.file.bytes} bytes, sha256 ${item.file.sha256}).`);
      }
    });
  }

  state.phase = 'reporting';
  const resultsFile = join(settings.runnerTemp, `hedra-results-${generationIds[0]}.json`);
  await writeFile(resultsFile, JSON.stringify(manifest(items, { request: ctx.request, inputAssetIds: inputAssetIds(settings) }), null, 2));
  setOutputs(resultOutputs(items, resultsFile));
  const summary = writeSummary({ ...ctx.summary, items, elapsedMs: Date.now() - ctx.startedAt });
  await publish(settings, items, summary, ctx.env);

  const failed = items.filter((item) => item.status.status === 'error');
  if (failed.length > 0) throw new OutcomeError(failed.map((item) => `Generation ${item.generationId} failed: ${failureReason(item.status)}.`).join('\n'));
}

/** `generation-id` given: create nothing, pick up what exists. */
async function resume(settings: Settings, transport: Transport, startedAt: number, state: RunState, env: Record<string, string | undefined>): Promise<void> {
  const ids = settings.resumeIds!;
  state.created = ids;
  const unused = [
    ...Object.keys(settings.values),
    ...(settings.model ? ['model'] : []),
    ...(settings.request ? ['request'] : []),
    ...(settings.promptFile ? ['prompt-file'] : []),
  ];
  if (unused.length > 0) log.warning(`Input "generation-id" is set, so nothing is created and these inputs are not used: ${unused.join(', ')}.`);
  log.info(`Resuming generation ${ids.join(', ')}.`);
  setOutputs({ 'generation-id': ids[0], 'generation-ids': JSON.stringify(ids) });
  await finish({ env, state, settings, api: new HedraApi(transport), transport, generationIds: ids, startedAt, summary: { resumed: true, uploads: [] } });
}

async function create(
  parsed: Settings,
  transport: () => Transport,
  startedAt: number,
  state: RunState,
  env: Record<string, string | undefined>,
): Promise<void> {
  // Every local file is checked before anything is sent.
  const { settings, uploads } = await planUploads(await withPromptFile(parsed), randomUUID);
  let { body, generationIds } = buildRequest(settings, randomUUID);
  const chosen = settings.model;
  if (chosen && isUuid(chosen)) {
    const field = ['ai_model_id', 'model_id'].find((k) => body[k] === chosen.toLowerCase()) ?? 'model id';
    log.warning(
      `Input "model" is a model UUID, sent in the deprecated ${field} field. Hedra selects models by slug now (model_slug); GET /models lists them.`,
      'Deprecated by the API',
    );
  }
  if (settings.dryRun) {
    setOutputs({ request: JSON.stringify(body) });
    for (const u of uploads) log.info(`Would upload ${u.written} (${u.inputs.join(', ')}) as asset ${u.assetId}.`);
    log.info(`Dry run: the ${settings.type} request is valid; nothing was sent.\n${JSON.stringify(body, null, 2)}`);
    return;
  }

  const http = transport();
  const api = new HedraApi(http);
  let finalSettings = settings;
  if (uploads.length > 0) {
    state.phase = 'uploading';
    const renamed = await log.group(`Uploading ${uploads.length} file${uploads.length > 1 ? 's' : ''}`, () => uploadAll(api, uploads, settings.workspace));
    body = withAssetIds(body, renamed);
    finalSettings = withAssetIds(settings, renamed);
  }
  setOutputs({ request: JSON.stringify(body), 'input-asset-ids': JSON.stringify(inputAssetIds(finalSettings)) });

  state.phase = 'creating the generation';
  state.attempted = generationIds;
  const created = await api.createGeneration(body, generationIds);
  const ids = createdIds(generationIds, created);
  state.created = ids.generationIds;
  setOutputs(idOutputs(ids));
  log.info(`Created ${settings.type} generation ${ids.generationIds.join(', ')} (asset ${ids.assetIds.join(', ')}).`);

  const model = [body.model_slug, body.ai_model_id, body.model_id].find((m) => typeof m === 'string') as string | undefined;
  const summary = { type: settings.type, model, resumed: false, uploads, request: body };
  if (!settings.wait) {
    writeSummary({ ...summary, createdOnly: ids, items: [], elapsedMs: Date.now() - startedAt });
    return;
  }
  await finish({
    env,
    state,
    settings: finalSettings,
    api,
    transport: http,
    generationIds: ids.generationIds,
    startedAt,
    etaSec: created.eta_sec ?? undefined,
    summary,
    request: body,
  });
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const startedAt = Date.now();
  const apiKey = readApiKey(env);
  if (apiKey) addSecret(apiKey);
  const cancel = new AbortController();
  abortOnSignals(cancel);
  const state: RunState = { phase: 'reading inputs' };
  let http: Transport | undefined;
  try {
    const settings = await parseInputs(env);
    if (!apiKey && !settings.dryRun) throw new InputError(MISSING_KEY);
    const warning = untrustedTriggerWarning(env);
    if (warning) log.warning(warning, 'Untrusted trigger');
    const control: RunControl = createRunControl(startedAt, settings.timeoutMs, cancel.signal);
    const transport = () =>
      (http ??= new Transport({ baseUrl: settings.baseUrl, apiKey: apiKey!, userAgent: USER_AGENT, control, timeoutMs: settings.timeoutMs, env }));
    if (settings.githubToken) addSecret(settings.githubToken);
    checkGitHubInputs(settings);
    if (settings.resumeIds) await resume(settings, transport(), startedAt, state, env);
    else await create(settings, transport, startedAt, state, env);
  } catch (error) {
    log.fail(failureMessage(error, state), error instanceof InputError ? 'Invalid input' : 'Hedra generation failed');
    if (
      error instanceof Error &&
      !(error instanceof InputError) &&
      !(error instanceof ApiError) &&
      !(error instanceof Cancelled) &&
      !(error instanceof DeadlineReached)
    ) {
      log.debug(error.stack ?? String(error));
    }
  } finally {
    await http?.close();
  }
}

/** The error, plus what exists on Hedra's side and how to pick it up: nothing is lost. */
function failureMessage(error: unknown, state: RunState): string {
  let message = error instanceof Error ? error.message : String(error);
  if (error instanceof Cancelled) message = `Cancelled (${error.signal}) while ${state.phase}.`;
  if (error instanceof DeadlineReached) message = `Gave up after ${formatDuration(error.timeoutMs)} (input "timeout") while ${state.phase}.`;
  if (error instanceof OutcomeError) return message;
  if (state.created) {
    return `${message}\nGeneration ${state.created.join(', ')} exists on Hedra's side; to pick it up without paying again, run this action with generation-id: ${state.created.join(',')}`;
  }
  // An HTTP answer that is an error means the create did not happen; anything
  // else (a lost connection) leaves it unknown, so name the ids to check.
  if (state.attempted && !(error instanceof ApiError && error.status !== undefined)) {
    return `${message}\nThe generation may exist on Hedra's side under id ${state.attempted.join(', ')}; check before running again (generation-id: ${state.attempted.join(',')} picks it up if it does).`;
  }
  return message;
}
