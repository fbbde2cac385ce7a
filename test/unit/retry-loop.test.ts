// The retry policy at its edges and the loop that applies it
// (src/http/retry.ts), with a stand-in for the run's control and clock.

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunControl } from '../../src/action/run-control.ts';
import { DeadlineReached, InputError } from '../../src/core/errors.ts';
import { HttpError, NetworkError } from '../../src/http/errors.ts';
import {
  backoffDelay,
  decide,
  failureOf,
  isCertificateProblem,
  isRetryable,
  POLICY,
  parseRateLimitReset,
  parseRetryAfter,
  type RetryOptions,
  wasNeverSent,
  withRetries,
} from '../../src/http/retry.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('the policy', () => {
  it('is six attempts, backing off from 1 s to at most 30 s', () => {
    expect(POLICY).toEqual({ baseMs: 1000, capMs: 30_000, maxAttempts: 6 });
  });
});

describe('isRetryable', () => {
  it('draws the line at 500', () => {
    expect(isRetryable({ kind: 'status', status: 499 })).toBe(false);
    expect(isRetryable({ kind: 'status', status: 500 })).toBe(true);
  });
  it('retries a network failure whose code is an empty string', () => {
    expect(isRetryable({ kind: 'network', code: '' })).toBe(true);
  });
  it.each(['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    'does not retry %s',
    (code) => {
      expect(isRetryable({ kind: 'network', code })).toBe(false);
    },
  );
});

describe('isCertificateProblem', () => {
  it.each(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID'])('is true for %s', (code) => {
    expect(isCertificateProblem(code)).toBe(true);
  });
  it.each(['ENOTFOUND', 'ECONNRESET', '', undefined])('is false for %j', (code) => {
    expect(isCertificateProblem(code)).toBe(false);
  });
});

describe('wasNeverSent', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])('is true for a connection never made (%s)', (code) => {
    expect(wasNeverSent(new NetworkError('x', code))).toBe(true);
  });
  it('is false once the request may have left, and for anything but a network failure', () => {
    expect(wasNeverSent(new NetworkError('x', 'ECONNRESET'))).toBe(false);
    expect(wasNeverSent(new NetworkError('x'))).toBe(false);
    expect(wasNeverSent(new HttpError('x', 503, ''))).toBe(false);
    expect(wasNeverSent({ code: 'ECONNREFUSED' })).toBe(false);
  });
});

describe('failureOf', () => {
  it('reads network failures, answers with their headers, and nothing else', () => {
    expect(failureOf(new NetworkError('reset', 'ECONNRESET'))).toEqual({ kind: 'network', code: 'ECONNRESET' });
    expect(failureOf(new HttpError('busy', 429, {}, '3', '1700000000'))).toEqual({
      kind: 'status',
      status: 429,
      retryAfter: '3',
      rateLimitReset: '1700000000',
    });
    expect(failureOf(new InputError('bad'))).toBeUndefined();
    expect(failureOf('text')).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds with spaces around them', () => {
    expect(parseRetryAfter(' 12 ', NOW)).toBe(12_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });
  it.each(['', '   ', '3s', 'x3', 'soon'])('does not read %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:30 GMT', NOW)).toBe(30_000);
  });
});

describe('parseRateLimitReset', () => {
  it('reads a small number as seconds from now', () => {
    expect(parseRateLimitReset('30', NOW)).toBe(30_000);
    expect(parseRateLimitReset(' 2.5 ', NOW)).toBe(2500);
    expect(parseRateLimitReset('0.25', NOW)).toBe(250);
    expect(parseRateLimitReset('1000000000', NOW)).toBe(1_000_000_000_000);
  });
  it('reads a large number as the epoch second of the reset', () => {
    expect(parseRateLimitReset(String(NOW / 1000 + 45), NOW)).toBe(45_000);
    expect(parseRateLimitReset(String(NOW / 1000 - 45), NOW)).toBe(0);
  });
  it.each([undefined, '', 'soon', '-5', '1e3', '5.', 'Tue, 24 Nov 2026 12:00:30 GMT'])('does not read %j', (value) => {
    expect(parseRateLimitReset(value, NOW)).toBeUndefined();
  });
});

