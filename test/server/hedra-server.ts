// A Hedra-compatible API server on 127.0.0.1 for the tests, the demo and the
// benchmark. It keeps real state (assets and their bytes, generations and the
// jobs behind them moving through queued → processing → finalizing →
// complete, credits), validates every JSON body against Hedra's OpenAPI
// document and answers 422 as FastAPI does, checks the key, serves results
// from presigned-style URLs, and records every request so that tests can count.
//
// Hedra's documents outrank this server: its defaults follow them (a model
// catalogue, the list filter, documented error codes, a presigned PUT that
// does not finalize an asset). Where Hedra's behaviour is undocumented, a
// behaviour option selects each plausible form, so that tests can prove the
// client copes with every one. Each answer of its own is checked against the
// spec's response schema: a wrong answer is a bug here, and fails loudly.
// Written in erasable TypeScript so that Node runs it directly (npm run demo).
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { type TestTime, wallTime } from '../helpers/fast-time.ts';
import {
  CATALOGUE_MODELS,
  type CatalogueModel,
  CHARACTER_3_DEFAULT_SLUG,
  type DurationForm,
  type HostilePricing,
  hostilePrice,
  itemPrice,
  modelAnswer,
  modelProblems,
  namedModel,
  pricedModel,
} from './catalogue.ts';
import { type Fault, faultBox, HttpError, type InjectedAnswer, parseRecorded, readBody } from './faults.ts';
import { type FastApiError, schemaRef, spec, validate } from './spec.ts';

export type { CatalogueModel, HostilePricing } from './catalogue.ts';
export { CATALOGUE, CATALOGUE_MODELS, CHARACTER_3_DEFAULT_SLUG, CHARACTER_3_ID, itemPrice, priceOf } from './catalogue.ts';
export type { Fault, InjectedAnswer, RateLimit } from './faults.ts';

export const API_PREFIX = '/web-app/public';

export interface RecordedRequest {
  method: string;
  /** Path below the API prefix (or the full path for presigned URLs), without the query. */
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, the text, or for uploads {bytes, sha256}. */
  body: unknown;
  status: number;
  /** The fault injected into this request, if any. */
  fault?: Fault['kind'];
  /** For a gzip bomb: the compressed bytes written before the answer ended or the client went away. */
  sent?: number;
}

/** How long a job spends in each state, in milliseconds. */
export interface Timings {
  queued: number;
  processing: number;
  finalizing: number;
}

export interface StoredUpload {
  bytes: number;
  sha256: string;
  contentType: string;
  filename?: string;
  via: 'multipart' | 'put';
}

export interface StoredAsset {
  id: string;
  name: string;
  type: string;
  /** The bytes last received, however they came. */
  upload?: StoredUpload;
  /** Whether the asset has its media: set by the multipart upload, and by a PUT only with behaviour.putFinalizes. */
  finalized?: boolean;
  createdAt?: number;
}

export interface Job {
  id: string;
  assetId: string;
  type: string;
  request: Record<string, any>;
  createdAt: number;
  batchIndex: number;
  /** sha256 of the bytes served for the result, once served whole. */
  servedSha256?: string;
  /** Credits charged for this item. */
  creditCost?: number;
  /** Links the items of one batch. */
  batchGenerationId?: string;
  /** The error this job ends in once dispatched (set at creation, e.g. for an input asset without media). */
  failure?: Record<string, unknown>;
}

/** Where a fault can be injected: one kind of request each (the stages of a full run). */
export type Stage = 'asset-create' | 'upload' | 'create' | 'status' | 'download';
/**
 * The read-only requests, faultable too: GET /models, GET /generations (the
 * list filter), GET /assets, GET /billing/credits. Kept apart from Stage so
 * that a Record<Stage, …> of a full run's stages stays exhaustive.
 */
export type ReadStage = 'models' | 'list' | 'assets-list' | 'credits';
export type FaultStage = Stage | ReadStage;

/**
 * How an error answer of the server's own is written, where Hedra documents
 * the code (the spec's ErrorCode) but not the body:
 * - 'error': {"error": {"type": CODE, "message", ...figures}} (the spec's GenerationError, as the generation error is shaped);
 * - 'detail': {"detail": {"type": CODE, "message", ...figures}};
 * - 'detail-code': {"detail": {"code": CODE, "message", ...figures}};
 * - 'detail-list': {"detail": [{"type": CODE, "loc", "msg", "ctx": {...figures}}]} (the documented 422 HTTPValidationError shape);
 * - 'detail-string': {"detail": "message"} (FastAPI's HTTPException; no code at all).
 */
export type ErrorShape = 'error' | 'detail' | 'detail-code' | 'detail-list' | 'detail-string';

export interface ServerBehaviour {
  timings: Timings;
  /** Answer video asset creation with a presigned upload_url (the raw-PUT path). */
  videoUploadUrl: boolean;
  /** Refuse generations that name assets this server does not hold (404 NOT_FOUND). An asset it holds without media is refused regardless (see missingMedia). */
  requireAssets: boolean;
  /** Size of each generated result, in bytes. */
  resultBytes: number;
  /** A job for which this returns something ends in `error` with that error (see generationError() for param and violations). */
  errorFor?: (job: Job) => Record<string, unknown> | string | undefined;

  // The model catalogue (GET /models).
  /** Character-3's slug, which no vendor material gives: a plausible guess by default; null answers `"slug": null`. */
  characterThreeSlug: string | null;
  /** How AIModel.durations (typed only as strings) are written: '5s', '5000' or '5'. */
  catalogueDurations: DurationForm;
  /** `types=image,video` (comma-joined; the spec declares an exploded array, `types=image&types=video`): split it, or refuse it as FastAPI would (422). */
  typesCommaJoined: 'split' | 'reject';
  /** GET /models fails every time with this status (for a one-off failure or a network fault, use fault('models', …)). */
  modelsFailure?: 403 | 404 | 500;
  /** Refuse (422) a create whose named catalogue model does not allow its inputs: the spec says the limits are enforced. */
  modelChecks: boolean;
  /** A create naming a model the catalogue does not list: accepted, or refused with 422 (undocumented). */
  unknownModel: 'accept' | 'refuse';
  /** Prices GET /models advertises that are not prices (see HostilePricing); creates are still charged the real ones. */
  advertisedPricing?: HostilePricing;

