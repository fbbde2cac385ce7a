// GETs of presigned URLs (results on Hedra's CDN), one request each: the
// transport follows redirects itself (transport.ts, openDownload), checking
// every hop with the rules of url.ts before it is sent.
//
// These go through undici's `request`, not `fetch`, for two reasons:
// - `fetch` decodes a gzip (or br, deflate) body itself and hides how many
//   bytes came over the wire; `request` hands over the body as sent, so that
//   the download can check Content-Length (which counts the encoded bytes)
//   and decode it under a cap on inflation (hedra/download.ts);
// - its Agent takes a `connect.lookup`, through which every address a host
//   name resolves to is checked at the moment of connecting: the socket goes
//   to an address that was checked, so a name that resolves to a public
//   address once and to 169.254.169.254 the next time (DNS rebinding) gains
//   nothing.
// Behind a proxy from the environment (HTTPS_PROXY, HTTP_PROXY), the proxy
// resolves the names it is sent, out of this process's sight: there only the
// URL's own host (an IP address, or localhost) can be checked. Hosts that
// NO_PROXY exempts are connected to directly, and checked as without a proxy.
//
// undici is loaded on the first download (a run without one does not pay for
// it; see docs/decisions/nodes-fetch.md for why it is not loaded at start).
import dns, { type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { type ProxyRules, proxyDispatcher } from './proxy.js';
import { type AddressKind, addressProblem } from './url.js';

/** An answer to a presigned GET: its status and headers, and its body exactly as sent (not decoded). */
export interface RawAnswer {
  status: number;
  headers: Headers;
  body: Readable;
}

/** A host name resolved to an address the rules refuse: raised inside the connection attempt, before any socket is opened. */
export class RefusedAddress extends Error {
  override name = 'RefusedAddress';
  readonly code = 'EREFUSEDADDRESS';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type Lookup = (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback) => void;

/**
 * dns.lookup, refusing a name when any address it resolves to is one the
 * rules refuse (not just the one a connection would try first).
 */
export function guardedLookup(
  allowed: readonly AddressKind[],
  lookup: Lookup = (host, options, done) => dns.lookup(host, options as never, done as never),
): Lookup {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses as LookupAddress[];
      for (const { address } of list) {
        const problem = addressProblem(hostname, address, allowed);
        if (problem) return callback(new RefusedAddress(problem), '');
      }
      if (options.all) return callback(null, list);
      if (list.length === 0) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** The RefusedAddress behind an error of a request (undici may pass it on as it is, or as a cause), if one is. */
export function refusedAddress(error: unknown): RefusedAddress | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof RefusedAddress) return e;
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) if (inner instanceof RefusedAddress) return inner;
  }
  return undefined;
}

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const one of [value ?? []].flat()) {
      try {
        headers.append(name, one);
      } catch {
        // A header value fetch's Headers will not hold (a control character): not one a download needs.
      }
    }
  }
  return headers;
}

export class PresignedClient {
  private dispatcher?: Promise<{ request: typeof import('undici').request; dispatcher: Dispatcher }>;

  constructor(
    private readonly options: {
      /** The rules of a proxy from the environment that carries requests, if one does (then the proxy resolves names). */
      proxy?: ProxyRules;
      /** The kinds of non-public address that may be connected to (base-url's own). */
      allowed: readonly AddressKind[];
    },
  ) {}

  private load() {
    this.dispatcher ??= import('undici').then((undici) => {
      const connect = { lookup: guardedLookup(this.options.allowed) as never };
      const dispatcher = this.options.proxy ? proxyDispatcher(undici, this.options.proxy, { connect }) : new undici.Agent({ connect });
      return { request: undici.request, dispatcher };
    });
    return this.dispatcher;
  }

  /** One GET, no redirect followed, the body as sent. */
  async get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<RawAnswer> {
    const { request, dispatcher } = await this.load();
    const answer = await request(url, { method: 'GET', headers, signal, dispatcher });
    // Whoever reads the body sees its errors; one destroyed unread (a redirect's, a refused answer's) must not crash the process.
    answer.body.on('error', () => undefined);
    return { status: answer.statusCode, headers: headersOf(answer.headers), body: answer.body };
  }

  async close(): Promise<void> {
    // The run is over: nothing is still wanted from these connections.
    if (this.dispatcher) await (await this.dispatcher).dispatcher.destroy();
  }
}
