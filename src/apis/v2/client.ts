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
import type { Log } from '../../action/log.js';
import { Calls } from '../../hedra/calls.js';
import { lenientNumber, lenientText, read, resultUrl } from '../../hedra/lenient.js';
import { HttpError } from '../../http/errors.js';
import { failureOf, wasNeverSent } from '../../http/retry.js';
import type { FileBody, Transport } from '../../http/transport.js';
import { isUuid } from '../../inputs/parsers.js';
import { type Model, readCatalogue } from './catalogue.js';
import { isDuplicate, typeRefusal } from './errors.js';

/**
 * An id from Hedra: a UUID, or the answer is refused. Ids name files and
 * reach the log, so nothing else may pass for one (a `../` or a workflow
 * command would).
 */
const hedraId = () => z.string().refine(isUuid, 'is not a generation or asset id (a UUID)');

const createdGeneration = z.looseObject({
  id: hedraId(),
  asset_id: hedraId().nullish(),
  status: z.string().nullish(),
  eta_sec: z.number().nullish(),
  // An item that failed at creation has no id, a status and an error.
  batch_results: z
    .array(z.looseObject({ id: hedraId().nullish(), asset_id: hedraId().nullish(), status: z.string().nullish(), error: z.unknown().optional() }))
    .nullish(),
});
export type CreatedGeneration = z.infer<typeof createdGeneration>;

/**
 * How a create ended when it did not create: Hedra already had the ids (made
 * by another run, unless an earlier attempt of this one may have made them),
 * or this run's own attempt made them and its answer was lost.
 */
interface Adoption {
  adopted?: 'already-existed' | 'answer-lost';
}

const generationErrorObject = z.looseObject({
  type: lenientText(),
  message: lenientText(),
  reason_code: lenientText(),
  param: lenientText(),
  credits_needed: lenientNumber(),
  credits_available: lenientNumber(),
  // `field: message` pairs, in the rejecting side's vocabulary.
  violations: z
    .unknown()
    .transform((value) => (Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : undefined))
    .optional(),
});
/** The error object, or a plain string kept as its message. */
const generationError = z.union([generationErrorObject, z.string().transform((message): z.infer<typeof generationErrorObject> => ({ message }))]);

const generationStatus = z.looseObject({
  id: hedraId(),
  asset_id: hedraId().nullish(),
  type: lenientText(),
  status: z.union([z.string(), z.number()]).transform(String),
  progress: lenientNumber(),
  error: generationError.nullish(),
  error_message: lenientText(),
  url: resultUrl(),
  // Any absolute URL: one the action will not fetch (file:, data:, …) is refused by the transport, loudly, not dropped.
  download_url: z
    .string()
    .nullish()
    .transform((url): string | null | undefined => (url && URL.canParse(url) ? url : undefined))
    .optional(),
  streaming_url: resultUrl(),
});
export type GenerationStatus = z.infer<typeof generationStatus>;

const createdAsset = z.looseObject({ id: hedraId() });
type CreatedAsset = z.infer<typeof createdAsset>;

/** One asset of GET /assets: whether its media is there (an uploaded asset has a URL once its file arrived). */
const listedAsset = z.looseObject({
  id: z.string(),
  asset: z.looseObject({ url: z.string().nullish() }).nullish().catch(undefined),
});

/** What GET /billing/credits says can be spent: the account's remaining credits and each workspace pool's available ones. */
export interface CreditBalance {
  remaining: number;
  pools: { workspace: string; available: number }[];
}

/** GET /billing/credits, read leniently: a figure that cannot be read counts as absent. */
const creditBalance = z.looseObject({
  remaining: lenientNumber(),
  workspace_credit_pool: z
    .record(z.string(), z.looseObject({ available: lenientNumber(), api_credits: lenientNumber() }).catch({ available: undefined, api_credits: undefined }))
    .nullish()
    .catch(undefined),
});

/** One generation of GET /generations: its asset (once complete) carries the URLs. */
const listedGeneration = z.looseObject({
  id: hedraId(),
  type: lenientText(),
  status: z.union([z.string(), z.number()]).transform(String),
  progress: lenientNumber(),
  eta_sec: lenientNumber(),
  credit_cost: lenientNumber(),
  created_at: lenientText(),
  // The request as Hedra keeps it: compared before a generation is reused.
  input: z
    .unknown()
    .transform((value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined))
    .optional(),
  error: generationError.nullish(),
  error_message: lenientText(),
  asset: z
    .looseObject({
      id: hedraId().nullish(),
      asset: z.looseObject({ url: resultUrl(), download_url: resultUrl(), streaming_url: resultUrl() }).nullish(),
    })
    .nullish(),
});
/** The list's rows, each read only if it is one the action asked for: an odd row of another generation must not fail the run. */
const generationList = z.looseObject({ data: z.array(z.unknown()) });