  // Lists (GET /generations, GET /assets): `ids` is a plain string in the spec.
  /** `ids=a&ids=b`: every value counts, or only the last (what FastAPI does with a scalar query parameter). Comma-joined always splits. */
  idsRepeated: 'all' | 'last';

  // Assets.
  /** Whether a presigned PUT alone gives an asset its media (undocumented; nothing says it does). */
  putFinalizes: boolean;
  /** How GET /assets shows an asset without media: left out (the spec requires `asset` with a `url`), or with an empty url. */
  unfinalizedAssets: 'omit' | 'empty-url';
  /** A create naming an asset this server holds without media: refused with the documented 422, or created and ending in `error` (INVALID_ARGUMENT, param). */
  missingMedia: 'refuse' | 'error';

  // Generations.
  /** The answer to GET /generations/{id}/status for an id this server does not hold (undocumented: only 200 and 422 are). */
  unknownStatusAnswer: 404 | 422 | 400;
  /** HTTP status for a generation_id(s) or reserved_asset_id(s) already used (undocumented; the code ALREADY_EXISTS is). */
  duplicateStatus: 409 | 422;
  duplicateShape: ErrorShape;
  /** Remaining credits; undefined = plenty. A create costing more is refused; one that succeeds is charged. */
  credits?: number;
  /** The code for too few credits: INSUFFICIENT_BALANCE (the spec's), or MISSING_CREDITS (before 2026-07-23). */
  creditsCode: 'INSUFFICIENT_BALANCE' | 'MISSING_CREDITS';
  creditsStatus: 402 | 400 | 422;
  creditsShape: ErrorShape;
  /** An item of a create for which this returns a message fails at creation: `id: null`, status 'error', that error; no job. */
  batchItemError?: (index: number, request: Record<string, any>) => string | undefined;
  /** The generation types this account may create; undefined = all. Others are refused naming the type. */
  enabledTypes?: string[];
  disabledTypeStatus: 403 | 404 | 422;
  /** Shape of that refusal; by default 'detail-list' for 422, else 'error'. */
  disabledTypeShape?: ErrorShape;

  /** X-RateLimit-Reset on 429s: an epoch second (what Hedra's v3 documents), or seconds until the reset. */
  rateLimitReset: 'epoch' | 'delta';
}

export interface HedraServerOptions extends Partial<ServerBehaviour> {
  /** The server's clock (jobs' progress, expiries, streams): the wall clock unless said; an in-process run shares its own (test/helpers/fast-time.ts). */
  time?: TestTime;
  apiKey?: string;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export interface HedraServer {
  /** Base URL to give the action as `base-url`. */
  baseUrl: string;
  /** The server's own origin (presigned URLs live outside the API prefix). */
  origin: string;
  apiKey: string;
  requests: RecordedRequest[];
  jobs: Map<string, Job>;
  assets: Map<string, StoredAsset>;
  behaviour: ServerBehaviour;
  /** Credits charged so far. */
  billing: { used: number };
  /** Internal faults of this server, such as an answer of its own that breaks the spec (each also answered as a 500 "test server fault"). */
  internalErrors: string[];
  inject(answer: InjectedAnswer): void;
  /** The next `times` requests of `stage` suffer `fault`. */
  fault(stage: FaultStage, fault: Fault, times?: number): void;
  /** Faults still waiting for their request. */
  pendingFaults(): number;
  clearFaults(): void;
  /** The bytes a job's result consists of (deterministic per asset id), for comparing downloads. */
  resultSha256(assetId: string, bytes?: number): string;
  /** The catalogue as GET /models answers it now (all types). */
  models(): Record<string, unknown>[];
  /** The credits a create body costs under the current behaviour (0 for a model the catalogue does not know). */
  price(request: Record<string, any>): number;
  close(): Promise<void>;
}

/** What each generation type produces (GenerationStatusResponse.type is an AssetType). */
const PRODUCES: Record<string, string> = {
  video: 'video',
  image: 'image',
  image_to_image: 'image',
  text_to_speech: 'audio',
  text_to_sound: 'audio',
  image_upscale: 'image',
  video_upscale: 'video',
  audio_isolation: 'audio',
  speech_to_speech: 'audio',
  voice_clone: 'voice',
  video_to_video: 'video',
  motion_control: 'video',
};
const MEDIA: Record<string, { ext: string; contentType: string }> = {
  video: { ext: 'mp4', contentType: 'video/mp4' },
  image: { ext: 'png', contentType: 'image/png' },
  audio: { ext: 'mp3', contentType: 'audio/mpeg' },
};

/** Request fields that name input assets. */
const ASSET_FIELDS = [
  'start_keyframe_id',
  'end_keyframe_id',
  'audio_id',
  'video_id',
  'image_id',
  'reference_image_ids',
  'reference_image_asset_ids',
  'reference_audio_ids',
  'reference_video_ids',
];

const ASSET_TYPES: string[] = spec.components.schemas.AssetType.enum;
const GENERATION_TYPES: string[] = spec.components.schemas.GenerationType.enum;
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

const detail = (loc: (string | number)[], msg: string, type = 'value_error') => ({ detail: [{ type, loc, msg }] });
const enumMessage = (values: string[]) => `Input should be ${values.map((v) => `'${v}'`).join(', ')}`;

/** An error body in one of the shapes Hedra may use (see ErrorShape). */
export function errorBody(shape: ErrorShape, code: string, message: string, extra: Record<string, unknown> = {}, loc: (string | number)[] = ['body']): unknown {
  switch (shape) {
    case 'error':
      return { error: { type: code, message, ...extra } };
    case 'detail':
      return { detail: { type: code, message, ...extra } };
    case 'detail-code':
      return { detail: { code, message, ...extra } };
    case 'detail-list':
      return { detail: [{ type: code, loc, msg: message, ...(Object.keys(extra).length ? { ctx: extra } : {}) }] };
    case 'detail-string':
      return { detail: message };
  }
}

/**
 * A generation error (the spec's GenerationError) for errorFor, with the
 * field it blames (`param`) and every field-level problem (`violations`).
 * The spec types a violation only as an object of strings, "field/message
 * pairs": written as {"field", "message"} (the v3 API's own form) or as
 * {<field>: <message>}: both plausible, so both.
 */
export function generationError(
  error: {
    type: string;
    message: string;
    param?: string;
    /** field → message */
    violations?: Record<string, string>;
    reason_code?: string;
    credits_needed?: number;
    credits_available?: number;
  },
  form: 'field-message' | 'map' = 'field-message',
): Record<string, unknown> {
  const { violations, ...rest } = error;
  if (!violations) return rest;
  const list = Object.entries(violations).map(([field, message]) => (form === 'map' ? { [field]: message } : { field, message }));
  return { ...rest, violations: list };
}

/** A 429 fault with rate-limit headers (X-RateLimit-Remaining: 0, X-RateLimit-Reset), with or without Retry-After. */
export function rateLimited(options: { resetInSeconds: number; reset?: 'epoch' | 'delta'; retryAfter?: string; limit?: number; body?: unknown }): Fault {
  return {
    kind: 'status',
    status: 429,
    retryAfter: options.retryAfter,
    body: options.body ?? { detail: 'Rate limit exceeded' },
    rateLimit: { resetInSeconds: options.resetInSeconds, reset: options.reset, remaining: 0, limit: options.limit },
  };
}

function parseJson(raw: Buffer, req: IncomingMessage): any {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new HttpError(422, detail(['body'], 'Input should be a valid dictionary', 'model_attributes_type'));
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(422, detail(['body'], 'JSON decode error', 'json_invalid'));
  }
}

