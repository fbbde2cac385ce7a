// v3: faults on the requests before the billed one: the wallet, the model, the
// stored file, the estimate. Each is retried; the wallet and the estimate may
// fail for good without stopping the run (unless "max-credits" needs the estimate).
// In-process through runWith against the validating v3 test server, the run and
// the server on the fast clock (v3-matrix.ts).
import { describe, expect, it } from 'vitest';
import { API_FAULTS, errorLines, expectCounts, expectNoPartialFiles, expectRecovered, fullRun, requestsOf, retryCases, useV3Server } from './v3-matrix.ts';

const ctx = useV3Server();
const estimated = (result: Awaited<ReturnType<typeof fullRun>>) => expect(result.outputs['estimated-credits']).toBe('0.25');

describe('v3: faults while reading the wallet', () => {
  retryCases(ctx, 'balance', API_FAULTS, { extra: estimated });

  it('balance: failing for good (3 attempts) does not stop the run', async () => {
    ctx.server.fault('balance', { kind: 'status', status: 503 }, 3);
    const result = await fullRun(ctx);
    expectRecovered(ctx.server, result);
    expectCounts(ctx.server, { balance: 3 });
    expect(result.stdout).toMatch(
      /^Could not read what the account can spend \(.*HTTP 503.*gave up after 3 attempts.*\); Hedra checks it when the request is submitted\.$/m,
    );
  });
});

describe('v3: faults while reading the model', () => {
  retryCases(ctx, 'model', API_FAULTS, { extra: estimated });
});

describe('v3: faults while storing the local file', () => {
  // POST /files is answered with the handle (JSON): a body that is not JSON is as good as no answer, and retried.
  retryCases(ctx, 'files', API_FAULTS, {
    extra: (result) => {
      estimated(result);
      // A lost answer may leave the first copy stored too; the job uses the one whose answer arrived.
      expect(ctx.server.files.size).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(result.outputs.request).input.start_image.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/file_[0-9a-f-]+$/);
    },
  });
});

describe('v3: faults while estimating', () => {
  retryCases(ctx, 'estimate', API_FAULTS, { extra: estimated });

  it('estimate: failing for good (3 attempts) warns, and the run goes on without one', async () => {
    ctx.server.fault('estimate', { kind: 'status', status: 503 }, 3);
    const result = await fullRun(ctx);
    expectRecovered(ctx.server, result);
    expectCounts(ctx.server, { estimate: 3 });
    expect(requestsOf(ctx.server, 'estimate').map((r) => r.status)).toEqual([503, 503, 503]);
    expect(result.stdout).toMatch(/^::warning title=No estimate::Could not get an estimate from Hedra \(.*HTTP 503.*gave up after 3 attempts.*\)\.?$/m);
    expect(result.stdout).toContain('Estimated cost: unknown: Hedra gave no estimate for this request.');
    expect(result.outputs['estimated-credits']).toBe('');
  });

  it('estimate: failing for good with "max-credits" set refuses to submit', async () => {
    ctx.server.fault('estimate', { kind: 'status', status: 503 }, 3);
    const result = await fullRun(ctx, { 'max-credits': '1' });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toEqual([
      '::error title=Not paid for::Input "max-credits" is $1.00 (US dollars on v3, the API wallet\'s unit), but the cost cannot be estimated (Hedra gave no estimate for this request), so nothing was paid: a budget guard does not guess. Remove "max-credits" to run without it.',
    ]);
    expect(ctx.server.jobs.size).toBe(0);
    expect(ctx.server.ledger).toEqual([]);
    expectCounts(ctx.server, { estimate: 3, submit: 0, stream: 0, result: 0, download: 0 });
    expectNoPartialFiles(result);
  });

  it('estimate: one failure with "max-credits" set is retried, and the guard passes', async () => {
    ctx.server.fault('estimate', { kind: 'status', status: 503 });
    const result = await fullRun(ctx, { 'max-credits': '1' });
    expectRecovered(ctx.server, result);
    expectCounts(ctx.server, { estimate: 2 });
    estimated(result);
  });
});
