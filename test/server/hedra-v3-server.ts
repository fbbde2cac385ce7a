// A Hedra v3-compatible API server on 127.0.0.1 for the tests, the demo and
// the benchmark. It keeps real state (uploaded files and their handles, jobs
// moving IN_QUEUE → IN_PROGRESS → COMPLETED or FAILED by the clock, outputs and
// their 48 h retention, a prepaid USD wallet, idempotency keys), validates
// every request body against Hedra's v3 OpenAPI document with a real JSON
// Schema validator (spec-v3.ts) and answers 400 with the document's error
// envelope, checks the credential, serves files and results from
// presigned-style URLs, streams server-sent events, and records every request
// so that tests can count.
//
// Hedra's documents outrank this server: it follows the v3 document and the
// notes in ../shared/hedra-api/README.md. Where Hedra's behaviour is
// undocumented, a behaviour option selects each plausible form. Each answer of
// its own is checked against the document's response schema: a wrong answer is
// a bug here, recorded in internalErrors and answered as a 500.
// Written in erasable TypeScript so that Node runs it directly.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import busboy from 'busboy';
import { type TestTime, wallTime } from '../helpers/fast-time.ts';
import { type Fault, faultBox, HttpError, type InjectedAnswer, parseRecorded, readBody } from './faults.ts';
import type { RecordedRequest } from './hedra-server.ts';
import {
  answerProblems,
  type FieldError,
  fieldErrors,
  type MediaField,
  type Modality,
  referencedSchemas,
  resolveSchema,
  schemaProblems,
  schemaRef,
  specV3,
  V3_MODELS,
  type V3Model,
  v3Model,
} from './spec-v3.ts';
import { type ErrorTypeMode, type IdForm, issueId, type TopUp, topUpFor, withErrorType } from './v3-later-builds.ts';
import { acceptedAsPublicUrl, catalogueFrom, type VoiceForm, voiceOutputs, voiceResultFields } from './v3-models.ts';
import { type RateLimitRule, rateLimiter } from './v3-rate-limit.ts';

export type { Fault, InjectedAnswer, RateLimit } from './hedra-server.ts';
export type { FieldError, Modality } from './spec-v3.ts';
export { V3_MODELS, v3Model } from './spec-v3.ts';

export const V3_PREFIX = '/v3';
export const FUNDING_URL = 'https://www.hedra.com/develop/billing?add_funds=true';
/** How many progress steps a job reports while IN_PROGRESS (0, 0.2, … 0.8), then 1 when COMPLETED. */
export const PROGRESS_STEPS = 5;
const HOUR = 3_600_000;
/** Requests per 60 s per API key, as the document's 429 example says. */
export const RATE_LIMIT = 60;

/** Where a fault can be injected: one kind of request each. 'model' covers GET /models/{model} and its /openapi.json and /voices. */
export type V3Stage = 'files' | 'submit' | 'status' | 'stream' | 'result' | 'download' | 'models' | 'model' | 'estimate' | 'balance';

/** How GET /jobs/{id}/stream behaves (see V3Behaviour.stream). */
export type StreamMode =
  | 'ok'
  | 'refuse'
  | 'hang'
  | 'end-without-done'
  | 'keep-alive-only'
  | 'trickle'
  | { breakAfter: number }
  | { flap: number }
  | { closeAfterMs: number; retryMs?: number };

/** The document's ErrorEnvelope (the `error` of every error answer, and of a FAILED job). */
export interface ErrorEnvelope {
  code: string;
  message: string;
  retryable?: boolean;
  retry_after?: number | null;
  param?: string | null;
  details?: FieldError[] | null;
  replaced_by?: string | null;
  billing?: { balance: number; required?: number | null; currency?: string; funding_url: string; reason?: string } | null;
}

export interface V3Behaviour {
  /** How long a job spends in each state, in milliseconds (taken by each job when submitted). */
  timings: { queued: number; processing: number };
  /** Size of each generated output, in bytes. */
  resultBytes: number;
  /** How long a POST /files handle is accepted (the document: one hour). */
  fileTtlMs: number;
  /** How long outputs are kept once the job completes (the document: 48 h); then EXPIRED. */
  outputTtlMs: number;
  /** A job for which this returns an error ends FAILED with it, its cost refunded. Asked once, at submit. */
  failFor?: (job: V3Job) => ErrorEnvelope | undefined;
  /** A submit for which this returns a message is refused 422 MODERATION_FAILED (documented for every model). */
  moderation?: (model: string, input: Record<string, unknown>) => string | undefined;
  /** Retired models: id → the successor's id, or null. Every model endpoint and submit answers GONE with replaced_by. */
  retired: Record<string, string | null>;
  /** HTTP status of GONE (undocumented). */
  goneStatus: 410 | 404;
  /**
   * The same idempotency_key with a different body (undocumented): this status, code ALREADY_EXISTS; or
   * 'original': the original job's ack, as if the body were the same.
   */
  idempotencyConflict: 409 | 422 | 'original';
  // How long Hedra keeps what an idempotency_key stands for, and what it keeps, are undocumented.
  /** A submit refused 4xx under a key is stored, and the same key with the same body is answered the same refusal. */
  storeRefusals: boolean;
  /** A key is forgotten this long (server clock) after its first submit: the same key then makes a new job. Never, unless said. */
  keyTtlMs?: number;
  /**
   * A key's first submit is still being processed this long (server clock): the same key and body meanwhile
   * answer 409 ALREADY_IN_PROGRESS, retryable, with retry_after the seconds left (undocumented; the form
   * other idempotent APIs use). Then its ack is replayed. Never in progress, unless said.
   */
  keyBusyMs?: number;
  /** Whether answers carry `Date` (the server's clock); Node's own is turned off too when not. */
  dateHeader: boolean;
  /**
   * GET /jobs/{id}/stream: 'ok'; 'refuse' (answer streamRefuseStatus); { breakAfter: n } (destroy the
   * socket after n frames); 'hang' (headers and the first status frame, then silence); 'end-without-done'
   * (end cleanly before the job ends, without the done frame); 'keep-alive-only' (headers, then `: ping` every
   * streamPaceMs, never a frame); 'trickle' (headers, then one byte every streamPaceMs, never a line's end);
   * { flap: n } (first n status frames alternating IN_QUEUE and IN_PROGRESS, at once, then the job's own frames);
   * { closeAfterMs, retryMs } (Hedra's closing by design, a drain or a maximum duration: each connection is ended
   * cleanly closeAfterMs after it opened, after a `retry: retryMs` line and without the done frame; a reconnect with
   * Last-Event-Id resumes after that id, as every stream does).
   */
  stream: StreamMode;
  /**
   * The done frame's data: 3.9.0's literal `[STREAM_DONE]` ('marker'), or 3.0.1's final status as JSON ('json');
   * 'json-only': the final status only there, with no `status` frame for it before the done.
   */
  streamDone: 'marker' | 'json' | 'json-only';
  /**
   * The limit per API key (test/server/v3-rate-limit.ts): the document's 60 requests per 60 s unless said, with
   * X-RateLimit-* headers on every answer to a key; false: neither.
   */
  keyRateLimit: RateLimitRule | false;
  /** A job's own stream mode, where it returns one (a batch whose streams misbehave each in its way); `stream` otherwise. */
  streamFor?: (job: V3Job) => StreamMode | undefined;
  /** How often a 'keep-alive-only' stream pings and a 'trickle' stream sends its next byte, in ms. */
  streamPaceMs: number;
  /** A 202 to a submit sends its status line and headers (Location naming the job) at once, and its body this much later, in ms. */
  submitBodyDelayMs: number;
  /** 404 NOT_FOUND envelope, 405 (FastAPI's {"detail": "Method Not Allowed"}), 501 envelope, or 200 with a JSON StatusResponse instead of an event stream. */
  streamRefuseStatus: 404 | 405 | 501 | 200;
  /** A `: keep-alive` comment this often on an open stream. */
  streamKeepAliveMs: number;
  /**
   * The catalogue (GET /models, /models/{model}, its /openapi.json and /voices) has no `security` in the
   * document: public. 'required' makes it want the credential like every other endpoint.
   */
  catalogueAuth: 'public' | 'required';
  /** A speech submit naming a voice the model does not list (undocumented): refused 400 (reason not_found), or accepted. */
  unknownVoice: 'refuse' | 'accept';
  /** Other credentials accepted besides apiKey (e.g. a v2-shaped key: whether v2 keys work on v3 is undocumented). */
  extraKeys: string[];
  /** X-RateLimit-Reset on 429s: an epoch second (what the v3 document says), or seconds until the reset. */
  rateLimitReset: 'epoch' | 'delta';
  /**
   * How far GET /jobs/{id} lags behind the status and the stream (undocumented; the document says status
   * frames are built apart from the database): the result shows the job as it was this long ago.
   */
  resultLagMs: number;
  // Hostile modes: text a compromised API or a gateway could send.
  /** A refused credential's 401 says its secret half back, as is and in base64 ("secret … does not match key id …"). */
  keyEcho: boolean;
  /** GET /models/{model} gives this `modality` instead of the model's (not checked against the document). */
  modality?: string;
  /** Raw bytes written on every stream before its first frame (ANSI escapes, NUL, invalid UTF-8 in `log` and `status` frames). */
  streamNoise?: Buffer;
  /**
   * POST /models/{model}/estimate answers a price that is not one, while submits are charged the real price:
   * 'negative' (cost below zero), 'nan' (cost "NaN"), 'words' (cost "fifty cents"), 'foreign-currency' (the
   * price in bitcoin, currency "BTC"). Undefined: the real price in USD.
   */
  hostileEstimate?: HostileEstimate;
  // Model kinds (v3-models.ts).
  /** GET /models in pages of this many models (`next_cursor`, `cursor`); undefined: the whole list at once. */
  modelsPageSize?: number;
  /** Media `{"source": "url"}` that is no POST /files handle: refused (reason external_url), or taken as a public URL. */
  externalUrls: 'accept' | 'refuse';
  /** Where a voice output carries its voice (undocumented). */
  voiceForm: VoiceForm;
  /** Whether error answers carry the OpenAI `error.type` of later builds (v3-later-builds.ts): 'absent' unless said. */
  errorType: ErrorTypeMode;
  /** What the wallet does at a submit it cannot pay (v3-later-builds.ts): refuse ('none', unless said), top up, or fail to. */
  topUp: TopUp;
  /** How the job and asset ids it issues look (v3-later-builds.ts): 'uuid' unless said. */
  idForm: IdForm;
}

