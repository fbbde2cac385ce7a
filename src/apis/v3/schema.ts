// Checks a v3 model's `input` against the model's own JSON schema (fetched from Hedra at run time: valid
// values differ per model and change often) with Ajv, and each local file against its field (the kind of
// media it takes, the largest file). Every problem at once, none thrown, in the workflow's words
// (schema-words.ts); Ajv is loaded only when a v3 run checks something.
import type { ValidateFunction } from 'ajv';
import { UnexpectedAnswer } from '../../core/errors.js';
import { comparedSizes } from '../../core/format.js';
import { isObject } from '../../core/json.js';
import type { MediaInput } from '../../inputs/kinds.js';
import type { V3Model } from './input.js';
import { describeErrors, fieldSchema, mediaTypeAt } from './schema-words.js';

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

const FILE_KINDS: Record<string, string> = { image: 'an image', video: 'a video', audio: 'audio' };

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
      const [size, limit] = comparedSizes(file.bytes, max);
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
