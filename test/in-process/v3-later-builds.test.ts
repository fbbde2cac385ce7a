// A run in-process against the v3 test server playing Hedra's builds after
// spec 3.9.0 (test/server/v3-later-builds.ts): every error answer carries the
// OpenAI `error.type` beside `code`, wallets top up at submit (or fail to,
// with `billing.reason`), ids are opaque. What the action does with v3 errors
// must not change when `type` is there; the spec version goes with every v3
// request; the wallet check warns where a top-up may pay; `max-credits` on a
// model priced only after measuring refuses, saying so. The Done-when items
// run through the bundle in test/e2e/v3-later-builds.e2e.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunOptions } from '../e2e/run-action.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { envelope, expiredHandle, type HedraV3Server, startHedraV3Server, voicesOf } from '../server/hedra-v3-server.ts';

let server: HedraV3Server;
beforeAll(async () => {
  server = await startHedraV3Server({ timings: { queued: 500, processing: 2_500 }, time: FAST, errorType: 'openai' });
});
afterAll(async () => {
  expect(server.internalErrors).toEqual([]);
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.clearFaults();
  server.wallet.balance = 100;
  Object.assign(server.behaviour, { retired: {}, topUp: { mode: 'none' }, idForm: 'uuid', keyBusyMs: undefined });
});

