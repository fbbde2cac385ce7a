// The v3 test server's rate limit: Hedra's documented 60 requests per 60 s per
// API key, enforced as a sliding window over the requests' arrival times (the
// strictest reading: no 60 s, wherever it starts, holds more than 60 answered
// requests of one key). Every answer to a key carries X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds: when the oldest
// request of the window leaves it); a request over the limit is answered 429
// with Retry-After and the document's RESOURCE_EXHAUSTED envelope (retryable,
// retry_after), and is not counted (it was not served).
// Written in erasable TypeScript so that Node runs it directly.

export interface RateLimitRule {
  requests: number;
  windowMs: number;
}

export interface Admission {
  allowed: boolean;
  /** The X-RateLimit-* headers of the answer. */
  headers: Record<string, string>;
  /** When refused: whole seconds until a request would be allowed (Retry-After). */
  retryAfterSeconds?: number;
}

export interface RateLimiter {
  /** Counts a request of `key` arriving at `now` (the server's clock), or refuses it. */
  admit(key: string, now: number): Admission;
}

export function rateLimiter(rule: () => RateLimitRule | false): RateLimiter {
  const served = new Map<string, number[]>();
  return {
    admit(key, now) {
      const limit = rule();
      if (!limit) return { allowed: true, headers: {} };
      const times = (served.get(key) ?? []).filter((t) => t > now - limit.windowMs);
      served.set(key, times);
      const allowed = times.length < limit.requests;
      if (allowed) times.push(now);
      // The oldest request of the window leaves it at its time plus the window: one more is allowed then.
      const freedAt = times.length > 0 ? times[Math.max(0, times.length - limit.requests)] + limit.windowMs : now;
      const headers = {
        'x-ratelimit-limit': String(limit.requests),
        'x-ratelimit-remaining': String(Math.max(0, limit.requests - times.length)),
        'x-ratelimit-reset': String(Math.ceil(freedAt / 1000)),
      };
      return allowed ? { allowed, headers } : { allowed, headers, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)) };
    },
  };
}

/** The most of `times` (ms) that any span of `windowMs` holds (from a request up to, not including, windowMs later, as the limit counts): what a test measures the rate with. */
export function mostInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
