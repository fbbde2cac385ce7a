// The step's inputs that drive a manifest (`manifest`, `plan`, `item`,
// `parallel`, `verify`), and the two inputs a manifest that mixes Hedra's APIs
// needs one value of per API: `api-key` (one key per line, each told apart by
// its shape: a v3 key is `<key_id>:<secret>`) and `base-url` (`v2: <url>`
// lines). Each item's own inputs come from the manifest file (src/manifest/).
import type { Env, Toolkit } from '../action/toolkit.js';
import { InputError } from '../core/errors.js';
import { FALSE_SPELLINGS, lines, parseBoolean, parseInteger } from './parsers.js';
import { read } from './raw.js';
import { APIS, type Api } from './settings.js';

export type ManifestMode = 'plan' | 'verify' | 'generate';

export interface ManifestStep {
  /** `manifest` as written (messages name it so). */
  written: string;
  mode: ManifestMode;
  /** `item`: the items to generate; undefined: every item that needs work. */
  items?: string[];
  /** `parallel`: how many items run at once. */
  parallel: number;
  /** The API key for each API, from `api-key` (or HEDRA_API_KEY): one line per key. */
  keys: Partial<Record<Api, string>>;
  /** `base-url` for each API, as written; an API absent here uses its default. */
  baseUrls: Partial<Record<Api, string>>;
}

/** The most items one step generates at once (each item's requests share its API key's budget anyway). */
export const MAX_PARALLEL = 16;

/** The inputs that only mean something with `manifest`. */
const MANIFEST_ONLY = ['plan', 'item', 'verify'] as const;

/** A v3 key's shape (api-key.ts checks the same): a key id, a colon, a secret. */
const looksV3 = (key: string) => /^[^:\s]+:\S+$/.test(key);

/**
 * The manifest step's settings, or undefined when `manifest` is empty (a single step). Throws every problem at
 * once: an input that only a manifest takes, given without one, is one of them.
 */
export function readManifestStep(toolkit: Toolkit, env: Env): ManifestStep | undefined {
  const get = (input: Parameters<typeof read>[2]) => read(toolkit, env, input);
  const written = get('manifest');
  const problems: string[] = [];
  if (written === '') {
    // A flag spelled false in any of the runner's spellings (False, FALSE) is not given.
    const given = MANIFEST_ONLY.filter((input) => get(input) !== '' && (input === 'item' || !FALSE_SPELLINGS.includes(get(input))));
    if (given.length === 0) return undefined;
    throw InputError.all(
      given.map((input) => `Input "${input}" works on a manifest of many items: set "manifest" too (e.g. manifest: media/hedra.yml), or leave "${input}" out.`),
      'The inputs have',
    );
  }
  const flag = (input: 'plan' | 'verify') => {
    try {
      return parseBoolean(input, get(input));
    } catch (error) {
      problems.push((error as Error).message);
      return false;
    }
  };
  const plan = flag('plan');
  const verify = flag('verify');
  const itemText = get('item');
  if (plan && verify) problems.push('Inputs "plan" and "verify" are both true: a step does one of them; use two steps.');
  if ((plan || verify) && itemText !== '')
    problems.push(`Input "item" generates; with "${plan ? 'plan' : 'verify'}: true" nothing is generated. Leave "item" out.`);
  let parallel = 4;
  try {
    parallel = parseInteger('parallel', get('parallel'), { min: 1, max: MAX_PARALLEL });
  } catch (error) {
    problems.push((error as Error).message);
  }
  for (const input of ['release-upload', 'comment', 'generation-id'] as const) {
    const value = get(input);
    if (value !== '' && value !== 'false')
      problems.push(
        `Input "${input}" is for a single step; with "manifest" it is not taken (every item would ${input === 'generation-id' ? 'resume the same work' : 'publish on its own'}). Leave it out.`,
      );
  }
  if (get('dry-run') !== '' && get('dry-run') !== 'false') {
    problems.push('Input "dry-run" is for a single step; with "manifest", "plan: true" checks and prices every item without paying.');
  }
  const keys = keysByApi(get('api-key') || env.HEDRA_API_KEY?.trim() || '', problems);
  const baseUrls = baseUrlsByApi(get('base-url'), problems);
  if (problems.length > 0) throw InputError.all(problems, 'The inputs have');
  const items =
    itemText === ''
      ? undefined
      : [
          ...new Set(
            itemText
              .split(/[,\n]/)
              .map((name) => name.trim())
              .filter(Boolean),
          ),
        ];
  return { written, mode: plan ? 'plan' : verify ? 'verify' : 'generate', items, parallel, keys, baseUrls };
}

/** One key per API, each recognised by its shape; never says a key, only which line. */
function keysByApi(raw: string, problems: string[]): Partial<Record<Api, string>> {
  const keys: Partial<Record<Api, string>> = {};
  lines(raw).forEach((key, index) => {
    const api: Api = looksV3(key) ? 'v3' : 'v2';
    if (keys[api] !== undefined) {
      problems.push(`Input "api-key" has two ${api} keys (line ${index + 1} is the second): give at most one key per API, one per line.`);
      return;
    }
    keys[api] = key;
  });
  return keys;
}

/** One URL for every API, or `v2: <url>` / `v3: <url>` lines. */
function baseUrlsByApi(raw: string, problems: string[]): Partial<Record<Api, string>> {
  const given = lines(raw);
  if (given.length === 0) return {};
  const labelled = given.map((line) => /^(v\d+)\s*[:=]\s*(\S+)$/.exec(line));
  if (given.length === 1 && !labelled[0]) return Object.fromEntries(APIS.map((api) => [api, given[0]]));
  const urls: Partial<Record<Api, string>> = {};
  labelled.forEach((match, index) => {
    if (!match || !(APIS as readonly string[]).includes(match[1])) {
      problems.push(`Input "base-url" line ${index + 1}: with several lines, each is "v2: <url>" or "v3: <url>", got "${given[index]}".`);
    } else urls[match[1] as Api] = match[2];
  });
  return urls;
}
