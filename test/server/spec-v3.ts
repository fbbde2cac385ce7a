// Validation against Hedra's v3 OpenAPI document (test/fixtures/openapi-v3.json,
// a copy of ../shared/hedra-api/openapi-v3.json), with Ajv's JSON Schema
// 2020-12 validator: OpenAPI 3.1 schemas are that dialect. It also reads the
// model catalogue out of the document: one `POST /models/<id>` per model, its
// input schema `Input_<id with - and . as _>`.
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { withLaterModels } from './v3-models.ts';

type Json = Record<string, any>;

export const SPEC_V3_PATH = new URL('../fixtures/openapi-v3.json', import.meta.url);
/** The document, with the models Hedra's later builds add written in its own form (v3-models.ts). */
export const specV3: Json = withLaterModels(JSON.parse(readFileSync(SPEC_V3_PATH, 'utf8')));

// CommonJS modules seen from ESM: the class may sit on .default.
const Ajv2020 = ((Ajv2020Module as any).default ?? Ajv2020Module) as typeof Ajv2020Module.default;
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as typeof addFormatsModule.default;

// ------------------------------------------------- rules the document says in words

/**
 * The field combinations a model takes, as the document says them. Spec 3.0.0
 * wrote them as the input schema's `anyOf`; 3.9.0 writes them only in the
 * schema's description, one line per input mode:
 *
 *   Accepted field combinations (one per input mode):
 *   (1) requires: aspect_ratio, duration_ms, resolution; must omit: end_image, start_image; accepts quality: pro; resolution: 1080p | 4K
 *
 * Read back into the JSON Schema 3.0.0 had: per line `required`, each omitted
 * field `false`, each accepted list an `enum` (numbers for numeric fields).
 * undefined when the description names no combinations.
 */
export function combinationsOf(input: Json): Json[] | undefined {
  const text = typeof input.description === 'string' ? input.description : '';
  const at = text.indexOf('Accepted field combinations');
  if (at < 0) return undefined;
  const props: Json = input.properties ?? {};
  const list = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const value = (field: string, raw: string) => {
    const type = props[field]?.type ?? props[field]?.items?.type;
    return type === 'integer' || type === 'number' ? Number(raw) : raw;
  };
  const branches: Json[] = [];
  for (const line of text.slice(at).split('\n')) {
    const rule = /^\(\d+\)\s*(.*)$/.exec(line.trim());
    if (!rule) continue;
    const branch: Json = { required: [] as string[], properties: {} as Json };
    for (const clause of rule[1].split(/;\s*(?=requires:|must omit:|accepts )/)) {
      const [, kind, rest] = /^(requires:|must omit:|accepts)\s*(.*)$/.exec(clause.trim()) ?? [];
      if (kind === 'requires:') branch.required.push(...list(rest));
      else if (kind === 'must omit:') for (const field of list(rest)) branch.properties[field] = false;
      else if (kind === 'accepts') {
        for (const part of rest.split(';')) {
          const colon = part.indexOf(':'); // the first: values may hold colons (aspect_ratio: 16:9 | 4:3)
          const field = part.slice(0, colon).trim();
          const values = part.slice(colon + 1).trim();
          if (colon > 0 && values) branch.properties[field] = { enum: values.split('|').map((v) => value(field, v.trim())) };
        }
      } else throw new Error(`cannot read the combination "${line.trim()}" of ${input.title ?? 'an input schema'}`);
    }
    branches.push(branch);
  }
  return branches.length ? branches : undefined;
}

/**
 * The input schema with the rules its words give, as JSON Schema: the field
 * combinations (combinationsOf) as `anyOf`, and, where a `multi_prompt`
 * "replaces `prompt` — supply one or the other, never both", exactly one of
 * the two. The same object when the words add nothing.
 */
export function withWrittenRules(input: Json): Json {
  const combinations = input.anyOf ? undefined : combinationsOf(input);
  const props: Json = input.properties ?? {};
  const storyboard =
    props.prompt && /supply one or the other, never both/.test(String(props.multi_prompt?.description ?? ''))
      ? [
          { required: ['prompt'], properties: { multi_prompt: false } },
          { required: ['multi_prompt'], properties: { prompt: false } },
        ]
      : undefined;
  if (!combinations && !storyboard) return input;
  return {
    ...input,
    ...(combinations ? { anyOf: combinations } : {}),
    ...(storyboard ? { allOf: [...(input.allOf ?? []), { anyOf: storyboard }] } : {}),
  };
}

