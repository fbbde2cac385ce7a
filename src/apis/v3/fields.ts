// The v3 rules of single fields that the mapping (input.ts) applies, read from the model's schema: which
// media fields take a list (hedra-character-3's `audio`: one reference or 1–4, one per speaker), which
// `duration_ms` takes -1 (`duration: auto`), and which https URLs may be sent for Hedra to fetch. Pure.
import { isObject } from '../../core/json.js';
import { hostKind } from '../../http/url.js';

/** `duration: auto`: the model decides the length (duration_ms -1, where its schema accepts it). */
export const AUTO_DURATION = 'auto';

/** What these rules read of a model: its id and input schema. */
interface SchemaOf {
  id: string;
  inputSchema: Record<string, unknown>;
}

function fieldOf(model: SchemaOf, field: string): Record<string, unknown> | undefined {
  const properties = model.inputSchema.properties;
  const schema = isObject(properties) ? properties[field] : undefined;
  return isObject(schema) ? schema : undefined;
}

/** The schema and its alternatives (anyOf/oneOf branches), for a rule that any one of them may satisfy. */
function branches(schema: Record<string, unknown>): Record<string, unknown>[] {
  const alternatives = [schema.anyOf, schema.oneOf].flatMap((list) => (Array.isArray(list) ? list.filter(isObject) : []));
  return [schema, ...alternatives.flatMap(branches)];
}

/** Whether the field takes a list of references: it is an array, or one of its alternatives is. */
export function takesList(model: SchemaOf, field: string): boolean {
  const schema = fieldOf(model, field);
  return schema !== undefined && branches(schema).some((branch) => branch.type === 'array');
}

/** Several files (one per line) given to an input whose field takes only one. */
export function listProblem(model: SchemaOf, input: string, value: unknown, target: { field: string; list?: true }): string | undefined {
  if (!Array.isArray(value) || value.length < 2 || target.list || takesList(model, target.field)) return undefined;
  return `Input "${input}" has ${value.length} lines, but model ${model.id} takes one file in field "${target.field}": give one.`;
}

/** Whether the model's duration_ms accepts -1, the length the model chooses (seedance-25). */
function acceptsAuto(model: SchemaOf): boolean {
  const schema = fieldOf(model, 'duration_ms');
  if (schema === undefined) return false;
  return branches(schema).some((branch) => {
    if (Array.isArray(branch.enum)) return branch.enum.includes(-1);
    if (branch.const !== undefined) return branch.const === -1;
    const min = branch.minimum;
    return (branch.type === 'integer' || branch.type === 'number') && (typeof min !== 'number' || min <= -1);
  });
}

/** `duration: auto` on a model whose duration_ms has no -1. */
export function autoDurationProblem(model: SchemaOf, value: unknown): string | undefined {
  if (value !== AUTO_DURATION || acceptsAuto(model)) return undefined;
  return `Input "duration" is auto, but model ${model.id} does not choose its own length (its duration_ms takes no -1): give a length such as 5s, or leave "duration" out for the model's default.`;
}

/**
 * Why a URL given to a media input cannot be sent for Hedra to fetch (undefined when it can). The parser
 * took https:// only; here, the rules for what leaves the runner: no user name or password in it (it would
 * reach Hedra and the logs), and not an address only this network reaches (localhost, a private or
 * link-local address), which Hedra cannot fetch from.
 */
export function userUrlProblem(input: string, url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    return `Input "${input}": the URL carries a user name or password, which would be sent to Hedra: give a public URL without them, or the file itself.`;
  }
  const kind = hostKind(parsed.hostname);
  if (kind !== undefined && kind !== 'public') {
    return `Input "${input}": ${parsed.hostname} is not a public address, so Hedra cannot fetch ${parsed.origin}: give a public https URL, or the file itself (a path in the repository).`;
  }
  return undefined;
}
