// Ajv's errors against a v3 model's input schema, said in the workflow's
// words: the input as written in YAML (via workflowInputFor), durations as
// seconds, allowed values listed, a failed combination (anyOf/oneOf) as what
// to change. Pure.
import type { ErrorObject } from 'ajv';
import { andList, orList, seconds } from '../../core/format.js';
import { isObject, valueAt } from '../../core/json.js';
import { didYouMean } from '../../core/suggest.js';
import { formatPath, notTakenProblem, schemaProperties, subjectFor, type V3Model, workflowInputFor } from './input.js';

type Path = (string | number)[];

/** Ajv's instancePath ('/images/1') as a path. */
function pathOf(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The schema at a schemaPath ('#/anyOf/2'), or undefined. */
function schemaAt(root: unknown, schemaPath: string): unknown {
  let node = root;
  for (const part of pathOf(schemaPath.replace(/^#/, ''))) node = isObject(node) || Array.isArray(node) ? (node as any)[part] : undefined;
  return node;
}

/** Durations travel as duration_ms and are written as `5s` in the workflow, so they are shown that way. */
const isDuration = (path: Path) => path[0] === 'duration_ms' && path.length === 1;

/** An allowed value or bound as the workflow writes it. */
function shown(value: unknown, path: Path): string {
  // -1 is `duration: auto` (the model chooses the length).
  if (value === -1 && isDuration(path)) return 'auto';
  if (typeof value === 'number' && isDuration(path)) return seconds(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A value that was given, for "got …": strings quoted (and cut short), durations as seconds. */
function given(value: unknown, path: Path): string {
  if (value === -1 && isDuration(path)) return '"auto"';
  if (typeof value === 'number' && isDuration(path)) return `"${seconds(value)}"`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return JSON.stringify(value) ?? String(value);
}

/** "one of a, b", "from 0 to 1", "at most 600s": what a field allows, or ''. */
function allowed(schema: unknown, path: Path): string {
  if (!isObject(schema)) return '';
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => shown(v, path)).join(', ')}`;
  const { minimum: min, maximum: max } = schema;
  if (typeof min === 'number' && typeof max === 'number') return `from ${shown(min, path)} to ${shown(max, path)}`;
  if (typeof max === 'number') return `at most ${shown(max, path)}`;
  if (typeof min === 'number') return `at least ${shown(min, path)}`;
  return '';
}

/** A value to show in a `request` example: the default, else a middle choice, else something of the right type. */
function example(schema: unknown): unknown {
  if (!isObject(schema)) return '…';
  if (Object.hasOwn(schema, 'default')) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[Math.floor((schema.enum.length - 1) / 2)];
  if (schema.type === 'boolean') return true;
  if (schema.type === 'integer' || schema.type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 1;
  return '…';
}

const KINDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

const MEDIA_NOUNS: Record<string, [string, string]> = {
  image: ['image', 'images'],
  video: ['video', 'videos'],
  audio: ['audio file', 'audio files'],
};

/** The schema of a top-level field, and of its items when it is a list of media. */
export function fieldSchema(model: V3Model, field: string | number | undefined): Record<string, unknown> | undefined {
  const schema = typeof field === 'string' ? schemaProperties(model)[field] : undefined;
  return isObject(schema) ? schema : undefined;
}

/** The media_type of the field at a path (on the list for lists of media). */
export function mediaTypeAt(model: V3Model, path: Path): string | undefined {
  const schema = fieldSchema(model, path[0]);
  const items = schema?.items;
  const mediaType = schema?.media_type ?? (isObject(items) ? items.media_type : undefined);
  return typeof mediaType === 'string' ? mediaType : undefined;
}

/** 'Input "reference-images"', with where inside it when the error is deeper than the field; or 'Request field "quality"'. */
function subject(path: Path, model: V3Model): string {
  const where = formatPath(path);
  const who = subjectFor(where, model);
  return path.length > 1 && who.startsWith('Input ') ? `${who} (${where})` : who;
}

function needs(field: string, model: V3Model): string {
  const name = workflowInputFor(field, model);
  const schema = fieldSchema(model, field);
  const values = allowed(schema, [field]);
  if (name.startsWith('request field ')) {
    const sample = `{"${field}": ${JSON.stringify(example(schema))}}`;
    return `Model ${model.id} needs ${name}${values ? ` (${values})` : ''}: set it in input "request", e.g. request: '${sample}'.`;
  }
  const note = field === 'voice_id' ? `a voice_… id; GET /models/${model.id}/voices lists them` : values;
  return `Model ${model.id} needs input "${name}"${note ? ` (${note})` : ''}.`;
}

/** Nothing but white space and the separators 0x1C–0x1F: what Hedra's prompt pattern `[^\s\x1C-\x1F]` (Python's \s) refuses. */
function blank(text: string): boolean {
  return [...text].every((ch) => ch.trim() === '' || (ch.charCodeAt(0) >= 0x1c && ch.charCodeAt(0) <= 0x1f));
}

/** One Ajv error (outside any anyOf/oneOf) as a problem; `named: false` leaves out "for model …" (for a part of a sentence that names it). */
function describe(error: ErrorObject, input: Record<string, unknown>, model: V3Model, named = true): string {
  const path = pathOf(error.instancePath);
  const value = valueAt(input, path);
  const who = subject(path, model);
  const forModel = named ? ` for model ${model.id}` : '';
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'required':
      if (path.length === 0) return needs(params.missingProperty, model);
      return `${who} needs field "${params.missingProperty}"${forModel}.`;
    case 'additionalProperties':
      if (path.length === 0) return notTakenField(params.additionalProperty, model);
      return `${who} has a field "${params.additionalProperty}" that model ${model.id} does not take.`;
    case 'false schema':
      if (path.length === 1) return notTakenField(String(path[0]), model);
      return `${who} is not taken by model ${model.id}.`;
    case 'enum':
    case 'const': {
      const values: unknown[] = error.keyword === 'enum' ? params.allowedValues : [params.allowedValue];
      const list = values.map((v) => shown(v, path));
      const rule = values.length === 1 ? `must be ${list[0]}` : `must be one of ${list.join(', ')}`;
      return `${who} ${rule}${forModel}; got ${given(value, path)}.${suggestion(value, values, path)}`;
    }
    case 'type': {
      const types = String(params.type).split(',');
      return `${who} must be ${orList(types.map((t) => KINDS[t] ?? t))}${forModel}; got ${given(value, path)}.`;
    }
    case 'maximum':
    case 'exclusiveMaximum':
    case 'minimum':
    case 'exclusiveMinimum': {
      const words = { maximum: 'at most', exclusiveMaximum: 'less than', minimum: 'at least', exclusiveMinimum: 'more than' }[error.keyword];
      return `${who} must be ${words} ${shown(params.limit, path)}${forModel}; got ${given(value, path)}.`;
    }
    case 'maxLength':
    case 'minLength': {
      const length = typeof value === 'string' ? [...value].length : 0;
      if (error.keyword === 'minLength' && params.limit <= 1) return `${who} must not be empty${forModel}.`;
      const bound = error.keyword === 'maxLength' ? 'at most' : 'at least';
      return `${who} must have ${bound} ${params.limit} characters${forModel}; got ${length}.`;
    }
    case 'maxItems':
    case 'minItems': {
      const [one, many] = MEDIA_NOUNS[mediaTypeAt(model, path) ?? ''] ?? ['item', 'items'];
      const count = Array.isArray(value) ? value.length : 0;
      const bound = error.keyword === 'maxItems' ? 'takes at most' : 'needs at least';
      return `${who} ${bound} ${params.limit} ${params.limit === 1 ? one : many}${forModel}; got ${count}.`;
    }
    case 'pattern':
      if (typeof value === 'string' && blank(value)) return `${who} must not be blank${forModel}.`;
      return `${who} must match the pattern ${params.pattern}${forModel}; got ${given(value, path)}.`;
    case 'format':
      return `${who} must be ${params.format === 'uri' ? 'an absolute URL' : `in ${params.format} format`}${forModel}; got ${given(value, path)}.`;
    default:
      return `${who} ${error.message ?? 'is not valid'}${forModel}.`;
  }
}

/** Did-you-mean among allowed values: a near spelling, or for a bare number of milliseconds the seconds it was meant as. */
function suggestion(value: unknown, values: unknown[], path: Path): string {
  if (isDuration(path) && typeof value === 'number' && values.includes(value * 1000)) {
    return ` Did you mean "${seconds(value * 1000)}"? A bare number is milliseconds.`;
  }
  if (typeof value !== 'string') return '';
  return didYouMean(
    value,
    values.filter((v) => typeof v === 'string'),
  );
}

/** A field outside the schema: it came through `request` (the mapping sends typed inputs only where the model has a field). */
function notTakenField(field: string, model: V3Model): string {
  return notTakenProblem(model, `request field "${field}"`, { suggestion: didYouMean(field, Object.keys(schemaProperties(model))) });
}

/** The top-level field an error is about. */
function fieldOf(error: ErrorObject): string | undefined {
  if (error.instancePath === '' && error.keyword === 'required') return (error.params as { missingProperty: string }).missingProperty;
  if (error.instancePath === '' && error.keyword === 'additionalProperties') return (error.params as { additionalProperty: string }).additionalProperty;
  const first = pathOf(error.instancePath)[0];
  return typeof first === 'string' ? first : undefined;
}

const isCombinator = (error: ErrorObject) => error.keyword === 'anyOf' || error.keyword === 'oneOf';

/** 'set input "resolution" to 1080p or 4K': what one failed condition of a combination asks for, lower case. */
function fix(error: ErrorObject, branch: unknown, model: V3Model, input: Record<string, unknown>): string {
  const field = fieldOf(error) ?? '';
  const path = pathOf(error.instancePath);
  const name = workflowInputFor(field, model);
  const label = name.startsWith('request field ') ? name : `input "${name}"`;
  const params = error.params as Record<string, any>;
  if (error.keyword === 'required' && path.length === 0) {
    const restricted = isObject(branch) && isObject(branch.properties) ? branch.properties[field] : undefined;
    const verb = mediaTypeAt(model, [field]) ? 'give' : 'set';
    if (isObject(restricted) && Array.isArray(restricted.enum)) return `${verb} ${label} to ${orList(restricted.enum.map((v) => shown(v, [field])))}`;
    const values = allowed(fieldSchema(model, field), [field]);
    return `${verb} ${label}${values ? ` (${values})` : ''}`;
  }
  if (error.keyword === 'false schema' && path.length === 1) return `remove ${label}`;
  if ((error.keyword === 'enum' || error.keyword === 'const') && path.length === 1) {
    const values: unknown[] = error.keyword === 'enum' ? params.allowedValues : [params.allowedValue];
    return `set ${label} to ${orList(values.map((v) => shown(v, path)))}`;
  }
  const sentence = describe(error, input, model, false).replace(/\.$/, '');
  return `${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`;
}

/**
 * A failed anyOf/oneOf at the top of the schema: the combinations of fields a model takes (with a start
 * frame or without, quality pro with 1080p or 4K…), said as what to change, from the combinations that
 * need the fewest changes (or both, when there are two). Conditions on fields already reported on their
 * own (a missing required field, a value outside the field's list) are left out: when they explain the
 * failure, nothing more is said.
 */
function describeCombination(
  combinator: ErrorObject,
  errors: ErrorObject[],
  reported: Set<string>,
  input: Record<string, unknown>,
  model: V3Model,
): string | undefined {
  if (combinator.keyword === 'oneOf' && Array.isArray((combinator.params as { passingSchemas?: unknown }).passingSchemas)) {
    return `The inputs given fit more than one of the combinations model ${model.id} takes, and its schema asks for exactly one.`;
  }
  const branches = schemaAt(model.inputSchema, combinator.schemaPath);
  if (!Array.isArray(branches)) return undefined;
  const fixes = branches.map(() => new Map<string, string>());
  const prefix = `${combinator.schemaPath}/`;
  for (const error of errors) {
    if (!error.schemaPath.startsWith(prefix) || isCombinator(error)) continue;
    const index = Number(error.schemaPath.slice(prefix.length).split('/')[0]);
    const field = fieldOf(error);
    if (field !== undefined && reported.has(field)) continue;
    fixes[index]?.set(field ?? error.schemaPath, fix(error, branches[index], model, input));
  }
  if (fixes.some((branch) => branch.size === 0)) return undefined;
  // The ways that change least; of two combinations both (the one that changes least may drop what was meant).
  const fewest = Math.min(...fixes.map((branch) => branch.size));
  const chosen = fixes.filter((branch) => branch.size === fewest || fixes.length <= 2).sort((a, b) => a.size - b.size);
  const ways = [...new Set(chosen.map((branch) => together([...branch.values()])))];
  const what = ways.length === 1 ? ways[0] : `either ${ways.join(', or ')}`;
  return `The inputs given fit none of the combinations model ${model.id} takes: ${what}.`;
}

/** The changes of one way, the removals as one: 'remove input "seed" and request field "negative_prompt"'. */
function together(fixes: readonly string[]): string {
  const removed = fixes.filter((f) => f.startsWith('remove ')).map((f) => f.slice('remove '.length));
  const rest = fixes.filter((f) => !f.startsWith('remove '));
  return andList([...(removed.length > 0 ? [`remove ${andList(removed)}`] : []), ...rest]);
}

/** A field's value matches none of the forms it may take: for media, the two forms of a media object. */
function describeForms(combinator: ErrorObject, input: Record<string, unknown>, model: V3Model): string {
  const path = pathOf(combinator.instancePath);
  const value = valueAt(input, path);
  const branches = schemaAt(model.inputSchema, combinator.schemaPath);
  const forms = (Array.isArray(branches) ? branches : []).map((branch) => {
    const source = isObject(branch) && isObject(branch.properties) && isObject(branch.properties.source) ? branch.properties.source.enum : undefined;
    if (Array.isArray(source) && source[0] === 'url') return '{"source": "url", "url": …}';
    if (Array.isArray(source) && source[0] === 'asset') return '{"source": "asset", "asset_id": "asset_…"}';
    if (isObject(branch) && Array.isArray(branch.enum)) return `one of ${branch.enum.map((v) => shown(v, path)).join(', ')}`;
    if (isObject(branch) && typeof branch.type === 'string') return KINDS[branch.type] ?? branch.type;
    return undefined;
  });
  const known = forms.filter((form) => form !== undefined);
  const rule = known.length === forms.length && known.length > 0 ? `must be ${orList(known)}` : 'has none of the forms it may take';
  return `${subject(path, model)} ${rule} for model ${model.id}; got ${given(value, path)}.`;
}

/** Ajv's errors as problems: those of each field on their own, each failed combination as one sentence. */
export function describeErrors(errors: ErrorObject[], input: Record<string, unknown>, model: V3Model): string[] {
  const combinators = errors.filter(isCombinator);
  const inside = (error: ErrorObject) => combinators.some((c) => c !== error && error.schemaPath.startsWith(`${c.schemaPath}/`));
  const plain = errors.filter((error) => !isCombinator(error) && !inside(error));
  const outermost = combinators.filter((c) => !inside(c));
  const reported = new Set(plain.map(fieldOf).filter((field) => field !== undefined));
  // Missing fields first: they read as the first thing to fix.
  const order = (error: ErrorObject) => (error.keyword === 'required' ? 0 : error.keyword === 'additionalProperties' ? 1 : 2);
  const problems = [...plain].sort((a, b) => order(a) - order(b)).map((error) => describe(error, input, model));
  for (const combinator of outermost) {
    const problem = combinator.instancePath === '' ? describeCombination(combinator, errors, reported, input, model) : describeForms(combinator, input, model);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}