/** A generation as the list gives it: a status answer, with what only the list carries. */
export type ListedGeneration = GenerationStatus & { credit_cost?: number; created_at?: string; input?: Record<string, unknown> };

/** A listed generation in the shape of a status answer. */
function asStatus(listed: z.infer<typeof listedGeneration>): ListedGeneration {
  const media = listed.asset?.asset;
  return {
    credit_cost: listed.credit_cost ?? undefined,
    created_at: listed.created_at ?? undefined,
    input: listed.input,
    id: listed.id,
    asset_id: listed.asset?.id ?? undefined,
    type: listed.type,
    status: listed.status,
    progress: listed.progress,
    error: listed.error,
    error_message: listed.error_message,
    url: media?.url,
    download_url: media?.download_url,
    streaming_url: media?.streaming_url,
  };
}

/** An attempt whose outcome is unknown: the generation may or may not exist. A 429 or other 4xx is a clear "no", and so is a request that never left. */
function outcomeUnknown(error: unknown): boolean {
  const failure = failureOf(error);
  if (failure?.kind === 'network') return !wasNeverSent(error);
  return failure !== undefined && (failure.status === 408 || failure.status >= 500);
}

export class HedraClient {
  private readonly calls: Calls;
  private readonly transport: Transport;

  constructor(
    transport: Transport,
    private readonly log: Log,
    clock: () => number,
  ) {
    this.transport = transport;
    this.calls = new Calls(transport, log, clock);
  }

  /**
   * Creates the generation(s) under `ids`, exactly once whatever the network
   * does: an attempt that may have worked is followed by an existence check,
   * and a generation that exists is adopted rather than created again.
   * `onOutcomeUnknown` hears of every attempt whose outcome is unknown.
   */
  async createGeneration(body: Record<string, unknown>, ids: string[], onOutcomeUnknown?: () => void): Promise<CreatedGeneration & Adoption> {
    const operation = 'POST /generations';
    try {
      return await this.calls.retrying(
        operation,
        async () => read(createdGeneration, await this.transport.requestJson('POST', '/generations', body), operation),
        {
          recover: async (error) => {
            if (isDuplicate(error)) return { ...(await this.adopt(ids, 'Hedra already had it')), adopted: 'already-existed' };
            if (!outcomeUnknown(error)) return undefined;
            // From here on, a later refusal does not prove that nothing was created.
            onOutcomeUnknown?.();
            return (await this.exists(ids[0]))
              ? { ...(await this.adopt(ids, 'the answer to the create request was lost')), adopted: 'answer-lost' }
              : undefined;
          },
          retryNote: (error) =>
            wasNeverSent(error)
              ? 'the request never left this machine, so posting again with the same id'
              : `generation ${ids[0]} does not exist, so posting again with the same id`,
        },
      );
    } catch (error) {
      throw typeRefusal(error, String(body.type)) ?? error;
    }
  }

  /**
   * The generations exist: take them as this run's, from their status. Hedra
   * may answer a status read for a moment after the create as if the id were
   * unknown (a lagging read): that is asked again a few times, and at worst the
   * generation is taken on Hedra's word under the id the action chose.
   */
  private async adopt(ids: string[], why: string): Promise<CreatedGeneration> {
    const statuses: (GenerationStatus | undefined)[] = [];
    for (const id of ids) statuses.push(await this.statusOnceVisible(id));
    this.log.info(`Generation ${ids.join(', ')} exists (${why}); using it rather than creating another.`);
    return {
      id: ids[0],
      asset_id: statuses[0]?.asset_id,
      status: statuses[0]?.status ?? 'queued',
      batch_results: ids.map((id, i) => ({ id, asset_id: statuses[i]?.asset_id })),
    };
  }

  private async statusOnceVisible(id: string): Promise<GenerationStatus | undefined> {
    for (let tries = 0; ; tries++) {
      try {
        return await this.status(id);
      } catch (error) {
        const unknownYet = error instanceof HttpError && [400, 404, 422].includes(error.status);
        if (!unknownYet || tries >= 4) {
          if (unknownYet) return undefined;
          throw error;
        }
        await this.transport.control.sleep(1000);
      }
    }
  }

  /**
   * Whether a generation exists, by the documented list filter: an empty
   * list means no. (The status endpoint's answer for an unknown id is undocumented.)
   */
  async exists(generationId: string): Promise<boolean> {
    return (await this.list([generationId])).length > 0;
  }

