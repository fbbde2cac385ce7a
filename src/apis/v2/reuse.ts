// No second charge for inputs already generated (`reuse`): generation and
// asset ids derived from the content of the request and the account's key, so
// that a re-run with unchanged inputs finds what it made before instead of
// paying for it again. Pure but for hashing.
//
// Ids: a content key (SHA-256 over the base URL, the type, the model as given
// and every input, local files as their SHA-256) is turned into a UUID by an
// HMAC under the API key, so an id is stable for one key and unguessable
// for anyone without the key. A generation that failed is never reused: the
// next "slot" (the key salted with an attempt number) is used instead.

import { canonicalJson, isObject } from '../../core/json.js';
import { derivedUuid, SLOTS } from '../../hedra/derived-ids.js';
import { MEDIA_INPUTS, type MediaInput } from '../../inputs/kinds.js';
import { INPUT_FIELDS } from './fields.js';

/** The asset id a local file is uploaded under: the same file, the same asset, for one key and API. */
export function assetIdFor(apiKey: string, baseUrl: string, kind: string, fileSha256: string): string {
  return derivedUuid(apiKey, `asset:${baseUrl}:${kind}:${fileSha256}`);
}

/** The statuses of a generation on its way to complete or error. */
const RUNNING = new Set(['queued', 'processing', 'finalizing']);

/** What a lookup found under one derived id (GET /generations?ids=). */
export interface Found {
  id: string;
  status: string;
  input?: Record<string, unknown>;
  created_at?: string;
}

/** Fields the action chooses per run: never part of the comparison. */
const ID_FIELDS = new Set(['generation_id', 'generation_ids', 'reserved_asset_id', 'reserved_asset_ids']);

/**
 * The fields that name input assets (start_keyframe_id, audio_id, ...). They
 * are not compared either: the content key already covers what they hold (a
 * file by its SHA-256, an asset id as given), and Hedra may have stored an
 * uploaded file under an id of its own, which the next run cannot know.
 */
const MEDIA_FIELDS = new Set(
  (Object.keys(MEDIA_INPUTS) as MediaInput[]).flatMap((input) => Object.values(INPUT_FIELDS[input]).map((path) => path.at(-1) ?? '')),
);

/**
 * The first field (as a dotted path) where Hedra's record of a request differs
 * from the request this run would send; undefined when every field this run
 * sends is there with the same value. Fields Hedra added (defaults) do not count.
 */
export function inputDifference(found: unknown, sent: Record<string, unknown>, at = ''): string | undefined {
  for (const [field, value] of Object.entries(sent)) {
    if ((at === '' && ID_FIELDS.has(field)) || MEDIA_FIELDS.has(field)) continue;
    const path = at ? `${at}.${field}` : field;
    const other = isObject(found) ? found[field] : undefined;
    if (isObject(value) && isObject(other)) {
      const deeper = inputDifference(other, value, path);
      if (deeper) return deeper;
    } else if (canonicalJson(value) !== canonicalJson(other)) return path;
  }
  return undefined;
}

export type ReuseDecision =
  /** Every item is complete, from the same request: download it, pay nothing. */
  | { action: 'reuse'; ids: string[]; createdAt?: string; notes: string[] }
  /** Every item exists and is still running (another run started it): wait for it. */
  | { action: 'wait'; ids: string[]; notes: string[] }
  /** Nothing under these ids yet: create under them. */
  | { action: 'create'; ids: string[]; notes: string[] }
  /** Every slot is taken by failed or different generations: create under fresh ids. */
  | { action: 'fresh'; notes: string[] };

/**
 * What to do with the slots' ids given what Hedra has under them: the first
 * slot that holds a usable generation is used, or the first empty one is
 * created in. `sent` is the request body (its ids are ignored).
 */
export function decideReuse(slots: string[][], found: Map<string, Found>, sent: Record<string, unknown>): ReuseDecision {
  const notes: string[] = [];
  for (const ids of slots) {
    const items = ids.map((id) => found.get(id));
    if (items.every((item) => item === undefined)) return { action: 'create', ids, notes };
    const present = items.filter((item): item is Found => item !== undefined);
    const named = ids.join(', ');
    if (present.length < ids.length) {
      notes.push(`Generation ${named} exists only in part (an item was refused at creation), so it is not reused.`);
      continue;
    }
    const differs = present.map((item) => (item.input ? inputDifference(item.input, sent) : undefined)).find(Boolean);
    if (differs) {
      notes.push(`Generation ${named} was made from a different request (${differs} differs), so it is not reused.`);
      continue;
    }
    if (present.some((item) => item.status === 'error')) {
      notes.push(`Generation ${named}, from the same inputs, failed, so a new one is made.`);
      continue;
    }
    if (present.every((item) => item.status === 'complete')) return { action: 'reuse', ids, createdAt: present[0].created_at, notes };
    // Waited for only in a status known to lead to an end; one Hedra adds later (cancelled, say) might never.
    const unknown = present.find((item) => item.status !== 'complete' && !RUNNING.has(item.status));
    if (unknown) {
      notes.push(`Generation ${named}, from the same inputs, is "${unknown.status}", so a new one is made.`);
      continue;
    }
    return { action: 'wait', ids, notes };
  }
  notes.push(`The ${SLOTS} generations kept for these inputs are all failed or different; this one gets fresh ids and will not be reused later.`);
  return { action: 'fresh', notes };
}
