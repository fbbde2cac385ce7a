// Prices that are not prices, through a run (runWith) against both test
// servers in their hostile price modes: Hedra advertises or estimates a price
// that is below zero, not a number, ×0, nothing at all, or in another currency,
// while it charges the real one. With "max-credits", the run is refused before
// anything is paid, naming what Hedra answered; without it, the estimate is
// reported as unknown, never as free or negative. And a multi-shot video
// (multi_prompt) is priced as the sum of its shots. The pure pieces:
// test/unit/prices-fail-closed.test.ts; through the bundle:
// test/e2e/prices-fail-closed.e2e.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunOptions } from '../e2e/run-action.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, type HostilePricing, startHedraServer } from '../server/hedra-server.ts';
import { type HedraV3Server, type HostileEstimate, startHedraV3Server } from '../server/hedra-v3-server.ts';

let v2: HedraServer;
let v3: HedraV3Server;
beforeAll(async () => {
  [v2, v3] = await Promise.all([
    startHedraServer({ timings: { queued: 0, processing: 150, finalizing: 0 }, time: FAST }),
    startHedraV3Server({ timings: { queued: 500, processing: 2_500 }, time: FAST }),
  ]);
});
afterAll(async () => {
  expect(v3.internalErrors).toEqual([]);
  await Promise.all([v2.close(), v3.close()]);
});
beforeEach(() => {
  v2.requests.length = 0;
  v3.requests.length = 0;
  v2.behaviour.advertisedPricing = undefined;
  v3.behaviour.hostileEstimate = undefined;
});

const fresh = (what: string) => `${what} ${randomBytes(6).toString('hex')}`;
const runV2 = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runInProcess({ 'api-key': v2.apiKey, 'base-url': v2.baseUrl, reuse: 'false', ...inputs }, options);
const runV3 = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runInProcess({ api: 'v3', 'api-key': v3.apiKey, 'base-url': v3.baseUrl, timeout: '20m', ...inputs }, options);
const creates = () => v2.requests.filter((r) => r.method === 'POST' && r.path === '/generations');
const submits = () => v3.requests.filter((r) => r.method === 'POST' && r.path === '/models/kling-v3');
const errorLine = (stdout: string) => stdout.split('\n').find((line) => line.startsWith('::error')) ?? '';

/** A model, and inputs, under which each hostile v2 price applies: veo-3 at 1080p has a modifier (×1.5) to make ×0. */
const V2_FORMS: [HostilePricing, Record<string, string>, string][] = [
  ['negative-per-second', { model: 'kling/kling-2.5-turbo', prompt: 'a harbour' }, "its credits_per_second in Hedra's catalogue is -14, not a price"],
  ['words-per-second', { model: 'kling/kling-2.5-turbo', prompt: 'a harbour' }, 'its credits_per_second in Hedra\'s catalogue is "14 credits", not a price'],
  ['zero-modifier', { model: 'google/veo-3', resolution: '1080p', prompt: 'a harbour' }, "its resolution 1080p modifier in Hedra's catalogue is ×0"],
  ['words-modifier', { model: 'google/veo-3', resolution: '1080p', prompt: 'a harbour' }, 'its resolution 1080p modifier in Hedra\'s catalogue is ×"double"'],
  ['zero', { model: 'kling/kling-2.5-turbo', prompt: 'a harbour' }, "Hedra's catalogue prices it at 0 base_cost and 0 credits_per_second"],
  [
    'zero',
    { type: 'text_to_speech', model: 'elevenlabs/multilingual-v2', text: 'Hello there', 'voice-id': '9c2c4bd4-5a8e-4e29-9e1a-2f6c83d1b7a1' },
    "its credit_cost in Hedra's catalogue is 0",
  ],
];

