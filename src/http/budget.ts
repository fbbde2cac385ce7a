// The request budget: one per run (the transport's), so one per API key, and
// every API request of the run goes through it: streams opened, each job's
// status reads, result reads, estimates, uploads, submits. Requests wait their
// turn in the order they asked (a batch whose jobs all poll takes turns rather
// than each polling on its own schedule).
//
// What it keeps to, each a reason to wait before the next request:
// - the API's published limit (v3: 60 requests per 60 s per key), as a sliding
//   window: no `windowMs` (plus a margin for the network's jitter: the server
//   counts arrivals, this counts departures) ever holds more than `requests`.
//   That is one request a second on average, and a burst may use what the
//   window has left (a batch's submits and streams go at once);
// - what the server says of the key on any answer: X-RateLimit-Limit lowers
//   the limit, X-RateLimit-Remaining with X-RateLimit-Reset caps what may be
//   sent before the reset (0: nothing), which also counts the key's other
//   users (another workflow run with the same key);
// - a 429's Retry-After (or the error body's retry_after, which the API's
//   describeError puts in its place): nothing at all is sent before it.
// The state and the arithmetic are pure (every method takes `now`); only
// take() waits, on the run's injected clock and sleep. Design:
// docs/decisions/request-budget.md.
import { parseRateLimitReset } from './retry.js';

/** An API's documented rate limit per key: at most `requests` in any `windowMs`. */
export interface RateLimitPolicy {
  requests: number;
  windowMs: number;
}

/**
 * How much longer than the window a request is counted: the server times arrivals, this times departures, and two
 * requests' latencies differ by up to this much without the server seeing one window more than full.
 */
export const WINDOW_MARGIN_MS = 2000;

/** The rate-limit headers of an answer, as sent (undefined when absent). */
export interface RateLimitHeaders {
  limit?: string;
  remaining?: string;
  reset?: string;
}

export function rateLimitHeaders(headers: Headers): RateLimitHeaders {
  const get = (name: string) => headers.get(name) ?? undefined;
  return { limit: get('x-ratelimit-limit'), remaining: get('x-ratelimit-remaining'), reset: get('x-ratelimit-reset') };
}

const wholeNumber = (value: string | undefined) => (value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined);

export interface BudgetOptions {
  /** The documented limit; none (v2 publishes none): only what answers say is kept to. */
  policy?: RateLimitPolicy;
  clock: () => number;
  /** The run's sleep: rejects when the run is aborted (its deadline, a cancel). */
  sleep: (ms: number) => Promise<void>;
  /** Where a wait is noted (debug logging). */
  debug?: (message: string) => void;
}

export class RequestBudget {
  /** The most requests a window may hold: the policy's, lowered by X-RateLimit-Limit. */
  private limit: number | undefined;
  private readonly windowMs: number;
  /** When each request of the last window (and margin) was sent, oldest first. */
  private sent: number[] = [];
  /** No request before this (a 429's Retry-After). */
  private pausedUntil = 0;
  /** What the server last said is left for the key until its reset. */
  private server: { left: number; resetAt: number } | undefined;
  /** The turn of the last request to ask: each waits for the one before it. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: BudgetOptions) {
    this.limit = options.policy?.requests;
    this.windowMs = options.policy?.windowMs ?? 0;
  }

  /** How long from `now` the next request must wait (0: it may go now). */
  delayAt(now: number): number {
    let until = this.pausedUntil;
    if (this.server && now < this.server.resetAt && this.server.left <= 0) until = Math.max(until, this.server.resetAt);
    if (this.limit !== undefined) {
      const span = this.windowMs + WINDOW_MARGIN_MS;
      while (this.sent.length > 0 && this.sent[0] <= now - span) this.sent.shift();
      // The window is full: the next request goes when enough of the oldest have left it.
      if (this.sent.length >= this.limit) until = Math.max(until, this.sent[this.sent.length - this.limit] + span);
    }
    return Math.max(0, until - now);
  }

  /** A request goes now. */
  spend(now: number): void {
    if (this.limit !== undefined) this.sent.push(now);
    if (this.server) {
      if (now >= this.server.resetAt) this.server = undefined;
      else this.server.left--;
    }
  }

  /** What an answer's rate-limit headers say of the key (any answer: a 2xx as much as a 429). */
  heard(headers: RateLimitHeaders, now: number): void {
    const limit = wholeNumber(headers.limit);
    // A limit means something only over a known window: the policy's.
    if (limit !== undefined && limit > 0 && this.limit !== undefined) this.limit = Math.min(this.limit, limit);
    const remaining = wholeNumber(headers.remaining);
    const resetIn = parseRateLimitReset(headers.reset, now);
    if (remaining === undefined || resetIn === undefined || resetIn <= 0) return;
    this.server = { left: remaining, resetAt: now + resetIn };
  }

  /** A 429 asked for `ms` of quiet: no request of the run goes before it has passed. */
  pause(ms: number, now: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
  }

  /**
   * Waits for this request's turn and for the budget to allow it, then counts it as sent. Turns are taken in the
   * order asked; a wait that the run's end interrupts rejects (and the next in line goes on).
   */
  take(what: string): Promise<void> {
    const turn = this.queue.then(() => this.waitTurn(what));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitTurn(what: string): Promise<void> {
    for (;;) {
      const now = this.options.clock();
      const wait = this.delayAt(now);
      if (wait <= 0) {
        this.spend(now);
        return;
      }
      this.options.debug?.(`The request budget of the key allows the next request in ${(wait / 1000).toFixed(1)}s; waiting before ${what}`);
      await this.options.sleep(wait);
    }
  }
}
