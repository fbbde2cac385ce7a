// The one place that reads the workflow's inputs: through the toolkit's
// getInput (trimmed, as the runner passes them), into typed, checked Settings.
// Nothing else reads an input. Every input that cannot be read is a problem
// returned beside the settings, not thrown: the run checks what did parse
// against the model too, and reports every problem in one round.
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Env, Toolkit } from '../action/toolkit.js';
import { InputError } from '../core/errors.js';
import { said } from '../core/outside.js';
import { didYouMean } from '../core/suggest.js';
import { apiKeyProblems, apiKeyShapeProblems, readApiKey } from './api-key.js';
import {
  GENERATION_TYPES,
  type GenerationType,
  isGenerationType,
  isMediaInput,
  MAPPED_INPUTS,
  type MappedInput,
  MEDIA_INPUTS,
  type MediaInput,
} from './kinds.js';
import {
  FALSE_SPELLINGS,
  isUuid,
  isV3Id,
  type MediaRef,
  parseBoolean,
  parseDuration,
  parseIdList,
  parseInteger,
  parseMediaList,
  parseMediaRef,
  TRUE_SPELLINGS,
  V3_ID_RULE,
} from './parsers.js';
import { envName, read } from './raw.js';
import { parseRequestInput } from './request-input.js';
import { APIS, type Api, DEFAULT_BASE_URLS, INPUT_DEFAULTS, INPUT_NAMES, type InputName, type InputValue, type Settings } from './settings.js';
import { insideGitFolder } from './workspace-file.js';

/** What `type` means when it is empty on v2 (action.yml's default is empty, because on v3 the model decides). */
const V2_DEFAULT_TYPE: GenerationType = 'video';

function parseApi(raw: string): Api {
  if ((APIS as readonly string[]).includes(raw)) return raw as Api;
  throw new InputError(`Input "api" must be v2 or v3, got "${raw}".${didYouMean(raw, APIS)}`);
}

/** Inputs given under `with:` that action.yml does not declare: the runner only warns; we stop. */
export function unknownInputs(env: Env): string[] {
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
  // `auto`: the model chooses the length (v3 models whose duration_ms takes -1).
  duration: (input, raw) => (raw.toLowerCase() === 'auto' ? 'auto' : parseDuration(input, raw)),
  seed: (input, raw) => parseInteger(input, raw),
  name: (_, raw) => raw,
  'batch-size': (input, raw) => parseInteger(input, raw, { min: 1, max: 8 }),
};

function parseMapped(input: MappedInput, raw: string): InputValue {
  if (!isMediaInput(input)) return PARSERS[input](input, raw);
  // Several lines make a list for any media input: on v3 a field may take one or several (one audio per speaker).
  if (MEDIA_INPUTS[input].list || /\S\s*\r?\n\s*\S/.test(raw)) {
    const refs = parseMediaList(input, raw);
    return MEDIA_INPUTS[input].list || refs.length > 1 ? refs : refs[0];
  }
  return parseMediaRef(input, raw);
}

/**
 * What v2 cannot take of what the parsers accept for v3 (several files in a one-file input, `duration: auto`):
 * each a problem, its input left out of `mapped` (as an input that could not be read) so that v2 never sees it.
 */
function v2OnlyProblems(mapped: Settings['mapped'], unparsed: InputName[]): string[] {
  const problems: string[] = [];
  const drop = (input: MappedInput, problem: string) => {
    delete mapped[input];
    unparsed.push(input);
    problems.push(problem);
  };
  for (const input of Object.keys(MEDIA_INPUTS) as MediaInput[]) {
    if (!MEDIA_INPUTS[input].list && Array.isArray(mapped[input])) {
      drop(input, `Input "${input}" takes one file on v2; several (one per line) only on v3, for a model whose field takes a list.`);
    }
  }
  if (mapped.duration === 'auto')
    drop('duration', 'Input "duration" is auto, which only v3 models that choose their own length take: give a length such as 5s on v2.');
  return problems;
}

/** The inputs as read: the settings, and every problem found reading them. */
export interface ReadInputs {
  /** Each input that could not be read takes its default here (and is named in `unparsed`). */
  settings: Settings;
  /** Every input that cannot be used, in the workflow's words; empty when all can. */
  problems: string[];
  /** The inputs given that could not be read: a check against the model says nothing more about them. */
  unparsed: InputName[];
  /**
   * Whether Hedra can be asked about the rest (the API, its address, the type and the key could be read): only then
   * are the inputs that did parse checked against the model (free reads) before the problems are reported, all in
   * one round.
   */
  reachable: boolean;
}

/**
 * Every input, checked and typed. `env` is where the runner's other variables
 * are read from (GITHUB_WORKSPACE, RUNNER_TEMP) and where unknown inputs are
 * looked for. Every input that cannot be read is reported, not just the first.
 */
