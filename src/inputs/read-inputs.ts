// The one place that reads the workflow's inputs: through the toolkit's
// getInput (trimmed, as the runner passes them), into typed, checked Settings.
// Nothing else reads an input.

import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Env, Toolkit } from '../action/toolkit.js';
import { InputError } from '../errors.js';
import {
  GENERATION_TYPES,
  type GenerationType,
  INPUT_FIELDS,
  isGenerationType,
  isMediaInput,
  type MappedInput,
  MEDIA_INPUTS,
  type MediaInput,
} from '../request/types.js';
import {
  FALSE_SPELLINGS,
  type MediaRef,
  parseBoolean,
  parseDuration,
  parseIdList,
  parseInteger,
  parseMediaList,
  parseMediaRef,
  TRUE_SPELLINGS,
} from './parsers.js';
import { parseRequestInput } from './request-input.js';
import { didYouMean } from './suggest.js';

/** Every input action.yml declares, with the defaults it declares (a test keeps the two equal). */
export const INPUT_DEFAULTS = {
  'api-key': '',
  api: 'v2',
  'base-url': '',
  type: '',
  model: '',
  prompt: '',
  'prompt-file': '',
  text: '',
  'voice-id': '',
  image: '',
  'end-image': '',
  audio: '',
  video: '',
  resolution: '',
  'aspect-ratio': '',
  duration: '',
  seed: '',
  name: '',
  'batch-size': '',
  'reference-images': '',
  request: '',
  wait: 'true',
  timeout: '30m',
  download: 'true',
  'output-path': '',
  'generation-id': '',
  'github-token': '${{ github.token }}',
  'release-upload': '',
  comment: 'false',
  'max-credits': '',
  reuse: 'true',
  'dry-run': 'false',
} as const;

type InputName = keyof typeof INPUT_DEFAULTS;
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[];

export type InputValue = string | number | MediaRef | MediaRef[];

/** Hedra's two APIs: v2, the generations API; v3, one endpoint per model (see src/v3/). */
export const APIS = ['v2', 'v3'] as const;
export type Api = (typeof APIS)[number];

/** Each API's base URL, when `base-url` is empty. */
export const DEFAULT_BASE_URLS: Record<Api, string> = {
  v2: 'https://api.hedra.com/web-app/public',
  v3: 'https://api.hedra.com/v3',
};

/** What `type` means when it is empty on v2 (action.yml's default is empty, because on v3 the model decides). */
const V2_DEFAULT_TYPE: GenerationType = 'video';

export interface Settings {
  api: Api;
  baseUrl: string;
  /** On v2, the type given or `video`; on v3, the type given, or `video` as a placeholder when `typeGiven` is false. */
  type: GenerationType;
  /** Whether `type` was set: on v3 it is then checked against the model's kind. */
  typeGiven: boolean;
  /** A model slug or a model UUID, as given. */
  model?: string;
  /** The typed inputs that map onto body fields and were set, keyed by input name, parsed. */
  mapped: Partial<Record<MappedInput, InputValue>>;
  /** The `request` input: further body fields, merged under the typed ones. */
  request?: Record<string, unknown>;
  dryRun: boolean;
  /** Wait for the result (and download it) instead of returning once it is created. */
  wait: boolean;
  /** Overall deadline of the run, in milliseconds from its start. */
  timeoutMs: number;
  download: boolean;
  /** Absolute; a directory unless it names a file (see hedra/download.ts). */
  outputPath: string;
  /** For release-upload and comment. */
  githubToken?: string;
  /** Attach the downloaded files to a release: the triggering release event's ('event'), or the one with this tag. */
  releaseUpload?: string;
  /** Comment the results on the pull request. */
  comment: boolean;
  /** The most the run may spend (`max-credits`), in the API's unit (credits on v2, US dollars on v3): over it, or when the cost cannot be estimated, nothing is paid. */
  maxCredits?: number;
  /** Derive ids from the content, so unchanged inputs reuse what was generated before (`reuse`). */
  reuse: boolean;
  /** A file whose text is the prompt (or the text, for speech and sound): read by prompt-file.ts. */
  promptFile?: string;
  /** Existing generations (v2) or jobs (v3) to wait for instead of creating one (`generation-id`). */
  resumeIds?: string[];
  /** GITHUB_WORKSPACE: relative media paths are resolved against it. */
  workspace: string;
  /** RUNNER_TEMP: where the results manifest goes. */
  runnerTemp: string;
}

