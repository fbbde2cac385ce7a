// The networks users run in: behind a proxy, and behind TLS inspection with
// their own certificate authority. The run is in-process, through runWith,
// against the validating server, both on the shared fast clock; the proxy is
// named by the run's environment as the runner would set it. A certificate
// authority added by NODE_EXTRA_CA_CERTS is read by Node when a process
// starts, so trusting one is proven through the bundle only
// (test/e2e/network.e2e.test.ts); here, a certificate nothing trusts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { testCertificate } from '../helpers/test-certificate.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type RecordingProxy, startProxy } from '../server/proxy.ts';

describe('a proxy from the environment', () => {
  let server: HedraServer;
  let proxy: RecordingProxy;
  beforeAll(async () => {
    server = await startHedraServer({ timings: { queued: 0, processing: 200, finalizing: 0 }, time: FAST });
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it('carries every request when HTTP_PROXY is set', async () => {
    const result = await runInProcess(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, type: 'image', model: 'google/nano-banana', prompt: 'p' },
      { env: { HTTP_PROXY: proxy.url } },
    );
    expect(result.code).toBe(0);
    const host = new URL(server.baseUrl).host;
    expect(proxy.targets.length).toBeGreaterThan(0);
    expect(proxy.targets.every((t) => t === host)).toBe(true);
  });
  it('is bypassed for hosts in NO_PROXY', async () => {
    proxy.targets.length = 0;
    const result = await runInProcess(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, type: 'image', model: 'google/nano-banana', prompt: 'p' },
      { env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } },
    );
    expect(result.code).toBe(0);
    expect(proxy.targets).toEqual([]);
  });
});

describe('a certificate authority of your own', () => {
  // The committed test-only certificate (test/fixtures/tls/), which this process does not trust.
  let server: HedraServer;
  beforeAll(async () => {
    server = await startHedraServer({
      tls: testCertificate(),
      timings: { queued: 0, processing: 200, finalizing: 0 },
      time: FAST,
    });
  });
  afterAll(() => server.close());

  it('without it, fails at once (no retries) and says what to do', async () => {
    server.requests.length = 0;
    const result = await runInProcess({ 'api-key': server.apiKey, 'base-url': server.baseUrl, type: 'image', model: 'google/nano-banana', prompt: 'p' });
    expect(result.code).toBe(1);
    expect(result.elapsedMs).toBeLessThan(3000);
    // On the fast clock a retry's backoff costs little real time: that no request was tried again is read from
    // the log, where every retry says "(attempt n of m)".
    expect(result.stdout).not.toMatch(/\(attempt \d+ of \d+\)/);
    expect(result.stdout).toContain('self-signed certificate');
    expect(result.stdout).toContain('point the NODE_EXTRA_CA_CERTS environment variable at its certificate');
    expect(server.requests).toHaveLength(0);
  });
});
