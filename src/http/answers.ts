// What an error answer's body says, whoever sent it: the body parsed when it
// is JSON, and the server's own words dug out of the shapes error bodies come
// in (`detail` as FastAPI writes it, `error`, `message`, `error_message`, or
// plain text). Knows HTTP bodies, nothing of any one API.
import { isObject } from '../core/json.js';
import { said } from '../core/outside.js';

/** The body as JSON when it is JSON, else the text. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The most of a body's text quoted in a message. */
const QUOTED = 500;

/** 422 detail items as `field.path: message` lines (the leading "body" location dropped). */
export function validationLines(detail: unknown[]): string[] {
  return detail.slice(0, 50).map((item) => said(detailLine(item)));
}

function detailLine(item: unknown): string {
  if (!isObject(item)) return String(item);
  const loc = Array.isArray(item.loc) ? item.loc.filter((part, i) => !(i === 0 && part === 'body')) : [];
  const path = loc
    .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
    .join('.')
    .replace(/\.\[/g, '[');
  const msg = typeof item.msg === 'string' ? item.msg : JSON.stringify(item);
  return path ? `${path}: ${msg}` : msg;
}

/** The server's own words, from whichever shape the body has: outside text, on one line and capped (core/outside.ts). */
export function serverMessage(body: unknown): string {
  return said(ownWords(body), QUOTED);
}

function ownWords(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, QUOTED * 4);
  if (!isObject(body)) return '';
  const { detail, error, message, error_message } = body;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return validationLines(detail).join('; ');
  if (isObject(detail)) return ownWords(detail);
  if (isObject(error)) {
    const type = typeof error.type === 'string' ? `${error.type}: ` : '';
    return `${type}${typeof error.message === 'string' ? error.message : JSON.stringify(error)}`;
  }
  if (typeof error === 'string') return error;
  if (typeof message === 'string') return message;
  if (typeof error_message === 'string') return error_message;
  return JSON.stringify(body).slice(0, QUOTED);
}
