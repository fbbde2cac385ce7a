// Hedra's v3 endpoints, on the same transport as v2 (the key goes as
// `Authorization: Key <key_id>:<secret>`). Answers are read leniently, like
// v2's; ids are checked strictly, because they name files and reach the log.
//
// Submitting is the one billed call. It is retried by the policy like any
// other, because every submit carries an idempotency key chosen before the
// first attempt: Hedra replays the original answer to a repeated submit
// instead of starting a second job (docs/decisions/v3.md).
import { z } from 'zod';
import type { Log } from '../../action/log.js';
import { InputError, UnexpectedAnswer } from '../../core/errors.js';
import { amountIn, type Money } from '../../core/money.js';
import { name } from '../../core/outside.js';
import { didYouMean } from '../../core/suggest.js';
import { Calls } from '../../hedra/calls.js';
import { lenientNumber, lenientText, read, resultUrl } from '../../hedra/lenient.js';
import { HttpError, NetworkError } from '../../http/errors.js';
import type { RetryOptions } from '../../http/retry.js';
import type { FileBody, Transport } from '../../http/transport.js';
import { isV3Id } from '../../inputs/parsers.js';
import { catalogueIds } from './catalogue.js';
import { v3Envelope } from './errors.js';

/** Where a person finds the models v3 offers. */
export const V3_CATALOGUE_URL = 'https://www.hedra.com/develop/models';

/**
 * A v3 id from Hedra: "server-issued, and opaque" (the examples show `job_<uuid>`, `asset_<uuid>`). Anything
 * safe to name a file, a URL path and a log line passes (isV3Id: its prefix, then letters, digits, `_` and
 * `-`, kept as written), so that a billed job is never refused over the form of its id; anything else (a
 * `../`, a line break, a `?`) is refused before it names anything.
 */
const jobId = () => z.string().refine((id) => isV3Id('job', id), 'is not a v3 job id (job_…)');
const assetId = () => z.string().refine((id) => isV3Id('asset', id), 'is not a v3 asset id (asset_…)');

const modelDetail = z.looseObject({
  id: z.string(),
  modality: lenientText(),
  name: lenientText(),
  input_schema: z.record(z.string(), z.unknown()),
});
export interface V3ModelDetail {
  id: string;
  modality: string;
  name?: string;
  inputSchema: Record<string, unknown>;
}

const submitAck = z.looseObject({ job_id: jobId(), model: lenientText(), status: lenientText() });
export type SubmitAck = z.infer<typeof submitAck>;

const jobStatus = z.looseObject({
  job_id: jobId().optional(),
  status: z.union([z.string(), z.number()]).transform(String),
  progress: lenientNumber(),
  estimated_completion_at: lenientText(),
});
/** With `logs_after=start`: the job's lifecycle events from the first (`queued`, when it was submitted). */
const jobStatusWithLogs = jobStatus.extend({
  logs: z
    .array(z.looseObject({ timestamp: lenientText() }).catch({ timestamp: undefined }))
    .nullish()
    .catch(undefined),
});
export type V3Status = z.infer<typeof jobStatus>;

/** The error envelope of a failed job or output, kept as Hedra wrote it (read by the reporting). */
const envelope = z
  .looseObject({
    code: lenientText(),
    message: lenientText(),
    param: lenientText(),
    details: z
      .array(z.looseObject({ field: lenientText(), message: lenientText() }))
      .catch([])
      .nullish(),
  })
  .nullish()
  .catch(undefined);
export type V3ErrorEnvelope = z.infer<typeof envelope>;

/** Whether a value is a v3 voice id safe to show and to pass on (a step output, the log). */
export const isVoiceId = (value: unknown): value is string => typeof value === 'string' && isV3Id('voice', value);
/** A voice an output may be (a voice clone's): a safe id, or nothing (it reaches the outputs and the log). */
const voiceId = () => z.string().refine((id) => isV3Id('voice', id), 'is not a v3 voice id (voice_…)');

const outputItem = z.looseObject({
  status: lenientText(),
  // Null once expired; when given, a v3 asset id (it names the downloaded file), or the voice a voice clone made.
  asset_id: z.union([assetId(), voiceId()]).nullish(),
  // An output that is a voice, not a file (undocumented: whichever key carries it), read in results.ts.
  voice_id: voiceId().nullish(),
  id: z.unknown().optional(),
  url: resultUrl(),
  content_type: lenientText(),
  error: envelope,
});
export type V3Output = z.infer<typeof outputItem>;