/** The variable the runner passes an input in (what getInput reads). */
const envName = (input: string) => `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;

/**
 * An input's value. The runner always passes every declared input, defaults
 * applied; outside a runner (a local harness) a missing one takes action.yml's
 * default, while one given empty stays empty.
 */
function read(toolkit: Toolkit, env: Env, input: InputName): string {
  const value = toolkit.getInput(input);
  return value === '' && env[envName(input)] === undefined ? INPUT_DEFAULTS[input] : value;
}

/** The key from `api-key`, else from the HEDRA_API_KEY environment variable. */
export function readApiKey(toolkit: Toolkit, env: Env): string | undefined {
  return read(toolkit, env, 'api-key') || env.HEDRA_API_KEY?.trim() || undefined;
}

/** What an HTTP header value cannot carry (undici's and Node's rule): anything but a tab, visible ASCII, a space and bytes 0x80–0xFF. */
const NOT_IN_A_HEADER = /[^\t\x20-\x7e\x80-\xff]/u;

/**
 * The key's problem, if it cannot be sent at all: a character no HTTP header can carry (most often a line
 * break pasted with it) would fail every request before it leaves, which would look like the network's
 * fault. Says what kind of character, never the key nor where in it.
 */
export function apiKeyProblems(toolkit: Toolkit, env: Env): string[] {
  const bad = NOT_IN_A_HEADER.exec(readApiKey(toolkit, env) ?? '')?.[0];
  if (bad === undefined) return [];
  const code = bad.codePointAt(0) ?? 0;
  const unicode = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const what = bad === '\n' || bad === '\r' ? 'a line break' : code < 0x80 ? `a control character (${unicode})` : `a character outside Latin-1 (${unicode})`;
  const source = read(toolkit, env, 'api-key') ? 'Input "api-key"' : 'The HEDRA_API_KEY environment variable';
  return [
    `${source} contains ${what}, which an HTTP header cannot carry: most likely a copy-paste error. Store the key again as the secret's whole value, on one line.`,
  ];
}

/** A v3 credential: `<key_id>:<secret>` (v3 sends it as `Authorization: Key <key_id>:<secret>`). */
const V3_KEY = /^[^:\s]+:[^\s]+$/;

/**
 * The key's problem when its shape is another API's: a v3 key is `<key_id>:<secret>`, a v2 key one opaque
 * string without a colon. Sending a key to the wrong API would only come back as "invalid key"; this says
 * which API the key looks like, never the key.
 */
export function apiKeyShapeProblems(key: string | undefined, api: Api, source: string): string[] {
  if (!key) return [];
  if (/^(key|bearer)\s/i.test(key)) {
    return [`${source} starts with "${key.split(/\s/)[0]}": store the key alone as the secret's value; the action adds the Authorization scheme.`];
  }
  const looksV3 = V3_KEY.test(key);
  if (api === 'v2' && looksV3) {
    return [`${source} looks like a v3 key (<key_id>:<secret>), but input "api" is v2. Set "api: v3" (and a v3 model), or use a v2 key.`];
  }
  if (api === 'v3' && !looksV3) {
    return [
      `${source} does not look like a v3 key: v3 keys are "<key_id>:<secret>" (from https://www.hedra.com/develop/api-keys); this one looks like a v2 key. Use a v3 key, or set "api: v2".`,
    ];
  }
  return [];
}

function parseApi(raw: string): Api {
  if ((APIS as readonly string[]).includes(raw)) return raw as Api;
  throw new InputError(`Input "api" must be v2 or v3, got "${raw}".${didYouMean(raw, APIS)}`);
}

/** Inputs given under `with:` that action.yml does not declare: the runner only warns; we stop. */
function unknownInputs(env: Env): string[] {
  const known = new Set(INPUT_NAMES.map(envName));
  return Object.keys(env)
    .filter((key) => key.startsWith('INPUT_') && !known.has(key))
    .map((key) => {
      const written = key.slice('INPUT_'.length).toLowerCase();
      return `Unexpected input "${written}": this action has no such input.${didYouMean(written, INPUT_NAMES)}`;
    });
}

