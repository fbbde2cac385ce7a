// The one module that talks HTTP: it joins the base URL and the path, adds the
// key header to API calls (and never to presigned URLs), ties every request to
// the run's signal and a stall watchdog, retries by the one policy, streams
// file bodies, and turns answers it cannot use into ApiErrors. Nothing else
// builds URLs or headers.
//
// It speaks through the fetch API. Without a proxy that is Node's own fetch,
// which Node loads from its snapshot: bundling an HTTP client of our own cost
// every run some 40 ms of start-up (see "Performance" in the README). When the
// environment names a proxy, undici's fetch with its EnvHttpProxyAgent is
// loaded instead, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY.

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ApiError, LocalFileError, NetworkError } from '../errors.js';
import { log } from '../log.js';
import { transferMeter } from '../memory.js';
import type { RunControl } from '../run-control.js';
import { apiError } from './api-errors.js';
import { decide, type Failure, isCertificateProblem, POLICY } from './retry-policy.js';

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  control: RunControl;
  /** The whole run's time budget: a request that makes no progress for a tenth of it (2 s to 60 s) is given up. */
  timeoutMs: number;
  /** Where proxy settings are read from. */
  env: Record<string, string | undefined>;
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

/** An answer whose body is still to be read, with the watchdog that guards the reading. */
export interface Answer {
  response: Response;
  watchdog: Watchdog;
}

const CHUNK = 1024 * 1024;

/** A target as it may appear in logs and messages: presigned URLs lose their query (the signature). */
function describe(method: string, target: Target): string {
  if ('path' in target) return `${method} ${target.path}`;
  const url = new URL(target.url);
  return `${method} ${url.origin}${url.pathname}`;
}

/** Aborts when touch() has not been called for `ms`: no bytes moved, no answer came. */
class Watchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;
  fired = false;

  constructor(private readonly ms: number) {
    this.timer = this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private arm(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new NetworkError(`no progress for ${Math.round(this.ms / 1000)}s`, 'ETIMEDOUT'));
    }, this.ms);
    timer.unref();
    return timer;
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** A file as chunks that keep the watchdog fed while the server takes them (fetch takes async iterables as bodies). */
async function* fileChunks(path: string, watchdog: Watchdog, head?: Buffer, tail?: Buffer): AsyncGenerator<Buffer> {
  const meter = transferMeter();
  if (head) yield head;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    watchdog.touch();
    meter((chunk as Buffer).length);
    yield chunk as Buffer;
  }
  if (tail) yield tail;
}

