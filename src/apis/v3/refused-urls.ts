// A public https URL given to a media input goes to Hedra as {source: "url", url} for Hedra to fetch.
// Whether Hedra takes any public URL is contradictory in its own documents (the generated types say "a URL
// returned by POST /v3/files", the newer SDK README and the CLI take any): when a submit is refused on the
// field that carries such a URL, the message says to pass the file itself. A refused submit costs nothing.
import { HttpError } from '../../http/errors.js';
import { v3Envelope } from './errors.js';
import { formatPath, type V3MediaSlot } from './input.js';

/** 'input.start_image.url', 'start_image', '/input/images/1' → 'start_image', 'images[1]' (the field and item, no `.url`). */
function refusedAt(field: string): string {
  const dotted = field.startsWith('/')
    ? field
        .slice(1)
        .split('/')
        .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
        .join('')
        .replace(/^\./, '')
    : field;
  return dotted.replace(/^input\./, '').replace(/\.(url|source)$/, '');
}

/** The URL slots a refusal names (by its field errors, or its `param`). */
function refusedUrls(error: unknown, urls: readonly V3MediaSlot[]): V3MediaSlot[] {
  if (!(error instanceof HttpError) || error.status !== 400 || urls.length === 0) return [];
  const envelope = v3Envelope(error.body);
  const fields = [...(envelope?.details ?? []).map((detail) => detail.field), envelope?.param].filter((field): field is string => Boolean(field));
  const named = new Set(fields.map(refusedAt));
  // A refusal of a whole list (`audio`) names each URL in it.
  return urls.filter((slot) => named.has(formatPath(slot.path)) || named.has(String(slot.path[0])));
}

/** The refusal, with what to do when it is of a URL given to a media input; the same error otherwise. */
export function withUrlAdvice(error: unknown, urls: readonly V3MediaSlot[]): unknown {
  const refused = refusedUrls(error, urls);
  if (refused.length === 0 || !(error instanceof HttpError)) return error;
  const inputs = [...new Set(refused.map((slot) => `"${slot.input}"`))].join(', ');
  const advice = `Hedra did not take the URL given to input ${inputs} (${refused.map((slot) => slot.written).join(', ')}): pass the file itself instead, as a path in the repository (commit it, or download it in an earlier step). The refused submit cost nothing.`;
  return new HttpError(`${error.message}\n${advice}`, error.status, error.body);
}
