// v3's error vocabulary: every error is one envelope, {"error": {code,
// message, retryable, retry_after, param, details, replaced_by, billing},
// "trace_id"}, read leniently (any field may be missing or odd); its messages
// are keyed on `code`, never on the wording of `message`. Builds after spec
// 3.9.0 add an OpenAI-style `error.type` (`invalid_request_error`, ...) and
// say "match on `code`": a string `code` makes a body v3, whatever `type`
// holds. A body that is no envelope (a gateway's page) is said as it is.
import { isObject } from '../../core/json.js';
import { currency } from '../../core/money.js';
import { hedraLink, name, said } from '../../core/outside.js';
import { answered, keyRefused } from '../../hedra/answers.js';
import { parseBody, serverMessage, validationLines } from '../../http/answers.js';
import { type ErrorAnswer, HttpError } from '../../http/errors.js';

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
  /** Only a link to Hedra's own site (core/outside.ts): any other is dropped, and the message links Hedra's billing page. */
  fundingUrl?: string;
  /** Why an automatic top-up at submit failed (`card_declined`, ...; builds after 3.9.0), when it has the shape of a code. */
  reason?: string;
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
  /** As Hedra gave it (trimmed): retiredMessage shows it only when it has the shape of a model id. */
  replacedBy?: string;
  billing?: V3Billing;
  /** Only a 32-hex trace id (what Hedra's support asks for). */
  traceId?: string;
}

/** The keys only a v3 error object has (a v2 error object names its code `type`, and has none of these). */
const V3_KEYS = ['code', 'retryable', 'retry_after', 'details', 'replaced_by', 'billing'];

/** A string from the envelope as outside text (core/outside.ts: printable, one line, capped), or undefined when empty. */
const nonEmptyString = (value: unknown): string | undefined => {
  const text = typeof value === 'string' ? said(value) : '';
  return text === '' ? undefined : text;
};

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
    ? item.allowed
        .slice(0, 50)
        .filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        .map((v) => said(String(v), 100))
    : [];
  return { field, message, ...(reason && { reason }), ...(allowed.length > 0 && { allowed }) };
}

function billingOf(value: unknown): V3Billing | undefined {
  if (!isObject(value)) return undefined;
  const balance = numberOf(value.balance);
  const required = numberOf(value.required);
  const currency = nonEmptyString(value.currency);
  const fundingUrl = hedraLink(value.funding_url);
  // Said back in the message: only a code's shape (`card_declined`), never Hedra's free text.
  const reason = nonEmptyString(value.reason);
  return {
    ...(balance !== undefined && { balance }),
    ...(required !== undefined && { required }),
    ...(currency && /^[A-Za-z]{3}$/.test(currency) && { currency: currency.toUpperCase() }),
    ...(fundingUrl && { fundingUrl }),
    ...(reason && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(reason) && { reason }),
  };
}

/**
 * Whether an `error` object is v3's: a string `code` says so, whatever else it holds (later builds add
 * `type`, the OpenAI error type, beside it). Without one, v2's string `type` (its code) says it is not;
 * otherwise a v3 key (`retryable`, `details`, ...) or a `trace_id` beside it does.
 */
function isV3Error(error: Record<string, unknown>, body: Record<string, unknown>): boolean {
  if (typeof error.code === 'string') return true;
  if (typeof error.type === 'string') return false;
  return V3_KEYS.some((key) => key in error) || 'trace_id' in body;
}

/** The v3 error envelope of an answer's (parsed) body, or undefined when the body is not one (see isV3Error). */
export function v3Envelope(body: unknown): V3Envelope | undefined {
  if (!isObject(body) || !isObject(body.error) || !isV3Error(body.error, body)) return undefined;
  const error = body.error;
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
  const code = billing.currency ?? 'USD';
  const usd = code === 'USD' ? ' (USD)' : '';
  const balance = billing.balance === undefined ? undefined : `balance ${currency(billing.balance, code)}`;
  if (billing.required !== undefined) {
    return `: ${[balance, `this request costs ${currency(billing.required, code)}`].filter(Boolean).join(', ')}${usd}`;
  }
  const unknown = 'the price of this request is not known until Hedra has measured its inputs';
  return balance ? `: ${balance}${usd}; ${unknown}` : `: ${unknown}`;
}

