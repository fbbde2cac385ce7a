// A Hedra-compatible API server on 127.0.0.1 for the tests, the demo and the
// benchmark. It keeps real state (assets and their bytes, generations and the
// jobs behind them moving through queued → processing → finalizing →
// complete), validates every JSON body against Hedra's OpenAPI document and
// answers 422 as FastAPI does, checks the key, serves results from
// presigned-style URLs, and records every request so that tests can count.
// Written in erasable TypeScript so that Node runs it directly (npm run demo).
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { schemaRef, spec, validate } from './spec.ts';

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
  upload?: StoredUpload;
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
}

/** Where a fault can be injected: one kind of request each. */
export type Stage = 'asset-create' | 'upload' | 'create' | 'status' | 'download';

/** What goes wrong with a request. */
export type Fault =
  /** An error answer instead of handling the request. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  /** The connection is reset before the request is handled. */
  | { kind: 'reset-before' }
  /** The request is handled (state changes: a job is created), then the connection is reset: the answer is lost. */
  | { kind: 'reset-after' }
  /** The request is read and handled, and never answered. */
  | { kind: 'hang' }
  /** The answer is cut short: its declared length is longer than what is sent before the connection closes. */
  | { kind: 'truncate' }
  /** A download sends half its bytes, then nothing more, keeping the connection open. */
  | { kind: 'stall' }
  /** A 200 answer whose body is not JSON (the request is handled). */
  | { kind: 'malformed' };

/** A canned answer given instead of the real one, once, to the next request that matches. */
export interface InjectedAnswer {
  method: string;
  /** Path below the API prefix, e.g. /generations. */
  path: string | RegExp;
  status: number;
  body: unknown;
}

export interface ServerBehaviour {
  timings: Timings;
  /** Answer video asset creation with a presigned upload_url (the raw-PUT path). */
  videoUploadUrl: boolean;
  /** Refuse generations that name assets this server does not hold with uploaded bytes. */
  requireAssets: boolean;
  /** Size of each generated result, in bytes. */
  resultBytes: number;
  /** A job for which this returns something ends in `error` with that error. */
  errorFor?: (job: Job) => Record<string, unknown> | string | undefined;
}

