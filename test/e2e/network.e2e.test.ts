// The networks users run in, through the committed bundle: behind a proxy
// (undici's ProxyAgent, loaded on first use), and behind TLS inspection with
// a certificate authority of their own, which Node reads from
// NODE_EXTRA_CA_CERTS when the process starts. The rest
// (NO_PROXY, an untrusted certificate) runs in-process through runWith in
// test/in-process/network.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CERT_PATH, testCertificate } from '../helpers/test-certificate.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type RecordingProxy, startProxy } from '../server/proxy.ts';
import { runAction } from './run-action.ts';

describe('a proxy from the environment', () => {
  let server: HedraServer;
  let proxy: RecordingProxy;
  beforeAll(async () => {
    server = await startHedraServer({ timings: { queued: 0, processing: 200, finalizing: 0 } });
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it('carries every request when HTTP_PROXY is set', async () => {
    const result = await runAction(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, type: 'image', model: 'google/nano-banana', prompt: 'p' },
      { env: { HTTP_PROXY: proxy.url } },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const host = new URL(server.baseUrl).host;
    expect(proxy.targets.length).toBeGreaterThan(0);
    expect(proxy.targets.every((t) => t === host)).toBe(true);
  });
});

describe('a certificate authority of your own', () => {
  // The committed test-only certificate (test/fixtures/tls/), trusted by the run through NODE_EXTRA_CA_CERTS.
  let server: HedraServer;
  beforeAll(async () => {
    server = await startHedraServer({
      tls: testCertificate(),
      timings: { queued: 0, processing: 200, finalizing: 0 },
    });
  });
  afterAll(() => server.close());

  it('is trusted through NODE_EXTRA_CA_CERTS, downloads included', async () => {
    const result = await runAction(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, type: 'image', model: 'google/nano-banana', prompt: 'p' },
      { env: { NODE_EXTRA_CA_CERTS: TEST_CERT_PATH } },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(server.baseUrl.startsWith('https://')).toBe(true);
    expect(result.outputs.path).toMatch(/\.png$/);
  });
});
