// The steps both APIs share (src/pipeline/), each proven once, for each
// adapter: the same inputs through runWith against the v2 and the v3
// validating servers, on the fast clock. What differs between the APIs (the
// unit of money, what an item is called, how the request is shaped) is a
// parameter; what a user reads of the run is the same sentence on both.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRun } from '../e2e/run-action.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';

interface Api {
  name: 'v2' | 'v3';
  /** The inputs of a valid image request on this API (a fresh prompt each time, so nothing is reused). */
  image(prompt: string): Record<string, string>;
  /** The requests that submit (and pay). */
  submits(): unknown[];
  /** Every request made, as `METHOD path`. */
  requests(): string[];
  /** Jobs take `ms` of the run's clock from now on. */
  jobsTake(ms: number): void;
  /** The account can spend this much (in the API's unit). */
  spendable(amount: number): void;
  /** What one image costs, as the run says it, and a budget just under it. */
  price: { said: RegExp; under: string };
  /** The item and its id as the log names them. */
  noun: string;
  /** The read that checks the request against the model. */
  modelRead: string;
  reset(): void;
}

let v2: HedraServer;
let v3: HedraV3Server;
beforeAll(async () => {
  [v2, v3] = await Promise.all([startHedraServer({ time: FAST }), startHedraV3Server({ time: FAST })]);
});
afterAll(async () => {
  expect(v2.internalErrors).toEqual([]);
  expect(v3.internalErrors).toEqual([]);
  await Promise.all([v2.close(), v3.close()]);
});

const line = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

const APIS: Api[] = [
  {
    name: 'v2',
    image: (prompt) => ({ 'api-key': v2.apiKey, 'base-url': v2.baseUrl, type: 'image', model: 'google/nano-banana', prompt }),
    submits: () => v2.requests.filter((r) => r.method === 'POST' && r.path === '/generations'),
    requests: () => v2.requests.map(line),
    jobsTake: (ms) => {
      v2.behaviour.timings = { queued: ms / 4, processing: ms / 2, finalizing: ms / 4 };
    },
    spendable: (amount) => {
      v2.behaviour.credits = amount;
    },
    price: { said: /Estimated cost: 8 credits \(8 base\)\./, under: '7' },
    noun: 'generation',
    modelRead: 'GET /models',
    reset: () => {
      v2.requests.length = 0;
      v2.behaviour.timings = { queued: 50, processing: 200, finalizing: 50 };
      v2.behaviour.credits = undefined;
    },
  },
  {
    name: 'v3',
    image: (prompt) => ({
      api: 'v3',
      'api-key': v3.apiKey,
      'base-url': v3.baseUrl,
      model: 'gpt-image-2',
      prompt,
      'aspect-ratio': '1:1',
      resolution: '1K',
      request: 'quality: medium',
    }),
    submits: () => v3.requests.filter((r) => r.method === 'POST' && r.path === '/models/gpt-image-2'),
    requests: () => v3.requests.map(line),
    jobsTake: (ms) => {
      v3.behaviour.timings = { queued: ms / 4, processing: (3 * ms) / 4 };
    },
    spendable: (amount) => {
      v3.wallet.balance = amount;
    },
    price: { said: /Estimated cost: \$0\.\d+, from POST \/models\/\{model\}\/estimate\./, under: '0.01' },
    noun: 'job',
    modelRead: 'GET /models/gpt-image-2',
    reset: () => {
      v3.requests.length = 0;
      v3.clearFaults();
      v3.wallet.balance = 100;
      v3.behaviour.timings = { queued: 100, processing: 300 };
    },
  },
];

const fresh = (what: string) => `${what} ${randomBytes(4).toString('hex')}`;
const errors = (result: ActionRun) => result.stdout.split('\n').filter((l) => l.startsWith('::error'));