function checkBody(path: string, method: string, body: unknown): string {
  const ref = schemaRef(path, method, 'request', body);
  if (!ref)
    throw new HttpError(422, detail(['body'], `Input tag ${JSON.stringify((body as any)?.type)} does not match any of the expected tags`, 'union_tag_invalid'));
  const problems = validate(ref, body);
  if (problems) throw new HttpError(422, { detail: problems });
  return ref;
}

/** Our fake must answer what the spec says the real server answers: a wrong answer is a bug in the fake. */
function checkAnswer(path: string, method: string, answer: unknown): void {
  const schema = spec.paths[path][method].responses['200'].content['application/json'].schema;
  let problems: unknown[] | null;
  if (schema.type === 'array') {
    // GET /models and GET /assets answer a bare array of $ref items.
    problems = Array.isArray(answer)
      ? answer.flatMap((item, i) => (validate(schema.items.$ref, item) ?? []).map((p) => ({ ...p, loc: [i, ...p.loc.slice(1)] })))
      : [{ msg: 'not an array' }];
    if (problems.length === 0) problems = null;
  } else {
    const ref = schemaRef(path, method, 'response', answer);
    problems = ref ? validate(ref, answer) : [{ msg: 'no response schema' }];
  }
  if (problems) throw new Error(`test server answer breaks the spec for ${method} ${path}: ${JSON.stringify(problems)}`);
}

/**
 * An error answer of our own, checked where the spec has a schema for it: an
 * `error` object (or a `detail` object with a type or code) must be a
 * GenerationError (MISSING_CREDITS, the code before 2026-07-23, stands in for
 * INSUFFICIENT_BALANCE), a `detail` list an HTTPValidationError.
 */
function checkError(body: unknown): void {
  const b = body as Record<string, any>;
  let problems: FastApiError[] | null = null;
  const asGenerationError = (e: Record<string, any>) => {
    const { code, ...rest } = e;
    const type = rest.type ?? code;
    return validate('#/components/schemas/GenerationError', { ...rest, type: type === 'MISSING_CREDITS' ? 'INSUFFICIENT_BALANCE' : type });
  };
  if (b?.error && typeof b.error === 'object') problems = asGenerationError(b.error);
  else if (Array.isArray(b?.detail)) problems = validate('#/components/schemas/HTTPValidationError', b);
  else if (b?.detail && typeof b.detail === 'object') problems = asGenerationError(b.detail);
  if (problems) throw new Error(`test server error answer breaks the spec's error schemas: ${JSON.stringify(problems)} in ${JSON.stringify(body)}`);
}

/** Streams a request body through sha256, keeping nothing but the count and the digest. */
function hashStream(stream: NodeJS.ReadableStream): Promise<{ bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    stream.on('data', (c: Buffer) => {
      bytes += c.length;
      hash.update(c);
    });
    stream.on('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
    stream.on('error', reject);
  });
}

/** A 64 KiB block derived from the asset id; a result is that block repeated. */
function resultBlock(assetId: string): Buffer {
  const parts: Buffer[] = [];
  let seed = createHash('sha256').update(assetId).digest();
  for (let i = 0; i < 2048; i++) {
    seed = createHash('sha256').update(seed).digest();
    parts.push(seed);
  }
  return Buffer.concat(parts);
}

function sign(path: string): string {
  return createHash('sha256').update(`signing-secret:${path}`).digest('hex');
}

/** The prompt of a create body, whichever field its type keeps it in. */
function promptOf(request: Record<string, any>): string {
  return request.generated_video_inputs?.text_prompt ?? request.text_prompt ?? request.text ?? request.prompt ?? '';
}

