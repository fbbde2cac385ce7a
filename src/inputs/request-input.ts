// The `request` input: further fields of the chosen variant, as a JSON object
// or a YAML mapping. The YAML parser is loaded only when the text is not JSON,
// so a run that does not need it does not pay for loading it.
import { InputError } from '../errors.js';
import { isObject } from '../json.js';

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

export async function parseRequestInput(text: string): Promise<Record<string, unknown>> {
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
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (doc.errors.length > 0) {
      const first = doc.errors[0].message.split('\n')[0].replace(/:$/, '.');
      throw new InputError(`Input "request" is neither a JSON object nor a YAML mapping: ${first}`);
    }
    try {
      value = doc.toJS();
    } catch (error) {
      // Unresolved aliases and alias bombs surface only here.
      throw new InputError(`Input "request" is neither a JSON object nor a YAML mapping: ${(error as Error).message}`);
    }
  }
  if (!isObject(value)) {
    throw new InputError(`Input "request" must be a mapping of request fields (a JSON object or YAML mapping), got ${describe(value)}.`);
  }
  return value;
}
