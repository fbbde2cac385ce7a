// zod schemas of the request bodies of POST /generations, one per type,
// written from openapi-v2.json (test/unit/schemas-vs-spec.test.ts keeps the
// field names and required sets in step with the spec). They are strict:
// a field the spec does not have is an error here, although the server would
// silently drop it, because a silently dropped `duraton_ms` is a paid
// generation with the wrong duration.

import { z } from 'zod';
import type { GenerationType } from '../../inputs/kinds.js';

const uuid = () => z.guid();
const url = () => z.url().min(1).max(2083);
const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const LANGUAGES = [
  'Chinese',
  'Chinese,Yue',
  'English',
  'Arabic',
  'Russian',
  'Spanish',
  'French',
  'Portuguese',
  'German',
  'Turkish',
  'Dutch',
  'Ukrainian',
  'Vietnamese',
  'Indonesian',
  'Japanese',
  'Italian',
  'Korean',
  'Thai',
  'Polish',
  'Romanian',
  'Greek',
  'Czech',
  'Finnish',
  'Hindi',
  'Bulgarian',
  'Danish',
  'Hebrew',
  'Malay',
  'Persian',
  'Slovak',
  'Swedish',
  'Croatian',
  'Filipino',
  'Hungarian',
  'Norwegian',
  'Slovenian',
  'Catalan',
  'Nynorsk',
  'Tamil',
  'Afrikaans',
  'auto',
] as const;

/** Fields every variant has: ids the client may reserve and the workspace. */
const common = {
  workspace_id: opt(z.string()),
  agent_thread_id: opt(uuid()),
  generation_id: opt(uuid()),
  generation_ids: opt(z.array(uuid())),
  reserved_asset_id: opt(uuid()),
  reserved_asset_ids: opt(z.array(uuid())),
};
const modelFields = { ai_model_id: opt(uuid()), model_slug: opt(z.string()) };
const name = opt(z.string().max(255));
const batchSize = z.int().min(1).max(8).optional();

const normalizedPoint = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);

const videoShot = z.strictObject({
  prompt: z.string(),
  duration_ms: z.int().min(3000).max(15000),
});

const generatedVideoInputs = z.strictObject({
  text_prompt: z.string(),
  ...modelFields,
  resolution: opt(z.string()),
  aspect_ratio: opt(z.string()),
  duration_ms: opt(z.int()),
  generate_audio: opt(z.boolean()),
  seed: opt(z.int()),
  negative_prompt: opt(z.string()),
  bounding_box_target: opt(z.union([normalizedPoint, z.array(normalizedPoint)])),
  character_orientation: opt(z.enum(['video', 'image'])),
  enhance_prompt: z.boolean().optional(),
  multi_prompt: opt(z.array(videoShot)),
  shot_type: opt(z.literal('customize')),
  cfg_scale: opt(z.number()),
});

const textToSpeechFields = {
  ...common,
  name,
  voice_id: uuid(),
  model_id: opt(uuid()),
  model_slug: opt(z.string()),
  text: z.string(),
  stability: z.number().min(0).max(1).optional(),
  speed: z.number().min(0.7).max(1.2).optional(),
  language: z.enum(LANGUAGES).optional(),
};

const textToSpeech = z.strictObject({ type: z.literal('text_to_speech'), ...textToSpeechFields });

const video = z.strictObject({
  ...common,
  type: z.literal('video'),
  name,
  ...modelFields,
  start_keyframe_id: opt(uuid()),
  start_keyframe_url: opt(url()),
  end_keyframe_id: opt(uuid()),
  end_keyframe_url: opt(url()),
  audio_id: opt(z.union([uuid(), z.array(uuid())])),
  // Nested speech request: the spec gives it the full text_to_speech body, type included.
  audio_generation: opt(z.strictObject({ type: z.literal('text_to_speech').optional(), ...textToSpeechFields })),
  audio_start_ms: opt(z.int()),
  reference_audio_ids: opt(z.array(uuid())),
  reference_image_ids: opt(z.array(uuid())),
  reference_video_ids: opt(z.array(uuid())),
  video_id: opt(uuid()),
  generated_video_inputs: generatedVideoInputs,
  batch_size: batchSize,
});

const imageFields = {
  ...common,
  name,
  text_prompt: z.string(),
  aspect_ratio: opt(z.string()),
  resolution: opt(z.string()),
  output_format: opt(z.string()),
  start_keyframe_id: opt(uuid()),
  ...modelFields,
  reference_image_ids: opt(z.array(uuid())),
  batch_size: batchSize,
  enhance_prompt: z.boolean().optional(),
  seed: opt(z.int()),
  negative_prompt: opt(z.string()),
  guidance_scale: opt(z.number()),
  num_inference_steps: opt(z.int()),
};

const upscaleFields = { ...common, ...modelFields, target_resolution: opt(z.string()), upscale_factor: opt(z.number()) };

export const REQUEST_SCHEMAS = {
  video,
  image: z.strictObject({ type: z.literal('image'), ...imageFields }),
  image_to_image: z.strictObject({ type: z.literal('image_to_image'), ...imageFields }),
  text_to_speech: textToSpeech,
  text_to_sound: z.strictObject({
    ...common,
    type: z.literal('text_to_sound'),
    ...modelFields,
    text: z.string().min(1),
    duration_seconds: opt(z.number().min(0.5).max(30)),
    prompt_influence: opt(z.number().min(0).max(1)),
    loop: opt(z.boolean()),
    output_format: opt(z.string()),
  }),
  image_upscale: z.strictObject({ type: z.literal('image_upscale'), image_id: uuid(), ...upscaleFields }),
  video_upscale: z.strictObject({ type: z.literal('video_upscale'), video_id: uuid(), ...upscaleFields }),
  audio_isolation: z.strictObject({ ...common, type: z.literal('audio_isolation'), audio_id: uuid(), ...modelFields }),
  speech_to_speech: z.strictObject({
    ...common,
    type: z.literal('speech_to_speech'),
    audio_id: uuid(),
    ...modelFields,
    voice_id: uuid(),
  }),
  voice_clone: z.strictObject({ ...common, type: z.literal('voice_clone'), audio_id: uuid(), name: z.string() }),
  video_to_video: z.strictObject({
    ...common,
    type: z.literal('video_to_video'),
    ...modelFields,
    video_id: uuid(),
    prompt: z.string(),
    reference_image_asset_ids: opt(z.array(uuid())),
    elements: opt(
      z.array(
        z.strictObject({
          frontal_image_asset_id: uuid(),
          reference_image_asset_ids: opt(z.array(uuid())),
        }),
      ),
    ),
    keep_audio: z.boolean().optional(),
  }),
  motion_control: z.strictObject({
    ...common,
    type: z.literal('motion_control'),
    ...modelFields,
    video_id: uuid(),
    start_keyframe_id: uuid(),
    generated_video_inputs: generatedVideoInputs,
  }),
} satisfies Record<GenerationType, z.ZodType>;