export async function startHedraServer(options: HedraServerOptions = {}): Promise<HedraServer> {
  const time = options.time ?? wallTime;
  const apiKey = options.apiKey ?? `test-key-${randomUUID()}`;
  const behaviour: ServerBehaviour = {
    timings: { queued: 50, processing: 200, finalizing: 50, ...options.timings },
    videoUploadUrl: options.videoUploadUrl ?? false,
    requireAssets: options.requireAssets ?? false,
    resultBytes: options.resultBytes ?? 64 * 1024,
    errorFor: options.errorFor,
    characterThreeSlug: options.characterThreeSlug === undefined ? CHARACTER_3_DEFAULT_SLUG : options.characterThreeSlug,
    catalogueDurations: options.catalogueDurations ?? 'seconds-suffix',
    typesCommaJoined: options.typesCommaJoined ?? 'split',
    modelsFailure: options.modelsFailure,
    modelChecks: options.modelChecks ?? true,
    unknownModel: options.unknownModel ?? 'accept',
    advertisedPricing: options.advertisedPricing,
    idsRepeated: options.idsRepeated ?? 'all',
    putFinalizes: options.putFinalizes ?? false,
    unfinalizedAssets: options.unfinalizedAssets ?? 'omit',
    missingMedia: options.missingMedia ?? 'refuse',
    unknownStatusAnswer: options.unknownStatusAnswer ?? 422,
    duplicateStatus: options.duplicateStatus ?? 409,
    duplicateShape: options.duplicateShape ?? 'error',
    credits: options.credits,
    creditsCode: options.creditsCode ?? 'INSUFFICIENT_BALANCE',
    creditsStatus: options.creditsStatus ?? 402,
    creditsShape: options.creditsShape ?? 'error',
    batchItemError: options.batchItemError,
    enabledTypes: options.enabledTypes,
    disabledTypeStatus: options.disabledTypeStatus ?? 403,
    disabledTypeShape: options.disabledTypeShape,
    rateLimitReset: options.rateLimitReset ?? 'epoch',
  };
  const jobs = new Map<string, Job>();
  const assets = new Map<string, StoredAsset>();
  const billing = { used: 0 };
  const ownFaults: string[] = [];
  const requests: RecordedRequest[] = [];
  const box = faultBox<FaultStage>({ rateLimitReset: () => behaviour.rateLimitReset, now: time.now });
  let origin = '';

  function stageOf(method: string, path: string): FaultStage | undefined {
    if (method === 'POST' && path === `${API_PREFIX}/assets`) return 'asset-create';
    if ((method === 'POST' && /\/assets\/[^/]+\/upload$/.test(path)) || (method === 'PUT' && path.startsWith('/upload/'))) return 'upload';
    if (method === 'POST' && path === `${API_PREFIX}/generations`) return 'create';
    if (method === 'GET' && /\/generations\/[^/]+\/status$/.test(path)) return 'status';
    if (method === 'GET' && path.startsWith('/media/')) return 'download';
    if (method === 'GET' && path === `${API_PREFIX}/models`) return 'models';
    if (method === 'GET' && path === `${API_PREFIX}/generations`) return 'list';
    if (method === 'GET' && path === `${API_PREFIX}/assets`) return 'assets-list';
    if (method === 'GET' && path === `${API_PREFIX}/billing/credits`) return 'credits';
    return undefined;
  }

  function presigned(path: string): string {
    return `${origin}${path}?X-Amz-Expires=3600&X-Amz-Signature=${sign(path)}`;
  }

  /** The ids a list query asks for: comma-joined and/or repeated (see behaviour.idsRepeated); undefined when not asked. */
  function idList(query: URLSearchParams, name: string): string[] | undefined {
    const values = query.getAll(name);
    if (values.length === 0) return undefined;
    const taken = behaviour.idsRepeated === 'last' ? values.slice(-1) : values;
    return taken
      .flatMap((v) => v.split(','))
      .map((v) => v.trim().toLowerCase())
      .filter(Boolean);
  }

  function intParam(query: URLSearchParams, name: string, fallback: number, problems: FastApiError[]): number {
    const raw = query.get(name);
    if (raw === null) return fallback;
    if (!/^-?\d+$/.test(raw.trim())) {
      problems.push({ type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer' });
      return fallback;
    }
    return Number(raw);
  }

  function dateParam(query: URLSearchParams, name: string, problems: FastApiError[]): number | undefined {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const time = Date.parse(raw);
    if (Number.isNaN(time)) problems.push({ type: 'datetime_from_date_parsing', loc: ['query', name], msg: 'Input should be a valid datetime' });
    return time;
  }

  function duplicate(what: string, id: string, field: string): HttpError {
    const body = errorBody(behaviour.duplicateShape, 'ALREADY_EXISTS', `${what} ${id} already exists`, {}, ['body', field]);
    checkError(body);
    return new HttpError(behaviour.duplicateStatus, body);
  }

  /** Asset ids taken: by assets, and by the results of generations. */
  function assetIdTaken(id: string): boolean {
    return assets.has(id) || [...jobs.values()].some((j) => j.assetId === id);
  }

  function createAsset(body: Record<string, any>): Record<string, unknown> {
    checkBody('/assets', 'post', body);
    const id: string = body.reserved_asset_id ?? randomUUID();
    if (assetIdTaken(id)) throw duplicate('Asset', id, 'reserved_asset_id');
    assets.set(id, { id, name: body.name, type: body.type, finalized: false, createdAt: time.now() });
    const answer: Record<string, unknown> = { id, name: body.name, type: body.type };
    if (body.reserved_asset_id) answer.reserved_asset_id = body.reserved_asset_id;
    if (body.type === 'video' && behaviour.videoUploadUrl) answer.upload_url = presigned(`/upload/${id}`);
    return answer;
  }

  /** An uploaded asset as the spec's Asset; `url` overrides the media URL (an empty one for behaviour.unfinalizedAssets 'empty-url'). */
  function assetAnswer(asset: StoredAsset, url = presigned(`/assets-files/${asset.id}`)): Record<string, unknown> {
    const inner =
      asset.type === 'image'
        ? { type: 'uploaded_image', width: 512, height: 512, url }
        : asset.type === 'audio'
          ? { type: 'uploaded_audio', duration_ms: 1000, url }
          : { type: 'uploaded_video', width: 512, height: 512, duration_ms: 1000, url };
    return { id: asset.id, type: asset.type, name: asset.name, created_at: new Date(asset.createdAt ?? time.now()).toISOString(), asset: inner };
  }

  /** An input asset as a generated video names it (keyframe_start, audio): the Asset when it has media, else null. */
  function inputAsset(id: unknown): Record<string, unknown> | null {
    const asset = typeof id === 'string' ? assets.get(id) : undefined;
    return asset?.finalized ? assetAnswer(asset) : null;
  }

  /** A job's result as the spec's Asset (GeneratedVideo, GeneratedImage, GeneratedAudio or Voice inside). */
  function generatedAsset(job: Job): Record<string, unknown> {
    const kind = PRODUCES[job.type];
    const media = MEDIA[kind];
    const path = media ? `/media/${job.assetId}.${media.ext}` : '';
    const r = job.request;
    const pick = (fields: string[]) => Object.fromEntries(fields.filter((f) => r[f] != null).map((f) => [f, r[f]]));
    let inner: Record<string, unknown>;
    if (kind === 'video') {
      inner = {
        type: 'generated_video',
        width: 1280,
        height: 720,
        duration_ms: r.generated_video_inputs?.duration_ms ?? 5000,
        url: `${origin}${path}`,
        download_url: presigned(path),
        streaming_url: `${origin}/stream/${job.assetId}.m3u8`,
        poster_url: null,
        preview_url: `${origin}/preview/${job.assetId}.mp4`,
        generated_video_inputs: r.generated_video_inputs ?? { text_prompt: r.prompt ?? '' },
        keyframe_start: inputAsset(r.start_keyframe_id),
        keyframe_end: inputAsset(r.end_keyframe_id),
        audio: inputAsset(Array.isArray(r.audio_id) ? r.audio_id[0] : r.audio_id),
        reference_image_ids: r.reference_image_ids ?? r.reference_image_asset_ids ?? null,
        source_video_id: r.video_id ?? null,
      };
    } else if (kind === 'image') {
      inner = {
        type: 'generated_image',
        width: 1024,
        height: 1024,
        url: presigned(path),
        generated_image_inputs: {
          ...pick(['ai_model_id', 'model_slug', 'aspect_ratio', 'resolution', 'start_keyframe_id', 'reference_image_ids']),
          text_prompt: r.text_prompt ?? '',
        },
      };
    } else if (kind === 'audio') {
      inner = {
        type: 'generated_audio',
        duration_ms: r.duration_seconds ? Math.round(r.duration_seconds * 1000) : 1000,
        url: presigned(path),
        generated_audio_inputs: {
          ...pick(['ai_model_id', 'model_slug']),
          ...(typeof r.voice_id === 'string' && UUID_RE.test(r.voice_id) ? { voice_id: r.voice_id } : {}),
          text_prompt: r.text ?? '',
        },
      };
    } else {
      inner = { type: 'voice', labels: [], source: 'voice_clone', preview_url: null };
    }
    return {
      id: job.assetId,
      type: kind,
      name: r.name ?? `${job.type} ${job.id.slice(0, 8)}`,
      created_at: new Date(job.createdAt).toISOString(),
      asset: inner,
    };
  }

  function multipartUpload(req: IncomingMessage, id: string): Promise<StoredUpload> {
    const asset = assets.get(id);
    if (!asset) return Promise.reject(new HttpError(404, { detail: `Asset ${id} not found` }));
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: req.headers });
      } catch (error) {
        reject(new HttpError(422, detail(['body', 'file'], `Invalid multipart body: ${(error as Error).message}`)));
        return;
      }
      let upload: Promise<StoredUpload> | undefined;
      parser.on('file', (field, stream, info) => {
        if (field !== 'file') {
          stream.resume();
          return;
        }
        upload = hashStream(stream).then((h) => ({ ...h, contentType: info.mimeType, filename: info.filename, via: 'multipart' as const }));
      });
      parser.on('error', (error) => reject(new HttpError(400, { detail: `multipart: ${(error as Error).message}` })));
      parser.on('close', () => {
        if (!upload) reject(new HttpError(422, detail(['body', 'file'], 'Field required', 'missing')));
        else
          upload.then((u) => {
            asset.upload = u;
            asset.finalized = true;
            resolve(u);
          }, reject);
      });
      req.pipe(parser);
    });
  }

  /**
   * The input assets a create names: one this server does not hold is
   * refused only with requireAssets (404 NOT_FOUND); one it holds without
   * media (created, perhaps PUT, never finalized) fails as behaviour.missingMedia says.
   * Returns the generation error for missingMedia 'error'.
   */
  function checkAssets(body: Record<string, any>): Record<string, unknown> | undefined {
    const missing: { field: string; id: string }[] = [];
    for (const field of ASSET_FIELDS) {
      const ids = [body[field]].flat().filter(Boolean) as string[];
      for (const id of ids) {
        const asset = assets.get(id);
        if (asset) {
          if (!asset.finalized) missing.push({ field, id });
          continue;
        }
        const generated = [...jobs.values()].some((j) => j.assetId === id && jobState(j).status === 'complete');
        if (!generated && behaviour.requireAssets) {
          throw new HttpError(404, { error: { type: 'NOT_FOUND', message: `Asset ${id} (${field}) not found or not uploaded` } });
        }
      }
    }
    if (missing.length === 0) return undefined;
    const message = ({ field, id }: { field: string; id: string }) => `Asset ${id} (${field}) has no media: its file was never uploaded`;
    if (behaviour.missingMedia === 'refuse') {
      throw new HttpError(422, { detail: missing.map((m) => ({ type: 'value_error', loc: ['body', m.field], msg: message(m), input: m.id })) });
    }
    return generationError({
      type: 'INVALID_ARGUMENT',
      message: missing.map(message).join('; '),
      param: missing[0].field,
      violations: missing.length > 1 ? Object.fromEntries(missing.map((m) => [m.field, message(m)])) : undefined,
    });
  }

  function checkTypeEnabled(type: string): void {
    if (!behaviour.enabledTypes || behaviour.enabledTypes.includes(type)) return;
    const status = behaviour.disabledTypeStatus;
    const shape = behaviour.disabledTypeShape ?? (status === 422 ? 'detail-list' : 'error');
    const code = status === 403 ? 'PERMISSION_DENIED' : status === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT';
    const body = errorBody(shape, code, `Generation type '${type}' is not enabled for this account`, {}, ['body', 'type']);
    checkError(body);
    throw new HttpError(status, body);
  }

  /** The catalogue checks of a create: the model it names, if the catalogue lists it, allows what it asks. */
  function checkModel(body: Record<string, any>): void {
    const { model, name } = namedModel(body, behaviour);
    const field = body.model_slug != null ? 'model_slug' : body.ai_model_id != null ? 'ai_model_id' : 'model_id';
    if (name !== undefined && !model && behaviour.unknownModel === 'refuse') {
      throw new HttpError(422, { detail: [{ type: 'value_error', loc: ['body', field], msg: `Model '${name}' not found`, input: name }] });
    }
    if (!model || !behaviour.modelChecks) return;
    const problems = modelProblems(model, body, behaviour);
    if (problems.length) throw new HttpError(422, { detail: problems });
  }

  /** The ids of a create's items: the reserved ones (as many as batch_size), else fresh ones. */
  function itemIds(body: Record<string, any>, single: string, many: string, batchSize: number): (string | null)[] {
    if (body[single] && body[many]) throw new HttpError(422, detail(['body'], `${single} and ${many} are mutually exclusive`));
    if (body[many]) {
      if (body[many].length !== batchSize) throw new HttpError(422, detail(['body', many], `Length must match batch_size (${batchSize})`));
      return body[many];
    }
    return Array.from({ length: batchSize }, (_, i) => (i === 0 && body[single] ? body[single] : null));
  }

  function createGenerations(body: Record<string, any>): Record<string, unknown> {
    const ref = checkBody('/generations', 'post', body);
    const type: string = body.type ?? 'video';
    checkTypeEnabled(type);
    const batchSize: number = body.batch_size ?? 1;
    const ids = itemIds(body, 'generation_id', 'generation_ids', batchSize);
    const reservedAssets = itemIds(body, 'reserved_asset_id', 'reserved_asset_ids', batchSize);
    checkModel(body);
    const failure = checkAssets(body);

    const takenId = ids.find((id) => id && jobs.has(id));
    if (takenId) throw duplicate('Generation', takenId, body.generation_ids ? 'generation_ids' : 'generation_id');
    const takenAsset = reservedAssets.find((id) => id && assetIdTaken(id));
    if (takenAsset) throw duplicate('Asset', takenAsset, body.reserved_asset_ids ? 'reserved_asset_ids' : 'reserved_asset_id');

    const model = pricedModel(body, behaviour);
    const each = model ? itemPrice(model, body) : 0;
    const needed = each * batchSize;
    if (behaviour.credits !== undefined && needed > behaviour.credits) {
      const available = behaviour.credits;
      const answer = errorBody(
        behaviour.creditsShape,
        behaviour.creditsCode,
        `Insufficient credits: this generation needs ${needed} credits and ${available} are available`,
        { credits_needed: needed, credits_available: available },
      );
      checkError(answer);
      throw new HttpError(behaviour.creditsStatus, answer);
    }

    const now = time.now();
    const createdAt = new Date(now).toISOString();
    const batchGenerationId = batchSize > 1 ? randomUUID() : undefined;
    const errors = ids.map((_, i) => behaviour.batchItemError?.(i, body));
    if (errors.every((e) => e !== undefined)) {
      throw new HttpError(500, { error: { type: 'INTERNAL', message: `Every item of the generation failed: ${errors.join('; ')}` } });
    }
    const created = ids.map((reserved, batchIndex) => {
      if (errors[batchIndex] !== undefined) return undefined;
      const job: Job = {
        id: reserved ?? randomUUID(),
        assetId: reservedAssets[batchIndex] ?? randomUUID(),
        type,
        request: body,
        createdAt: now,
        batchIndex,
        creditCost: each,
        batchGenerationId,
        failure,
      };
      jobs.set(job.id, job);
      return job;
    });
    const charged = each * created.filter(Boolean).length;
    billing.used += charged;
    if (behaviour.credits !== undefined) behaviour.credits -= charged;

    // The main fields reflect the first successful item (the spec, batch_results).
    const first = created.find((j) => j !== undefined)!;
    const { queued, processing, finalizing } = behaviour.timings;
    const eta = Math.ceil((queued + processing + finalizing) / 1000);
    const answer: Record<string, unknown> = {
      ...body,
      id: first.id,
      asset_id: first.assetId,
      created_at: createdAt,
      status: 'queued',
      progress: 0,
      eta_sec: eta,
    };
    if (spec.components.schemas[ref.split('/').pop()!.replace('Request', 'Response')]?.properties?.batch_results) {
      if (batchGenerationId) answer.batch_generation_id = batchGenerationId;
      answer.batch_results = created.map((job, i) =>
        job
          ? { id: job.id, asset_id: job.assetId, created_at: createdAt, status: 'queued', progress: 0, eta_sec: eta }
          : { id: null, asset_id: reservedAssets[i], created_at: createdAt, status: 'error', progress: 0, error: errors[i] },
      );
    }
    return answer;
  }

  /** Where a job is now: its status, progress, and the error it ended in. */
  function jobState(job: Job): { status: string; progress: number; failure?: Record<string, unknown> | string } {
    const elapsed = time.now() - job.createdAt;
    const { queued, processing, finalizing } = behaviour.timings;
    if (job.failure && elapsed >= queued) return { status: 'error', progress: 0, failure: job.failure };
    if (elapsed < queued) return { status: 'queued', progress: 0 };
    if (elapsed < queued + processing) return { status: 'processing', progress: Math.round(((elapsed - queued) / processing) * 100) / 100 };
    const failure = behaviour.errorFor?.(job);
    if (failure !== undefined) return { status: 'error', progress: 1, failure };
    if (elapsed < queued + processing + finalizing) return { status: 'finalizing', progress: 1 };
    return { status: 'complete', progress: 1 };
  }

  const failureFields = (failure: Record<string, unknown> | string) => (typeof failure === 'string' ? { error_message: failure } : { error: failure });

  function unknownGeneration(id: string): HttpError {
    switch (behaviour.unknownStatusAnswer) {
      case 404:
        return new HttpError(404, { detail: 'Generation not found' });
      case 400:
        return new HttpError(400, { error: { type: 'INVALID_ARGUMENT', message: `Generation ${id} not found` } });
      default:
        return new HttpError(422, { detail: [{ type: 'value_error', loc: ['path', 'generation_id'], msg: `Generation ${id} not found`, input: id }] });
    }
  }

  function status(id: string): Record<string, unknown> {
    if (!UUID_RE.test(id)) {
      throw new HttpError(422, {
        detail: [{ type: 'uuid_parsing', loc: ['path', 'generation_id'], msg: 'Input should be a valid UUID, invalid character or length', input: id }],
      });
    }
    const job = jobs.get(id) ?? [...jobs.values()].find((j) => j.id.toLowerCase() === id.toLowerCase());
    if (!job) throw unknownGeneration(id);
    const state = jobState(job);
    const kind = PRODUCES[job.type];
    const base = { id: job.id, asset_id: job.assetId, type: kind, created_at: new Date(job.createdAt).toISOString() };
    if (state.failure !== undefined) return { ...base, status: 'error', progress: state.progress, ...failureFields(state.failure) };
    if (state.status !== 'complete') return { ...base, status: state.status, progress: state.progress };
    const media = MEDIA[kind];
    if (!media) return { ...base, status: 'complete', progress: 1 };
    const path = `/media/${job.assetId}.${media.ext}`;
    return {
      ...base,
      status: 'complete',
      progress: 1,
      url: `${origin}${path}`,
      download_url: presigned(path),
      streaming_url: `${origin}/stream/${job.assetId}.m3u8`,
    };
  }

  /** A job as the list answers it (the spec's Generation): status, progress, eta, cost, the original request, and the asset once complete. */
  function generationItem(job: Job): Record<string, unknown> {
    const state = jobState(job);
    const { queued, processing, finalizing } = behaviour.timings;
    const doneAt = job.createdAt + queued + processing + finalizing;
    const finished = state.status === 'complete' || state.status === 'error';
    const item: Record<string, unknown> = {
      id: job.id,
      type: PRODUCES[job.type],
      input: job.request,
      status: state.status,
      progress: state.progress,
      eta_sec: finished ? 0 : Math.max(0, Math.ceil((doneAt - time.now()) / 1000)),
      estimated_completion_at: new Date(doneAt).toISOString(),
      created_at: new Date(job.createdAt).toISOString(),
      credit_cost: job.creditCost ?? 0,
      batch_generation_id: job.batchGenerationId ?? null,
    };
    if (state.status === 'complete') item.asset = generatedAsset(job);
    if (state.failure !== undefined) Object.assign(item, failureFields(state.failure));
    return item;
  }

  function listGenerations(query: URLSearchParams): Record<string, unknown> {
    const problems: FastApiError[] = [];
    const type = query.get('type');
    if (type !== null && !ASSET_TYPES.includes(type) && !GENERATION_TYPES.includes(type)) {
      problems.push({ type: 'enum', loc: ['query', 'type'], msg: enumMessage([...ASSET_TYPES, ...GENERATION_TYPES]) });
    }
    const before = dateParam(query, 'created_before', problems);
    const after = dateParam(query, 'created_after', problems);
    const limit = intParam(query, 'limit', 100, problems);
    const offset = intParam(query, 'offset', 0, problems);
    if (problems.length) throw new HttpError(422, { detail: problems });
    const ids = idList(query, 'ids');
    const words = query.get('prompt_query')?.toLowerCase();
    const thread = query.get('agent_thread_id');
    const order = [...jobs.values()];
    const selected = order
      .filter(
        (job) =>
          (!ids || ids.includes(job.id.toLowerCase())) &&
          (type === null || job.type === type || PRODUCES[job.type] === type) &&
          (before === undefined || job.createdAt < before) &&
          (after === undefined || job.createdAt > after) &&
          (!words || promptOf(job.request).toLowerCase().includes(words)) &&
          (!thread || job.request.agent_thread_id === thread),
      )
      // Newest first; the items of one batch in their order.
      .sort((a, b) => b.createdAt - a.createdAt || order.indexOf(a) - order.indexOf(b));
    return { page_info: { limit, offset }, data: selected.slice(offset, offset + limit).map(generationItem) };
  }

  function listAssets(query: URLSearchParams): Record<string, unknown>[] {
    const type = query.get('type');
    if (type === null) throw new HttpError(422, { detail: [{ type: 'missing', loc: ['query', 'type'], msg: 'Field required', input: null }] });
    if (!ASSET_TYPES.includes(type))
      throw new HttpError(422, { detail: [{ type: 'enum', loc: ['query', 'type'], msg: enumMessage(ASSET_TYPES), input: type }] });
    const ids = idList(query, 'ids');
    const wanted = (id: string) => !ids || ids.includes(id.toLowerCase());
    const uploaded = [...assets.values()]
      .filter((a) => a.type === type && wanted(a.id))
      .flatMap((a) => (a.finalized ? [assetAnswer(a)] : behaviour.unfinalizedAssets === 'empty-url' ? [assetAnswer(a, '')] : []));
    const generated = [...jobs.values()].filter((j) => PRODUCES[j.type] === type && wanted(j.assetId) && jobState(j).status === 'complete').map(generatedAsset);
    return [...uploaded, ...generated];
  }

  function models(): Record<string, unknown>[] {
    const hostile = behaviour.advertisedPricing;
    return [...CATALOGUE_MODELS]
      .sort((a, b) => a.display_order - b.display_order)
      .map((m) => modelAnswer(m, { characterThreeSlug: behaviour.characterThreeSlug, durations: behaviour.catalogueDurations }))
      .map((answer) => (hostile ? hostilePrice(answer, hostile) : answer));
  }

  function listModels(query: URLSearchParams): Record<string, unknown>[] {
    switch (behaviour.modelsFailure) {
      case 403:
        throw new HttpError(403, { error: { type: 'PERMISSION_DENIED', message: 'This API key may not list models' } });
      case 404:
        throw new HttpError(404, { detail: 'Not Found' });
      case 500:
        throw new HttpError(500, 'Internal Server Error', { 'content-type': 'text/plain; charset=utf-8' });
    }
    const raw = query.getAll('types');
    const types = behaviour.typesCommaJoined === 'split' ? raw.flatMap((t) => t.split(',')).map((t) => t.trim()) : raw;
    const problems = types.flatMap((t, i) =>
      GENERATION_TYPES.includes(t) ? [] : [{ type: 'enum', loc: ['query', 'types', i], msg: enumMessage(GENERATION_TYPES), input: t }],
    );
    if (problems.length) throw new HttpError(422, { detail: problems });
    const answer = models();
    if (behaviour.characterThreeSlug === null) {
      // The one deviation asked for: the spec requires `slug`; check the rest of the answer.
      checkAnswer(
        '/models',
        'get',
        answer.map((m) => (m.slug === null ? { ...m, slug: 'no-slug' } : m)),
      );
    } else if (!behaviour.advertisedPricing) checkAnswer('/models', 'get', answer); // a hostile price breaks the spec on purpose
    return types.length ? answer.filter((m) => types.includes(m.type as string)) : answer;
  }

  function credits(): Record<string, unknown> {
    const remaining = behaviour.credits ?? Math.max(0, 1_000_000 - billing.used);
    return { remaining, expiring: 0, used: billing.used };
  }

  function serveMedia(res: ServerResponse, url: URL, fault: Fault | undefined, record: RecordedRequest): number {
    const match = /^\/media\/([0-9a-f-]+)\.(\w+)$/.exec(url.pathname);
    const job = match && [...jobs.values()].find((j) => j.assetId === match[1]);
    if (!match || !job) throw new HttpError(404, { detail: 'Not Found' });
    if (url.searchParams.get('X-Amz-Signature') !== sign(url.pathname)) throw new HttpError(403, { detail: 'SignatureDoesNotMatch' });
    const block = resultBlock(job.assetId);
    const total = behaviour.resultBytes;
    const chunks = () => Array.from({ length: Math.ceil(total / block.length) }, (_, i) => block.subarray(0, Math.min(block.length, total - i * block.length)));
    return box.serveDownload(
      res,
      record,
      fault,
      {
        contentType: MEDIA[PRODUCES[job.type]]?.contentType ?? 'application/octet-stream',
        total,
        plain: () => Buffer.concat(chunks()),
        served: (sha256) => {
          job.servedSha256 = sha256;
        },
      },
      chunks,
    );
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    record: RecordedRequest,
    fault: Fault | undefined,
  ): Promise<[number, unknown, Record<string, string>?] | undefined> {
    if (req.method === 'GET' && url.pathname.startsWith('/media/')) {
      await readBody(req);
      record.status = serveMedia(res, url, fault, record);
      return undefined;
    }
    if (req.method === 'PUT' && url.pathname.startsWith('/upload/')) {
      const id = url.pathname.slice('/upload/'.length);
      if (url.searchParams.get('X-Amz-Signature') !== sign(url.pathname)) throw new HttpError(403, { detail: 'SignatureDoesNotMatch' });
      const asset = assets.get(id);
      if (!asset) throw new HttpError(404, { detail: 'NoSuchUpload' });
      const h = await hashStream(req);
      asset.upload = { ...h, contentType: String(req.headers['content-type'] ?? ''), via: 'put' };
      // Nothing documents that a PUT alone completes the asset.
      if (behaviour.putFinalizes) asset.finalized = true;
      record.body = h;
      return [200, {}];
    }
    if (!url.pathname.startsWith(API_PREFIX)) throw new HttpError(404, { detail: 'Not Found' });
    if (req.headers['x-api-key'] !== apiKey) throw new HttpError(401, { detail: 'Invalid API key' });
    const path = url.pathname.slice(API_PREFIX.length);
    let match: RegExpExecArray | null;
    if (req.method === 'POST' && (match = /^\/assets\/([^/]+)\/upload$/.exec(path))) {
      const upload = await multipartUpload(req, match[1]);
      record.body = { bytes: upload.bytes, sha256: upload.sha256 };
      const answer = assetAnswer(assets.get(match[1])!);
      checkAnswer('/assets/{id}/upload', 'post', answer);
      return [200, answer];
    }
    const raw = await readBody(req);
    record.body = parseRecorded(raw);
    const canned = box.canned(req.method ?? '', path);
    if (canned) return [canned.status, canned.body, canned.headers];
    const query = url.searchParams;
    if (req.method === 'POST' && path === '/assets') {
      const answer = createAsset(parseJson(raw, req));
      checkAnswer('/assets', 'post', answer);
      return [200, answer];
    }
    if (req.method === 'GET' && path === '/assets') {
      const answer = listAssets(query);
      checkAnswer('/assets', 'get', answer);
      return [200, answer];
    }
    if (req.method === 'POST' && path === '/generations') {
      const answer = createGenerations(parseJson(raw, req));
      checkAnswer('/generations', 'post', answer);
      return [200, answer];
    }
    if (req.method === 'GET' && path === '/generations') {
      const answer = listGenerations(query);
      checkAnswer('/generations', 'get', answer);
      return [200, answer];
    }
    if (req.method === 'GET' && (match = /^\/generations\/([^/]+)\/status$/.exec(path))) {
      const answer = status(decodeURIComponent(match[1]));
      checkAnswer('/generations/{generation_id}/status', 'get', answer);
      return [200, answer];
    }
    if (req.method === 'GET' && path === '/models') return [200, listModels(query)];
    if (req.method === 'GET' && path === '/billing/credits') {
      const answer = credits();
      checkAnswer('/billing/credits', 'get', answer);
      return [200, answer];
    }
    throw new HttpError(404, { detail: 'Not Found' });
  }

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname,
      query: url.search,
      headers: req.headers,
      body: undefined,
      status: 500,
    };
    requests.push(record);
    const fault = box.arrive(req, record, stageOf(record.method, url.pathname));
    if (fault?.kind === 'reset-before') return;
    if (fault?.kind === 'status') {
      await box.answerStatus(req, res, record, fault, (f) => ({
        body: JSON.stringify(f.body ?? { detail: `injected HTTP ${f.status}` }),
        contentType: 'application/json',
      }));
      return;
    }
    let answer: unknown;
    let headers: Record<string, string> = {};
    try {
      const result = await route(req, res, url, record, fault);
      if (!result) return;
      [record.status, answer] = result;
      headers = result[2] ?? {};
    } catch (error) {
      if (error instanceof HttpError) [record.status, answer, headers] = [error.status, error.body, error.headers];
      else {
        ownFaults.push((error as Error).message);
        answer = { detail: `test server fault: ${(error as Error).message}` };
      }
      req.resume();
    }
    const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
    box.deliver(res, record, fault, {
      status: record.status,
      text,
      headers: { 'content-type': 'application/json', ...headers },
      truncateHeaders: { 'content-type': 'application/json' },
    });
  };
  const server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    baseUrl: `${origin}${API_PREFIX}`,
    origin,
    apiKey,
    requests,
    jobs,
    assets,
    behaviour,
    billing,
    internalErrors: ownFaults,
    inject: box.inject,
    fault: box.add,
    pendingFaults: box.pending,
    clearFaults: box.clear,
    resultSha256: (assetId, bytes = behaviour.resultBytes) => {
      const block = resultBlock(assetId);
      const hash = createHash('sha256');
      for (let sent = 0; sent < bytes; sent += block.length) hash.update(block.subarray(0, Math.min(block.length, bytes - sent)));
      return hash.digest('hex');
    },
    models,
    price: (request) => {
      const model: CatalogueModel | undefined = pricedModel(request, behaviour);
      return model ? itemPrice(model, request) * (request.generation_ids?.length ?? request.batch_size ?? 1) : 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        box.closeHanging();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
