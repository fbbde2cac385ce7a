// Spending credits wisely, through the committed bundle: smoke runs of the
// estimate (checked against what the test server then charges) and of reuse,
// and the race only processes can run: two runs of the same inputs started
// together, as two runners would. The estimate, the budget and balance guards
// and reuse are proven in-process, through runWith against the same server, in
// test/in-process/credits.test.ts. These runs keep action.yml's default
// `reuse: true` unless they set it.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type RunOptions, runAction } from './run-action.ts';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ timings: { queued: 0, processing: 150, finalizing: 0 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, ...inputs }, { reuseDefault: true, ...options });

const made = (method: string, path: string | RegExp) =>
  server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
const creates = () => made('POST', '/generations');
const uploads = () => made('POST', /^\/assets/);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A prompt no other test uses, so that reuse starts from nothing. */
const fresh = (what: string) => `${what} ${randomBytes(6).toString('hex')}`;

describe('the estimate, before paying', () => {
  it('per second, the default duration: shown in the log, the outputs and the summary, and what Hedra then charges', async () => {
    const estimate = 70; // 14/s × 5 s
    const before = server.billing.used;
    const result = await run({ prompt: fresh('a harbour'), model: 'kling/kling-2.5-turbo' });
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
  it('two identical runs started together make one generation', async () => {
    const prompt = fresh('together');
    const image = randomBytes(4000);
    const jobs = server.jobs.size;
    const [a, b] = await Promise.all([run(inputs(prompt), { files: { 'start.png': image } }), run(inputs(prompt), { files: { 'start.png': image } })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(server.jobs.size).toBe(jobs + 1);
    // One paid, the other waited for its result: reported as reused, at 0 credits, whichever way the race went.
    expect([a, b].map((r) => r.outputs.reused).sort()).toEqual(['false', 'true']);
    expect([a, b].map((r) => r.outputs.credits).sort()).toEqual(['0', '70']);
    expect(a.outputs['generation-id']).toBe(b.outputs['generation-id']);
    expect(sha(readFileSync(a.outputs.path))).toBe(sha(readFileSync(b.outputs.path)));
  });
});
