// Reuse on v3 decided from what Hedra says about the job a derived idempotency key was answered with
// (src/apis/v3/earlier.ts): when Hedra stamped it against Hedra's own clock before the submit, its
// status and output, and whether it ran this request.

import { describe, expect, it } from 'vitest';
import { CLOCKLESS_MARGIN_MS, existedBefore, otherRequest, verdict } from '../../src/apis/v3/earlier.ts';
import { mayBeKept } from '../../src/apis/v3/submit.ts';
import { HttpError } from '../../src/http/errors.ts';

const T = Date.parse('2026-12-05T13:00:00Z');

describe("existedBefore: on Hedra's clock when Hedra said it, whatever this machine's clock says", () => {
  it('a stamp before the latest date Hedra answered with is earlier, by a millisecond as by a day', () => {
    expect(existedBefore(T - 1, { hedra: T, runner: T })).toBe(true);
    expect(existedBefore(T - 86_400_000, { hedra: T, runner: T })).toBe(true);
  });
  it("a stamp at or after it is this submit's, however far this machine's clock is from Hedra's", () => {
    expect(existedBefore(T, { hedra: T, runner: T })).toBe(false);
    // This machine five minutes ahead or behind: Hedra's clock alone decides.
    expect(existedBefore(T + 300, { hedra: T, runner: T + 300_000 })).toBe(false);
    expect(existedBefore(T - 1000, { hedra: T - 2000, runner: T - 300_000 })).toBe(false);
  });
  it("without a date from Hedra, only a stamp well before this machine's clock is earlier", () => {
    expect(existedBefore(T - CLOCKLESS_MARGIN_MS - 1, { runner: T })).toBe(true);
    expect(existedBefore(T - CLOCKLESS_MARGIN_MS + 1, { runner: T })).toBe(false);
  });
  it('an undated job cannot be placed', () => {
    expect(existedBefore(undefined, { hedra: T, runner: T })).toBeUndefined();
  });
});

describe('verdict: what the run does with the job', () => {
  const before = { hedra: T, runner: T };
  const earlier = T - 3000;
  it('its own job, however fast it ended, is made by this run (paid), never resubmitted', () => {
    for (const status of ['IN_QUEUE', 'COMPLETED', 'FAILED'])
      expect(verdict({ submittedAt: T + 10, status }, before)).toEqual({ kind: 'made', undated: false });
  });
  it("an undated job is taken as this run's (never claimed as paid by another)", () => {
    expect(verdict({ status: 'COMPLETED', outputKept: true }, before)).toEqual({ kind: 'made', undated: true });
  });
  it('an earlier completed job with its output is reused; one still running is followed', () => {
    expect(verdict({ submittedAt: earlier, status: 'COMPLETED', outputKept: true }, before)).toEqual({ kind: 'reuse', running: false });
    expect(verdict({ submittedAt: earlier, status: 'IN_QUEUE' }, before)).toEqual({ kind: 'reuse', running: true });
    expect(verdict({ submittedAt: earlier, status: 'IN_PROGRESS' }, before)).toEqual({ kind: 'reuse', running: true });
  });
  it("an earlier failed, expired or output-less job is never this run's answer: the next slot's key", () => {
    expect(verdict({ submittedAt: earlier, status: 'FAILED' }, before)).toEqual({ kind: 'again', why: 'had failed', freshKey: false });
    expect(verdict({ submittedAt: earlier, status: 'EXPIRED' }, before)).toEqual({ kind: 'again', why: 'is expired', freshKey: false });
    expect(verdict({ submittedAt: earlier, status: 'COMPLETED', outputKept: false }, before)).toEqual({
      kind: 'again',
      why: 'has no output left (Hedra keeps results for 48 hours)',
      freshKey: false,
    });
  });
  it("another request's job is never reused, even completed: a random key", () => {
    expect(verdict({ submittedAt: earlier, status: 'COMPLETED', outputKept: true, otherRequest: 'its prompt differs' }, before)).toEqual({
      kind: 'again',
      why: 'was made for another request (its prompt differs)',
      freshKey: true,
    });
  });
});

describe('otherRequest: a job Hedra replayed for another body', () => {
  const submitted = { model: 'kling-v3', input: { prompt: 'A fox' } };
  it('another model or another prompt says so', () => {
    expect(otherRequest(submitted, { model: 'veo-3', prompt: 'A fox' })).toBe('it ran model veo-3');
    expect(otherRequest(submitted, { model: 'kling-v3', prompt: 'A cat' })).toBe('its prompt differs');
  });
  it('the same, or nothing to compare, or a prompt Hedra rewrote, does not', () => {
    expect(otherRequest(submitted, { model: 'kling-v3', prompt: ' A fox ' })).toBeUndefined();
    expect(otherRequest(submitted, {})).toBeUndefined();
    expect(otherRequest({ model: 'kling-v3', input: { prompt: 'A fox', enhance_prompt: true } }, { prompt: 'A red fox at dusk' })).toBeUndefined();
  });
});

describe('mayBeKept: a refusal Hedra may have stored under the key', () => {
  const refused = (status: number) => new HttpError('refused', status, {});
  it('any clear refusal, ALREADY_EXISTS included', () => {
    for (const status of [400, 402, 403, 404, 409, 422]) expect(mayBeKept(refused(status))).toBe(true);
  });
  it('not a rate limit, a timeout, a server error or a lost answer (the retry policy owns them)', () => {
    for (const status of [408, 429, 500, 503]) expect(mayBeKept(refused(status))).toBe(false);
    expect(mayBeKept(new Error('socket hang up'))).toBe(false);
  });
  it('not a 4xx Hedra says is retryable (a key still in progress): a random key would pay for a second job', () => {
    const busy = new HttpError('busy', 409, {}, '2', undefined, { retryable: true });
    expect(mayBeKept(busy)).toBe(false);
    expect(mayBeKept(new HttpError('no', 409, {}, undefined, undefined, { retryable: false }))).toBe(true);
  });
});
