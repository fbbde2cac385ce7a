// Hostile download URLs and hostile CDNs, through the committed bundle. A
// status answer names the URL the result is fetched from; a compromised Hedra
// (or CDN) could name file:, data:, plain http:, a private address or the
// cloud metadata service at 169.254.169.254, directly or by redirect, or send
// a compression bomb. The action refuses each at once, with a message that
// names the URL (without its query) and why, leaves no file, and says how to
// pick the generation up again. Smoke runs of what only the bundle shows: a
// refusal as the process prints it, a name that resolves to the metadata
// service refused by the bundle's own connection checks (DNS stood in for in
// its process by fake-dns.mjs), and a download through a proxy (undici, a
// chunk of the bundle loaded on first use). Every test of this file, these
// included, runs in-process in test/in-process/hostile-urls.test.ts.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeStatusOf } from '../helpers/complete-status.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type RecordingProxy, startProxy } from '../server/proxy.ts';
import { tempDir } from '../setup/temp.ts';
import { type ActionRun, type RunOptions, runAction } from './run-action.ts';

const MODEL = 'kling/kling-2.5-turbo';
const FAKE_DNS = pathToFileURL(join(import.meta.dirname, 'fake-dns.mjs')).href;
const REFUSED = "Hedra's answer named a download URL the action will not fetch: ";

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ timings: { queued: 0, processing: 100, finalizing: 0 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.clearFaults();
});

// A short timeout: without the checks, a refused URL would be tried until it runs out.
const run = (inputs: Record<string, string>, options?: RunOptions) =>
  runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, model: MODEL, prompt: 'p', timeout: '15s', ...inputs }, options);

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

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

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
  ])('%s is refused before any connection, not retried, and the run names the generation to resume', async (_what, url, shown, why) => {
    const { id, result } = await resume(url);
    expectRefused(result, id, shown, why);
    expect(result.stdout).not.toContain('hostile-signature');
  });
});

describe('host names', () => {
  /** Runs with fake DNS (test/e2e/fake-dns.mjs) for the names given; returns the run and the names the action looked up. */
  async function withDns(names: Record<string, string | string[]>, url: string) {
    const dir = tempDir('hedra-dns-');
    const log = join(dir, 'lookups');
    const resumed = await resume(url, { env: { NODE_OPTIONS: `--import=${FAKE_DNS}`, FAKE_DNS: JSON.stringify(names), FAKE_DNS_LOG: log } });
    return { ...resumed, lookups: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
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
});

describe('behind a proxy', () => {
  let proxy: RecordingProxy;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(() => proxy.close());

  it('downloads allowed files through it', async () => {
    proxy.targets.length = 0;
    const { assetId, result } = await resume(undefined, { env: { HTTP_PROXY: proxy.url } });
    expect(result.code).toBe(0);
    expect(sha256(readFileSync(result.outputs.path))).toBe(server.resultSha256(assetId));
    expect(proxy.targets.every((target) => target === new URL(server.origin).host)).toBe(true);
  });
});
