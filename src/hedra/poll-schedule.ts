// When to ask for a generation's status next. Pure: the waiter feeds it what
// it has seen and sleeps for what it returns.
//
// The aim is to notice completion within about a second while asking far less
// often than a fixed 5 s poll on long jobs. From the progress Hedra reports
// (or the create answer's eta_sec) it estimates when the job will finish and
// sleeps half of the remaining time, so polls close in on the estimate
// geometrically and an estimate that was too late is corrected before it is
// overshot. Without any estimate it backs off from 2 s. Never below 2 s (Hedra
// publishes no rate limits, and its own clients poll every 2 to 5 s), never
// above 30 s.

export const MIN_DELAY_MS = 2000;
export const MAX_DELAY_MS = 30_000;

export interface Observation {
  /** Milliseconds on the waiter's clock. */
  at: number;
  status: string;
  progress: number;
}

interface ScheduleState {
  now: number;
  /** When the job was created (or the wait began, on resume). */
  startedAt: number;
  /** eta_sec from the create answer, if Hedra gave one. */
  etaSec?: number;
  /** Every observation of this job so far, oldest first. */
  history: Observation[];
}

const clamp = (ms: number) => Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, ms));

/** Each progress value with the time it was first seen: a value seen again says nothing new about the rate. */
function changes(history: Observation[]): Observation[] {
  const out: Observation[] = [];
  for (const o of history) if (o.status === 'processing' && o.progress > 0 && o.progress < 1 && o.progress !== out.at(-1)?.progress) out.push(o);
  return out;
}

/**
 * Estimated completion time: from the progress rate while processing and from
 * eta_sec, the earlier of the two when both exist (an early poll costs one
 * request; a late one costs the user's time).
 */
export function estimatedCompletion(state: ScheduleState): number | undefined {
  const estimates: number[] = [];
  const seen = changes(state.history);
  const latest = seen.at(-1);
  if (latest) {
    // The rate from the first progress seen, or, with only one, from the last time the job was seen queued.
    const lastQueued = state.history.filter((o) => o.at < latest.at && o.status === 'queued').at(-1);
    const from = seen.length > 1 ? seen[0] : { at: lastQueued?.at ?? state.startedAt, progress: 0 };
    const rate = (latest.progress - from.progress) / (latest.at - from.at);
    if (rate > 0 && Number.isFinite(rate)) estimates.push(latest.at + (1 - latest.progress) / rate);
  }
  if (state.etaSec !== undefined && state.etaSec > 0) estimates.push(state.startedAt + state.etaSec * 1000);
  return estimates.length ? Math.min(...estimates) : undefined;
}

export function nextPollDelay(state: ScheduleState): number {
  const latest = state.history.at(-1);
  if (latest && (latest.status === 'finalizing' || latest.progress >= 1)) {
    // Done but for the last step, whose length nothing tells: back off gently from the minimum.
    const since = state.history.find((o) => o.status === 'finalizing' || o.progress >= 1)!.at;
    return Math.min(2500, clamp(0.3 * (state.now - since)));
  }
  // Early estimates can be far off (a slow start looks endless), so never sleep longer than half the time waited so far.
  const patience = 0.5 * (state.now - state.startedAt);
  const eta = estimatedCompletion(state);
  if (eta !== undefined) return clamp(Math.min((eta - state.now) / 2, patience));
  return clamp(0.3 * (state.now - state.startedAt));
}
