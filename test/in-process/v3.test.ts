// Hedra's v3 API (input `api: v3`), the run in-process through runWith
// against the validating v3 test server (test/server/hedra-v3-server.ts),
// which checks every request against openapi-v3.json and each model's input
// schema. The run and the server share a fast clock
// (test/helpers/fast-time.ts), so jobs, streams and waits are given in the
// run's time. A sample of these runs goes through the committed bundle in
// test/e2e/v3.e2e.test.ts; the fault matrix for v3 is in
// test/in-process/faults/v3-*.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunOptions } from '../e2e/run-action.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { envelope, type HedraV3Server, startHedraV3Server, type V3RecordedRequest, voicesOf } from '../server/hedra-v3-server.ts';

/**
 * On the run's clock, where a real millisecond of latency reads as 50: a job still queued when its stream opens and
 * then running while it is followed, as one of 50 + 300 ms was through the bundle; 60 ms of real time.
 */
const TIMINGS = { queued: 500, processing: 2_500 };

let server: HedraV3Server;
/** Called with each request as it arrives, before the server handles it; reset before every test. */
let onRequest: ((r: V3RecordedRequest) => void) | undefined;
beforeAll(async () => {
  server = await startHedraV3Server({ timings: TIMINGS, time: FAST });
  // Not enumerable, so that the list still equals a plain array.
  const push = server.requests.push.bind(server.requests);
  Object.defineProperty(server.requests, 'push', {
    value: (...records: V3RecordedRequest[]) => {
      for (const record of records) onRequest?.(record);
      return push(...records);
    },
  });
});
afterAll(async () => {
  expect(server.internalErrors).toEqual([]);
  await server.close();
});
beforeEach(() => {
  onRequest = undefined;
  server.requests.length = 0;
  server.clearFaults();
  server.wallet.balance = 100;
  Object.assign(server.behaviour, { stream: 'ok', retired: {}, failFor: undefined, timings: TIMINGS });
});

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
/** A PNG by its signature (the server sniffs content types from the bytes), different every time. */
const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4096)]);
const fresh = (what: string) => `${what} ${randomBytes(4).toString('hex')}`;

/**
 * The deadline is 20 minutes of the run's time (24 s real): the bundle's runs had 30 s, which on this clock is 0.6 s
 * real, less than the first run of a file can take on a busy machine (schemas compiled on first use, real latency
 * read 50 times over). No test here is about the deadline.
 */
const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runInProcess({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, timeout: '20m', ...inputs }, options);

const made = (method: string, path: string | RegExp) =>
  server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
const submits = (model: string) => made('POST', `/models/${model}`);
const errorLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::error'));

/** What a v3 video run needs beyond the common inputs: kling-v3 asks for a quality, which has no typed input. */
const KLING = { model: 'kling-v3', 'aspect-ratio': '16:9', duration: '5s', request: '{"quality": "standard"}' };