export interface HedraServerOptions extends Partial<ServerBehaviour> {
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
  inject(answer: InjectedAnswer): void;
  /** The next `times` requests of `stage` suffer `fault`. */
  fault(stage: Stage, fault: Fault, times?: number): void;
  /** Faults still waiting for their request. */
  pendingFaults(): number;
  clearFaults(): void;
  /** The bytes a job's result consists of (deterministic per asset id), for comparing downloads. */
  resultSha256(assetId: string, bytes?: number): string;
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

/** Request fields that name input assets, for requireAssets. */
const ASSET_FIELDS = ['start_keyframe_id', 'end_keyframe_id', 'audio_id', 'video_id', 'image_id', 'reference_image_ids', 'reference_image_asset_ids'];

class HttpError extends Error {
  status: number;
  body: unknown;
  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const detail = (loc: (string | number)[], msg: string, type = 'value_error') => ({ detail: [{ type, loc, msg }] });

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
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
  const ref = schemaRef(path, method, 'response', answer);
  const problems = ref ? validate(ref, answer) : [{ msg: 'no response schema' }];
  if (problems) throw new Error(`test server answer breaks the spec for ${method} ${path}: ${JSON.stringify(problems)}`);
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

/** A request body as recorded: parsed JSON, else text, else nothing. */
function parseRecorded(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return raw.toString('utf8');
  }
}

function sign(path: string): string {
  return createHash('sha256').update(`signing-secret:${path}`).digest('hex');
}

export async function startHedraServer(options: HedraServerOptions = {}): Promise<HedraServer> {
  const apiKey = options.apiKey ?? `test-key-${randomUUID()}`;
  const behaviour: ServerBehaviour = {
    timings: { queued: 50, processing: 200, finalizing: 50, ...options.timings },
    videoUploadUrl: options.videoUploadUrl ?? false,
    requireAssets: options.requireAssets ?? false,
    resultBytes: options.resultBytes ?? 64 * 1024,
    errorFor: options.errorFor,
  };
  const jobs = new Map<string, Job>();
  const assets = new Map<string, StoredAsset>();
  const requests: RecordedRequest[] = [];
  const injected: InjectedAnswer[] = [];
  const faults: { stage: Stage; fault: Fault }[] = [];
  const hanging = new Set<ServerResponse>();
  let origin = '';

  function stageOf(method: string, path: string): Stage | undefined {
    if (method === 'POST' && path === `${API_PREFIX}/assets`) return 'asset-create';
    if ((method === 'POST' && /\/assets\/[^/]+\/upload$/.test(path)) || (method === 'PUT' && path.startsWith('/upload/'))) return 'upload';
    if (method === 'POST' && path === `${API_PREFIX}/generations`) return 'create';
    if (method === 'GET' && /\/generations\/[^/]+\/status$/.test(path)) return 'status';
    if (method === 'GET' && path.startsWith('/media/')) return 'download';
    return undefined;
  }

  function takeFault(stage: Stage | undefined): Fault | undefined {
    const at = faults.findIndex((f) => f.stage === stage);
    return at < 0 ? undefined : faults.splice(at, 1)[0].fault;
  }

  function takeInjected(method: string, path: string): InjectedAnswer | undefined {
    const at = injected.findIndex((a) => a.method === method && (typeof a.path === 'string' ? a.path === path : a.path.test(path)));
    return at < 0 ? undefined : injected.splice(at, 1)[0];
  }

  function presigned(path: string): string {
    return `${origin}${path}?X-Amz-Expires=3600&X-Amz-Signature=${sign(path)}`;
  }

  function createAsset(body: Record<string, any>): Record<string, unknown> {
    checkBody('/assets', 'post', body);
    const id: string = body.reserved_asset_id ?? randomUUID();
    if (assets.has(id)) throw new HttpError(409, { error: { type: 'ALREADY_EXISTS', message: `Asset ${id} already exists` } });
    assets.set(id, { id, name: body.name, type: body.type });
    const answer: Record<string, unknown> = { id, name: body.name, type: body.type };
    if (body.type === 'video' && behaviour.videoUploadUrl) answer.upload_url = presigned(`/upload/${id}`);
    return answer;
  }

  function assetAnswer(asset: StoredAsset): Record<string, unknown> {
    const url = `${origin}/assets-files/${asset.id}`;
    const inner =
      asset.type === 'image'
        ? { type: 'uploaded_image', width: 512, height: 512, url }
        : asset.type === 'audio'
          ? { type: 'uploaded_audio', duration_ms: 1000, url }
          : { type: 'uploaded_video', width: 512, height: 512, duration_ms: 1000, url };
    return { id: asset.id, type: asset.type, name: asset.name, created_at: new Date().toISOString(), asset: inner };
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
            resolve(u);
          }, reject);
      });
      req.pipe(parser);
    });
  }

  function checkAssetsExist(body: Record<string, any>): void {
    for (const field of ASSET_FIELDS) {
      const ids = [body[field]].flat().filter(Boolean) as string[];
      for (const id of ids) {
        if (!assets.get(id)?.upload) throw new HttpError(404, { error: { type: 'NOT_FOUND', message: `Asset ${id} (${field}) not found or not uploaded` } });
      }
    }
  }

  function createGenerations(body: Record<string, any>): Record<string, unknown> {
    const ref = checkBody('/generations', 'post', body);
    if (behaviour.requireAssets) checkAssetsExist(body);
    const batchSize: number = body.batch_size ?? 1;
    if (body.generation_id && body.generation_ids) throw new HttpError(422, detail(['body'], 'generation_id and generation_ids are mutually exclusive'));
    const ids: string[] = body.generation_ids ?? [body.generation_id ?? randomUUID()];
    if (ids.length !== batchSize) throw new HttpError(422, detail(['body', 'generation_ids'], `Length must match batch_size (${batchSize})`));
    const duplicate = ids.find((id) => jobs.has(id));
    if (duplicate) throw new HttpError(409, { error: { type: 'ALREADY_EXISTS', message: `Generation ${duplicate} already exists` } });

    const now = Date.now();
    const created = ids.map((id, batchIndex) => {
      const job: Job = { id, assetId: randomUUID(), type: body.type ?? 'video', request: body, createdAt: now, batchIndex };
      jobs.set(id, job);
      return job;
    });
    const first = created[0];
    const createdAt = new Date(now).toISOString();
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
      answer.batch_results = created.map((job) => ({ id: job.id, asset_id: job.assetId, created_at: createdAt, status: 'queued', progress: 0, eta_sec: eta }));
    }
    return answer;
  }

  function status(id: string): Record<string, unknown> {
    const job = jobs.get(id);
    if (!job) throw new HttpError(404, { detail: `Generation ${id} not found` });
    const elapsed = Date.now() - job.createdAt;
    const { queued, processing, finalizing } = behaviour.timings;
    const kind = PRODUCES[job.type];
    const base = { id: job.id, asset_id: job.assetId, type: kind, created_at: new Date(job.createdAt).toISOString() };
    if (elapsed < queued) return { ...base, status: 'queued', progress: 0 };
    if (elapsed < queued + processing) return { ...base, status: 'processing', progress: Math.round(((elapsed - queued) / processing) * 100) / 100 };
    const failure = behaviour.errorFor?.(job);
    if (failure !== undefined) {
      return typeof failure === 'string'
        ? { ...base, status: 'error', progress: 1, error_message: failure }
        : { ...base, status: 'error', progress: 1, error: failure };
    }
    if (elapsed < queued + processing + finalizing) return { ...base, status: 'finalizing', progress: 1 };
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

  function serveMedia(res: ServerResponse, url: URL, fault: Fault | undefined): number {
    const match = /^\/media\/([0-9a-f-]+)\.(\w+)$/.exec(url.pathname);
    const job = match && [...jobs.values()].find((j) => j.assetId === match[1]);
    if (!match || !job) throw new HttpError(404, { detail: 'Not Found' });
    if (url.searchParams.get('X-Amz-Signature') !== sign(url.pathname)) throw new HttpError(403, { detail: 'SignatureDoesNotMatch' });
    const block = resultBlock(job.assetId);
    const total = behaviour.resultBytes;
    if (fault?.kind === 'reset-after') {
      res.socket?.destroy();
      return 0;
    }
    if (fault?.kind === 'hang') {
      hanging.add(res);
      return 0;
    }
    res.writeHead(200, { 'content-type': MEDIA[PRODUCES[job.type]].contentType, 'content-length': String(total) });
    const hash = createHash('sha256');
    let sent = 0;
    // A truncated download stops half-way and drops the connection.
    const stopAt = fault?.kind === 'truncate' || fault?.kind === 'stall' ? Math.floor(total / 2) : total;
    const pump = () => {
      while (sent < stopAt) {
        const chunk = block.subarray(0, Math.min(block.length, stopAt - sent));
        sent += chunk.length;
        hash.update(chunk);
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (stopAt < total) {
        if (fault?.kind === 'stall') hanging.add(res);
        else res.socket?.destroy();
        return;
      }
      job.servedSha256 = hash.digest('hex');
      res.end();
    };
    pump();
    return 200;
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    record: RecordedRequest,
    fault: Fault | undefined,
  ): Promise<[number, unknown] | undefined> {
    if (req.method === 'GET' && url.pathname.startsWith('/media/')) {
      await readBody(req);
      record.status = serveMedia(res, url, fault);
      return undefined;
    }
    if (req.method === 'PUT' && url.pathname.startsWith('/upload/')) {
      const id = url.pathname.slice('/upload/'.length);
      if (url.searchParams.get('X-Amz-Signature') !== sign(url.pathname)) throw new HttpError(403, { detail: 'SignatureDoesNotMatch' });
      const asset = assets.get(id);
      if (!asset) throw new HttpError(404, { detail: 'NoSuchUpload' });
      const h = await hashStream(req);
      asset.upload = { ...h, contentType: String(req.headers['content-type'] ?? ''), via: 'put' };
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
    const canned = takeInjected(req.method ?? '', path);
    if (canned) return [canned.status, canned.body];
    if (req.method === 'POST' && path === '/assets') {
      const answer = createAsset(parseJson(raw, req));
      checkAnswer('/assets', 'post', answer);
      return [200, answer];
    }
    if (req.method === 'POST' && path === '/generations') {
      const answer = createGenerations(parseJson(raw, req));
      checkAnswer('/generations', 'post', answer);
      return [200, answer];
    }
    if (req.method === 'GET' && (match = /^\/generations\/([^/]+)\/status$/.exec(path))) {
      const answer = status(match[1]);
      checkAnswer('/generations/{generation_id}/status', 'get', answer);
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
    const fault = takeFault(stageOf(record.method, url.pathname));
    record.fault = fault?.kind;
    if (fault?.kind === 'reset-before') {
      record.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const raw = await readBody(req);
      record.body = parseRecorded(raw);
      record.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
      res.end(JSON.stringify(fault.body ?? { detail: `injected HTTP ${fault.status}` }));
      return;
    }
    let answer: unknown;
    try {
      const result = await route(req, res, url, record, fault);
      if (!result) return;
      [record.status, answer] = result;
    } catch (error) {
      if (error instanceof HttpError) [record.status, answer] = [error.status, error.body];
      else answer = { detail: `test server fault: ${(error as Error).message}` };
      req.resume();
    }
    const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
    switch (fault?.kind) {
      case 'reset-after':
        record.status = 0;
        res.socket?.destroy();
        return;
      case 'hang':
        record.status = 0;
        hanging.add(res);
        return;
      case 'truncate':
        res.writeHead(record.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        res.socket?.destroy();
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${text.slice(0, Math.floor(text.length / 2))}<html>`);
        return;
      default:
        res.writeHead(record.status, { 'content-type': 'application/json' });
        res.end(text);
    }
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
    inject: (answer) => injected.push(answer),
    fault: (stage, fault, times = 1) => {
      for (let i = 0; i < times; i++) faults.push({ stage, fault });
    },
    pendingFaults: () => faults.length,
    clearFaults: () => void faults.splice(0),
    resultSha256: (assetId, bytes = behaviour.resultBytes) => {
      const block = resultBlock(assetId);
      const hash = createHash('sha256');
      for (let sent = 0; sent < bytes; sent += block.length) hash.update(block.subarray(0, Math.min(block.length, bytes - sent)));
      return hash.digest('hex');
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
