// What the v3 test server serves of Hedra's builds after spec 3.9.0
// (v3-later-builds.ts and its hooks in hedra-v3-server.ts): error envelopes
// with the OpenAI `error.type`, wallets that top up at submit or fail to
// (`billing.reason`), a key still in progress, opaque ids, and the record of
// each request's X-Hedra-Spec-Version. Every answer still fits the document.
import { afterEach, describe, expect, it } from 'vitest';
import { manualTime } from '../helpers/fast-time.ts';
import { type HedraV3Server, startHedraV3Server, type V3ServerOptions } from './hedra-v3-server.ts';
import { schemaProblems } from './spec-v3.ts';
import { openAiErrorType, topUpFor } from './v3-later-builds.ts';

const servers: HedraV3Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    expect(server.internalErrors).toEqual([]);
    await server.close();
  }
});
async function serverWith(options: V3ServerOptions): Promise<HedraV3Server> {
  const server = await startHedraV3Server({ timings: { queued: 10, processing: 20 }, ...options });
  servers.push(server);
  return server;
}

/** One request, its body parsed; `headers` replace the key's (null: no key). */
async function ask(server: HedraV3Server, method: string, path: string, body?: unknown, headers: Record<string, string> | null = {}) {
  const auth = headers === null ? {} : { authorization: `Key ${server.apiKey}`, ...headers };
  const init = { method, headers: { ...auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) };
  const response = await fetch(`${server.baseUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

const IMAGE = { input: { prompt: 'a lighthouse', aspect_ratio: '1:1', resolution: '1K', quality: 'low' } };

describe('error envelopes with and without error.type', () => {
  it('pairs each status with its OpenAI type', () => {
    expect([400, 401, 402, 403, 404, 409, 410, 422, 429, 500, 503].map(openAiErrorType)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'invalid_request_error',
      'permission_error',
      'invalid_request_error',
      'invalid_request_error',
      'invalid_request_error',
      'invalid_request_error',
      'rate_limit_error',
      'server_error',
      'server_error',
    ]);
  });

  it("adds error.type to every error answer in mode 'openai' (its own, injected, and canned), and to none by default", async () => {
    const typed = await serverWith({ errorType: 'openai', retired: { 'kling-16': 'kling-v3' } });
    const plain = await serverWith({ retired: { 'kling-16': 'kling-v3' } });
    for (const server of [typed, plain]) {
      server.fault('status', { kind: 'status', status: 503 });
      server.inject({ method: 'GET', path: '/jobs/job_x', status: 404, body: { error: { code: 'NOT_FOUND', message: 'Job not found.' } } });
      const answers = [
        await ask(server, 'GET', '/balance', undefined, null),
        await ask(server, 'POST', '/models/gpt-image-2', { input: { prompt: 1 } }),
        await ask(server, 'POST', '/models/kling-16', IMAGE),
        await ask(server, 'GET', '/jobs/job_none/status'),
        await ask(server, 'GET', '/jobs/job_x'),
      ];
      expect(answers.map((a) => a.status)).toEqual([401, 400, 410, 503, 404]);
      for (const { body } of answers) expect(schemaProblems('ErrorResponse', body)).toBeNull();
      expect(answers.map((a) => a.body.error.type)).toEqual(
        server === typed
          ? ['authentication_error', 'invalid_request_error', 'invalid_request_error', 'server_error', 'invalid_request_error']
          : [undefined, undefined, undefined, undefined, undefined],
      );
      expect(answers[2].body.error).toMatchObject({ code: 'GONE', replaced_by: 'kling-v3' });
    }
  });
});

describe('the wallet at submit', () => {
  it('tops up by whole amounts as the price needs, or not at all', () => {
    expect(topUpFor({ mode: 'auto', amount: 10 }, 0.02, 0.08)).toBe(10);
    expect(topUpFor({ mode: 'auto', amount: 0.05 }, 0, 0.12)).toBe(0.15);
    expect(topUpFor({ mode: 'auto', amount: 10 }, 1, 0.08)).toBe(0);
    expect(topUpFor({ mode: 'declined', reason: 'card_declined' }, 0, 0.08)).toBeUndefined();
    expect(topUpFor({ mode: 'none' }, 0, 0.08)).toBeUndefined();
  });

  it("'auto': a submit the balance cannot pay tops the wallet up and goes through", async () => {
    const server = await serverWith({ balance: 0.01, topUp: { mode: 'auto', amount: 10 } });
    const answer = await ask(server, 'POST', '/models/gpt-image-2', IMAGE);
    expect(answer.status).toBe(202);
    const price = server.priceOf('gpt-image-2', IMAGE.input);
    expect(server.wallet.balance).toBeCloseTo(10.01 - price, 4);
    expect(server.stats.topUps).toBe(1);
  });

  it("'declined': the top-up fails, 402 with billing.reason beside the figures; nothing is made", async () => {
    const server = await serverWith({ balance: 0, topUp: { mode: 'declined', reason: 'card_declined' }, errorType: 'openai' });
    const answer = await ask(server, 'POST', '/models/gpt-image-2', IMAGE);
    expect(answer.status).toBe(402);
    expect(schemaProblems('ErrorResponse', answer.body)).toBeNull();
    expect(answer.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'INSUFFICIENT_BALANCE',
      billing: { balance: 0, required: server.priceOf('gpt-image-2', IMAGE.input), currency: 'USD', reason: 'card_declined' },
    });
    expect([server.jobs.size, server.stats.topUps]).toEqual([0, 0]);
  });
});

describe('a key still in progress (keyBusyMs)', () => {
  it('answers the same key 409 ALREADY_IN_PROGRESS, retryable, until the first submit is done; then replays its job', async () => {
    const time = manualTime();
    const server = await serverWith({ keyBusyMs: 1500, time });
    const body = { ...IMAGE, idempotency_key: 'k1' };
    const first = await ask(server, 'POST', '/models/gpt-image-2', body);
    time.advance(400);
    const busy = await ask(server, 'POST', '/models/gpt-image-2', body);
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'ALREADY_IN_PROGRESS', retryable: true, retry_after: 2 });
    time.advance(1100);
    const replayed = await ask(server, 'POST', '/models/gpt-image-2', body);
    expect([first.status, replayed.status]).toEqual([202, 202]);
    expect(replayed.body.job_id).toBe(first.body.job_id);
    expect(server.jobs.size).toBe(1);
  });
});

describe('ids and the spec version', () => {
  it("'opaque' issues job and asset ids that are no UUIDs, in mixed case, and serves their media", async () => {
    const server = await serverWith({ idForm: 'opaque' });
    const { body } = await ask(server, 'POST', '/models/gpt-image-2', IMAGE);
    expect(body.job_id).toMatch(/^job_Op[A-Za-z0-9_-]{24}$/);
    await new Promise((r) => setTimeout(r, 60));
    const result = await ask(server, 'GET', `/jobs/${body.job_id}`);
    expect(result.body.outputs[0].asset_id).toMatch(/^asset_Op[A-Za-z0-9_-]{24}$/);
    expect((await fetch(result.body.outputs[0].url)).status).toBe(200);
  });

  it('records the X-Hedra-Spec-Version each request carried', async () => {
    const server = await serverWith({});
    await ask(server, 'GET', '/balance', undefined, { 'x-hedra-spec-version': '3.9.0' });
    await ask(server, 'GET', '/balance');
    expect(server.requests.map((r) => r.specVersion)).toEqual(['3.9.0', undefined]);
  });
});