function parseBaseUrl(raw: string, api: Api): string {
  if (raw === '') return DEFAULT_BASE_URLS[api];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`Input "base-url" must be a URL such as ${DEFAULT_BASE_URLS[api]}, got "${raw}".`);
  }
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
    throw new InputError(`Input "base-url" must not carry a user name or password (the key goes in "api-key"), got "${url.href}" with credentials.`);
  }
  // The API key travels in a header: plain http is allowed only to this machine (local test servers),
  // named exactly: localhost, ::1, or an address in 127.0.0.0/8 (not a host name that starts with "127.").
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new InputError(`Input "base-url" must be an https:// URL (http:// only to localhost), got "${raw}".`);
  }
  if (url.search || url.hash) throw new InputError(`Input "base-url" must not have a query or fragment, got "${raw}".`);
  return url.href.replace(/\/+$/, '');
}

function parseType(raw: string): GenerationType {
  if (isGenerationType(raw)) return raw;
  throw new InputError(`Input "type" must be one of ${GENERATION_TYPES.join(', ')}; got "${raw}".${didYouMean(raw, GENERATION_TYPES)}`);
}

/** How each typed input's text becomes its value; media inputs by the media table. */
const PARSERS: Record<Exclude<MappedInput, MediaInput>, (input: string, raw: string) => InputValue> = {
  prompt: (_, raw) => raw,
  text: (_, raw) => raw,
  'voice-id': (_, raw) => raw,
  resolution: (_, raw) => raw,
  'aspect-ratio': (_, raw) => raw,
  duration: parseDuration,
  seed: (input, raw) => parseInteger(input, raw),
  name: (_, raw) => raw,
  'batch-size': (input, raw) => parseInteger(input, raw, { min: 1, max: 8 }),
};

function parseMapped(input: MappedInput, raw: string): InputValue {
  if (!isMediaInput(input)) return PARSERS[input](input, raw);
  return MEDIA_INPUTS[input].list ? parseMediaList(input, raw) : parseMediaRef(input, raw);
}

/** In the type table's order, which is the order fields are set in and problems reported in. */
const MAPPED_INPUTS = Object.keys(INPUT_FIELDS) as MappedInput[];

/**
 * Every input, checked and typed. `env` is where the runner's other variables
 * are read from (GITHUB_WORKSPACE, RUNNER_TEMP) and where unknown inputs are
 * looked for. Every input that cannot be read is reported, not just the first.
 */
export async function readInputs(toolkit: Toolkit, env: Env, cwd: string): Promise<Settings> {
  const keyProblems = apiKeyProblems(toolkit, env);
  const problems = [...unknownInputs(env), ...keyProblems];
  const get = (input: InputName) => read(toolkit, env, input);
  /** The parsed value, or undefined with the problem noted. */
  const parsed = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
      return undefined;
    }
  };
  const api = parsed(() => parseApi(get('api'))) ?? 'v2';
  const apiKey = readApiKey(toolkit, env);
  // A key that cannot be sent at all is reported as that alone.
  if (keyProblems.length === 0) {
    problems.push(...apiKeyShapeProblems(apiKey, api, read(toolkit, env, 'api-key') ? 'Input "api-key"' : 'The HEDRA_API_KEY environment variable'));
  }
  const typeGiven = get('type') !== '';
  const type = typeGiven ? parsed(() => parseType(get('type'))) : V2_DEFAULT_TYPE;
  const mapped: Settings['mapped'] = {};
  for (const input of MAPPED_INPUTS) {
    const raw = get(input);
    const value = raw === '' ? undefined : parsed(() => parseMapped(input, raw));
    if (value !== undefined) mapped[input] = value;
  }
  // On v3 the model's kind is not known yet: a duration is only ever given for videos (and sounds) there.
  if (type !== undefined) parsed(() => checkShortDuration(api === 'v3' ? 'video' : type, get('duration'), mapped.duration));
  problems.push(...assetIdProblems(api, mapped));
  const requestText = get('request');
  const resume = get('generation-id');
  const workspace = env.GITHUB_WORKSPACE || cwd;
  const runnerTemp = env.RUNNER_TEMP || tmpdir();
  const outputPath = get('output-path');
  let request: Record<string, unknown> | undefined;
  try {
    if (requestText !== '') request = await parseRequestInput(requestText);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(error.message);
  }
  const settings = {
    api,
    baseUrl: parsed(() => parseBaseUrl(get('base-url'), api)),
    type,
    typeGiven,
    model: get('model') || undefined,
    mapped,
    request,
    dryRun: parsed(() => parseBoolean('dry-run', get('dry-run'))),
    wait: parsed(() => parseBoolean('wait', get('wait'))),
    timeoutMs: parsed(() => parseTimeout(get('timeout'))),
    download: parsed(() => parseBoolean('download', get('download'))),
    outputPath: outputPath === '' ? join(runnerTemp, 'hedra') : isAbsolute(outputPath) ? outputPath : join(workspace, outputPath),
    resumeIds: resume === '' ? undefined : parsed(() => parseIdList('generation-id', resume, api)),
    promptFile: get('prompt-file') || undefined,
    githubToken: readToken(get('github-token')),
    releaseUpload: parseReleaseUpload(get('release-upload')),
    comment: parsed(() => parseBoolean('comment', get('comment'))),
    maxCredits: get('max-credits') === '' ? undefined : parsed(() => parseBudget(get('max-credits'), api)),
    reuse: parsed(() => parseBoolean('reuse', get('reuse'))),
    workspace,
    runnerTemp,
  };
  if (api === 'v3' && !settings.model && !settings.resumeIds) {
    problems.push(
      `Input "model" is required on v3, where the model decides what is made (e.g. model: kling-v3); the models are listed at https://www.hedra.com/develop/models.`,
    );
  }
  if (problems.length > 0) throw InputError.all(problems, 'The inputs have');
  return settings as Settings;
}