// strict: false because the document carries keywords that are not JSON Schema
// (media_type, role, max_file_size_bytes, guidance, ...); everything that is,
// is enforced. discriminator: true makes Ajv follow `source` on the media
// references (oneOf url | asset), so an error names the branch the body chose.
// verbose: errors carry their schema, for the `allowed` values of a FieldError.
// The input schemas are enforced with the rules their descriptions give
// (withWrittenRules): the document calls them the accepted combinations, so a
// submit outside them is refused, as when 3.0.0 wrote them as anyOf. What the
// server publishes (GET /models/{model}, its openapi.json) is the document's
// schema as written, without them.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, discriminator: true, verbose: true });
addFormats(ajv);
const enforced = Object.fromEntries(
  Object.entries<Json>(specV3.components.schemas).map(([name, schema]) => [name, name.startsWith('Input_') ? withWrittenRules(schema) : schema]),
);
ajv.addSchema({ $id: 'hedra-v3', components: { ...specV3.components, schemas: enforced } });

export const schemaRef = (name: string) => `#/components/schemas/${name}`;

const cache = new Map<string, ValidateFunction>();
function validator(ref: string): ValidateFunction {
  let fn = cache.get(ref);
  if (!fn) {
    fn = ajv.getSchema(`hedra-v3${ref}`);
    if (!fn) throw new Error(`no schema ${ref} in the v3 spec`);
    cache.set(ref, fn);
  }
  return fn;
}

/** Raw Ajv errors of a value against a schema of the document ($ref form), null when valid. */
export function validateV3(ref: string, value: unknown): ErrorObject[] | null {
  const fn = validator(ref);
  return fn(value) ? null : [...(fn.errors ?? [])];
}

// ---------------------------------------------------------------- the models

export type Modality = 'image' | 'video' | 'audio';

export interface MediaField {
  /** The input field, e.g. start_image or images. */
  name: string;
  mediaType: Modality;
  /** A list of references (images, videos, audios) rather than one. */
  array: boolean;
  maxFileSizeBytes?: number;
}

export interface V3Model {
  id: string;
  /** From the operation's summary "Run <Name> (<id>)". */
  name: string;
  /** The first paragraph of the operation's description, unless it is the generic text every operation carries. */
  description: string | null;
  /** Not in the document per model: derived (see modalityOf), or a later model's `x-modality`. */
  modality: Modality;
  /** What a job makes: a media file, or (a later model's `x-output`) a voice. */
  output: 'media' | 'voice';
  /** The document's Input_<suffix> schema, as written (with $refs, if any). */
  input: Json;
  inputRef: string;
  submitRef: string;
  mediaFields: MediaField[];
}

/** Model id → schema suffix: kling-v3 → kling_v3. */
export const schemaSuffix = (id: string) => id.replace(/[-.]/g, '_');

const GENERIC_DESCRIPTION = /^Submits an asynchronous job/;

/**
 * The document gives no modality per model, so it is derived: `audio` if the
 * input has `voice_id` (speech); `video` if it has `duration_ms`, `videos` or
 * `source_video`, or the summary or the description's first paragraph says
 * video (the audio-driven avatar models); else `image`.
 */
function modalityOf(input: Json, summary: string, description: string | null): Modality {
  const props = input.properties ?? {};
  if (props.voice_id) return 'audio';
  if (props.duration_ms || props.videos || props.source_video) return 'video';
  if (/video/i.test(`${summary} ${description ?? ''}`)) return 'video';
  return 'image';
}

function mediaFieldsOf(input: Json): MediaField[] {
  return Object.entries<Json>(input.properties ?? {}).flatMap(([name, schema]) => {
    const holder = schema.media_type ? schema : schema.items?.media_type ? schema.items : undefined;
    if (!holder) return [];
    const limit = schema.max_file_size_bytes ?? schema.items?.max_file_size_bytes;
    return [
      { name, mediaType: holder.media_type as Modality, array: schema.type === 'array', ...(typeof limit === 'number' ? { maxFileSizeBytes: limit } : {}) },
    ];
  });
}