describe.each(APIS)('the pipeline on $name', (api) => {
  beforeEach(() => api.reset());

  it('makes the image: one submit, followed to its end, downloaded, reported', async () => {
    const result = await runInProcess(api.image(fresh('a lighthouse')));
    expect(errors(result)).toEqual([]);
    expect(result.code).toBe(0);
    expect(api.submits()).toHaveLength(1);
    expect(result.stdout).toMatch(api.price.said);
    expect(result.outputs.status).toBe('complete');
    expect(readFileSync(result.outputs.path).length).toBeGreaterThan(0);
    expect(result.outputs.reused).toBe('false');
    expect(result.summary).toContain('### Hedra image: complete');
  });

  it('a dry run checks the request against the model and pays nothing', async () => {
    const result = await runInProcess({ ...api.image(fresh('a dry lighthouse')), 'dry-run': 'true' });
    expect(errors(result)).toEqual([]);
    expect(result.code).toBe(0);
    expect(api.submits()).toEqual([]);
    expect(api.requests()).toContain(api.modelRead);
    expect(JSON.parse(result.outputs.request)).toBeTypeOf('object');
    expect(result.summary).toContain('dry run');
  });

  it('wait: false submits once and hands on the id, without following it', async () => {
    const result = await runInProcess({ ...api.image(fresh('a quick lighthouse')), wait: 'false' });
    expect(result.code).toBe(0);
    expect(api.submits()).toHaveLength(1);
    expect(result.outputs['generation-id']).toBeTruthy();
    expect(result.outputs.status).toBeUndefined();
    expect(result.summary).toContain('Not waited for (`wait: false`)');
  });

  it('generation-id picks up what exists: nothing is submitted, the result is downloaded', async () => {
    const first = await runInProcess({ ...api.image(fresh('a lighthouse to pick up')), wait: 'false' });
    const id = first.outputs['generation-id'];
    api.reset();
    const { 'base-url': baseUrl, 'api-key': key, api: which } = api.image('');
    const picked = await runInProcess({ 'base-url': baseUrl, 'api-key': key, ...(which ? { api: which } : {}), 'generation-id': id });
    expect(errors(picked)).toEqual([]);
    expect(picked.code).toBe(0);
    expect(api.submits()).toEqual([]);
    expect(picked.stdout).toContain(`Resuming ${api.noun} ${id}.`);
    expect(picked.outputs['generation-id']).toBe(id);
    expect(picked.outputs.status).toBe('complete');
    expect(picked.summary).toContain('resumed an existing generation');
  });

  it("an unknown generation-id is the input's problem, in the same words", async () => {
    const { 'base-url': baseUrl, 'api-key': key, api: which } = api.image('');
    const id = api.name === 'v2' ? '99999999-9999-4999-8999-999999999999' : 'job_99999999-9999-4999-8999-999999999999';
    const result = await runInProcess({ 'base-url': baseUrl, 'api-key': key, ...(which ? { api: which } : {}), 'generation-id': id });
    expect(result.code).toBe(1);
    expect(errors(result)).toEqual([
      `::error title=Invalid input::Input "generation-id": Hedra has no ${api.noun} ${id} for this API key. Check the id (a later job gets it through job outputs), and that the key is of the same workspace.`,
    ]);
  });

  it('a timeout while waiting sets the status output and says how to pick the work up', async () => {
    api.jobsTake(60 * 60_000);
    const result = await runInProcess({ ...api.image(fresh('a slow lighthouse')), timeout: '2m' });
    expect(result.code).toBe(1);
    const id = result.outputs['generation-id'];
    expect(id).toBeTruthy();
    expect(['queued', 'processing']).toContain(result.outputs.status);
    const [error] = errors(result);
    expect(error).toContain('Gave up waiting after 2m 00s (input "timeout")');
    expect(error).toContain(`run this action with generation-id: ${id}`);
  });

  it("max-credits under the estimate refuses before anything is paid, in the API's unit", async () => {
    const result = await runInProcess({ ...api.image(fresh('a dear lighthouse')), 'max-credits': api.price.under });
    expect(result.code).toBe(1);
    expect(api.submits()).toEqual([]);
    const [error] = errors(result);
    expect(error).toMatch(/^::error title=Not paid for::The estimated cost, .+, is over "max-credits" \(.+\); nothing was paid\./);
    expect(error).toContain(api.name === 'v2' ? '(7 credits)' : "($0.01 (US dollars on v3, the API wallet's unit))");
  });

  it('a balance under the estimate: v2 refuses before anything is paid; v3 warns (the wallet may top up at submit) and Hedra refuses for free', async () => {
    api.spendable(api.name === 'v2' ? 5 : 0.001);
    const result = await runInProcess(api.image(fresh('a lighthouse on credit')));
    expect(result.code).toBe(1);
    const [error] = errors(result);
    if (api.name === 'v2') {
      expect(api.submits()).toEqual([]);
      expect(error).toMatch(/^::error title=Not paid for::Not enough Hedra credits: this run needs .+ and .+ can be spent\. Nothing was paid\./);
    } else {
      expect(result.stdout).toMatch(
        /::warning title=Balance below the estimate::The balance is below this run's estimate: .+ is needed and \$0\.001 can be spent/,
      );
      expect((api.submits() as { status: number }[]).map((r) => r.status)).toEqual([402]);
      expect(error).toContain('Not enough money in the Hedra API wallet for this request: balance $0.001');
    }
  });

  it('reports every input problem in one round: what did not parse beside what the model does not take', async () => {
    const result = await runInProcess({ ...api.image(fresh('a lighthouse')), seed: 'four', 'aspect-ratio': '4:7' });
    expect(result.code).toBe(1);
    const [error] = errors(result);
    expect(error).toContain('The inputs have 2 problems:');
    expect(error).toContain('Input "seed" must be a whole number, got "four".');
    expect(error).toMatch(/Input "aspect-ratio"[^%]*4:7/);
    // Nothing paid, and nothing read but the model: the other free reads wait for inputs that can be sent.
    expect(api.submits()).toEqual([]);
    expect(api.requests()).toEqual([api.modelRead]);
  });
});
