// A run on Hedra's v3 API (input `api: v3`), step by step: read the model's
// input schema, map the workflow's inputs onto it and check them with a real
// JSON-schema validator, store local files (POST /files, free), estimate the
// cost, guard the budget and the wallet, submit one job per batch item under
// idempotency keys, follow the jobs (stream, else polling), download each
// output, report. The v2 run is src/main.ts; both share the transport,
// waiting, downloads and reporting. Design: docs/decisions/v3.md.
import type { Log } from '../action/log.js';
import type { Env } from '../action/toolkit.js';
import { canonicalJson, generationIdsFor, SLOTS, sha256 } from '../credits/reuse.js';
import { Cancelled, DeadlineReached, GenerationFailed, HedraError, InputError, SpendingRefused, said, settled } from '../errors.js';
import { planUploads, pool, type Upload } from '../hedra/assets.js';
import type { GenerationStatus } from '../hedra/client.js';
import { downloadQueue, type ItemResult } from '../hedra/download.js';
import { type FileHandle, HedraV3Client, type Money, type V3ModelDetail, type V3Result, type V3Status } from '../hedra/v3/client.js';
import { waitForJobs } from '../hedra/v3/wait.js';
import { WaitTimeout } from '../hedra/wait.js';
import { v3DetailLines, v3Envelope } from '../http/answer-errors.js';
import type { Transport } from '../http/transport.js';
import { withoutQuery } from '../http/url.js';
import type { MediaRef } from '../inputs/parsers.js';
import { withPromptFile } from '../inputs/prompt-file.js';
import { type Settings, unusedWhenResuming } from '../inputs/read-inputs.js';
import { failedItemsMessage, type RunState, waitTimeoutMessage } from '../report/failures.js';
import { formatCost, type Spending, spendingOutputs } from '../report/outputs.js';
import { reportResults, setOutputs } from '../report/results.js';
import { renderSummary, type SummaryInput } from '../report/summary.js';
import { mapV3Input, subjectFor, type V3InputPlan, type V3Inputs } from '../request/v3-input.js';
import { checkV3Input } from '../request/v3-schema.js';

/** Where a person adds funds to the v3 wallet. */
const FUNDING_URL = 'https://www.hedra.com/develop/billing';

/** What a v3 run needs of the run around it (src/main.ts). */
export interface V3Run {
  log: Log;
  settings: Settings;
  state: RunState;
  env: Env;
  clock: () => number;
  newId: () => string;
  startedAt: number;
  /** The transport, made on first use (a dry run without a key makes none). */
  transport: () => Transport;
  apiKey?: string;
}

/**
 * The input as it may be shown (the `request` output, the summary, the manifest): a stored file's handle
 * without its query, whose signature lets anyone read the file for an hour.
 */
export function shownInput(input: Record<string, unknown>): { input: Record<string, unknown> } {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) return value;
    const object = value as Record<string, unknown>;
    if (object.source === 'url' && typeof object.url === 'string') return { ...object, url: withoutQuery(object.url) };
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, strip(v)]));
  };
  return { input: strip(input) as Record<string, unknown> };
}

/** How a local file is named in the request before it is stored: a valid URL that says what will go there. */
const pendingUrl = (written: string) => `https://pending-upload.invalid/${encodeURIComponent(written)}`;

export async function runV3(run: V3Run): Promise<void> {
  if (run.settings.resumeIds) await pickUp(run, run.settings.resumeIds);
  else await create(run);
}

/** `generation-id: job_…`: nothing is submitted; the jobs are followed and their outputs downloaded. */
async function pickUp(run: V3Run, jobs: string[]): Promise<void> {
  const { log, settings, state } = run;
  const client = clientFor(run);
  for (const job of jobs) {
    try {
      await client.status(job);
    } catch (error) {
      if (error instanceof HedraError && error.status === 404) {
        throw new InputError(`Input "generation-id": Hedra has no job ${job} for this API key. Check the id, and that the key is of the same workspace.`);
      }
      throw error;
    }
  }
  state.created = jobs;
  const unused = unusedWhenResuming(settings);
  if (unused.length > 0) log.warning(`Input "generation-id" is set, so nothing is submitted and these inputs are not used: ${unused.join(', ')}.`);
  log.info(`Resuming job ${jobs.join(', ')}.`);
  setOutputs(log, { 'generation-id': jobs[0], 'generation-ids': JSON.stringify(jobs) });
  await collect(run, client, jobs, { summary: { resumed: true, uploads: [] }, spending: { currency: 'USD' } });
}

