import { describe, expect, it } from 'vitest';
import { backoffDelay, decide, isRetryable, POLICY, parseRetryAfter } from '../../src/http/retry.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const later = (ms: number) => NOW + ms;

describe('isRetryable', () => {
  it.each([408, 429, 500, 502, 503, 504, 599])('retries HTTP %i', (status) => expect(isRetryable({ kind: 'status', status })).toBe(true));
  it.each([400, 401, 402, 403, 404, 409, 422])('never retries HTTP %i', (status) => expect(isRetryable({ kind: 'status', status })).toBe(false));
  it.each(['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'EAI_AGAIN', undefined])('retries a lost connection (%s)', (code) =>
    expect(isRetryable({ kind: 'network', code })).toBe(true),
  );
  it.each(['ENOTFOUND', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED'])('does not retry what another attempt cannot fix (%s)', (code) =>
    expect(isRetryable({ kind: 'network', code })).toBe(false),
  );
  it.each([400, 402, 409, 422, 408, 429, 500, 503])("retries HTTP %i when Hedra says it is retryable (v3's error.retryable)", (status) =>
    expect(isRetryable({ kind: 'status', status, retryable: true })).toBe(true),
  );
  it.each([408, 429, 400, 409])('does not retry HTTP %i when Hedra says it is not retryable', (status) =>
    expect(isRetryable({ kind: 'status', status, retryable: false })).toBe(false),
  );
  // Hedra's documented 500 says retryable: false; every retried call is safe to repeat, and one passing server error must not fail a paid run.
  it.each([500, 502, 503, 504])('still retries HTTP %i when Hedra says it is not retryable', (status) =>
    expect(isRetryable({ kind: 'status', status, retryable: false })).toBe(true),
  );
  it('goes by the status when Hedra says nothing', () => {
    expect(isRetryable({ kind: 'status', status: 502, retryable: undefined })).toBe(true);
    expect(isRetryable({ kind: 'status', status: 409, retryable: undefined })).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
  it('ignores numbers that are neither whole seconds nor a date, which Date.parse alone would take as one', () => {
    expect(parseRetryAfter('1.5', NOW)).toBeUndefined();
    expect(parseRetryAfter('-3', NOW)).toBeUndefined();
    expect(parseRetryAfter('2026', NOW)).toBe(2_026_000);
  });
});

describe('backoffDelay', () => {
  it('is full jitter under a doubling ceiling capped at 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, () => 0.999999))).toEqual([999, 1999, 3999, 7999, 15_999, 29_999, 29_999]);
    expect(backoffDelay(3, () => 0)).toBe(0);
  });
});

describe('decide', () => {
  const half = () => 0.5;
  it('honours Retry-After while it fits the deadline', () => {
    expect(decide({ kind: 'status', status: 429, retryAfter: '3' }, 0, NOW, later(60_000), half)).toEqual({ retry: true, delayMs: 3000 });
  });
  it('fails at once when Retry-After lies past the deadline', () => {
    expect(decide({ kind: 'status', status: 429, retryAfter: '120' }, 0, NOW, later(60_000), half)).toEqual({
      retry: false,
      why: 'asked to retry after 120s, which is past the deadline set by input "timeout"',
    });
  });
  it('backs off otherwise, and stops after the last attempt or at the deadline', () => {
    expect(decide({ kind: 'status', status: 503 }, 2, NOW, later(60_000), half)).toEqual({ retry: true, delayMs: 2000 });
    expect(decide({ kind: 'status', status: 503 }, POLICY.maxAttempts - 1, NOW, later(60_000), half)).toEqual({
      retry: false,
      why: `gave up after ${POLICY.maxAttempts} attempts`,
    });
    expect(decide({ kind: 'network' }, 4, NOW, later(1000), half)).toEqual({
      retry: false,
      why: 'the deadline set by input "timeout" leaves no time to retry',
    });
  });
  it('gives no reason for a plain refusal', () => {
    expect(decide({ kind: 'status', status: 400 }, 0, NOW, later(60_000), half)).toEqual({ retry: false });
  });
  it("follows Hedra's retryable, with the attempt limit, Retry-After and the deadline as for any retry", () => {
    expect(decide({ kind: 'status', status: 409, retryable: true }, 1, NOW, later(60_000), half)).toEqual({ retry: true, delayMs: 1000 });
    expect(decide({ kind: 'status', status: 409, retryable: true, retryAfter: '4' }, 0, NOW, later(60_000), half)).toEqual({ retry: true, delayMs: 4000 });
    expect(decide({ kind: 'status', status: 409, retryable: true }, POLICY.maxAttempts - 1, NOW, later(60_000), half)).toEqual({
      retry: false,
      why: `gave up after ${POLICY.maxAttempts} attempts`,
    });
    expect(decide({ kind: 'status', status: 429, retryable: false, retryAfter: '1' }, 0, NOW, later(60_000), half)).toEqual({ retry: false });
    expect(decide({ kind: 'status', status: 503, retryable: false, retryAfter: '1' }, 0, NOW, later(60_000), half)).toEqual({ retry: true, delayMs: 1000 });
  });
});
