import { describe, expect, it } from 'vitest';
import { estimatedCompletion, MAX_DELAY_MS, MIN_DELAY_MS, nextPollDelay, type Observation } from '../../src/hedra/poll-schedule.ts';

const obs = (at: number, status: string, progress = 0): Observation => ({ at, status, progress });

describe('estimatedCompletion', () => {
  it('extrapolates the progress rate while processing', () => {
    const history = [obs(1000, 'queued'), obs(11_000, 'processing', 0.1), obs(21_000, 'processing', 0.2)];
    expect(estimatedCompletion({ now: 21_000, startedAt: 0, history })).toBe(101_000);
  });
  it('with one processing observation, measures from the last time it was queued', () => {
    const history = [obs(2000, 'queued'), obs(12_000, 'processing', 0.5)];
    expect(estimatedCompletion({ now: 12_000, startedAt: 0, history })).toBe(22_000);
  });
  it('falls back to eta_sec, then to nothing', () => {
    expect(estimatedCompletion({ now: 1000, startedAt: 0, etaSec: 90, history: [obs(1000, 'queued')] })).toBe(90_000);
    expect(estimatedCompletion({ now: 1000, startedAt: 0, history: [obs(1000, 'queued')] })).toBeUndefined();
  });
});

describe('nextPollDelay', () => {
  it('sleeps half the estimated remaining time, within 1 s and 30 s', () => {
    const history = [obs(0, 'queued'), obs(10_000, 'processing', 0.5)];
    expect(nextPollDelay({ now: 10_000, startedAt: 0, history })).toBe(5000);
    const slow = [obs(0, 'queued'), obs(100_000, 'processing', 0.01)];
    expect(nextPollDelay({ now: 100_000, startedAt: 0, history: slow })).toBe(MAX_DELAY_MS);
    const nearlyDone = [obs(0, 'queued'), obs(10_000, 'processing', 0.99)];
    expect(nextPollDelay({ now: 10_000, startedAt: 0, history: nearlyDone })).toBe(MIN_DELAY_MS);
  });
  it('never sleeps longer than half the time waited so far: early estimates can be far off', () => {
    const slowStart = [obs(0, 'queued'), obs(4000, 'processing', 0.01)];
    expect(nextPollDelay({ now: 4000, startedAt: 0, history: slowStart })).toBe(2000);
  });
  it('takes the earlier of the progress estimate and eta_sec', () => {
    const history = [obs(0, 'queued'), obs(20_000, 'processing', 0.1)];
    expect(estimatedCompletion({ now: 20_000, startedAt: 0, etaSec: 60, history })).toBe(60_000);
    expect(estimatedCompletion({ now: 20_000, startedAt: 0, etaSec: 600, history })).toBe(200_000);
  });
  it('measures the rate from when each progress value was first seen', () => {
    // Progress that moves in steps: the repeats of 0.2 must not make the job look slower.
    const history = [obs(0, 'processing', 0.1), obs(10_000, 'processing', 0.2), obs(14_000, 'processing', 0.2), obs(18_000, 'processing', 0.2)];
    expect(estimatedCompletion({ now: 18_000, startedAt: 0, history })).toBe(90_000);
  });
  it('polls every second once past the estimate', () => {
    const history = [obs(0, 'queued'), obs(10_000, 'processing', 0.5)];
    expect(nextPollDelay({ now: 25_000, startedAt: 0, history })).toBe(MIN_DELAY_MS);
  });
  it('backs off from 2 s when nothing tells how long the job takes', () => {
    const delays = [1000, 5000, 20_000, 200_000].map((now) => nextPollDelay({ now, startedAt: 0, history: [obs(now, 'queued')] }));
    expect(delays).toEqual([2000, 2000, 6000, 30_000]);
  });
  it('polls briskly, at most every 2.5 s, while finalizing', () => {
    const history = [obs(0, 'processing', 0.9), obs(5000, 'finalizing', 1)];
    expect(nextPollDelay({ now: 5000, startedAt: 0, history })).toBe(MIN_DELAY_MS);
    expect(nextPollDelay({ now: 60_000, startedAt: 0, history })).toBe(2500);
  });
  it('never leaves the 2 s .. 30 s range', () => {
    for (let now = 0; now < 700_000; now += 7919) {
      for (const progress of [0, 0.001, 0.3, 0.999]) {
        const d = nextPollDelay({ now, startedAt: 0, etaSec: 60, history: [obs(0, 'queued'), obs(Math.max(1, now / 2), 'processing', progress)] });
        expect(d).toBeGreaterThanOrEqual(MIN_DELAY_MS);
        expect(d).toBeLessThanOrEqual(MAX_DELAY_MS);
      }
    }
  });
});
