// The one module that talks HTTP: it joins the base URL and the path, adds the
// key header to API calls (and never to presigned URLs), goes through the
// proxy the environment names, ties every request to the run's signal and
// stall timeouts, retries by the one policy, streams file bodies, and turns
// answers it cannot use into ApiErrors. Nothing else builds URLs or headers.
import { createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { apiError } from './api-errors.js';
import { decide, isCertificateProblem, POLICY, type Failure } from './retry-policy.js';
import { ApiError, NetworkError } from '../errors.js';
import { log } from '../log.js';
import type { RunControl } from '../run-control.js';

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  control: RunControl;
  /** The whole run's time budget: per-request stall timeouts are a tenth of it, 2 s to 60 s. */
  timeoutMs: number;
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

const CHUNK = 1024 * 1024;

/** A target as it may appear in logs and messages: presigned URLs lose their query (the signature). */
function describe(method: string, target: Target): string {
  if ('path' in target) return `${method} ${target.path}`;
  const url = new URL(target.url);
  return `${method} ${url.origin}${url.pathname}`;
}

/** multipart/form-data with the file in field `file`, streamed from disk, with its length known up front. */
function multipart(file: FileBody): { body: Readable; length: number; contentType: string } {
  const boundary = `----hedra-action-${randomBytes(12).toString('hex')}`;
  const safeName = file.name.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    yield* createReadStream(file.path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
    yield tail;
  }
  return { body: Readable.from(parts(), { objectMode: false }), length: head.length + file.size + tail.length, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** How an attempt failed, in the policy's terms; undefined for failures no retry can help. */
export function failureOf(error: unknown): Failure | undefined {
  if (error instanceof NetworkError) return { kind: 'network', code: error.code };
  if (error instanceof ApiError && error.status !== undefined) return { kind: 'status', status: error.status, retryAfter: error.retryAfter };
  return undefined;
}

/** The error of the last attempt, with why no further attempt was made (if there is more to say than the error). */
export function explained(error: unknown, why: string | undefined): unknown {
  if (why && error instanceof Error) error.message = `${error.message.replace(/\.$/, '')} (${why}).`;
  return error;
}

function describeFailure(error: unknown): string {
  if (error instanceof ApiError && error.status !== undefined) return `HTTP ${error.status}`;
  return (error as Error).message.replace(/\.$/, '');
}

export class Transport {
  private readonly dispatcher: Dispatcher;
  readonly control: RunControl;

  constructor(private readonly options: TransportOptions) {
    this.control = options.control;
    const stall = Math.min(60_000, Math.max(2000, options.timeoutMs / 10));
    // HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured; NODE_EXTRA_CA_CERTS is Node's own.
    this.dispatcher = new EnvHttpProxyAgent({ connect: { timeout: Math.max(stall, 10_000) }, headersTimeout: stall, bodyTimeout: stall });
  }

  private url(target: Target): string {
    return 'path' in target ? `${this.options.baseUrl}${target.path}` : target.url;
  }

  private headers(target: Target, extra: Record<string, string>): Record<string, string> {
    const auth: Record<string, string> = 'path' in target ? { 'x-api-key': this.options.apiKey } : {};
    return { 'user-agent': this.options.userAgent, ...auth, ...extra };
  }

  /** Failures without an HTTP answer become NetworkErrors naming the call; an abort of the run passes through as its reason. */
  private async guard<T>(operation: string, target: Target, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (this.control.signal.aborted) throw this.control.signal.reason;
      if (error instanceof ApiError) throw error;
      const code = (error as { code?: string }).code;
      const reason = (error as Error).message + (code && !(error as Error).message.includes(code) ? ` (${code})` : '');
      const hint = isCertificateProblem(code)
        ? ' If your network inspects TLS with its own certificate authority, point the NODE_EXTRA_CA_CERTS environment variable at its certificate (PEM).'
        : '';
      throw new NetworkError(`No answer from ${new URL(this.url(target)).host} to ${operation}: ${reason.replace(/\.$/, '')}.${hint}`, code);
    }
  }

  /**
   * Runs `attempt` until it succeeds, retrying by the policy. Every attempt
   * starts afresh (a new request, a reopened file), so a retry never sends
   * half a body.
   */
  async retrying<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (this.control.signal.aborted) throw this.control.signal.reason;
        const failure = failureOf(error);
        if (!failure) throw error;
        const decision = decide(failure, n, Date.now(), this.control.deadline);
        if (!decision.retry) throw explained(error, decision.why);
        log.info(`${operation}: ${describeFailure(error)}; retrying in ${(decision.delayMs / 1000).toFixed(1)}s (attempt ${n + 2} of ${POLICY.maxAttempts}).`);
        await this.control.sleep(decision.delayMs);
      }
    }
  }

  /** One request; non-2xx answers become ApiErrors (with Retry-After). */
  private async call(method: string, target: Target, headers: Record<string, string>, body?: string | Readable) {
    const operation = describe(method, target);
    log.debug(`→ ${operation}`);
    return this.guard(operation, target, async () => {
      const response = await request(this.url(target), {
        method: method as Dispatcher.HttpMethod,
        dispatcher: this.dispatcher,
        headers: this.headers(target, headers),
        body,
        signal: this.control.signal,
      });
      log.debug(`← ${operation}: HTTP ${response.statusCode}`);
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const text = await response.body.text().catch(() => '');
        const retryAfter = [response.headers['retry-after']].flat()[0];
        throw apiError(response.statusCode, text, operation, retryAfter);
      }
      return { operation, response };
    });
  }

  /** One JSON call, no retry: for the create request, whose retries need more care than the policy. */
  async jsonOnce(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const target = { path };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const { operation, response } = await this.call(method, target, headers, body === undefined ? undefined : JSON.stringify(body));
    const text = await this.guard(operation, target, () => response.body.text());
    try {
      return JSON.parse(text);
    } catch {
      throw new NetworkError(`Hedra answered ${operation} with a body that is not JSON (HTTP ${response.statusCode}, ${text.length} bytes).`);
    }
  }

  /** A JSON call, retried by the policy (for idempotent calls, and asset creation under a reserved id). */
  async json(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return this.retrying(`${method} ${path}`, () => this.jsonOnce(method, path, body));
  }

  /** Sends a file as multipart field `file` (API upload) or as the raw body (a presigned PUT); retried, reopening the file. */
  async sendFile(method: 'POST' | 'PUT', target: Target, file: FileBody, as: 'multipart' | 'raw'): Promise<void> {
    await this.retrying(describe(method, target), async () => {
      const { body, length, contentType } =
        as === 'multipart'
          ? multipart(file)
          : { body: createReadStream(file.path, { highWaterMark: CHUNK }), length: file.size, contentType: file.contentType };
      try {
        const { operation, response } = await this.call(method, target, { 'content-type': contentType, 'content-length': String(length) }, body);
        await this.guard(operation, target, () => response.body.dump());
      } finally {
        body.destroy();
      }
    });
  }

  /** GET of a presigned URL, without the key; the caller consumes the streamed body (and retries via retrying()). */
  async download(url: string): Promise<Dispatcher.ResponseData> {
    return (await this.call('GET', { url }, {})).response;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async destroy(): Promise<void> {
    await this.dispatcher.destroy();
  }
}