describe('decide', () => {
  const half = () => 0.5;
  it('retries on the attempt before the last, not after it', () => {
    expect(decide({ kind: 'network' }, POLICY.maxAttempts - 2, NOW, NOW + 60_000, half)).toEqual({ retry: true, delayMs: 8000 });
    expect(decide({ kind: 'network' }, POLICY.maxAttempts - 1, NOW, NOW + 60_000, half).retry).toBe(false);
  });
  it('takes a delay that ends exactly at the deadline', () => {
    expect(decide({ kind: 'status', status: 429, retryAfter: '10' }, 0, NOW, NOW + 10_000, half)).toEqual({ retry: true, delayMs: 10_000 });
    expect(decide({ kind: 'network' }, 1, NOW, NOW + 1000, half)).toEqual({ retry: true, delayMs: 1000 });
    expect(decide({ kind: 'network' }, 1, NOW, NOW + 999, half)).toEqual({ retry: false, why: 'the deadline set by input "timeout" leaves no time to retry' });
  });
  it('says the time asked for in whole seconds, rounded up', () => {
    expect(decide({ kind: 'status', status: 503, retryAfter: 'Tue, 24 Nov 2026 12:01:00 GMT' }, 0, NOW - 500, NOW + 30_000, half)).toEqual({
      retry: false,
      why: 'asked to retry after 61s, which is past the deadline set by input "timeout"',
    });
  });
  it('falls back to X-RateLimit-Reset when Retry-After is absent or unreadable', () => {
    expect(decide({ kind: 'status', status: 429, rateLimitReset: '4' }, 0, NOW, NOW + 60_000, half)).toEqual({ retry: true, delayMs: 4000 });
    expect(decide({ kind: 'status', status: 429, retryAfter: 'later', rateLimitReset: '4' }, 0, NOW, NOW + 60_000, half)).toEqual({
      retry: true,
      delayMs: 4000,
    });
    expect(decide({ kind: 'status', status: 429, retryAfter: '2', rateLimitReset: '4' }, 0, NOW, NOW + 60_000, half)).toEqual({ retry: true, delayMs: 2000 });
    // A 5xx is not about the key's window: its X-RateLimit-Reset (on every answer) is no reason to wait for it.
    expect(decide({ kind: 'status', status: 503, rateLimitReset: '45' }, 0, NOW, NOW + 60_000, half)).toEqual({ retry: true, delayMs: backoffDelay(0, half) });
  });
  it('backs off with jitter when no header says how long', () => {
    expect(decide({ kind: 'status', status: 500 }, 3, NOW, NOW + 60_000, () => 0.25)).toEqual({ retry: true, delayMs: 2000 });
  });
});

/** The run's control with a simulated clock: sleeping moves the clock, and the run can be aborted. */
function control(deadlineIn = 600_000) {
  let now = NOW;
  const abort = new AbortController();
  const slept: number[] = [];
  const run: RunControl = {
    signal: abort.signal,
    deadline: NOW + deadlineIn,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    dispose: () => undefined,
  };
  return { run, abort, slept, clock: () => now };
}

/** An operation that fails with each of `failures` in turn, then succeeds with `value`. */
function flaky<T>(failures: unknown[], value: T) {
  let calls = 0;
  return {
    attempt: async () => {
      calls++;
      if (failures.length > 0) throw failures.shift();
      return value;
    },
    calls: () => calls,
  };
}

