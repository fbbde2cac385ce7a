// Checks a built body against the variant's zod schema and, when it fails,
// says what is wrong in the user's terms: the input that set the field (as
// written in the workflow), or the field inside the `request` input, with a
// did-you-mean for unknown fields.

import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { valueAt } from '../../core/json.js';
import { didYouMean } from '../../core/suggest.js';
import type { GenerationType, MappedInput } from '../../inputs/kinds.js';
import { INPUT_FIELDS } from './fields.js';
import { REQUEST_SCHEMAS } from './schemas.js';

/** Body path (dot-joined) → the input that set it; what error messages translate back through. */
export type Sources = Map<string, string>;

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** The schema inside optional and nullable wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let node = schema;
  while (node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodType;
  return node;
}

/** Field names the schema allows at a path (for did-you-mean), walking through optional, nullable and lists. */
function fieldsAt(schema: z.ZodType, path: Path): string[] {
  let node: z.ZodType | undefined = unwrapped(schema);
  for (const key of path) {
    if (typeof key === 'number') node = node instanceof z.ZodArray ? (node.element as z.ZodType) : undefined;
    else node = node instanceof z.ZodObject ? (node.shape[key as string] as z.ZodType | undefined) : undefined;
    if (!node) return [];
    node = unwrapped(node);
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** Every place a field of this name has in the schema, as a dotted path (a list's items as `[]`), shallowest first. */
function placesOf(schema: z.ZodType, key: string, at = ''): string[] {
  const node = unwrapped(schema);
  if (node instanceof z.ZodArray) return placesOf(node.element as z.ZodType, key, `${at}[]`);
  if (!(node instanceof z.ZodObject)) return [];
  const fields = Object.entries(node.shape as Record<string, z.ZodType>);
  const here = fields.some(([name]) => name === key) ? [at ? `${at}.${key}` : key] : [];
  return [...here, ...fields.flatMap(([name, child]) => placesOf(child, key, at ? `${at}.${name}` : name))];
}

/**
 * For a field that is unknown where it was written but known elsewhere in the body (`seed` at the top of a video
 * request, where it goes inside generated_video_inputs): where it goes, and the input that sets it there.
 */
function placement(type: GenerationType, key: string, written: string): string {
  const homes = placesOf(REQUEST_SCHEMAS[type], key).filter((home) => home !== written);
  if (homes.length === 0) return '';
  const home = homes[0];
  const parent = home === key ? '' : home.slice(0, home.length - key.length - 1);
  const input = homes.map((place) => inputFor(type, place, true)).find((found) => found !== undefined);
  const where = parent ? `inside ${parent} (${homes.join(' or ')})` : `at the top level of the request (${home})`;
  return ` On type ${type} it belongs ${where}: ${input ? `set input "${input}" instead, or move it there in "request"` : 'move it there in "request"'}.`;
}

function formatPath(path: Path): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

const KINDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  tuple: 'a list',
};

function expectation(issue: Issue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return missing ? 'is required' : `must be ${KINDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') return Number(min) <= 1 ? 'must not be empty' : `must have at least ${min} characters`;
      if (issue.origin === 'array') return `must have at least ${min} items`;
      return issue.inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return `must have at most ${max} characters`;
      if (issue.origin === 'array') return `must have at most ${max} items`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'invalid_format':
      if (issue.format === 'guid') return 'must be a UUID (such as 3fa85f64-5717-4562-b3fc-2c963f66afa6)';
      if (issue.format === 'url') return 'must be an absolute URL';
      return `must be in ${issue.format} format`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      // Each branch's own complaint about the value itself, e.g. "must be a UUID or must be a list".
      const forms = issue.errors.flatMap((branch) => branch.filter((i) => i.path.length === 0).slice(0, 1));
      const said = [...new Set(forms.map((i) => expectation(i, false)))];
      return said.length ? said.join(', or ') : 'does not have any of the accepted forms';
    }
    default:
      return issue.message;
  }
}

/** The input that sets a field (or, unless `exactly`, a field inside it) for this type, if any. */
function inputFor(type: GenerationType, path: string, exactly = false): MappedInput | undefined {
  for (const [input, fields] of Object.entries(INPUT_FIELDS) as [MappedInput, (typeof INPUT_FIELDS)[MappedInput]][]) {
    const field = fields[type]?.join('.');
    if (field !== undefined && (field === path || (!exactly && field.startsWith(`${path}.`)))) return input;
  }
  return undefined;
}

function describeIssue(type: GenerationType, issue: Issue, body: unknown, sources: Sources): string[] {
  const schema = REQUEST_SCHEMAS[type];
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? ` in ${formatPath(issue.path)}` : '';
    const known = fieldsAt(schema, issue.path);
    return issue.keys.map((key) => {
      const written = [...issue.path, key]
        .map((k) => (typeof k === 'number' ? '[]' : String(k)))
        .join('.')
        .replace(/\.\[\]/g, '[]');
      const moved = placement(type, key, written);
      return `Input "request": unknown field "${key}"${where} for type ${type}.${moved || didYouMean(key, known)}`;
    });
  }
  const path = formatPath(issue.path);
  const missing = valueAt(body, issue.path as (string | number)[]) === undefined;
  const why = expectation(issue, missing);
  const source = sources.get(issue.path.join('.'));
  if (source !== undefined) return [`Input "${source}" (sent as ${path}) ${why}.`];
  if (!missing) return [`Input "request": field ${path} ${why}.`];
  const input = inputFor(type, issue.path.join('.'));
  if (input !== undefined) return [`Input "${input}" is required for type ${type}.`];
  return [`Field ${path} is required for type ${type}: set it in input "request".`];
}

export function validateBody(type: GenerationType, body: unknown, sources: Sources): void {
  const result = REQUEST_SCHEMAS[type].safeParse(body);
  if (result.success) return;
  const problems = [...new Set(result.error.issues.flatMap((issue) => describeIssue(type, issue, body, sources)))];
  throw InputError.all(problems, `The ${type} request has`);
}
