// The one module that talks HTTP: it joins the base URL and the path, adds the
// key header to API calls (and never to presigned URLs), applies timeouts,
// streams file bodies, and turns non-2xx answers into ApiErrors. Nothing else
// builds URLs or headers.
import { createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { apiError } from './api-errors.js';
import { ApiError } from '../errors.js';
import { log } from '../log.js';

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
}

/** A local file to send as a request body. */
export interface FileBody {
  path: string;
  size: number;
  name: string;
  contentType: string;
}

/** An API path (below the base URL, sent with the key) or a presigned URL (sent without it). */
export type Target = { path: string } | { url: string };

const TIMEOUTS = { connect: 30_000, headers: 60_000, body: 60_000 };
const CHUNK = 1024 * 1024;

/** A target as it may appear in logs and messages: presigned URLs lose their query (the signature). */
function describe(method: string, target: Target): string {
  if ('path' in target) return `${method} ${target.path}`;
  const url = new URL(target.url);
  return `${method} ${url.origin}${url.pathname}`;
}

/** multipart/form-data with the file in field `file`, streamed from disk, with its length known up front. */
function multipart(file: FileBody): { body: AsyncIterable<Buffer>; length: number; contentType: string } {
  const boundary = `----hedra-action-${randomBytes(12).toString('hex')}`;
  const safeName = file.name.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body() {
    yield head;
    yield* createReadStream(file.path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
    yield tail;
  }
  return { body: body(), length: head.length + file.size + tail.length, contentType: `multipart/form-data; boundary=${boundary}` };
}

export class Transport {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: TransportOptions) {
    this.dispatcher = new Agent({
      connect: { timeout: TIMEOUTS.connect },
      headersTimeout: TIMEOUTS.headers,
      bodyTimeout: TIMEOUTS.body,
    });
  }

  private url(target: Target): string {
    return 'path' in target ? `${this.options.baseUrl}${target.path}` : target.url;
  }

  private headers(target: Target, extra: Record<string, string>): Record<string, string> {
    const auth: Record<string, string> = 'path' in target ? { 'x-api-key': this.options.apiKey } : {};
    return { 'user-agent': this.options.userAgent, ...auth, ...extra };
  }

  /** Network failures (no HTTP answer) as ApiErrors without a status, naming the call and the host. */
  private async send<T>(operation: string, target: Target, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const code = (error as { code?: string }).code;
      const reason = (error as Error).message + (code && !(error as Error).message.includes(code) ? ` (${code})` : '');
      const host = new URL(this.url(target)).host;
      throw new ApiError(`No answer from ${host} to ${operation}: ${reason}.`, undefined, undefined);
    }
  }

  private async call(method: string, target: Target, headers: Record<string, string>, body?: string | AsyncIterable<Buffer>) {
    const operation = describe(method, target);
    log.debug(`→ ${operation}`);
    return this.send(operation, target, async () => {
      const response = await request(this.url(target), {
        method: method as Dispatcher.HttpMethod,
        dispatcher: this.dispatcher,
        headers: this.headers(target, headers),
        body: typeof body === 'object' ? Readable.from(body, { objectMode: false }) : body,
      });
      log.debug(`← ${operation}: HTTP ${response.statusCode}`);
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw apiError(response.statusCode, await response.body.text().catch(() => ''), operation);
      }
      return { operation, response };
    });
  }

  private async readJson(operation: string, target: Target, response: Dispatcher.ResponseData): Promise<unknown> {
    const text = await this.send(operation, target, () => response.body.text());
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError(`Hedra answered ${operation} with a body that is not JSON (HTTP ${response.statusCode}).`, response.statusCode, text);
    }
  }

  /** A JSON API call; the parsed answer, or an ApiError. */
  async json(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const target = { path };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const { operation, response } = await this.call(method, target, headers, body === undefined ? undefined : JSON.stringify(body));
    return this.readJson(operation, target, response);
  }

  /** Sends a file as multipart field `file` (API upload) or as the raw body (a presigned PUT). */
  async sendFile(method: 'POST' | 'PUT', target: Target, file: FileBody, as: 'multipart' | 'raw'): Promise<void> {
    const { body, length, contentType } =
      as === 'multipart'
        ? multipart(file)
        : { body: createReadStream(file.path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>, length: file.size, contentType: file.contentType };
    const { operation, response } = await this.call(method, target, { 'content-type': contentType, 'content-length': String(length) }, body);
    await this.send(operation, target, () => response.body.dump());
  }

  /** GET of a presigned URL, without the key; the caller consumes the streamed body. */
  async download(url: string): Promise<Dispatcher.ResponseData> {
    return (await this.call('GET', { url }, {})).response;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
