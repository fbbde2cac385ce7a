// Which requests go through a proxy from the environment, and the undici
// dispatcher that sends them so.
//
// The action bundles one undici, the major the toolkit's HTTP client uses
// (@actions/http-client, brought by @actions/core and @actions/github), so
// that the bundle holds one copy (docs/decisions/one-undici.md). That major's
// EnvHttpProxyAgent is marked experimental and prints a warning into the
// run's log on first use, and its NO_PROXY rules are older than the ones the
// action shipped with. So the rules live here, as undici's EnvHttpProxyAgent
// (version 8) applies them, and the dispatcher routes each origin to undici's
// stable Agent or ProxyAgent.
import type { Agent, Dispatcher, ProxyAgent } from 'undici';
import type { Env } from '../action/toolkit.js';

interface NoProxyEntry {
  hostname: string;
  /** 0: any port. */
  port: number;
  /** `*.example.com`: subdomains only, not the apex. */
  wildcard: boolean;
}

export interface ProxyRules {
  http?: string;
  https?: string;
  noProxy: NoProxyEntry[];
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The variables as undici reads them: a lower-case name, when set (even empty), hides the upper-case one; HTTPS falls back to the HTTP proxy. */
export function proxyRules(env: Env): ProxyRules {
  const http = (env.http_proxy ?? env.HTTP_PROXY) || undefined;
  const https = (env.https_proxy ?? env.HTTPS_PROXY) || http;
  return { http, https, noProxy: parseNoProxy(env.no_proxy ?? env.NO_PROXY ?? '') };
}

function parseNoProxy(value: string): NoProxyEntry[] {
  const entries: NoProxyEntry[] = [];
  for (const entry of value.split(/[,\s]/)) {
    if (!entry) continue;
    let hostname: string;
    let port = 0;
    // An IPv6 entry with a port is bracketed ([::1]:443); a bare one has several colons and no port.
    const ipv6WithPort = /^\[(.+)\]:(\d+)$/.exec(entry);
    if (ipv6WithPort) {
      hostname = ipv6WithPort[1];
      port = Number.parseInt(ipv6WithPort[2], 10);
    } else {
      const unbracketed = entry.replace(/^\[(.+)\]$/, '$1');
      const parsed = (unbracketed.match(/:/g) ?? []).length === 1 ? /^(.+):(\d+)$/.exec(unbracketed) : null;
      hostname = parsed ? parsed[1] : unbracketed;
      if (parsed) port = Number.parseInt(parsed[2], 10);
    }
    entries.push({
      // A leading dot or `*.` and a trailing dot do not change the name.
      hostname: hostname
        .replace(/^\*?\./, '')
        .replace(/^(.+)\.$/, '$1')
        .toLowerCase(),
      port,
      wildcard: entry.startsWith('*'),
    });
  }
  return entries;
}

function exempt(entries: NoProxyEntry[], hostname: string, port: number): boolean {
  for (const entry of entries) {
    if (entry.port && entry.port !== port) continue;
    if (entry.hostname === '*') return true;
    if (!entry.wildcard && hostname === entry.hostname) return true;
    if (hostname.endsWith(`.${entry.hostname}`)) return true;
  }
  return false;
}

/** The proxy a request to `origin` goes through, or undefined when it goes directly. */
export function proxyFor(rules: ProxyRules, origin: string | URL): string | undefined {
  const url = new URL(origin);
  const proxy = url.protocol === 'https:' ? rules.https : rules.http;
  if (!proxy) return undefined;
  // URL.hostname keeps an IPv6 address's brackets; NO_PROXY entries are stored without them.
  let hostname = url.hostname.replace(/^\[(.+)\]$/, '$1').toLowerCase();
  if (hostname.length > 1 && hostname.endsWith('.')) hostname = hostname.slice(0, -1);
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  return exempt(rules.noProxy, hostname, port) ? undefined : proxy;
}

type Undici = Pick<typeof import('undici'), 'Agent' | 'ProxyAgent' | 'Dispatcher'>;

/**
 * A dispatcher that sends each origin directly or through its proxy, by the
 * rules. `options` (such as `connect`) go to every agent, as with undici's
 * EnvHttpProxyAgent.
 */
export function proxyDispatcher(undici: Undici, rules: ProxyRules, options: Agent.Options = {}): Dispatcher {
  const direct = new undici.Agent(options);
  const proxies = new Map<string, ProxyAgent>();
  const agentFor = (origin: string | URL): Dispatcher => {
    const uri = proxyFor(rules, origin);
    if (uri === undefined) return direct;
    let agent = proxies.get(uri);
    if (!agent) proxies.set(uri, (agent = new undici.ProxyAgent({ ...options, uri })));
    return agent;
  };
  const all = () => [direct, ...proxies.values()];
  class Routing extends undici.Dispatcher {
    override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
      return agentFor(opts.origin ?? '').dispatch(opts, handler);
    }
    override async close(): Promise<void> {
      await Promise.all(all().map((agent) => agent.close()));
    }
    override async destroy(): Promise<void> {
      await Promise.all(all().map((agent) => agent.destroy()));
    }
  }
  return new Routing();
}
