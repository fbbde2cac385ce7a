// The step's outputs and the results manifest. Pure: takes what the run
// produced and returns values; report.ts writes them.

import type { CreatedGeneration } from '../hedra/client.js';
import type { ItemResult } from '../hedra/download.js';
import { money } from '../http/answer-errors.js';
import { isObject } from '../json.js';

/** A URL as an output: http(s) only, else empty. */
const webUrl = (url: string | null | undefined) => (url && /^https?:\/\//i.test(url) ? url : '');

/** Every output the action sets; action.yml declares exactly these (tested). */
export const OUTPUT_NAMES = [
  'generation-id',
  'asset-id',
  'generation-ids',
  'asset-ids',
  'input-asset-ids',
  'request',
  'status',
  'url',
  'download-url',
  'streaming-url',
  'path',
  'paths',
  'sha256',
  'result',
  'results-file',
  'estimated-credits',
  'credits',
  'reused',
] as const;
export type Outputs = Partial<Record<(typeof OUTPUT_NAMES)[number], string>>;

/** What the run spent, as far as it is known: for the outputs, the summary and the manifest. */
export interface Spending {
  /** The estimate made before creating (0 when reusing); undefined when none could be made. */
  estimated?: number;
  /** How the estimate was reached, e.g. "84 credits (2 × 42: 14/s × 3s (as asked))". */
  estimateText?: string;
  /** What Hedra charged for the generations (its credit_cost, summed; 0 when reused); undefined until known. */
  charged?: number;
  /** Each generation's credit_cost, by id. */
  perItem?: Map<string, number>;
  /** Set when the run used a generation made earlier from the same inputs instead of creating one. */
  reused?: { createdAt?: string; waited: boolean };
  /** The unit of every figure above: v2's credits when absent, else a currency (v3's wallet: USD). */
  currency?: string;
}

/** A figure of spending in its unit: "42 credits", "$0.25" (or "0.25 EUR"). */
export function formatCost(amount: number, currency: string | undefined): string {
  // Money as v3's error messages write it (answer-errors.ts): cents, and more places only where the amount has them.
  return currency === undefined ? `${amount} credit${amount === 1 ? '' : 's'}` : money(amount, currency);
}

/** The spending outputs: estimated-credits, credits (once known) and reused. */
export function spendingOutputs(spending: Spending): Outputs {
  return {
    'estimated-credits': spending.estimated === undefined ? '' : String(spending.estimated),
    ...(spending.charged === undefined ? {} : { credits: String(spending.charged) }),
    reused: String(spending.reused !== undefined),
  };
}

export interface GenerationIds {
  /** One per batch item, in the order requested; an empty string for an item Hedra refused at creation. */
  generationIds: string[];
  assetIds: string[];
  /** Batch items Hedra refused at creation (no id): their place, the id requested for them, and Hedra's reason. */
  failedAtCreation: { index: number; requestedId: string; reason: string }[];
}

/** Hedra's reason for a batch item it refused, in one line. */
function refusalReason(error: unknown): string {
  if (typeof error === 'string') return error;
  if (isObject(error)) return [error.type, error.message].filter((part) => typeof part === 'string').join(': ') || JSON.stringify(error);
  return 'Hedra gave no reason';
}

/**
 * The ids of every item, in the order the action chose the generation ids.
 * batch_results is matched by id where the server echoes ours; items it
 * answered with other ids, or with none (refused at creation), take the
 * remaining places in the order given. A place Hedra's answer does not cover
 * keeps the id the action requested for it.
 */
export function createdIds(chosen: string[], created: CreatedGeneration): GenerationIds {
  const items = created.batch_results?.length ? created.batch_results : [{ id: created.id, asset_id: created.asset_id }];
  const byId = new Map(items.filter((item) => item.id && chosen.includes(item.id)).map((item) => [item.id, item]));
  const others = items.filter((item) => !byId.has(item.id));
  const ordered = chosen.map((id) => byId.get(id) ?? others.shift());
  const ids: GenerationIds = { generationIds: [], assetIds: [], failedAtCreation: [] };
  for (const [index, item] of ordered.entries()) {
    if (item && !item.id && (item.status === 'error' || item.error !== undefined)) {
      ids.failedAtCreation.push({ index, requestedId: chosen[index], reason: refusalReason('error' in item ? item.error : undefined) });
      ids.generationIds.push('');
      ids.assetIds.push('');
    } else {
      ids.generationIds.push(item?.id ?? chosen[index]);
      ids.assetIds.push(item?.asset_id ?? '');
    }
  }
  return ids;
}

export function idOutputs(ids: Pick<GenerationIds, 'generationIds' | 'assetIds'>): Outputs {
  return {
    'generation-id': ids.generationIds[0] ?? '',
    'asset-id': ids.assetIds[0] ?? '',
    'generation-ids': JSON.stringify(ids.generationIds),
    'asset-ids': JSON.stringify(ids.assetIds),
  };
}

/** `error` when any item failed, else the first item's status. */
export function overallStatus(items: ItemResult[]): string {
  return items.some((item) => item.status.status === 'error') ? 'error' : (items[0]?.status.status ?? '');
}

export function resultOutputs(items: ItemResult[], resultsFile: string): Outputs {
  const [first] = items;
  return {
    ...idOutputs({ generationIds: items.map((i) => i.generationId), assetIds: items.map((i) => i.status.asset_id ?? '') }),
    status: overallStatus(items),
    url: first.status.url ?? '',
    // Only a web URL: a later step may fetch it (the transport refuses the others; so should the output).
    'download-url': webUrl(first.status.download_url),
    'streaming-url': first.status.streaming_url ?? '',
    path: first.file?.path ?? '',
    paths: JSON.stringify(items.map((i) => i.file?.path ?? '')),
    sha256: first.file?.sha256 ?? '',
    result: JSON.stringify(first.status),
    'results-file': resultsFile,
  };
}

/** The manifest written to `results-file`: everything about every generation, where outputs stay small. */
export function manifest(items: ItemResult[], extra: { request?: unknown; inputAssetIds: Record<string, unknown>; spending?: Spending }) {
  const { spending } = extra;
  return {
    ...(spending
      ? {
          credits: {
            estimated: spending.estimated ?? null,
            charged: spending.charged ?? null,
            reused: spending.reused !== undefined,
            reused_from: spending.reused?.createdAt ?? null,
          },
        }
      : {}),
    generations: items.map(({ generationId, status, file }) => ({
      generation_id: generationId,
      asset_id: status.asset_id ?? null,
      type: status.type ?? null,
      status: status.status,
      error: status.error ?? status.error_message ?? null,
      url: status.url ?? null,
      download_url: status.download_url ?? null,
      streaming_url: status.streaming_url ?? null,
      path: file?.path ?? null,
      bytes: file?.bytes ?? null,
      sha256: file?.sha256 ?? null,
      content_type: file?.contentType ?? null,
      credit_cost: spending?.perItem?.get(generationId) ?? null,
    })),
    input_asset_ids: extra.inputAssetIds,
    request: extra.request ?? null,
  };
}
