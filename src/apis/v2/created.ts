// What a create answer says of each batch item, in the order the action chose
// the generation ids: matched by id where Hedra echoes them, the rest in the
// order given; an item refused at creation (no id) keeps its place with
// Hedra's reason.
import { isObject } from '../../core/json.js';
import type { CreatedGeneration } from './client.js';

export interface CreatedIds {
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
export function createdIds(chosen: string[], created: CreatedGeneration): CreatedIds {
  const items = created.batch_results?.length ? created.batch_results : [{ id: created.id, asset_id: created.asset_id }];
  const byId = new Map(items.filter((item) => item.id && chosen.includes(item.id)).map((item) => [item.id, item]));
  const others = items.filter((item) => !byId.has(item.id));
  const ordered = chosen.map((id) => byId.get(id) ?? others.shift());
  const ids: CreatedIds = { generationIds: [], assetIds: [], failedAtCreation: [] };
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
