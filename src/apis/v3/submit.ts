// Submitting v3 jobs exactly once: one POST /models/{model} per batch item,
// each under an idempotency key chosen before the first attempt (derived from
// the request and the key with `reuse`, so that a re-run is answered with the
// job it started), retried by the one policy. A handle that lapsed before the
// submit is stored again once; a job an earlier run made is reused when it
// can be, and submitted again under the next slot's key when it cannot.
import type { Log } from '../../action/log.js';
import { canonicalJson } from '../../core/json.js';
import type { RunState } from '../../hedra/api.js';
import { generationIdsFor, SLOTS, sha256 } from '../../hedra/derived-ids.js';
import { HttpError } from '../../http/errors.js';
import type { Settings } from '../../inputs/settings.js';
import type { HedraV3Client, V3ModelDetail } from './client.js';
import { type Before, existedBefore, type JobFacts, otherRequest, verdict } from './earlier.js';
import { v3DetailLines, v3Envelope } from './errors.js';
import { subjectFor } from './input.js';
import { jobCount } from './plan.js';

/** What submitting needs of the run. */
export interface SubmitContext {
  log: Pick<Log, 'info'>;
  settings: Settings;
  state: RunState;
  newId: () => string;
}

/**
 * The keys of each slot, one per job, derived like reuse's ids (credits/reuse.ts): an HMAC under the API key
 * of everything that makes the request (the base URL, the model and the input as sent).
 */
export function derivedKeys(apiKey: string, settings: Settings, model: V3ModelDetail, input: Record<string, unknown>): (slot: number) => string[] {
  const key = sha256(canonicalJson({ v: 1, api: 'v3', baseUrl: settings.baseUrl, model: model.id, input }));
  return (slot) => generationIdsFor(apiKey, key, slot, jobCount(settings));
}

/**
 * Hedra answers a repeated idempotency key with the job it first made, whatever became of it, and does not
 * say whether an answer is a replay: what Hedra says about the job decides (earlier.ts). A job Hedra stamps
 * before an instant its clock had passed before this submit was made by an earlier run: completed with its
 * output still kept, or still running, it is this run's result at no cost; failed, expired or gone, it is
 * never this run's answer: the item is submitted again under the next slot's key (so that two re-runs of the
 * same failure still meet on one job), and after the last slot under a random one, as reuse skips a failed
 * generation on v2. A job made for another request (a key Hedra replays whatever the body) is left for a
 * random key. A job this run made is never submitted again. `before` is read just before each submit.
 * Returns the items reused; `jobs` is updated in place, each new job recorded as soon as it exists.
 */
export async function replaced(
  ctx: SubmitContext,
  client: HedraV3Client,
  model: V3ModelDetail,
  input: Record<string, unknown>,
  keysFor: (slot: number) => string[],
  jobs: string[],
  first: Before,
  before: () => Before,
): Promise<Set<number>> {
  const reused = new Set<number>();
  await Promise.all(
    jobs.map(async (_, item) => {
      let at = first;
      for (let slot = 1; ; slot++) {
        const job = jobs[item];
        const said = verdict(await factsOf(client, model, input, job, at), at);
        if (said.kind === 'made') {
          if (said.undated) ctx.log.info(`Hedra gave no time for job ${job}: it is taken as made by this run, and paid by it.`);
          else if (slot === 1) {
            // A key Hedra has forgotten makes a new job: said, and counted as this run's.
            ctx.log.info(
              `Job ${job} is new: Hedra had no job under its idempotency key (the first run of this request, or an earlier run's key Hedra no longer keeps), so this run pays for it.`,
            );
          }
          return;
        }
        if (said.kind === 'reuse') {
          reused.add(item);
          ctx.log.info(
            said.running
              ? `Job ${job}, from the same request, is still running (an earlier run started it): waiting for it instead of paying for another.`
              : `Job ${job} was made earlier from the same request (Hedra answered the same idempotency key with it): nothing is paid again. For a new take, change "seed" or set "reuse: false".`,
          );
          return;
        }
        const fresh = said.freshKey || slot >= SLOTS;
        const whose = said.freshKey
          ? `Hedra answered this request's idempotency key with job ${job}, which`
          : `Job ${job}, made earlier from the same request,`;
        ctx.log.info(
          `${whose} ${said.why}: submitting again under a new key${fresh ? ` (a random one${said.freshKey ? '' : ': the derived ones are used up'})` : ''}.`,
        );
        const key = fresh ? ctx.newId() : keysFor(slot)[item];
        at = before();
        jobs[item] = (await client.submit(model.id, input, key)).job_id;
        ctx.state.created = [...jobs];
        if (fresh) return;
      }
    }),
  );
  return reused;
}