export const V3_MODELS: V3Model[] = Object.entries<Json>(specV3.paths)
  .filter(([path, ops]) => /^\/models\/[^{/]+$/.test(path) && ops.post)
  .map(([path, ops]) => {
    const id = path.slice('/models/'.length);
    const op = ops.post;
    const inputName = `Input_${schemaSuffix(id)}`;
    const input = specV3.components.schemas[inputName];
    if (!input) throw new Error(`the v3 spec has no ${inputName} for POST ${path}`);
    const summary: string = op.summary ?? '';
    const name = /^Run (.*) \([^()]+\)$/.exec(summary)?.[1] ?? id;
    const first = String(op.description ?? '')
      .split('\n\n')[0]
      .trim();
    const description = first && !GENERIC_DESCRIPTION.test(first) ? first : null;
    return {
      id,
      name,
      description,
      modality: op['x-modality'] ?? modalityOf(input, summary, description),
      output: op['x-output'] ?? 'media',
      input,
      inputRef: schemaRef(inputName),
      submitRef: op.requestBody.content['application/json'].schema.$ref ?? schemaRef(`SubmitBody_${schemaSuffix(id)}`),
      mediaFields: mediaFieldsOf(input),
    };
  })
  .sort((a, b) => a.id.localeCompare(b.id));

const MODELS_BY_ID = new Map(V3_MODELS.map((m) => [m.id, m]));
export const v3Model = (id: string): V3Model | undefined => MODELS_BY_ID.get(id);

/** A deep copy of a schema with every `$ref` into the document replaced by what it names: self-contained. */
export function resolveSchema(schema: unknown, seen: string[] = []): any {
  if (Array.isArray(schema)) return schema.map((s) => resolveSchema(s, seen));
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Json;
  if (typeof s.$ref === 'string' && s.$ref.startsWith('#/')) {
    if (seen.includes(s.$ref)) throw new Error(`recursive $ref ${s.$ref}: cannot inline`);
    const target = s.$ref
      .slice(2)
      .split('/')
      .reduce((node: any, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], specV3);
    if (!target) throw new Error(`dangling $ref ${s.$ref}`);
    const { $ref: _, ...siblings } = s;
    return { ...resolveSchema(target, [...seen, s.$ref]), ...resolveSchema(siblings, seen) };
  }
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, resolveSchema(v, seen)]));
}

/** The schema names a schema refers to, transitively (itself included). */
export function referencedSchemas(name: string, into = new Set<string>()): Set<string> {
  if (into.has(name)) return into;
  into.add(name);
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) referencedSchemas(v.split('/').pop()!, into);
        else walk(v);
      }
    }
  };
  walk(specV3.components.schemas[name]);
  return into;
}

// ------------------------------------------------------- validation failures

/** The document's FieldError: one field-level problem of a request body. */
export interface FieldError {
  /** Dotted path, e.g. input.aspect_ratio or input.images[0]. */
  field: string;
  /** "<field>: <what is wrong>", as the document's examples write it. */
  message: string;
  reason: string | null;
  allowed?: string[];
}

/** A JSON pointer (Ajv's instancePath) as the document's dotted path: /input/images/0/url → input.images[0].url. */
export function dottedPath(pointer: string, extra?: string): string {
  let out = '';
  const parts = pointer.split('/').slice(1);
  if (extra !== undefined) parts.push(extra);
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  }
  return out;
}

const quoted = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));
/** Pydantic's wording, which Hedra's examples use: "Input should be '16:9', '9:16' or '1:1'". */
export function enumMessage(values: unknown[]): string {
  const parts = values.map(quoted);
  return `Input should be ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}` : parts[0]}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a valid string',
  integer: 'a valid integer',
  number: 'a valid number',
  boolean: 'a valid boolean',
  object: 'a valid dictionary',
  array: 'a valid list',
  null: 'null',
};

/**
 * anyOf/oneOf failures as one branch's: Ajv reports every branch's errors; a
 * person (and Hedra, whose messages come from pydantic) names what would fix
 * the body, so the branch with the fewest errors stands for the combinator
 * (ties: the first). Innermost combinators first.
 */