describe('withRetries', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const options = (c: ReturnType<typeof control>, info: string[], extra: Partial<RetryOptions<string>> = {}): RetryOptions<string> => ({
    control: c.run,
    clock: c.clock,
    info: (m) => void info.push(m),
    ...extra,
  });

  it('returns the first success, saying each retry with the next attempt number', async () => {
    const c = control();
    const info: string[] = [];
    const op = flaky([new HttpError('busy', 503, {}, '2'), new NetworkError('Connection reset.', 'ECONNRESET')], 'ok');
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(await withRetries('GET /x', op.attempt, options(c, info))).toBe('ok');
    expect(op.calls()).toBe(3);
    expect(c.slept).toEqual([2000, 1000]);
    expect(info).toEqual(['GET /x: HTTP 503; retrying in 2.0s (attempt 2 of 6).', 'GET /x: Connection reset; retrying in 1.0s (attempt 3 of 6).']);
  });
  it('says what it does next in the words the caller gives for that failure', async () => {
    const c = control();
    const info: string[] = [];
    const op = flaky([new HttpError('busy', 500, {}, '1')], 'ok');
    await withRetries('POST /generations', op.attempt, options(c, info, { retryNote: (error) => `posting again after ${(error as HttpError).status}` }));
    expect(info).toEqual(['POST /generations: HTTP 500; posting again after 500 in 1.0s (attempt 2 of 6).']);
  });
  it('gives up after the last attempt, saying so in the error', async () => {
    const c = control();
    const op = flaky(
      Array.from({ length: 6 }, () => new HttpError('Hedra answered HTTP 503.', 503, {}, '1')),
      'never',
    );
    const error = await withRetries('GET /x', op.attempt, options(c, [])).catch((e) => e);
    expect(op.calls()).toBe(6);
    expect(error.message).toBe('Hedra answered HTTP 503 (gave up after 6 attempts).');
  });
  it('does not retry a refusal, and leaves its message alone', async () => {
    const c = control();
    const refusal = new HttpError('Hedra answered HTTP 400.', 400, {});
    const op = flaky([refusal], 'never');
    await expect(withRetries('GET /x', op.attempt, options(c, []))).rejects.toBe(refusal);
    expect(refusal.message).toBe('Hedra answered HTTP 400.');
    expect(op.calls()).toBe(1);
  });
  it('does not retry what no retry can help', async () => {
    const c = control();
    const bad = new InputError('bad input');
    await expect(withRetries('GET /x', flaky([bad], 'never').attempt, options(c, []))).rejects.toBe(bad);
    expect(c.slept).toEqual([]);
  });
  it('ends with a value the caller recovers from a failure', async () => {
    const c = control();
    const seen: unknown[] = [];
    const failure = new NetworkError('reset', 'ECONNRESET');
    const recover = async (error: unknown) => {
      seen.push(error);
      return 'adopted';
    };
    expect(await withRetries('POST /generations', flaky([failure], 'created').attempt, options(c, [], { recover }))).toBe('adopted');
    expect(seen).toEqual([failure]);
    expect(c.slept).toEqual([]);
  });
  it('goes on with the policy when the caller recovers nothing', async () => {
    const c = control();
    const recover = async () => undefined;
    expect(await withRetries('GET /x', flaky([new HttpError('busy', 429, {}, '1')], 'ok').attempt, options(c, [], { recover }))).toBe('ok');
    expect(c.slept).toEqual([1000]);
  });
  it('ends with the reason of an abort of the run, without asking the policy', async () => {
    const c = control();
    const reason = new DeadlineReached(60_000);
    c.abort.abort(reason);
    const recover = vi.fn(async () => 'adopted');
    await expect(withRetries('GET /x', flaky([new NetworkError('aborted')], 'never').attempt, options(c, [], { recover }))).rejects.toBe(reason);
    expect(recover).not.toHaveBeenCalled();
  });
  it('stops when the deadline leaves no time for the delay asked for', async () => {
    const c = control(5000);
    const error = await withRetries('GET /x', flaky([new HttpError('Hedra answered HTTP 429.', 429, {}, '9')], 'never').attempt, options(c, [])).catch(
      (e) => e,
    );
    expect(error.message).toBe('Hedra answered HTTP 429 (asked to retry after 9s, which is past the deadline set by input "timeout").');
    expect(c.slept).toEqual([]);
  });
  it('says a failure by its message, without its final full stop only', async () => {
    const c = control();
    const info: string[] = [];
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const failures = [
      new NetworkError('Connection to api.hedra.com reset.', 'ECONNRESET'),
      new NetworkError('Connection to api.hedra.com reset.', 'ECONNRESET'),
    ];
    const op = flaky(failures, 'ok');
    await withRetries('GET /x', op.attempt, options(c, info));
    expect(info[0]).toBe('GET /x: Connection to api.hedra.com reset; retrying in 0.5s (attempt 2 of 6).');
    const tooLate = control(0);
    const error = await withRetries('GET /x', flaky([new NetworkError('Lost api.hedra.com.', 'ECONNRESET')], 'never').attempt, options(tooLate, [])).catch(
      (e) => e,
    );
    expect(error.message).toBe('Lost api.hedra.com (the deadline set by input "timeout" leaves no time to retry).');
  });
  it('says why it stops when the deadline leaves no time for a retry', async () => {
    const c = control(0);
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const failure = new NetworkError('Socket closed', 'UND_ERR_SOCKET');
    const error = await withRetries('GET /x', flaky([failure], 'never').attempt, options(c, [])).catch((e) => e);
    expect(error).toBe(failure);
    expect(error.message).toBe('Socket closed (the deadline set by input "timeout" leaves no time to retry).');
  });
});
