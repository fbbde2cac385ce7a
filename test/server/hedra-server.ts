// A Hedra-compatible API server on 127.0.0.1 for the tests and the demo. It
// keeps real state (generations and the jobs behind them), validates every
// request body against Hedra's OpenAPI document and answers 422 as FastAPI
// does, checks the key, and records every request so that tests can count.
// Written in erasable TypeScript so that Node runs it directly (npm run demo).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { schemaRef, spec, validate } from './spec.ts';

export const API_PREFIX = '/web-app/public';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
}

/** How long a job spends in each state, in milliseconds. */
export interface Timings {
  queued: number;
  processing: number;
  finalizing: number;
}

export interface Job {
  id: string;
  assetId: string;
  type: string;
  request: Record<string, unknown>;
  createdAt: number;
  batchIndex: number;
}

/** A canned answer given instead of the real one, once, to the next request that matches. */
export interface InjectedAnswer {
  method: string;
  /** Path below the API prefix, e.g. /generations. */
  path: string | RegExp;
  status: number;
  body: unknown;
}

export interface HedraServerOptions {
  apiKey?: string;
  timings?: Partial<Timings>;
}

export interface HedraServer {
  /** Base URL to give the action as `base-url`. */
  baseUrl: string;
  apiKey: string;
  requests: RecordedRequest[];
  jobs: Map<string, Job>;
  timings: Timings;
  inject(answer: InjectedAnswer): void;
  close(): Promise<void>;
}

/** What each generation type produces (GenerationStatusResponse.type is an AssetType). */
const PRODUCES: Record<string, string> = {
  video: 'video', image: 'image', image_to_image: 'image', text_to_speech: 'audio', text_to_sound: 'audio',
  image_upscale: 'image', video_upscale: 'video', audio_isolation: 'audio', speech_to_speech: 'audio',
  voice_clone: 'voice', video_to_video: 'video', motion_control: 'video',
};

class HttpError extends Error {
  status: number;
  body: unknown;
  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

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
    throw new HttpError(422, { detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary' }] });
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(422, { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }] });
  }
}

function checkBody(path: string, method: string, body: unknown): string {
  const ref = schemaRef(path, method, 'request', body);
  if (!ref) {
    throw new HttpError(422, {
      detail: [{ type: 'union_tag_invalid', loc: ['body'], msg: `Input tag ${JSON.stringify((body as any)?.type)} does not match any of the expected tags` }],
    });
  }
  const detail = validate(ref, body);
  if (detail) throw new HttpError(422, { detail });
  return ref;
}

/** Our fake must answer what the spec says the real server answers: a wrong answer is a bug in the fake. */
function checkAnswer(path: string, method: string, answer: unknown): void {
  const ref = schemaRef(path, method, 'response', answer);
  const detail = ref ? validate(ref, answer) : [{ msg: 'no response schema' }];
  if (detail) throw new Error(`test server answer breaks the spec for ${method} ${path}: ${JSON.stringify(detail)}`);
}

export async function startHedraServer(options: HedraServerOptions = {}): Promise<HedraServer> {
  const apiKey = options.apiKey ?? `test-key-${randomUUID()}`;
  const timings: Timings = { queued: 50, processing: 200, finalizing: 50, ...options.timings };
  const jobs = new Map<string, Job>();
  const requests: RecordedRequest[] = [];
  const injected: InjectedAnswer[] = [];

  function takeInjected(method: string, path: string): InjectedAnswer | undefined {
    const at = injected.findIndex((a) => a.method === method && (typeof a.path === 'string' ? a.path === path : a.path.test(path)));
    return at < 0 ? undefined : injected.splice(at, 1)[0];
  }

  function createGenerations(body: Record<string, any>): Record<string, unknown> {
    const ref = checkBody('/generations', 'post', body);
    const batchSize: number = body.batch_size ?? 1;
    if (body.generation_id && body.generation_ids) {
      throw new HttpError(422, { detail: [{ type: 'value_error', loc: ['body'], msg: 'generation_id and generation_ids are mutually exclusive' }] });
    }
    const ids: string[] = body.generation_ids ?? [body.generation_id ?? randomUUID()];
    if (ids.length !== batchSize) {
      throw new HttpError(422, { detail: [{ type: 'value_error', loc: ['body', 'generation_ids'], msg: `Length must match batch_size (${batchSize})` }] });
    }
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
    const eta = Math.ceil((timings.queued + timings.processing + timings.finalizing) / 1000);
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
      answer.batch_results = created.map((job) => ({
        id: job.id, asset_id: job.assetId, created_at: createdAt, status: 'queued', progress: 0, eta_sec: eta,
      }));
    }
    return answer;
  }

  function status(id: string): Record<string, unknown> {
    const job = jobs.get(id);
    if (!job) throw new HttpError(404, { detail: `Generation ${id} not found` });
    const elapsed = Date.now() - job.createdAt;
    const base = { id: job.id, asset_id: job.assetId, type: PRODUCES[job.type], created_at: new Date(job.createdAt).toISOString() };
    if (elapsed < timings.queued) return { ...base, status: 'queued', progress: 0 };
    if (elapsed < timings.queued + timings.processing) {
      return { ...base, status: 'processing', progress: Math.round(((elapsed - timings.queued) / timings.processing) * 100) / 100 };
    }
    if (elapsed < timings.queued + timings.processing + timings.finalizing) return { ...base, status: 'finalizing', progress: 1 };
    return { ...base, status: 'complete', progress: 1 };
  }

  async function route(req: IncomingMessage, raw: Buffer): Promise<[number, unknown]> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith(API_PREFIX)) throw new HttpError(404, { detail: 'Not Found' });
    if (req.headers['x-api-key'] !== apiKey) throw new HttpError(401, { detail: 'Invalid API key' });
    const path = url.pathname.slice(API_PREFIX.length);
    const canned = takeInjected(req.method ?? '', path);
    if (canned) return [canned.status, canned.body];
    let match: RegExpExecArray | null;
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

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    let status = 500;
    let answer: unknown;
    try {
      [status, answer] = await route(req, raw);
    } catch (error) {
      if (error instanceof HttpError) [status, answer] = [error.status, error.body];
      else answer = { detail: `test server fault: ${(error as Error).message}` };
    }
    let body: unknown = raw.length ? raw.toString('utf8') : undefined;
    try {
      body = body === undefined ? undefined : JSON.parse(body as string);
    } catch {
      // recorded as text
    }
    requests.push({ method: req.method ?? '', path: (req.url ?? '').replace(API_PREFIX, ''), headers: req.headers, body, status });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}${API_PREFIX}`,
    apiKey,
    requests,
    jobs,
    timings,
    inject: (answer) => injected.push(answer),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
