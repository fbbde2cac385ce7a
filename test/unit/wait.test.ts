// The waiter against a simulated job and clock: the same code the action runs.

import { describe, expect, it } from 'vitest';
import type { GenerationStatus } from '../../src/apis/v2/client.ts';
import { WaitTimeout } from '../../src/hedra/api.ts';
import { waitForGenerations } from '../../src/hedra/poll.ts';

const quiet = { info: () => undefined, warning: () => undefined };

/** A job that is queued for `queued` ms, then processes linearly for `processing` ms. */
function simulated(queued: number, processing: number, outcome: 'complete' | 'error' = 'complete') {
  let now = 0;
  const polls: number[] = [];
  const status = async (id: string): Promise<GenerationStatus> => {
    polls.push(now);
    if (now < queued) return { id, status: 'queued', progress: 0 };
    if (now < queued + processing) return { id, status: 'processing', progress: (now - queued) / processing };
    return { id, status: outcome, progress: 1 };
  };
  return { status, polls, clock: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe('waitForGenerations', () => {
  it('notices completion soon, with far fewer polls than every 5 s', async () => {
    const job = simulated(20_000, 300_000);
    const [final] = await waitForGenerations(job.status, ['g'], {
      deadline: 3_600_000,
      startedAt: 0,
      clock: job.clock,
      sleep: job.sleep,
      etaSec: 320,
      log: quiet,
    });
    expect(final.status).toBe('complete');
    const noticed = job.polls.at(-1)!;
    expect(noticed - 320_000).toBeLessThanOrEqual(2000);
    expect(job.polls.length).toBeLessThan(320_000 / 5000 / 2);
  });
  it('waits for every item of a batch and answers in order', async () => {
    const job = simulated(0, 10_000);
    const finals = await waitForGenerations(job.status, ['a', 'b', 'c'], { deadline: 60_000, startedAt: 0, clock: job.clock, sleep: job.sleep, log: quiet });
    expect(finals.map((f) => f.id)).toEqual(['a', 'b', 'c']);
  });
  it('returns an error outcome as final', async () => {
    const job = simulated(0, 5000, 'error');
    const [final] = await waitForGenerations(job.status, ['g'], { deadline: 60_000, startedAt: 0, clock: job.clock, sleep: job.sleep, log: quiet });
    expect(final.status).toBe('error');
  });
  it('stops at the deadline with the last status of each', async () => {
    const job = simulated(0, 600_000);
    const error = await waitForGenerations(job.status, ['g'], { deadline: 45_000, startedAt: 0, clock: job.clock, sleep: job.sleep, log: quiet }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeout);
    expect(job.clock()).toBe(45_000);
    expect((error as WaitTimeout).last.get('g')?.status).toBe('processing');
  });
});