const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runInProcess({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, timeout: '20m', ...inputs }, options);
const fresh = (what: string) => `${what} ${randomBytes(4).toString('hex')}`;
const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2048)]);
const submits = (model: string) => server.requests.filter((r) => r.method === 'POST' && r.path === `/models/${model}`);
const errorLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::error'));
const KLING = { model: 'kling-v3', 'aspect-ratio': '16:9', duration: '5s', request: '{"quality": "standard"}' };
const IMAGE = { model: 'gpt-image-2', 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: high' };

describe('errors with error.type are decoded as fully as without', () => {
  it('stores the files again when Hedra says a handle expired, and submits once more', async () => {
    server.inject({
      method: 'POST',
      path: '/models/kling-v3',
      status: 400,
      body: expiredHandle('input.start_image'),
    });
    const result = await run({ ...KLING, prompt: fresh('expired handle'), image: 'fox.png' }, { files: { 'fox.png': png() } });
    expect(errorLines(result.stdout)).toEqual([]);
    expect(result.stdout).toContain('Hedra said a stored file had expired; storing the files again');
    expect(submits('kling-v3').map((r) => r.status)).toEqual([400, 202]);
    expect(server.requests.filter((r) => r.path === '/files')).toHaveLength(2);
  });

  it("names each refused field by the workflow's input, with the allowed values", async () => {
    server.inject({
      method: 'POST',
      path: '/models/kling-v3',
      status: 400,
      body: envelope('INVALID_ARGUMENT', '1 input field is invalid; see details.', {
        param: 'input.duration_ms',
        details: [{ field: 'input.duration_ms', message: 'input.duration_ms: Input should be 5000 or 10000', reason: 'enum', allowed: ['5000', '10000'] }],
      }),
    });
    const result = await run({ ...KLING, prompt: fresh('fields') });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'Hedra refused the request for model kling-v3 (HTTP 400):%0A- Input "duration": Input should be 5000 or 10000 (allowed: 5000, 10000)',
    );
  });

  it("names a retired model's successor, as an input error, before anything is paid", async () => {
    server.behaviour.retired = { 'kling-v3': 'kling-o3' };
    const result = await run({ ...KLING, prompt: 'p' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'Model "kling-v3" is retired (HTTP 410, GET /models/kling-v3). Hedra names its successor: "kling-o3" — set input "model" to kling-o3',
    );
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('retries a submit Hedra says is retryable (a key still in progress), under the same key, into the one job', async () => {
    // Hedra still processes a key's first submit for a minute (of the shared fast clock): a second run of the
    // same inputs (the same key) meanwhile is answered 409 ALREADY_IN_PROGRESS, retryable, with retry_after.
    // (Two runs started together go through the bundle: test/e2e/v3-later-builds.e2e.test.ts.)
    server.behaviour.keyBusyMs = 60_000;
    const inputs = { ...IMAGE, prompt: fresh('in progress'), request: 'quality: low' };
    const jobs = server.jobs.size;
    const first = await run(inputs, { reuseDefault: true });
    const second = await run(inputs, { reuseDefault: true });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.outputs['generation-id']).toBe(first.outputs['generation-id']);
    expect(server.jobs.size).toBe(jobs + 1);
    expect(submits('gpt-image-2').map((r) => [r.status, (r.body as { idempotency_key: string }).idempotency_key])).toEqual([
      [202, expect.any(String)],
      [409, expect.any(String)],
      [202, expect.any(String)],
    ]);
    expect(new Set(submits('gpt-image-2').map((r) => (r.body as { idempotency_key: string }).idempotency_key)).size).toBe(1);
  });

  it('a key still in progress past the deadline is not moved to a random key: no second job is paid', async () => {
    server.behaviour.keyBusyMs = 3_600_000;
    const inputs = { ...IMAGE, prompt: fresh('long in progress'), request: 'quality: low' };
    const first = await run(inputs, { reuseDefault: true });
    const second = await run({ ...inputs, timeout: '2m' }, { reuseDefault: true });
    expect([first.code, second.code]).toEqual([0, 1]);
    expect(second.stdout).toContain(
      'Another submit under this idempotency key (a run of the same inputs) is still being processed, so no second job was paid for. Run the workflow again once it has been, to get its job.',
    );
    expect(new Set(submits('gpt-image-2').map((r) => (r.body as { idempotency_key: string }).idempotency_key)).size).toBe(1);
    expect(server.ledger.filter((e) => server.jobs.get(e.jobId)?.input.prompt === inputs.prompt)).toHaveLength(1);
  });

  it("shows a 402's wallet figures and funding link", async () => {
    server.wallet.balance = 0;
    const result = await run({ ...IMAGE, prompt: fresh('empty') });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Not enough money in the Hedra API wallet for this request: balance $0.00, this request costs $0.08 (USD)');
    expect(result.stdout).toContain('Add funds at https://www.hedra.com/develop/billing');
  });
});

describe('the wallet check warns where a top-up may pay', () => {
  it('a low wallet that tops up at submit: warned, submitted once, paid, downloaded', async () => {
    server.wallet.balance = 0.01;
    server.behaviour.topUp = { mode: 'auto', amount: 10 };
    const result = await run({ ...IMAGE, prompt: fresh('top up') });
    expect(errorLines(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "::warning title=Balance below the estimate::The balance is below this run's estimate: $0.08, from POST /models/{model}/estimate is needed and $0.01 can be spent",
    );
    expect(submits('gpt-image-2').map((r) => r.status)).toEqual([202]);
    expect(server.stats.topUps).toBeGreaterThan(0);
    expect(result.outputs.credits).toBe('0.08');
  });

  it("a top-up that is declined: Hedra's 402 says why, with the figures and the funding link", async () => {
    server.wallet.balance = 0.01;
    server.behaviour.topUp = { mode: 'declined', reason: 'card_declined' };
    const result = await run({ ...IMAGE, prompt: fresh('declined') });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "Not enough money in the Hedra API wallet for this request: balance $0.01, this request costs $0.08 (USD) (HTTP 402, POST /models/gpt-image-2). The wallet's automatic top-up failed (card_declined): check the payment method it charges, or add funds by hand. Add funds at https://www.hedra.com/develop/billing",
    );
    expect(submits('gpt-image-2').map((r) => r.status)).toEqual([402]);
  });

  it('max-credits still refuses an estimate over it, before paying', async () => {
    const result = await run({ ...IMAGE, prompt: fresh('dear'), 'max-credits': '0.05' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('The estimated cost, $0.08, from POST /models/{model}/estimate, is over "max-credits"');
    expect(submits('gpt-image-2')).toEqual([]);
  });
});

describe('max-credits on a model Hedra prices only once it has measured the inputs', () => {
  const forms = [
    ['an estimate with no cost', { status: 200, body: { model: 'gpt-image-2', currency: 'USD' } }],
    ['an estimate whose cost is null', { status: 200, body: { model: 'gpt-image-2', cost: null, currency: 'USD' } }],
    [
      'a refusal whose billing has no required figure',
      {
        status: 402,
        body: envelope('INSUFFICIENT_BALANCE', 'Your API wallet balance is $0.00.', {
          billing: { balance: 0, funding_url: 'https://www.hedra.com/develop/billing' },
        }),
      },
    ],
  ] as const;

  it.each(forms)('%s: refused before paying, saying the budget cannot be guarded and how to go on', async (_form, answer) => {
    server.inject({ method: 'POST', path: '/models/gpt-image-2/estimate', ...answer });
    const result = await run({ ...IMAGE, prompt: fresh('unpriced'), 'max-credits': '1' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'Input "max-credits" is $1.00 (US dollars on v3, the API wallet\'s unit), but Hedra cannot price model gpt-image-2 before it has measured the inputs (its estimate gives no cost): no price is known before paying, so the budget cannot be guarded and nothing was paid. To run this model, remove "max-credits" from this step',
    );
    expect(submits('gpt-image-2')).toEqual([]);
  });

  it('without max-credits the run goes on, the cost unknown until Hedra charges it', async () => {
    server.inject({ method: 'POST', path: '/models/gpt-image-2/estimate', ...forms[0][1] });
    const result = await run({ ...IMAGE, prompt: fresh('unpriced, unguarded') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Estimated cost: unknown: Hedra cannot price model gpt-image-2 before it has measured the inputs');
    expect(result.outputs.credits).toBe('0.08');
  });
});

describe('every v3 request says the spec it was built against', () => {
  it('X-Hedra-Spec-Version: 3.9.0 on each request to the API (files, catalogue, estimate, submit, stream, result), none to the media URL', async () => {
    const result = await run({ ...KLING, prompt: fresh('spec'), image: 'fox.png' }, { files: { 'fox.png': png() } });
    expect(result.code).toBe(0);
    const api = server.requests.filter((r) => !r.path.startsWith('/media/'));
    expect(new Set(api.map((r) => `${r.method} ${r.path.replace(/job_[^/]+/, '{job}')}`))).toEqual(
      new Set([
        'POST /files',
        'GET /models/kling-v3',
        'GET /balance',
        'POST /models/kling-v3/estimate',
        'POST /models/kling-v3',
        'GET /jobs/{job}/stream',
        'GET /jobs/{job}',
      ]),
    );
    expect(api.filter((r) => r.specVersion !== '3.9.0')).toEqual([]);
    expect(server.requests.filter((r) => r.path.startsWith('/media/')).map((r) => r.specVersion)).toEqual([undefined]);
  });
});

describe('ids are opaque', () => {
  it('a job and an asset id that are no UUIDs, in mixed case, are kept as issued: outputs, the file, a pick-up', async () => {
    server.behaviour.idForm = 'opaque';
    const made = await run({ ...IMAGE, prompt: fresh('opaque'), request: 'quality: low' });
    expect(errorLines(made.stdout)).toEqual([]);
    const job = [...server.jobs.values()].find((j) => j.id === made.outputs['generation-id']);
    expect(job?.id).toMatch(/^job_Op/);
    expect(made.outputs['asset-id']).toBe(job?.assetId);
    expect(made.outputs.path).toContain(job?.assetId);
    const picked = await run({ 'generation-id': made.outputs['generation-id'] });
    expect([picked.code, picked.outputs['generation-id']]).toEqual([0, job?.id]);
  });

  it('an asset id given as media is sent as written', async () => {
    server.behaviour.idForm = 'opaque';
    const first = await run({ ...IMAGE, prompt: fresh('source'), request: 'quality: low' });
    const asset = first.outputs['asset-id'];
    const second = await run({ ...KLING, prompt: fresh('from asset'), image: asset });
    expect(second.code).toBe(0);
    expect((submits('kling-v3')[0].body as { input: { start_image: unknown } }).input.start_image).toEqual({ source: 'asset', asset_id: asset });
  });

  it('a voice-id that is no v3 voice id is refused before any request, naming the rule', async () => {
    const voice = voicesOf('elevenlabs-v3')[0].id;
    const result = await run({ model: 'elevenlabs-v3', text: 'hello', 'voice-id': `${voice}/../x` });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Input "voice-id" must be a v3 voice id (voice_…; GET /models/{model}/voices lists the voices of a speech model)');
    // The model's schema is read (free) to report every problem at once; nothing is stored or submitted.
    expect(server.requests.filter((r) => r.method !== 'GET' || !r.path.startsWith('/models/'))).toEqual([]);
  });
});