/** What Hedra says about a job: its status and when it was submitted; for an earlier one, its output and whose request it ran. */
async function factsOf(client: HedraV3Client, model: V3ModelDetail, input: Record<string, unknown>, job: string, at: Before): Promise<JobFacts> {
  const { status, submittedAt } = await client.statusAndStart(job);
  if (!existedBefore(submittedAt, at)) return { submittedAt, status: status.status };
  const result = await client.result(job);
  const output = result.outputs?.[0];
  return {
    submittedAt,
    status: status.status,
    outputKept: Boolean(output && output.status !== 'EXPIRED' && output.url),
    otherRequest: otherRequest({ model: model.id, input }, result),
  };
}

/** Whether a submit was refused because a stored file's handle had lapsed (reason `expired`). */
export function expiredHandle(error: unknown): boolean {
  if (!(error instanceof HttpError) || error.status !== 400) return false;
  return v3Envelope(error.body)?.details.some((detail) => detail.reason === 'expired') ?? false;
}

/**
 * Submits the items (all unless said), together, one key each, filling `jobs`; every job that exists is
 * recorded at once. Resolves to the refusals, by item.
 */
export async function submitEach(
  ctx: SubmitContext,
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
      const record = (job: string) => {
        jobs[item] = job;
        ctx.state.created = jobs.filter((each): each is string => each !== undefined);
      };
      try {
        record((await client.submit(model.id, input, keys[item], record)).job_id);
      } catch (error) {
        refused.set(item, error);
      }
    }),
  );
  return refused;
}

/** A refused submit as the user reads it: field problems in the workflow's words, an unknown outcome with what to do. */
export function submitFailure(model: V3ModelDetail, error: unknown): unknown {
  if (error instanceof HttpError && error.status === 400 && v3Envelope(error.body)?.details.length) {
    const lines = v3DetailLines(error.body, (field) => subjectFor(field, model));
    return new HttpError(`Hedra refused the request for model ${model.id} (HTTP 400):\n- ${lines.join('\n- ')}`, error.status, error.body);
  }
  if (error instanceof HttpError && v3Envelope(error.body)?.code === 'ALREADY_EXISTS') {
    return new HttpError(
      `${error.message}\nHedra already has a job under this idempotency key, for a request that differs. Set "reuse: false" for a new job, or pick up a job you know with generation-id: job_….`,
      error.status,
      error.body,
    );
  }
  if (error instanceof HttpError && error.retryable === true && v3Envelope(error.body)?.code === 'ALREADY_IN_PROGRESS') {
    return new HttpError(
      `${error.message}\nAnother submit under this idempotency key (a run of the same inputs) is still being processed, so no second job was paid for. Run the workflow again once it has been, to get its job.`,
      error.status,
      error.body,
    );
  }
  return error;
}

/**
 * Whether a refusal may be one Hedra kept under the idempotency key from an earlier submit (whether it keeps
 * refusals is undocumented): any clear refusal (4xx) but a rate limit or a timeout, which the retry policy
 * owns, including ALREADY_EXISTS (the key taken by another body). Refused submits are free: asking once more
 * under a random key tells a refusal that still holds from one that no longer does. Not one Hedra says is
 * `retryable` (a key whose first submit is still in progress): the job under the key is coming, and a random
 * key would pay for a second one.
 */
export function mayBeKept(error: unknown): boolean {
  if (!(error instanceof HttpError) || error.retryable === true) return false;
  return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

/** Whether a submit that failed so may still have made a job: anything but Hedra's clear refusal (a 4xx other than 408). */
export function outcomeUnknown(error: unknown): boolean {
  return !(error instanceof HttpError) || error.status >= 500 || error.status === 408;
}

/**
 * What a submit in flight may leave on Hedra's side when the run ends before its answer names the job (the
 * deadline, a cancel, a lost connection): how to find it and pick it up without paying again. `rerunFinds`: the
 * keys are derived from the request, so the same inputs send them again and Hedra answers with the job.
 */
export function mayExistNote(model: string, keys: string[], rerunFinds: boolean, submittedAt: number): string {
  const one = keys.length === 1;
  const which = `${one ? 'A job' : 'Jobs'} of model ${model} may exist on Hedra's side: the submit (idempotency key${one ? '' : 's'} ${keys.join(', ')}) may have reached Hedra before its answer reached this run.`;
  if (rerunFinds) {
    return `${which} Running this workflow again with the same inputs sends the same idempotency key, and Hedra answers with that job instead of starting another (nothing is paid twice).`;
  }
  return (
    `${which} A re-run sends a new key (with "reuse: false", or with local files, which are stored again), so it would start and pay for another job: ` +
    `first look for ${one ? 'a job' : 'the jobs'} of ${model} submitted at ${new Date(submittedAt).toISOString()} (GET /v3/models/${model}/jobs, or Hedra's dashboard), and pick ${one ? 'it' : 'them'} up with generation-id: job_….`
  );
}
