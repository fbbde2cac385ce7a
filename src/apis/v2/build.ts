// Settings → the JSON body of POST /generations. Pure: ids come from the
// `newId` the caller passes, so tests are deterministic.

import { InputError } from '../../core/errors.js';
import { isObject } from '../../core/json.js';
import type { GenerationType, MappedInput } from '../../inputs/kinds.js';
import { isUuid, type MediaRef } from '../../inputs/parsers.js';
import type { Settings } from '../../inputs/settings.js';
import { BATCH_TYPES, type FieldPath, INPUT_FIELDS, MODEL_ID_FIELD, typesUsing } from './fields.js';
import { modelFields } from './model-choice.js';
import { type Sources, validateBody } from './validate.js';

type Body = Record<string, unknown>;

/** Fields the action fills itself: a value in `request` would break the no-double-billing guarantee. */
const ACTION_OWNED = ['type', 'generation_id', 'generation_ids', 'reserved_asset_id', 'reserved_asset_ids'];

interface BuiltRequest {
  body: Body;
  /** The generation ids chosen for this request, one per batch item. */
  generationIds: string[];
}

function setField(body: Body, path: FieldPath, value: unknown, input: string, sources: Sources): void {
  let node = body;
  for (const [i, key] of path.slice(0, -1).entries()) {
    const child = node[key];
    if (child === undefined) node[key] = {};
    else if (!isObject(child)) {
      throw new InputError(
        `Input "request" sets ${path.slice(0, i + 1).join('.')} to a non-mapping, but input "${input}" needs to set ${path.join('.')} inside it.`,
      );
    }
    node = node[key] as Body;
  }
  const leaf = path[path.length - 1];
  if (node[leaf] !== undefined) {
    throw new InputError(`Field ${path.join('.')} is set twice: by input "${input}" and inside input "request". Set it one way only.`);
  }
  node[leaf] = value;
  sources.set(path.join('.'), input);
}

function notUsedError(input: MappedInput | 'model', type: GenerationType): InputError {
  const users = typesUsing(input);
  return new InputError(`Input "${input}" is not used by type ${type}; it is used by ${users.join(', ')}. Remove it, or choose one of those types.`);
}

/** Where a media value goes: asset ids to the table's field; https URLs only to video keyframes. */
function mediaField(input: MappedInput, type: GenerationType, ref: MediaRef, path: FieldPath): [FieldPath, string] {
  if (ref.kind === 'asset') return [path, ref.id];
  if (ref.kind === 'file') throw new Error(`local file of input "${input}" reached the request builder before it was given an asset id`);
  const urlField = type === 'video' && { image: 'start_keyframe_url', 'end-image': 'end_keyframe_url' }[input as string];
  if (!urlField) {
    throw new InputError(`Input "${input}" takes a URL only for type video (as a keyframe); for type ${type} give a Hedra asset id.`);
  }
  return [[urlField], ref.url];
}

/** Lists (reference-images) take asset ids only: the API has no URL field for them. */
function listItemId(input: MappedInput, ref: MediaRef): string {
  if (ref.kind === 'url') throw new InputError(`Input "${input}" takes Hedra asset ids or file paths, one per line; URLs are not accepted (got ${ref.url}).`);
  return mediaField(input, 'image', ref, [])[1];
}

function checkCombinations(settings: Settings): void {
  const { type, mapped } = settings;
  if (type !== 'video') return;
  const speech = mapped.text !== undefined || mapped['voice-id'] !== undefined;
  if (speech && (mapped.text === undefined || mapped['voice-id'] === undefined)) {
    throw new InputError(
      'For type video, inputs "text" and "voice-id" go together: Hedra speaks the text with that voice (audio_generation). Set both, or give "audio" instead.',
    );
  }
  if (speech && mapped.audio !== undefined) {
    throw new InputError('For type video, give either "audio" or "text" with "voice-id", not both: each supplies the soundtrack.');
  }
}