export type HostileEstimate = 'negative' | 'nan' | 'words' | 'foreign-currency';

export interface V3ServerOptions extends Partial<V3Behaviour> {
  /** The server's clock (jobs' progress, expiries, streams): the wall clock unless said; an in-process run shares its own (test/helpers/fast-time.ts). */
  time?: TestTime;
  apiKey?: string;
  /** The wallet's opening balance in USD (100 unless said; Hedra's starts at 0). */
  balance?: number;
}

export interface V3RecordedRequest extends RecordedRequest {
  /** A submit answered by replaying the ack of an earlier one with the same idempotency_key. */
  replay?: boolean;
  /** When the request arrived (time.now()): tests check how often the action polls. */
  at: number;
  /** The X-Hedra-Spec-Version the request carried (the spec generation its client was built against), if any. */
  specVersion?: string;
}

export interface V3File {
  id: string;
  /** The handle, verbatim. */
  url: string;
  bytes: Buffer;
  size: number;
  sha256: string;
  /** Sniffed from the bytes. */
  contentType: string;
  /** What the client declared for the part (never trusted). */
  declaredType: string;
  filename?: string;
  createdAt: number;
  expiresAt: number;
}

export interface V3Output {
  status: 'COMPLETED' | 'FAILED' | 'EXPIRED';
  asset_id: string | null;
  url: string | null;
  content_type: string | null;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  fps: number | null;
  error: ErrorEnvelope | null;
}

export interface V3Job {
  id: string;
  model: string;
  modality: Modality;
  input: Record<string, any>;
  webhook: string | null;
  idempotencyKey: string | null;
  createdAt: number;
  /** The timings this job runs by (behaviour.timings when submitted). */
  timings: { queued: number; processing: number };
  /** What was charged at submit (refunded if the job fails). */
  price: number;
  /** The output's asset id (asset_<uuid>), whether or not it is visible yet. */
  assetId: string;
  contentType: string;
  ext: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  fps: number | null;
  /** The error this job ends in (from behaviour.failFor at submit). */
  failure?: ErrorEnvelope;
  /** When expireOutputs() made the outputs lapse. */
  outputsExpiredAt?: number;
  /** sha256 of the media served for the output, once served whole. */
  servedSha256?: string;
  /** The 202 ack, replayed for a retried submit with the same idempotency_key. */
  ack: Record<string, unknown>;
  // By the clock:
  readonly status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  readonly progress: number | null;
  readonly outputs: V3Output[];
  /** Net cost: the price, 0 once refunded. */
  readonly cost: number;
  readonly error: ErrorEnvelope | null;
}

export interface HedraV3Server {
  /** `http://127.0.0.1:<port>/v3`: every API path is relative to it. */
  baseUrl: string;
  origin: string;
  /** A credential of v3's documented shape `<key_id>:<secret>`. */
  apiKey: string;
  requests: V3RecordedRequest[];
  jobs: Map<string, V3Job>;
  files: Map<string, V3File>;
  /** The API wallet in USD; reading it applies refunds of jobs failed by now. */
  wallet: { balance: number };
  /** Every debit (positive) and refund (negative), in order. */
  ledger: { jobId: string; amount: number }[];
  /** Stream connections opened, submits answered by replaying a key's ack, automatic top-ups of the wallet at submit, and public URLs taken as media (externalUrls: 'accept'). */
  stats: { streamConnections: number; replays: number; topUps: number; publicUrls: string[] };
  behaviour: V3Behaviour;
  /** Internal faults of this server, such as an answer of its own that breaks the document (each also answered as a 500). */
  internalErrors: string[];
  /** The next `times` requests of `stage` suffer `fault`. */
  fault(stage: V3Stage, fault: Fault, times?: number): void;
  pendingFaults(): number;
  clearFaults(): void;
  /** A canned answer, once, to the next request that matches (path below /v3). Not checked against the document. */
  inject(answer: InjectedAnswer): void;
  /** Every issued file handle lapses now. */
  expireFiles(): void;
  /** The outputs of one job (or of all) expire now, as after the 48 h retention. */
  expireOutputs(jobId?: string): void;
  /** Moves a job's whole life `ms` into the past, as if an earlier run had submitted it that long ago. */
  ageJob(jobId: string, ms: number): void;
  /** The deterministic USD price this server charges. */
  priceOf(model: string, input: Record<string, unknown>): number;
  /** The voices a model lists (speech models; others none). */
  voices(model: string): VoiceSummary[];
  /** sha256 of the media a job's output consists of (`bytes` long, behaviour.resultBytes unless said). */
  resultSha256(jobId: string, bytes?: number): string;
  close(): Promise<void>;
}

export interface VoiceSummary {
  id: string;
  name: string;
  preview_url: string | null;
  labels: Record<string, string>;
}

// ------------------------------------------------------------------ prices

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
const HI_RES_VIDEO = /^(1080p|1440p|2160p|4K)$/;

/**
 * The duration a video model runs when the input gives none, or asks for "auto" (seedance-25 takes -1):
 * the schema's first positive duration_ms enum value, its default, or 5000.
 */
function defaultDurationMs(model: V3Model): number {
  const schema = model.input.properties?.duration_ms;
  const listed = Array.isArray(schema?.enum) ? schema.enum.find((v: unknown) => typeof v === 'number' && v > 0) : undefined;
  return listed ?? (typeof schema?.default === 'number' && schema.default > 0 ? schema.default : 5000);
}

/** The duration a video job runs: duration_ms when it gives one, else (absent, or -1 for "auto") defaultDurationMs. */
const durationOf = (model: V3Model, input: Record<string, unknown>): number =>
  typeof input.duration_ms === 'number' && input.duration_ms > 0 ? input.duration_ms : defaultDurationMs(model);

/**
 * The deterministic USD price this server charges (invented: Hedra publishes
 * prices per model on its site, not in the document), rounded to 4 decimals:
 * - image: $0.04 per job (one output), ×2 when `quality` is `high`, ×1.5 when `resolution` names 2K or 4K;
 * - video: $0.05 per second of `duration_ms` (absent or -1: see defaultDurationMs), ×1.5 at 1080p, 1440p, 2160p or 4K;
 * - audio (speech): $0.00005 per character (code point) of `text`.
 */
export function priceOf(model: string, input: Record<string, unknown>): number {
  const m = v3Model(model);
  if (!m) throw new Error(`priceOf: no model '${model}' in the v3 document`);
  const resolution = typeof input.resolution === 'string' ? input.resolution : '';
  if (m.modality === 'audio' && !m.input.properties?.text) return 0.3; // a voice clone: a flat price (v3-models.ts)
  if (m.modality === 'audio') return round4(0.00005 * Array.from(String(input.text ?? '')).length);
  if (m.modality === 'video') {
    const ms = durationOf(m, input);
    return round4(0.05 * (ms / 1000) * (HI_RES_VIDEO.test(resolution) ? 1.5 : 1));
  }
  return round4(0.04 * (input.quality === 'high' ? 2 : 1) * (/2K|4K/.test(resolution) ? 1.5 : 1));
}

/** Dollars as the document's 402 example writes them: $0.00, $0.05, $0.0025. */
const dollars = (n: number) => `$${n.toFixed(4).replace(/0{1,2}$/, '')}`;

// ------------------------------------------------------------------ voices

const VOICE_NAMES: [string, Record<string, string>][] = [
  ['Aria', { language: 'en', gender: 'female', accent: 'american' }],
  ['Roger', { language: 'en', gender: 'male', accent: 'british' }],
  ['Lucía', { language: 'es', gender: 'female', accent: 'castilian' }],
];

