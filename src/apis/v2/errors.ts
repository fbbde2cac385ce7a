// v2's error vocabulary: the messages for a non-2xx answer to the
// generations API. Only the 422 {detail: [...]} is documented; other codes
// come with bodies of several shapes, so the server's own message is dug out
// defensively, and codes count only when they are the spec's ErrorCode
// values, never a message's wording.
import { isObject } from '../../core/json.js';
import { answered, keyRefused } from '../../hedra/answers.js';
import { parseBody, serverMessage, validationLines } from '../../http/answers.js';
import { type ErrorAnswer, HttpError } from '../../http/errors.js';

/** Hedra's error codes (the spec's ErrorCode enum): only these are read as codes. */
const ERROR_CODES = new Set([
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'GONE',
  'ALREADY_EXISTS',
  'ALREADY_IN_PROGRESS',
  'UNAUTHORIZED',
  'PERMISSION_DENIED',
  'INSUFFICIENT_BALANCE',
  // The credits code before 2026-07-23; still accepted.
  'MISSING_CREDITS',
  'MODERATION_FAILED',
  'FAILED_PRECONDITION',
  'DEADLINE_EXCEEDED',
  'RESOURCE_EXHAUSTED',
  'UNAVAILABLE',
  'INTERNAL',
]);

/**
 * The objects an error answer may carry its code and figures in: `error`,
 * `detail` (an object or a list, with a validation item's `ctx`), or the body itself.
 */
function errorObjects(body: unknown): Record<string, unknown>[] {
  if (!isObject(body)) return [];
  const { error, detail } = body;
  const details = (Array.isArray(detail) ? detail : [detail]).filter(isObject);
  return [error, ...details.flatMap((item) => [item, item.ctx]), body].filter(isObject);
}

/**
 * Hedra's error code in an answer (`{"error": {"type": "ALREADY_EXISTS"}}`,
 * `{"detail": {"code": ...}}`, `{"detail": [{"type": ...}]}`, v3's
 * `{"error": {"code": ...}}`), or undefined.
 * Only the documented codes count: a message's wording never does.
 */
export function errorCode(body: unknown): string | undefined {
  for (const object of errorObjects(body)) {
    for (const field of ['type', 'code']) {
      const value = object[field];
      if (typeof value === 'string' && ERROR_CODES.has(value)) return value;
    }
  }
  return undefined;
}

/** Whether an answer says the id is taken: the documented code ALREADY_EXISTS, whatever the HTTP status. */
export function isDuplicate(error: unknown): boolean {
  return error instanceof HttpError && errorCode(error.body) === 'ALREADY_EXISTS';
}

/** " (40 credits needed, 12 available)" from an INSUFFICIENT_BALANCE error's figures, when given. */
function creditFigures(body: unknown): string {
  for (const object of errorObjects(body)) {
    const needed = object.credits_needed;
    const available = object.credits_available;
    const parts = [typeof needed === 'number' && `${needed} credits needed`, typeof available === 'number' && `${available} available`].filter(Boolean);
    if (parts.length > 0) return ` (${parts.join(', ')})`;
  }
  return '';
}

/** A non-2xx answer of the v2 API (or of a presigned URL it handed out) as an error a person can act on. */
export function describeV2Error(answer: ErrorAnswer): HttpError {
  const { status, operation, retryAfter, rateLimitReset } = answer;
  const body = parseBody(answer.text);
  const said = serverMessage(body);
  const quoted = said ? `: ${said}` : '';
  const code = errorCode(body);
  let message: string;
  if (status === 402 || code === 'INSUFFICIENT_BALANCE' || code === 'MISSING_CREDITS') {
    message = `Not enough Hedra credits for this generation${creditFigures(body)} (HTTP ${status}, ${operation})${quoted}. Top up the workspace's credits or choose a cheaper model or shorter duration.`;
  } else if (status === 422 && isObject(body) && Array.isArray(body.detail)) {
    message = `Hedra rejected the request (HTTP 422, ${operation}):\n- ${validationLines(body.detail).join('\n- ')}`;
  } else if (status === 401 || status === 403) {
    message = keyRefused(status, operation, said || undefined);
  } else {
    message = answered(status, operation, said || undefined);
  }
  return new HttpError(message, status, body, retryAfter, rateLimitReset);
}

/** The types Hedra's docs say its public endpoint serves; the others may need enabling for an account. */
export const GENERALLY_SERVED_TYPES = ['image', 'video', 'text_to_speech'];

/** A 422 about the `type` field itself (not about another field of that type's body). */
function refusesTheType(body: unknown, type: string): boolean {
  const aboutTypeField = errorObjects(body).some((o) => (Array.isArray(o.loc) && o.loc.at(-1) === 'type') || o.param === 'type');
  const listsFields = isObject(body) && Array.isArray(body.detail);
  return aboutTypeField || (!listsFields && serverMessage(body).includes(type));
}

/**
 * A refusal of a create whose type Hedra may not have enabled for this
 * account (403, 404, or a 422 that names the type), said as such.
 */
export function typeRefusal(error: unknown, type: string): HttpError | undefined {
  if (!(error instanceof HttpError) || GENERALLY_SERVED_TYPES.includes(type)) return undefined;
  if (!(error.status === 403 || error.status === 404 || (error.status === 422 && refusesTheType(error.body, type)))) return undefined;
  const said = serverMessage(error.body);
  return new HttpError(
    `Hedra refused a ${type} generation (HTTP ${error.status}, POST /generations)${said ? `: ${said}` : ''}. ` +
      `Type ${type} may not be enabled for this account: Hedra's public API serves ${GENERALLY_SERVED_TYPES.join(', ')} generally, and the other types on request.`,
    error.status,
    error.body,
    error.retryAfter,
    error.rateLimitReset,
    { retryable: error.retryable },
  );
}
