// The cost guards through the committed bundle, against the test servers in
// their hostile price modes: Hedra estimates or advertises a price that is not
// one (below zero, ×0) while it charges the real one, and a multi-shot video
// is priced by its shots. "max-credits" must refuse each run
// before anything is paid. Every form, on both APIs, with and without
// "max-credits" (a cost in bitcoin, NaN or words, a per-second rate below zero
// or in words, a model priced at nothing), runs in-process in
// test/in-process/prices-fail-closed.test.ts.
// The three runs go at once, each against its own server (a hostile mode is a
// server's whole behaviour), to keep the wall time near one run's.
import { afterAll, describe, expect, it } from 'vitest';
import { type HedraServer, type HostilePricing, startHedraServer } from '../server/hedra-server.ts';
import { type HedraV3Server, type HostileEstimate, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { runAction } from './run-action.ts';

const TIMINGS = { queued: 0, processing: 150, finalizing: 0 };
const servers: { close(): Promise<void> }[] = [];
const v2 = async (advertisedPricing?: HostilePricing) => {
  const server = await startHedraServer({ timings: TIMINGS, advertisedPricing });
  servers.push(server);
  return server;
};
const v3 = async (hostileEstimate: HostileEstimate) => {
  const server = await startHedraV3Server({ timings: { queued: 50, processing: 150 }, hostileEstimate });
  servers.push(server);
  return server;
};
afterAll(() => Promise.all(servers.map((s) => s.close())));

const runV2 = (server: HedraServer, inputs: Record<string, string>) =>
  runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, 'max-credits': '100', ...inputs });
/** kling-v3 at 5 s costs $0.25, over a budget of a tenth of a dollar. */
const runV3 = (server: HedraV3Server) =>
  runAction({
    api: 'v3',
    'api-key': server.apiKey,
    'base-url': server.baseUrl,
    timeout: '30s',
    model: 'kling-v3',
    prompt: 'a lighthouse',
    'aspect-ratio': '16:9',
    duration: '5s',
    request: '{"quality": "standard"}',
    'max-credits': '0.10',
  });
const errorLine = (stdout: string) => stdout.split('\n').find((line) => line.startsWith('::error')) ?? '';
const creates = (server: HedraServer) => server.requests.filter((r) => r.method === 'POST' && r.path === '/generations');
const submits = (server: HedraV3Server) => server.requests.filter((r) => r.method === 'POST' && r.path === '/models/kling-v3');

const shots = ['a', 'b', 'c', 'd'].map((p) => `{prompt: ${p}, duration_ms: 15000}`).join(', ');

// The servers start while the file is collected, so that the runs can start in the describe body (where
// their temporary directories may be made), all at once; each test awaits them.
const [storyboard, negative, zeroModifier] = await Promise.all([v2(), v3('negative'), v2('zero-modifier')]);

describe('max-credits through the bundle', () => {
  const runs = Promise.all([
    runV2(storyboard, { model: 'kling/kling-2.5-turbo', prompt: 'a storyboard', request: `generated_video_inputs: {multi_prompt: [${shots}]}` }),
    runV3(negative),
    runV2(zeroModifier, { model: 'google/veo-3', prompt: 'a harbour', resolution: '1080p' }),
  ]);

  it('prices a multi-shot video as the sum of its shots: 4 × 15 s at 14/s is 840 credits, over 100, refused unpaid', async () => {
    const [result] = await runs;
    // What was paid first: the old estimate (the model's default 5 s, 70 credits) let Hedra charge 840.
    expect(storyboard.billing.used).toBe(0);
    expect(creates(storyboard)).toEqual([]);
    expect(result.code).toBe(1);
    expect(errorLine(result.stdout)).toBe(
      '::error title=Not paid for::The estimated cost, 840 credits (14/s × 60s (4 shots of multi_prompt)), is over "max-credits" (100 credits); nothing was paid. Raise "max-credits", or ask for less (a shorter "duration", a lower "resolution", a smaller "batch-size"). To download work already paid for, pick it up with input "generation-id" (no guard applies).',
    );
  });

  it('refuses, unpaid, a price that is not one: a v3 estimate below zero, a v2 modifier of ×0', async () => {
    const hostile = (await runs).slice(1);
    // What was paid first: the old guard took -$0.25 and 0 credits as under budget, and Hedra charged $0.25 and 240 credits.
    expect([negative.wallet.balance, zeroModifier.billing.used]).toEqual([100, 0]);
    expect([submits(negative), creates(zeroModifier)]).toEqual([[], []]);
    expect(hostile.map((r) => r.code)).toEqual([1, 1]);
    expect(hostile.map((r) => errorLine(r.stdout))).toEqual([
      `::error title=Not paid for::Input "max-credits" is $0.10 (US dollars on v3, the API wallet's unit), but the cost cannot be estimated (Hedra's estimate answered cost -0.25, which is not an amount of money (a finite number, 0 or more)), so nothing was paid: a budget guard does not guess. Remove "max-credits" to run without it.`,
      `::error title=Not paid for::Input "max-credits" is 100 credits, but the cost cannot be estimated (the model google/veo-3: its resolution 1080p modifier in Hedra's catalogue is ×0, and a multiplier must be a number more than 0), so nothing was paid: a budget guard does not guess. Remove "max-credits" to run without it.`,
    ]);
  });
});