function clientFor(run: V3Run): HedraV3Client {
  return new HedraV3Client(run.transport(), run.log, run.clock);
}

/** The local files, checked (as on v2), and which file each written path names. */
async function localFiles(settings: Settings, newId: () => string): Promise<{ uploads: Upload[]; byWritten: Map<string, Upload> }> {
  const planned = await planUploads(settings, newId);
  const byToken = new Map(planned.uploads.map((upload) => [upload.assetId, upload]));
  // planUploads put a reserved id where each file was: the same places in both settings pair each written path with its file.
  const byWritten = new Map<string, Upload>();
  for (const [input, value] of Object.entries(settings.mapped)) {
    const given = [value].flat() as unknown[];
    const tokens = [planned.settings.mapped[input as keyof Settings['mapped']]].flat() as unknown[];
    given.forEach((ref, i) => {
      const token = tokens[i] as MediaRef | undefined;
      if ((ref as MediaRef)?.kind === 'file' && token?.kind === 'asset') {
        const upload = byToken.get(token.id);
        if (upload) byWritten.set((ref as Extract<MediaRef, { kind: 'file' }>).written, upload);
      }
    });
  }
  return { uploads: planned.uploads, byWritten };
}

/** How many jobs: `batch-size` (every v3 model makes one output per job). */
const jobCount = (settings: Settings) => (typeof settings.mapped['batch-size'] === 'number' ? settings.mapped['batch-size'] : 1);

