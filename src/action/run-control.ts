// One AbortSignal for the whole run: it fires at the deadline (input
// "timeout") or when the runner cancels the step (SIGINT, then SIGTERM 7.5 s
// later). Every request, every sleep and every stream is tied to it, so
// nothing can outlive either.
//
// Time itself is a collaborator (Time): the runner passes the real clock,
// in-process tests a faster one, so that waiting out a poll interval, a
// retry's backoff or a deadline costs them no real seconds.
import { setTimeout as delay } from 'node:timers/promises';
import { Cancelled, DeadlineReached } from '../core/errors.js';

/** The run's clock and its way of waiting. */
export interface Time {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /** Resolves after `ms` on this clock; rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock. */
export const realTime: Time = {
  now: Date.now,
  async sleep(ms, signal) {
    try {
      await delay(ms, undefined, { signal });
    } catch (error) {
      throw signal?.aborted ? signal.reason : error;
    }
  },
};

export interface RunControl {
  signal: AbortSignal;
  /** Absolute time (ms since the epoch, on the run's clock) of the deadline. */
  deadline: number;
  /** Sleeps, unless the run (or `also`, when given) is aborted first: then rejects with the reason. */
  sleep(ms: number, also?: AbortSignal): Promise<void>;
  /** Stops the deadline's timer, so that it does not hold the process once the run has ended. */
  dispose(): void;
}

/** `startedAt` and the deadline are on `time`, the run's clock. */
export function createRunControl(startedAt: number, timeoutMs: number, cancel: AbortSignal, time: Time): RunControl {
  const deadline = startedAt + timeoutMs;
  const timer = new AbortController();
  const disposed = new AbortController();
  time.sleep(Math.max(0, deadline - time.now()), disposed.signal).then(
    () => timer.abort(new DeadlineReached(timeoutMs)),
    () => undefined,
  );
  const signal = AbortSignal.any([cancel, timer.signal]);
  return {
    signal,
    deadline,
    sleep: (ms, also) => time.sleep(ms, also ? AbortSignal.any([signal, also]) : signal),
    dispose: () => disposed.abort(),
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
