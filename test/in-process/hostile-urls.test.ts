// Hostile download URLs and hostile CDNs, in-process: the run goes through
// runWith (as the bundle runs it) against the validating Hedra server, both on
// the fast clock. A status answer names the URL the result is fetched from; a
// compromised Hedra (or CDN) could name file:, data:, plain http:, a private
// address or the cloud metadata service at 169.254.169.254, directly or by
// redirect, or send a compression bomb. The action refuses each at once, with
// a message that names the URL (without its query) and why, leaves no file,
// and says how to pick the generation up again.
import { createHash } from 'node:crypto';
import dns from 'node:dns';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRun, RunOptions } from '../e2e/run-action.ts';
import { completeStatusOf } from '../helpers/complete-status.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type RecordingProxy, startProxy } from '../server/proxy.ts';

const MODEL = 'kling/kling-2.5-turbo';
const REFUSED = "Hedra's answer named a download URL the action will not fetch: ";

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ time: FAST, timings: { queued: 0, processing: 100, finalizing: 0 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.clearFaults();
});

// A short timeout: without the checks, a refused URL would be tried until it runs out. On the fast clock, 15 minutes
// (18 s real): longer than any run here takes on a busy machine (the first loads the action's modules), and still
// within the test's own 30 s.
const run = (inputs: Record<string, string>, options?: RunOptions) =>
  runInProcess({ 'api-key': server.apiKey, 'base-url': server.baseUrl, model: MODEL, prompt: 'p', timeout: '15m', ...inputs }, options);

/** A generation made and waited for on the server's side: its id, its asset id, and its own complete status answer. */
async function completeGeneration() {
  const first = await run({ wait: 'false' });
  expect(first.code).toBe(0);
  const id = first.outputs['generation-id'];
  return { id, assetId: server.jobs.get(id)!.assetId, complete: await completeStatusOf(server, id) };
}

/** Picks a complete generation up (generation-id), its status answer naming `downloadUrl` when given (else the server's own). */
async function resume(downloadUrl?: string, options?: RunOptions) {
  const { id, assetId, complete } = await completeGeneration();
  server.requests.length = 0;
  if (downloadUrl !== undefined) {
    server.inject({ method: 'GET', path: new RegExp(`/generations/${id}/status$`), status: 200, body: { ...complete, download_url: downloadUrl } });
  }
  const result = await run({ 'generation-id': id, prompt: '', model: '' }, options);
  return { id, assetId, mediaUrl: `${server.origin}/media/${assetId}.mp4`, result };
}

const mediaRequests = () => server.requests.filter((r) => r.path.startsWith('/media/'));

/** Everything in the output directory, hidden files (a .part) included. */
function outputFiles(result: ActionRun): string[] {
  const out = join(result.dirs.temp, 'hedra');
  return existsSync(out) ? readdirSync(out) : [];
}

/** A refusal: said at once (no retry), with the URL shown and why, no file, and the generation named for resuming. */
function expectRefused(result: ActionRun, id: string, shown: string, why: string) {
  expect(result.code).toBe(1);
  const error = result.stdout.split('\n').find((line) => line.startsWith('::error'));
  expect(error).toContain(`${REFUSED}${shown} — `);
  expect(error).toContain(why);
  expect(error).toContain(`Generation ${id} exists on Hedra's side; to pick it up without paying again, run this action with generation-id: ${id}`);
  expect(result.stdout).not.toMatch(/retrying in/);
  expect(outputFiles(result)).toEqual([]);
}

describe('a download URL in a status answer', () => {
  it.each([
    [
      'the metadata service over plain http',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      '169.254.169.254 is a link-local address (where cloud metadata services answer)',
    ],
    [
      'a private address over https',
      'https://10.0.0.1/media/x.mp4?X-Amz-Signature=hostile-signature',
      'https://10.0.0.1/media/x.mp4',
      '10.0.0.1 is a private-network address',
    ],
    ['a unique-local IPv6 address', 'https://[fd00::1]/x.mp4', 'https://[fd00::1]/x.mp4', '[fd00::1] is a private-network address'],
    [
      'the metadata service written as an IPv4-mapped IPv6 address',
      'https://[::ffff:169.254.169.254]/latest',
      'https://[::ffff:a9fe:a9fe]/latest',
      'is a link-local address',
    ],
    ['a public host over plain http', 'http://203.0.113.7/x.mp4', 'http://203.0.113.7/x.mp4', 'it is plain http:, which is fetched only from this machine'],
  ])('%s is refused before any connection, not retried, and the run names the generation to resume', async (_what, url, shown, why) => {
    const { id, result } = await resume(url);
    expectRefused(result, id, shown, why);
    expect(result.stdout).not.toContain('hostile-signature');
  });

  it.each([
    ['file:///etc/passwd', 'file:///etc/passwd', 'it is a file: URL, and only https: is fetched'],
    ['data:video/mp4;base64,AAAAIGZ0eXBpc29t', 'data:…', 'it is a data: URL, and only https: is fetched'],
  ])('%s is refused at once', async (url, shown, why) => {
    const { id, result } = await resume(url);
    expectRefused(result, id, shown, why);
    expect(result.stdout).not.toContain('GET null');
  });
});