describe('v3 end to end', () => {
  it('makes an image: the model schema read, one submit, the stream followed, the file downloaded with its hash', async () => {
    const prompt = fresh('a lighthouse at dusk');
    const result = await run({ model: 'gpt-image-2', prompt, 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: medium' });
    expect(errorLines(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
    const [job] = [...server.jobs.values()].filter((j) => j.input.prompt === prompt);
    expect(job.input).toEqual({ prompt, aspect_ratio: '1:1', resolution: '1K', quality: 'medium' });
    expect(result.outputs['generation-id']).toBe(job.id);
    expect(result.outputs['asset-id']).toBe(job.assetId);
    expect(result.outputs.path).toMatch(new RegExp(`${job.assetId}\\.png$`));
    expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(job.id));
    expect(result.outputs.sha256).toBe(server.resultSha256(job.id));
    // Followed by its stream: not a single status poll.
    expect(made('GET', /\/status$/)).toEqual([]);
    expect(made('GET', `/jobs/${job.id}/stream`)).toHaveLength(1);
    // The key went as v3 wants it.
    expect(submits('gpt-image-2')[0].headers.authorization).toBe(`Key ${server.apiKey}`);
    expect(submits('gpt-image-2')[0].headers['x-api-key']).toBeUndefined();
    expect(result.summary).toContain('### Hedra image: complete');
  });

  it('makes a video from a local image: stored, submitted with its handle, streamed, downloaded', async () => {
    const image = png();
    const result = await run({ ...KLING, prompt: fresh('a fox runs'), image: 'fox.png' }, { files: { 'fox.png': image } });
    expect(result.code).toBe(0);
    const order = server.requests.map((r) => `${r.method} ${r.path.replace(/job_[\w-]+/, 'JOB').replace(/asset_[\w-]+\.\w+/, 'MEDIA')}`);
    expect(order.slice(0, 2).sort()).toEqual(['GET /balance', 'GET /models/kling-v3']);
    expect(order.slice(2)).toEqual([
      'POST /files',
      'POST /models/kling-v3/estimate',
      'POST /models/kling-v3',
      'GET /jobs/JOB/stream',
      'GET /jobs/JOB',
      'GET /media/MEDIA',
    ]);
    const [upload] = made('POST', '/files');
    expect((upload.body as { sha256: string }).sha256).toBe(sha(image));
    const body = submits('kling-v3')[0].body as { input: { start_image: { source: string; url: string } }; idempotency_key: string };
    const file = [...server.files.values()].find((f) => f.sha256 === sha(image));
    expect(body.input.start_image).toEqual({ source: 'url', url: file?.url });
    expect(body.idempotency_key).toMatch(/^[\w-]{16,}$/);
    const job = server.jobs.get(result.outputs['generation-id'])!;
    expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(job.id));
    expect(result.outputs.path).toMatch(/\.mp4$/);
    // The handle's signature stays out of the outputs and the summary.
    expect(result.outputs.request).not.toContain('Signature');
    expect(result.summary).not.toContain('Signature');
    expect(JSON.parse(result.outputs.request).input.start_image.url).toBe(file?.url.split('?')[0]);
  });

  it('speaks: text and voice-id on a speech model, the estimate shown and then charged', async () => {
    const voice = voicesOf('elevenlabs-v3')[0].id;
    const text = fresh('Welcome to the release notes.');
    const result = await run({ model: 'elevenlabs-v3', text, 'voice-id': voice, type: 'text_to_speech' });
    expect(result.code).toBe(0);
    const job = server.jobs.get(result.outputs['generation-id'])!;
    expect(job.input).toEqual({ text, voice_id: voice });
    expect(result.outputs.path).toMatch(/\.mp3$/);
    const price = server.priceOf('elevenlabs-v3', { text });
    expect(Number(result.outputs['estimated-credits'])).toBe(price);
    expect(Number(result.outputs.credits)).toBe(price);
    expect(result.summary).toMatch(/\| Cost \| estimated \$0\.\d+.*charged \$0\.\d+/);
  });

  it('batch-size 3 is three submits under three keys, three files in order', async () => {
    const prompt = fresh('three takes');
    const result = await run({ model: 'gpt-image-2', prompt, 'aspect-ratio': '1:1', resolution: '1K', request: '{"quality": "low"}', 'batch-size': '3' });
    expect(result.code).toBe(0);
    const posts = submits('gpt-image-2');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => (p.body as { idempotency_key: string }).idempotency_key)).size).toBe(3);
    const ids = JSON.parse(result.outputs['generation-ids']) as string[];
    const assets = JSON.parse(result.outputs['asset-ids']) as string[];
    const paths = JSON.parse(result.outputs.paths) as string[];
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    ids.forEach((id, i) => {
      expect(assets[i]).toBe(server.jobs.get(id)?.assetId);
      expect(sha(readFileSync(paths[i]))).toBe(server.resultSha256(id));
    });
    expect(Number(result.outputs['estimated-credits'])).toBeCloseTo(3 * server.priceOf('gpt-image-2', { quality: 'low', resolution: '1K' }), 6);
    expect(result.stdout).toContain('(3 × $0.04)');
  });

  it('falls back to polling, no faster than every 2 s, when the stream breaks mid-job', async () => {
    server.behaviour.stream = { breakAfter: 2 };
    // Through the bundle a job of 4.5 s outlasted the time from the submit to the first poll; on the fast clock that
    // time is real latency read 50 times over, which a busy machine can stretch past any job of a sensible length. So
    // the job starts again as the first poll arrives, with 4.5 s of the run's time to go: the first poll finds it
    // running, and at least one more follows.
    server.behaviour.timings = { queued: 0, processing: 4500 };
    let restarted = false;
    onRequest = (r) => {
      if (restarted || !r.path.endsWith('/status')) return;
      restarted = true;
      for (const job of server.jobs.values()) server.ageJob(job.id, job.createdAt - FAST.now());
    };
    const result = await run({ ...KLING, prompt: fresh('stream breaks') });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Job: the event stream stopped \(.*\); following the job by polling its status instead\./);
    const polls = made('GET', /\/status$/);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    // The server stamps requests on the shared clock. Timer tolerance: Node may fire a timer a millisecond (of real
    // time) early, which the clock multiplies (10 ms of the wall clock through the bundle).
    for (let i = 1; i < polls.length; i++) expect(polls[i].at - polls[i - 1].at).toBeGreaterThanOrEqual(2000 - 2 * FAST.scale);
    expect(made('GET', /\/stream$/)).toHaveLength(1);
    expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(result.outputs['generation-id']));
  });

  it('stores the files again when Hedra says a handle expired, and submits once more', async () => {
    const image = png();
    // The documented refusal of a lapsed handle, to the first submit.
    server.inject({
      method: 'POST',
      path: '/models/kling-v3',
      status: 400,
      body: envelope(
        'INVALID_ARGUMENT',
        'input.start_image: the POST /v3/files url expired at 2026-07-28T23:31:12+00:00. Upload the file again and submit with the fresh url.',
        {
          param: 'input.start_image',
          details: [{ field: 'input.start_image', message: 'input.start_image: the POST /v3/files url expired', reason: 'expired' }],
        },
      ),
    });
    const result = await run({ ...KLING, prompt: fresh('expired handle'), image: 'fox.png' }, { files: { 'fox.png': image } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Hedra said a stored file had expired; storing the files again');
    expect(made('POST', '/files')).toHaveLength(2);
    const [first, second] = submits('kling-v3').map((p) => (p.body as { input: { start_image: { url: string } } }).input.start_image.url);
    expect(second).not.toBe(first);
    expect(server.jobs.get(result.outputs['generation-id'])?.input.start_image).toEqual({ source: 'url', url: second });
  });

  it('a re-run of the same inputs is answered with the job already paid for (the same idempotency key)', async () => {
    const inputs = { model: 'gpt-image-2', prompt: fresh('once only'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' };
    const first = await run(inputs, { reuseDefault: true });
    const spent = server.ledger.length;
    // Made by an earlier run: Hedra says it was submitted well before this run's submit.
    server.ageJob(first.outputs['generation-id'], 120_000);
    const second = await run(inputs, { reuseDefault: true });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.outputs['generation-id']).toBe(first.outputs['generation-id']);
    expect(server.ledger.length).toBe(spent);
    const [a, b] = submits('gpt-image-2').map((p) => (p.body as { idempotency_key: string }).idempotency_key);
    expect(b).toBe(a);
    expect(server.stats.replays).toBeGreaterThanOrEqual(1);
    expect(readFileSync(second.outputs.path)).toEqual(readFileSync(first.outputs.path));
    expect(first.outputs.reused).toBe('false');
    expect([second.outputs.reused, second.outputs.credits, second.outputs['estimated-credits']]).toEqual(['true', '0', '0']);
    expect(second.stdout).toContain('was made earlier from the same request (Hedra answered the same idempotency key with it): nothing is paid again.');
    // With reuse off, the same inputs start a new job.
    const third = await run({ ...inputs, reuse: 'false' });
    expect(third.outputs['generation-id']).not.toBe(first.outputs['generation-id']);
    expect(server.ledger.length).toBe(spent + 1);
  });

  it('a re-run after a failed job submits again under the next key, and the run after that reuses the new job', async () => {
    const inputs = { model: 'gpt-image-2', prompt: fresh('flaky'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' };
    server.behaviour.failFor = () => ({ code: 'UNAVAILABLE', message: 'The provider is down.', retryable: true });
    const failed = await run(inputs, { reuseDefault: true });
    expect(failed.code).toBe(1);
    server.behaviour.failFor = undefined;
    server.ageJob(failed.outputs['generation-id'], 120_000);
    const retried = await run(inputs, { reuseDefault: true });
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(
      `Job ${failed.outputs['generation-id']}, made earlier from the same request, had failed: submitting again under a new key.`,
    );
    expect(retried.outputs['generation-id']).not.toBe(failed.outputs['generation-id']);
    const [k0, k0again, k1] = submits('gpt-image-2').map((p) => (p.body as { idempotency_key: string }).idempotency_key);
    expect(k0again).toBe(k0);
    expect(k1).not.toBe(k0);
    server.ageJob(retried.outputs['generation-id'], 120_000);
    const third = await run(inputs, { reuseDefault: true });
    expect(third.outputs['generation-id']).toBe(retried.outputs['generation-id']);
    expect(third.outputs.reused).toBe('true');
  });

  it("never takes this run's own fast job for an earlier one: not claimed as reused, and a fast failure not submitted again", async () => {
    server.behaviour.timings = { queued: 0, processing: 0 };
    const done = await run(
      { model: 'gpt-image-2', prompt: fresh('instant'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' },
      { reuseDefault: true },
    );
    expect([done.code, done.outputs.reused, done.outputs.credits]).toEqual([0, 'false', '0.04']);
    server.behaviour.failFor = () => ({ code: 'MODERATION_FAILED', message: 'Image failed moderation.', retryable: false });
    const before = submits('gpt-image-2').length;
    const refused = await run(
      { model: 'gpt-image-2', prompt: fresh('instant refusal'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' },
      { reuseDefault: true },
    );
    expect(refused.code).toBe(1);
    expect(submits('gpt-image-2').length - before).toBe(1);
  });

  it('after four failed jobs for the same request, submits under a random key rather than replaying a failure', async () => {
    const inputs = { model: 'gpt-image-2', prompt: fresh('always down'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' };
    server.behaviour.failFor = () => ({ code: 'UNAVAILABLE', message: 'The provider is down.', retryable: true });
    for (let i = 0; i < 4; i++) {
      const failed = await run(inputs, { reuseDefault: true });
      expect(failed.code).toBe(1);
      server.ageJob(failed.outputs['generation-id'], 120_000);
    }
    server.behaviour.failFor = undefined;
    const fifth = await run(inputs, { reuseDefault: true });
    expect(fifth.code).toBe(0);
    expect(fifth.stdout).toContain('submitting again under a new key (a random one: the derived ones are used up)');
    const keys = submits('gpt-image-2').map((p) => (p.body as { idempotency_key: string }).idempotency_key);
    // Four derived keys (one per slot), then one random key.
    expect(new Set(keys).size).toBe(5);
  });

  it("submits again when an earlier run's job has no output left (past the 48 h retention)", async () => {
    const inputs = { model: 'gpt-image-2', prompt: fresh('long ago'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' };
    const first = await run(inputs, { reuseDefault: true });
    server.ageJob(first.outputs['generation-id'], 120_000);
    server.expireOutputs(first.outputs['generation-id']);
    const again = await run(inputs, { reuseDefault: true });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `Job ${first.outputs['generation-id']}, made earlier from the same request, has no output left (Hedra keeps results for 48 hours)`,
    );
    expect(again.outputs['generation-id']).not.toBe(first.outputs['generation-id']);
    expect(again.outputs.reused).toBe('false');
  });

  it('with a local file, a re-run makes a new job rather than reusing a key Hedra tied to other handles', async () => {
    const image = png();
    const inputs = { ...KLING, prompt: fresh('file re-run'), image: 'fox.png' };
    const first = await run(inputs, { reuseDefault: true, files: { 'fox.png': image } });
    const second = await run(inputs, { reuseDefault: true, files: { 'fox.png': image } });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.outputs['generation-id']).not.toBe(first.outputs['generation-id']);
    expect(second.stdout).toContain('With local files, a re-run stores them again under new handles, so it makes a new job');
  });

  it('stores again and resubmits only the item refused as expired, in a batch', async () => {
    server.inject({
      method: 'POST',
      path: '/models/kling-v3',
      status: 400,
      body: envelope('INVALID_ARGUMENT', 'input.start_image: the POST /v3/files url expired.', {
        details: [{ field: 'input.start_image', message: 'input.start_image: the POST /v3/files url expired', reason: 'expired' }],
      }),
    });
    const result = await run({ ...KLING, prompt: fresh('batch expiry'), image: 'fox.png', 'batch-size': '2' }, { files: { 'fox.png': png() } });
    expect(result.code).toBe(0);
    // Stored again (storing is free, and retried like any free request: a connection reset on a busy machine adds one).
    expect(made('POST', '/files').length).toBeGreaterThanOrEqual(2);
    // Only the refused item is submitted again: two submits, then one.
    expect(submits('kling-v3')).toHaveLength(3);
    expect(JSON.parse(result.outputs['generation-ids'])).toHaveLength(2);
  });

  it('when one job of a batch cannot be followed, the others are still downloaded, and the lost one is named with how to pick it up', async () => {
    server.behaviour.stream = 'refuse';
    server.fault('status', { kind: 'status', status: 404, body: envelope('NOT_FOUND', 'Job not found.') });
    const result = await run({
      model: 'gpt-image-2',
      prompt: fresh('half lost'),
      'aspect-ratio': '1:1',
      resolution: '1K',
      request: 'quality: low',
      'batch-size': '2',
    });
    expect(result.code).toBe(1);
    const ids = JSON.parse(result.outputs['generation-ids']) as string[];
    const paths = JSON.parse(result.outputs.paths) as string[];
    expect(paths.filter(Boolean)).toHaveLength(1);
    const lostJob = ids[paths.indexOf('')];
    expect(result.stdout).toContain(`Generation ${lostJob} failed: it could not be followed (`);
    expect(result.stdout).toContain(
      `it may still complete on Hedra's side: to pick it up without paying again, run this action with generation-id: ${lostJob}`,
    );
  });

  it('warns, not refuses, when the wallet holds less than the estimate (it may top up at submit); the 402 then says the figures', async () => {
    server.wallet.balance = 0.02;
    const result = await run({ model: 'gpt-image-2', prompt: fresh('too dear'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: high' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /::warning title=Balance below the estimate::The balance is below this run's estimate: \$0\.08, from POST \/models\/\{model\}\/estimate is needed and \$0\.02 can be spent \(money in the Hedra API wallet\)\. Submitting anyway/,
    );
    // Hedra's own refusal is free and exact: one submit, refused, not retried, no job.
    expect(submits('gpt-image-2')).toHaveLength(1);
    expect(result.stdout).toContain('Not enough money in the Hedra API wallet for this request: balance $0.02, this request costs $0.08 (USD)');
  });

  it("reads the 402 envelope's billing figures when the wallet could not be read first", async () => {
    server.wallet.balance = 0;
    server.fault('balance', { kind: 'status', status: 503 }, 3);
    const jobs = server.jobs.size;
    const result = await run({ model: 'gpt-image-2', prompt: fresh('empty wallet'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Not enough money in the Hedra API wallet for this request: balance $0.00, this request costs $0.04 (USD)');
    // The link's query is left out of the log, as every URL's is.
    expect(result.stdout).toContain('Add funds at https://www.hedra.com/develop/billing');
    // Refused, so not retried: one submit, no job.
    expect(submits('gpt-image-2')).toHaveLength(1);
    expect(server.jobs.size).toBe(jobs);
  });

  it('refuses an input the model does not take, naming the inputs it takes, before anything is sent', async () => {
    const result = await run(
      { ...KLING, prompt: 'p', audio: 'voice.mp3' },
      { files: { 'voice.mp3': Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000') } },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error title=Invalid input::.*Model kling-v3 does not take input "audio"\. It takes: prompt, image, end-image/);
    expect(made('POST', /.*/)).toEqual([]);
  });

  it('names workflow inputs, with the allowed values, when the model schema refuses a value', async () => {
    const result = await run({ ...KLING, prompt: 'p', 'aspect-ratio': '4:3', duration: '7.5s' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Input "aspect-ratio" must be one of 16:9, 9:16, 1:1 for model kling-v3; got "4:3".');
    expect(result.stdout).toMatch(/Input "duration" must be one of 3s, 4s, 5s/);
    expect(made('POST', /.*/)).toEqual([]);
  });

  it('names the workflow input when Hedra itself refuses a field (a voice the model does not list)', async () => {
    const jobs = server.jobs.size;
    const result = await run({ model: 'elevenlabs-v3', text: 'hello', 'voice-id': 'voice_00000000-0000-4000-8000-000000000000' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Hedra refused the request for model elevenlabs-v3 \(HTTP 400\):%0A- Input "voice-id": voice '.*' is not available/);
    expect(submits('elevenlabs-v3')).toHaveLength(1);
    expect(server.jobs.size).toBe(jobs);
  });

  it('refuses a type other than the model kind, a v2 asset id and a URL Hedra cannot fetch, all at once', async () => {
    const result = await run({
      ...KLING,
      type: 'image',
      prompt: 'p',
      image: '0b6f6a33-1b2f-4a3c-9a55-4a6b1f0e2c11',
      // A public URL is sent for Hedra to fetch (v3-kinds.test.ts); one on a private address is refused here.
      'end-image': 'https://10.1.2.3/end.png',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/has 3 problems/);
    expect(result.stdout).toContain('v2 asset id');
    expect(made('POST', /.*/)).toEqual([]);
  });

  it('takes an earlier v3 output as a reference by its asset id', async () => {
    const first = await run({ model: 'gpt-image-2', prompt: fresh('a logo'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' });
    const asset = first.outputs['asset-id'];
    const second = await run({
      model: 'gpt-image-2',
      prompt: fresh('the logo, in blue'),
      'aspect-ratio': '1:1',
      resolution: '1K',
      request: 'quality: low',
      'reference-images': asset,
    });
    expect(second.code).toBe(0);
    expect(server.jobs.get(second.outputs['generation-id'])?.input.images).toEqual([{ source: 'asset', asset_id: asset }]);
    expect(made('POST', '/files')).toEqual([]);
  });

  it('resumes with generation-id: job_…, and says when the result is past its 48 h retention', async () => {
    const submitted = await run({
      model: 'gpt-image-2',
      prompt: fresh('later'),
      'aspect-ratio': '1:1',
      resolution: '1K',
      request: 'quality: low',
      wait: 'false',
    });
    expect(submitted.code).toBe(0);
    const job = submitted.outputs['generation-id'];
    expect(job).toMatch(/^job_/);
    expect(submitted.outputs.path).toBeUndefined();
    const resumed = await runInProcess({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, 'generation-id': job });
    expect(resumed.code).toBe(0);
    expect(sha(readFileSync(resumed.outputs.path))).toBe(server.resultSha256(job));
    expect(made('POST', /^\/models\/[\w-]+$/)).toHaveLength(1);

    server.expireOutputs(job);
    const expired = await runInProcess({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, 'generation-id': job });
    expect(expired.code).toBe(1);
    expect(expired.stdout).toContain(`Generation ${job} failed: its output has expired: Hedra keeps v3 results for 48 hours`);
    expect(expired.outputs.path ?? '').toBe('');
  });

  it.each([410, 404] as const)('says which model replaces a retired one (GONE at HTTP %i), as an input error', async (status) => {
    server.behaviour.retired = { 'kling-v3': 'kling-o3' };
    server.behaviour.goneStatus = status;
    const result = await run({ ...KLING, prompt: 'p' });
    server.behaviour.goneStatus = 410;
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error title=Invalid input::');
    expect(result.stdout).not.toContain('Did you mean');
    expect(result.stdout).toContain(
      `Model "kling-v3" is retired (HTTP ${status}, GET /models/kling-v3). Hedra names its successor: "kling-o3" — set input "model" to kling-o3`,
    );
    expect(made('POST', /.*/)).toEqual([]);
  });

  it('suggests the model meant by a misspelt one', async () => {
    const result = await run({ ...KLING, model: 'kling-v33', prompt: 'p' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Hedra's v3 API has no model "kling-v33".*Did you mean "kling-v3"\?/);
  });

  it('max-credits is in US dollars on v3: over it, nothing is stored or submitted', async () => {
    const over = await run({ ...KLING, prompt: fresh('budget'), 'max-credits': '0.20' });
    expect(over.code).toBe(1);
    expect(over.stdout).toMatch(
      /::error title=Not paid for::The estimated cost, \$0\.25.*is over "max-credits" \(\$0\.20 \(US dollars on v3, the API wallet's unit\)\); nothing was paid\./,
    );
    expect(submits('kling-v3')).toEqual([]);
    const under = await run({ ...KLING, prompt: fresh('budget'), 'max-credits': '0.25' });
    expect(under.code).toBe(0);
  });

  it('refuses a v2 key on v3 before any request', async () => {
    const result = await run({ ...KLING, prompt: 'p', 'api-key': 'sk_0123456789abcdef0123456789abcdef' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('does not look like a v3 key');
    expect(server.requests).toEqual([]);
  });

  it("reads the result again when it lags behind the stream's 'completed'", async () => {
    // The result shows the job as it was 1.2 s ago, counted from the first read: through the bundle the lag was
    // counted from the stream's 'completed', which the first read followed within it; on the fast clock the real
    // latency between them is read 50 times over, and a busy machine can stretch it past any lag of a sensible length.
    let lagged = false;
    onRequest = (r) => {
      if (lagged || r.method !== 'GET' || !/^\/jobs\/[^/]+$/.test(r.path)) return;
      lagged = true;
      const job = server.jobs.get(r.path.slice('/jobs/'.length))!;
      const completedAt = job.createdAt + job.timings.queued + job.timings.processing;
      server.behaviour.resultLagMs = FAST.now() - completedAt + 1200;
    };
    const result = await run({ model: 'gpt-image-2', prompt: fresh('lagging'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' });
    server.behaviour.resultLagMs = 0;
    expect(result.code).toBe(0);
    const job = result.outputs['generation-id'];
    expect(made('GET', `/jobs/${job}`).length).toBeGreaterThanOrEqual(2);
    expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(job));
  });

  it('a dry run checks against the model, estimates, and submits nothing', async () => {
    const result = await run({ ...KLING, prompt: fresh('dry'), 'dry-run': 'true' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.outputs.request)).toEqual({ input: expect.objectContaining({ aspect_ratio: '16:9', duration_ms: 5000, quality: 'standard' }) });
    expect(result.outputs['estimated-credits']).toBe('0.25');
    expect(submits('kling-v3')).toEqual([]);
    expect(result.stdout).toContain('Dry run: the request for model kling-v3 is valid; nothing was submitted.');
  });

  it('a failed job fails the step with Hedra reason, and is not charged', async () => {
    server.behaviour.failFor = () => ({ code: 'MODERATION_FAILED', message: 'Image failed moderation.', retryable: false });
    const result = await run({ model: 'gpt-image-2', prompt: fresh('refused'), 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Generation job_[\w-]+ failed: MODERATION_FAILED: Image failed moderation\./);
    expect(result.outputs.status).toBe('error');
    expect(result.outputs.credits).toBe('0');
  });
});

describe('the same workflow inputs on v2 and v3', () => {
  let v2: HedraServer;
  beforeAll(async () => {
    v2 = await startHedraServer({ timings: { queued: 0, processing: 6_000, finalizing: 0 }, time: FAST });
  });
  afterAll(() => v2.close());

  it('make a file each: only the key, `api` and the model change', async () => {
    const image = png();
    const common = { prompt: 'a paper boat on a pond', image: 'boat.png', 'aspect-ratio': '16:9', duration: '5s', timeout: '20m' };
    const onV2 = await runInProcess(
      { ...common, 'api-key': v2.apiKey, 'base-url': v2.baseUrl, model: 'kling/kling-2.5-turbo' },
      { files: { 'boat.png': image } },
    );
    const onV3 = await runInProcess(
      { ...common, api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, model: 'kling-25-turbo' },
      { files: { 'boat.png': image } },
    );
    for (const result of [onV2, onV3]) {
      expect(errorLines(result.stdout)).toEqual([]);
      expect(result.code).toBe(0);
      expect(existsSync(result.outputs.path)).toBe(true);
      expect(result.outputs.path).toMatch(/\.mp4$/);
    }
    expect(onV2.outputs['generation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(onV3.outputs['generation-id']).toMatch(/^job_/);
    const v3Job = server.jobs.get(onV3.outputs['generation-id'])!;
    expect(v3Job.input).toMatchObject({ prompt: common.prompt, aspect_ratio: '16:9', duration_ms: 5000 });
  });
});
