// Hedra's v3 API as the pipeline drives it: one endpoint per model, the
// model's own input schema checked with a real JSON-schema validator, local
// files stored with POST /files (free, valid for an hour), prices from
// POST /models/{model}/estimate in US dollars, one job per batch item under
// an idempotency key, and each job followed on its event stream (polling
// when the stream fails). Design: docs/decisions/v3.md.
import { DeadlineReached, isStop, said } from '../../core/errors.js';
import { once, pool } from '../../core/lazy.js';
import { formatMoney, rounded } from '../../core/money.js';
import {
  type Adapter,
  type AdapterContext,
  type Balance,
  type DryRunReport,
  type Estimate,
  type HedraApi,
  type ItemStatus,
  type Submission,
  WaitTimeout,
} from '../../hedra/api.js';
import { HttpError } from '../../http/errors.js';
import type { Upload } from '../../media/local-files.js';
import { settled } from '../../pipeline/context.js';
import { type FileHandle, HedraV3Client, type V3ModelDetail } from './client.js';
import type { Before } from './earlier.js';
import { describeV3Error } from './errors.js';
import { asItemStatus, waitForJobs } from './follow.js';
import { prepareV3, type V3Plan, withHandles } from './plan.js';
import { withUrlAdvice } from './refused-urls.js';
import { finalResult, itemStatus, lost, shownInput } from './results.js';
import { V3_HEADERS } from './spec-version.js';
import { derivedKeys, expiredHandle, mayBeKept, mayExistNote, outcomeUnknown, replaced, submitEach, submitFailure } from './submit.js';

/** Where a person adds funds to the v3 wallet. */
const FUNDING_URL = 'https://www.hedra.com/develop/billing';

/** How many files are stored at once. */
const STORE_CONCURRENCY = 3;

/**
 * Hedra's documented limit: 60 requests per 60 s per API key (the 429 example of the v3 document, and
 * ../shared/hedra-api/README.md), which every request of a run keeps to (docs/decisions/request-budget.md).
 */
export const V3_RATE_LIMIT = { requests: 60, windowMs: 60_000 };

/** The v3 API: its key as `Authorization: Key <key_id>:<secret>`, the spec version it is built against, its error envelope, its rate limit. */
export const v3Adapter: Adapter = {
  keyScheme: 'authorization-key',
  headers: V3_HEADERS,
  describeError: describeV3Error,
  rateLimit: V3_RATE_LIMIT,
  make: v3Api,
};