/** `max-credits` in the API's unit: whole credits on v2, US dollars (cents allowed) on v3. */
function parseBudget(raw: string, api: Api): number {
  if (api === 'v2') return parseInteger('max-credits', raw, { min: 0 });
  if (!/^\$?(\d+(\.\d+)?|\.\d+)$/.test(raw)) {
    throw new InputError(`Input "max-credits" is in US dollars on v3 (the API wallet's unit): a number such as 0.50 or 2, got "${raw}".`);
  }
  return Number(raw.replace('$', ''));
}

/** Asset ids of the other API: v2's are bare UUIDs, v3's `asset_<uuid>` (outputs of earlier v3 jobs). */
function assetIdProblems(api: Api, mapped: Settings['mapped']): string[] {
  if (api !== 'v2') return []; // v3 explains a v2 id where it maps the inputs (src/request/v3-input.ts).
  return Object.entries(mapped).flatMap(([input, value]) =>
    [value]
      .flat()
      .filter((ref): ref is Extract<MediaRef, { kind: 'asset' }> => typeof ref === 'object' && ref.kind === 'asset' && ref.id.startsWith('asset_'))
      .map((ref) => `Input "${input}": "${ref.id}" is a v3 asset id; v2 takes its own asset ids (UUIDs) or files. Set "api: v3", or give the file.`),
  );
}

/** Types whose `duration` a bare number below half a second almost certainly meant as seconds. */
const DURATION_TYPES: GenerationType[] = ['video', 'motion_control', 'text_to_sound'];

/** `duration: 5` is 5 milliseconds: for a video or a sound that is a mistake for 5s. */
function checkShortDuration(type: GenerationType, raw: string, ms: InputValue | undefined): void {
  if (!DURATION_TYPES.includes(type) || typeof ms !== 'number' || !/^(\d+(\.\d+)?|\.\d+)$/.test(raw) || ms >= 500) return;
  throw new InputError(`Input "duration" is ${raw} milliseconds, too short for type ${type}: a bare number is milliseconds. Did you mean "${raw}s"?`);
}

/** Inputs that a run picking up existing generations (`generation-id`) does not use, to warn about. */
export function unusedWhenResuming(settings: Settings): string[] {
  return [
    ...Object.keys(settings.mapped),
    ...(settings.model ? ['model'] : []),
    ...(settings.request ? ['request'] : []),
    ...(settings.promptFile ? ['prompt-file'] : []),
    ...(settings.maxCredits !== undefined ? ['max-credits'] : []),
  ];
}

/** An expression the runner did not evaluate (a run outside a workflow) is no token. */
function readToken(raw: string): string | undefined {
  return raw === '' || raw.startsWith('${{') ? undefined : raw;
}

/** `true`: the release of the triggering event; `false` or empty: off; anything else: a tag. */
function parseReleaseUpload(raw: string): string | undefined {
  if (raw === '' || FALSE_SPELLINGS.includes(raw)) return undefined;
  return TRUE_SPELLINGS.includes(raw) ? 'event' : raw;
}

/** `timeout` takes the same forms as `duration` (90s, 15m, 1h); at least a second, at most six hours (a job's limit). */
function parseTimeout(raw: string): number {
  const ms = parseDuration('timeout', raw);
  if (ms < 1000 || ms > 6 * 3_600_000) {
    throw new InputError(`Input "timeout" must be between 1s and 6h, got "${raw}".`);
  }
  return ms;
}