function walletMessage(status: number, envelope: V3Envelope, operation: string): string {
  const { billing, message } = envelope;
  const said = !billing && message ? ` Hedra says: ${sentence(message)}.` : '';
  const url = billing?.fundingUrl ?? BILLING_PAGE;
  // A wallet with automatic top-up is charged at submit: Hedra says why that charge failed.
  const topUp = billing?.reason ? ` The wallet's automatic top-up failed (${billing.reason}): check the payment method it charges, or add funds by hand.` : '';
  return (
    `Not enough money in the Hedra API wallet for this request${walletFigures(billing)} (HTTP ${status}, ${operation}).${said}${topUp} ` +
    `Add funds at ${url}. The v3 API wallet is prepaid and separate from v2 generation credits and Studio credits.`
  );
}

function retiredMessage(status: number, envelope: V3Envelope, operation: string): string {
  const model = modelOf(operation);
  const head = `${model ? `Model "${model}"` : 'The model'} is retired (HTTP ${status}, ${operation}).`;
  // The successor becomes advice ("set input model to …"): only a model id is repeated, never Hedra's free text.
  const successor = name(envelope.replacedBy);
  if (successor) return `${head} Hedra names its successor: "${successor}" — set input "model" to ${successor}.`;
  if (envelope.replacedBy) return `${head} Hedra named a successor that is not a model id; choose another model from the catalogue at ${MODELS_PAGE}.`;
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
 * The message describeV3Error gives a v3 error answer (its body, parsed), with the
 * fields of a validation failure named by `fieldName` (see v3DetailLines):
 * for the v3 client to rewrite a HttpError's message in the workflow's
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
    text = keyRefused(status, operation, message && sentence(message));
  } else {
    const about = param && !message?.includes(param) ? ` (field ${fieldName ? fieldName(param) : param})` : '';
    const said = [code, message && sentence(message)].filter(Boolean).join(': ');
    text = `Hedra answered HTTP ${status} to ${operation}${said ? `: ${said}` : ' with no message'}${about}.`;
  }
  return withTrace(text, envelope.traceId);
}

/**
 * A non-2xx answer of the v3 API (or of a presigned URL it handed out) as an error a person can act on. The
 * envelope gives the error Hedra's `retryable` (when a boolean) and, when the answer had no Retry-After
 * header, its `retry_after` in its place.
 */
export function describeV3Error(answer: ErrorAnswer): HttpError {
  const { status, operation, retryAfter, rateLimitReset } = answer;
  const body = parseBody(answer.text);
  const envelope = v3Envelope(body);
  if (envelope) {
    const headerSaid = retryAfter !== undefined && retryAfter.trim() !== '';
    const after = headerSaid || envelope.retryAfterSeconds === undefined ? retryAfter : String(Math.ceil(envelope.retryAfterSeconds));
    return new HttpError(envelopeMessage(status, envelope, operation), status, body, after, rateLimitReset, { retryable: envelope.retryable });
  }
  // Not Hedra's envelope (a gateway's or a proxy's answer): said as it is.
  const said = serverMessage(body) || undefined;
  let message: string;
  if (status === 422 && isObject(body) && Array.isArray(body.detail)) {
    message = `Hedra rejected the request (HTTP 422, ${operation}):\n- ${validationLines(body.detail).join('\n- ')}`;
  } else if (status === 401 || status === 403) {
    message = keyRefused(status, operation, said);
  } else {
    message = answered(status, operation, said);
  }
  return new HttpError(message, status, body, retryAfter, rateLimitReset);
}