export function v3Api(ctx: AdapterContext): HedraApi<V3Plan> {
  const { log, settings } = ctx;
  const client = once(() => new HedraV3Client(ctx.transport(), log, ctx.clock));
  /** What the model makes: every report of its jobs says so. */
  let modality: string | undefined;

  /** Stores each local file with POST /files, a few at a time. */
  async function store(uploads: Upload[]): Promise<Map<Upload, FileHandle>> {
    const handles = new Map<Upload, FileHandle>();
    await log.group(`Storing ${uploads.length} file${uploads.length > 1 ? 's' : ''}`, () =>
      pool(uploads, STORE_CONCURRENCY, async (upload) => {
        const started = ctx.clock();
        const handle = await client().uploadFile(upload);
        handles.set(upload, handle);
        log.info(
          `Stored ${upload.written} (${upload.inputs.join(', ')}, ${handle.content_type ?? upload.contentType}) in ${((ctx.clock() - started) / 1000).toFixed(1)}s; the handle is valid until ${handle.expires_at ?? 'an hour from now'}.`,
        );
      }),
    );
    return handles;
  }

  return {
    name: 'v3',
    unit: 'USD',
    noun: 'job',

    // The mapping puts the text where the model takes it (`prompt`, or `text` on a speech model).
    promptInput: () => 'prompt',

    async prepare(request) {
      const plan = await prepareV3(ctx.apiKey ? client() : undefined, request, (text) => log.info(text), ctx.reads);
      modality = plan.detail?.modality;
      return plan;
    },

    // Hedra answers a repeated idempotency key with the job it started: earlier work shows only once submitted.
    earlier: async () => undefined,

    async estimate(plan): Promise<Estimate> {
      if (!plan.detail) return { known: false, reason: "pricing the request needs an API key (Hedra's estimate)" };
      if (plan.uploads.length > 0 && !plan.handles) return { known: false, reason: 'the estimate prices the stored files', afterStoring: true };
      const price = await settled(client().estimate(plan.detail.id, plan.input), (error) =>
        log.warning(`Could not get an estimate from Hedra (${said(error)}).`, 'No estimate'),
      );
      if (!price) return { known: false, reason: 'Hedra gave no estimate for this request' };
      if (price === 'unpriceable') {
        return {
          known: false,
          reason: `Hedra cannot price model ${plan.detail.id} before it has measured the inputs (its estimate gives no cost)`,
          unpriceable: true,
        };
      }
      if ('problem' in price) {
        const reason = `Hedra's estimate answered ${price.problem}`;
        log.warning(`The cost is not known: ${reason}. It is not taken as free.`, 'No estimate');
        return { known: false, reason };
      }
      const each = price;
      const total = { amount: rounded(price.amount * plan.count), unit: price.unit };
      const times = plan.count > 1 ? ` (${plan.count} × ${formatMoney(each)})` : '';
      return { known: true, total, each, items: plan.count, lowerBound: false, text: `${formatMoney(total)}${times}, from POST /models/{model}/estimate` };
    },

    async balance(): Promise<Balance | undefined> {
      const balance = await client().balance();
      if (!balance) return undefined;
      if ('problem' in balance) {
        log.info(`The API wallet's balance cannot be weighed (Hedra answered ${balance.problem}); Hedra checks it when the request is submitted.`);
        return undefined;
      }
      return {
        what: 'money in the Hedra API wallet',
        available: balance,
        topUp: `Add funds at ${FUNDING_URL} (the v3 wallet is separate from v2 credits and from Studio).`,
        // Wallets can top up automatically at submit (builds after spec 3.9.0): a low balance proves nothing.
        mayTopUpAtSubmit: true,
      };
    },

    dryRun(plan): DryRunReport {
      if (!plan.detail) {
        return {
          lines: [
            `Dry run without an API key: the inputs were read, but checking them against model ${plan.inputs.model}'s input schema needs a key; nothing was sent.`,
          ],
        };
      }
      const lines = plan.uploads.map((u) => `Would store ${u.written} (${u.inputs.join(', ')}) with POST /files.`);
      const jobs = plan.count > 1 ? ` (${plan.count} jobs)` : '';
      lines.push(`Dry run: the request for model ${plan.detail.id} is valid${jobs}; nothing was submitted.\n${JSON.stringify({ input: plan.input }, null, 2)}`);
      return { lines, request: { input: plan.input } };
    },

    // Files are stored (free, and allowed on an empty wallet) before the estimate, which prices the real request.
    async store(plan) {
      const handles = await store(plan.uploads);
      const { input } = withHandles(plan, handles);
      return { ...plan, handles, input, request: shownInput(input) };
    },

    async submit(plan, state): Promise<Submission> {
      const detail = plan.detail as V3ModelDetail;
      const submitting = { log, settings, state, newId: ctx.newId };
      const { count } = plan;
      // The idempotency keys: with `reuse`, derived from the request and the API key, so that a re-run of the
      // same request is answered with the job it started; random otherwise (a retry still gets its own job).
      // Hedra ties a key to the exact request, whose stored files' handles change with every upload: with
      // local files a re-run is a new request, and the keys only protect this run's retries.
      const keysFor = settings.reuse && ctx.apiKey ? derivedKeys(ctx.apiKey, settings, detail, plan.input) : undefined;
      if (keysFor && plan.uploads.length > 0) {
        log.info('With local files, a re-run stores them again under new handles, so it makes a new job (reuse covers requests without local files on v3).');
      }
      const submittedAt = ctx.clock();
      const jobs: (string | undefined)[] = new Array(count).fill(undefined);
      let input = plan.input;
      // Until every submit has answered, whatever ends the run says what may exist and how to find it.
      const rerunFinds = keysFor !== undefined && plan.uploads.length === 0;
      /**
       * A refusal under a derived key may be one Hedra kept from an earlier run whose cause is fixed since: the
       * refused items are submitted once more under random keys (a refused submit is free), and only a refusal
       * that still holds fails the run. A job so made is this run's; a re-run cannot find it by its key.
       */
      const refusedAgain = async (refusals: Map<number, unknown>) => {
        const items = [...refusals].filter(([, error]) => mayBeKept(error)).map(([item]) => item);
        log.info(
          `Hedra refused the submit under this request's idempotency key (${said(refusals.get(items[0]))}). Whether Hedra keeps a refusal under its key is undocumented: submitting once more under a new random key, so that an earlier run's refusal is not taken for this one's.`,
        );
        const again = await submitAll(Array.from({ length: count }, ctx.newId), items, false);
        const made = items.filter((item) => !again.has(item)).map((item) => jobs[item]);
        for (const item of items) {
          const error = again.get(item);
          if (error === undefined) refusals.delete(item);
          else refusals.set(item, error);
        }
        if (made.length > 0) {
          log.info(
            `Hedra accepted the new key (job ${made.join(', ')}): the refusal was one it kept under this request's key. Until Hedra forgets it, a re-run with the same inputs makes a new job; to use ${made.length > 1 ? 'them' : 'it'} again, give generation-id the job id${made.length > 1 ? 's, one a line' : ''}.`,
          );
        }
        return refusals;
      };
      const submitAll = async (keys: string[], items?: number[], findable = rerunFinds) => {
        state.mayExist = mayExistNote(detail.id, items ? items.map((i) => keys[i]) : keys, findable, submittedAt);
        const refusals = await submitEach(submitting, client(), detail, input, keys, jobs, items);
        // A job whose answer's headers named it is known (state.created): only an item with no job may leave one unnamed.
        if (![...refusals].some(([item, error]) => jobs[item] === undefined && outcomeUnknown(error))) state.mayExist = undefined;
        return refusals;
      };
      // Hedra's clock as it last said, just before each submit: a job it stamps earlier is an earlier run's.
      const before = (): Before => ({ hedra: client().hedraTime(), runner: ctx.clock() });
      const first = before();
      let refused = await submitAll(keysFor ? keysFor(0) : Array.from({ length: count }, ctx.newId));
      if (refused.size > 0 && plan.uploads.length > 0 && [...refused.values()].every(expiredHandle)) {
        // A handle lapsed between storing and submitting (they last an hour): store the files again, once, and
        // submit the refused items (the refusal made no job) with the fresh handles.
        log.info('Hedra said a stored file had expired; storing the files again and submitting with the fresh handles.');
        state.phase = 'uploading';
        input = withHandles(plan, await store(plan.uploads)).input;
        state.phase = 'creating the generation';
        const keys = keysFor ? derivedKeys(ctx.apiKey as string, settings, detail, input)(0) : Array.from({ length: count }, ctx.newId);
        refused = await submitAll(keys, [...refused.keys()]);
      }
      if (rerunFinds && [...refused.values()].some(mayBeKept)) refused = await refusedAgain(refused);
      if (refused.size > 0) throw withUrlAdvice(submitFailure(detail, [...refused.values()][0]), plan.urls);
      const submitted = jobs as string[];
      const reused =
        keysFor && plan.uploads.length === 0 ? await replaced(submitting, client(), detail, input, keysFor, submitted, first, before) : new Set<number>();
      const fresh = submitted.filter((_, i) => !reused.has(i));
      if (fresh.length > 0) log.info(`Submitted ${detail.id} job ${fresh.join(', ')}.`);
      return {
        ids: submitted,
        assetIds: submitted.map(() => ''),
        refused: [],
        paidElsewhere: new Set(submitted.filter((_, i) => reused.has(i))),
        reused: reused.size === submitted.length ? { waited: false } : undefined,
        request: input === plan.input ? undefined : shownInput(input),
      };
    },

    async unknownIds(jobs) {
      const unknown: string[] = [];
      for (const job of jobs) {
        try {
          await client().status(job);
        } catch (error) {
          if (!(error instanceof HttpError) || error.status !== 404) throw error;
          unknown.push(job);
        }
      }
      return unknown;
    },

    async follow(jobs, handlers) {
      const { control } = ctx.transport();
      const results: Promise<void>[] = [];
      /** Jobs that ended, whose result has not been read yet (it may lag the status). */
      const unread = new Set<string>();
      const seen = new Map<string, ItemStatus | undefined>(jobs.map((job) => [job, undefined]));
      const ended = (job: string, status: ItemStatus, cost?: { amount: number; unit: string }) => {
        unread.delete(job);
        seen.set(job, status);
        handlers.onFinal(job, status, cost);
      };
      try {
        await waitForJobs(jobs, {
          client: client(),
          log,
          deadline: control.deadline,
          clock: ctx.clock,
          sleep: (ms, signal) => control.sleep(ms, signal),
          onFinal: (job, status) => {
            unread.add(job);
            seen.set(job, { ...asItemStatus(job, status), status: 'finalizing' });
            const read = finalResult(client(), job, (ms) => control.sleep(ms)).then(
              (result) => {
                const cost = typeof result.cost === 'number' ? { amount: result.cost, unit: result.currency ?? 'USD' } : undefined;
                ended(job, itemStatus(job, status, result, modality), cost);
              },
              (error) => {
                if (isStop(error)) throw error;
                ended(job, lost(job, `its result could not be read (${said(error)})`));
              },
            );
            results.push(read);
          },
          // One job that cannot be followed does not stop the others: their results are paid for.
          onLost: (job, error) => ended(job, lost(job, `it could not be followed (${said(error)})`)),
        });
        await Promise.all(results);
      } catch (error) {
        await Promise.allSettled(results);
        // The deadline while a result lagged: those jobs ended and are paid for; they are named as not readable yet.
        if (error instanceof WaitTimeout) throw new WaitTimeout(new Map([...error.last].map(([job, s]) => [job, seen.get(job) ?? s])), unread);
        if (error instanceof DeadlineReached) throw new WaitTimeout(seen, unread);
        throw error;
      }
    },

    // What each job cost came with its result: nothing more to read.
    charged: async (_jobs, known) => known,
  };
}
