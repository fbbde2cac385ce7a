// Reuse on v3 through the committed bundle: re-runs seconds apart, decided by what Hedra says about the
// job under the idempotency key (when it stamped the job, on its own clock, against the Date of its
// answers), not by a fixed minute. Every idempotency form runs in-process in test/in-process/v3-reuse.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { wallTime } from '../helpers/fast-time.ts';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { runAction } from './run-action.ts';

/**
 * Hedra's clock: the wall clock, moved on by a test between runs. The Date header says the second, so two
 * submits in the same second cannot be told apart by it; a real re-run comes seconds after the job it
 * repeats ended, a child process of this test within one. Moving the server's clock on (its jobs, their
 * stamps, its Date headers alike) stands for those seconds without waiting them.
 */
let offset = 0;
let server: HedraV3Server;
beforeAll(async () => {
  server = await startHedraV3Server({ timings: { queued: 50, processing: 300 }, time: { ...wallTime, now: () => Date.now() + offset } });
});
afterAll(async () => {
  expect(server.internalErrors).toEqual([]);
  await server.close();
});

it('a re-run seconds after a failure makes a new attempt (paid, not reused); one seconds after a success is reused for nothing', async () => {
  const inputs = { api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, timeout: '30s', model: 'gpt-image-2' };
  const request = { ...inputs, prompt: `seconds apart ${randomBytes(4).toString('hex')}`, 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' };
  const price = String(server.priceOf('gpt-image-2', { quality: 'low', resolution: '1K' }));
  server.behaviour.failFor = () => ({ code: 'UNAVAILABLE', message: 'The provider is down.', retryable: true });
  const failed = await runAction(request, { reuseDefault: true });
  server.behaviour.failFor = undefined;
  offset += 2000;
  const retried = await runAction(request, { reuseDefault: true });
  offset += 2000;
  const again = await runAction(request, { reuseDefault: true });
  expect([failed.code, retried.code, again.code]).toEqual([1, 0, 0]);
  expect(retried.outputs['generation-id']).not.toBe(failed.outputs['generation-id']);
  expect([retried.outputs.reused, retried.outputs.credits]).toEqual(['false', price]);
  expect(again.outputs['generation-id']).toBe(retried.outputs['generation-id']);
  expect([again.outputs.reused, again.outputs.credits]).toEqual(['true', '0']);
  // Two jobs charged (the failed one refunded), none for the reused run.
  expect(server.ledger.filter((entry) => entry.amount > 0)).toHaveLength(2);
  expect(again.stderr).toBe('');
});
