// What a run does with the job Hedra answered a submit with, when the idempotency key is derived from the
// request (reuse): Hedra replays the job a key first made, whatever became of it, and says nothing of whether
// the answer is a replay. What Hedra says about the job decides: when it was submitted, on Hedra's clock,
// against the latest instant Hedra's clock told this run before it submitted; its status; its output. Pure:
// the adapter reads the facts (docs/decisions/v3-reuse.md).
import { RETENTION } from './results.js';

/** Before this submit, as far as the run can tell. */
export interface Before {
  /** Hedra's clock, from the `Date` of its latest answer before the submit (rounded down to the second). */
  hedra?: number;
  /** This machine's clock at the submit: used only when no answer of Hedra's carried a date. */
  runner: number;
}

/**
 * Without Hedra's clock, how much earlier than the submit by this machine's clock a job must be stamped to
 * count as an earlier run's: far more than two clocks kept by NTP drift apart. Only then: a job of this run
 * must never be taken for an earlier one (it would be reported as paid by another run).
 */
export const CLOCKLESS_MARGIN_MS = 60_000;

/** Whether a job stamped `submittedAt` (Hedra's clock) existed before this submit; undefined when Hedra gave no stamp. */
export function existedBefore(submittedAt: number | undefined, before: Before): boolean | undefined {
  if (submittedAt === undefined) return undefined;
  // A stamp before an instant Hedra's own clock had passed when it answered this run is earlier whatever the
  // clocks of the two machines say; a job this submit made is stamped after it, never before.
  if (before.hedra !== undefined) return submittedAt < before.hedra;
  return submittedAt < before.runner - CLOCKLESS_MARGIN_MS;
}

/** What Hedra says about the job a submit was answered with. */
export interface JobFacts {
  /** When Hedra says it was submitted (its first lifecycle event). */
  submittedAt?: number;
  /** Its status (`IN_QUEUE`, `IN_PROGRESS`, `COMPLETED`, `FAILED`, or another word). */
  status: string;
  /** For a completed job: whether its output is still there (Hedra keeps it 48 hours). */
  outputKept?: boolean;
  /** Why the job was made for another request (a key Hedra replays whatever the body), if it was. */
  otherRequest?: string;
}

/** This run made the job, or an earlier run did and it is this run's result, or it cannot be and the item is submitted again. */
export type Verdict = { kind: 'made'; undated: boolean } | { kind: 'reuse'; running: boolean } | { kind: 'again'; why: string; freshKey: boolean };

/** Statuses in which a job will never have an output. */
const DEAD = new Set(['FAILED', 'EXPIRED', 'CANCELLED', 'CANCELED']);

export function verdict(job: JobFacts, before: Before): Verdict {
  // Another request's job is never this run's result, however it came (its key is spent: a new one is needed).
  if (job.otherRequest) return { kind: 'again', why: `was made for another request (${job.otherRequest})`, freshKey: true };
  const earlier = existedBefore(job.submittedAt, before);
  // Undated, a job is taken as this run's: it is paid and counted, never claimed as another run's.
  if (!earlier) return { kind: 'made', undated: earlier === undefined };
  const status = job.status.toUpperCase();
  if (status === 'FAILED') return { kind: 'again', why: 'had failed', freshKey: false };
  if (DEAD.has(status)) return { kind: 'again', why: `is ${status.toLowerCase()}`, freshKey: false };
  if (status === 'COMPLETED')
    return job.outputKept
      ? { kind: 'reuse', running: false }
      : { kind: 'again', why: `has no output left (Hedra keeps results for ${RETENTION})`, freshKey: false };
  return { kind: 'reuse', running: true };
}

/** Why the job is another request's: a model or a prompt other than the one submitted (undefined when nothing says so). */
export function otherRequest(
  submitted: { model: string; input: Record<string, unknown> },
  job: { model?: string | null; prompt?: string | null },
): string | undefined {
  if (job.model && job.model !== submitted.model) return `it ran model ${job.model}`;
  const prompt = submitted.input.prompt;
  // With enhance_prompt, Hedra shows the prompt it rewrote: no comparison then.
  if (typeof prompt !== 'string' || typeof job.prompt !== 'string' || submitted.input.enhance_prompt === true) return undefined;
  return job.prompt.trim() === prompt.trim() ? undefined : 'its prompt differs';
}
