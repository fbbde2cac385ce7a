// The one module that speaks HTTP: it joins the base URL and the path, adds
// the key header to API calls (and never to presigned URLs), ties every
// request to the run's signal and a stall watchdog, streams file bodies, and
// turns answers it cannot use into errors that say who failed. Nothing else
// builds URLs or headers. Every method makes one attempt: retrying is the
// caller's choice (withRetries in retry.ts), because one call, creating a
// generation, is billed and must not simply be repeated.
//
// Presigned URLs come from Hedra's answers and are not taken on trust: each
// one, and each redirect on the way, is checked by the rules of url.ts before
// it is requested (https:, or plain http: to this machine; no private,
// loopback or link-local address unless base-url is one), and the addresses
// their host names resolve to are checked when connecting (presigned.ts). A
// URL the rules refuse fails at once, as Hedra's answer (UnexpectedAnswer),
// which no retry can change.

import type { Readable } from 'node:stream';
import type { RunControl } from '../action/run-control.js';
import { LocalFileError, UnexpectedAnswer } from '../core/errors.js';
import { withoutQuery } from '../core/urls.js';
import { ERROR_LIMIT, fileChunks, JSON_LIMIT, readCut, readText } from './bodies.js';
import { type RateLimitPolicy, RequestBudget, rateLimitHeaders } from './budget.js';
import { type DescribeError, describePlainly, HttpError, NetworkError } from './errors.js';
import type { Fetcher } from './fetch.js';
import { multipartFrame } from './multipart.js';
import { PresignedClient, refusedAddress } from './presigned.js';
import { isCertificateProblem, parseRateLimitReset, parseRetryAfter } from './retry.js';
import { type AddressKind, allowedKinds, presignedUrlProblem } from './url.js';
import { Watchdog } from './watchdog.js';

interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  /** How the key is sent: v2's `X-API-Key: <key>` unless said, v3's `Authorization: Key <key>`. */
  keyScheme?: 'x-api-key' | 'authorization-key';
  /** Sent with every request to the API besides the key (never to a presigned URL). */
  headers?: Readonly<Record<string, string>>;
  userAgent: string;
  control: RunControl;
  /** The whole run's time budget: a request that makes no progress for a tenth of it (2 s to 60 s) is given up. */
  timeoutMs: number;
  fetcher: Fetcher;
  clock: () => number;
  /** Where each request and answer line goes (debug logging). */
  debug: (message: string) => void;
  /** How the API words its error answers (src/apis/…/errors.ts); plainly when not given. */
  describeError?: DescribeError;
  /** Who answers, as messages name it ("Hedra"); "the server" when not given. */
  peer?: string;
  /** The API's documented rate limit per key, kept to by the request budget (budget.ts), or a budget shared with other runs on the key (a manifest's items). */
  rateLimit?: RateLimitPolicy;
  budget?: RequestBudget;
}

/** A local file to send as a request body. */
export interface FileBody {
  path: string;
  size: number;
  name: string;
  contentType: string;
}

/** An API path (below the base URL, sent with the key) or a presigned URL (sent without it). */
type Target = { path: string } | { url: string };

/** An answer whose body is still to be read, with the watchdog that guards the reading. */
interface OpenAnswer {
  response: Response;
  watchdog: Watchdog;
}

/** A presigned URL's answer (2xx), its body as sent: not decoded (see hedra/download.ts). */
export interface DownloadAnswer {
  response: {
    /** The URL that answered (the last of any redirects). */
    url: string;
    status: number;
    headers: Headers;
    body: Readable;
    /** The whole body, as sent (for tests; a download streams it). */
    arrayBuffer(): Promise<ArrayBuffer>;
  };
  watchdog: Watchdog;
}

/** How many redirects a presigned URL may take to its file: a CDN needs one or two. */
export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The error for a presigned URL (or a hop of its redirects) the rules refuse. */
function refusedUrl(peer: string, url: string, from: string | undefined, why: string): UnexpectedAnswer {
  const shown = (u: string) => (URL.canParse(u) ? withoutQuery(u) : 'something that is not a URL');
  const hop = from === undefined ? '' : ` (where ${shown(from)} redirected)`;
  return new UnexpectedAnswer(`${peer}'s answer named a download URL the action will not fetch: ${shown(url)}${hop} — ${why}.`, undefined);
}

/** A call as it may appear in logs and messages: presigned URLs lose their query (the signature). */
export function describeCall(method: string, target: Target): string {
  return 'path' in target ? `${method} ${target.path}` : `${method} ${withoutQuery(target.url)}`;
}

export class Transport {
  readonly control: RunControl;
  private readonly stallMs: number;
  /** Who answers, as messages name it. */
  private readonly peer: string;
  /** Every API request of the run waits for its turn in the key's budget (budget.ts). */
  readonly budget: RequestBudget;
  /** The kinds of non-public address presigned URLs may reach: base-url's own. */
  private readonly allowed: readonly AddressKind[];
  private presigned?: PresignedClient;

