// What Hedra's builds after spec 3.9.0 add to the v3 test server (from its
// generated SDK types, /work/shared/hedra-api/README.md "v3: what changed
// after 3.9.0"), apart from the server so that each stays one concern:
// - every error envelope gains `error.type`, the OpenAI error type for the
//   HTTP status ("match on `code`");
// - a wallet can top up automatically at submit, and a top-up that fails
//   says why in `billing.reason` (`card_declined`, ...);
// - ids are "server-issued and opaque": not always a UUID after the prefix.

import { randomBytes, randomUUID } from 'node:crypto';

/** Whether error envelopes carry `error.type` (later builds) or not (3.9.0, the default). */
export type ErrorTypeMode = 'absent' | 'openai';

/**
 * The OpenAI error type for an HTTP status, as the later builds pair them. The SDK types list the five
 * types but not the pairing; a 402 is a request the caller can fix (fund the wallet), so it is an
 * `invalid_request_error`, as are the other 4xx but 401, 403 and 429.
 */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** An error answer's body with `error.type` added, in mode 'openai' and when it is an envelope; as it is otherwise. */
export function withErrorType(mode: ErrorTypeMode, status: number, body: unknown): unknown {
  if (mode !== 'openai' || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  const { error } = body as { error?: unknown };
  if (!error || typeof error !== 'object' || Array.isArray(error)) return body;
  // `type` goes first, as a generated serializer writes the field it adds: the client must not care.
  return { ...body, error: { type: openAiErrorType(status), ...error } };
}

/**
 * What a wallet does when a submit costs more than it holds: 'none' (3.9.0: refused, 402); 'auto' (it is
 * topped up by `amount` USD, as many times as the price needs, and the submit goes through); 'declined'
 * (the top-up is tried and refused: 402 with `billing.reason`).
 */
export type TopUp = { mode: 'none' } | { mode: 'auto'; amount: number } | { mode: 'declined'; reason: string };

/** How much a top-up adds before a submit of `price` from `balance`: 0 when none is needed; undefined when it fails. */
export function topUpFor(topUp: TopUp, balance: number, price: number): number | undefined {
  if (balance >= price) return 0;
  if (topUp.mode !== 'auto') return undefined;
  const times = Math.ceil((price - balance) / topUp.amount);
  return Math.round(times * topUp.amount * 10_000) / 10_000;
}

/**
 * How the server writes the ids it issues: 'uuid' (`job_<uuid>`, as every example of the document does) or
 * 'opaque' (Hedra calls them "server-issued and opaque": mixed case, `_` and `-` after the prefix, no UUID).
 */
export type IdForm = 'uuid' | 'opaque';

/** A new id with `prefix` in the given form. */
export function issueId(prefix: 'job' | 'asset', form: IdForm): string {
  // 'Op' first, so that every opaque id has capitals (an id lower-cased on the way is told apart).
  return form === 'uuid' ? `${prefix}_${randomUUID()}` : `${prefix}_Op${randomBytes(18).toString('base64url')}`;
}
