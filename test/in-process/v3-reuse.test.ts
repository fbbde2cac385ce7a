// Reuse on v3 decided by what Hedra says about the job under the idempotency key, on the shared fast
// clock: re-runs seconds apart (no job aged by hand), Hedra's clock far from the runner's, and every
// undocumented form of idempotency the test server has (refusals stored or not, keys that expire, a key
// reused with another body answered 409, 422 or with the original job; the server's own modes for them are
// checked in test/server/hedra-v3-server.test.ts).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAST, type TestTime } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { envelope, type HedraV3Server, startHedraV3Server, type V3ServerOptions } from '../server/hedra-v3-server.ts';

const TIMINGS = { queued: 500, processing: 2_500 };
const MODEL = 'gpt-image-2';
const PRICE_OPTIONS = { quality: 'low', resolution: '1K' };

/** A server on Hedra's own clock: the runner's (FAST) moved by `skewMs`. */
async function serverAt(skewMs: number, options: V3ServerOptions = {}): Promise<HedraV3Server> {
  const time: TestTime = { ...FAST, now: () => FAST.now() + skewMs };
  return startHedraV3Server({ timings: TIMINGS, time, ...options });
}

let server: HedraV3Server;
beforeAll(async () => {
  server = await serverAt(0);
});
afterAll(async () => {
  expect(server.internalErrors).toEqual([]);
  await server.close();
});
beforeEach(() => {
  server.wallet.balance = 100;
  Object.assign(server.behaviour, {
    failFor: undefined,
    moderation: undefined,
    storeRefusals: false,
    keyTtlMs: undefined,
    idempotencyConflict: 409,
    dateHeader: true,
  });
});

const inputs = (what: string) => ({
  model: MODEL,
  prompt: `${what} ${randomBytes(4).toString('hex')}`,
  'aspect-ratio': '1:1',
  resolution: '1K',
  request: 'quality: low',
});
const runOn = (on: HedraV3Server, given: Record<string, string>) =>
  runInProcess({ api: 'v3', 'api-key': on.apiKey, 'base-url': on.baseUrl, timeout: '20m', ...given }, { reuseDefault: true });
const run = (given: Record<string, string>) => runOn(server, given);
const keysOf = (on: HedraV3Server, prompt: string) =>
  on.requests
    .filter((r) => r.method === 'POST' && r.path === `/models/${MODEL}` && (r.body as { input?: { prompt?: string } }).input?.prompt === prompt)
    .map((r) => (r.body as { idempotency_key: string }).idempotency_key);
const price = () => String(server.priceOf(MODEL, PRICE_OPTIONS));
const DOWN = { code: 'UNAVAILABLE', message: 'The provider is down.', retryable: true };

describe('v3 reuse: re-runs seconds apart, decided by what Hedra says', () => {
  it.each([
    ['on the same clock', 0],
    ["Hedra's clock five minutes behind the runner's", -300_000],
    ["Hedra's clock five minutes ahead", 300_000],
  ])('%s: the first run is paid, a re-run of its success is reused for nothing', async (_name, skew) => {
    const on = skew === 0 ? server : await serverAt(skew);
    try {
      const given = inputs('seconds apart');
      const first = await runOn(on, given);
      const second = await runOn(on, given);
      expect([first.code, first.outputs.reused, first.outputs.credits]).toEqual([0, 'false', String(on.priceOf(MODEL, PRICE_OPTIONS))]);
      expect([second.code, second.outputs.reused, second.outputs.credits]).toEqual([0, 'true', '0']);
      expect(second.outputs['generation-id']).toBe(first.outputs['generation-id']);
      expect(on.ledger).toHaveLength(1);
    } finally {
      if (on !== server) await on.close();
    }
  });

  it("a re-run of a failure makes a new attempt under the next slot's key, paid and counted", async () => {
    server.behaviour.failFor = () => DOWN;
    const broken = inputs('fails then works');
    const failed = await run(broken);
    server.behaviour.failFor = undefined;
    const retried = await run(broken);
    expect([failed.code, retried.code]).toEqual([1, 0]);
    expect(retried.outputs['generation-id']).not.toBe(failed.outputs['generation-id']);
    expect([retried.outputs.reused, retried.outputs.credits]).toEqual(['false', price()]);
    expect(retried.stdout).toContain(
      `Job ${failed.outputs['generation-id']}, made earlier from the same request, had failed: submitting again under a new key.`,
    );
    // The first failure's key, then the same again and the next slot's: a third run would meet the second's job.
    const [k0, k0again, k1] = keysOf(server, broken.prompt);
    expect([k0again === k0, k1 === k0]).toEqual([true, false]);
  });

  it('without a Date from Hedra, a job of this run is still never claimed as an earlier one', async () => {
    server.behaviour.dateHeader = false;
    const given = inputs('no date');
    const first = await run(given);
    expect([first.code, first.outputs.reused, first.outputs.credits]).toEqual([0, 'false', price()]);
  });
});

