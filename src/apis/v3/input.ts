// The workflow's typed inputs as the `input` of a Hedra v3 model (POST /models/{model} {input}). On v3
// every model has its own input schema (GET /models/{model}, `input_schema`): each workflow input goes to
// the field that schema has for it, media become {source: "url", url} or {source: "asset", asset_id}, and
// whatever cannot be sent is a problem in the workflow's words. Pure and synchronous: checking the result
// against the schema is v3-schema.ts's job, uploading the files the caller's.

import { isObject } from '../../core/json.js';
import { type GenerationType, isMediaInput, type MappedInput, type MediaInput } from '../../inputs/kinds.js';
import type { MediaRef } from '../../inputs/parsers.js';
import { isUuid, isV3Id } from '../../inputs/parsers.js';
import type { InputValue } from '../../inputs/settings.js';
import { AUTO_DURATION, autoDurationProblem, listProblem, takesList, userUrlProblem } from './fields.js';
import { typeProblem } from './kinds.js';

/** A v3 model as GET /models/{model} describes it (ModelDetail), with its input schema. */
export interface V3Model {
  id: string;
  /** image | video | audio: what the model makes. */
  modality: string;
  name?: string;
  inputSchema: Record<string, unknown>;
}

/** What the mapping needs from Settings (a subset, so it stays pure and testable). */
export interface V3Inputs {
  model: string;
  /** Only when the user gave `type`: v3 takes what is made from the model. */
  type?: GenerationType;
  mapped: Partial<Record<MappedInput, InputValue>>;
  request?: Record<string, unknown>;
}

/** Where each local file (and each given asset) sits in the input, so the caller can put the uploaded file's URL there. */
export interface V3MediaSlot {
  input: MediaInput;
  /** The file's path as written, or the asset id. */
  written: string;
  /** e.g. ['start_image'] or ['images', 1]. */
  path: (string | number)[];
  /** A public https URL is sent as it is (Hedra fetches it): a refusal of its field says to pass the file instead. */
  kind: 'file' | 'asset' | 'url';
}

export interface V3InputPlan {
  input: Record<string, unknown>;
  media: V3MediaSlot[];
  /** Every problem found, in the workflow's words; empty when the input can be checked against the schema and sent. */
  problems: string[];
}

/** The typed inputs that have a v3 field (`batch-size` is the number of jobs, not a field). */
type FieldInput = Exclude<MappedInput, 'batch-size'>;

/**
 * The v3 fields each input can go to, preferred first: the first one the model's schema has is used, so
 * `prompt` goes to `text` only on a model without `prompt` (speech), `video` to `videos` only on a model
 * without `source_video`. `list` fields are arrays, whatever the input gives. In the order of the inputs
 * in types.ts, which is the order the messages list them in.
 */
const FIELDS: Record<FieldInput, readonly { field: string; list?: true }[]> = {
  prompt: [{ field: 'prompt' }, { field: 'text' }],
  text: [{ field: 'text' }],
  'voice-id': [{ field: 'voice_id' }],
  // A start frame where the model animates one; else the image a model works on (an upscaler's source_image).
  image: [{ field: 'start_image' }, { field: 'source_image' }],
  'end-image': [{ field: 'end_image' }],
  // `audio` may be a list too where the field takes one (hedra-character-3: one audio per speaker): fields.ts.
  audio: [{ field: 'audio' }, { field: 'audios', list: true }],
  video: [{ field: 'source_video' }, { field: 'videos', list: true }],
  // An upscaler has no output `resolution`, only the one to upscale to.
  resolution: [{ field: 'resolution' }, { field: 'target_resolution' }],
  'aspect-ratio': [{ field: 'aspect_ratio' }],
  duration: [{ field: 'duration_ms' }],
  seed: [{ field: 'seed' }],
  // The name of what the model makes (a cloned voice's).
  name: [{ field: 'name' }],
  'reference-images': [{ field: 'images', list: true }],
};

const FIELD_INPUTS = Object.keys(FIELDS) as FieldInput[];

/** The model's input fields, from its schema's properties. */
export function schemaProperties(model: V3Model): Record<string, unknown> {
  const properties = model.inputSchema.properties;
  return isObject(properties) ? properties : {};
}

/** The field an input goes to for this model, if the model has one for it. */
function targetOf(input: FieldInput, model: V3Model): { field: string; list?: true } | undefined {
  const properties = schemaProperties(model);
  return FIELDS[input].find(({ field }) => Object.hasOwn(properties, field));
}

