// The networks users run in, through the committed bundle: behind a proxy
// (undici's proxy agent, a chunk of its own in the bundle, loaded on first
// use), and behind TLS inspection with a certificate authority of their own,
// which Node reads from NODE_EXTRA_CA_CERTS when the process starts. The rest
// (NO_PROXY, an untrusted certificate) runs in-process through runWith in
// test/in-process/network.test.ts.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type RecordingProxy, startProxy } from '../server/proxy.ts';
import { tempDir } from '../setup/temp.ts';
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
  // The certificate stays for NODE_EXTRA_CA_CERTS until the describe is done, then goes with the directory.
  const dir = tempDir('hedra-tls-');
  let server: HedraServer;
  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'pipe' }, // openssl's progress stays out of the test output; on failure it is in the error
    );
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    rmSync(join(dir, 'key.pem')); // the server holds it in memory; no private key on disk longer than needed
    server = await startHedraServer({
      tls: { key, cert: readFileSync(join(dir, 'cert.pem'), 'utf8') },
      timings: { queued: 0, processing: 200, finalizing: 0 },
    });
  });
  afterAll(() => server.close());

  it('is trusted through NODE_EXTRA_CA_CERTS, downloads included', async () => {
    const result = await runAction(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, type: 'image', model: 'google/nano-banana', prompt: 'p' },
      { env: { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') } },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(server.baseUrl.startsWith('https://')).toBe(true);
    expect(result.outputs.path).toMatch(/\.png$/);
  });
});
