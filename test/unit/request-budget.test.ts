// The request budget (src/http/budget.ts): its arithmetic on given times, and
// its turns on an injected clock whose sleep only moves the clock.
import { describe, expect, it } from 'vitest';
import { RequestBudget, rateLimitHeaders, WINDOW_MARGIN_MS } from '../../src/http/budget.ts';
import { mostInWindow } from '../server/v3-rate-limit.ts';

const POLICY = { requests: 60, windowMs: 60_000 };
const SPAN = POLICY.windowMs + WINDOW_MARGIN_MS;

/** A budget on a clock that only sleeps move. */
function onClock(given: typeof POLICY | 'none' = POLICY) {
  const policy = given === 'none' ? undefined : given;
  const clock = { now: 1_000_000 };
  const sleeps: number[] = [];
  const budget = new RequestBudget({
    policy,
    clock: () => clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
  });
  return { budget, clock, sleeps };
}

describe('RequestBudget: the documented limit', () => {
  it('lets a burst of the whole window go at once, then the next when the oldest leaves the window (and its margin)', () => {
    const { budget } = onClock();
    for (let i = 0; i < 60; i++) {
      expect(budget.delayAt(0)).toBe(0);
      budget.spend(0);
    }
    expect(budget.delayAt(0)).toBe(SPAN);
    expect(budget.delayAt(SPAN - 1)).toBe(1);
    expect(budget.delayAt(SPAN)).toBe(0);
  });

  it('never lets a window hold more than the limit, however requests are asked for: one a second on average', async () => {
    const { budget, clock } = onClock();
    const sent: number[] = [];
    // Far more asked for than allowed: 300 requests, all at once.
    await Promise.all(
      Array.from({ length: 300 }, () =>
        budget.take('GET /x').then(() => {
          sent.push(clock.now);
        }),
      ),
    );
    expect(sent).toHaveLength(300);
    expect(mostInWindow(sent, POLICY.windowMs)).toBeLessThanOrEqual(60);
    // 300 requests at 60 per window and margin: four full windows of waiting.
    expect(sent.at(-1)! - sent[0]).toBe(4 * SPAN);
  });

  it('takes turns in the order asked', async () => {
    const { budget } = onClock({ requests: 2, windowMs: 1000 });
    const order: string[] = [];
    await Promise.all(['a1', 'b1', 'c1', 'a2', 'b2', 'c2'].map((name) => budget.take(name).then(() => order.push(name))));
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
  });

  it('goes on with the next in line when a wait is interrupted (the run ends)', async () => {
    const clock = { now: 0 };
    let refuse = true;
    const budget = new RequestBudget({
      policy: { requests: 1, windowMs: 1000 },
      clock: () => clock.now,
      sleep: async (ms) => {
        if (refuse) {
          refuse = false;
          throw new Error('deadline');
        }
        clock.now += ms;
      },
    });
    await budget.take('first');
    await expect(budget.take('second')).rejects.toThrow('deadline');
    await expect(budget.take('third')).resolves.toBeUndefined();
  });

  it('without a policy (v2 publishes none), nothing waits but for what answers say', () => {
    const { budget } = onClock('none');
    for (let i = 0; i < 1000; i++) budget.spend(0);
    expect(budget.delayAt(0)).toBe(0);
  });
});

describe('RequestBudget: what the answers say', () => {
  it('X-RateLimit-Remaining: 0 waits until X-RateLimit-Reset (epoch seconds), then goes', () => {
    const { budget } = onClock();
    const now = 1_700_000_000_000;
    budget.heard({ limit: '60', remaining: '0', reset: '1700000010' }, now);
    expect(budget.delayAt(now)).toBe(10_000);
    expect(budget.delayAt(now + 10_000)).toBe(0);
  });

  it('X-RateLimit-Remaining caps what goes before the reset (the key has other users)', () => {
    const { budget } = onClock();
    budget.heard({ remaining: '2', reset: '5' }, 0);
    budget.spend(0);
    budget.spend(0);
    expect(budget.delayAt(0)).toBe(5000);
    expect(budget.delayAt(5000)).toBe(0);
    budget.spend(5000);
    expect(budget.delayAt(5000)).toBe(0);
  });

  it('X-RateLimit-Limit lowers the limit of the window, never raises it', () => {
    const { budget } = onClock();
    budget.heard({ limit: '10' }, 0);
    for (let i = 0; i < 10; i++) budget.spend(0);
    expect(budget.delayAt(0)).toBe(SPAN);
    budget.heard({ limit: '1000' }, 0);
    expect(budget.delayAt(0)).toBe(SPAN);
  });

  it('a 429 pauses every request of the run for what it asked', () => {
    const { budget } = onClock();
    budget.pause(7000, 100);
    expect(budget.delayAt(100)).toBe(7000);
    expect(budget.delayAt(7100)).toBe(0);
    // A shorter pause later does not shorten it.
    budget.pause(1000, 200);
    expect(budget.delayAt(200)).toBe(6900);
  });

  it('ignores headers it cannot read', () => {
    const { budget } = onClock();
    budget.heard({ limit: 'lots', remaining: '-1', reset: 'soon' }, 0);
    budget.heard({ limit: '0', remaining: '0' }, 0);
    expect(budget.delayAt(0)).toBe(0);
  });

  it('reads the headers of an answer', () => {
    const headers = new Headers({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '59', 'X-RateLimit-Reset': '1700000000' });
    expect(rateLimitHeaders(headers)).toEqual({ limit: '60', remaining: '59', reset: '1700000000' });
    expect(rateLimitHeaders(new Headers())).toEqual({ limit: undefined, remaining: undefined, reset: undefined });
  });
});

describe('mostInWindow (the tests measure with it)', () => {
  it('counts the most requests any window holds, a request exactly a window later in the next', () => {
    expect(mostInWindow([], 1000)).toBe(0);
    expect(mostInWindow([0, 999, 1000, 1001], 1000)).toBe(3);
    expect(mostInWindow([5, 0, 3], 1000)).toBe(3);
  });
});
