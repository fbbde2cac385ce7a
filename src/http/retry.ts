// The one retry policy and the one loop that applies it, used by every call.
// The policy (decide) is pure: it says whether and when to try again.
//
// Retried: 408, 429 and 5xx answers, and failures with no answer at all
// (reset, refused, timeouts). Not retried: every other 4xx, which would only
// fail again. Hedra's own word comes first: a v3 error envelope's
// `error.retryable`, when it is an actual boolean. `true` retries whatever
// the status (e.g. a 409 ALREADY_IN_PROGRESS that says so); `false` stops a
// 408 or 429 (a quota used up, not a rate) but not a 5xx: Hedra's own
// documented 500 says `retryable: false`, the field "describes the condition,
// not a promise", and every call the action retries is safe to repeat (reads,
// and v3 submits under an idempotency key), while a paid run failing on one
// passing server error would cost the user more. Without it (v2 answers, a
// gateway's error page, an odd value) the status rule above applies. The envelope's `retry_after` stands in for a
// missing Retry-After header (see answer-errors.ts).
//
// Delays are "full jitter" exponential backoff (a random delay up to 1 s,
// 2 s, 4 s, … capped at 30 s), or what Retry-After asks for, unless that lies
// past the run's deadline: then it fails at once, saying so.

import type { RunControl } from '../action/run-control.js';
import { HttpError, NetworkError } from './errors.js';

export const POLICY = { baseMs: 1000, capMs: 30_000, maxAttempts: 6 };

/** What went wrong with one attempt: an HTTP answer, or none. */
export type Failure =
  | {
      kind: 'status';
      status: number;
      retryAfter?: string;
      rateLimitReset?: string;
      /** Hedra's own word (v3 `error.retryable`), only when it gave a boolean: it overrides the status rule. */
      retryable?: boolean;
    }
  | { kind: 'network'; code?: string };

type Decision = { retry: true; delayMs: number } | { retry: false; why?: string };