describe('redirects of the download URL', () => {
  it.each([
    ['file:///etc/passwd', 'file:///etc/passwd', 'it is a file: URL'],
    ['data:text/plain;base64,aGVsbG8=', 'data:…', 'it is a data: URL'],
    ['http://169.254.169.254/latest/meta-data/', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['https://192.168.1.1/admin?token=hostile-token', 'https://192.168.1.1/admin', '192.168.1.1 is a private-network address'],
  ])('to %s: the hop is refused before it is requested, once', async (location, shown, why) => {
    // Every attempt is redirected, so that retrying would not get around it either.
    server.fault('download', { kind: 'redirect', location }, 6);
    const { id, mediaUrl, result } = await resume();
    expectRefused(result, id, `${shown} (where ${mediaUrl} redirected)`, why);
    expect(mediaRequests()).toHaveLength(1);
    expect(result.stdout).not.toContain('hostile-token');
  });

  it('are followed between URLs that pass the checks, without the key, to the file', async () => {
    const { assetId, complete } = await completeGeneration();
    server.fault('download', { kind: 'redirect', location: String(complete.download_url), status: 307 }, 2);
    server.requests.length = 0;
    const result = await run({ 'generation-id': String(complete.id), prompt: '', model: '' });
    expect(result.code).toBe(0);
    expect(mediaRequests()).toHaveLength(3);
    expect(mediaRequests().every((r) => r.headers['x-api-key'] === undefined)).toBe(true);
    expect(sha256(readFileSync(result.outputs.path))).toBe(server.resultSha256(assetId));
  });

  it('are followed at most 5 times', async () => {
    const { id, assetId, complete } = await completeGeneration();
    server.fault('download', { kind: 'redirect', location: String(complete.download_url) }, 6);
    server.requests.length = 0;
    const result = await run({ 'generation-id': id, prompt: '', model: '' });
    const mediaUrl = `${server.origin}/media/${assetId}.mp4`;
    expectRefused(result, id, `${mediaUrl} (where ${mediaUrl} redirected)`, 'it is redirect number 6, and at most 5 are followed');
    expect(mediaRequests()).toHaveLength(6);
  });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('encoded answers', () => {
  it.each(['gzip', 'br'] as const)(
    'media sent %s-encoded, though the action asked for none, downloads whole; its sha256 is of the decoded bytes',
    async (encoding) => {
      // Every attempt is encoded: checked against its encoded Content-Length, an attempt that decodes would fail each time.
      server.fault('download', { kind: 'encoded', encoding }, 6);
      const { assetId, result } = await resume();
      expect(result.code).toBe(0);
      expect(mediaRequests()).toHaveLength(1);
      expect(mediaRequests()[0].headers['accept-encoding']).toBe('identity');
      const file = readFileSync(result.outputs.path);
      expect(file.length).toBe(server.behaviour.resultBytes);
      expect(sha256(file)).toBe(server.resultSha256(assetId));
      expect(result.stdout).toContain(`sha256 ${server.resultSha256(assetId)}`);
      expect(outputFiles(result).filter((name) => name.endsWith('.part'))).toEqual([]);
    },
  );

  it.each([
    ['with a Content-Length', false],
    ['sent chunked', true],
  ])('a gzip bomb (1 GiB from about 1 MiB) %s is stopped early, not retried, and leaves no file', async (_how, chunked) => {
    server.fault('download', { kind: 'gzip-bomb', chunked }, 6);
    const { id, result } = await resume();
    expect(result.code).toBe(1);
    const said = /inflated to over (\d+) bytes from (\d+) received, more than 20 times: no media does that \(a compression bomb\)/.exec(result.stdout);
    expect(said).not.toBeNull();
    const [written, received] = [Number(said?.[1]), Number(said?.[2])];
    // Stopped within a chunk of the cap: at most 20 times what came in (or the first MiB), never the gigabyte.
    expect(written).toBeLessThanOrEqual(Math.max(1024 * 1024, 20 * received) + 64 * 1024);
    expect(received).toBeLessThan(1024 * 1024);
    expect(result.stdout).toContain(`run this action with generation-id: ${id}`);
    expect(result.stdout).not.toMatch(/retrying in/);
    expect(mediaRequests()).toHaveLength(1);
    expect(outputFiles(result)).toEqual([]);
  });
});

describe('host names', () => {
  /**
   * Runs with fake DNS for the names given, as test/e2e/fake-dns.mjs stands in for it in the bundle's process: this
   * process's dns.lookup answers for those names (every other name resolves as usual). Returns the run and the names
   * the action looked up.
   */
  async function withDns(names: Record<string, string | string[]>, url: string) {
    const lookups: string[] = [];
    const real = dns.lookup;
    const fake = function lookup(this: unknown, hostname: string, options: unknown, callback: unknown) {
      const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
      const wanted = (typeof options === 'function' ? {} : typeof options === 'number' ? { family: options } : (options ?? {})) as { all?: boolean };
      if (!(hostname in names)) return (real as (...args: unknown[]) => void).call(this, hostname, options, callback);
      lookups.push(hostname);
      const addresses = [names[hostname]].flat().map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }));
      process.nextTick(() => (wanted.all ? done(null, addresses) : done(null, addresses[0].address, addresses[0].family)));
    };
    dns.lookup = fake as typeof dns.lookup;
    try {
      return { ...(await resume(url)), lookups };
    } finally {
      dns.lookup = real;
    }
  }

  it('a name that resolves to the metadata service is refused when connecting, before a socket is opened', async () => {
    const { id, result, lookups } = await withDns({ 'metadata.test': '169.254.169.254' }, 'https://metadata.test/latest/meta-data/?X-Amz-Signature=s');
    expectRefused(
      result,
      id,
      'https://metadata.test/latest/meta-data/',
      'metadata.test resolves to 169.254.169.254, a link-local address (where cloud metadata services answer)',
    );
    expect(lookups).toEqual(['metadata.test']);
  });

  it('a name is refused when any of its addresses is private, not only the first', async () => {
    const { id, result } = await withDns({ 'cdn.test': ['198.51.100.7', '10.9.8.7'] }, 'https://cdn.test/x.mp4');
    expectRefused(result, id, 'https://cdn.test/x.mp4', 'cdn.test resolves to 10.9.8.7, a private-network address');
  });

  it('localhost, resolved, is this machine: downloads from a base-url on loopback work', async () => {
    const { complete, assetId } = await completeGeneration();
    const url = String(complete.download_url).replace('//127.0.0.1:', '//localhost:');
    server.inject({ method: 'GET', path: new RegExp(`/generations/${complete.id}/status$`), status: 200, body: { ...complete, download_url: url } });
    const result = await run({ 'generation-id': String(complete.id), prompt: '', model: '' });
    expect(result.code).toBe(0);
    expect(sha256(readFileSync(result.outputs.path))).toBe(server.resultSha256(assetId));
  });
});

describe('behind a proxy', () => {
  let proxy: RecordingProxy;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(() => proxy.close());

  it('the proxy resolves names, so only the URL itself is checked: a metadata-service address is refused before the proxy is asked', async () => {
    proxy.targets.length = 0;
    const { id, result } = await resume('https://169.254.169.254/latest/meta-data/', { env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url } });
    expectRefused(result, id, 'https://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address');
    // The API calls went through the proxy; nothing was asked of it for the download.
    expect(proxy.targets.length).toBeGreaterThan(0);
    expect(proxy.targets.filter((target) => target.includes('169.254'))).toEqual([]);
  });

  it('downloads allowed files through it', async () => {
    proxy.targets.length = 0;
    const { assetId, result } = await resume(undefined, { env: { HTTP_PROXY: proxy.url } });
    expect(result.code).toBe(0);
    expect(sha256(readFileSync(result.outputs.path))).toBe(server.resultSha256(assetId));
    expect(proxy.targets.every((target) => target === new URL(server.origin).host)).toBe(true);
  });
});