  constructor(private readonly options: TransportOptions) {
    this.control = options.control;
    this.stallMs = Math.min(60_000, Math.max(2000, options.timeoutMs / 10));
    this.allowed = allowedKinds(options.baseUrl);
    this.peer = options.peer ?? 'the server';
    this.budget =
      options.budget ?? new RequestBudget({ policy: options.rateLimit, clock: options.clock, sleep: (ms) => this.control.sleep(ms), debug: options.debug });
  }

  private describe(answer: Parameters<DescribeError>[0]): HttpError {
    return (this.options.describeError ?? describePlainly)(answer);
  }

  private keyHeader(): Record<string, string> {
    return this.options.keyScheme === 'authorization-key' ? { authorization: `Key ${this.options.apiKey}` } : { 'x-api-key': this.options.apiKey };
  }

  private url(target: Target): string {
    return 'path' in target ? `${this.options.baseUrl}${target.path}` : target.url;
  }

  /**
   * Runs `work` (a request or the reading of a body) and turns failures without
   * an HTTP answer into NetworkErrors naming the call; an abort of the run
   * passes through as its reason.
   */
  async mapNetworkErrors<T>(operation: string, target: Target, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (this.control.signal.aborted) throw this.control.signal.reason;
      if (error instanceof HttpError || error instanceof NetworkError || error instanceof LocalFileError || error instanceof UnexpectedAnswer) throw error;
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
   * One request to an API path, with the key. A 2xx answer is returned with
   * its body unread (the caller reads it, feeding the watchdog); any other
   * status becomes a HttpError.
   */
  private async open(
    method: string,
    target: { path: string },
    headers: Record<string, string>,
    body?: string | ((watchdog: Watchdog) => AsyncIterable<Buffer>),
  ): Promise<OpenAnswer> {
    const operation = describeCall(method, target);
    await this.budget.take(operation);
    const watchdog = new Watchdog(this.stallMs);
    this.options.debug(`→ ${operation}`);
    try {
      return await this.mapNetworkErrors(operation, target, async () => {
        const response = await this.options.fetcher.fetch(this.url(target), {
          method,
          headers: { 'user-agent': this.options.userAgent, ...this.options.headers, ...this.keyHeader(), ...headers },
          body: typeof body === 'function' ? (body(watchdog) as never) : body,
          signal: AbortSignal.any([this.control.signal, watchdog.signal]),
          // The key must not follow a redirect to another host.
          redirect: 'error',
          duplex: 'half',
        } as RequestInit);
        watchdog.touch();
        this.options.debug(`← ${operation}: HTTP ${response.status}`);
        const limits = rateLimitHeaders(response.headers);
        this.budget.heard(limits, this.options.clock());
        if (!response.ok) {
          const text = await readText({ response, watchdog }, ERROR_LIMIT, 'cut').catch(() => '');
          const retryAfter = response.headers.get('retry-after') ?? undefined;
          const error = this.describe({ status: response.status, text, operation, retryAfter, rateLimitReset: limits.reset });
          // A 429 quiets the whole run for what it asked (its header, or the body's word that describe put in its place).
          const now = this.options.clock();
          const asked = response.status === 429 ? (parseRetryAfter(error.retryAfter, now) ?? parseRateLimitReset(limits.reset, now)) : undefined;
          if (asked !== undefined) this.budget.pause(asked, now);
          throw error;
        }
        return { response, watchdog };
      });
    } catch (error) {
      watchdog.stop();
      throw error;
    }
  }

  /**
   * One JSON request to an API path, sent once: its answer parsed, or a NetworkError when the body is not JSON.
   * `onHeaders` hears a 2xx answer's headers before its body is read (what they say holds even if the body never comes).
   */
  async requestJson(method: 'GET' | 'POST', path: string, body?: unknown, onHeaders?: (headers: Headers) => void): Promise<unknown> {
    const target = { path };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await this.open(method, target, headers, body === undefined ? undefined : JSON.stringify(body));
    onHeaders?.(answer.response.headers);
    const operation = describeCall(method, target);
    const text = await this.mapNetworkErrors(operation, target, () => readText(answer, JSON_LIMIT, 'refuse', `${this.peer}'s answer to ${operation}`));
    try {
      return JSON.parse(text);
    } catch {
      throw new NetworkError(`${this.peer} answered ${operation} with a body that is not JSON (HTTP ${answer.response.status}, ${text.length} bytes).`);
    }
  }

  /**
   * Sends a file to an API path, once, as multipart field `file` (v2's asset upload, v3's POST /files),
   * streamed from disk; resolves to the answer's text (v3 answers with the file's handle).
   */
  async uploadFile(path: string, file: FileBody): Promise<string> {
    const target = { path };
    const frame = multipartFrame(file.name, file.contentType, file.size);
    const headers = { accept: 'application/json', 'content-type': frame.contentType, 'content-length': String(frame.length) };
    const answer = await this.open('POST', target, headers, (watchdog) => fileChunks(file.path, watchdog, frame.head, frame.tail));
    return this.mapNetworkErrors(describeCall('POST', target), target, () => readText(answer, ERROR_LIMIT, 'cut'));
  }

  /**
   * Opens a server-sent-events stream at an API path (v3's job stream). The caller reads the body, calling
   * `touch` as anything arrives (keep-alives included): a stream silent for the stall time is given up, like
   * any other request, and `stop` when done with it.
   */
  async openEventStream(path: string, lastEventId?: string): Promise<{ body: AsyncIterable<Uint8Array>; touch: () => void; stop: () => void }> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const { response, watchdog } = await this.open('GET', { path }, headers);
    const type = response.headers.get('content-type') ?? '';
    if (!type.toLowerCase().startsWith('text/event-stream')) {
      await response.body?.cancel().catch(() => undefined);
      watchdog.stop();
      throw new UnexpectedAnswer(`${this.peer} answered GET ${path} with ${type || 'no content type'}, not an event stream.`, undefined);
    }
    const body = response.body ?? (async function* () {})();
    return {
      body: this.guarded(describeCall('GET', { path }), { path }, body),
      touch: () => watchdog.touch(),
      // Aborts the request: a body being read cannot be cancelled, and a read waiting for bytes must end too.
      stop: () => watchdog.abandon(),
    };
  }