async function create(run: V3Run): Promise<void> {
  const { log, state, apiKey } = run;
  const settings = await withPromptFile(run.settings);
  const model = settings.model as string;
  const { uploads, byWritten } = await localFiles(settings, run.newId);
  const inputs: V3Inputs = { model, type: settings.typeGiven ? settings.type : undefined, mapped: settings.mapped, request: settings.request };
  state.phase = 'checking the request with Hedra';

  if (!apiKey) {
    // The model's schema is Hedra's to give (GET /models/{model} needs a key): only the inputs were read.
    log.info(`Dry run without an API key: the inputs were read, but checking them against model ${model}'s input schema needs a key; nothing was sent.`);
    await log.summary(
      renderSummary({
        type: settings.typeGiven ? settings.type : undefined,
        model,
        resumed: false,
        dryRun: true,
        uploads,
        items: [],
        elapsedMs: run.clock() - run.startedAt,
      }),
    );
    return;
  }
  const client = clientFor(run);
  const balanceRead = settings.dryRun
    ? undefined
    : settled(client.balance(), (error) => log.info(`Could not read the API wallet's balance (${said(error)}); Hedra checks it when submitting.`));
  balanceRead?.catch(() => undefined);
  const detail = await client.model(model);

  // Checked with files as placeholders; the same mapping is made again with their handles once stored.
  const checked = mapV3Input(inputs, detail, pendingUrl);
  const localChecks = checked.media.flatMap((slot) => {
    const upload = slot.kind === 'file' ? byWritten.get(slot.written) : undefined;
    return upload ? [{ input: slot.input, written: slot.written, kind: upload.kind, bytes: upload.size, path: slot.path }] : [];
  });
  // Both, all at once: the mapping leaves out what it reported, so the schema check does not say it again.
  const problems = [...new Set([...checked.problems, ...(await checkV3Input(checked.input, detail, localChecks))])];
  if (problems.length > 0) throw InputError.all(problems, `The request for model ${detail.id} has`);
  const used = uploads.filter((upload) => checked.media.some((slot) => slot.kind === 'file' && byWritten.get(slot.written) === upload));
  const count = jobCount(settings);
  const label = detail.name ? `${detail.id} (${detail.name})` : detail.id;
  const summary: Omit<SummaryInput, 'items' | 'elapsedMs'> = {
    type: detail.modality,
    model: label,
    resumed: false,
    uploads: used.map((upload) => ({ ...upload, assetId: '' })),
    request: { input: checked.input },
  };

  if (settings.dryRun) {
    // Without stored files there is no request to price: the estimate is made only for a request without local files.
    const estimate = used.length === 0 ? await settled(client.estimate(detail.id, checked.input), () => undefined) : undefined;
    const spending = spendingFor(estimate, count);
    if (spending.estimateText) log.info(`Estimated cost: ${spending.estimateText}.`);
    else if (used.length > 0) log.info('Not estimated: the estimate prices the stored files, and a dry run stores none.');
    setOutputs(log, { ...spendingOutputs(spending), request: JSON.stringify({ input: checked.input }) });
    for (const u of used) log.info(`Would store ${u.written} (${u.inputs.join(', ')}) with POST /files.`);
    log.info(
      `Dry run: the request for model ${detail.id} is valid${count > 1 ? ` (${count} jobs)` : ''}; nothing was submitted.\n${JSON.stringify({ input: checked.input }, null, 2)}`,
    );
    await log.summary(renderSummary({ ...summary, dryRun: true, spending, items: [], elapsedMs: run.clock() - run.startedAt }));
    return;
  }

  // Files are stored (free, and allowed on an empty wallet) before the estimate, which prices the real request.
  let handles = await store(run, client, used);
  let plan = withHandles(inputs, detail, byWritten, handles);
  const estimate = await settled(client.estimate(detail.id, plan.input), (error) =>
    log.warning(`Could not get an estimate from Hedra (${said(error)}).`, 'No estimate'),
  );
  const balance = await balanceRead;
  const spending = spendingFor(estimate, count);
  log.info(`Estimated cost: ${spending.estimateText ?? 'unknown'}.`);
  setOutputs(log, spendingOutputs(spending));
  guardSpending(settings, spending, balance);

  // The idempotency keys: with `reuse`, derived from the request and the API key, so that a re-run of the
  // same request is answered with the job it started; random otherwise (a retry still gets its own job).
  // Hedra ties a key to the exact request, whose stored files' handles change with every upload: with
  // local files a re-run is a new request, and the keys only protect this run's retries.
  const keysFor = settings.reuse ? derivedKeys(apiKey, settings, detail, plan.input) : undefined;
  if (keysFor && used.length > 0)
    log.info('With local files, a re-run stores them again under new handles, so it makes a new job (reuse covers requests without local files on v3).');
  state.phase = 'creating the generation';
  const submittedAt = run.clock();
  const jobs: (string | undefined)[] = new Array(count).fill(undefined);
  let refused = await submitEach(run, client, detail, plan.input, keysFor ? keysFor(0) : Array.from({ length: count }, run.newId), jobs);
  if (refused.size > 0 && used.length > 0 && [...refused.values()].every(expiredHandle)) {
    // A handle lapsed between storing and submitting (they last an hour): store the files again, once, and
    // submit the refused items (the refusal made no job) with the fresh handles.
    log.info('Hedra said a stored file had expired; storing the files again and submitting with the fresh handles.');
    handles = await store(run, client, used);
    plan = withHandles(inputs, detail, byWritten, handles);
    state.phase = 'creating the generation';
    const keys = settings.reuse ? derivedKeys(apiKey, settings, detail, plan.input)(0) : Array.from({ length: count }, run.newId);
    refused = await submitEach(run, client, detail, plan.input, keys, jobs, [...refused.keys()]);
  }
  if (refused.size > 0) throw submitFailure(run, detail, [...refused.values()][0]);
  const submitted = jobs as string[];
  const reused = keysFor && used.length === 0 ? await replaced(run, client, detail, plan.input, keysFor, submitted, submittedAt) : new Set<number>();
  if (reused.size === submitted.length) {
    Object.assign(spending, { estimated: 0, reused: { waited: false } });
    setOutputs(log, spendingOutputs(spending));
  }
  const shown = shownInput(plan.input);
  setOutputs(log, { request: JSON.stringify(shown), 'generation-id': submitted[0], 'generation-ids': JSON.stringify(submitted) });
  const fresh = submitted.filter((_, i) => !reused.has(i));
  if (fresh.length > 0) log.info(`Submitted ${detail.id} job ${fresh.join(', ')}.`);
  summary.request = shown;

  if (!settings.wait) {
    await log.summary(
      renderSummary({ ...summary, spending, createdOnly: { generationIds: submitted, assetIds: [] }, items: [], elapsedMs: run.clock() - run.startedAt }),
    );
    return;
  }
  await collect(run, client, submitted, {
    summary,
    spending,
    modality: detail.modality,
    request: shown,
    paidEarlier: new Set(submitted.filter((_, i) => reused.has(i))),
  });
}

