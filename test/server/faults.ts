// The fault-injection machinery the v2 and v3 test servers share: the faults
// and canned answers waiting for their request, the rate-limit headers, and
// the code that applies a fault to a request, to an answer, or to a download.
// What differs between the two APIs (the default error body, the headers an
// answer carries, whether X-RateLimit-Limit is always sent) is a parameter.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

/** Rate-limit headers for a 429: X-RateLimit-Remaining (0 unless said), X-RateLimit-Reset, X-RateLimit-Limit. */
export interface RateLimit {
  /** When the window resets, in seconds from the answer. */
  resetInSeconds: number;
  /** X-RateLimit-Reset as an epoch second or as seconds from now (undocumented for v2); behaviour.rateLimitReset unless given. */
  reset?: 'epoch' | 'delta';
  remaining?: number;
  limit?: number;
}

/** What goes wrong with a request. */
export type Fault =
  /** An error answer instead of handling the request, with Retry-After, rate-limit headers and any other headers asked for. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown; headers?: Record<string, string>; rateLimit?: RateLimit }
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
  | { kind: 'malformed' }
  // Hostile or odd CDNs, for downloads (GET /media/…) only:
  /** A redirect (302 unless said) to `location`, which may be anything: another host, file:, data:, a metadata service. */
  | { kind: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
  /** The media sent encoded (Content-Encoding: gzip unless said, whatever Accept-Encoding asked), Content-Length counting the encoded bytes. */
  | { kind: 'encoded'; encoding?: 'gzip' | 'br' | 'deflate' }
  /**
   * A gzip bomb: members of 16 MiB of zeros (about 16 KiB each, built once and
   * repeated, so nothing large is ever held), `inflatedBytes` (1 GiB unless
   * said) in all; with a Content-Length of the compressed bytes unless `chunked`.
   */
  | { kind: 'gzip-bomb'; inflatedBytes?: number; chunked?: boolean };

export type StatusFault = Extract<Fault, { kind: 'status' }>;

/** A canned answer given instead of the real one, once, to the next request that matches. Not checked against the spec: say anything. */
export interface InjectedAnswer {
  method: string;
  /** Path below the API prefix, e.g. /generations. */
  path: string | RegExp;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  rateLimit?: RateLimit;
}

/** What a fault is recorded in: the request's record, as both servers keep it. */
export interface FaultRecord {
  body: unknown;
  status: number;
  fault?: Fault['kind'];
  sent?: number;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A request body as recorded: parsed JSON, else text, else nothing. */
export function parseRecorded(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return raw.toString('utf8');
  }
}

const BOMB_MEMBER_BYTES = 16 * 1024 * 1024;
let bombMember: Buffer | undefined;
/** One gzip member of 16 MiB of zeros, made on first use; members concatenated are one valid gzip stream. */
function gzipBombMember(): Buffer {
  bombMember ??= gzipSync(Buffer.alloc(BOMB_MEMBER_BYTES), { level: 9 });
  return bombMember;
}

/** Writes `count` copies of `member`, with back-pressure, stopping when the client goes away; calls `done` with the bytes written. */
function writeRepeated(res: ServerResponse, member: Buffer, count: number, done: (sent: number) => void): void {
  let written = 0;
  let sent = 0;
  let over = false;
  const finish = () => {
    if (!over) done(sent);
    over = true;
  };
  res.on('close', finish);
  const pump = () => {
    while (written < count && !res.destroyed) {
      written++;
      sent += member.length;
      if (!res.write(member)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(finish);
  };
  pump();
}

export interface FaultBoxOptions {
  /** X-RateLimit-Reset's form where the RateLimit does not say (read at each answer: behaviour may change). */
  rateLimitReset: () => 'epoch' | 'delta';
  /** X-RateLimit-Limit where the RateLimit does not say; without it the header is sent only when said. */
  defaultLimit?: number;
  /** The server's clock, for an X-RateLimit-Reset written as an epoch second: Date.now unless said. */
  now?: () => number;
}

/** An answer about to be written, and how a fault changes it. */
export interface PlainAnswer {
  status: number;
  text: string;
  headers: Record<string, string>;
  /** The headers of a truncated answer (besides its Content-Length); `headers` unless said. */
  truncateHeaders?: Record<string, string>;
  /** Whether a malformed answer is recorded as the 200 it is sent as (else as the status the request earned). */
  recordMalformed?: boolean;
}

/** How a status fault's answer is written where the fault does not say. */
export interface StatusShape {
  /** The body as sent. */
  body: string;
  contentType: string;
  /** Headers after Retry-After and before the rate-limit headers. */
  headers?: Record<string, string>;
  /** The rate limit where the fault gives none. */
  rateLimit?: RateLimit;
}

/** A download as served, for the faults that change it. */
export interface Download {
  contentType: string;
  total: number;
  /** The whole body, for an encoded answer. */
  plain: () => Buffer;
  /** Called with the sha256 of the bytes once served whole. */
  served: (sha256: string) => void;
}

/** The faults and canned answers of one server, waiting for their requests, and the answers they make. */
export function faultBox<S extends string>(options: FaultBoxOptions) {
  const faults: { stage: S; fault: Fault }[] = [];
  const injected: InjectedAnswer[] = [];
  /** Answers never finished (hang, stall), destroyed on close. */
  const hanging = new Set<ServerResponse>();

  function rateLimitHeaders(limit: RateLimit | undefined): Record<string, string> {
    if (!limit) return {};
    const form = limit.reset ?? options.rateLimitReset();
    const reset = form === 'epoch' ? Math.ceil((options.now ?? Date.now)() / 1000) + limit.resetInSeconds : limit.resetInSeconds;
    const remaining = { 'x-ratelimit-remaining': String(limit.remaining ?? 0), 'x-ratelimit-reset': String(reset) };
    if (options.defaultLimit !== undefined) return { 'x-ratelimit-limit': String(limit.limit ?? options.defaultLimit), ...remaining };
    return { ...remaining, ...(limit.limit !== undefined ? { 'x-ratelimit-limit': String(limit.limit) } : {}) };
  }

  return {
    hanging,
    rateLimitHeaders,
    /** The next `times` requests of `stage` suffer `fault`. */
    add(stage: S, fault: Fault, times = 1): void {
      for (let i = 0; i < times; i++) faults.push({ stage, fault });
    },
    pending: () => faults.length,
    clear: () => void faults.splice(0),
    inject: (answer: InjectedAnswer) => void injected.push(answer),

    /** The canned answer for this request, if one waits, with its rate-limit headers. */
    canned(method: string, path: string): { status: number; body: unknown; headers: Record<string, string> } | undefined {
      const at = injected.findIndex((a) => a.method === method && (typeof a.path === 'string' ? a.path === path : a.path.test(path)));
      if (at < 0) return undefined;
      const canned = injected.splice(at, 1)[0];
      return { status: canned.status, body: canned.body, headers: { ...rateLimitHeaders(canned.rateLimit), ...canned.headers } };
    },

    /** Takes the fault waiting for `stage` into `record`; a reset-before is done here (the caller then returns). */
    arrive(req: IncomingMessage, record: FaultRecord, stage: S | undefined): Fault | undefined {
      const at = faults.findIndex((f) => f.stage === stage);
      const fault = at < 0 ? undefined : faults.splice(at, 1)[0].fault;
      record.fault = fault?.kind;
      if (fault?.kind === 'reset-before') {
        record.status = 0;
        req.socket.destroy();
      }
      return fault;
    },

    /** Answers a status fault instead of handling the request (whose body is read and recorded). */
    async answerStatus(
      req: IncomingMessage,
      res: ServerResponse,
      record: FaultRecord,
      fault: StatusFault,
      shape: (fault: StatusFault) => StatusShape,
    ): Promise<void> {
      const raw = await readBody(req);
      record.body = parseRecorded(raw);
      record.status = fault.status;
      const answer = shape(fault);
      res.writeHead(fault.status, {
        'content-type': answer.contentType,
        ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
        ...answer.headers,
        ...rateLimitHeaders(fault.rateLimit ?? answer.rateLimit),
        ...fault.headers,
      });
      res.end(answer.body);
    },

    /** Writes a handled request's answer as the fault (reset-after, hang, truncate, malformed) has it, or as it is. */
    deliver(res: ServerResponse, record: FaultRecord, fault: Fault | undefined, answer: PlainAnswer): void {
      const { text } = answer;
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
          res.writeHead(answer.status, { ...(answer.truncateHeaders ?? answer.headers), 'content-length': String(Buffer.byteLength(text)) });
          res.write(text.slice(0, Math.floor(text.length / 2)));
          res.socket?.destroy();
          return;
        case 'malformed':
          if (answer.recordMalformed) record.status = 200;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`${text.slice(0, Math.floor(text.length / 2))}<html>`);
          return;
        default:
          res.writeHead(answer.status, answer.headers);
          res.end(text);
      }
    },

    /**
     * Serves a download, as the fault has it: redirected, encoded, a gzip
     * bomb, reset, hung, or cut short (truncate: the connection dropped half-way;
     * stall: kept open); `chunks` are the body's bytes in order. Returns the status.
     */
    serveDownload(res: ServerResponse, record: FaultRecord, fault: Fault | undefined, download: Download, chunks: () => Buffer[]): number {
      const { total } = download;
      switch (fault?.kind) {
        case 'redirect': {
          const status = fault.status ?? 302;
          res.writeHead(status, { location: fault.location, 'content-length': '0' });
          res.end();
          return status;
        }
        case 'encoded': {
          const plain = download.plain();
          const encoding = fault.encoding ?? 'gzip';
          const body = encoding === 'br' ? brotliCompressSync(plain) : encoding === 'deflate' ? deflateSync(plain) : gzipSync(plain);
          res.writeHead(200, { 'content-type': download.contentType, 'content-encoding': encoding, 'content-length': String(body.length) });
          res.end(body);
          download.served(createHash('sha256').update(plain).digest('hex'));
          return 200;
        }
        case 'gzip-bomb': {
          const member = gzipBombMember();
          const count = Math.ceil((fault.inflatedBytes ?? 1024 ** 3) / BOMB_MEMBER_BYTES);
          res.writeHead(200, {
            'content-type': download.contentType,
            'content-encoding': 'gzip',
            ...(fault.chunked ? {} : { 'content-length': String(member.length * count) }),
          });
          writeRepeated(res, member, count, (sent) => {
            record.sent = sent;
          });
          return 200;
        }
        case 'reset-after':
          res.socket?.destroy();
          return 0;
        case 'hang':
          hanging.add(res);
          return 0;
      }
      res.writeHead(200, { 'content-type': download.contentType, 'content-length': String(total) });
      const parts = chunks();
      const hash = createHash('sha256');
      const stopAt = fault?.kind === 'truncate' || fault?.kind === 'stall' ? Math.floor(total / 2) : total;
      let sent = 0;
      let index = 0;
      const pump = () => {
        while (sent < stopAt && index < parts.length) {
          const chunk = parts[index++].subarray(0, stopAt - sent);
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
        download.served(hash.digest('hex'));
        res.end();
      };
      pump();
      return 200;
    },

    /** Ends every answer left hanging (on close). */
    closeHanging(): void {
      for (const res of hanging) res.destroy();
    },
  };
}

/** An error answer a handler throws: the status, the body and any headers to send (both servers). */
export class HttpError extends Error {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}
