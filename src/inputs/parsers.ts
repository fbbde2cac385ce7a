// Pure parsers for input values. Each takes the input's name so that its
// error says which input is wrong, in the user's own words.
import { InputError } from '../core/errors.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** YAML 1.2 core-schema booleans, as the runner documents for boolean inputs. */
export const TRUE_SPELLINGS = ['true', 'True', 'TRUE'];
export const FALSE_SPELLINGS = ['false', 'False', 'FALSE'];

export function parseBoolean(input: string, raw: string): boolean {
  if (TRUE_SPELLINGS.includes(raw)) return true;
  if (FALSE_SPELLINGS.includes(raw)) return false;
  throw new InputError(`Input "${input}" must be true or false, got "${raw}".`);
}

export function parseInteger(input: string, raw: string, bounds: { min?: number; max?: number } = {}): number {
  if (!/^[-+]?\d+$/.test(raw)) throw new InputError(`Input "${input}" must be a whole number, got "${raw}".`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new InputError(`Input "${input}" is too large: "${raw}".`);
  const { min, max } = bounds;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    const range = max === undefined ? `at least ${min}` : min === undefined ? `at most ${max}` : `between ${min} and ${max}`;
    throw new InputError(`Input "${input}" must be ${range}, got ${value}.`);
  }
  return value;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds: a plain number means milliseconds; a unit
 * (ms, s, m, h) may follow, with decimals (`1.5m`). The result may be
 * fractional; callers that need whole milliseconds check that themselves.
 */
export function parseDuration(input: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/i.exec(raw);
  if (!match) {
    throw new InputError(
      `Input "${input}" must be a duration: milliseconds as a number (5000) or a number with a unit ms, s, m or h (500ms, 5s, 1.5m), got "${raw}".`,
    );
  }
  const ms = Number(match[1]) * UNIT_MS[(match[2] ?? 'ms').toLowerCase()];
  if (ms <= 0) throw new InputError(`Input "${input}" must be longer than zero, got "${raw}".`);
  return ms;
}

/** What a media input names: an existing asset, a public URL (video keyframes only), or a local file to upload. */
export type MediaRef = { kind: 'asset'; id: string } | { kind: 'url'; url: string } | { kind: 'file'; written: string };

/** The most characters a v3 id may have: far more than any Hedra issues, few enough for a file name. */
export const V3_ID_MAX = 128;

/**
 * A v3 id (`job_…`, `asset_…`, `voice_…`): Hedra calls them "server-issued and opaque", so nothing is assumed
 * after the prefix (not a UUID, not a case: an id is used exactly as written). It is held to what is safe
 * where ids go, a file name, a URL path, a log line: its prefix, then letters, digits, `_` and `-`, at most
 * V3_ID_MAX characters in all. This one rule holds for ids given as inputs and ids in Hedra's answers.
 */
export function isV3Id(prefix: 'job' | 'asset' | 'voice', raw: string): boolean {
  return raw.length <= V3_ID_MAX && raw.startsWith(`${prefix}_`) && /^[A-Za-z0-9_-]+$/.test(raw.slice(prefix.length + 1));
}

export function parseMediaRef(input: string, raw: string): MediaRef {
  // v2's asset ids are UUIDs, in any case (lower-cased as v2 writes them); v3's are opaque, kept as written.
  if (isUuid(raw)) return { kind: 'asset', id: raw.toLowerCase() };
  if (isV3Id('asset', raw)) return { kind: 'asset', id: raw };
  if (/^https:\/\//i.test(raw)) {
    try {
      return { kind: 'url', url: new URL(raw).href };
    } catch {
      throw new InputError(`Input "${input}" is not a valid URL: "${raw}".`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new InputError(`Input "${input}" accepts https:// URLs only, got "${raw}".`);
  }
  // Anything else is a path; whether the file is there is checked before any request (hedra/assets.ts).
  return { kind: 'file', written: raw };
}

/** The lines of a multi-line input, trimmed, without the empty ones. */
export function lines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The entries of a media list: its lines, but for comments (`# …`). */
export const mediaLines = (raw: string): string[] => lines(raw).filter((line) => !line.startsWith('#'));

/** A multi-line list of media references (one per line: file names may hold commas). */
export function parseMediaList(input: string, raw: string): MediaRef[] {
  return mediaLines(raw).map((line) => parseMediaRef(input, line));
}

/** A list of generation ids (v2: UUIDs, lower-cased) or job ids (v3: job_…, opaque, as written) to resume, one per line or comma-separated. */
/** What a v3 id must look like, for messages. */
export const V3_ID_RULE = `A v3 id is its prefix (job_, asset_, voice_) then letters, digits, "_" or "-", at most ${V3_ID_MAX} characters, as Hedra issued it.`;

export function parseIdList(input: string, raw: string, api: 'v2' | 'v3' = 'v2'): string[] {
  const ids = raw.split(/[\s,]+/).filter(Boolean);
  for (const id of ids) {
    if (api === 'v2' && isV3Id('job', id)) throw new InputError(`Input "${input}": "${id}" is a v3 job id; set "api: v3" to pick it up.`);
    if (api === 'v3' && isUuid(id))
      throw new InputError(`Input "${input}": "${id}" is a v2 generation id; set "api: v2" to pick it up (v3 job ids are job_…).`);
    if (api === 'v2' && !isUuid(id)) throw new InputError(`Input "${input}" must be generation ids (UUIDs), one per line; "${id}" is not one.`);
    if (api === 'v3' && !isV3Id('job', id)) throw new InputError(`Input "${input}" must be v3 job ids, one per line; "${id}" is not one. ${V3_ID_RULE}`);
  }
  return ids.map((id) => (api === 'v3' ? id : id.toLowerCase()));
}