  /** The generations with these ids that Hedra has, in the shape of status answers; one request (GET /generations?ids=a,b). */
  async list(generationIds: string[]): Promise<ListedGeneration[]> {
    const path = `/generations?ids=${generationIds.map(encodeURIComponent).join(',')}&limit=${Math.max(generationIds.length, 1)}`;
    const answer = read(generationList, await this.calls.json('GET', path), 'GET /generations');
    const wanted = new Set(generationIds);
    const asked = answer.data.filter((row) => typeof row === 'object' && row !== null && wanted.has((row as { id?: unknown }).id as string));
    return asked.map((row) => asStatus(read(listedGeneration, row, 'GET /generations')));
  }

  /**
   * The list's answers for these ids, with the status answer of each completed
   * one whose listed asset has no download URL (the status answer carries it).
   */
  async listWithResults(generationIds: string[]): Promise<ListedGeneration[]> {
    const listed = await this.list(generationIds);
    // The status answer's URLs over the list's answer, which keeps what only the list carries (credit_cost).
    return Promise.all(listed.map(async (item) => (item.status === 'complete' && !item.download_url ? { ...item, ...(await this.status(item.id)) } : item)));
  }

  /**
   * Hedra's model catalogue (GET /models, every type: the checks also name
   * models of other types). The run can go on without it, so it gets three
   * attempts, not the whole retry budget of the run's deadline.
   */
  async models(): Promise<Model[]> {
    return readCatalogue(await this.calls.retrying('GET /models', () => this.transport.requestJson('GET', '/models'), { attempts: 3 }));
  }

  /**
   * What the account can spend (GET /billing/credits); undefined when the answer
   * carries no figure. Like the catalogue, the run goes on without it (Hedra checks
   * the balance when creating), so it gets three attempts, not the run's whole retry budget.
   */
  async balance(): Promise<CreditBalance | undefined> {
    const path = '/billing/credits';
    const answer = read(creditBalance, await this.calls.retrying(`GET ${path}`, () => this.transport.requestJson('GET', path), { attempts: 3 }), `GET ${path}`);
    // A pool's API wallet (api_credits, the credit view of api_usd_micros) is spent by API use alone: it counts too.
    const pools = Object.entries(answer.workspace_credit_pool ?? {}).flatMap(([workspace, pool]) => {
      const figures = [pool.available, pool.api_credits].filter((n): n is number => typeof n === 'number');
      return figures.length > 0 ? [{ workspace, available: Math.max(...figures) }] : [];
    });
    if (typeof answer.remaining !== 'number' && pools.length === 0) return undefined;
    return { remaining: answer.remaining ?? 0, pools };
  }

  /** Which of these asset ids exist with their media (GET /assets?type=&ids=): those need no upload. */
  async assetsWithMedia(kind: string, assetIds: string[]): Promise<Set<string>> {
    if (assetIds.length === 0) return new Set();
    const path = `/assets?type=${encodeURIComponent(kind)}&ids=${assetIds.map(encodeURIComponent).join(',')}`;
    const answer = read(z.array(listedAsset), await this.calls.json('GET', path), 'GET /assets');
    const wanted = new Set(assetIds.map((id) => id.toLowerCase()));
    return new Set(answer.filter((a) => wanted.has(a.id.toLowerCase()) && a.asset?.url).map((a) => a.id.toLowerCase()));
  }

  async status(generationId: string): Promise<GenerationStatus> {
    const path = `/generations/${encodeURIComponent(generationId)}/status`;
    return read(generationStatus, await this.calls.json('GET', path), `GET ${path}`);
  }

  /** Creates an asset under a reserved id; repeating that is harmless, and "already exists" means an earlier attempt worked. */
  async createAsset(name: string, type: string, reservedId: string): Promise<CreatedAsset & { existed?: boolean }> {
    try {
      return read(createdAsset, await this.calls.json('POST', '/assets', { name, type, reserved_asset_id: reservedId }), 'POST /assets');
    } catch (error) {
      if (isDuplicate(error)) return { id: reservedId, existed: true };
      throw error;
    }
  }

  /**
   * The file's bytes for an asset, as every vendor client sends them: multipart
   * field `file` to POST /assets/{id}/upload (a presigned upload_url alone is
   * not documented to complete an asset). Retried, reopening the file.
   */
  async uploadAsset(assetId: string, file: FileBody): Promise<void> {
    const path = `/assets/${encodeURIComponent(assetId)}/upload`;
    await this.calls.retrying(`POST ${path}`, () => this.transport.uploadFile(path, file));
  }
}