function condense(errors: ErrorObject[]): ErrorObject[] {
  let list = [...errors];
  const combinators = list.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const c of combinators) {
    if (!list.includes(c)) continue;
    const prefix = `${c.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of list) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0];
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    if (branches.size === 0) continue; // oneOf matching several branches: the combinator's own error stays
    const best = [...branches.entries()].sort((a, b) => a[1].length - b[1].length || Number(a[0]) - Number(b[0]))[0][1];
    list = list.filter((e) => e !== c && (!e.schemaPath.startsWith(prefix) || best.includes(e)));
  }
  return list;
}

function fieldError(e: ErrorObject): FieldError {
  const p = e.params as Record<string, any>;
  let field = dottedPath(e.instancePath);
  let text = e.message ?? 'invalid';
  let reason: string | null = e.keyword;
  let allowed: string[] | undefined;
  switch (e.keyword) {
    case 'required':
      field = dottedPath(e.instancePath, p.missingProperty);
      text = 'Field required';
      break;
    case 'additionalProperties':
      field = dottedPath(e.instancePath, p.additionalProperty);
      text = 'Extra inputs are not permitted';
      reason = 'extra_forbidden';
      break;
    case 'enum':
      text = enumMessage(p.allowedValues);
      allowed = p.allowedValues.map(String);
      break;
    case 'const':
      text = enumMessage([p.allowedValue]);
      allowed = [String(p.allowedValue)];
      reason = 'enum';
      break;
    case 'type': {
      const types: string[] = Array.isArray(p.type) ? p.type : String(p.type).split(',');
      text = `Input should be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`;
      break;
    }
    case 'minimum':
      text = `Input should be greater than or equal to ${p.limit}`;
      break;
    case 'maximum':
      text = `Input should be less than or equal to ${p.limit}`;
      break;
    case 'exclusiveMinimum':
      text = `Input should be greater than ${p.limit}`;
      break;
    case 'exclusiveMaximum':
      text = `Input should be less than ${p.limit}`;
      break;
    case 'multipleOf':
      text = `Input should be a multiple of ${p.multipleOf}`;
      break;
    case 'minLength':
      text = `String should have at least ${p.limit} character${p.limit === 1 ? '' : 's'}`;
      break;
    case 'maxLength':
      text = `String should have at most ${p.limit} characters`;
      break;
    case 'pattern':
      text = `String should match pattern '${p.pattern}'`;
      break;
    case 'minItems':
      text = `List should have at least ${p.limit} item${p.limit === 1 ? '' : 's'}`;
      break;
    case 'maxItems':
      text = `List should have at most ${p.limit} items`;
      break;
    case 'format':
      text = p.format === 'uri' ? 'Input should be a valid URL' : `Input should be a valid ${p.format}`;
      break;
    case 'false schema':
      text = 'Not allowed together with the other inputs given';
      reason = 'not_allowed';
      break;
    case 'discriminator': {
      const tags: string[] = ((e.parentSchema as Json | undefined)?.oneOf ?? []).flatMap((b: Json) => {
        const tag = b.properties?.[p.tag];
        return tag?.const !== undefined ? [tag.const] : (tag?.enum ?? []);
      });
      field = dottedPath(e.instancePath, p.tag);
      allowed = tags.map(String);
      if (p.error === 'tag') {
        text = 'Field required';
        reason = 'required';
      } else {
        text = enumMessage(tags);
        reason = 'enum';
      }
      break;
    }
  }
  field ||= 'body';
  return { field, message: `${field}: ${text}`, reason, ...(allowed ? { allowed } : {}) };
}

/**
 * A submit body's problems as the document's FieldErrors (null when valid):
 * every one at once, deduplicated, in the order of the Input schema's fields.
 */
export function fieldErrors(ref: string, value: unknown, input?: Json): FieldError[] | null {
  const raw = validateV3(ref, value);
  if (!raw) return null;
  const seen = new Set<string>();
  const list = condense(raw)
    .map(fieldError)
    .filter((f) => {
      const key = `${f.field}\u0000${f.reason}\u0000${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const order = Object.keys(input?.properties ?? {});
  const rank = (field: string) => {
    if (field === 'input') return -1;
    if (!field.startsWith('input.')) return 2000;
    const at = order.indexOf(field.slice('input.'.length).split(/[.[]/)[0]);
    return at < 0 ? 1000 : at;
  };
  return list
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f.field) - rank(b.f.field) || a.i - b.i)
    .map(({ f }) => f);
}

// --------------------------------------------------------- answers, checked

const inlineCache = new Map<string, ValidateFunction>();

/**
 * The documented schema of an answer: the response schema of `method path`
 * for `status` (a per-model submit is the literal /models/<id>). undefined
 * when the document gives none (or an empty schema, as for the stream).
 */
function responseValidator(path: string, method: string, status: number): ValidateFunction | undefined {
  const key = `${method} ${path} ${status}`;
  const cached = inlineCache.get(key);
  if (cached) return cached;
  const response = specV3.paths[path]?.[method]?.responses?.[String(status)];
  const schema = response?.content?.['application/json']?.schema;
  if (!schema || Object.keys(schema).length === 0) return undefined;
  const fn = schema.$ref ? validator(schema.$ref) : ajv.compile(schema);
  inlineCache.set(key, fn);
  return fn;
}

/**
 * Problems of an answer of our own against the document (null when it meets
 * it): the documented schema for that path, method and status; an error
 * status the operation does not document is still held to ErrorResponse.
 */
export function answerProblems(path: string, method: string, status: number, body: unknown): string | null {
  let fn = responseValidator(path, method, status);
  if (!fn && status >= 400) fn = validator(schemaRef('ErrorResponse'));
  if (!fn) {
    if (status < 300 && !specV3.paths[path]?.[method]) return `no operation ${method.toUpperCase()} ${path} in the v3 spec`;
    return null;
  }
  return fn(body) ? null : JSON.stringify(fn.errors?.map((e) => ({ at: e.instancePath, keyword: e.keyword, message: e.message, params: e.params })));
}

/** Problems of a value against one named schema (e.g. JobLogItem for a stream frame), null when valid. */
export function schemaProblems(name: string, value: unknown): string | null {
  const errors = validateV3(schemaRef(name), value);
  return errors ? JSON.stringify(errors.map((e) => ({ at: e.instancePath, keyword: e.keyword, message: e.message }))) : null;
}