  /** A body's chunks, with a failure while reading (a reset, the watchdog) turned into a NetworkError naming the call. */
  private async *guarded(operation: string, target: Target, body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const iterator = body[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await this.mapNetworkErrors(operation, target, () => iterator.next());
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // Reading stopped early (the job ended, or a failure): release the body, which closes the connection.
      await iterator.return?.().catch(() => undefined);
    }
  }

  /**
   * Opens a GET of a presigned URL, without the key, following up to
   * MAX_REDIRECTS redirects, each checked before it is requested; the caller
   * reads the body (see hedra/download.ts). It asks for the body unencoded
   * (Accept-Encoding: identity), and gets it as sent whatever the answer.
   */
  async openDownload(url: string): Promise<DownloadAnswer> {
    const operation = describeCall('GET', { url });
    let current = url;
    let from: string | undefined;
    for (let redirects = 0; ; redirects++) {
      const problem = presignedUrlProblem(current, this.allowed);
      if (problem) throw refusedUrl(this.peer, current, from, problem);
      const target = { url: current };
      const hop = describeCall('GET', target);
      const watchdog = new Watchdog(this.stallMs);
      this.options.debug(`→ ${hop}`);
      try {
        const answer = await this.mapNetworkErrors(operation, target, async () => {
          try {
            this.presigned ??= new PresignedClient({ proxy: this.options.fetcher.proxy, allowed: this.allowed });
            return await this.presigned.get(
              current,
              { 'user-agent': this.options.userAgent, 'accept-encoding': 'identity' },
              AbortSignal.any([this.control.signal, watchdog.signal]),
            );
          } catch (error) {
            const refused = refusedAddress(error);
            throw refused ? refusedUrl(this.peer, current, from, refused.message) : error;
          }
        });
        watchdog.touch();
        this.options.debug(`← ${hop}: HTTP ${answer.status}`);
        if (REDIRECTS.has(answer.status)) {
          answer.body.destroy();
          watchdog.stop();
          const location = answer.headers.get('location');
          if (location === null) throw new NetworkError(`The answer to ${hop} is a redirect (HTTP ${answer.status}) to nowhere: it has no Location.`);
          const next = URL.canParse(location, current) ? new URL(location, current).href : location;
          if (redirects >= MAX_REDIRECTS)
            throw refusedUrl(this.peer, next, current, `it is redirect number ${redirects + 1}, and at most ${MAX_REDIRECTS} are followed`);
          [from, current] = [current, next];
          continue;
        }
        if (answer.status < 200 || answer.status > 299) {
          const text = await this.mapNetworkErrors(operation, target, () => readCut(answer.body, ERROR_LIMIT, watchdog)).catch(() => '');
          const error = this.describe({ status: answer.status, text, operation: hop, retryAfter: answer.headers.get('retry-after') ?? undefined });
          // A presigned URL carries no key: its 401/403 is the URL's signature, not the key.
          if (answer.status === 401 || answer.status === 403) {
            throw new HttpError(
              `The presigned URL was refused (HTTP ${answer.status}, ${hop}${text ? `: ${text.trim().slice(0, 200)}` : ''}): it may have expired; picking the generation up again (generation-id) fetches a fresh one.`,
              answer.status,
              error.body,
            );
          }
          throw error;
        }
        const { body } = answer;
        const arrayBuffer = async () => {
          const chunks: Buffer[] = [];
          for await (const chunk of body) chunks.push(chunk as Buffer);
          const whole = Buffer.concat(chunks);
          return whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.length) as ArrayBuffer;
        };
        return { response: { url: current, status: answer.status, headers: answer.headers, body, arrayBuffer }, watchdog };
      } catch (error) {
        watchdog.stop();
        throw error;
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.options.fetcher.close(), this.presigned?.close()]);
  }
}