/** Failures without an answer that another attempt cannot fix: an unknown host, a certificate that is not trusted. */
const PERMANENT_NETWORK_CODES = new Set([
  'ENOTFOUND',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isCertificateProblem(code: string | undefined): boolean {
  return code !== undefined && code !== 'ENOTFOUND' && PERMANENT_NETWORK_CODES.has(code);
}

/** Whether another attempt may succeed: Hedra's explicit `retryable` when given, else the status (see the header). */
export function isRetryable(failure: Failure): boolean {
  if (failure.kind === 'network') return !PERMANENT_NETWORK_CODES.has(failure.code ?? '');
  if (failure.status >= 500) return true;
  if (failure.retryable !== undefined) return failure.retryable;
  return failure.status === 408 || failure.status === 429;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  // An HTTP date has a weekday name and a month name; Date.parse alone would read "1.5" or "-3" as dates.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * X-RateLimit-Reset as milliseconds from now. Its unit is undocumented: a
 * large number is taken as epoch seconds, a small one as seconds until the reset.
 */
export function parseRateLimitReset(value: string | undefined, now: number): number | undefined {
  const text = value?.trim() ?? '';
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return n > 1_000_000_000 ? Math.max(0, n * 1000 - now) : n * 1000;
}

/** Full jitter: uniformly random in [0, min(cap, base · 2^attempt)). `attempt` counts from 0. */
export function backoffDelay(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(POLICY.capMs, POLICY.baseMs * 2 ** attempt));
}

/**
 * Whether to try again after attempt number `attempt` (from 0) failed with
 * `failure`, given the time now and the run's deadline.
 */
export function decide(failure: Failure, attempt: number, now: number, deadline: number, random: () => number = Math.random): Decision {
  if (!isRetryable(failure)) return { retry: false };
  if (attempt + 1 >= POLICY.maxAttempts) return { retry: false, why: `gave up after ${POLICY.maxAttempts} attempts` };
  // X-RateLimit-Reset says when the key's window refills, which only a 429 is about: every answer carries it (v3's
  // do), and waiting for it after a 5xx would hold a step up to a minute for nothing the window has to do with.
  const reset = failure.kind === 'status' && failure.status === 429 ? parseRateLimitReset(failure.rateLimitReset, now) : undefined;
  const asked = failure.kind === 'status' ? (parseRetryAfter(failure.retryAfter, now) ?? reset) : undefined;
  if (asked !== undefined) {
    if (now + asked > deadline) {
      return { retry: false, why: `asked to retry after ${Math.ceil(asked / 1000)}s, which is past the deadline set by input "timeout"` };
    }
    return { retry: true, delayMs: asked };
  }
  const delayMs = backoffDelay(attempt, random);
  if (now + delayMs > deadline) return { retry: false, why: 'the deadline set by input "timeout" leaves no time to retry' };
  return { retry: true, delayMs };
}

/** Failures before the request left: the connection was never made, so the server cannot have acted on it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

export function wasNeverSent(error: unknown): boolean {
  return error instanceof NetworkError && NOT_SENT_CODES.has(error.code ?? '');
}

/** How an attempt failed, in the policy's terms; undefined for failures no retry can help (input, disk, answers we cannot use). */
export function failureOf(error: unknown): Failure | undefined {
  if (error instanceof NetworkError) return { kind: 'network', code: error.code };
  if (error instanceof HttpError) {
    const failure: Failure = { kind: 'status', status: error.status, retryAfter: error.retryAfter, rateLimitReset: error.rateLimitReset };
    if (error.retryable !== undefined) failure.retryable = error.retryable;
    return failure;
  }
  return undefined;
}

/** The error of the last attempt, with why no further attempt was made (if there is more to say than the error). */
function explained(error: unknown, why: string | undefined): unknown {
  if (why && error instanceof Error) error.message = `${error.message.replace(/\.$/, '')} (${why}).`;
  return error;
}

function describeFailure(error: unknown): string {
  if (error instanceof HttpError) return `HTTP ${error.status}`;
  return (error as Error).message.replace(/\.$/, '');
}

export interface RetryOptions<T> {
  control: RunControl;
  clock: () => number;
  /** Where "retrying in ..." lines go. */
  info: (message: string) => void;
  /**
   * Called after every failed attempt, before the policy: a value ends the
   * loop with that value (e.g. the generation turned out to exist).
   */
  recover?: (error: unknown) => Promise<T | undefined>;
  /** At most this many attempts (default POLICY.maxAttempts): fewer for a request the run can do without. */
  attempts?: number;
  /** What is done next after this failure, said in the retry line (default "retrying"), e.g. why posting again is safe. */
  retryNote?: (error: unknown) => string;
}

/**
 * Runs `attempt` until it succeeds, retrying by the policy. Every attempt
 * starts afresh (a new request, a reopened file), so a retry never sends half
 * a body. An abort of the run ends the loop with the abort's reason.
 */
export async function withRetries<T>(operation: string, attempt: () => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const { control } = options;
  for (let n = 0; ; n++) {
    let error: unknown;
    try {
      return await attempt();
    } catch (caught) {
      error = caught;
    }
    if (control.signal.aborted) throw control.signal.reason;
    const recovered = await options.recover?.(error);
    if (recovered !== undefined) return recovered;
    const failure = failureOf(error);
    if (!failure) throw error;
    const attempts = options.attempts ?? POLICY.maxAttempts;
    const decision =
      n + 1 >= attempts ? { retry: false as const, why: `gave up after ${attempts} attempts` } : decide(failure, n, options.clock(), control.deadline);
    if (!decision.retry) throw explained(error, decision.why);
    const next = options.retryNote?.(error) ?? 'retrying';
    options.info(`${operation}: ${describeFailure(error)}; ${next} in ${(decision.delayMs / 1000).toFixed(1)}s (attempt ${n + 2} of ${attempts}).`);
    await control.sleep(decision.delayMs);
  }
}
