// The poll schedule (src/hedra/poll-schedule.ts) on a clock that does not start
// at 0 (the waiter's clock is the run's: Date.now()), and at the edges of what
// counts as progress, as an estimate and as finalizing.
import { describe, expect, it } from 'vitest';
import { estimatedCompletion, MAX_DELAY_MS, MIN_DELAY_MS, nextPollDelay, type Observation } from '../../src/hedra/poll-schedule.ts';

const obs = (at: number, status: string, progress = 0): Observation => ({ at, status, progress });

/** A clock reading far from 0, as Date.now() is. */
const T = 1_780_000_000_000;
const at = (ms: number) => T + ms;

describe('on a clock that does not start at 0', () => {
  it('estimates from the start of the job when it was never seen queued', () => {
    expect(estimatedCompletion({ now: at(10_000), startedAt: at(0), history: [obs(at(10_000), 'processing', 0.5)] })).toBe(at(20_000));
  });
  it('limits the sleep to half the time waited since the start', () => {
    const history = [obs(at(0), 'queued'), obs(at(10_000), 'processing', 0.01)];
    expect(nextPollDelay({ now: at(10_000), startedAt: at(0), history })).toBe(5000);
  });
  it('backs off from the time waited since the start when nothing else tells', () => {
    expect(nextPollDelay({ now: at(10_000), startedAt: at(0), history: [obs(at(10_000), 'queued')] })).toBe(3000);
    expect(nextPollDelay({ now: at(20_000), startedAt: at(0), history: [obs(at(20_000), 'queued')] })).toBe(6000);
  });
  it('places eta_sec after the start', () => {
    expect(estimatedCompletion({ now: at(1000), startedAt: at(0), etaSec: 90, history: [obs(at(1000), 'queued')] })).toBe(at(90_000));
  });
  it('sleeps half the estimated remaining time', () => {
    const history = [obs(at(0), 'queued'), obs(at(20_000), 'processing', 0.5)];
    expect(nextPollDelay({ now: at(20_000), startedAt: at(0), history })).toBe(10_000);
  });
});

describe('what counts as progress', () => {
  it('measures from the first progress value seen, not from a progress of 0', () => {
    const history = [obs(at(1000), 'processing', 0), obs(at(11_000), 'processing', 0.25), obs(at(16_000), 'processing', 0.5)];
    expect(estimatedCompletion({ now: at(16_000), startedAt: at(0), history })).toBe(at(26_000));
  });
  it('does not count a progress of 1 as a rate to extrapolate', () => {
    const history = [obs(at(10_000), 'processing', 0.2), obs(at(20_000), 'processing', 0.4), obs(at(25_000), 'processing', 1)];
    expect(estimatedCompletion({ now: at(25_000), startedAt: at(0), history })).toBe(at(50_000));
  });
  it('counts only processing observations', () => {
    const history = [obs(at(0), 'queued'), obs(at(10_000), 'processing', 0.5), obs(at(12_000), 'finalizing', 0.9)];
    expect(estimatedCompletion({ now: at(12_000), startedAt: at(0), history })).toBe(at(20_000));
  });
  it('skips every repeat of the latest value, however many values came before', () => {
    const history = [obs(at(0), 'processing', 0.1), obs(at(10_000), 'processing', 0.2), obs(at(20_000), 'processing', 0.3), obs(at(30_000), 'processing', 0.3)];
    expect(estimatedCompletion({ now: at(30_000), startedAt: at(0), history })).toBe(at(90_000));
  });
  it('with one value, measures from the last time the job was seen queued, not from other observations', () => {
    const history = [obs(at(2000), 'queued'), obs(at(6000), 'processing', 0), obs(at(12_000), 'processing', 0.5)];
    expect(estimatedCompletion({ now: at(12_000), startedAt: at(0), history })).toBe(at(22_000));
  });
  it('ignores a queued observation after the progress was seen', () => {
    const history = [obs(at(0), 'queued'), obs(at(10_000), 'processing', 0.5), obs(at(12_000), 'queued')];
    expect(estimatedCompletion({ now: at(12_000), startedAt: at(0), history })).toBe(at(20_000));
  });
});

describe('when there is no estimate', () => {
  it('progress that went backwards gives none', () => {
    const history = [obs(at(0), 'processing', 0.5), obs(at(10_000), 'processing', 0.3)];
    expect(estimatedCompletion({ now: at(10_000), startedAt: at(0), history })).toBeUndefined();
  });
  it('progress seen at the very start gives none: no time has passed to measure a rate', () => {
    expect(estimatedCompletion({ now: at(0), startedAt: at(0), history: [obs(at(0), 'processing', 0.5)] })).toBeUndefined();
  });
  it.each([0, -5])('eta_sec %d gives none', (etaSec) => {
    expect(estimatedCompletion({ now: at(1000), startedAt: at(0), etaSec, history: [obs(at(1000), 'queued')] })).toBeUndefined();
  });
});

describe('finalizing', () => {
  it('is the state of the latest observation that counts, not of an earlier one', () => {
    const history = [obs(at(0), 'queued'), obs(at(10_000), 'processing', 0.5), obs(at(12_000), 'finalizing', 0.9)];
    // Finalizing: 0.3 of the 8 s since it began.
    expect(nextPollDelay({ now: at(20_000), startedAt: at(0), history })).toBe(2400);
  });
  it('begins with a finalizing status, whatever the progress', () => {
    const history = [obs(at(0), 'processing', 0.5), obs(at(10_000), 'finalizing', 0.9), obs(at(14_000), 'finalizing', 0.95)];
    expect(nextPollDelay({ now: at(18_000), startedAt: at(0), history })).toBe(2400);
  });
  it('begins with a progress of exactly 1, whatever the status', () => {
    const history = [obs(at(0), 'processing', 0.5), obs(at(10_000), 'processing', 1), obs(at(14_000), 'finalizing', 1)];
    expect(nextPollDelay({ now: at(18_000), startedAt: at(0), history })).toBe(2400);
    expect(nextPollDelay({ now: at(18_000), startedAt: at(0), history: history.slice(0, 2) })).toBe(2400);
  });
  it('polls at least every 2.5 s and no more often than the minimum', () => {
    const history = [obs(at(0), 'finalizing', 1)];
    expect(nextPollDelay({ now: at(1000), startedAt: at(0), history })).toBe(MIN_DELAY_MS);
    expect(nextPollDelay({ now: at(600_000), startedAt: at(0), history })).toBe(2500);
  });
});

describe('the limits', () => {
  it('are 2 s and 30 s', () => {
    expect([MIN_DELAY_MS, MAX_DELAY_MS]).toEqual([2000, 30_000]);
  });
  it('hold on a late clock too', () => {
    const history = [obs(at(0), 'queued'), obs(at(400_000), 'processing', 0.001)];
    expect(nextPollDelay({ now: at(400_000), startedAt: at(0), history })).toBe(MAX_DELAY_MS);
    expect(nextPollDelay({ now: at(100), startedAt: at(0), history: [obs(at(100), 'queued')] })).toBe(MIN_DELAY_MS);
  });
});