describe('v2: a catalogue price that is not a price', () => {
  it.each(V2_FORMS)('%s (%o): max-credits refuses before paying, naming the figure', async (mode, inputs, figure) => {
    v2.behaviour.advertisedPricing = mode;
    const before = v2.billing.used;
    const result = await runV2({ 'max-credits': '100', ...inputs });
    expect(result.code).toBe(1);
    const error = errorLine(result.stdout);
    expect(error).toContain('::error title=Not paid for::Input "max-credits" is 100 credits, but the cost cannot be estimated (');
    expect(error).toContain(figure);
    expect(error).toContain('so nothing was paid');
    expect(creates()).toEqual([]);
    expect(v2.billing.used).toBe(before);
  });
  it.each(V2_FORMS)('%s (%o): without max-credits, the estimate is unknown, not free', async (mode, inputs, figure) => {
    v2.behaviour.advertisedPricing = mode;
    // Created, not followed: what it costs is known from the create on.
    const result = await runV2({ ...inputs, wait: 'false' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Estimated cost: unknown: the model ${inputs.model}: ${figure}`);
    expect(result.outputs['estimated-credits']).toBe('');
    expect(result.summary).not.toMatch(/estimated (-|0 credits)/);
    expect(creates()).toHaveLength(1);
  });
});

describe('v2: multi_prompt, the sum of its shots', () => {
  const fourShots =
    'generated_video_inputs: {multi_prompt: [{prompt: a, duration_ms: 15000}, {prompt: b, duration_ms: 15000}, {prompt: c, duration_ms: 15000}, {prompt: d, duration_ms: 15000}]}';
  it('four 15 s shots at 14/s are 840 credits, over max-credits 100: refused, nothing paid', async () => {
    const before = v2.billing.used;
    const result = await runV2({ prompt: fresh('a storyboard'), model: 'kling/kling-2.5-turbo', request: fourShots, 'max-credits': '100' });
    expect(result.code).toBe(1);
    expect(errorLine(result.stdout)).toContain(
      '::error title=Not paid for::The estimated cost, 840 credits (14/s × 60s (4 shots of multi_prompt)), is over "max-credits" (100 credits); nothing was paid.',
    );
    expect(creates()).toEqual([]);
    expect(v2.billing.used).toBe(before);
  });
  it('under a budget that covers it, the estimate is what Hedra charges', async () => {
    const before = v2.billing.used;
    const result = await runV2({ prompt: fresh('a storyboard'), model: 'kling/kling-2.5-turbo', request: fourShots, 'max-credits': '840' });
    expect(result.code).toBe(0);
    expect(result.outputs['estimated-credits']).toBe('840');
    expect(v2.billing.used - before).toBe(840);
    expect(result.outputs.credits).toBe('840');
  });
});

/** kling-v3 at 5 s costs $0.25; the budget is a tenth of a dollar. */
const KLING = { model: 'kling-v3', 'aspect-ratio': '16:9', duration: '5s', request: '{"quality": "standard"}' };
const V3_FORMS: [HostileEstimate, string][] = [
  ['negative', "Hedra's estimate answered cost -0.25, which is not an amount of money (a finite number, 0 or more)"],
  ['nan', 'Hedra\'s estimate answered cost "NaN", which is not an amount of money (a finite number, 0 or more)'],
  ['words', 'Hedra\'s estimate answered cost "fifty cents", which is not an amount of money (a finite number, 0 or more)'],
  ['foreign-currency', 'Hedra\'s estimate answered currency "BTC", not USD'],
];

describe('v3: an estimate that is not an amount in US dollars', () => {
  it.each(V3_FORMS)('%s: max-credits refuses before storing or paying, naming the answer', async (mode, said) => {
    v3.behaviour.hostileEstimate = mode;
    const before = v3.wallet.balance;
    const result = await runV3({ ...KLING, prompt: fresh('budget'), 'max-credits': '0.10' });
    expect(result.code).toBe(1);
    expect(errorLine(result.stdout)).toBe(
      `::error title=Not paid for::Input "max-credits" is $0.10 (US dollars on v3, the API wallet's unit), but the cost cannot be estimated (${said}), so nothing was paid: a budget guard does not guess. Remove "max-credits" to run without it.`,
    );
    expect(submits()).toEqual([]);
    expect(v3.wallet.balance).toBe(before);
  });
  it.each(V3_FORMS)('%s: without max-credits, a warning and an unknown estimate, never free or negative', async (mode, said) => {
    v3.behaviour.hostileEstimate = mode;
    const result = await runV3({ ...KLING, prompt: fresh('budget'), wait: 'false' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`::warning title=No estimate::The cost is not known: ${said}`);
    expect(result.stdout).toContain(`Estimated cost: unknown: ${said}`);
    expect(result.outputs['estimated-credits']).toBe('');
    expect(result.summary).not.toMatch(/estimated (-|\$0\.00|0\.0)/);
    expect(submits()).toHaveLength(1);
  });
});