/** The mapping with the stored files' handles in place of their paths. */
function withHandles(inputs: V3Inputs, model: V3ModelDetail, byWritten: Map<string, Upload>, handles: Map<Upload, FileHandle>): V3InputPlan {
  return mapV3Input(inputs, model, (written) => {
    const upload = byWritten.get(written);
    const handle = upload && handles.get(upload);
    if (!handle) throw new Error(`no stored file for ${written}`);
    return handle.url;
  });
}

/**
 * The keys of each slot, one per job, derived like reuse's ids (credits/reuse.ts): an HMAC under the API key
 * of everything that makes the request (the base URL, the model and the input as sent).
 */
function derivedKeys(apiKey: string, settings: Settings, model: V3ModelDetail, input: Record<string, unknown>): (slot: number) => string[] {
  const key = sha256(canonicalJson({ v: 1, api: 'v3', baseUrl: settings.baseUrl, model: model.id, input }));
  return (slot) => generationIdsFor(apiKey, key, slot, jobCount(settings));
}

/** How much older than this run's first submit a job must be to count as an earlier run's: far more than clocks drift apart. */
const EARLIER_BY_MS = 60_000;

/**
 * Hedra answers a repeated idempotency key with the job it started, whatever became of it. A job Hedra
 * says was submitted well before this run's first submit (its first lifecycle event) was made by an
 * earlier run: completed with its output still kept, or still running, it is this run's result at no
 * cost; failed (refunded) or expired, it would fail every re-run, so that item is submitted again under
 * the next slot's key, and after the last slot under a random one, as reuse skips a failed generation on
 * v2. A job this run made is never submitted again. Returns the items reused; `jobs` is updated in place,
 * each new job recorded as soon as it exists.
 */
async function replaced(
  run: V3Run,
  client: HedraV3Client,
  model: V3ModelDetail,
  input: Record<string, unknown>,
  keysFor: (slot: number) => string[],
  jobs: string[],
  submittedAt: number,
): Promise<Set<number>> {
  const reused = new Set<number>();
  await Promise.all(
    jobs.map(async (_, item) => {
      for (let slot = 1; ; slot++) {
        const job = jobs[item];
        const { status, submittedAt: madeAt } = await client.statusAndStart(job);
        if (madeAt === undefined || madeAt > submittedAt - EARLIER_BY_MS) return;
        const why = await unusable(client, job, status.status);
        if (why === undefined) {
          reused.add(item);
          run.log.info(
            status.status === 'COMPLETED'
              ? `Job ${job} was made earlier from the same request (Hedra answered the same idempotency key with it): nothing is paid again. For a new take, change "seed" or set "reuse: false".`
              : `Job ${job}, from the same request, is still running (an earlier run started it): waiting for it instead of paying for another.`,
          );
          return;
        }
        const fresh = slot >= SLOTS;
        run.log.info(
          `Job ${job}, made earlier from the same request, ${why}: submitting again under a new key${fresh ? ' (a random one: the derived ones are used up)' : ''}.`,
        );
        const key = fresh ? run.newId() : keysFor(slot)[item];
        jobs[item] = (await client.submit(model.id, input, key)).job_id;
        run.state.created = [...jobs];
        if (fresh) return;
      }
    }),
  );
  return reused;
}

