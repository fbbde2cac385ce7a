// Turns a non-2xx answer from Hedra into a message a person can act on.
// Only 422 {detail: [...]} is documented; other codes come with bodies of
// several shapes, so the server's own message is dug out defensively.
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

function mentionsCredits(body: unknown, message: string): boolean {
  const errorType = isObject(body) && isObject(body.error) ? body.error.type : undefined;
  return errorType === 'INSUFFICIENT_BALANCE' || /insufficient[ _](credit|balance)|not enough credits/i.test(message);
}

/** Whether an answer says the id is taken: 409, or an ALREADY_EXISTS error (what a repeated create with a reserved id gets). */
export function isDuplicate(error: unknown): boolean {
  if (!(error instanceof HedraError)) return false;
  const body = error.body;
  const type = isObject(body) && isObject(body.error) ? body.error.type : undefined;
  return error.status === 409 || type === 'ALREADY_EXISTS' || /already exists/i.test(serverMessage(body));
}

/** `operation` names the call, e.g. "POST /generations". */
export function hedraError(status: number, text: string, operation: string, retryAfter?: string): HedraError {
  const body = parse(text);
  const said = serverMessage(body);
  const quoted = said ? `: ${said}` : '';
  let message: string;
  if (status === 422 && isObject(body) && Array.isArray(body.detail)) {
    message = `Hedra rejected the request (HTTP 422, ${operation}):\n- ${validationLines(body.detail).join('\n- ')}`;
  } else if (status === 402 || mentionsCredits(body, said)) {
    message = `Not enough Hedra credits for this generation (HTTP ${status}, ${operation})${quoted}. Top up the workspace's credits or choose a cheaper model or shorter duration.`;
  } else if (status === 401 || status === 403) {
    message = `Hedra refused the API key (HTTP ${status}, ${operation})${quoted}. Check that the "api-key" input (or HEDRA_API_KEY) holds a current key of a workspace with API access.`;
  } else {
    message = `Hedra answered HTTP ${status} to ${operation}${quoted || ' with no message'}.`;
  }
  return new HedraError(message, status, body, retryAfter);
}