describe('v3 reuse: every undocumented idempotency form', () => {
  it.each([
    ['Hedra does not store refusals', false],
    ['Hedra stores a refusal under its key', true],
  ])('%s: a re-run after the cause is gone is not stuck on the refusal, and a refusal that holds fails the run', async (_name, store) => {
    server.behaviour.storeRefusals = store;
    // A refusal whose cause is Hedra's to remove (a moderation rule relaxed; a wallet funded, a scope granted).
    server.behaviour.moderation = () => 'The prompt was flagged by moderation.';
    const given = inputs('flagged');
    const refused = await run(given);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('flagged by moderation');
    // The derived key, then once under a random key: both refused, nothing made.
    expect(new Set(keysOf(server, given.prompt)).size).toBe(2);
    expect(refused.stdout).toContain('submitting once more under a new random key');
    server.behaviour.moderation = undefined;
    const funded = await run(given);
    expect([funded.code, funded.outputs.reused, funded.outputs.credits]).toEqual([0, 'false', price()]);
    if (store) expect(funded.stdout).toContain('Hedra accepted the new key');
    const again = await run(given);
    // Not stored: the derived key now holds the job, and a re-run reuses it. Stored: the kept refusal answers the
    // derived key until Hedra forgets it, so a re-run makes and counts a new job, and says how to pick the old one up.
    expect(again.code).toBe(0);
    if (store) {
      expect([again.outputs.reused, again.outputs.credits]).toEqual(['false', price()]);
      expect(again.stdout).toContain(`give generation-id the job id`);
    } else {
      expect([again.outputs.reused, again.outputs.credits, again.outputs['generation-id']]).toEqual(['true', '0', funded.outputs['generation-id']]);
    }
  });

  it('a key Hedra has forgotten makes a new job: counted as paid by this run, and said', async () => {
    const given = inputs('forgotten key');
    const first = await run(given);
    server.behaviour.keyTtlMs = 1;
    const second = await run(given);
    expect(second.code).toBe(0);
    expect(second.outputs['generation-id']).not.toBe(first.outputs['generation-id']);
    expect([second.outputs.reused, second.outputs.credits]).toEqual(['false', price()]);
    expect(second.stdout).toContain("an earlier run's key Hedra no longer keeps), so this run pays for it.");
  });

  it.each([409, 422])('the key taken by another body (%i ALREADY_EXISTS): submitted under a random key, not a failed run', async (status) => {
    const given = inputs('key taken');
    server.inject({
      method: 'POST',
      path: `/models/${MODEL}`,
      status,
      body: envelope('ALREADY_EXISTS', 'idempotency_key was already used with a different request.', { param: 'idempotency_key' }),
    });
    const result = await run(given);
    expect([result.code, result.outputs.reused, result.outputs.credits]).toEqual([0, 'false', price()]);
    expect(new Set(keysOf(server, given.prompt)).size).toBe(2);
  });

  it("the key answered with another request's job (the original's ack): never reused, a random key instead", async () => {
    const other = await run(inputs('the original'));
    const job = server.jobs.get(other.outputs['generation-id']);
    const given = inputs('another body');
    server.inject({ method: 'POST', path: `/models/${MODEL}`, status: 202, body: job?.ack, headers: { location: String(job?.ack.result_url) } });
    const result = await run(given);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`with job ${other.outputs['generation-id']}, which was made for another request (its prompt differs)`);
    expect(result.outputs['generation-id']).not.toBe(other.outputs['generation-id']);
    expect(server.jobs.get(result.outputs['generation-id'])?.input.prompt).toBe(given.prompt);
    expect([result.outputs.reused, result.outputs.credits]).toEqual(['false', price()]);
  });
});
