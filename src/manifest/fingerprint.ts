// What an item's output is made from, as the lock file records it: every input
// that makes the generation, local files as their SHA-256 (their bytes, not
// their names, are what Hedra receives), and the content key over all of it.
// It is the derivation reuse uses (src/apis/v2/prepare.ts, v3/submit.ts)
// without the API key, so that it is computed with no key and no request: a
// plan in a pull request from a fork compares it with the lock.
import { canonicalJson } from '../core/json.js';
import { sha256 } from '../hedra/derived-ids.js';
import { isMediaInput } from '../inputs/kinds.js';
import { mediaLines, parseMediaRef } from '../inputs/parsers.js';
import { type Api, DEFAULT_BASE_URLS } from '../inputs/settings.js';
import { workspaceFile } from '../inputs/workspace-file.js';
import { fileSha256 } from '../media/local-files.js';
import { type ItemInput, itemApi, type ManifestItem } from './manifest-file.js';

/** A local file as the lock records it: as written, and its content's digest (undefined: it cannot be read). */
export interface FileFingerprint {
  file: string;
  sha256?: string;
}
export type InputFingerprint = string | FileFingerprint | FileFingerprint[] | (string | FileFingerprint)[];

export interface Fingerprint {
  /** SHA-256 over the API's address and every input below. */
  key: string;
  api: Api;
  /** Every input that makes the output (not where it goes), files by digest. */
  inputs: Record<string, InputFingerprint>;
}

/** Inputs that say where the output goes, not what it is: a change moves the file, it does not make a new one. */
const PLACE_INPUTS: ReadonlySet<ItemInput> = new Set(['output-path']);

/** Digests already taken, by real path: items of a manifest often share a file (a logo, a reference image), read once. */
export type Digests = Map<string, Promise<string>>;

async function fileFingerprint(input: string, written: string, workspace: string, digests: Digests): Promise<FileFingerprint> {
  try {
    const { path } = await workspaceFile(input, written, workspace);
    let digest = digests.get(path);
    if (!digest) {
      digest = fileSha256(path);
      digests.set(path, digest);
    }
    return { file: written, sha256: await digest };
  } catch {
    // The item's own check says what is wrong with the file; the fingerprint only records that it is not known.
    return { file: written };
  }
}

/** A media input's lines: files by digest, asset ids and URLs as written. */
async function mediaFingerprint(input: string, text: string, workspace: string, digests: Digests): Promise<InputFingerprint> {
  // The entries the request is made of (parseMediaList's): a comment line is no input.
  const each = await Promise.all(
    mediaLines(text).map(async (line) => {
      try {
        const ref = parseMediaRef(input, line);
        return ref.kind === 'file' ? fileFingerprint(input, ref.written, workspace, digests) : line;
      } catch {
        return line;
      }
    }),
  );
  return each.length === 1 ? each[0] : each;
}

/** The item's fingerprint; `baseUrls` are the step's (`base-url`), by API; `digests` are shared by the items of one step. */
export async function fingerprint(
  item: ManifestItem,
  baseUrls: Partial<Record<Api, string>>,
  workspace: string,
  digests: Digests = new Map(),
): Promise<Fingerprint> {
  const api = itemApi(item);
  const inputs: Record<string, InputFingerprint> = {};
  for (const [input, text] of Object.entries(item.inputs) as [ItemInput, string][]) {
    if (PLACE_INPUTS.has(input) || text === '') continue;
    if (input === 'prompt-file') inputs[input] = await fileFingerprint(input, text, workspace, digests);
    else inputs[input] = isMediaInput(input) ? await mediaFingerprint(input, text, workspace, digests) : text;
  }
  const baseUrl = (baseUrls[api] || DEFAULT_BASE_URLS[api]).replace(/\/+$/, '');
  return { key: sha256(canonicalJson({ v: 1, baseUrl, inputs })), api, inputs };
}

/** The inputs whose fingerprints differ (added, removed or changed), in the order written. */
export function changedInputs(before: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const names = [...new Set([...Object.keys(now), ...Object.keys(before)])];
  return names.filter((name) => canonicalJson(before[name]) !== canonicalJson(now[name]));
}
