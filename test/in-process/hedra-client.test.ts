// Hedra's client and the transport under it, in-process against the
// validating server with its fault injection: exactly-once creation, retries
// by the one policy, who failed, and where the key goes.

import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRunControl, realTime } from '../../src/action/run-control.ts';
import { HedraClient } from '../../src/apis/v2/client.ts';
import { describeV2Error } from '../../src/apis/v2/errors.ts';
import { HttpError, NetworkError } from '../../src/http/errors.ts';
import { Transport } from '../../src/http/transport.ts';
import { ID } from '../helpers/build.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ timings: { queued: 0, processing: 0, finalizing: 0 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.clearFaults();
});

function client(baseUrl = server.baseUrl, apiKey = server.apiKey) {
  const said: string[] = [];
  const control = createRunControl(Date.now(), 60_000, new AbortController().signal, realTime);
  const transport = new Transport({
    baseUrl,
    apiKey,
    userAgent: 'test',
    control,
    timeoutMs: 60_000,
    fetcher: { fetch: globalThis.fetch, close: async () => undefined },
    clock: Date.now,
    debug: (line) => said.push(`debug: ${line}`),
    describeError: describeV2Error,
  });
  const log = { info: (line: string) => said.push(line) } as unknown as ConstructorParameters<typeof HedraClient>[1];
  return { hedra: new HedraClient(transport, log, Date.now), transport, said };
}

const body = (id: string) => ({ type: 'image', text_prompt: 'a lighthouse', model_slug: 'test/image', generation_id: id });
const creates = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/generations');

describe('createGeneration', () => {
  it('creates once under the id chosen', async () => {
    const { hedra } = client();
    const created = await hedra.createGeneration(body(ID(101)), [ID(101)]);
    expect(created.id).toBe(ID(101));
    expect(creates()).toHaveLength(1);
  });

  it('adopts the generation when the answer to the create was lost, without posting again', async () => {
    server.fault('create', { kind: 'reset-after' });
    const { hedra, said } = client();
    const created = await hedra.createGeneration(body(ID(102)), [ID(102)]);
    expect(created.id).toBe(ID(102));
    expect(creates()).toHaveLength(1);
    expect(server.jobs.has(ID(102))).toBe(true);
    expect(said).toContain(`Generation ${ID(102)} exists (the answer to the create request was lost); using it rather than creating another.`);
  });

  it('posts again with the same id after a 503, once it knows the generation does not exist', async () => {
    server.fault('create', { kind: 'status', status: 503, retryAfter: '0' });
    const { hedra, said } = client();
    await hedra.createGeneration(body(ID(103)), [ID(103)]);
    expect(creates().map((r) => (r.body as { generation_id: string }).generation_id)).toEqual([ID(103), ID(103)]);
    expect(said.some((l) => l.startsWith(`POST /generations: HTTP 503; generation ${ID(103)} does not exist, so posting again with the same id in 0.0s`))).toBe(
      true,
    );
  });

  it("reports a refusal as Hedra's answer, without retrying", async () => {
    server.inject({ method: 'POST', path: '/generations', status: 400, body: { detail: 'bad prompt' } });
    const { hedra } = client();
    const error = await failure(hedra.createGeneration(body(ID(104)), [ID(104)]));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect(error.message).toBe('Hedra answered HTTP 400 to POST /generations: bad prompt.');
    expect(creates()).toHaveLength(1);
  });
});

describe('transport', () => {
  it('sends the key to API paths and never to presigned URLs', async () => {
    const { hedra, transport } = client();
    await hedra.createGeneration(body(ID(105)), [ID(105)]);
    const status = await hedra.status(ID(105));
    expect(status.status).toBe('complete');
    const answer = await transport.openDownload(status.download_url!);
    await answer.response.arrayBuffer();
    answer.watchdog.stop();
    const [apiCall, media] = [server.requests.find((r) => r.path === '/generations'), server.requests.find((r) => r.path.startsWith('/media/'))];
    expect(apiCall?.headers['x-api-key']).toBe(server.apiKey);
    expect(media?.headers['x-api-key']).toBeUndefined();
  });

  it('says a refused connection is the network, with no HTTP status', async () => {
    const port = await closedPort();
    const { transport } = client(`http://127.0.0.1:${port}`);
    const error = await failure(transport.requestJson('GET', '/models'));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toMatch(new RegExp(`^No answer from 127\\.0\\.0\\.1:${port} to GET /models: .*ECONNREFUSED`));
  });

  it('says a wrong key is Hedra refusing it', async () => {
    const { transport } = client(server.baseUrl, 'not-the-key');
    const error = await failure(transport.requestJson('POST', '/generations', body(ID(106))));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/^Hedra refused the API key \(HTTP 401, POST \/generations\)/);
  });
});

/** A port on 127.0.0.1 that nothing listens on (one just released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The error a call fails with; a call that succeeds fails the test. */
async function failure(call: Promise<unknown>): Promise<Error & { status?: number; code?: string }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { status?: number; code?: string };
  }
  throw new Error('expected the call to fail');
}