/** Why an earlier run's job cannot be this run's result (failed, or its output expired), or undefined when it can. */
async function unusable(client: HedraV3Client, job: string, status: string): Promise<string | undefined> {
  if (status === 'FAILED') return 'had failed';
  if (status !== 'COMPLETED') return undefined;
  const output = (await client.result(job)).outputs?.[0];
  return output && output.status !== 'EXPIRED' && output.url ? undefined : `has no output left (Hedra keeps results for ${RETENTION})`;
}

/** How many files are stored at once. */
const STORE_CONCURRENCY = 3;

/** Stores each local file with POST /files, a few at a time. */
async function store(run: V3Run, client: HedraV3Client, uploads: Upload[]): Promise<Map<Upload, FileHandle>> {
  const handles = new Map<Upload, FileHandle>();
  if (uploads.length === 0) return handles;
  run.state.phase = 'uploading';
  await run.log.group(`Storing ${uploads.length} file${uploads.length > 1 ? 's' : ''}`, () =>
    pool(uploads, STORE_CONCURRENCY, async (upload) => {
      const started = run.clock();
      const handle = await client.uploadFile(upload);
      handles.set(upload, handle);
      run.log.info(
        `Stored ${upload.written} (${upload.inputs.join(', ')}, ${handle.content_type ?? upload.contentType}) in ${((run.clock() - started) / 1000).toFixed(1)}s; the handle is valid until ${handle.expires_at ?? 'an hour from now'}.`,
      );
    }),
  );
  return handles;
}

/** Whether a submit was refused because a stored file's handle had lapsed (reason `expired`). */
function expiredHandle(error: unknown): boolean {
  if (!(error instanceof HedraError) || error.status !== 400) return false;
  return v3Envelope(error.body)?.details.some((detail) => detail.reason === 'expired') ?? false;
}

/**
 * Submits the items (all unless said), together, one key each, filling `jobs`; every job that exists is
 * recorded at once. Resolves to the refusals, by item.
 */
async function submitEach(
  run: V3Run,
  client: HedraV3Client,
  model: V3ModelDetail,
  input: Record<string, unknown>,
  keys: string[],
  jobs: (string | undefined)[],
  items: number[] = keys.map((_, i) => i),
): Promise<Map<number, unknown>> {
  const refused = new Map<number, unknown>();
  await Promise.all(
    items.map(async (item) => {
      try {
        jobs[item] = (await client.submit(model.id, input, keys[item])).job_id;
        run.state.created = jobs.filter((job): job is string => job !== undefined);
      } catch (error) {
        refused.set(item, error);
      }
    }),
  );
  return refused;
}

/** A refused submit as the user reads it: field problems in the workflow's words, an unknown outcome with what to do. */
function submitFailure(run: V3Run, model: V3ModelDetail, error: unknown): unknown {
  if (error instanceof HedraError && error.status === 400 && v3Envelope(error.body)?.details.length) {
    const lines = v3DetailLines(error.body, (field) => subjectFor(field, model));
    return new HedraError(`Hedra refused the request for model ${model.id} (HTTP 400):\n- ${lines.join('\n- ')}`, error.status, error.body);
  }
  if (error instanceof HedraError && v3Envelope(error.body)?.code === 'ALREADY_EXISTS') {
    return new HedraError(
      `${error.message}\nHedra already has a job under this idempotency key, for a request that differs. Set "reuse: false" for a new job, or pick up a job you know with generation-id: job_….`,
      error.status,
      error.body,
    );
  }
  if (!(error instanceof HedraError) || error.status >= 500) {
    // The outcome of a lost answer is unknown: the same key replays whatever Hedra made of it.
    const note = run.settings.reuse
      ? 'A submit may have reached Hedra: running this workflow again with the same inputs sends the same idempotency key, and Hedra answers with that job instead of starting another.'
      : 'A submit may have reached Hedra: check its dashboard before running again (with "reuse: false", a re-run starts a new job).';
    if (error instanceof Error) error.message = `${error.message}\n${note}`;
  }
  return error;
}

