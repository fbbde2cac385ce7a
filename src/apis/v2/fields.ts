// Per workflow input, the field of POST /generations each generation type
// sends it in. This table is the one place that knows the
// mapping: request building, "input not used by this type" errors and the
// error messages that translate a body path back to an input all read it.

import { GENERATION_TYPES, type GenerationType, type MappedInput } from '../../inputs/kinds.js';

/** A path into the request body, e.g. ['generated_video_inputs', 'text_prompt']. */
export type FieldPath = readonly string[];
const GVI = 'generated_video_inputs';
const VIDEO_LIKE = { video: [GVI], motion_control: [GVI] } as const;

function nested(prefix: Partial<Record<GenerationType, readonly string[]>>, leaf: string) {
  const out: Partial<Record<GenerationType, FieldPath>> = {};
  for (const [type, path] of Object.entries(prefix)) out[type as GenerationType] = [...path, leaf];
  return out;
}

export const INPUT_FIELDS: Record<MappedInput, Partial<Record<GenerationType, FieldPath>>> = {
  prompt: {
    ...nested(VIDEO_LIKE, 'text_prompt'),
    image: ['text_prompt'],
    image_to_image: ['text_prompt'],
    video_to_video: ['prompt'],
  },
  // On video, `text` with `voice-id` becomes server-side speech (audio_generation).
  text: { text_to_speech: ['text'], text_to_sound: ['text'], video: ['audio_generation', 'text'] },
  'voice-id': {
    text_to_speech: ['voice_id'],
    speech_to_speech: ['voice_id'],
    video: ['audio_generation', 'voice_id'],
  },
  // On video an https URL goes to start_keyframe_url instead (build.ts).
  image: {
    video: ['start_keyframe_id'],
    image: ['start_keyframe_id'],
    image_to_image: ['start_keyframe_id'],
    motion_control: ['start_keyframe_id'],
    image_upscale: ['image_id'],
  },
  'end-image': { video: ['end_keyframe_id'] },
  audio: {
    video: ['audio_id'],
    audio_isolation: ['audio_id'],
    speech_to_speech: ['audio_id'],
    voice_clone: ['audio_id'],
  },
  video: {
    video: ['video_id'],
    video_upscale: ['video_id'],
    video_to_video: ['video_id'],
    motion_control: ['video_id'],
  },
  resolution: {
    ...nested(VIDEO_LIKE, 'resolution'),
    image: ['resolution'],
    image_to_image: ['resolution'],
    image_upscale: ['target_resolution'],
    video_upscale: ['target_resolution'],
  },
  'aspect-ratio': {
    ...nested(VIDEO_LIKE, 'aspect_ratio'),
    image: ['aspect_ratio'],
    image_to_image: ['aspect_ratio'],
  },
  duration: { ...nested(VIDEO_LIKE, 'duration_ms'), text_to_sound: ['duration_seconds'] },
  seed: { ...nested(VIDEO_LIKE, 'seed'), image: ['seed'], image_to_image: ['seed'] },
  name: { video: ['name'], image: ['name'], image_to_image: ['name'], text_to_speech: ['name'], voice_clone: ['name'] },
  'batch-size': { video: ['batch_size'], image: ['batch_size'], image_to_image: ['batch_size'] },
  'reference-images': {
    video: ['reference_image_ids'],
    image: ['reference_image_ids'],
    image_to_image: ['reference_image_ids'],
    video_to_video: ['reference_image_asset_ids'],
  },
};

/** Where a model given as a UUID goes (the deprecated id field); a slug always goes to model_slug. */
export const MODEL_ID_FIELD: Partial<Record<GenerationType, string>> = {
  video: 'ai_model_id',
  image: 'ai_model_id',
  image_to_image: 'ai_model_id',
  text_to_speech: 'model_id',
  text_to_sound: 'ai_model_id',
  image_upscale: 'ai_model_id',
  video_upscale: 'ai_model_id',
  audio_isolation: 'ai_model_id',
  speech_to_speech: 'ai_model_id',
  video_to_video: 'ai_model_id',
  motion_control: 'ai_model_id',
};

/** Hedra Character-3, the schema's old default for video: sent when no model is chosen. */
export const DEFAULT_VIDEO_MODEL_ID = 'd1dd37a3-e39a-4854-a298-6510289f9cf2';

/** Types whose response carries batch_results and that accept batch_size. */
export const BATCH_TYPES: readonly GenerationType[] = ['video', 'image', 'image_to_image'];

/** Types that consume each input, for "input X is not used by type Y" messages. */
export function typesUsing(input: MappedInput | 'model'): GenerationType[] {
  const table = input === 'model' ? MODEL_ID_FIELD : INPUT_FIELDS[input];
  return GENERATION_TYPES.filter((t) => table[t] !== undefined);
}
