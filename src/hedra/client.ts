// Hedra's endpoints, on top of the transport. Answers are read leniently:
// the server adds fields and enum values over time, and a run must not break
// on one it does not know; only what the action uses is checked.
//
// Creating a generation is the one call that is billed, so it is never simply
// repeated (docs/decisions/exactly-once-creation.md): its ids are chosen before
// the first attempt, and after an attempt whose outcome is unknown (no answer,
// a timeout, a 5xx) the client asks whether the generation exists before
// posting again with the same ids.
import { z } from 'zod';
import type { Log } from '../action/log.js';
import { HedraError, UnexpectedAnswer } from '../errors.js';
import { isDuplicate } from '../http/answer-errors.js';
import { failureOf, type RetryOptions, withRetries } from '../http/retry.js';
import { describeCall, type FileBody, type Target, type Transport } from '../http/transport.js';

const createdGeneration = z.looseObject({
  id: z.string(),
  asset_id: z.string().nullish(),
  status: z.string().nullish(),
  eta_sec: z.number().nullish(),
  batch_results: z.array(z.looseObject({ id: z.string().nullish(), asset_id: z.string().nullish() })).nullish(),
});
export type CreatedGeneration = z.infer<typeof createdGeneration>;

const generationError = z.looseObject({
  type: z.string().nullish(),
  message: z.string().nullish(),
  reason_code: z.string().nullish(),
  param: z.string().nullish(),
  credits_needed: z.number().nullish(),
  credits_available: z.number().nullish(),
});

const generationStatus = z.looseObject({
  id: z.string(),
  asset_id: z.string().nullish(),
  type: z.string().nullish(),
  status: z.string(),
  progress: z.number().nullish(),
  error: generationError.nullish(),
  error_message: z.string().nullish(),
  url: z.string().nullish(),
  download_url: z.string().nullish(),
  streaming_url: z.string().nullish(),
});
export type GenerationStatus = z.infer<typeof generationStatus>;

const createdAsset = z.looseObject({ id: z.string(), upload_url: z.string().nullish() });
export type CreatedAsset = z.infer<typeof createdAsset>;

function read<T extends z.ZodType>(schema: T, value: unknown, operation: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problem = result.error.issues[0];
    throw new UnexpectedAnswer(`Hedra's answer to ${operation} lacks what the action needs (${problem.path.join('.') || 'body'}: ${problem.message}).`, value);
  }
  return result.data;
}

/** Failures before the request left: the connection was never made, so nothing can have been created. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** An attempt whose outcome is unknown: the generation may or may not exist. A 429 or other 4xx is a clear "no". */
function outcomeUnknown(error: unknown): boolean {
  const failure = failureOf(error);
  if (failure?.kind === 'network') return !NOT_SENT.has(failure.code ?? '');
  return failure !== undefined && (failure.status === 408 || failure.status >= 500);
}

export class HedraClient {
  constructor(
    private readonly transport: Transport,
    private readonly log: Log,
    private readonly clock: () => number,
  ) {}

  private retrying<T>(operation: string, attempt: () => Promise<T>, extra: Partial<RetryOptions<T>> = {}): Promise<T> {
    return withRetries(operation, attempt, { control: this.transport.control, clock: this.clock, info: this.log.info, ...extra });
  }

  /** A JSON call that is safe to repeat (a read, or a create under a reserved id), retried by the policy. */
  private idempotent(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return this.retrying(`${method} ${path}`, () => this.transport.requestJson(method, path, body));
  }

  /**
   * Creates the generation(s) under `ids`, exactly once whatever the network
   * does: an attempt that may have worked is followed by a status check, and
   * a generation that exists is adopted rather than created again.
   */
  async createGeneration(body: Record<string, unknown>, ids: string[]): Promise<CreatedGeneration> {
    const operation = 'POST /generations';
    return this.retrying(operation, async () => read(createdGeneration, await this.transport.requestJson('POST', '/generations', body), operation), {
      recover: async (error) => {
        if (isDuplicate(error)) return this.adopt(ids, 'Hedra already had it');
        if (outcomeUnknown(error) && (await this.statusIfExists(ids[0]))) return this.adopt(ids, 'the answer to the create request was lost');
        return undefined;
      },
      retryNote: `generation ${ids[0]} does not exist, so posting again with the same id`,
    });
  }

  /** The generations exist: take them as this run's, from their status. */
  private async adopt(ids: string[], why: string): Promise<CreatedGeneration> {
    const statuses = [];
    for (const id of ids) statuses.push(await this.status(id));
    this.log.info(`Generation ${ids.join(', ')} exists (${why}); using it rather than creating another.`);
    return {
      id: ids[0],
      asset_id: statuses[0].asset_id,
      status: statuses[0].status,
      batch_results: statuses.map((s) => ({ id: s.id, asset_id: s.asset_id })),
    };
  }

  /** The status, or undefined when Hedra answers 404 (no such generation). */
  private async statusIfExists(generationId: string): Promise<GenerationStatus | undefined> {
    try {
      return await this.status(generationId);
    } catch (error) {
      if (error instanceof HedraError && error.status === 404) return undefined;
      throw error;
    }
  }

  async status(generationId: string): Promise<GenerationStatus> {
    const path = `/generations/${encodeURIComponent(generationId)}/status`;
    return read(generationStatus, await this.idempotent('GET', path), `GET ${path}`);
  }

  /** Creates an asset under a reserved id; repeating that is harmless, and "already exists" means an earlier attempt worked. */
  async createAsset(name: string, type: string, reservedId: string): Promise<CreatedAsset> {
    try {
      return read(createdAsset, await this.idempotent('POST', '/assets', { name, type, reserved_asset_id: reservedId }), 'POST /assets');
    } catch (error) {
      if (isDuplicate(error)) return { id: reservedId };
      throw error;
    }
  }

  /** The file's bytes for an asset: to the presigned upload_url when Hedra gave one, else as multipart. Retried, reopening the file. */
  async uploadAsset(asset: CreatedAsset, file: FileBody): Promise<void> {
    const [method, target, as]: ['PUT' | 'POST', Target, 'raw' | 'multipart'] = asset.upload_url
      ? ['PUT', { url: asset.upload_url }, 'raw']
      : ['POST', { path: `/assets/${encodeURIComponent(asset.id)}/upload` }, 'multipart'];
    await this.retrying(describeCall(method, target), () => this.transport.sendFile(method, target, file, as));
  }
}
