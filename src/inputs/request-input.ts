// The `request` input: further fields of the chosen variant, as a JSON object
// or a YAML mapping. The YAML parser is loaded only when the text is not JSON,
// so a run that does not need it does not pay for loading it.
import { InputError } from '../core/errors.js';
import { isObject } from '../core/json.js';

/**
 * How deep a request may nest. Hedra's bodies need three or four levels; a
 * value nested thousands deep only overflows the stack of the parser or of
 * whatever walks it later, so it is refused first, without recursion.
 */
export const MAX_REQUEST_DEPTH = 64;

const tooDeep = () =>
  new InputError(
    `Input "request" nests deeper than ${MAX_REQUEST_DEPTH} levels: a request body needs only a few (such as generated_video_inputs: {duration_ms: 5000}).`,
  );

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/**
 * Whether the text opens more than MAX_REQUEST_DEPTH brackets ([ and {) at once outside double-quoted strings:
 * JSON nesting and YAML flow nesting, checked in one pass before a parser can recurse on it. (YAML block nesting
 * costs at least a character a level and is caught by the parser's own limit or by depthOf() after parsing.)
 */
function bracketsTooDeep(text: string): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++;
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_REQUEST_DEPTH) return true;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return false;
}

/** Whether a parsed value nests lists and mappings more than MAX_REQUEST_DEPTH deep, walked with a stack of its own. */
function nestsTooDeep(value: unknown): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth + 1 > MAX_REQUEST_DEPTH) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}

export async function parseRequestInput(text: string): Promise<Record<string, unknown>> {
  if (bracketsTooDeep(text)) throw tooDeep();
  let value: unknown;
  let parsedAsJson = false;
  if (text.startsWith('{')) {
    try {
      value = JSON.parse(text);
      parsedAsJson = true;
    } catch {
      // Not JSON after all; YAML flow mappings also start with "{".
    }
  }
  if (!parsedAsJson) {
    const { parseDocument } = await import('yaml');
    // YAML 1.2 core schema: `yes`/`no` stay strings; duplicate keys are errors.
    let doc: ReturnType<typeof parseDocument>;
    try {
      doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    } catch (error) {
      if (error instanceof RangeError) throw tooDeep();
      throw error;
    }
    // The composer's stack ran out (it reports that as RESOURCE_EXHAUSTION): block nesting (`- - - …`) too deep for it.
    if (doc.errors.some((error) => error.code === 'RESOURCE_EXHAUSTION')) throw tooDeep();
    if (doc.errors.length > 0) {
      const first = doc.errors[0].message.split('\n')[0].replace(/:$/, '.');
      throw new InputError(`Input "request" is neither a JSON object nor a YAML mapping: ${first}`);
    }
    try {
      value = doc.toJS();
    } catch (error) {
      if (error instanceof RangeError) throw tooDeep();
      // Unresolved aliases and alias bombs surface only here.
      throw new InputError(`Input "request" is neither a JSON object nor a YAML mapping: ${(error as Error).message}`);
    }
  }
  if (nestsTooDeep(value)) throw tooDeep();
  if (!isObject(value)) {
    throw new InputError(`Input "request" must be a mapping of request fields (a JSON object or YAML mapping), got ${describe(value)}.`);
  }
  return value;
}
