// Which workflow `type` names a v3 model, read from the model itself: its `modality` (what it makes:
// image, video, audio) and the fields of its input schema (what it takes). Never a fixed list of kinds v3
// is supposed to lack: Hedra adds model kinds with every spec (motion control in 3.9.0; upscalers, voice
// clones, audio isolation later). Pure. Design: docs/decisions/v3-kinds.md.
import { isObject } from '../../core/json.js';
import type { GenerationType } from '../../inputs/kinds.js';

/** What a model is, as far as the type check needs: its id and name, what it makes, its input fields. */
export interface ModelKind {
  id: string;
  name?: string;
  modality: string;
  /** The model's input schema's `properties`. */
  fields: Record<string, unknown>;
}

/** The media kind (media_type) a field takes, on the field or on its list's items or its branches. */
function mediaTypeOf(schema: unknown): string | undefined {
  if (!isObject(schema)) return undefined;
  if (typeof schema.media_type === 'string') return schema.media_type;
  for (const branch of [schema.items, ...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])]) {
    const found = mediaTypeOf(branch);
    if (found) return found;
  }
  return undefined;
}

/** Whether the model takes media of this kind in any field. */
const takes = (model: ModelKind, kind: string) => Object.values(model.fields).some((schema) => mediaTypeOf(schema) === kind);
const has = (model: ModelKind, ...fields: string[]) => fields.some((field) => Object.hasOwn(model.fields, field));
/** Its id or name says so (`topaz-image-upscaler`, "Kling 2.6 Motion Control"): for kinds whose fields are not unique to them. */
const named = (model: ModelKind, words: RegExp) => words.test(`${model.id} ${model.name ?? ''}`);

const UPSCALE = /upscal|super.?res/i;

/**
 * What a model must be for each type: its modality, and what its fields (or, where fields alone cannot
 * tell, its name) show. A type fits every model it describes: a motion-control model makes video, so
 * `type: video` fits it too; `type: motion_control` fits only a motion-control model.
 */
const KINDS: Record<GenerationType, { modality: string; fits: (model: ModelKind) => boolean; is: string }> = {
  video: { modality: 'video', fits: () => true, is: 'makes videos' },
  image: { modality: 'image', fits: () => true, is: 'makes images' },
  image_to_image: { modality: 'image', fits: (m) => takes(m, 'image'), is: 'makes images from images it takes' },
  text_to_speech: { modality: 'audio', fits: (m) => has(m, 'text', 'voice_id') && !takes(m, 'audio'), is: 'speaks a text (fields text and voice_id)' },
  text_to_sound: {
    modality: 'audio',
    fits: (m) => has(m, 'prompt', 'text') && !has(m, 'voice_id') && !takes(m, 'audio'),
    is: 'makes sounds from a prompt (no voice_id, no audio input)',
  },
  image_upscale: { modality: 'image', fits: (m) => takes(m, 'image') && (has(m, 'target_resolution') || named(m, UPSCALE)), is: 'upscales an image' },
  video_upscale: { modality: 'video', fits: (m) => takes(m, 'video') && (has(m, 'target_resolution') || named(m, UPSCALE)), is: 'upscales a video' },
  audio_isolation: {
    modality: 'audio',
    fits: (m) => takes(m, 'audio') && !has(m, 'voice_id', 'name', 'text') && named(m, /isolat|separat|denois|clean/i),
    is: 'isolates the voice of an audio',
  },
  speech_to_speech: {
    modality: 'audio',
    fits: (m) => takes(m, 'audio') && has(m, 'voice_id'),
    is: 'turns speech into another voice (an audio input and voice_id)',
  },
  voice_clone: { modality: 'audio', fits: (m) => takes(m, 'audio') && has(m, 'name') && !has(m, 'voice_id'), is: 'clones a voice (an audio input and a name)' },
  video_to_video: { modality: 'video', fits: (m) => takes(m, 'video'), is: 'transforms a video it takes' },
  motion_control: {
    modality: 'video',
    fits: (m) => has(m, 'character_orientation') || (named(m, /motion/i) && takes(m, 'video') && takes(m, 'image')),
    is: 'moves a character image as a driving video does, with a field character_orientation',
  },
};

/** The types from the narrowest to the widest: the first that fits a model says best what it is. */
const SPECIFIC_FIRST: GenerationType[] = [
  'motion_control',
  'image_upscale',
  'video_upscale',
  'voice_clone',
  'speech_to_speech',
  'audio_isolation',
  'text_to_speech',
  'text_to_sound',
  'image_to_image',
  'video_to_video',
  'image',
  'video',
];

const MODALITY_NOUNS: Record<string, string> = { image: 'images', video: 'videos', audio: 'audio' };

/** The types that fit the model, the most specific first (the plain `video`/`image` last). */
export function typesFitting(model: ModelKind): GenerationType[] {
  return SPECIFIC_FIRST.filter((type) => KINDS[type].modality === model.modality && KINDS[type].fits(model));
}

/**
 * Why `type` does not name this model, with what it makes and what to set (undefined when it fits):
 * `Input "type" is motion_control, but model kling-v3 makes videos and is not a motion_control model (one
 * that moves …). Set type: video or video_to_video, or leave "type" out: on v3 the model decides what is made.`
 */
export function typeProblem(type: GenerationType, model: ModelKind): string | undefined {
  const kind = KINDS[type];
  if (kind.modality === model.modality && kind.fits(model)) return undefined;
  const makes = MODALITY_NOUNS[model.modality] ?? model.modality;
  const fitting = typesFitting(model);
  const why = kind.modality === model.modality ? ` and is not a ${type} model (one that ${kind.is})` : `, not ${MODALITY_NOUNS[kind.modality]}`;
  const fix =
    fitting.length === 0
      ? 'Leave "type" out'
      : `Set type: ${fitting.length === 1 ? fitting[0] : `${fitting.slice(0, -1).join(', ')} or ${fitting.at(-1)}`}, or leave "type" out`;
  return `Input "type" is ${type}, but model ${model.id} makes ${makes}${why}. ${fix}: on v3 the model decides what is made.`;
}
