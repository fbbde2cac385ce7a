// The pure pieces of v3's waiting that names what exists: the job a submit's
// Location names, how often a lagging result is read again, how long a stream
// may say nothing of the status, and what a submit without an answer may leave.
import { describe, expect, it } from 'vitest';
import { jobInLocation } from '../../src/apis/v3/client.ts';
import { quietCheckAfter } from '../../src/apis/v3/follow.ts';
import { resultRetryDelay } from '../../src/apis/v3/results.ts';
import { mayExistNote, outcomeUnknown } from '../../src/apis/v3/submit.ts';
import { DeadlineReached } from '../../src/core/errors.ts';
import { HttpError, NetworkError } from '../../src/http/errors.ts';

const JOB = 'job_0b6f6a33-1b2f-4a3c-9a55-4a6b1f0e2c11';

describe('jobInLocation', () => {
  it('reads the job from the path or the whole URL, with or without a final slash', () => {
    expect(jobInLocation(`/v3/jobs/${JOB}`)).toBe(JOB);
    expect(jobInLocation(`https://api.hedra.com/v3/jobs/${JOB}/`)).toBe(JOB);
  });
  it('takes an opaque job id as issued (no UUID, mixed case, _ and -), up to 128 characters', () => {
    for (const job of ['job_01JH3KX9ZQ8W2V', 'job_Op_a-B', `job_${'x'.repeat(124)}`]) expect(jobInLocation(`/v3/jobs/${job}`)).toBe(job);
    expect(jobInLocation(`/v3/jobs/job_${'x'.repeat(125)}`)).toBeUndefined();
  });
  it('names nothing that is not a job id, nor another resource of the job', () => {
    for (const location of [null, '', '/v3/jobs/', `/v3/jobs/${JOB}/status`, '/v3/jobs/asset_1', '/v3/jobs/job_..%2F..', '/v3/jobs/job_a b']) {
      expect(jobInLocation(location)).toBeUndefined();
    }
  });
});

describe('resultRetryDelay', () => {
  it('is a second for the first five reads, then backs off to 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map(resultRetryDelay)).toEqual([1000, 1000, 1000, 1000, 1000, 2000, 3000, 4000, 5000, 5000, 5000]);
  });
});

describe('quietCheckAfter', () => {
  it('is the poll interval: 2 s at first, so that a quiet stream is checked no later than polling would notice the end', () => {
    expect(quietCheckAfter(0, 0, [])).toBe(2000);
    expect(quietCheckAfter(5000, 0, [{ at: 1000, status: 'queued', progress: 0 }])).toBe(2000);
  });
  it('backs off as polling does, with the time waited and what the job said of its progress (never over 30 s)', () => {
    expect(quietCheckAfter(20_000, 0, [])).toBe(6000);
    expect(quietCheckAfter(3_600_000, 0, [])).toBe(30_000);
    // 10 % in the first 60 s: about 9 minutes to go; half of that is more than the 30 s ceiling.
    expect(quietCheckAfter(60_000, 0, [{ at: 60_000, status: 'processing', progress: 0.1 }])).toBe(30_000);
    // 90 % after 90 s: 10 s to go, checked in half of it.
    expect(quietCheckAfter(90_000, 0, [{ at: 90_000, status: 'processing', progress: 0.9 }])).toBe(5000);
  });
});

describe('a submit without an answer', () => {
  it('may have made a job unless Hedra clearly refused it', () => {
    expect(outcomeUnknown(new DeadlineReached(1))).toBe(true);
    expect(outcomeUnknown(new NetworkError('reset'))).toBe(true);
    expect(outcomeUnknown(new HttpError('x', 502, {}))).toBe(true);
    expect(outcomeUnknown(new HttpError('x', 408, {}))).toBe(true);
    expect(outcomeUnknown(new HttpError('x', 400, {}))).toBe(false);
    expect(outcomeUnknown(new HttpError('x', 402, {}))).toBe(false);
  });
  it('says a re-run finds the job when the keys are derived from the request', () => {
    expect(mayExistNote('veo-3', ['k1'], true, 0)).toBe(
      "A job of model veo-3 may exist on Hedra's side: the submit (idempotency key k1) may have reached Hedra before its answer reached this run. Running this workflow again with the same inputs sends the same idempotency key, and Hedra answers with that job instead of starting another (nothing is paid twice).",
    );
  });
  it('says how to find the jobs when a re-run would pay again', () => {
    expect(mayExistNote('veo-3', ['k1', 'k2'], false, Date.UTC(2026, 0, 2, 3, 4, 5))).toBe(
      'Jobs of model veo-3 may exist on Hedra\'s side: the submit (idempotency keys k1, k2) may have reached Hedra before its answer reached this run. A re-run sends a new key (with "reuse: false", or with local files, which are stored again), so it would start and pay for another job: first look for the jobs of veo-3 submitted at 2026-01-02T03:04:05.000Z (GET /v3/models/veo-3/jobs, or Hedra\'s dashboard), and pick them up with generation-id: job_….',
    );
  });
});
