// The step's outputs and the results manifest. Pure: takes what the run
// produced and returns values; results.ts writes them.
import { formatMoney, type Unit } from '../core/money.js';
import { saidData } from '../core/outside.js';
import type { ItemResult } from '../hedra/api.js';

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
  'voice-id',
  'matrix',
  'work',
  'lock-file',
  'provenance',
  'predicate-path',
  'predicate-type',
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
  /** The unit of every figure above: the API's (credits on v2, US dollars on v3). */
  unit: Unit;
}

/** A figure of spending in its unit: "42 credits", "$0.25" (or "0.25 EUR"). */
export const formatCost = (amount: number, unit: Unit) => formatMoney({ amount, unit });

/** The spending outputs: estimated-credits, credits (once known) and reused. */
export function spendingOutputs(spending: Spending): Outputs {
  return {
    'estimated-credits': spending.estimated === undefined ? '' : String(spending.estimated),
    ...(spending.charged === undefined ? {} : { credits: String(spending.charged) }),
    reused: String(spending.reused !== undefined),
  };
}

export function idOutputs(ids: { generationIds: string[]; assetIds: string[] }): Outputs {
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
    // What a voice clone made: a voice to speak with (voice-id of a later step), not a file.
    'voice-id': first.status.voice_id ?? '',
    result: JSON.stringify(first.status),
    'results-file': resultsFile,
  };
}

/** The manifest written to `results-file`: everything about every generation, where outputs stay small. */
export function manifest(items: ItemResult[], extra: { request?: unknown; inputAssetIds: Record<string, unknown>; spending?: Spending; model?: string }) {
  const { spending } = extra;
  return {
    model: extra.model ?? null,
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
      // Hedra's words, by the rule for outside text (core/outside.ts): capped, printable.
      error: saidData(status.error ?? status.error_message ?? null),
      url: status.url ?? null,
      download_url: status.download_url ?? null,
      streaming_url: status.streaming_url ?? null,
      voice_id: status.voice_id ?? null,
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
