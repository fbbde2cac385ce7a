// Hedra's builds after spec 3.9.0 through the committed bundle, against the v3
// test server playing them (test/server/v3-later-builds.ts): every error with
// the OpenAI `error.type` beside `code`, decoded as fully as without it; a
// wallet that tops up at submit. Each case of these, and the rest (billing
// reason, max-credits on unpriced models, the spec header, opaque ids), runs
// in-process in test/in-process/v3-later-builds.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expiredHandle, type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { type RunOptions, runAction } from './run-action.ts';

let server: HedraV3Server;
beforeAll(async () => {
  // A key's first submit stays in progress for 2.5 s: a second run of the same inputs meanwhile is answered
  // 409 ALREADY_IN_PROGRESS, retryable, retry_after (as Hedra's envelope has it).
  server = await startHedraV3Server({ timings: { queued: 50, processing: 300 }, errorType: 'openai', keyBusyMs: 2_500 });
});
afterAll(async () => {
  expect(server.internalErrors).toEqual([]);
  await server.close();
});

const run = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runAction({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, timeout: '30s', ...inputs }, options);
const fresh = (what: string) => `${what} ${randomBytes(4).toString('hex')}`;
const submits = (model: string) => server.requests.filter((r) => r.method === 'POST' && r.path === `/models/${model}`);
const IMAGE = { model: 'gpt-image-2', 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' };

it('an error with error.type is decoded fully: fields named per input, an expired handle stored again, a retryable submit merged', async () => {
  // The documented refusal of a lapsed handle, to the first submit of kling-v3.
  server.inject({
    method: 'POST',
    path: '/models/kling-v3',
    status: 400,
    body: expiredHandle('input.start_image'),
  });
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2048)]);
  const same = { ...IMAGE, prompt: fresh('started together') };
  const [expired, fields, one, two] = await Promise.all([
    run(
      { model: 'kling-v3', 'aspect-ratio': '16:9', duration: '5s', request: '{"quality": "standard"}', prompt: fresh('x'), image: 'fox.png' },
      { files: { 'fox.png': png } },
    ),
    // A voice the model does not list: Hedra refuses the field (400 INVALID_ARGUMENT, details).
    run({ model: 'elevenlabs-v3', text: fresh('hello'), 'voice-id': 'voice_NotListed_1' }),
    run(same, { reuseDefault: true }),
    run(same, { reuseDefault: true }),
  ]);

  // Soft: each of the three is told on its own when it fails.
  expect.soft([expired.code, expired.stdout]).toEqual([0, expect.stringContaining('Hedra said a stored file had expired; storing the files again')]);
  expect.soft(submits('kling-v3').map((r) => r.status)).toEqual([400, 202]);

  expect.soft(fields.code).toBe(1);
  expect
    .soft(fields.stdout)
    .toContain(
      '::error title=Hedra generation failed::Hedra refused the request for model elevenlabs-v3 (HTTP 400):%0A- Input "voice-id": voice \'voice_NotListed_1\' is not available for elevenlabs-v3',
    );

  // Two runs started together: one job, both end with it; the run answered "in progress" tried again.
  expect.soft([one.code, two.code]).toEqual([0, 0]);
  expect.soft(two.outputs['generation-id']).toBe(one.outputs['generation-id']);
  expect(
    submits('gpt-image-2')
      .map((r) => r.status)
      .sort(),
  ).toEqual([202, 202, 409]);
  expect(server.ledger.filter((e) => e.amount > 0 && server.jobs.get(e.jobId)?.input.prompt === same.prompt)).toHaveLength(1);
  for (const result of [expired, fields, one, two]) expect(result.stderr).toBe('');
});

it('a low wallet that tops up at submit: warned, submitted, made', async () => {
  server.wallet.balance = 0.01;
  server.behaviour.topUp = { mode: 'auto', amount: 10 };
  const result = await run({ ...IMAGE, prompt: fresh('top up') });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('::warning title=Balance below the estimate::The balance is below this run');
  expect(server.stats.topUps).toBe(1);
  expect(result.outputs.path).toBeTruthy();
});