export async function readInputs(toolkit: Toolkit, env: Env, cwd: string): Promise<ReadInputs> {
  const keyProblems = apiKeyProblems(toolkit, env);
  const problems = [...unknownInputs(env), ...keyProblems];
  const unparsed: InputName[] = [];
  const get = (input: InputName) => read(toolkit, env, input);
  /** The input's value, or `fallback` with the problem noted. */
  const parsed = <T>(input: InputName, parse: (raw: string) => T, fallback: T): T => {
    try {
      return parse(get(input));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
      unparsed.push(input);
      return fallback;
    }
  };
  const api = parsed('api', parseApi, undefined);
  const apiKey = readApiKey(toolkit, env);
  // A key that cannot be sent at all is reported as that alone.
  const shape =
    keyProblems.length === 0 && api ? apiKeyShapeProblems(apiKey, api, get('api-key') ? 'Input "api-key"' : 'The HEDRA_API_KEY environment variable') : [];
  problems.push(...shape);
  const typeGiven = get('type') !== '';
  const type = typeGiven ? parsed('type', parseType, undefined) : V2_DEFAULT_TYPE;
  const mapped: Settings['mapped'] = {};
  for (const input of MAPPED_INPUTS) {
    if (get(input) === '') continue;
    const value = parsed(input, (raw) => parseMapped(input, raw), undefined);
    if (value !== undefined) mapped[input] = value;
  }
  // On v3 the model's kind is not known yet: a duration is only ever given for videos (and sounds) there.
  if (type !== undefined) parsed('duration', (raw) => checkShortDuration(api === 'v3' ? 'video' : type, raw, mapped.duration), undefined);
  problems.push(...assetIdProblems(api ?? 'v2', mapped), ...voiceIdProblems(api ?? 'v2', mapped['voice-id']));
  if (api === 'v2') problems.push(...v2OnlyProblems(mapped, unparsed));
  const workspace = env.GITHUB_WORKSPACE || cwd;
  const runnerTemp = env.RUNNER_TEMP || tmpdir();
  const outputPath = get('output-path');
  let request: Record<string, unknown> | undefined;
  if (get('request') !== '') {
    try {
      request = await parseRequestInput(get('request'));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
      unparsed.push('request');
    }
  }
  const baseUrl = parsed('base-url', (raw) => parseBaseUrl(raw, api ?? 'v2'), undefined);
  const resume = get('generation-id');
  const settings: Settings = {
    api: api ?? 'v2',
    baseUrl: baseUrl ?? DEFAULT_BASE_URLS[api ?? 'v2'],
    type: type ?? V2_DEFAULT_TYPE,
    typeGiven,
    model: get('model') || undefined,
    mapped,
    request,
    // An unreadable dry-run is taken as one: nothing is paid while any problem stands, and this one asks for nothing.
    dryRun: parsed('dry-run', (raw) => parseBoolean('dry-run', raw), true),
    wait: parsed('wait', (raw) => parseBoolean('wait', raw), true),
    timeoutMs: parsed('timeout', parseTimeout, parseTimeout(INPUT_DEFAULTS.timeout)),
    download: parsed('download', (raw) => parseBoolean('download', raw), true),
    outputPath: outputPath === '' ? join(runnerTemp, 'hedra') : isAbsolute(outputPath) ? outputPath : join(workspace, outputPath),
    resumeIds: resume === '' ? undefined : parsed('generation-id', (raw) => parseIdList('generation-id', raw, api ?? 'v2'), undefined),
    promptFile: get('prompt-file') || undefined,
    githubToken: readToken(get('github-token')),
    releaseUpload: parseReleaseUpload(get('release-upload')),
    comment: parsed('comment', (raw) => parseBoolean('comment', raw), false),
    maxCredits: get('max-credits') === '' ? undefined : parsed('max-credits', (raw) => parseBudget(raw, api ?? 'v2'), 0),
    reuse: parsed('reuse', (raw) => parseBoolean('reuse', raw), true),
    workspace,
    runnerTemp,
  };
  if (outputPath !== '' && (await insideGitFolder(settings.outputPath, workspace))) {
    problems.push(
      `Input "output-path" is inside the repository's .git folder ("${outputPath}"): git's own files live there, not the checkout, and a file written there can break the repository. Give a folder of the workspace (such as generated/), or leave it empty for the runner's temporary folder.`,
    );
    unparsed.push('output-path');
  }
  if (settings.api === 'v3' && !settings.model && !settings.resumeIds && !unparsed.includes('generation-id')) {
    problems.push(
      `Input "model" is required on v3, where the model decides what is made (e.g. model: kling-v3); the models are listed at https://www.hedra.com/develop/models.`,
    );
  }
  // Without the type, the request has no shape to check against a model either.
  const reachable = api !== undefined && baseUrl !== undefined && type !== undefined && keyProblems.length === 0 && shape.length === 0;
  return { settings, problems, unparsed, reachable };
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

/**
 * A v3 `voice-id` that is no v3 voice id (voice_…, opaque: see isV3Id), before anything is sent. On v2 a voice
 * id is a UUID, checked with the rest of the v2 request.
 */
function voiceIdProblems(api: Api, voice: InputValue | undefined): string[] {
  if (api !== 'v3' || typeof voice !== 'string' || isV3Id('voice', voice)) return [];
  const list = 'GET /models/{model}/voices lists the voices of a speech model';
  if (isUuid(voice)) return [`Input "voice-id": "${voice}" is a v2 voice id (a UUID); v3 voice ids are voice_… (${list}).`];
  return [`Input "voice-id" must be a v3 voice id (voice_…; ${list}); "${said(voice, 140)}" is not one. ${V3_ID_RULE}`];
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
