// One AbortSignal for the whole run: it fires at the deadline (input
// "timeout") or when the runner cancels the step (SIGINT, then SIGTERM 7.5 s
// later). Every request, every sleep and every stream is tied to it, so
// nothing can outlive either.
import { setTimeout as delay } from 'node:timers/promises';
import { Cancelled, DeadlineReached } from '../errors.js';

export interface RunControl {
  signal: AbortSignal;
  /** Absolute time (ms since the epoch) of the deadline. */
  deadline: number;
  /** Sleeps, unless the run is aborted first (then rejects with the reason). */
  sleep(ms: number): Promise<void>;
}

/** `startedAt` and the deadline are on `clock`, the run's clock. */
export function createRunControl(startedAt: number, timeoutMs: number, cancel: AbortSignal, clock: () => number): RunControl {
  const deadline = startedAt + timeoutMs;
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(new DeadlineReached(timeoutMs)), Math.max(0, deadline - clock()));
  handle.unref();
  const signal = AbortSignal.any([cancel, timer.signal]);
  return {
    signal,
    deadline,
    async sleep(ms) {
      try {
        await delay(ms, undefined, { signal });
      } catch {
        throw signal.reason;
      }
    },
  };
}

/**
 * Turns SIGINT/SIGTERM into an abort of `controller` with a Cancelled reason.
 * A second signal, or the run not ending within `graceMs`, exits at once
 * (the runner kills the process 7.5 s after the first signal).
 */
export function abortOnSignals(controller: AbortController, graceMs = 5000): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(1);
    controller.abort(new Cancelled(signal));
    setTimeout(() => process.exit(1), graceMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