/** A uuid v4-shaped id derived from a seed: stable across servers, so tests can name a voice. */
function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The voices a model lists: three per voice provider (the id's first word) for speech models, none for others. */
export function voicesOf(model: string): VoiceSummary[] {
  const m = v3Model(model);
  // Speech models (a voice_id field), not every audio model (a voice clone makes a voice, it speaks with none).
  if (m?.modality !== 'audio' || !m.input.properties?.voice_id) return [];
  const provider = model.split('-')[0];
  return VOICE_NAMES.map(([name, labels]) => ({ id: `voice_${stableUuid(`${provider}:${name}`)}`, name, preview_url: null, labels }));
}

// ------------------------------------------------------------------- media

const OUTPUT_TYPES: Record<string, { contentType: string; ext: string }> = {
  png: { contentType: 'image/png', ext: 'png' },
  jpeg: { contentType: 'image/jpeg', ext: 'jpg' },
  webp: { contentType: 'image/webp', ext: 'webp' },
  video: { contentType: 'video/mp4', ext: 'mp4' },
  audio: { contentType: 'audio/mpeg', ext: 'mp3' },
};

/** The content type from the bytes themselves (the document: never from the request's headers or filename). */
export function sniff(bytes: Buffer): string {
  const ascii = (from: number, to: number) => bytes.subarray(from, to).toString('latin1');
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand === 'M4A ') return 'audio/mp4';
    return 'video/mp4';
  }
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3) return 'video/webm';
  if (ascii(0, 3) === 'ID3' || (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0)) return 'audio/mpeg';
  return 'application/octet-stream';
}

/** A valid header for the type, so that sniffers and image-size read the bytes as what they claim to be. */
function mediaHeader(contentType: string, width: number, height: number, total: number): Buffer {
  switch (contentType) {
    case 'image/png': {
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(width, 0);
      ihdr.writeUInt32BE(height, 4);
      ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
      const chunk = Buffer.concat([Buffer.from('IHDR'), ihdr]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(chunk));
      const length = Buffer.alloc(4);
      length.writeUInt32BE(13);
      return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), length, chunk, crc]);
    }
    case 'image/jpeg': {
      const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
      sof.writeUInt16BE(height, 5);
      sof.writeUInt16BE(width, 7);
      const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
      return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]);
    }
    case 'image/webp': {
      const b = Buffer.alloc(30);
      b.write('RIFF', 0, 'latin1');
      b.writeUInt32LE(Math.max(0, total - 8), 4);
      b.write('WEBPVP8X', 8, 'latin1');
      b.writeUInt32LE(10, 16);
      b.writeUIntLE(width - 1, 24, 3);
      b.writeUIntLE(height - 1, 27, 3);
      return b;
    }
    case 'video/mp4': {
      const ftyp = Buffer.alloc(32);
      ftyp.writeUInt32BE(32, 0);
      ftyp.write('ftypisom', 4, 'latin1');
      ftyp.writeUInt32BE(0x200, 12);
      ftyp.write('isomiso2avc1mp41', 16, 'latin1');
      const mdat = Buffer.alloc(8);
      mdat.writeUInt32BE(Math.max(8, Math.min(0xffffffff, total - 32)), 0);
      mdat.write('mdat', 4, 'latin1');
      return Buffer.concat([ftyp, mdat]);
    }
    default:
      // An ID3v2.4 tag of no frames, then an MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz).
      return Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xfb, 0x90, 0x64]);
  }
}

/** A 64 KiB block derived from the asset id; an output is its header, then that block repeated. */
function resultBlock(assetId: string): Buffer {
  const parts: Buffer[] = [];
  let seed = createHash('sha256').update(assetId).digest();
  for (let i = 0; i < 2048; i++) {
    seed = createHash('sha256').update(seed).digest();
    parts.push(seed);
  }
  return Buffer.concat(parts);
}

/** The chunks of a job's media, `total` bytes: calls `each` per chunk (false stops); the first chunk carries the header. */
function mediaChunks(job: V3Job, total: number): Buffer[] {
  const block = resultBlock(job.assetId);
  const chunks: Buffer[] = [];
  for (let sent = 0; sent < total; sent += block.length) chunks.push(block.subarray(0, Math.min(block.length, total - sent)));
  if (chunks.length) {
    const first = Buffer.from(chunks[0]);
    const header = mediaHeader(job.contentType, job.width ?? 1, job.height ?? 1, total);
    header.copy(first, 0, 0, Math.min(header.length, first.length));
    chunks[0] = first;
  }
  return chunks;
}

/** Output dimensions: the short side from `resolution` (720p → 720, 2K → 1440, 4K → 2160, 1K → 1024), the long from `aspect_ratio`. */
function dimensions(modality: Modality, input: Record<string, any>): { width: number | null; height: number | null } {
  if (modality === 'audio') return { width: null, height: null };
  const resolution = String(input.resolution ?? '');
  const short = /4K/.test(resolution)
    ? 2160
    : /2K/.test(resolution)
      ? 1440
      : /1K/.test(resolution)
        ? 1024
        : Number(/(\d+)p/.exec(resolution)?.[1] ?? (modality === 'video' ? 720 : 1024));
  const [w, h] = String(input.aspect_ratio ?? (modality === 'video' ? '16:9' : '1:1'))
    .split(':')
    .map(Number);
  const ratio = w > 0 && h > 0 ? w / h : 1;
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return ratio >= 1 ? { width: even(short * ratio), height: short } : { width: short, height: even(short / ratio) };
}

// ----------------------------------------------------------------- helpers

/** Instants as Hedra's (Python) examples write them: 2026-07-28T23:31:12.345+00:00. */
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const traceId = () => randomBytes(16).toString('hex');

/** The document's ErrorResponse: {"error": {code, message, retryable, ...}, "trace_id"}. */
export function envelope(code: string, message: string, extra: Partial<ErrorEnvelope> = {}): { error: ErrorEnvelope; trace_id: string } {
  return { error: { code, message, retryable: false, ...extra }, trace_id: traceId() };
}

/** The document's refusal of a POST /files handle submitted past its `expires_at` (example expired_file_handle), for `field`. */
export const expiredHandle = (field: string) =>
  envelope('INVALID_ARGUMENT', `${field}: the POST /v3/files url expired. Upload the file again and submit with the fresh url.`, {
    param: field,
    details: [{ field, message: `${field}: the POST /v3/files url expired`, reason: 'expired' }],
  });

const fail = (status: number, code: string, message: string, extra: Partial<ErrorEnvelope> = {}, headers: Record<string, string> = {}) =>
  new HttpError(status, envelope(code, message, extra), headers);

/** 400 INVALID_ARGUMENT with every field-level problem, as the document's field_validation example. */
function invalid(details: FieldError[], message?: string): HttpError {
  const n = details.length;
  return fail(400, 'INVALID_ARGUMENT', message ?? `${n} input field${n === 1 ? ' is' : 's are'} invalid; see details.`, {
    param: details[0]?.field ?? null,
    details,
  });
}

/** A JSON request body (whatever the Content-Type says, as FastAPI reads it); 400 when it is not JSON. */
function parseJson(raw: Buffer): any {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalid([{ field: 'body', message: 'body: JSON decode error', reason: 'json_invalid' }], 'The request body is not valid JSON.');
  }
}

/** JSON with sorted keys: two bodies are "the same" when these are equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const s3Error = (status: number, code: string, message: string) =>
  new HttpError(status, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
    'content-type': 'application/xml',
  });

/** The document's rate_limited example (3.9.0), for a key allowed `limit` requests per 60 s. */
function rateLimitMessage(limit: number, retryAfter: number | undefined): string {
  return (
    `Request rate limit exceeded: this API key is limited to ${limit} requests per 60s.${retryAfter !== undefined ? ` Retry after ${retryAfter}s.` : ''}` +
    ' To follow job progress without polling, stream job status (https://www.hedra.com/docs/api-reference/v3/jobs/stream-job)' +
    ' or subscribe to webhooks (https://www.hedra.com/docs/api-reference/v3/webhooks).'
  );
}

/** A default body for an injected error status: the v3 envelope with the code that fits the status. */
function faultEnvelope(status: number, retryAfter: number | undefined, limit = RATE_LIMIT): { error: ErrorEnvelope; trace_id: string } {
  const retry = retryAfter !== undefined ? { retry_after: retryAfter } : {};
  switch (status) {
    case 429:
      return envelope('RESOURCE_EXHAUSTED', rateLimitMessage(limit, retryAfter), { retryable: true, ...retry });
    case 500:
      // The document's example: internal errors are not retryable.
      return envelope('INTERNAL', 'An unexpected error occurred', retry);
    case 502:
    case 503:
    case 504:
      return envelope('UNAVAILABLE', 'The service is temporarily unavailable. Retry shortly.', { retryable: true, ...retry });
    case 400:
      return envelope('INVALID_ARGUMENT', 'The request is invalid.');
    case 401:
      return envelope('UNAUTHORIZED', 'Invalid API key.');
    case 403:
      return envelope('PERMISSION_DENIED', "This key's plan does not include API access.");
    case 404:
      return envelope('NOT_FOUND', 'Not found.');
    case 409:
      return envelope('ALREADY_EXISTS', 'Already exists.');
    case 410:
      return envelope('GONE', 'Gone.');
    default:
      return envelope(status >= 500 ? 'UNAVAILABLE' : 'UNKNOWN', `Injected HTTP ${status}.`, status >= 500 ? { retryable: true, ...retry } : {});
  }
}

interface Frame {
  id: number;
  at: number;
  event: 'status' | 'log' | 'done';
  data: Record<string, unknown> | string;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The document's path template to check the answer against (none: not checked, e.g. injected). */
  check?: string;
}

