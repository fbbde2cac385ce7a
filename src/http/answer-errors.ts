// Turns a non-2xx answer from Hedra into a message a person can act on.
// v2: only 422 {detail: [...]} is documented; other codes come with bodies of
// several shapes, so the server's own message is dug out defensively.
// v3: every error is one envelope, {"error": {code, message, retryable,
// retry_after, param, details, replaced_by, billing}, "trace_id"}, read
// leniently (any field may be missing or odd); its messages are keyed on
// `code`, never on the wording of `message`.
import { HedraError } from '../errors.js';
import { isObject } from '../json.js';

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** 422 detail items as `field.path: message` lines (the leading "body" location dropped). */
function validationLines(detail: unknown[]): string[] {
  return detail.map((item) => {
    if (!isObject(item)) return String(item);
    const loc = Array.isArray(item.loc) ? item.loc.filter((part, i) => !(i === 0 && part === 'body')) : [];
    const path = loc
      .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
      .join('.')
      .replace(/\.\[/g, '[');
    const msg = typeof item.msg === 'string' ? item.msg : JSON.stringify(item);
    return path ? `${path}: ${msg}` : msg;
  });
}

/** The server's own words, from whichever shape the body has. */
export function serverMessage(body: unknown): string {
  if (typeof body === 'string') return body.trim().slice(0, 500);
  if (!isObject(body)) return '';
  const { detail, error, message, error_message } = body;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return validationLines(detail).join('; ');
  if (isObject(detail)) return serverMessage(detail);
  if (isObject(error)) {
    const type = typeof error.type === 'string' ? `${error.type}: ` : '';
    return `${type}${typeof error.message === 'string' ? error.message : JSON.stringify(error)}`;
  }
  if (typeof error === 'string') return error;
  if (typeof message === 'string') return message;
  if (typeof error_message === 'string') return error_message;
  return JSON.stringify(body).slice(0, 500);
}

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
  return error instanceof HedraError && errorCode(error.body) === 'ALREADY_EXISTS';
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

/**
 * `operation` names the call, e.g. "POST /generations". A v3 envelope gives
 * the error Hedra's `retryable` (when a boolean) and, when the answer had no
 * Retry-After header, its `retry_after` in its place.
 */
export function hedraError(status: number, text: string, operation: string, retryAfter?: string, rateLimitReset?: string): HedraError {
  const body = parse(text);
  const envelope = v3Envelope(body);
  if (envelope) {
    const headerSaid = retryAfter !== undefined && retryAfter.trim() !== '';
    const after = headerSaid || envelope.retryAfterSeconds === undefined ? retryAfter : String(Math.ceil(envelope.retryAfterSeconds));
    return new HedraError(envelopeMessage(status, envelope, operation), status, body, after, rateLimitReset, { retryable: envelope.retryable });
  }
  const said = serverMessage(body);
  const quoted = said ? `: ${said}` : '';
  const code = errorCode(body);
  let message: string;
  if (status === 402 || code === 'INSUFFICIENT_BALANCE' || code === 'MISSING_CREDITS') {
    message = `Not enough Hedra credits for this generation${creditFigures(body)} (HTTP ${status}, ${operation})${quoted}. Top up the workspace's credits or choose a cheaper model or shorter duration.`;
  } else if (status === 422 && isObject(body) && Array.isArray(body.detail)) {
    message = `Hedra rejected the request (HTTP 422, ${operation}):\n- ${validationLines(body.detail).join('\n- ')}`;
  } else if (status === 401 || status === 403) {
    message = `Hedra refused the API key (HTTP ${status}, ${operation})${quoted}. Check that the "api-key" input (or HEDRA_API_KEY) holds a current key of a workspace with API access.`;
  } else {
    message = `Hedra answered HTTP ${status} to ${operation}${quoted || ' with no message'}.`;
  }
  return new HedraError(message, status, body, retryAfter, rateLimitReset);
}

// ---- v3 ----

/** One field-level problem of a v3 validation failure. */
export interface V3FieldError {
  /** Hedra's dotted path to the input, e.g. `input.aspect_ratio` ('' when not given). */
  field: string;
  message: string;
  reason?: string;
  /** The accepted values, when the field is an enum. */
  allowed?: string[];
}

/** Why a v3 request was refused for funds. Amounts are in `currency`. */
export interface V3Billing {
  balance?: number;
  /** Undefined when Hedra cannot price the request before measuring its inputs. */
  required?: number;
  currency?: string;
  fundingUrl?: string;
}

/** A v3 error envelope as read: every field optional, odd values left out. */
export interface V3Envelope {
  code?: string;
  message?: string;
  /** Only when Hedra gave an actual boolean. */
  retryable?: boolean;
  retryAfterSeconds?: number;
  param?: string;
  details: V3FieldError[];
  replacedBy?: string;
  billing?: V3Billing;
  /** Only a 32-hex trace id (what Hedra's support asks for). */
  traceId?: string;
}

/** The keys only a v3 error object has (a v2 error object names its code `type`). */
const V3_KEYS = ['code', 'retryable', 'retry_after', 'details', 'replaced_by', 'billing'];

const nonEmptyString = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** A number, or a string that is one (read leniently). */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function fieldError(item: unknown): V3FieldError | undefined {
  if (typeof item === 'string') return item.trim() ? { field: '', message: item.trim() } : undefined;
  if (!isObject(item)) return undefined;
  const field = nonEmptyString(item.field) ?? '';
  const reason = nonEmptyString(item.reason);
  const message = nonEmptyString(item.message) ?? reason ?? 'invalid';
  const allowed = Array.isArray(item.allowed)
    ? item.allowed.filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean').map(String)
    : [];
  return { field, message, ...(reason && { reason }), ...(allowed.length > 0 && { allowed }) };
}

function billingOf(value: unknown): V3Billing | undefined {
  if (!isObject(value)) return undefined;
  const balance = numberOf(value.balance);
  const required = numberOf(value.required);
  const currency = nonEmptyString(value.currency);
  const fundingUrl = nonEmptyString(value.funding_url);
  return {
    ...(balance !== undefined && { balance }),
    ...(required !== undefined && { required }),
    ...(currency && /^[A-Za-z]{3}$/.test(currency) && { currency: currency.toUpperCase() }),
    ...(fundingUrl && { fundingUrl }),
  };
}

/**
 * The v3 error envelope of an answer's (parsed) body, or undefined when the
 * body is not one: it has an `error` object without v2's string `type`, and
 * a v3 key in it (`code`, `retryable`, ...) or a `trace_id` beside it.
 */
export function v3Envelope(body: unknown): V3Envelope | undefined {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const error = body.error;
  if (typeof error.type === 'string') return undefined;
  if (!V3_KEYS.some((key) => key in error) && !('trace_id' in body)) return undefined;
  const retryAfter = numberOf(error.retry_after);
  const traceId = nonEmptyString(body.trace_id);
  const code = nonEmptyString(error.code);
  const message = nonEmptyString(error.message);
  const param = nonEmptyString(error.param);
  const replacedBy = nonEmptyString(error.replaced_by);
  const billing = billingOf(error.billing);
  return {
    ...(code && { code }),
    ...(message && { message: message.slice(0, 500) }),
    ...(typeof error.retryable === 'boolean' && { retryable: error.retryable }),
    ...(retryAfter !== undefined && retryAfter >= 0 && { retryAfterSeconds: retryAfter }),
    ...(param && { param }),
    details: (Array.isArray(error.details) ? error.details : []).map(fieldError).filter((d) => d !== undefined),
    ...(replacedBy && { replacedBy }),
    ...(billing && { billing }),
    ...(traceId && /^[0-9a-f]{32}$/i.test(traceId) && { traceId }),
  };
}

/** The most detail lines a message lists; the rest are counted. */
const MAX_DETAIL_LINES = 20;

/**
 * A v3 validation failure's details as `field: message (allowed: a, b)`
 * lines, the fields named by `fieldName` (by default Hedra's own names, e.g.
 * `input.aspect_ratio`; the v3 client passes one that gives the workflow's
 * input names). Hedra's messages start with the field already
 * (`input.aspect_ratio: Input should be ...`): that start is not repeated.
 * Empty when the body is no v3 envelope or has no details.
 */
export function v3DetailLines(body: unknown, fieldName?: (field: string) => string): string[] {
  return detailLines(v3Envelope(body)?.details ?? [], fieldName);
}

function detailLines(details: V3FieldError[], fieldName: (field: string) => string = (field) => field): string[] {
  const lines = details.slice(0, MAX_DETAIL_LINES).map(({ field, message, allowed }) => {
    const own = field && message.startsWith(`${field}:`) ? message.slice(field.length + 1).trim() : message;
    const name = field ? fieldName(field) : '';
    const values = allowed ? ` (allowed: ${allowed.join(', ')})` : '';
    return `${name ? `${name}: ` : ''}${own}${values}`;
  });
  if (details.length > MAX_DETAIL_LINES) lines.push(`… and ${details.length - MAX_DETAIL_LINES} more`);
  return lines;
}

/** An amount of money: 2 decimals, more for a sub-cent price; `$` for USD, the code after it otherwise. */
export function money(amount: number, currency = 'USD'): string {
  const digits = Math.abs(amount).toFixed(6).replace(/0+$/, '');
  const [whole, fraction = ''] = digits.split('.');
  const text = `${whole}.${fraction.padEnd(2, '0')}`;
  const sign = amount < 0 && Number(text) !== 0 ? '-' : '';
  return currency === 'USD' ? `${sign}$${text}` : `${sign}${text} ${currency}`;
}

const MODELS_PAGE = 'https://www.hedra.com/develop/models';
const BILLING_PAGE = 'https://www.hedra.com/develop/billing';

/** The model a call is about (`POST /models/kling-v3`, `GET /models/x/voices`), if any. */
function modelOf(operation: string): string | undefined {
  const match = /\/models\/([^/?#\s]+)/.exec(operation);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/** Hedra's sentence without its closing full stop, so that one can follow. */
const sentence = (text: string) => text.replace(/[.\s]+$/, '');

/** ": balance $0.00, this request costs $0.05 (USD)" from the envelope's billing, or "" without it. */
function walletFigures(billing: V3Billing | undefined): string {
  if (!billing) return '';
  const currency = billing.currency ?? 'USD';
  const usd = currency === 'USD' ? ' (USD)' : '';
  const balance = billing.balance === undefined ? undefined : `balance ${money(billing.balance, currency)}`;
  if (billing.required !== undefined) {
    return `: ${[balance, `this request costs ${money(billing.required, currency)}`].filter(Boolean).join(', ')}${usd}`;
  }
  const unknown = 'the price of this request is not known until Hedra has measured its inputs';
  return balance ? `: ${balance}${usd}; ${unknown}` : `: ${unknown}`;
}

function walletMessage(status: number, envelope: V3Envelope, operation: string): string {
  const { billing, message } = envelope;
  const said = !billing && message ? ` Hedra says: ${sentence(message)}.` : '';
  const url = billing?.fundingUrl && /^https:\/\/\S+$/.test(billing.fundingUrl) ? billing.fundingUrl : BILLING_PAGE;
  return (
    `Not enough money in the Hedra API wallet for this request${walletFigures(billing)} (HTTP ${status}, ${operation}).${said} ` +
    `Add funds at ${url}. The v3 API wallet is prepaid and separate from v2 generation credits and Studio credits.`
  );
}

function retiredMessage(status: number, envelope: V3Envelope, operation: string): string {
  const model = modelOf(operation);
  const head = `${model ? `Model "${model}"` : 'The model'} is retired (HTTP ${status}, ${operation}).`;
  if (envelope.replacedBy) return `${head} Hedra names its successor: "${envelope.replacedBy}" — set input "model" to ${envelope.replacedBy}.`;
  return `${head} Hedra names no successor; choose another model from the catalogue at ${MODELS_PAGE}.`;
}

/** ` (trace id …)` put at the end of the first line, before its closing punctuation. */
function withTrace(message: string, traceId: string | undefined): string {
  if (!traceId) return message;
  const [first, ...rest] = message.split('\n');
  const close = /[.:]$/.exec(first)?.[0] ?? '';
  return [`${first.slice(0, first.length - close.length)} (trace id ${traceId})${close}`, ...rest].join('\n');
}

/**
 * The message hedraError gives a v3 error answer (its body, parsed), with the
 * fields of a validation failure named by `fieldName` (see v3DetailLines):
 * for the v3 client to rewrite a HedraError's message in the workflow's
 * terms. Undefined when the body is no v3 envelope.
 */
export function v3Message(status: number, body: unknown, operation: string, fieldName?: (field: string) => string): string | undefined {
  const envelope = v3Envelope(body);
  return envelope && envelopeMessage(status, envelope, operation, fieldName);
}

/** The message for a v3 error envelope, keyed on its `code`. */
function envelopeMessage(status: number, envelope: V3Envelope, operation: string, fieldName?: (field: string) => string): string {
  const { code, message, param, details } = envelope;
  let text: string;
  if (code === 'INSUFFICIENT_BALANCE' || code === 'MISSING_CREDITS' || (code === undefined && status === 402) || envelope.billing) {
    text = walletMessage(status, envelope, operation);
  } else if ((code === 'INVALID_ARGUMENT' || code === undefined) && details.length > 0) {
    text = `Hedra rejected the request (HTTP ${status}, ${operation}):\n- ${detailLines(details, fieldName).join('\n- ')}`;
  } else if (code === 'GONE' && (envelope.replacedBy || modelOf(operation))) {
    text = retiredMessage(status, envelope, operation);
  } else if (code === 'UNAUTHORIZED' || code === 'PERMISSION_DENIED' || (code === undefined && (status === 401 || status === 403))) {
    text = `Hedra refused the API key (HTTP ${status}, ${operation})${message ? `: ${sentence(message)}` : ''}. Check that the "api-key" input (or HEDRA_API_KEY) holds a current key of a workspace with API access.`;
  } else {
    const about = param && !message?.includes(param) ? ` (field ${fieldName ? fieldName(param) : param})` : '';
    const said = [code, message && sentence(message)].filter(Boolean).join(': ');
    text = `Hedra answered HTTP ${status} to ${operation}${said ? `: ${said}` : ' with no message'}${about}.`;
  }
  return withTrace(text, envelope.traceId);
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
export function typeRefusal(error: unknown, type: string): HedraError | undefined {
  if (!(error instanceof HedraError) || GENERALLY_SERVED_TYPES.includes(type)) return undefined;
  if (!(error.status === 403 || error.status === 404 || (error.status === 422 && refusesTheType(error.body, type)))) return undefined;
  const said = serverMessage(error.body);
  return new HedraError(
    `Hedra refused a ${type} generation (HTTP ${error.status}, POST /generations)${said ? `: ${said}` : ''}. ` +
      `Type ${type} may not be enabled for this account: Hedra's public API serves ${GENERALLY_SERVED_TYPES.join(', ')} generally, and the other types on request.`,
    error.status,
    error.body,
    error.retryAfter,
    error.rateLimitReset,
    { retryable: error.retryable },
  );
}
