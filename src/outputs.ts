// The step's outputs. Pure: takes what the run produced, returns name → value.
import type { CreatedGeneration } from './hedra-api.js';

/** Every output the action sets; action.yml declares exactly these (tested). */
export const OUTPUT_NAMES = ['generation-id', 'asset-id', 'generation-ids', 'asset-ids', 'request'] as const;
export type Outputs = Partial<Record<(typeof OUTPUT_NAMES)[number], string>>;

export interface GenerationIds {
  generationIds: string[];
  assetIds: string[];
}

/**
 * The ids of every item, in the order the action chose the generation ids.
 * batch_results is matched by id where the server echoes ours; otherwise it
 * is taken in the order given.
 */
export function createdIds(chosen: string[], created: CreatedGeneration): GenerationIds {
  const items = created.batch_results?.length ? created.batch_results : [{ id: created.id, asset_id: created.asset_id }];
  const byId = new Map(items.filter((item) => item.id).map((item) => [item.id, item]));
  const ordered = chosen.every((id) => byId.has(id)) ? chosen.map((id) => byId.get(id)!) : items;
  return {
    generationIds: ordered.map((item, i) => item.id ?? chosen[i]),
    assetIds: ordered.map((item) => item.asset_id ?? ''),
  };
}

export function idOutputs(ids: GenerationIds): Outputs {
  return {
    'generation-id': ids.generationIds[0] ?? '',
    'asset-id': ids.assetIds[0] ?? '',
    'generation-ids': JSON.stringify(ids.generationIds),
    'asset-ids': JSON.stringify(ids.assetIds),
  };
}
