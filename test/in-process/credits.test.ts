// Spending credits wisely, in-process through runWith against the validating
// test server: the estimate before paying (checked against what the test server
// then charges), the budget and balance guards, and reuse of a generation made
// earlier from the same inputs. These runs keep action.yml's default `reuse:
// true` unless they set it. The run and the server share a fast clock
// (test/helpers/fast-time.ts). Two runs at once are two processes: that race is
// run through the bundle, in test/e2e/credits.e2e.test.ts, with a sample of the rest.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunOptions } from '../e2e/run-action.ts';
import { FAST, scaledTime } from '../helpers/fast-time.ts';
import { mp3 } from '../helpers/media-files.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { CHARACTER_3_DEFAULT_SLUG } from '../server/catalogue.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ timings: { queued: 0, processing: 150, finalizing: 0 }, time: FAST });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.behaviour.credits = undefined;
  server.behaviour.modelsFailure = undefined;
  server.behaviour.errorFor = undefined;
});

const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runInProcess({ 'api-key': server.apiKey, 'base-url': server.baseUrl, ...inputs }, { reuseDefault: true, ...options });

const made = (method: string, path: string | RegExp) =>
  server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
const creates = () => made('POST', '/generations');
const uploads = () => made('POST', /^\/assets/);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A prompt no other test uses, so that reuse starts from nothing. */
const fresh = (what: string) => `${what} ${randomBytes(6).toString('hex')}`;

