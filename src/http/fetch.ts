// Which fetch the transport speaks through. Without a proxy it is Node's own,
// which Node loads from its start-up snapshot (see docs/decisions/nodes-fetch.md):
// a bundled HTTP client cost every run some 40 ms. When the environment names
// a proxy, undici's fetch with its EnvHttpProxyAgent is loaded on first use,
// which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY. Downloads of presigned
// URLs take another path (presigned.ts), which only needs to know whether a
// proxy carries requests.
import type { Env } from '../action/toolkit.js';

export interface Fetcher {
  fetch: typeof fetch;
  /** Closes the connections it keeps open, so that they do not hold the process. */
  close(): Promise<void>;
  /** Whether a proxy from the environment carries the requests (then it, not this process, resolves host names). */
  proxied?: boolean;
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

export function fetcherFor(env: Env): Fetcher {
  if (!PROXY_VARIABLES.some((name) => env[name])) return { fetch: globalThis.fetch, close: async () => undefined };
  let agent: Promise<{ fetch: typeof fetch; close(): Promise<void> }> | undefined;
  const load = () =>
    (agent ??= import('undici').then((undici) => {
      const dispatcher = new undici.EnvHttpProxyAgent();
      const viaProxy = ((url: string, init: RequestInit) => undici.fetch(url, { ...init, dispatcher } as never)) as unknown as typeof fetch;
      return { fetch: viaProxy, close: () => dispatcher.close() };
    }));
  return {
    proxied: true,
    fetch: (async (url: string, init: RequestInit) => (await load()).fetch(url, init)) as typeof fetch,
    close: async () => {
      if (agent) await (await agent).close();
    },
  };
}