const MEDIA_RE = /^\/media\/(asset_[A-Za-z0-9_-]+)\.(\w+)$/;
const FILE_RE = /^\/files\/(file_[0-9a-f-]+)$/;

// ------------------------------------------------------------------ server

export async function startHedraV3Server(options: V3ServerOptions = {}): Promise<HedraV3Server> {
  const time = options.time ?? wallTime;
  const apiKey = options.apiKey ?? `key_${randomBytes(8).toString('hex')}:${randomBytes(16).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const behaviour: V3Behaviour = {
    timings: { queued: 100, processing: 300, ...options.timings },
    resultBytes: options.resultBytes ?? 64 * 1024,
    fileTtlMs: options.fileTtlMs ?? HOUR,
    outputTtlMs: options.outputTtlMs ?? 48 * HOUR,
    failFor: options.failFor,
    moderation: options.moderation,
    retired: options.retired ?? {},
    goneStatus: options.goneStatus ?? 410,
    idempotencyConflict: options.idempotencyConflict ?? 409,
    storeRefusals: options.storeRefusals ?? false,
    keyTtlMs: options.keyTtlMs,
    keyBusyMs: options.keyBusyMs,
    dateHeader: options.dateHeader ?? true,
    stream: options.stream ?? 'ok',
    streamDone: options.streamDone ?? 'marker',
    keyRateLimit: options.keyRateLimit ?? { requests: RATE_LIMIT, windowMs: 60_000 },
    streamFor: options.streamFor,
    streamPaceMs: options.streamPaceMs ?? 100,
    submitBodyDelayMs: options.submitBodyDelayMs ?? 0,
    streamRefuseStatus: options.streamRefuseStatus ?? 404,
    streamKeepAliveMs: options.streamKeepAliveMs ?? 1000,
    catalogueAuth: options.catalogueAuth ?? 'public',
    unknownVoice: options.unknownVoice ?? 'refuse',
    extraKeys: options.extraKeys ?? [],
    rateLimitReset: options.rateLimitReset ?? 'epoch',
    resultLagMs: options.resultLagMs ?? 0,
    keyEcho: options.keyEcho ?? false,
    modality: options.modality,
    streamNoise: options.streamNoise,
    hostileEstimate: options.hostileEstimate,
    modelsPageSize: options.modelsPageSize,
    externalUrls: options.externalUrls ?? 'refuse',
    voiceForm: options.voiceForm ?? 'voice_id',
    errorType: options.errorType ?? 'absent',
    topUp: options.topUp ?? { mode: 'none' },
    idForm: options.idForm ?? 'uuid',
  };
  const jobs = new Map<string, V3Job>();
  const jobsByAsset = new Map<string, V3Job>();
  const files = new Map<string, V3File>();
  const filesByUrl = new Map<string, V3File>();
  /** What each (credential, idempotency_key) stands for: the job it made, or the refusal stored for it; since when. */
  const idempotency = new Map<string, { fingerprint: string; at: number } & ({ job: V3Job } | { refusal: HttpError })>();
  const refunded = new Set<string>();
  const timelines = new WeakMap<V3Job, Frame[]>();
  const ledger: { jobId: string; amount: number }[] = [];
  const stats = { streamConnections: 0, replays: 0, topUps: 0, publicUrls: [] as string[] };
  const ownFaults: string[] = [];
  const requests: V3RecordedRequest[] = [];
  const box = faultBox<V3Stage>({ rateLimitReset: () => behaviour.rateLimitReset, defaultLimit: RATE_LIMIT, now: time.now });
  const { hanging } = box;
  const limiter = rateLimiter(() => behaviour.keyRateLimit);
  let balance = options.balance ?? 100;
  let origin = '';

  /** Refunds the jobs that have failed by now (state is computed from the clock, so this runs whenever anyone looks). */
  function settle(): void {
    for (const job of jobs.values()) {
      if (job.failure && !refunded.has(job.id) && stateAt(job, time.now()).status === 'FAILED') {
        refunded.add(job.id);
        balance = round4(balance + job.price);
        ledger.push({ jobId: job.id, amount: -job.price });
      }
    }
  }
  const wallet = {
    get balance() {
      settle();
      return balance;
    },
    set balance(value: number) {
      settle();
      balance = value;
    },
  };

  const sign = (path: string) => createHash('sha256').update(`${signingSecret}:${path}`).digest('hex');
  const presigned = (path: string, expiresSeconds: number) =>
    `${origin}${path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=${expiresSeconds}&X-Amz-Signature=${sign(path)}`;

  function stageOf(method: string, path: string): V3Stage | undefined {
    if (method === 'GET' && path.startsWith('/media/')) return 'download';
    if (!path.startsWith(`${V3_PREFIX}/`)) return undefined;
    const p = path.slice(V3_PREFIX.length);
    if (method === 'POST' && p === '/files') return 'files';
    if (method === 'GET' && p === '/balance') return 'balance';
    if (method === 'GET' && p === '/models') return 'models';
    if (method === 'GET' && /^\/models\/[^/]+(\/openapi\.json|\/voices)?$/.test(p)) return 'model';
    if (method === 'POST' && /^\/models\/[^/]+\/estimate$/.test(p)) return 'estimate';
    if (method === 'POST' && /^\/models\/[^/]+$/.test(p)) return 'submit';
    if (method === 'GET' && /^\/jobs\/[^/]+\/status$/.test(p)) return 'status';
    if (method === 'GET' && /^\/jobs\/[^/]+\/stream$/.test(p)) return 'stream';
    if (method === 'GET' && /^\/jobs\/[^/]+$/.test(p)) return 'result';
    return undefined;
  }

  /** Our answer must be what the document says the real server answers: a wrong answer is a bug here. */
  function check(path: string, method: string, status: number, body: unknown): void {
    const problems = answerProblems(path, method, status, body);
    if (problems) throw new Error(`test server answer breaks the v3 document for ${method.toUpperCase()} ${path} ${status}: ${problems}`);
  }
  function checkSchema(name: string, value: unknown): void {
    const problems = schemaProblems(name, value);
    if (problems) throw new Error(`test server ${name} breaks the v3 document: ${problems} in ${JSON.stringify(value)}`);
  }

  function authenticate(req: IncomingMessage): string {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^\s*(Key|Bearer)\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw fail(401, 'UNAUTHORIZED', "Missing credentials. Send 'Authorization: Key <key_id>:<secret>' or 'Authorization: Bearer <token>'.");
    const credential = match[2];
    if (credential !== apiKey && !behaviour.extraKeys.includes(credential)) {
      const [id, ...rest] = credential.split(':');
      const secret = rest.join(':');
      if (behaviour.keyEcho && secret) {
        const b64 = Buffer.from(secret).toString('base64');
        throw fail(401, 'UNAUTHORIZED', `secret ${secret} does not match key id ${id} (received ${b64}, ${encodeURIComponent(secret)}).`);
      }
      throw fail(401, 'UNAUTHORIZED', 'Invalid API key.');
    }
    return credential;
  }

  /** A model every model endpoint may use: GONE when retired, 404 when the document has no such model. */
  function liveModel(id: string): V3Model {
    if (Object.hasOwn(behaviour.retired, id)) {
      const successor = behaviour.retired[id];
      throw fail(behaviour.goneStatus, 'GONE', `Model '${id}' has been retired.${successor ? ` Use '${successor}' instead.` : ''}`, { replaced_by: successor });
    }
    const model = v3Model(id);
    if (!model) throw fail(404, 'NOT_FOUND', `Model '${id}' not found.`);
    return model;
  }

  // ---------------------------------------------------------- job lifecycle

  /** Every frame of a job's life, with when it happens: the stream sends them, the status endpoint reads the latest status. */
  function timeline(job: V3Job): Frame[] {
    const cached = timelines.get(job);
    if (cached) return cached;
    const frames: Frame[] = [];
    const { queued, processing } = job.timings;
    const t0 = job.createdAt;
    const eta = iso(t0 + queued + processing);
    let logId = 0;
    const status = (at: number, s: string, progress: number | null) => {
      const data = { job_id: job.id, status: s, progress, estimated_completion_at: eta };
      checkSchema('StatusResponse', data);
      frames.push({ id: frames.length + 1, at, event: 'status', data });
    };
    const log = (at: number, event: string, message: string, extra: { level?: string; source?: string; data?: Record<string, unknown> } = {}) => {
      const item = { id: ++logId, timestamp: iso(at), level: extra.level ?? 'info', event, message, source: extra.source ?? 'worker', data: extra.data ?? {} };
      checkSchema('JobLogItem', item);
      frames.push({ id: frames.length + 1, at, event: 'log', data: item });
    };
    status(t0, 'IN_QUEUE', null);
    log(t0, 'queued', 'Job queued.', { source: 'api' });
    log(t0 + queued, 'started', 'Job started.');
    status(t0 + queued, 'IN_PROGRESS', 0);
    const failStep = Math.max(1, Math.floor(PROGRESS_STEPS / 2));
    for (let k = 1; k <= PROGRESS_STEPS; k++) {
      const at = t0 + queued + Math.round((processing * k) / PROGRESS_STEPS);
      const progress = Math.round((k / PROGRESS_STEPS) * 100) / 100;
      if (job.failure && k === failStep) {
        log(at, 'failed', job.failure.message, { level: 'error', data: { code: job.failure.code } });
        status(at, 'FAILED', progress);
        break;
      }
      if (k < PROGRESS_STEPS) {
        log(at, 'progress', `${Math.round(progress * 100)}% done.`, { data: { progress } });
        status(at, 'IN_PROGRESS', progress);
      } else {
        log(at, 'completed', 'Job completed.', { data: { outputs: 1 } });
        status(at, 'COMPLETED', 1);
      }
    }
    frames.push({ id: frames.length + 1, at: frames[frames.length - 1].at, event: 'done', data: '[STREAM_DONE]' });
    timelines.set(job, frames);
    return frames;
  }

  function stateAt(job: V3Job, now: number): { status: V3Job['status']; progress: number | null; endedAt?: number } {
    let latest: Frame | undefined;
    for (const frame of timeline(job)) if (frame.event === 'status' && frame.at <= now) latest = frame;
    const data = (latest ?? timeline(job)[0]).data as { status: V3Job['status']; progress: number | null };
    const ended = data.status === 'COMPLETED' || data.status === 'FAILED';
    return { status: data.status, progress: data.progress, ...(ended && latest ? { endedAt: latest.at } : {}) };
  }

  function outputsExpired(job: V3Job, completedAt: number, now: number): boolean {
    return (job.outputsExpiredAt !== undefined && now >= job.outputsExpiredAt) || now >= completedAt + behaviour.outputTtlMs;
  }

  const mediaPath = (job: V3Job) => `/media/${job.assetId}.${job.ext}`;

  function outputsOf(job: V3Job, now = time.now()): V3Output[] {
    const state = stateAt(job, now);
    if (state.status !== 'COMPLETED') return [];
    if (v3Model(job.model)?.output === 'voice') return voiceOutputs(behaviour.voiceForm, job.id) as V3Output[];
    const expired = outputsExpired(job, state.endedAt ?? now, now);
    return [
      {
        status: expired ? 'EXPIRED' : 'COMPLETED',
        asset_id: expired ? null : job.assetId,
        url: expired ? null : presigned(mediaPath(job), 48 * 3600),
        content_type: job.contentType,
        width: job.width,
        height: job.height,
        duration_ms: job.durationMs,
        fps: job.fps,
        error: null,
      },
    ];
  }

  function failureOf(job: V3Job): ErrorEnvelope {
    return { retryable: false, ...job.failure! };
  }

  function newJob(model: V3Model, body: Record<string, any>): V3Job {
    const input: Record<string, any> = body.input;
    const createdAt = time.now();
    const type =
      model.modality === 'image'
        ? OUTPUT_TYPES[input.output_format === 'jpeg' || input.output_format === 'webp' ? input.output_format : 'png']
        : OUTPUT_TYPES[model.modality];
    const { width, height } = dimensions(model.modality, input);
    const durationMs =
      model.modality === 'video'
        ? durationOf(model, input)
        : model.modality === 'audio'
          ? Math.max(1000, 60 * Array.from(String(input.text ?? '')).length)
          : null;
    const id = issueId('job', behaviour.idForm);
    const timings = { ...behaviour.timings };
    const job: V3Job = {
      id,
      model: model.id,
      modality: model.modality,
      input,
      webhook: body.webhook ?? null,
      idempotencyKey: body.idempotency_key ?? null,
      createdAt,
      timings,
      price: priceOf(model.id, input),
      assetId: issueId('asset', behaviour.idForm),
      contentType: type.contentType,
      ext: type.ext,
      width,
      height,
      durationMs,
      fps: model.modality === 'video' ? 24 : null,
      ack: {
        job_id: id,
        model: model.id,
        status: 'IN_QUEUE',
        status_url: `${V3_PREFIX}/jobs/${id}/status`,
        result_url: `${V3_PREFIX}/jobs/${id}`,
        estimated_completion_at: iso(createdAt + timings.queued + timings.processing),
      },
      get status() {
        return stateAt(job, time.now()).status;
      },
      get progress() {
        return stateAt(job, time.now()).progress;
      },
      get outputs() {
        return outputsOf(job);
      },
      get cost() {
        settle();
        return refunded.has(job.id) ? 0 : job.price;
      },
      get error() {
        return job.failure && stateAt(job, time.now()).status === 'FAILED' ? failureOf(job) : null;
      },
    };
    return job;
  }

  // ------------------------------------------------------------- endpoints

  function modelSummary(m: V3Model): Record<string, unknown> {
    return { id: m.id, modality: m.modality, name: m.name, description: m.description, logo_url: null };
  }

  function listModels(query: URLSearchParams): Answer {
    const modality = query.get('modality');
    const modalities: string[] = specV3.components.schemas.Modality.enum;
    if (modality !== null && !modalities.includes(modality)) {
      throw invalid([
        { field: 'modality', message: `modality: Input should be ${modalities.map((m) => `'${m}'`).join(', ')}`, reason: 'enum', allowed: modalities },
      ]);
    }
    const all = V3_MODELS.filter((m) => !Object.hasOwn(behaviour.retired, m.id) && (modality === null || m.modality === modality)).map(modelSummary);
    const page = catalogueFrom(all, query.get('cursor'), behaviour.modelsPageSize);
    if (!page) throw invalid([{ field: 'cursor', message: 'cursor: not a cursor this server issued', reason: 'invalid' }]);
    return { status: 200, body: page, check: '/models' };
  }

  function modelDetail(m: V3Model): Answer {
    const body = { ...modelSummary(m), input_schema: resolveSchema(m.input), output_schema: resolveSchema({ $ref: schemaRef('OutputItem') }) };
    // A hostile modality breaks the document's enum on purpose: not checked then.
    if (behaviour.modality !== undefined) return { status: 200, body: { ...body, modality: behaviour.modality } };
    return { status: 200, body, check: '/models/{model}' };
  }

  /** A standalone one-operation OpenAPI document for the model's submit, embedding the same input schema GET /models/{model} gives. */
  function modelDocument(m: V3Model): Answer {
    const inputName = m.inputRef.split('/').pop()!;
    const submitName = m.submitRef.split('/').pop()!;
    const names = new Set<string>();
    for (const name of [submitName, 'SubmitResponse', 'ErrorResponse']) referencedSchemas(name, names);
    names.delete(inputName);
    const schemas: Record<string, unknown> = Object.fromEntries([...names].sort().map((n) => [n, specV3.components.schemas[n]]));
    schemas[inputName] = resolveSchema(m.input);
    const path = `/models/${m.id}`;
    const body = {
      openapi: specV3.openapi,
      info: { title: `${m.name} (${m.id})`, version: String(specV3.info.version ?? 'v3'), description: m.description ?? undefined },
      servers: [{ url: `${origin}${V3_PREFIX}` }],
      security: [{ KeyAuth: [] }, { BearerToken: [] }],
      paths: { [path]: { post: specV3.paths[path].post } },
      components: { schemas, securitySchemes: specV3.components.securitySchemes },
    };
    return { status: 200, body, check: '/models/{model}/openapi.json' };
  }

  /**
   * The media references of an input: a `url` must be a handle this server
   * issued (verbatim, query string included), not lapsed, of the field's
   * media_type and within its max_file_size_bytes; an `asset_id` must be an
   * output of a completed job here, not expired, of the field's media type.
   */
  function mediaProblems(model: V3Model, input: Record<string, any>): FieldError[] {
    const problems: FieldError[] = [];
    const now = time.now();
    const problem = (field: string, reason: string, text: string) => problems.push({ field, message: `${field}: ${text}`, reason });
    const checkOne = (field: string, spec: MediaField, ref: Record<string, any>) => {
      if (ref.source === 'url') {
        const file = filesByUrl.get(ref.url);
        if (!file && acceptedAsPublicUrl(behaviour.externalUrls, ref.url, origin)) {
          stats.publicUrls.push(ref.url);
          return;
        }
        if (!file) {
          problem(
            field,
            'external_url',
            'the url is not a POST /v3/files handle of this account. Upload the file with POST /v3/files and pass the returned url verbatim.',
          );
          return;
        }
        if (now >= file.expiresAt) {
          problem(field, 'expired', `the POST /v3/files url expired at ${iso(file.expiresAt)}. Upload the file again and submit with the fresh url.`);
          return;
        }
        if (!file.contentType.startsWith(`${spec.mediaType}/`)) {
          problem(field, 'media_type', `expected ${spec.mediaType === 'video' ? 'a' : 'an'} ${spec.mediaType} file, got ${file.contentType}.`);
          return;
        }
        if (spec.maxFileSizeBytes !== undefined && file.size > spec.maxFileSizeBytes) {
          problem(field, 'max_file_size_bytes', `the file is ${file.size} bytes; the limit is ${spec.maxFileSizeBytes} bytes.`);
        }
        return;
      }
      const job = jobsByAsset.get(ref.asset_id);
      const state = job && stateAt(job, now);
      if (!job || state?.status !== 'COMPLETED') {
        problem(field, 'not_found', `asset '${ref.asset_id}' not found.`);
        return;
      }
      if (outputsExpired(job, state.endedAt ?? now, now)) {
        problem(field, 'expired', `asset '${ref.asset_id}' has expired: outputs are kept 48 hours. Upload the file with POST /v3/files instead.`);
        return;
      }
      if (job.modality !== spec.mediaType)
        problem(field, 'media_type', `expected ${spec.mediaType === 'video' ? 'a' : 'an'} ${spec.mediaType} asset, got ${job.contentType}.`);
    };
    for (const spec of model.mediaFields) {
      const value = input[spec.name];
      if (value === undefined || value === null) continue;
      // A field may take one reference or a list of them (hedra-character-3's audio: anyOf one | 1–4).
      if (!Array.isArray(value)) checkOne(`input.${spec.name}`, spec, value);
      else for (const [i, ref] of (value as Record<string, any>[]).entries()) checkOne(`input.${spec.name}[${i}]`, spec, ref);
    }
    return problems;
  }

  function submit(modelId: string, raw: Buffer, credential: string, record: V3RecordedRequest): Answer {
    const model = liveModel(modelId);
    const body = parseJson(raw);
    const key = body && typeof body === 'object' && typeof body.idempotency_key === 'string' ? body.idempotency_key : undefined;
    const slot = key === undefined ? undefined : `${credential}\u0000${key}`;
    const fingerprint = `${model.id}\u0000${canonical(body)}`;
    let seen = slot === undefined ? undefined : idempotency.get(slot);
    if (seen && behaviour.keyTtlMs !== undefined && time.now() - seen.at >= behaviour.keyTtlMs) {
      idempotency.delete(slot as string);
      seen = undefined;
    }
    if (seen) {
      if (seen.fingerprint !== fingerprint && (behaviour.idempotencyConflict !== 'original' || !('job' in seen))) {
        throw fail(
          behaviour.idempotencyConflict === 'original' ? 409 : behaviour.idempotencyConflict,
          'ALREADY_EXISTS',
          `idempotency_key '${key}' was already used with a different request.`,
          {
            param: 'idempotency_key',
          },
        );
      }
      const busy = 'job' in seen && behaviour.keyBusyMs !== undefined ? seen.at + behaviour.keyBusyMs - time.now() : 0;
      if (busy > 0) {
        const seconds = Math.ceil(busy / 1000);
        throw fail(409, 'ALREADY_IN_PROGRESS', `A request with idempotency_key '${key}' is still being processed; retry in ${seconds}s.`, {
          retryable: true,
          retry_after: seconds,
        });
      }
      record.replay = true;
      stats.replays++;
      if ('refusal' in seen) throw seen.refusal;
      return { status: 202, body: seen.job.ack, headers: { location: String(seen.job.ack.result_url) }, check: `/models/${model.id}` };
    }
    if (slot === undefined || !behaviour.storeRefusals) return accept(model, body, slot, fingerprint);
    try {
      return accept(model, body, slot, fingerprint);
    } catch (error) {
      if (error instanceof HttpError && error.status >= 400 && error.status < 500 && error.status !== 429) {
        idempotency.set(slot, { fingerprint, at: time.now(), refusal: error });
      }
      throw error;
    }
  }

  /** A submit's checks, its charge and its job, once no key stands in the way. */
  function accept(model: V3Model, body: Record<string, any>, slot: string | undefined, fingerprint: string): Answer {
    const errors = fieldErrors(model.submitRef, body, model.input);
    if (errors) throw invalid(errors);
    const input: Record<string, any> = body.input;
    if (model.input.properties?.voice_id && behaviour.unknownVoice === 'refuse' && !voicesOf(model.id).some((v) => v.id === input.voice_id)) {
      throw invalid([
        {
          field: 'input.voice_id',
          message: `input.voice_id: voice '${input.voice_id}' is not available for ${model.id}; list voices at GET /v3/models/${model.id}/voices.`,
          reason: 'not_found',
        },
      ]);
    }
    const media = mediaProblems(model, input);
    if (media.length) throw invalid(media, media.length === 1 ? media[0].message : undefined);
    const moderated = behaviour.moderation?.(model.id, input);
    if (moderated !== undefined) throw fail(422, 'MODERATION_FAILED', moderated);
    const price = priceOf(model.id, input);
    const available = wallet.balance;
    const topUp = topUpFor(behaviour.topUp, available, price);
    if (topUp === undefined) {
      const reason = behaviour.topUp.mode === 'declined' ? { reason: behaviour.topUp.reason } : {};
      throw fail(
        402,
        'INSUFFICIENT_BALANCE',
        `Your API wallet balance is ${dollars(available)} and this request costs ${dollars(price)}. The API wallet is funded separately from Studio and pays only for API requests — add funds at https://www.hedra.com/develop/billing, then retry.`,
        { billing: { balance: available, required: price, currency: 'USD', funding_url: FUNDING_URL, ...reason } },
      );
    }
    if (topUp > 0) {
      balance = round4(balance + topUp);
      stats.topUps++;
    }
    const job = newJob(model, body);
    job.failure = behaviour.failFor?.(job);
    timelines.delete(job); // failFor may have looked at the job before it knew its fate
    if (job.failure) checkSchema('ErrorEnvelope', failureOf(job));
    jobs.set(job.id, job);
    jobsByAsset.set(job.assetId, job);
    balance = round4(balance - price);
    ledger.push({ jobId: job.id, amount: price });
    if (slot !== undefined) idempotency.set(slot, { fingerprint, at: time.now(), job });
    return { status: 202, body: job.ack, headers: { location: String(job.ack.result_url) }, check: `/models/${model.id}` };
  }

  function estimate(modelId: string, raw: Buffer): Answer {
    const model = liveModel(modelId);
    const body = parseJson(raw);
    const envelopeErrors = fieldErrors(schemaRef('EstimateRequest'), body);
    if (envelopeErrors) throw invalid(envelopeErrors);
    const input = body.input ?? {};
    // The input is held to the model's schema, but its media url handles are not
    // checked here: some clients estimate before they upload.
    const errors = fieldErrors(model.submitRef, { input }, model.input);
    if (errors) throw invalid(errors);
    const cost = priceOf(model.id, input);
    if (behaviour.hostileEstimate) {
      // Not checked against the document: a hostile answer breaks it on purpose (or, for a negative cost, its sense).
      const hostile = {
        negative: { cost: -cost },
        nan: { cost: 'NaN' },
        words: { cost: 'fifty cents' },
        'foreign-currency': { cost: Math.round((cost / 90_000) * 1e8) / 1e8, currency: 'BTC' },
      };
      return { status: 200, body: { model: model.id, currency: 'USD', ...hostile[behaviour.hostileEstimate] } };
    }
    return { status: 200, body: { model: model.id, cost, currency: 'USD' }, check: '/models/{model}/estimate' };
  }

  function findJob(id: string): V3Job {
    const job = jobs.get(id);
    if (!job) throw fail(404, 'NOT_FOUND', 'Job not found.');
    return job;
  }

  function jobStatus(job: V3Job, query: URLSearchParams): Answer {
    const now = time.now();
    const state = stateAt(job, now);
    const body: Record<string, unknown> = {
      job_id: job.id,
      status: state.status,
      progress: state.progress,
      estimated_completion_at: job.ack.estimated_completion_at,
    };
    const after = query.get('logs_after');
    if (after !== null) {
      if (after !== 'start' && !/^\d+$/.test(after)) {
        throw invalid([
          { field: 'logs_after', message: "logs_after: not a cursor this endpoint issued; send 'start' or a logs_next_cursor.", reason: 'invalid_cursor' },
        ]);
      }
      const from = after === 'start' ? 0 : Number(after);
      const logs = timeline(job)
        .filter((f) => f.event === 'log' && f.at <= now)
        .map((f) => f.data as { id: number })
        .filter((item) => item.id > from);
      body.logs = logs;
      if (logs.length) body.logs_next_cursor = String(logs[logs.length - 1].id);
    }
    return { status: 200, body, check: '/jobs/{job_id}/status' };
  }

  function jobResult(job: V3Job): Answer {
    const state = stateAt(job, time.now() - behaviour.resultLagMs);
    const props = v3Model(job.model)?.input.properties ?? {};
    const body: Record<string, unknown> = {
      job_id: job.id,
      model: job.model,
      ...(typeof job.input.quality === 'string' ? { quality: job.input.quality } : {}),
      status: state.status,
      ...(props.prompt ? { prompt: job.input.prompt ?? null } : {}),
      outputs: outputsOf(job, time.now() - behaviour.resultLagMs),
      ...(v3Model(job.model)?.output === 'voice' ? voiceResultFields(behaviour.voiceForm, job.id, state.status === 'COMPLETED') : {}),
      ...(state.status === 'COMPLETED' ? { metrics: { processing_time_ms: job.timings.processing } } : {}),
      error: state.status === 'FAILED' ? failureOf(job) : null,
      cost: job.cost,
      currency: 'USD',
    };
    return { status: 200, body, check: '/jobs/{job_id}' };
  }

  // ------------------------------------------------------------ the stream

  /** A frame as sent; `done` in the form behaviour.streamDone says (3.0.1's carried the final status frame's data). */
  const frameText = (f: Frame, frames: Frame[]) => {
    const finalStatus = () => [...frames].reverse().find((g) => g.event === 'status')!.data;
    const data = f.event === 'done' && behaviour.streamDone !== 'marker' ? finalStatus() : f.data;
    return `id: ${f.id}\nevent: ${f.event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  };

  function stream(req: IncomingMessage, res: ServerResponse, job: V3Job, record: V3RecordedRequest, fault: Fault | undefined): void {
    stats.streamConnections++;
    const mode = behaviour.streamFor?.(job) ?? behaviour.stream;
    if (mode === 'refuse') {
      const status = behaviour.streamRefuseStatus;
      let body: unknown;
      if (status === 200) {
        body = jobStatus(job, new URLSearchParams()).body;
        check('/jobs/{job_id}/status', 'get', 200, body);
      } else if (status === 405) body = { detail: 'Method Not Allowed' };
      else {
        body = status === 404 ? envelope('NOT_FOUND', 'Not found.') : envelope('UNKNOWN', 'Streaming is not available for this job.');
        check('/jobs/{job_id}/stream', 'get', status, body);
      }
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', 'x-trace-id': traceId() });
      res.end(JSON.stringify(body));
      return;
    }
    if (fault?.kind === 'hang') {
      record.status = 0;
      hanging.add(res);
      return;
    }
    const frames = timeline(job);
    const header = String(req.headers['last-event-id'] ?? '').trim();
    const lastId = /^\d+$/.test(header) ? Number(header) : 0;
    record.status = 200;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', 'x-trace-id': traceId() });
    res.flushHeaders();
    const now = time.now();
    const current = [...frames].reverse().find((f) => f.event === 'status' && f.at <= now)!;
    if (mode === 'hang') {
      res.write(frameText(current, frames));
      hanging.add(res);
      return;
    }
    if (mode === 'keep-alive-only' || mode === 'trickle') {
      // Talking, so no stall watchdog fires, and never a word about the status.
      const pace = setInterval(() => res.write(mode === 'trickle' ? 'x' : ': ping\n\n'), behaviour.streamPaceMs / time.scale);
      res.on('close', () => clearInterval(pace));
      hanging.add(res);
      return;
    }
    if (typeof mode === 'object' && 'flap' in mode) {
      const eta = job.ack.estimated_completion_at;
      const frame = (i: number) => ({ job_id: job.id, status: i % 2 ? 'IN_PROGRESS' : 'IN_QUEUE', progress: i % 2 ? 0 : null, estimated_completion_at: eta });
      checkSchema('StatusResponse', frame(0));
      checkSchema('StatusResponse', frame(1));
      const texts = [0, 1].map((i) => `event: status\ndata: ${JSON.stringify(frame(i))}\n\n`);
      res.write(Array.from({ length: mode.flap }, (_, i) => texts[i % 2]).join(''));
    }
    if (fault?.kind === 'malformed') {
      res.end(`id: ${current.id}\nevent: status\ndata: {"job_id": <html>\n\n`);
      return;
    }
    const breakAfter =
      fault?.kind === 'truncate' || fault?.kind === 'reset-after' ? 1 : typeof mode === 'object' && 'breakAfter' in mode ? mode.breakAfter : undefined;
    let written = 0;
    let over = false;
    let timer: { clear(): void } | undefined;
    const keepAlive = setInterval(() => {
      if (!over) res.write(': keep-alive\n\n');
    }, behaviour.streamKeepAliveMs / time.scale);
    const stop = () => {
      over = true;
      clearInterval(keepAlive);
      timer?.clear();
    };
    res.on('close', stop);
    if (typeof mode === 'object' && 'closeAfterMs' in mode) {
      // Closed by design: `retry:` (how long to wait before reconnecting), then a clean end without done.
      const closing = time.setTimeout(() => {
        if (over) return;
        stop();
        res.end(mode.retryMs !== undefined ? `retry: ${mode.retryMs}\n\n` : '');
      }, mode.closeAfterMs);
      res.on('close', () => closing.clear());
    }
    /** Writes a frame; false once the connection is done with. */
    const send = (f: Frame): boolean => {
      if (over) return false;
      // The final status said only by the done frame (ids are 1-based: frames[f.id] is the next frame).
      if (behaviour.streamDone === 'json-only' && f.event === 'status' && frames[f.id]?.event === 'done') return true;
      if (mode === 'end-without-done' && f.event === 'done') {
        stop();
        res.end();
        return false;
      }
      written++;
      if (breakAfter !== undefined && written >= breakAfter) {
        stop();
        res.write(frameText(f, frames), () => res.socket?.destroy());
        return false;
      }
      res.write(frameText(f, frames));
      if (f.event === 'done') {
        stop();
        res.end();
        return false;
      }
      return true;
    };
    // At the start: what is due and not yet seen. A resumed stream (Last-Event-Id) gets every
    // frame after that id; a fresh one the log so far and only the latest of the status frames.
    let next = frames.findIndex((f) => f.id > lastId);
    if (next < 0) {
      stop();
      res.end();
      return;
    }
    if (behaviour.streamNoise) res.write(behaviour.streamNoise);
    const due = frames.slice(next).filter((f) => f.at <= now);
    const lastStatus = [...due].reverse().find((f) => f.event === 'status');
    for (const f of due) {
      next = f.id; // index of the frame after f (ids are 1-based)
      if (lastId === 0 && f.event === 'status' && f !== lastStatus) continue;
      if (!send(f)) return;
    }
    if (mode === 'end-without-done') {
      stop();
      res.end();
      return;
    }
    const pump = () => {
      const at = time.now();
      while (next < frames.length && frames[next].at <= at) {
        if (!send(frames[next++])) return;
      }
      if (next < frames.length) timer = time.setTimeout(pump, Math.max(0, frames[next].at - at));
    };
    pump();
  }

  // ---------------------------------------------------------------- files

  function receiveUpload(req: IncomingMessage): Promise<{ bytes: Buffer; filename?: string; declaredType: string }> {
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: req.headers });
      } catch (error) {
        req.resume();
        reject(invalid([{ field: 'file', message: `file: expected a multipart/form-data body (${(error as Error).message})`, reason: 'required' }]));
        return;
      }
      let upload: Promise<{ bytes: Buffer; filename?: string; declaredType: string }> | undefined;
      parser.on('file', (field, fileStream, info) => {
        if (field !== 'file' || upload) {
          fileStream.resume();
          return;
        }
        upload = new Promise((done, failed) => {
          const chunks: Buffer[] = [];
          fileStream.on('data', (c: Buffer) => chunks.push(c));
          fileStream.on('end', () => done({ bytes: Buffer.concat(chunks), filename: info.filename, declaredType: info.mimeType }));
          fileStream.on('error', failed);
        });
      });
      parser.on('error', (error) =>
        reject(invalid([{ field: 'file', message: `file: malformed multipart body (${(error as Error).message})`, reason: 'invalid' }])),
      );
      parser.on('close', () => {
        if (!upload) reject(invalid([{ field: 'file', message: 'file: Field required', reason: 'required' }]));
        else upload.then(resolve, reject);
      });
      req.pipe(parser);
    });
  }

  async function uploadFile(req: IncomingMessage, record: V3RecordedRequest): Promise<Answer> {
    const { bytes, filename, declaredType } = await receiveUpload(req);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    record.body = { bytes: bytes.length, sha256, filename, contentType: declaredType };
    const id = `file_${randomUUID()}`;
    const path = `/files/${id}`;
    const createdAt = time.now();
    const expiresAt = createdAt + behaviour.fileTtlMs;
    const file: V3File = {
      id,
      url: presigned(path, Math.ceil(behaviour.fileTtlMs / 1000)),
      bytes,
      size: bytes.length,
      sha256,
      contentType: sniff(bytes),
      declaredType,
      filename,
      createdAt,
      expiresAt,
    };
    files.set(id, file);
    filesByUrl.set(file.url, file);
    return { status: 201, body: { url: file.url, content_type: file.contentType, expires_at: iso(expiresAt) }, check: '/files' };
  }

  function serveFile(res: ServerResponse, url: URL): number {
    const match = FILE_RE.exec(url.pathname);
    const file = match ? files.get(match[1]) : undefined;
    if (!file) throw s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    if (url.searchParams.get('X-Amz-Signature') !== sign(url.pathname))
      throw s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    if (time.now() >= file.expiresAt) throw s3Error(403, 'AccessDenied', 'Request has expired');
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.size) });
    res.end(file.bytes);
    return 200;
  }

  // ---------------------------------------------------------------- media

  function serveMedia(res: ServerResponse, url: URL, fault: Fault | undefined, record: V3RecordedRequest): number {
    const match = MEDIA_RE.exec(url.pathname);
    const job = match ? jobsByAsset.get(match[1]) : undefined;
    const now = time.now();
    const state = job && stateAt(job, now);
    if (!match || !job || state?.status !== 'COMPLETED' || match[2] !== job.ext) throw s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    if (url.searchParams.get('X-Amz-Signature') !== sign(url.pathname))
      throw s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    if (outputsExpired(job, state.endedAt ?? now, now)) throw s3Error(403, 'AccessDenied', 'Request has expired');
    const total = behaviour.resultBytes;
    const chunks = mediaChunks(job, total);
    return box.serveDownload(
      res,
      record,
      fault,
      {
        contentType: job.contentType,
        total,
        plain: () => Buffer.concat(chunks),
        served: (sha256) => {
          job.servedSha256 = sha256;
        },
      },
      () => chunks,
    );
  }

  // --------------------------------------------------------------- routing

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, record: V3RecordedRequest, fault: Fault | undefined): Promise<Answer | undefined> {
    const method = req.method ?? '';
    if (method === 'GET' && url.pathname.startsWith('/media/')) {
      await readBody(req);
      record.status = serveMedia(res, url, fault, record);
      return undefined;
    }
    if (method === 'GET' && url.pathname.startsWith('/files/')) {
      await readBody(req);
      record.status = serveFile(res, url);
      return undefined;
    }
    if (!url.pathname.startsWith(`${V3_PREFIX}/`)) throw fail(404, 'NOT_FOUND', 'Not found.');
    const path = url.pathname.slice(V3_PREFIX.length);
    const catalogue = method === 'GET' && /^\/models(\/[^/]+(\/openapi\.json|\/voices)?)?$/.test(path);
    const credential = catalogue && behaviour.catalogueAuth === 'public' ? '' : authenticate(req);
    let match: RegExpExecArray | null;
    if (method === 'POST' && path === '/files') {
      const canned = box.canned(method, path);
      if (canned) {
        req.resume();
        return canned;
      }
      return uploadFile(req, record);
    }
    const raw = await readBody(req);
    record.body = parseRecorded(raw);
    const canned = box.canned(method, path);
    if (canned) return canned;
    const query = url.searchParams;
    const segment = (i: number) => decodeURIComponent(match![i]);
    if (method === 'GET' && path === '/models') return listModels(query);
    if (method === 'GET' && (match = /^\/models\/([^/]+)$/.exec(path))) return modelDetail(liveModel(segment(1)));
    if (method === 'GET' && (match = /^\/models\/([^/]+)\/openapi\.json$/.exec(path))) return modelDocument(liveModel(segment(1)));
    if (method === 'GET' && (match = /^\/models\/([^/]+)\/voices$/.exec(path))) {
      const model = liveModel(segment(1));
      return { status: 200, body: { data: voicesOf(model.id), next_cursor: null }, check: '/models/{model}/voices' };
    }
    if (method === 'POST' && (match = /^\/models\/([^/]+)\/estimate$/.exec(path))) return estimate(segment(1), raw);
    if (method === 'POST' && (match = /^\/models\/([^/]+)$/.exec(path))) return submit(segment(1), raw, credential, record);
    if (method === 'GET' && (match = /^\/jobs\/([^/]+)\/status$/.exec(path))) return jobStatus(findJob(segment(1)), query);
    if (method === 'GET' && (match = /^\/jobs\/([^/]+)\/stream$/.exec(path))) {
      stream(req, res, findJob(segment(1)), record, fault);
      return undefined;
    }
    if (method === 'GET' && (match = /^\/jobs\/([^/]+)$/.exec(path))) return jobResult(findJob(segment(1)));
    if (method === 'GET' && path === '/balance') return { status: 200, body: { balance: wallet.balance, spent: null, currency: 'USD' }, check: '/balance' };
    throw fail(404, 'NOT_FOUND', 'Not found.');
  }

  /**
   * The key's rate limit (v3-rate-limit.ts), before anything else: a request of a known key is counted and its answer
   * gets the X-RateLimit-* headers, or it is over the limit and answered 429 here (false).
   */
  function admitted(req: IncomingMessage, res: ServerResponse, url: URL, record: V3RecordedRequest): boolean {
    const credential = /^\s*(?:Key|Bearer)\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!url.pathname.startsWith(`${V3_PREFIX}/`) || !credential || (credential !== apiKey && !behaviour.extraKeys.includes(credential))) return true;
    const admission = limiter.admit(credential, record.at);
    for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
    if (admission.allowed) return true;
    const body = faultEnvelope(429, admission.retryAfterSeconds);
    const problems = schemaProblems('ErrorResponse', body);
    if (problems) ownFaults.push(`rate-limit answer breaks ErrorResponse: ${problems}`);
    record.status = 429;
    req.resume();
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(admission.retryAfterSeconds), 'x-trace-id': body.trace_id });
    res.end(JSON.stringify(body));
    return false;
  }

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? '';
    const record: V3RecordedRequest = {
      method,
      path: url.pathname.startsWith(`${V3_PREFIX}/`) ? url.pathname.slice(V3_PREFIX.length) : url.pathname,
      query: url.search,
      headers: req.headers,
      body: undefined,
      status: 500,
      at: time.now(),
      ...(typeof req.headers['x-hedra-spec-version'] === 'string' && { specVersion: req.headers['x-hedra-spec-version'] }),
    };
    requests.push(record);
    if (!admitted(req, res, url, record)) return;
    const stage = stageOf(method, url.pathname);
    const fault = box.arrive(req, record, stage);
    if (fault?.kind === 'reset-before') return;
    if (fault?.kind === 'status') {
      await box.answerStatus(req, res, record, fault, (f) => {
        const retryAfter = f.retryAfter !== undefined && /^\d+$/.test(f.retryAfter) ? Number(f.retryAfter) : undefined;
        let body = withErrorType(behaviour.errorType, f.status, f.body);
        if (body === undefined) {
          body =
            stage === 'download'
              ? s3Error(f.status, 'ServiceUnavailable', 'Please reduce your request rate.').body
              : withErrorType(behaviour.errorType, f.status, faultEnvelope(f.status, retryAfter, f.rateLimit?.limit));
          if (stage !== 'download') {
            const problems = schemaProblems('ErrorResponse', body);
            if (problems) ownFaults.push(`injected status body breaks ErrorResponse: ${problems}`);
          }
        }
        const trace: Record<string, string> =
          typeof body === 'object' && body && 'trace_id' in body ? { 'x-trace-id': String((body as { trace_id: unknown }).trace_id) } : {};
        return {
          body: typeof body === 'string' ? body : JSON.stringify(body),
          contentType: typeof body === 'string' && stage === 'download' ? 'application/xml' : 'application/json',
          headers: trace,
          rateLimit: f.status === 429 ? { resetInSeconds: retryAfter ?? 1 } : undefined,
        };
      });
      return;
    }
    let answer: Answer;
    try {
      const result = await route(req, res, url, record, fault);
      if (!result) return;
      answer = result;
      if (answer.check) check(answer.check, method.toLowerCase(), answer.status, answer.body);
    } catch (error) {
      if (error instanceof HttpError) {
        answer = { status: error.status, body: error.body, headers: error.headers };
        if (typeof error.body === 'object') {
          const problems = schemaProblems('ErrorResponse', error.body);
          if (problems) {
            ownFaults.push(`error answer breaks ErrorResponse: ${problems} in ${JSON.stringify(error.body)}`);
            answer = { status: 500, body: { detail: `test server fault: ${problems}` } };
          }
        }
      } else {
        ownFaults.push((error as Error).message);
        answer = { status: 500, body: { detail: `test server fault: ${(error as Error).message}` } };
      }
      req.resume();
      if (res.headersSent) {
        res.destroy();
        return;
      }
    }
    record.status = answer.status;
    // Every error answer, the server's own or injected, in the form of the build it stands for.
    if (answer.status >= 400) answer = { ...answer, body: withErrorType(behaviour.errorType, answer.status, answer.body) };
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const trace = (answer.body as { trace_id?: unknown } | null)?.trace_id;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-trace-id': typeof trace === 'string' ? trace : traceId(),
      ...answer.headers,
    };
    // Hedra's clock, as every answer tells it (RFC 9110); the server's own, which may not be the client's.
    if (behaviour.dateHeader) headers.date = new Date(time.now()).toUTCString();
    else res.sendDate = false;
    if (stage === 'submit' && answer.status === 202 && behaviour.submitBodyDelayMs > 0 && !fault) {
      // The status line and the headers (Location names the job) now; the body later, or never if the client gives up.
      res.writeHead(202, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
      res.flushHeaders();
      hanging.add(res);
      time.setTimeout(() => {
        hanging.delete(res);
        if (!res.destroyed) res.end(text);
      }, behaviour.submitBodyDelayMs);
      return;
    }
    box.deliver(res, record, fault, { status: answer.status, text, headers, recordMalformed: true });
  };

  const server = createServer((req, res) => {
    handler(req, res).catch((error) => {
      ownFaults.push(`unhandled: ${(error as Error).message}`);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    baseUrl: `${origin}${V3_PREFIX}`,
    origin,
    apiKey,
    requests,
    jobs,
    files,
    wallet,
    ledger,
    stats,
    behaviour,
    internalErrors: ownFaults,
    fault: box.add,
    pendingFaults: box.pending,
    clearFaults: box.clear,
    inject: box.inject,
    expireFiles: () => {
      const now = time.now();
      for (const file of files.values()) file.expiresAt = Math.min(file.expiresAt, now);
    },
    expireOutputs: (jobId) => {
      const now = time.now();
      for (const job of jobId === undefined ? jobs.values() : [findJob(jobId)]) job.outputsExpiredAt = now;
    },
    ageJob: (jobId, ms) => {
      const job = findJob(jobId);
      job.createdAt -= ms;
      timelines.delete(job);
    },
    priceOf,
    voices: voicesOf,
    resultSha256: (jobId, bytes = behaviour.resultBytes) => {
      const hash = createHash('sha256');
      for (const chunk of mediaChunks(findJob(jobId), bytes)) hash.update(chunk);
      return hash.digest('hex');
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        box.closeHanging();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