describe('the estimate, before paying', () => {
  it.each([
    // [what, inputs, estimate]: per second (with the model's default duration, a batch, modifiers), per generation, per character.
    ['per second, the default duration', { model: 'kling/kling-2.5-turbo' }, 70], // 14/s × 5 s
    ['per second, a batch of 2 at 10 s', { model: 'kling/kling-2.5-turbo', duration: '10s', 'batch-size': '2' }, 280],
    [
      'per second with two modifiers',
      { model: 'google/veo-3', duration: '8s', resolution: '1080p', request: 'generated_video_inputs: {generate_audio: false}' },
      240, // 40/s × 8 s × 1.5 × 0.5
    ],
    ['per generation, a batch of 3', { type: 'image', model: 'google/nano-banana', 'batch-size': '3' }, 24],
    ['per generation with a modifier', { type: 'image', model: 'google/nano-banana', resolution: '4K' }, 16],
  ])('%s: shown in the log, the outputs and the summary, and what Hedra then charges', async (_, inputs, estimate) => {
    const before = server.billing.used;
    const result = await run({ prompt: fresh('a harbour'), ...inputs });
    expect(result.code).toBe(0);
    expect(result.outputs['estimated-credits']).toBe(String(estimate));
    expect(result.stdout).toMatch(new RegExp(`Estimated cost: ${estimate} credits \\(`));
    // The estimate is what was charged: the server's own pricing, and the credit_cost it lists.
    expect(server.billing.used - before).toBe(estimate);
    expect(result.outputs.credits).toBe(String(estimate));
    expect(result.outputs.reused).toBe('false');
    expect(result.summary).toContain(`charged ${estimate} credits`);
    const manifest = JSON.parse(readFileSync(result.outputs['results-file'], 'utf8'));
    expect(manifest.credits).toMatchObject({ estimated: estimate, charged: estimate, reused: false });
    expect(manifest.generations.reduce((sum: number, g: { credit_cost: number }) => sum + g.credit_cost, 0)).toBe(estimate);
  });
  it('per character (text to speech): credit_cost per unit_scale characters', async () => {
    const text = `${fresh('Hello')} ${'x'.repeat(231)}`; // 250 characters: 1 credit per 100, rounded up
    expect(text).toHaveLength(250);
    const result = await run({ type: 'text_to_speech', model: 'elevenlabs/multilingual-v2', text, 'voice-id': '9c2c4bd4-5a8e-4e29-9e1a-2f6c83d1b7a1' });
    expect(result.code).toBe(0);
    expect(result.outputs['estimated-credits']).toBe('3');
    expect(result.outputs.credits).toBe('3');
  });
  it('a dry run with a key shows the estimate and sends nothing that is paid', async () => {
    const result = await run({ prompt: fresh('a dry harbour'), model: 'kling/kling-2.5-turbo', duration: '10s', 'dry-run': 'true' });
    expect(result.code).toBe(0);
    expect(result.outputs['estimated-credits']).toBe('140');
    expect(result.summary).toContain('estimated 140 credits');
    expect(creates()).toHaveLength(0);
    expect(made('GET', '/billing/credits')).toHaveLength(0);
  });
  it('the reads are not made one after another: the balance and the lookup go out while the catalogue is still unanswered', async () => {
    // The first catalogue read is never answered (the stall watchdog gives it up after 2 s, and it is asked again).
    // The watchdog keeps the wall clock (2 s for a timeout of 20 s, a tenth of longer ones), which the fast clock's
    // deadline would outrun (20 s of it is 0.4 s): this run and its server share a clock 4 times the wall clock, so that
    // the deadline (5 s real) leaves room for the watchdog and for the rest of the run, as 20 s of wall time did.
    const time = scaledTime(4);
    const hanging = await startHedraServer({ timings: { queued: 0, processing: 150, finalizing: 0 }, time });
    try {
      hanging.fault('models', { kind: 'hang' });
      const result = await runInProcess(
        { 'api-key': hanging.apiKey, 'base-url': hanging.baseUrl, prompt: fresh('in parallel'), model: 'kling/kling-2.5-turbo', timeout: '20s' },
        { reuseDefault: true, time },
      );
      expect(result.code).toBe(0);
      const at = (method: string, path: string) => hanging.requests.findIndex((r) => r.method === method && r.path === path);
      const secondCatalogueRead = hanging.requests.findIndex((r, i) => r.path === '/models' && i > at('GET', '/models'));
      expect(at('GET', '/billing/credits')).toBeLessThan(secondCatalogueRead);
      expect(at('GET', '/generations')).toBeLessThan(secondCatalogueRead);
    } finally {
      await hanging.close();
    }
  });
  it('the reads before creating go out together: catalogue, balance and the lookup, once each', async () => {
    const result = await run({ prompt: fresh('together'), model: 'kling/kling-2.5-turbo' });
    expect(result.code).toBe(0);
    const reads = server.requests.slice(0, 3).map((r) => `${r.method} ${r.path}`);
    expect(reads.sort()).toEqual(['GET /billing/credits', 'GET /generations', 'GET /models']);
    expect(server.requests[3]).toMatchObject({ method: 'POST', path: '/generations' });
  });
});