/**
 * The workflow input that sets a field: with a model, the one the mapping sends there for that model;
 * without, the input whose own field it is. Where several could (`prompt` and `text` both reach `text` on
 * a speech model) the one named after the field wins.
 */
function inputOf(field: string, model?: V3Model): FieldInput | undefined {
  const rank = (input: FieldInput) => FIELDS[input].findIndex((f) => f.field === field);
  const candidates = FIELD_INPUTS.filter((input) => rank(input) >= 0).sort((a, b) => rank(a) - rank(b));
  return model === undefined ? candidates[0] : candidates.find((input) => targetOf(input, model)?.field === field);
}

/** 'input.images[1].url', '/images/1/url' or ['images', 1] → ['images', 1, 'url']. */
function pathOf(field: string): (string | number)[] {
  const pointer = field.startsWith('/');
  const text = pointer ? field.slice(1) : field.replace(/^input\./, '');
  const parts = pointer ? text.split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')) : text.split(/\.|\[(\d+)\]/).filter(Boolean);
  return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** ['images', 1, 'url'] → 'images[1].url'. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/**
 * How the user sets a field of the input: the workflow input for it ('input.aspect_ratio' or 'aspect_ratio'
 * → 'aspect-ratio', 'images[1]' → 'reference-images'), or, for a field no input sets, `request field "quality"`.
 */
export function workflowInputFor(field: string, model?: V3Model): string {
  const path = pathOf(field);
  const input = typeof path[0] === 'string' ? inputOf(path[0], model) : undefined;
  return input ?? `request field "${formatPath(path)}"`;
}

/** 'Input "aspect-ratio"' or 'Request field "quality"': the subject of a sentence about a field. */
export function subjectFor(field: string, model?: V3Model): string {
  const name = workflowInputFor(field, model);
  return name.startsWith('request field ') ? `R${name.slice(1)}` : `Input "${name}"`;
}

/** Fields no one chooses (a single allowed value, such as num_outputs: 1): left out of the lists of what a model takes. */
function fixed(schema: unknown): boolean {
  return isObject(schema) && ((Array.isArray(schema.enum) && schema.enum.length === 1) || Object.hasOwn(schema, 'const'));
}

/** "It takes: prompt, image; other fields through "request": quality." */
function whatItTakes(model: V3Model): string {
  const properties = schemaProperties(model);
  const inputs = FIELD_INPUTS.filter((input) => {
    const target = targetOf(input, model);
    return target !== undefined && inputOf(target.field, model) === input;
  });
  const byInput = new Set(inputs.map((input) => targetOf(input, model)?.field));
  const others = Object.keys(properties).filter((field) => !byInput.has(field) && !fixed(properties[field]));
  const viaRequest = `fields through "request": ${others.join(', ')}`;
  if (inputs.length === 0) return others.length === 0 ? 'It takes no inputs.' : `It takes only ${viaRequest}.`;
  return `It takes: ${inputs.join(', ')}${others.length === 0 ? '' : `; other ${viaRequest}`}.`;
}

/**
 * `Model kling-v3 does not take input "audio". It takes: …`: what a model has no field for, with what it
 * does take. `note` goes inside the first sentence, `suggestion` (a did-you-mean) after it.
 */
export function notTakenProblem(model: V3Model, what: string, extra: { note?: string; suggestion?: string } = {}): string {
  return `Model ${model.id} does not take ${what}${extra.note ?? ''}.${extra.suggestion ?? ''} ${whatItTakes(model)}`;
}

/** Where an input that the model has no field for may have been meant to go. */
function elsewhere(input: FieldInput, model: V3Model): string {
  const alternative: Partial<Record<FieldInput, FieldInput>> = { text: 'prompt', image: 'reference-images', 'reference-images': 'image' };
  const what: Partial<Record<FieldInput, string>> = { prompt: 'its prompt goes', 'reference-images': 'its images go', image: 'its start frame goes' };
  const other = alternative[input];
  return other !== undefined && targetOf(other, model) !== undefined ? ` (${what[other]} in input "${other}")` : '';
}

/** The media reference as a v3 media object; files and v3 assets are noted as slots, the rest as problems. */
function mediaValue(
  input: MediaInput,
  ref: MediaRef,
  path: (string | number)[],
  fileUrl: (written: string) => string,
  plan: V3InputPlan,
): Record<string, unknown> {
  if (ref.kind === 'url') {
    // Sent as it is, for Hedra to fetch (its newer SDKs and CLI take any public https URL); one it cannot reach is refused here.
    const problem = userUrlProblem(input, ref.url);
    if (problem === undefined) plan.media.push({ input, written: ref.url, path, kind: 'url' });
    else plan.problems.push(problem);
    // Kept in the input as it would go, so that the schema check does not also call the field missing.
    return { source: 'url', url: ref.url };
  }
  // An `asset_…` id is opaque (parsers.ts isV3Id); a path that is not one is a file.
  if (ref.kind === 'file' && !isV3Id('asset', ref.written)) {
    plan.media.push({ input, written: ref.written, path, kind: 'file' });
    return { source: 'url', url: fileUrl(ref.written) };
  }
  const assetId = ref.kind === 'asset' ? ref.id : ref.written;
  if (isUuid(assetId)) {
    plan.problems.push(
      `Input "${input}": "${assetId}" is a v2 asset id; v3 takes files (a path in the repository) or asset ids of earlier v3 outputs (asset_…).`,
    );
  } else {
    plan.media.push({ input, written: assetId, path, kind: 'asset' });
  }
  return { source: 'asset', asset_id: assetId };
}

/** The value a typed input sends; media problems are noted in the plan. */
function fieldValue(
  model: V3Model,
  input: FieldInput,
  value: InputValue,
  target: { field: string; list?: true },
  fileUrl: (written: string) => string,
  plan: V3InputPlan,
): unknown {
  if (isMediaInput(input)) {
    // A list goes as a list where the field is one or takes one (one or several, one per line); else one reference.
    const list = target.list === true || (Array.isArray(value) && takesList(model, target.field));
    const refs = Array.isArray(value) ? value : [value as MediaRef];
    const items = refs.map((ref, i) => mediaValue(input, ref, list ? [target.field, i] : [target.field], fileUrl, plan));
    return list ? items : items[0];
  }
  // duration_ms is an integer; `duration` may be written finer than a millisecond (0.0015s), which no model can tell apart.
  if (input === 'duration' && typeof value === 'number') return Math.round(value);
  if (input === 'duration' && value === AUTO_DURATION) return -1;
  return value;
}

/**
 * The model's `input` from the workflow's inputs: `request` first, then every typed input in its field,
 * media as v3 media objects (a local file as {source: "url", url: fileUrl(written)}: the caller passes a
 * placeholder URL before the upload and the file's URL after it), with every problem noted, never thrown.
 * Fields of `request` are passed on unchecked: the schema check (v3-schema.ts) says which the model does
 * not take.
 */
export function mapV3Input(inputs: V3Inputs, model: V3Model, fileUrl: (written: string) => string): V3InputPlan {
  const plan: V3InputPlan = { input: {}, media: [], problems: [] };
  if (inputs.type !== undefined) {
    const problem = typeProblem(inputs.type, { ...model, fields: schemaProperties(model) });
    if (problem !== undefined) plan.problems.push(problem);
  }

  const properties = schemaProperties(model);
  for (const [field, value] of Object.entries(inputs.request ?? {})) {
    if (field === 'input' && isObject(value) && !Object.hasOwn(properties, 'input')) {
      const example = Object.keys(value)[0] ?? 'prompt';
      plan.problems.push(
        `Input "request" wraps its fields in "input": on v3, "request" holds the model's input fields directly, e.g. request: '{"${example}": …}' instead of '{"input": {"${example}": …}}'.`,
      );
      continue;
    }
    plan.input[field] = value;
  }

  // Typed inputs are set after `request`: a typed input wins over a request field of the same name, as on v2.
  const setBy = new Map<string, FieldInput>();
  for (const input of FIELD_INPUTS) {
    const value = inputs.mapped[input];
    if (value === undefined) continue;
    const target = targetOf(input, model);
    if (target === undefined) {
      plan.problems.push(notTakenProblem(model, `input "${input}"`, { note: elsewhere(input, model) }));
      continue;
    }
    const earlier = setBy.get(target.field);
    if (earlier !== undefined) {
      plan.problems.push(`Inputs "${earlier}" and "${input}" both go to field "${target.field}" of model ${model.id}: give only one of them.`);
      continue;
    }
    setBy.set(target.field, input);
    const problem = listProblem(model, input, value, target) ?? (input === 'duration' ? autoDurationProblem(model, value) : undefined);
    if (problem !== undefined) plan.problems.push(problem);
    plan.input[target.field] = fieldValue(model, input, value, target, fileUrl, plan);
  }

  // `batch-size` is not a field: the caller submits that many jobs (every v3 model makes one output per job).
  return plan;
}