/**
 * `chosenModel` is the model's body fields (model-rules.ts modelFields): by
 * default what the input says without a catalogue to resolve it in.
 */
export function buildRequest(
  settings: Settings,
  newId: () => string,
  chosenModel: Record<string, string> = modelFields(undefined, settings.type, settings.model),
): BuiltRequest {
  const { type, mapped, model } = settings;
  const extra = structuredClone(settings.request ?? {});
  const sources: Sources = new Map();

  for (const key of ACTION_OWNED) {
    if (key in extra) {
      const hint = key === 'type' ? 'Use the "type" input.' : 'The action chooses generation and asset ids itself so that a retry can never bill twice.';
      throw new InputError(`Input "request" must not set "${key}". ${hint}`);
    }
  }
  checkCombinations(settings);
  const body: Body = { type, ...extra };

  for (const [input, value] of Object.entries(mapped) as [MappedInput, Settings['mapped'][MappedInput]][]) {
    let path = INPUT_FIELDS[input][type];
    if (path === undefined || value === undefined) throw notUsedError(input, type);
    let sent: unknown = value;
    if (Array.isArray(value)) sent = value.map((ref) => listItemId(input, ref));
    else if (typeof value === 'object') [path, sent] = mediaField(input, type, value, path);
    else if (input === 'duration' && type === 'text_to_sound') sent = Number(value) / 1000;
    setField(body, path, sent, input, sources);
  }

  if (model !== undefined && MODEL_ID_FIELD[type] === undefined) throw notUsedError('model', type);
  // A model field set in `request` stands; otherwise the model chosen (or, for video, the default).
  const requestNamesModel = ['model_slug', 'ai_model_id', 'model_id'].some((field) => body[field] != null);
  if (model !== undefined || !requestNamesModel) {
    for (const [field, value] of Object.entries(chosenModel)) setField(body, [field], value, 'model', sources);
  }

  if (isObject(body.audio_generation) && sources.has('audio_generation.text')) {
    body.audio_generation = { type: 'text_to_speech', ...body.audio_generation };
  }

  const generationIds = Array.from({ length: itemsRequested(settings) }, newId);
  Object.assign(body, idFields(generationIds));

  validateBody(type, body, sources);
  return { body, generationIds };
}

/**
 * How many generations the inputs ask for (batch-size, else the request's
 * batch_size, on types that batch): known before the body is built, so that
 * ids can be derived and looked up first.
 */
export function itemsRequested(settings: Pick<Settings, 'type' | 'mapped' | 'request'>): number {
  const asked = settings.mapped['batch-size'] ?? settings.request?.batch_size;
  return BATCH_TYPES.includes(settings.type) && typeof asked === 'number' && Number.isInteger(asked) && asked > 1 && asked <= 8 ? asked : 1;
}

/** The body's id fields for these generation ids: generation_id for one, generation_ids for a batch. */
const idFields = (ids: string[]): Body => (ids.length > 1 ? { generation_ids: ids } : { generation_id: ids[0] });

/** The body under other generation ids (as many as it has items). */
export function withGenerationIds(body: Body, ids: string[]): Body {
  const { generation_id: _one, generation_ids: _many, ...rest } = body;
  return { ...rest, ...idFields(ids) };
}

/** The model the body names (slug or id), for the summary. */
export function modelOf(body: Body): string | undefined {
  return [body.model_slug, body.ai_model_id, body.model_id].find((m) => typeof m === 'string');
}

/** A warning for a model given as a UUID: it goes in a field the API has deprecated. */
export function modelIdWarning(model: string | undefined, body: Body): string | undefined {
  if (!model || !isUuid(model)) return undefined;
  // Resolved in the catalogue, a UUID is sent as the model's slug: nothing deprecated is sent then.
  const field = ['ai_model_id', 'model_id'].find((k) => body[k] === model.toLowerCase());
  if (field === undefined) return undefined;
  return `Input "model" is a model UUID, sent in the deprecated ${field} field. Hedra selects models by slug now (model_slug); GET /models lists them.`;
}