/** The frame of a multipart/form-data body with the file in field `file`: what goes before and after the bytes. */
function multipartFrame(file: FileBody): { head: Buffer; tail: Buffer; length: number; contentType: string } {
  const boundary = `----hedra-action-${randomBytes(12).toString('hex')}`;
  const safeName = file.name.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { head, tail, length: head.length + file.size + tail.length, contentType: `multipart/form-data; boundary=${boundary}` };
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

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

export class Transport {
  readonly control: RunControl;
  private readonly stallMs: number;
  private fetcher?: Promise<{ fetch: typeof fetch; close(): Promise<void> }>;

  constructor(private readonly options: TransportOptions) {
    this.control = options.control;
    this.stallMs = Math.min(60_000, Math.max(2000, options.timeoutMs / 10));
  }

  /** Node's fetch, or undici's with the proxy agent when the environment names a proxy (loaded only then). */
  private getFetch() {
    this.fetcher ??= (async () => {
      if (!PROXY_VARIABLES.some((name) => this.options.env[name])) return { fetch: globalThis.fetch, close: async () => undefined };
      const undici = await import('undici');
      const dispatcher = new undici.EnvHttpProxyAgent();
      const viaProxy = ((url: string, init: RequestInit) => undici.fetch(url, { ...init, dispatcher } as never)) as unknown as typeof fetch;
      return { fetch: viaProxy, close: () => dispatcher.close() };
    })();
    return this.fetcher;
  }

  private url(target: Target): string {
    return 'path' in target ? `${this.options.baseUrl}${target.path}` : target.url;
  }

  /** Failures without an HTTP answer become NetworkErrors naming the call; an abort of the run passes through as its reason. */
  private async guard<T>(operation: string, target: Target, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (this.control.signal.aborted) throw this.control.signal.reason;
      if (error instanceof ApiError || error instanceof LocalFileError) throw error;
      // fetch reports "fetch failed" with the socket's error as the cause.
      const cause = ((error as { cause?: unknown }).cause ?? error) as { code?: string; message?: string };
      const code = cause.code;
      const said = (cause.message ?? String(cause)).replace(/\.$/, '');
      const reason = code && !said.includes(code) ? `${said} (${code})` : said;
      const hint = isCertificateProblem(code)
        ? ' If your network inspects TLS with its own certificate authority, point the NODE_EXTRA_CA_CERTS environment variable at its certificate (PEM).'
        : '';
      throw new NetworkError(`No answer from ${new URL(this.url(target)).host} to ${operation}: ${reason}.${hint}`, code);
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

  /**
   * One request. A 2xx answer is returned with its body unread (the caller
   * reads it, feeding the watchdog); anything else becomes an ApiError.
   */
  private async call(
    method: string,
    target: Target,
    headers: Record<string, string>,
    body?: string | ((watchdog: Watchdog) => AsyncIterable<Buffer>),
  ): Promise<Answer> {
    const operation = describe(method, target);
    const watchdog = new Watchdog(this.stallMs);
    log.debug(`→ ${operation}`);
    try {
      return await this.guard(operation, target, async () => {
        const { fetch } = await this.getFetch();
        const keyed = 'path' in target;
        const response = await fetch(this.url(target), {
          method,
          headers: { 'user-agent': this.options.userAgent, ...(keyed ? { 'x-api-key': this.options.apiKey } : {}), ...headers },
          body: typeof body === 'function' ? (body(watchdog) as never) : body,
          signal: AbortSignal.any([this.control.signal, watchdog.signal]),
          // The key must not follow a redirect to another host; presigned URLs may redirect.
          redirect: keyed ? 'error' : 'follow',
          duplex: 'half',
        } as RequestInit);
        watchdog.touch();
        log.debug(`← ${operation}: HTTP ${response.status}`);
        if (!response.ok) {
          const text = await this.text({ response, watchdog }).catch(() => '');
          throw apiError(response.status, text, operation, response.headers.get('retry-after') ?? undefined);
        }
        return { response, watchdog };
      });
    } catch (error) {
      watchdog.stop();
      throw error;
    }
  }

  /** The body of an answer as text, the watchdog fed as it arrives. */
  private async text({ response, watchdog }: Answer): Promise<string> {
    const chunks: Uint8Array[] = [];
    try {
      for await (const chunk of response.body ?? []) {
        watchdog.touch();
        chunks.push(chunk);
      }
    } finally {
      watchdog.stop();
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** One JSON call, no retry: for the create request, whose retries need more care than the policy. */
  async jsonOnce(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const target = { path };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await this.call(method, target, headers, body === undefined ? undefined : JSON.stringify(body));
    const operation = describe(method, target);
    const text = await this.guard(operation, target, () => this.text(answer));
    try {
      return JSON.parse(text);
    } catch {
      throw new NetworkError(`Hedra answered ${operation} with a body that is not JSON (HTTP ${answer.response.status}, ${text.length} bytes).`);
    }
  }

  /** A JSON call, retried by the policy (for idempotent calls, and asset creation under a reserved id). */
  async json(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return this.retrying(`${method} ${path}`, () => this.jsonOnce(method, path, body));
  }

  /** Sends a file as multipart field `file` (API upload) or as the raw body (a presigned PUT); retried, reopening the file. */
  async sendFile(method: 'POST' | 'PUT', target: Target, file: FileBody, as: 'multipart' | 'raw'): Promise<void> {
    const operation = describe(method, target);
    await this.retrying(operation, async () => {
      const frame = as === 'multipart' ? multipartFrame(file) : undefined;
      const headers = {
        'content-type': frame?.contentType ?? file.contentType,
        'content-length': String(frame?.length ?? file.size),
      };
      const answer = await this.call(method, target, headers, (watchdog) => fileChunks(file.path, watchdog, frame?.head, frame?.tail));
      await this.guard(operation, target, () => this.text(answer));
    });
  }

  /** GET of a presigned URL, without the key; the caller consumes the body (see download.ts, which retries). */
  async download(url: string): Promise<Answer> {
    return this.call('GET', { url }, {});
  }

  /** Maps errors met while streaming a download's body the way request errors are mapped. */
  async streaming<T>(url: string, work: () => Promise<T>): Promise<T> {
    return this.guard(describe('GET', { url }), { url }, work);
  }

  async close(): Promise<void> {
    await (await this.fetcher)?.close();
  }
}