/** The estimate for `count` jobs, in the wallet's currency. */
function spendingFor(estimate: Money | undefined, count: number): Spending {
  if (!estimate) return { currency: 'USD' };
  const total = Math.round(estimate.amount * count * 10_000) / 10_000;
  const each = count > 1 ? ` (${count} × ${formatCost(estimate.amount, estimate.currency)})` : '';
  return { currency: estimate.currency, estimated: total, estimateText: `${formatCost(total, estimate.currency)}${each}, from POST /models/{model}/estimate` };
}

/** What a refusal adds: it is made before submitting, when an earlier run's job (free to reuse) cannot be known yet. */
const PICK_UP_HINT = 'To download a job already paid for, pick it up with generation-id: job_… (no guard applies).';

/** `max-credits` (in US dollars on v3) and the wallet, before anything is paid. */
function guardSpending(settings: Settings, spending: Spending, balance: Money | undefined): void {
  if (settings.maxCredits !== undefined) {
    if (spending.estimated === undefined) {
      throw new SpendingRefused(
        `Input "max-credits" (${formatCost(settings.maxCredits, 'USD')}: US dollars on v3) is set, but Hedra gave no estimate for this request, so the guard refuses rather than guess. Nothing was submitted.`,
      );
    }
    if (spending.estimated > settings.maxCredits) {
      throw new SpendingRefused(
        `The estimated cost, ${spending.estimateText}, is over input "max-credits" (${formatCost(settings.maxCredits, spending.currency)}: on v3 the budget is in US dollars, the API wallet's unit). Nothing was submitted. ${PICK_UP_HINT}`,
      );
    }
  }
  if (balance && spending.estimated !== undefined && spending.estimated > balance.amount) {
    throw new SpendingRefused(
      `The API wallet holds ${formatCost(balance.amount, balance.currency)}, less than this run's estimated ${formatCost(spending.estimated, spending.currency)}. Add funds at ${FUNDING_URL} (the v3 wallet is separate from v2 credits and from Studio). Nothing was submitted. ${PICK_UP_HINT}`,
    );
  }
}

interface CollectOptions {
  summary: Omit<SummaryInput, 'items' | 'elapsedMs'>;
  spending: Spending;
  modality?: string;
  request?: unknown;
  /** Jobs an earlier run paid for (reused): they cost this run nothing. */
  paidEarlier?: Set<string>;
}