describe('max-credits', () => {
  const image = randomBytes(3000);
  it('over the estimate: runs; under it: refused before any upload or create, with both figures', async () => {
    const prompt = fresh('budget');
    const ok = await run({ prompt, model: 'kling/kling-2.5-turbo', image: 'start.png', 'max-credits': '70' }, { files: { 'start.png': image } });
    expect(ok.code).toBe(0);
    server.requests.length = 0;
    const refused = await run(
      { prompt: fresh('budget'), model: 'kling/kling-2.5-turbo', duration: '10s', image: 'start.png', 'max-credits': '139' },
      { files: { 'start.png': randomBytes(3000) } },
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      '::error title=Not paid for::The estimated cost, 140 credits (14/s × 10s (as asked)), is over "max-credits" (139 credits); nothing was paid.',
    );
    expect(uploads()).toHaveLength(0);
    expect(creates()).toHaveLength(0);
  });
  it('fails closed when the catalogue cannot be read', async () => {
    server.behaviour.modelsFailure = 500;
    const result = await run({ prompt: fresh('closed'), model: 'kling/kling-2.5-turbo', 'max-credits': '1000' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Input "max-credits" is 1000 credits, but the cost cannot be estimated');
    expect(creates()).toHaveLength(0);
  });
  it('fails closed for a model whose pricing is unknown', async () => {
    const catalogue = server.models().map((m) => (m.slug === 'kling/kling-2.5-turbo' ? { ...m, pricing: null, price_details: null } : m));
    server.inject({ method: 'GET', path: '/models', status: 200, body: catalogue });
    const result = await run({ prompt: fresh('unpriced'), model: 'kling/kling-2.5-turbo', 'max-credits': '1000' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the catalogue gives no pricing for it');
    expect(result.outputs['estimated-credits']).toBe('');
    expect(creates()).toHaveLength(0);
  });
  it('fails closed when the length follows an input (an audio-driven avatar): the estimate is only a lower bound', async () => {
    const result = await run(
      { prompt: fresh('avatar'), image: 'face.png', audio: 'voice.mp3', 'max-credits': '100000' },
      { files: { 'face.png': randomBytes(2000), 'voice.mp3': mp3(2, true) } },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('but the cost is only known to be at least');
    expect(uploads()).toHaveLength(0);
    expect(creates()).toHaveLength(0);
  });
  it.each(['-1', '10.5', 'lots'])('%j is refused as input, and the balance is not read', async (value) => {
    const result = await run({ prompt: 'p', model: 'kling/kling-2.5-turbo', 'max-credits': value });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Input "max-credits" must be (a whole number|at least 0)/);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models']);
  });
});

describe('the balance', () => {
  it('too low for the estimate: refused before any upload, with both figures', async () => {
    server.behaviour.credits = 50;
    const result = await run({ prompt: fresh('poor'), model: 'kling/kling-2.5-turbo', image: 'a.png' }, { files: { 'a.png': randomBytes(1000) } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Not enough Hedra credits: this run needs 70 credits (14/s × 5s (the model');
    expect(result.stdout).toContain('and 50 credits can be spent');
    expect(uploads()).toHaveLength(0);
    expect(creates()).toHaveLength(0);
  });
  it("counts a workspace pool's API wallet (api_credits), which API use draws on", async () => {
    server.inject({
      method: 'GET',
      path: '/billing/credits',
      status: 200,
      body: { remaining: 0, expiring: 0, used: 0, workspace_credit_pool: { w1: { used: 0, allocated: 0, available: 10, api_credits: 500 } } },
    });
    const result = await run({ prompt: fresh('wallet'), model: 'kling/kling-2.5-turbo' });
    expect(result.code).toBe(0);
    expect(creates()).toHaveLength(1);
  });
  it('unreadable: three attempts, then the run goes on (Hedra checks the balance when creating)', async () => {
    server.fault('credits', { kind: 'status', status: 500 }, 10);
    try {
      const result = await run({ prompt: fresh('no balance'), model: 'kling/kling-2.5-turbo' });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Could not read what the account can spend');
      expect(made('GET', '/billing/credits')).toHaveLength(3);
      expect(creates()).toHaveLength(1);
    } finally {
      server.clearFaults();
    }
  });
  it('enough: runs', async () => {
    server.behaviour.credits = 70;
    const result = await run({ prompt: fresh('enough'), model: 'kling/kling-2.5-turbo' });
    expect(result.code).toBe(0);
  });
});

describe('reuse', () => {
  const inputs = (prompt: string) => ({ prompt, model: 'kling/kling-2.5-turbo', image: 'start.png' });
  it('a second identical run uploads nothing, creates nothing, downloads the same bytes at 0 credits', async () => {
    const prompt = fresh('the same');
    const image = randomBytes(4000);
    const first = await run(inputs(prompt), { files: { 'start.png': image } });
    expect(first.code).toBe(0);
    expect(first.outputs.reused).toBe('false');
    server.requests.length = 0;
    const before = server.billing.used;
    const second = await run(inputs(prompt), { files: { 'start.png': image } });
    expect(second.code).toBe(0);
    expect(uploads()).toHaveLength(0);
    expect(creates()).toHaveLength(0);
    expect(server.billing.used).toBe(before);
    expect(second.outputs['generation-id']).toBe(first.outputs['generation-id']);
    expect(second.outputs.reused).toBe('true');
    expect(second.outputs['estimated-credits']).toBe('0');
    expect(second.outputs.credits).toBe('0');
    expect(sha(readFileSync(second.outputs.path))).toBe(sha(readFileSync(first.outputs.path)));
    expect(second.stdout).toContain(`Reusing generation ${first.outputs['generation-id']}`);
    expect(second.summary).toContain('0 credits: reused the generation made ');
  });
  it.each([
    [
      'a changed byte in the local file',
      (image: Buffer) => ({ inputs: inputs('same prompt'), file: Buffer.concat([image.subarray(0, -1), Buffer.from([image.at(-1)! ^ 1])]) }),
    ],
    ['a changed prompt', (image: Buffer) => ({ inputs: inputs('same prompt, changed'), file: image })],
    ['a changed model', (image: Buffer) => ({ inputs: { ...inputs('same prompt'), model: 'alibaba/wan-2.2-i2v' }, file: image })],
  ])('%s makes a new generation', async (_, change) => {
    const image = randomBytes(4000);
    const salt = fresh('');
    const withSalt = (i: Record<string, string>) => ({ ...i, prompt: `${i.prompt}${salt}` });
    const first = await run(withSalt(inputs('same prompt')), { files: { 'start.png': image } });
    expect(first.code).toBe(0);
    const changed = change(image);
    server.requests.length = 0;
    const second = await run(withSalt(changed.inputs), { files: { 'start.png': changed.file } });
    expect(second.code).toBe(0);
    expect(second.outputs.reused).toBe('false');
    expect(second.outputs['generation-id']).not.toBe(first.outputs['generation-id']);
    expect(creates()).toHaveLength(1);
    // An unchanged file is already on Hedra (found by GET /assets under its content-derived id): not uploaded again.
    if (changed.file === image) {
      expect(uploads()).toHaveLength(0);
      expect(second.stdout).toContain('is already on Hedra as asset');
      expect(JSON.parse(second.outputs['input-asset-ids']).image).toBe(JSON.parse(first.outputs['input-asset-ids']).image);
    } else expect(made('POST', /\/upload$/)).toHaveLength(1);
  });
  it('when Hedra cannot say which files it has (GET /assets fails), the files are uploaded and the run goes on', async () => {
    server.fault('assets-list', { kind: 'status', status: 500 }, 10);
    try {
      const result = await run(inputs(fresh('no asset list')), { files: { 'start.png': randomBytes(3000) } });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Could not ask Hedra which files it already has');
      expect(made('POST', /\/upload$/)).toHaveLength(1);
      expect(creates()).toHaveLength(1);
    } finally {
      server.clearFaults();
    }
  });
  it('a file Hedra already has is not sent again, also when the lookup missed it and the create said it exists', async () => {
    const image = randomBytes(3000);
    expect((await run(inputs(fresh('first')), { files: { 'start.png': image } })).code).toBe(0);
    server.requests.length = 0;
    // The lookup answers as if Hedra had no such asset (a lagging read): the create of the asset then meets ALREADY_EXISTS.
    server.inject({ method: 'GET', path: '/assets', status: 200, body: [] });
    const second = await run(inputs(fresh('second')), { files: { 'start.png': image } });
    expect(second.code).toBe(0);
    expect(made('POST', '/assets').map((r) => r.status)).not.toContain(200);
    expect(made('POST', /\/upload$/)).toHaveLength(0);
    expect(second.stdout).toContain('is already on Hedra as asset');
  });
  it('a previous generation that failed is not reused: a new one is made', async () => {
    const prompt = fresh('fails once');
    // The server reads errorFor on every status read: the generations seen while armed keep failing.
    const failing = new Set<string>();
    let armed = true;
    server.behaviour.errorFor = (job) => {
      if (armed && job.request.generated_video_inputs?.text_prompt === prompt) failing.add(job.id);
      return failing.has(job.id) ? { type: 'INTERNAL', message: 'render failed' } : undefined;
    };
    const first = await run({ prompt, model: 'kling/kling-2.5-turbo' });
    expect(first.code).toBe(1);
    armed = false;
    server.requests.length = 0;
    const second = await run({ prompt, model: 'kling/kling-2.5-turbo' });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Generation ${first.outputs['generation-id']}, from the same inputs, failed, so a new one is made.`);
    expect(creates()).toHaveLength(1);
    expect(second.outputs['generation-id']).not.toBe(first.outputs['generation-id']);
    // And the new one is what a third run reuses.
    const third = await run({ prompt, model: 'kling/kling-2.5-turbo' });
    expect(third.outputs.reused).toBe('true');
    expect(third.outputs['generation-id']).toBe(second.outputs['generation-id']);
  });
  it('a generation still running (another run started it) is waited for, not paid again', async () => {
    const prompt = fresh('in flight');
    const timings = server.behaviour.timings;
    // The job runs until the second run has asked for its status (it found it running and waits for it), then ends:
    // still running when looked up however slow the machine, and no real time spent waiting for it.
    server.behaviour.timings = { ...timings, processing: 60 * 60_000 };
    const first = await run({ prompt, model: 'kling/kling-2.5-turbo', wait: 'false' });
    expect(first.code).toBe(0);
    server.requests.length = 0;
    const waitedFor = `/generations/${first.outputs['generation-id']}/status`;
    const finish = setInterval(() => {
      if (server.requests.some((r) => r.path === waitedFor)) server.behaviour.timings = timings;
    }, 5);
    const second = await run({ prompt, model: 'kling/kling-2.5-turbo' }).finally(() => clearInterval(finish));
    server.behaviour.timings = timings;
    expect(second.code).toBe(0);
    expect(creates()).toHaveLength(0);
    expect(second.stdout).toContain('is still running (another run started it): waiting for it');
    expect(second.outputs['generation-id']).toBe(first.outputs['generation-id']);
    expect(second.outputs.reused).toBe('true');
  });
  // Two identical runs started together (two runners at once) are two processes: test/e2e/credits.e2e.test.ts.
  it('a generation made from a different request under the same inputs (the default model changed) is not reused', async () => {
    const files = { 'face.png': randomBytes(2000), 'voice.mp3': mp3(2, true) };
    const avatar = { prompt: fresh('avatar'), image: 'face.png', audio: 'voice.mp3' };
    const first = await run(avatar, { files });
    expect(first.code).toBe(0);
    // The catalogue now lists Character-3 without a slug: the same inputs make a request naming it by id.
    server.behaviour.characterThreeSlug = null;
    try {
      const second = await run(avatar, { files });
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/was made from a different request \((model_slug|ai_model_id) differs\), so it is not reused/);
      expect(second.outputs.reused).toBe('false');
      expect(second.outputs['generation-id']).not.toBe(first.outputs['generation-id']);
    } finally {
      server.behaviour.characterThreeSlug = CHARACTER_3_DEFAULT_SLUG;
    }
  });
  it('reuse: false makes a new generation every time', async () => {
    const prompt = fresh('always new');
    const first = await run({ prompt, model: 'kling/kling-2.5-turbo', reuse: 'false' });
    const second = await run({ prompt, model: 'kling/kling-2.5-turbo', reuse: 'false' });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.outputs['generation-id']).not.toBe(first.outputs['generation-id']);
    expect(second.outputs.reused).toBe('false');
    // No lookup before creating: the only list reads are the waits'.
    expect(server.requests.findIndex((r) => r.method === 'GET' && r.path === '/generations')).toBeGreaterThan(
      server.requests.findIndex((r) => r.method === 'POST' && r.path === '/generations'),
    );
  });
});
