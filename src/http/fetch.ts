// Which fetch the transport speaks through. Without a proxy it is Node's own,
// which Node loads from its start-up snapshot (see docs/decisions/nodes-fetch.md):
// a bundled HTTP client cost every run some 40 ms. When the environment names
// a proxy, undici's fetch is loaded on first use, with a dispatcher that
// honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY (proxy.ts). Downloads of presigned
// URLs take another path (presigned.ts), under the same proxy rules.
import type { Env } from '../action/toolkit.js';
import { type ProxyRules, proxyDispatcher, proxyRules } from './proxy.js';

export interface Fetcher {
  fetch: typeof fetch;
  /** Closes the connections it keeps open, so that they do not hold the process. */
  close(): Promise<void>;
  /** The rules of a proxy from the environment that carries requests (then it, not this process, resolves host names). */
  proxy?: ProxyRules;
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

export function fetcherFor(env: Env): Fetcher {
  if (!PROXY_VARIABLES.some((name) => env[name])) return { fetch: globalThis.fetch, close: async () => undefined };
  const rules = proxyRules(env);
  let agent: Promise<{ fetch: typeof fetch; close(): Promise<void> }> | undefined;
  const load = () =>
    (agent ??= import('undici').then((undici) => {
      const dispatcher = proxyDispatcher(undici, rules);
      const viaProxy = ((url: string, init: RequestInit) => undici.fetch(url, { ...init, dispatcher } as never)) as unknown as typeof fetch;
      return { fetch: viaProxy, close: () => dispatcher.close() };
    }));
  return {
    proxy: rules,
    fetch: (async (url: string, init: RequestInit) => (await load()).fetch(url, init)) as typeof fetch,
    close: async () => {
      if (agent) await (await agent).close();
    },
  };
}