/** Follows the jobs, fetches and downloads each output as its job ends, reports; fails if any job failed. */
async function collect(run: V3Run, client: HedraV3Client, jobs: string[], options: CollectOptions): Promise<void> {
  const { log, settings, state } = run;
  const transport = run.transport();
  const items: ItemResult[] = jobs.map((job) => ({ generationId: job, status: { id: job, status: 'queued' } }));
  const downloads = settings.download ? await downloadQueue({ transport, log, clock: run.clock }, settings.outputPath, items.length) : undefined;
  const costs = new Map<string, number>();
  const results: Promise<void>[] = [];
  state.phase = 'waiting';
  try {
    await log.group(`Waiting for job ${jobs.join(', ')}`, () =>
      waitForJobs(jobs, {
        client,
        log,
        deadline: transport.control.deadline,
        clock: run.clock,
        sleep: (ms) => transport.control.sleep(ms),
        onFinal: (job, status) => {
          const index = jobs.indexOf(job);
          const read = finalResult(client, job, (ms) => transport.control.sleep(ms)).then(
            (result) => {
              if (typeof result.cost === 'number') costs.set(job, result.cost);
              items[index].status = itemStatus(job, status, result, options.modality);
              downloads?.add(index, items[index]);
            },
            (error) => {
              if (error instanceof Cancelled || error instanceof DeadlineReached) throw error;
              items[index].status = lost(job, `its result could not be read (${said(error)})`);
            },
          );
          results.push(read);
        },
        // One job that cannot be followed does not stop the others: their results are paid for.
        onLost: (job, error) => {
          items[jobs.indexOf(job)].status = lost(job, `it could not be followed (${said(error)})`);
        },
      }),
    );
    await Promise.all(results);
  } catch (error) {
    if (!(error instanceof WaitTimeout)) throw error;
    throw new GenerationFailed(waitTimeoutMessage(error, jobs, settings.timeoutMs));
  }
  state.phase = 'downloading';
  if (downloads) await log.group('Downloading', () => downloads.settle());

  state.phase = 'reporting';
  const paid = jobs.filter((job) => !options.paidEarlier?.has(job));
  const charged = paid.every((job) => costs.has(job)) ? paid.reduce((sum, job) => sum + (costs.get(job) ?? 0), 0) : undefined;
  const spending: Spending = { ...options.spending, charged: charged === undefined ? undefined : Math.round(charged * 10_000) / 10_000, perItem: costs };
  await reportResults({
    log,
    env: run.env,
    settings,
    items,
    request: options.request,
    summary: { ...options.summary, spending, elapsedMs: run.clock() - run.startedAt },
    spending,
  });
  if (items.some((item) => item.status.status === 'error')) throw new GenerationFailed(failedItemsMessage(items));
}

/** An item whose job may still end well, but this run could not see it: how to pick it up. */
function lost(job: string, why: string): GenerationStatus {
  return {
    id: job,
    status: 'error',
    error_message: `${why}; it may still complete on Hedra's side: to pick it up without paying again, run this action with generation-id: ${job}`,
  };
}

/**
 * The job's result once it has ended. Hedra's stream is fed apart from the result's store, so a result
 * read right as the stream says "completed" may lag: it is read again, a few times, a second apart.
 */
async function finalResult(client: HedraV3Client, job: string, sleep: (ms: number) => Promise<void>): Promise<V3Result> {
  for (let attempt = 1; ; attempt++) {
    const result = await client.result(job);
    const ended = result.status === 'FAILED' || (result.status === 'COMPLETED' && (result.outputs?.length ?? 0) > 0);
    if (ended || attempt >= 4) return result;
    await sleep(1000);
  }
}

/** How long Hedra keeps a v3 job's media. */
const RETENTION = '48 hours';

/** A finished job as the shared downloads and reporting see a generation: its one output, or why there is none. */
export function itemStatus(job: string, status: V3Status, result: V3Result, modality: string | undefined): GenerationStatus {
  const type = modality ?? undefined;
  if (status.status === 'FAILED' || result.status === 'FAILED') {
    const error = result.error;
    if (!error) return { id: job, type, status: 'error', error_message: 'Hedra gave no reason' };
    return {
      id: job,
      type,
      status: 'error',
      error: {
        type: error.code ?? undefined,
        message: error.message ?? undefined,
        param: error.param ?? undefined,
        violations: (error.details ?? []).map((d) => ({ field: d.field, message: d.message })),
      },
    };
  }
  const output = result.outputs?.[0];
  if (!output) return { id: job, type, status: 'error', error_message: 'the job completed without an output' };
  if (output.status === 'EXPIRED' || (!output.url && !output.asset_id)) {
    return {
      id: job,
      type,
      status: 'error',
      error_message: `its output has expired: Hedra keeps v3 results for ${RETENTION}, so it can no longer be downloaded. Run again to make a new one (with "reuse: false", or a different seed)`,
    };
  }
  if (output.status === 'FAILED') {
    return { id: job, type, status: 'error', error: { type: output.error?.code ?? undefined, message: output.error?.message ?? 'the output failed' } };
  }
  // v3 has only the presigned URL (v2's `url` is a plain one): it goes to `download-url`, and `url` stays empty.
  return { id: job, type, status: 'complete', asset_id: output.asset_id ?? undefined, download_url: output.url };
}