const jobResult = z.looseObject({
  job_id: jobId(),
  model: lenientText(),
  status: z.union([z.string(), z.number()]).transform(String),
  // The prompt the job ran with: a key Hedra replays whatever the body may answer with another request's job.
  prompt: lenientText(),
  outputs: z.array(outputItem).nullish(),
  voice_id: voiceId().nullish(),
  error: envelope,
  cost: lenientNumber(),
  currency: lenientText(),
});
export type V3Result = z.infer<typeof jobResult>;

const fileHandle = z.looseObject({
  url: z.string().refine((url) => /^https?:\/\//i.test(url) && URL.canParse(url), 'is not an http(s) URL'),
  content_type: lenientText(),
  expires_at: lenientText(),
});
export type FileHandle = z.infer<typeof fileHandle>;

// Figures of money are kept as Hedra sent them and judged by amountIn: a price that is not a finite amount
// of 0 or more in US dollars must be refused by name, not read as absent or as dollars.
const estimateAnswer = z.looseObject({ cost: z.unknown().optional(), currency: z.unknown().optional() });
const balanceAnswer = z.looseObject({ balance: z.unknown().optional(), currency: z.unknown().optional() });

/** The job a submit's `Location` names (`/v3/jobs/job_…`, or a whole URL ending so), when it is a v3 job id. */
export function jobInLocation(location: string | null): string | undefined {
  const path = location && URL.canParse(location, 'http://h') ? new URL(location, 'http://h').pathname : '';
  const job = /\/jobs\/([^/]+)\/?$/.exec(path)?.[1];
  return job && isV3Id('job', job) ? job : undefined;
}

/** v3 prices everything in US dollars. */
const UNIT = 'USD';

/** A figure Hedra gave as money, or why it is not one (the phrase names what Hedra answered); undefined when absent. */
export type Priced = Money | { problem: string } | undefined;
const absent = (value: unknown) => value === undefined || value === null;

export class HedraV3Client {
  private readonly calls: Calls;
  private readonly transport: Transport;
  /** Hedra's clock as its last answer told it (`Date`, to the second): see `hedraTime`. */
  private heard: number | undefined;

  constructor(transport: Transport, log: Pick<Log, 'info'>, clock: () => number) {
    this.transport = transport;
    this.calls = new Calls(transport, log, clock);
  }

  /**
   * The latest instant Hedra's own clock is known to have passed: the `Date` of its latest answer, an HTTP
   * date to the second, rounded down (RFC 9110 has every origin server with a clock send it). A job Hedra
   * stamps earlier existed before that answer left Hedra, whatever this machine's clock says; undefined when
   * no answer carried a date.
   */
  hedraTime(): number | undefined {
    return this.heard;
  }

  private hear(headers: Headers): void {
    const at = Date.parse(headers.get('date') ?? '');
    if (!Number.isNaN(at) && (this.heard === undefined || at > this.heard)) this.heard = at;
  }

  /** A JSON call, retried, its answer's date heard. */
  private json(method: 'GET' | 'POST', path: string, body?: unknown, extra: Partial<RetryOptions<unknown>> = {}): Promise<unknown> {
    return this.calls.retrying(`${method} ${path}`, () => this.transport.requestJson(method, path, body, (headers) => this.hear(headers)), extra);
  }

  /**
   * The model and its input schema (GET /models/{model}). A model Hedra does not have is the user's
   * mistake: the message suggests the closest ids of the catalogue (GET /models).
   */
  async model(model: string): Promise<V3ModelDetail> {
    const path = `/models/${encodeURIComponent(model)}`;
    let answer: unknown;
    try {
      answer = await this.json('GET', path);
    } catch (error) {
      // A retired model is the user's to change (its message names the successor), whatever the status says it with.
      if (error instanceof HttpError && v3Envelope(error.body)?.code === 'GONE') throw new InputError(error.message);
      if (error instanceof HttpError && error.status === 404) throw new InputError(`${await this.unknownModel(model)}`);
      throw error;
    }
    const detail = read(modelDetail, answer, `GET ${path}`);
    // The modality names what is made, in the summary's heading and in messages: only a name-shaped one is kept.
    return { id: detail.id, modality: name(detail.modality) ?? '', name: detail.name ?? undefined, inputSchema: detail.input_schema };
  }

  private async unknownModel(model: string): Promise<string> {
    const said = `Input "model": Hedra's v3 API has no model "${model}" (see ${V3_CATALOGUE_URL}).`;
    try {
      // Every page: the closest id may be on any of them.
      const ids = await catalogueIds((cursor) =>
        this.json('GET', cursor === undefined ? '/models' : `/models?cursor=${encodeURIComponent(cursor)}`, undefined, { attempts: 2 }),
      );
      return `${said}${didYouMean(model, ids)}`;
    } catch {
      return said;
    }
  }

  /**
   * What a submit of `input` would cost (POST /models/{model}/estimate); free, so retried. 'unpriceable' when
   * Hedra says the model cannot be priced before it has measured the inputs: the spec says the estimate "says
   * so explicitly" without saying how, so both plausible forms count: an answer with no (or a null) cost, and
   * an error envelope whose `billing` has no `required` figure.
   */
  async estimate(model: string, input: Record<string, unknown>): Promise<Priced | 'unpriceable'> {
    const path = `/models/${encodeURIComponent(model)}/estimate`;
    let answer: z.infer<typeof estimateAnswer>;
    try {
      answer = read(estimateAnswer, await this.json('POST', path, { input }, { attempts: 3 }), `POST ${path}`);
    } catch (error) {
      const billing = error instanceof HttpError ? v3Envelope(error.body)?.billing : undefined;
      if (billing && billing.required === undefined) return 'unpriceable';
      throw error;
    }
    return absent(answer.cost) ? 'unpriceable' : amountIn(UNIT, answer.cost, answer.currency, 'cost');
  }

  /** What the API wallet holds (GET /balance). The run can go on without it (Hedra checks at submit): three attempts. */
  async balance(): Promise<Priced> {
    const answer = read(balanceAnswer, await this.json('GET', '/balance', undefined, { attempts: 3 }), 'GET /balance');
    return absent(answer.balance) ? undefined : amountIn(UNIT, answer.balance, answer.currency, 'balance');
  }

  /** Stores a local file (POST /files, multipart field `file`): its handle, a URL valid for an hour. Free; retried, reopening the file. */
  async uploadFile(file: FileBody): Promise<FileHandle> {
    return this.calls.retrying('POST /files', async () => {
      const text = await this.transport.uploadFile('/files', file);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        // As requestJson does: a body cut short or a proxy's page is the network's failure, and storing again is free.
        throw new NetworkError(`Hedra answered POST /files with a body that is not JSON (${text.length} bytes).`);
      }
      return read(fileHandle, body, 'POST /files');
    });
  }

  /**
   * Submits one job. Retried by the policy under the same idempotency key, so an attempt whose
   * answer was lost is answered, the next time, with the job it started. `onAccepted` hears the job
   * as soon as the answer's headers name it (`Location`, documented as the job's path on a 202): the
   * job exists then, even if the body of the answer never arrives.
   */
  async submit(model: string, input: Record<string, unknown>, idempotencyKey: string, onAccepted?: (job: string) => void): Promise<SubmitAck> {
    const path = `/models/${encodeURIComponent(model)}`;
    const body = { input, idempotency_key: idempotencyKey };
    const accepted = (headers: Headers) => {
      const job = jobInLocation(headers.get('location'));
      if (job) onAccepted?.(job);
    };
    return this.calls.retrying(`POST ${path}`, async () => read(submitAck, await this.transport.requestJson('POST', path, body, accepted), `POST ${path}`), {
      retryNote: () => 'submitting again under the same idempotency key (Hedra answers a repeat with the job it started)',
    });
  }

  async status(job: string): Promise<V3Status> {
    const path = `/jobs/${encodeURIComponent(job)}/status`;
    return read(jobStatus, await this.json('GET', path), `GET ${path}`);
  }

  /**
   * The job's status and when Hedra says it was submitted (its first lifecycle event, read with
   * `logs_after=start`; undefined when Hedra gives none): how a job an earlier run made is told apart.
   */
  async statusAndStart(job: string): Promise<{ status: V3Status; submittedAt?: number }> {
    const path = `/jobs/${encodeURIComponent(job)}/status?logs_after=start`;
    const answer = read(jobStatusWithLogs, await this.json('GET', path), `GET ${path}`);
    const first = answer.logs?.[0]?.timestamp;
    const at = first ? Date.parse(first) : Number.NaN;
    return { status: answer, submittedAt: Number.isNaN(at) ? undefined : at };
  }

  async result(job: string): Promise<V3Result> {
    const path = `/jobs/${encodeURIComponent(job)}`;
    const result = read(jobResult, await this.json('GET', path), `GET ${path}`);
    if (result.job_id !== job) throw new UnexpectedAnswer(`Hedra answered GET ${path} with another job (${result.job_id}).`, result);
    return result;
  }

  /** Opens the job's event stream (GET /jobs/{id}/stream); one attempt: the caller falls back to polling. */
  openStream(job: string, lastEventId?: string) {
    return this.transport.openEventStream(`/jobs/${encodeURIComponent(job)}/stream`, lastEventId);
  }

  /** Reads a status frame of the stream as the status endpoint's answer. */
  static statusFrame(data: string): V3Status | undefined {
    try {
      const parsed = jobStatus.safeParse(JSON.parse(data));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
