// Checks a v3 model's `input` against the model's own JSON schema (fetched from Hedra at run time: valid
// values differ per model and change often) with Ajv, and says what is wrong in the workflow's words: the
// input as written in YAML (via workflowInputFor), durations as seconds, combinations as what to change.
// Every problem at once, none thrown; Ajv is loaded only when a v3 run checks something.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { UnexpectedAnswer } from '../errors.js';
import { didYouMean } from '../inputs/suggest.js';
import { isObject } from '../json.js';
import type { MediaInput } from './types.js';
import { formatPath, notTakenProblem, schemaProperties, subjectFor, type V3Model, workflowInputFor } from './v3-input.js';

/** A local file given to a media input, with what the caller read of it. */
export interface V3LocalFile {
  input: MediaInput;
  /** The path as written. */
  written: string;
  /** What the file is, by its content or name: image, audio, video, or another word. */
  kind: 'image' | 'audio' | 'video' | string;
  bytes: number;
  /** Where it sits in the input (V3MediaSlot.path). */
  path: (string | number)[];
}

type Path = (string | number)[];

interface SchemaCompiler {
  compile(schema: object): ValidateFunction;
}

/**
 * What a CommonJS module exports, seen through a dynamic import: Node puts module.exports on `default`,
 * and Ajv and ajv-formats also set module.exports.default to the same thing, so a bundle may hand over
 * either level. The first function down the chain is it.
 */
function exported<T>(namespace: unknown): T {
  let value: any = namespace;
  while (typeof value !== 'function' && value?.default !== undefined) value = value.default;
  return value as T;
}

let compiler: Promise<SchemaCompiler> | undefined;

/** One Ajv for the run, built on first use: a dynamic import, so that v2 runs never load it (ncc makes it a chunk of its own). */
function loadCompiler(): Promise<SchemaCompiler> {
  compiler ??= (async () => {
    const [ajvModule, formatsModule] = await Promise.all([import('ajv/dist/2020.js'), import('ajv-formats')]);
    const Ajv2020 = exported<new (options: object) => SchemaCompiler>(ajvModule);
    const addFormats = exported<(ajv: SchemaCompiler) => void>(formatsModule);
    // strict: false because Hedra's schemas carry keywords that are not JSON Schema (discriminator,
    // media_type, role, max_file_size_bytes…): Ajv ignores those, this file reads them itself.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    return ajv;
  })();
  return compiler;
}

/** Compiled validators by schema object: a run checks the same model's schema once per job. */
const validators = new WeakMap<object, ValidateFunction>();

async function validatorFor(model: V3Model): Promise<ValidateFunction> {
  const cached = validators.get(model.inputSchema);
  if (cached) return cached;
  const ajv = await loadCompiler();
  // The dialect is 2020-12 (the schemas come from an OpenAPI 3.1 document), whatever `$schema` says.
  const { $schema: _dialect, ...schema } = model.inputSchema;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new UnexpectedAnswer(
      `Hedra's input schema for model ${model.id} (GET /models/${model.id}) cannot be used to check the inputs: ${(error as Error).message}`,
      model.inputSchema,
    );
  }
  validators.set(model.inputSchema, validate);
  return validate;
}

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

function valueAt(input: unknown, path: Path): unknown {
  let node = input;
  for (const key of path) node = isObject(node) || Array.isArray(node) ? (node as any)[key] : undefined;
  return node;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Durations travel as duration_ms and are written as `5s` in the workflow, so they are shown that way. */
const isDuration = (path: Path) => path[0] === 'duration_ms' && path.length === 1;

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** An allowed value or bound as the workflow writes it. */
function shown(value: unknown, path: Path): string {
  if (typeof value === 'number' && isDuration(path)) return seconds(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A value that was given, for "got …": strings quoted (and cut short), durations as seconds. */
function given(value: unknown, path: Path): string {
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

const FILE_KINDS: Record<string, string> = { image: 'an image', video: 'a video', audio: 'audio' };

/** The schema of a top-level field, and of its items when it is a list of media. */
function fieldSchema(model: V3Model, field: string | number | undefined): Record<string, unknown> | undefined {
  const schema = typeof field === 'string' ? schemaProperties(model)[field] : undefined;
  return isObject(schema) ? schema : undefined;
}

/** The media_type of the field at a path (on the list for lists of media). */
function mediaTypeAt(model: V3Model, path: Path): string | undefined {
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

function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
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
function describeErrors(errors: ErrorObject[], input: Record<string, unknown>, model: V3Model): string[] {
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

/** "10.5 MB", with the bytes when the two sizes compared would look equal. */
function megabytes(size: number, max: number): [string, string] {
  const mb = (bytes: number) => `${Number((bytes / 1e6).toFixed(1))} MB`;
  return mb(size) === mb(max) ? [`${mb(size)} (${size} bytes)`, `${mb(max)} (${max} bytes)`] : [mb(size), mb(max)];
}

/** Each local file against its field: the kind of media it takes, and the largest file. */
function fileProblems(model: V3Model, files: readonly V3LocalFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const schema = fieldSchema(model, file.path[0]);
    if (schema === undefined) continue;
    const mediaType = mediaTypeAt(model, file.path);
    if (mediaType !== undefined && file.kind !== mediaType) {
      const article = mediaType === 'audio' ? 'an audio' : mediaType === 'image' ? 'an image' : `a ${mediaType}`;
      const is = FILE_KINDS[file.kind] ?? `of kind ${file.kind}`;
      problems.push(`Input "${file.input}" must be ${article} file for model ${model.id}; "${file.written}" is ${is}.`);
    }
    const items = schema.items;
    const max = schema.max_file_size_bytes ?? (isObject(items) ? items.max_file_size_bytes : undefined);
    if (typeof max === 'number' && file.bytes > max) {
      const [size, limit] = megabytes(file.bytes, max);
      problems.push(`Input "${file.input}": "${file.written}" is ${size}; model ${model.id} takes files of at most ${limit}.`);
    }
  }
  return problems;
}

/**
 * The problems of `input` against the model's input schema, in the workflow's words (empty when it
 * passes), and of each local file against its field. Media URLs in `input` must be absolute URLs (the
 * schema's `format: uri`): pass placeholders such as https://files.invalid/1 before the upload.
 * Throws UnexpectedAnswer only when Hedra's schema itself cannot be compiled.
 */
export async function checkV3Input(input: Record<string, unknown>, model: V3Model, localFiles: readonly V3LocalFile[] = []): Promise<string[]> {
  const validate = await validatorFor(model);
  const problems = validate(input) ? [] : describeErrors(validate.errors ?? [], input, model);
  problems.push(...fileProblems(model, localFiles));
  return [...new Set(problems)];
}
