// Ids derived from content, for both APIs' exactly-once and reuse: a content
// key (a SHA-256 over everything that makes a request) turned into ids by an
// HMAC under the API key, so an id is stable for one key and unguessable for
// anyone without it. v2 creates under such ids (generation ids, asset ids);
// v3 submits under such idempotency keys. A failed attempt moves to the next
// "slot" (the label salted with an attempt number).
import { createHash, createHmac } from 'node:crypto';

/** How many salted id sets one lookup covers: after this many failed or mismatched generations for the same inputs, fresh ids are used. */
export const SLOTS = 4;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A UUID from an HMAC of `label` under the key, laid out as a version-4 UUID
 * (the bits are as unpredictable as random ones to anyone without the key, and
 * every UUID parser takes the layout).
 */
export function derivedUuid(apiKey: string, label: string): string {
  const bytes = createHmac('sha256', apiKey).update(label).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The generation ids of one slot: one per batch item. */
export function generationIdsFor(apiKey: string, contentKey: string, slot: number, count: number): string[] {
  return Array.from({ length: count }, (_, item) => derivedUuid(apiKey, `generation:${contentKey}:${slot}:${item}`));
}
