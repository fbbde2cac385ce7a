// Time for in-process runs and the test servers: a clock that runs `scale`
// times faster than the wall clock, shared by the run (its polls, backoffs and
// deadline) and the servers (their jobs' progress, expiries and streams), so
// that waiting out a 2 s poll interval costs a few milliseconds while every
// interval, as each side sees it, keeps its length. What does not scale is the
// network: a request still takes its real milliseconds, which the clock
// multiplies (50 ms of real latency reads as 2.5 s), so tests bound time from
// below, not from above. The transport's stall watchdog stays on the wall
// clock (a real network's silence is measured in real time).
import type { Time } from '../../src/action/run-control.ts';

export interface TestTime extends Time {
  /** How many times faster than the wall clock. */
  readonly scale: number;
  /** Calls `fn` after `ms` on this clock. */
  setTimeout(fn: () => void, ms: number): { clear(): void };
}

export function scaledTime(scale: number): TestTime {
  const base = Date.now();
  const start = performance.now();
  return {
    scale,
    now: () => Math.floor(base + (performance.now() - start) * scale),
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms / scale);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    setTimeout(fn, ms) {
      const timer = setTimeout(fn, ms / scale);
      return { clear: () => clearTimeout(timer) };
    },
  };
}

/** The wall clock, as the servers see it when a test does not say otherwise (end-to-end runs of the bundle). */
export const wallTime: TestTime = {
  scale: 1,
  now: Date.now,
  sleep: (ms, signal) => scaledTime(1).sleep(ms, signal),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return { clear: () => clearTimeout(timer) };
  },
};

/** The clock in-process runs and their servers share unless a test makes its own: 50 times the wall clock. */
export const FAST = scaledTime(50);

/**
 * A clock that moves only when the test moves it: for server tests that must see every state a job
 * passes through, whatever the machine's load (a busy machine may skip a state on any running clock).
 * Sleeping on it moves it; its timers run on the wall clock.
 */
export function manualTime(start = Date.now()): TestTime & { advance(ms: number): void } {
  let now = start;
  return {
    scale: 1,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      now += ms;
    },
    setTimeout: wallTime.setTimeout,
  };
}
