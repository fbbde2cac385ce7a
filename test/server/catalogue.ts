// The model catalogue the test server answers GET /models with, shaped by the
// spec's AIModel, InputMode, InputSlot, Pricing and AIModelPrice schemas, and
// the checks and prices the server derives from it. Limits follow the vendor's
// own published model schemas (its v3 catalogue of 2026-08-03) where a model
// exists there; v2 slugs follow the spec's example form `vendor/model`.
// Written in erasable TypeScript so that Node runs it directly (npm run demo).

/** InputSlot, as the spec names its fields. */
export interface InputSlot {
  type: 'image' | 'video' | 'audio';
  role: string;
  required?: boolean;
  min_count?: number;
  max_count?: number;
  max_file_size_bytes?: number | null;
  min_dimension_px?: number | null;
  max_dimension_px?: number | null;
  min_duration_ms?: number | null;
  max_duration_ms?: number | null;
  max_total_duration_ms?: number | null;
}

export interface InputMode {
  mode: string;
  slots: InputSlot[];
}

/** Pricing: credits = ceil((base_cost + credits_per_second × duration_seconds) × product of modifiers). */
export interface Pricing {
  base_cost?: number | null;
  credits_per_second?: number | null;
  /** dimension → option → multiplier; only non-1.0 multipliers. */
  modifiers?: Record<string, Record<string, number>>;
}

/** One model as this server knows it. `durations_ms` is rendered as AIModel.durations (strings) in the form the behaviour asks for. */
export interface CatalogueModel {
  slug: string;
  id: string | null;
  name: string;
  description: string | null;
  /** AIModel.type: the generation type the model applies to. */
  type: string;
  aspect_ratios: string[] | null;
  resolutions: string[] | null;
  default_resolution: string | null;
  durations_ms: number[] | null;
  max_duration_ms: number | null;
  min_prompt_length: number | null;
  max_prompt_length: number | null;
  requires_start_frame: boolean;
  requires_end_frame: boolean;
  requires_audio_input: boolean;
  requires_input_video: boolean;
  requires_character_orientation: boolean;
  inputs: InputMode[] | null;
  pricing: Pricing | null;
  price_details: { credit_cost: number; unit_scale: number; billing_unit: string };
  eta_ms: number | null;
  tags: string[];
  premium: boolean;
  display_order: number;
  dimensions?: Record<string, Record<string, { width: number; height: number }>>;
}

/** Hedra Character-3: the default `ai_model_id` of Hedra's original video schema (removed as a default on 2026-07-23). */
export const CHARACTER_3_ID = 'd1dd37a3-e39a-4854-a298-6510289f9cf2';
/** No vendor material gives Character-3's v2 slug: this is the server's default guess (behaviour `characterThreeSlug`). */
export const CHARACTER_3_DEFAULT_SLUG = 'hedra/character-3';

const MiB = 1024 * 1024;
const seconds = (...s: number[]) => s.map((n) => n * 1000);
const noRequirements = {
  requires_start_frame: false,
  requires_end_frame: false,
  requires_audio_input: false,
  requires_input_video: false,
  requires_character_orientation: false,
};
const media = { aspect_ratios: null, resolutions: null, default_resolution: null, durations_ms: null, max_duration_ms: null };

const characterThree: CatalogueModel = {
  slug: CHARACTER_3_DEFAULT_SLUG,
  id: CHARACTER_3_ID,
  name: 'Hedra Character-3',
  description: 'Audio-driven talking and singing video from one image, up to 10 minutes.',
  type: 'video',
  aspect_ratios: ['1:1', '4:3', '3:4', '16:9', '9:16', '9:21', '21:9'],
  resolutions: ['540p', '720p', '1080p'],
  default_resolution: '540p',
  // As long as the audio: no fixed durations, only a maximum.
  durations_ms: null,
  max_duration_ms: 600_000,
  min_prompt_length: null,
  max_prompt_length: null,
  ...noRequirements,
  requires_start_frame: true,
  requires_audio_input: true,
  inputs: [
    {
      mode: 'audio_to_video',
      slots: [
        { type: 'image', role: 'start_frame', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 10 * MiB },
        {
          type: 'audio',
          role: 'audio_input',
          required: true,
          min_count: 1,
          max_count: 1,
          max_file_size_bytes: 100 * MiB,
          min_duration_ms: 500,
          max_duration_ms: 600_000,
        },
      ],
    },
  ],
  pricing: { base_cost: 0, credits_per_second: 6, modifiers: { resolution: { '540p': 0.5, '1080p': 2 } } },
  price_details: { credit_cost: 6, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 90_000,
  tags: ['avatar', 'lip-sync'],
  premium: false,
  display_order: 1,
};

const klingTurbo: CatalogueModel = {
  slug: 'kling/kling-2.5-turbo',
  id: '5b0f6c1e-8f3a-4d2b-9c41-2a7e6d9b3f10',
  name: 'Kling 2.5 Turbo',
  description: 'Fast text-to-video and image-to-video.',
  type: 'video',
  aspect_ratios: ['16:9', '9:16', '1:1'],
  resolutions: ['1080p'],
  default_resolution: '1080p',
  durations_ms: seconds(5, 10),
  max_duration_ms: 10_000,
  min_prompt_length: 1,
  max_prompt_length: 2500,
  ...noRequirements,
  inputs: [
    { mode: 'image_to_video', slots: [{ type: 'image', role: 'start_frame', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 10 * MiB }] },
  ],
  pricing: { base_cost: 0, credits_per_second: 14 },
  price_details: { credit_cost: 14, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 60_000,
  tags: ['text-to-video', 'image-to-video'],
  premium: true,
  display_order: 2,
};

const veoThree: CatalogueModel = {
  slug: 'google/veo-3',
  id: '7c2e9a44-1d6b-4f8e-a3c5-0b9d8e7f6a21',
  name: 'Veo 3',
  description: "Google's video model with native audio.",
  type: 'video',
  aspect_ratios: ['16:9', '9:16'],
  resolutions: ['720p', '1080p'],
  default_resolution: '720p',
  durations_ms: seconds(4, 6, 8),
  max_duration_ms: 8000,
  min_prompt_length: 1,
  max_prompt_length: 20_000,
  ...noRequirements,
  inputs: [
    { mode: 'image_to_video', slots: [{ type: 'image', role: 'start_frame', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 8_000_000 }] },
  ],
  pricing: { base_cost: 0, credits_per_second: 40, modifiers: { resolution: { '1080p': 1.5 }, generate_audio: { false: 0.5 } } },
  price_details: { credit_cost: 40, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 120_000,
  tags: ['text-to-video', 'audio'],
  premium: true,
  display_order: 3,
};

const wanImageToVideo: CatalogueModel = {
  slug: 'alibaba/wan-2.2-i2v',
  id: '3e8d1f7a-6b2c-4a9e-8d3f-5c1b0a9e8d32',
  name: 'Wan 2.2 Image-to-Video',
  description: 'Animates a still image.',
  type: 'video',
  aspect_ratios: ['16:9', '9:16', '1:1'],
  resolutions: ['480p', '720p'],
  default_resolution: '480p',
  durations_ms: seconds(5),
  max_duration_ms: 5000,
  min_prompt_length: null,
  max_prompt_length: 1500,
  ...noRequirements,
  requires_start_frame: true,
  inputs: [
    {
      mode: 'image_to_video',
      slots: [
        {
          type: 'image',
          role: 'start_frame',
          required: true,
          min_count: 1,
          max_count: 1,
          max_file_size_bytes: 10_000_000,
          min_dimension_px: 300,
          max_dimension_px: 4096,
        },
      ],
    },
  ],
  pricing: { base_cost: 0, credits_per_second: 8, modifiers: { resolution: { '720p': 1.5 } } },
  price_details: { credit_cost: 8, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 80_000,
  tags: ['image-to-video'],
  premium: false,
  display_order: 4,
};

const pixverseTransition: CatalogueModel = {
  slug: 'pixverse/pixverse-v5-transition',
  id: '9a1c3e5f-7b2d-4e6f-8a0c-1d3e5f7a9b43',
  name: 'PixVerse V5 Transition',
  description: 'A video from a first and a last frame.',
  type: 'video',
  aspect_ratios: ['16:9', '4:3', '1:1', '3:4', '9:16'],
  resolutions: ['360p', '540p', '720p', '1080p'],
  default_resolution: '540p',
  durations_ms: seconds(5, 8),
  max_duration_ms: 8000,
  min_prompt_length: 1,
  max_prompt_length: 2048,
  ...noRequirements,
  requires_start_frame: true,
  requires_end_frame: true,
  inputs: [
    {
      mode: 'first_last_frame_to_video',
      slots: [
        { type: 'image', role: 'start_frame', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 20_000_000 },
        { type: 'image', role: 'end_frame', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 20_000_000 },
      ],
    },
  ],
  pricing: { base_cost: 0, credits_per_second: 10, modifiers: { resolution: { '360p': 0.5, '1080p': 2 } } },
  price_details: { credit_cost: 10, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 70_000,
  tags: ['first-last-frame'],
  premium: true,
  display_order: 5,
};

const klingMotionControl: CatalogueModel = {
  slug: 'kling/kling-2.6-motion-control',
  id: '2f4a6c8e-0b1d-4f3a-9c5e-7a9b1d3f5e54',
  name: 'Kling 2.6 Motion Control',
  description: "Moves a character image the way a reference video's subject moves.",
  type: 'video',
  aspect_ratios: null,
  resolutions: ['720p', '1080p'],
  default_resolution: '720p',
  durations_ms: null,
  max_duration_ms: 30_000,
  min_prompt_length: null,
  max_prompt_length: 2500,
  ...noRequirements,
  requires_start_frame: true,
  requires_input_video: true,
  requires_character_orientation: true,
  inputs: [
    {
      mode: 'motion_control',
      slots: [
        { type: 'image', role: 'start_frame', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 10 * MiB, min_dimension_px: 340 },
        {
          type: 'video',
          role: 'input_video',
          required: true,
          min_count: 1,
          max_count: 1,
          max_file_size_bytes: 100 * MiB,
          min_duration_ms: 3000,
          max_duration_ms: 30_000,
        },
      ],
    },
  ],
  pricing: { base_cost: 0, credits_per_second: 16, modifiers: { resolution: { '1080p': 1.5 } } },
  price_details: { credit_cost: 16, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 150_000,
  tags: ['motion-control'],
  premium: true,
  display_order: 6,
};

const nanoBanana: CatalogueModel = {
  slug: 'google/nano-banana',
  id: '6d8f0a2c-4e6b-4d8f-a1c3-e5a7c9e1b365',
  name: 'Nano Banana',
  description: "Google's image generation and editing model.",
  type: 'image',
  ...media,
  aspect_ratios: ['16:9', '9:16', '1:1'],
  resolutions: ['1K', '2K', '4K'],
  default_resolution: '1K',
  min_prompt_length: 1,
  max_prompt_length: 5000,
  ...noRequirements,
  inputs: [
    { mode: 'reference_to_image', slots: [{ type: 'image', role: 'reference', required: false, min_count: 1, max_count: 3, max_file_size_bytes: 30_000_000 }] },
  ],
  pricing: { base_cost: 8, credits_per_second: 0, modifiers: { resolution: { '4K': 2 } } },
  price_details: { credit_cost: 8, unit_scale: 1, billing_unit: 'generation' },
  eta_ms: 15_000,
  tags: ['text-to-image', 'image-editing'],
  premium: false,
  display_order: 10,
  dimensions: {
    '16:9': { '1K': { width: 1344, height: 768 }, '2K': { width: 2688, height: 1536 }, '4K': { width: 5376, height: 3072 } },
    '9:16': { '1K': { width: 768, height: 1344 }, '2K': { width: 1536, height: 2688 }, '4K': { width: 3072, height: 5376 } },
    '1:1': { '1K': { width: 1024, height: 1024 }, '2K': { width: 2048, height: 2048 }, '4K': { width: 4096, height: 4096 } },
  },
};

const imagenFour: CatalogueModel = {
  slug: 'google/imagen-4',
  id: '8e0a2c4e-6a8c-4e0a-b2d4-f6a8c0e2d476',
  name: 'Imagen 4',
  description: 'Text-to-image only.',
  type: 'image',
  ...media,
  aspect_ratios: ['16:9', '9:16', '4:3', '3:4', '1:1'],
  resolutions: ['1K', '2K'],
  default_resolution: '1K',
  min_prompt_length: 1,
  max_prompt_length: 5000,
  ...noRequirements,
  inputs: null,
  pricing: { base_cost: 6, credits_per_second: 0, modifiers: { resolution: { '2K': 1.5 } } },
  price_details: { credit_cost: 6, unit_scale: 1, billing_unit: 'generation' },
  eta_ms: 10_000,
  tags: ['text-to-image'],
  premium: false,
  display_order: 11,
};

const elevenMultilingual: CatalogueModel = {
  slug: 'elevenlabs/multilingual-v2',
  id: '1b3d5f7a-9c1e-4b3d-8f5a-7c9e1b3d5f87',
  name: 'ElevenLabs Multilingual v2',
  description: 'Text to speech in 29 languages.',
  type: 'text_to_speech',
  ...media,
  min_prompt_length: 1,
  max_prompt_length: 10_000,
  ...noRequirements,
  inputs: null,
  // Billed per character: the Pricing formula has no term for it, so only price_details says.
  pricing: null,
  price_details: { credit_cost: 1, unit_scale: 100, billing_unit: 'character' },
  eta_ms: 5000,
  tags: ['speech'],
  premium: false,
  display_order: 20,
};

const soundEffects: CatalogueModel = {
  slug: 'elevenlabs/sound-effects-v2',
  // A code-backed model: no `ai_models` row, so no id (the spec allows null).
  id: null,
  name: 'ElevenLabs Sound Effects v2',
  description: 'Sound effects from a description.',
  type: 'text_to_sound',
  ...media,
  durations_ms: null,
  max_duration_ms: 22_000,
  min_prompt_length: 1,
  max_prompt_length: 450,
  ...noRequirements,
  inputs: null,
  pricing: { base_cost: 2, credits_per_second: 0 },
  price_details: { credit_cost: 2, unit_scale: 1, billing_unit: 'generation' },
  eta_ms: 8000,
  tags: ['sound'],
  premium: false,
  display_order: 21,
};

const imageUpscale: CatalogueModel = {
  slug: 'topaz/image-upscale',
  id: '4c6e8a0c-2e4a-4c6e-9a0c-2e4a6c8e0a98',
  name: 'Topaz Image Upscale',
  description: null,
  type: 'image_upscale',
  ...media,
  resolutions: ['2K', '4K'],
  default_resolution: '4K',
  min_prompt_length: null,
  max_prompt_length: null,
  ...noRequirements,
  inputs: [
    {
      mode: 'upscale',
      slots: [{ type: 'image', role: 'input_image', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 30_000_000, max_dimension_px: 4096 }],
    },
  ],
  pricing: { base_cost: 4, credits_per_second: 0 },
  price_details: { credit_cost: 4, unit_scale: 1, billing_unit: 'generation' },
  eta_ms: 20_000,
  tags: ['upscale'],
  premium: false,
  display_order: 30,
};

const videoUpscale: CatalogueModel = {
  slug: 'topaz/video-upscale',
  id: '0d2f4b6d-8f0b-4d2f-b4d6-8f0b2d4f6b09',
  name: 'Topaz Video Upscale',
  description: null,
  type: 'video_upscale',
  ...media,
  resolutions: ['1080p', '4K'],
  default_resolution: '1080p',
  max_duration_ms: 60_000,
  min_prompt_length: null,
  max_prompt_length: null,
  ...noRequirements,
  requires_input_video: true,
  inputs: [
    {
      mode: 'upscale',
      slots: [{ type: 'video', role: 'input_video', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 500 * MiB, max_duration_ms: 60_000 }],
    },
  ],
  pricing: { base_cost: 0, credits_per_second: 3 },
  price_details: { credit_cost: 3, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 60_000,
  tags: ['upscale'],
  premium: false,
  display_order: 31,
};

const audioIsolation: CatalogueModel = {
  slug: 'elevenlabs/audio-isolation',
  id: '5e7a9c1e-3a5c-4e7a-8c1e-3a5c7e9a1c10',
  name: 'ElevenLabs Voice Isolator',
  description: 'Removes background noise from speech.',
  type: 'audio_isolation',
  ...media,
  min_prompt_length: null,
  max_prompt_length: null,
  ...noRequirements,
  requires_audio_input: true,
  inputs: [
    {
      mode: 'audio_isolation',
      slots: [{ type: 'audio', role: 'audio_input', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 100 * MiB, max_duration_ms: 3_600_000 }],
    },
  ],
  pricing: { base_cost: 0, credits_per_second: 1 },
  price_details: { credit_cost: 1, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 10_000,
  tags: ['audio'],
  premium: false,
  display_order: 40,
};

const speechToSpeech: CatalogueModel = {
  slug: 'elevenlabs/multilingual-sts-v2',
  id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  name: 'ElevenLabs Speech-to-Speech',
  description: 'Re-voices a recording.',
  type: 'speech_to_speech',
  ...media,
  min_prompt_length: null,
  max_prompt_length: null,
  ...noRequirements,
  requires_audio_input: true,
  inputs: [
    {
      mode: 'speech_to_speech',
      slots: [{ type: 'audio', role: 'audio_input', required: true, min_count: 1, max_count: 1, max_file_size_bytes: 50 * MiB, max_duration_ms: 300_000 }],
    },
  ],
  pricing: { base_cost: 0, credits_per_second: 1 },
  price_details: { credit_cost: 1, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 10_000,
  tags: ['audio'],
  premium: false,
  display_order: 41,
};

const videoToVideo: CatalogueModel = {
  slug: 'kling/kling-o1-video-edit',
  id: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
  name: 'Kling O1 Video Edit',
  description: 'Edits a video from a prompt and reference images.',
  type: 'video_to_video',
  ...media,
  max_duration_ms: 10_000,
  min_prompt_length: 1,
  max_prompt_length: 2500,
  ...noRequirements,
  requires_input_video: true,
  inputs: [
    {
      mode: 'video_to_video',
      slots: [
        {
          type: 'video',
          role: 'input_video',
          required: true,
          min_count: 1,
          max_count: 1,
          max_file_size_bytes: 500 * MiB,
          min_duration_ms: 3000,
          max_duration_ms: 10_000,
        },
        { type: 'image', role: 'reference', required: false, min_count: 1, max_count: 4, max_file_size_bytes: 10 * MiB },
      ],
    },
  ],
  pricing: { base_cost: 0, credits_per_second: 20 },
  price_details: { credit_cost: 20, unit_scale: 1, billing_unit: 'second' },
  eta_ms: 180_000,
  tags: ['video-editing'],
  premium: true,
  display_order: 50,
};

/** The catalogue, by a short name for tests. Character-3's slug here is the default; the server answers behaviour.characterThreeSlug. */
export const CATALOGUE = {
  characterThree,
  klingTurbo,
  veoThree,
  wanImageToVideo,
  pixverseTransition,
  klingMotionControl,
  nanoBanana,
  imagenFour,
  elevenMultilingual,
  soundEffects,
  imageUpscale,
  videoUpscale,
  audioIsolation,
  speechToSpeech,
  videoToVideo,
} as const satisfies Record<string, CatalogueModel>;

export const CATALOGUE_MODELS: readonly CatalogueModel[] = Object.values(CATALOGUE);

/** How AIModel.durations (strings) are written: undocumented, so each plausible form. */
export type DurationForm = 'seconds-suffix' | 'milliseconds' | 'seconds';

export function durationString(ms: number, form: DurationForm): string {
  if (form === 'milliseconds') return String(ms);
  return form === 'seconds' ? String(ms / 1000) : `${ms / 1000}s`;
}

export interface RenderOptions {
  /** Character-3's slug; null answers `"slug": null` (which the spec, requiring a string, does not allow). */
  characterThreeSlug: string | null;
  durations: DurationForm;
}

/** Character-3's slug as the server currently answers it. */
export function slugOf(model: CatalogueModel, options: Pick<RenderOptions, 'characterThreeSlug'>): string | null {
  return model.id === CHARACTER_3_ID ? options.characterThreeSlug : model.slug;
}

/** A model as GET /models answers it (AIModel). */
export function modelAnswer(model: CatalogueModel, options: RenderOptions): Record<string, unknown> {
  const { durations_ms, ...rest } = model;
  return {
    ...rest,
    slug: slugOf(model, options),
    durations: durations_ms?.map((ms) => durationString(ms, options.durations)) ?? null,
    custom_resolution: false,
    logo_url: null,
  };
}

/** The catalogue type a generation type's models carry: motion control is a video model, image_to_image an image model. */
export function catalogueType(generationType: string): string {
  if (generationType === 'motion_control') return 'video';
  if (generationType === 'image_to_image') return 'image';
  return generationType;
}

/** The model a create request names, by model_slug, else by ai_model_id / model_id (deprecated UUID fields). */
export function namedModel(request: Record<string, any>, options: Pick<RenderOptions, 'characterThreeSlug'>): { model?: CatalogueModel; name?: string } {
  const slug: string | undefined = request.model_slug ?? undefined;
  if (slug !== undefined) return { model: CATALOGUE_MODELS.find((m) => slugOf(m, options) === slug), name: slug };
  const id: string | undefined = request.ai_model_id ?? request.model_id ?? undefined;
  if (id !== undefined) return { model: CATALOGUE_MODELS.find((m) => m.id === id), name: id };
  return {};
}

/** The model a request is priced by: the one it names, else the type's default (Character-3 for video, else the type's first model). */
export function pricedModel(request: Record<string, any>, options: Pick<RenderOptions, 'characterThreeSlug'>): CatalogueModel | undefined {
  const named = namedModel(request, options);
  if (named.name !== undefined) return named.model;
  const type = catalogueType(request.type ?? 'video');
  if (type === 'video' && (request.type ?? 'video') === 'video') return characterThree;
  return CATALOGUE_MODELS.find((m) => m.type === type);
}

/** The output duration a request asks for, in seconds (0 when it does not say and the model has no default). */
export function requestedSeconds(model: CatalogueModel, request: Record<string, any>): number {
  // The spec: with multi_prompt, "total duration is the sum of shot durations".
  const shots: { duration_ms: number }[] | undefined = request.generated_video_inputs?.multi_prompt ?? undefined;
  if (shots?.length) return shots.reduce((sum, shot) => sum + shot.duration_ms, 0) / 1000;
  const ms: number | undefined =
    request.generated_video_inputs?.duration_ms ?? (request.duration_seconds != null ? request.duration_seconds * 1000 : undefined);
  if (ms != null) return ms / 1000;
  if (model.durations_ms?.length) return model.durations_ms[0] / 1000;
  // Audio-driven or input-driven length the server cannot know: 10 s.
  return model.pricing?.credits_per_second ? 10 : 0;
}

/**
 * The price of one item of a request, in credits, per the spec's Pricing:
 * ceil((base_cost + credits_per_second × duration_seconds) × product of modifiers),
 * the modifiers being those of the request's resolution and generate_audio.
 * Character-billed models (pricing null) use price_details: credit_cost per unit_scale characters.
 */
export function itemPrice(model: CatalogueModel, request: Record<string, any>): number {
  const details = model.price_details;
  if (!model.pricing) {
    if (details.billing_unit === 'character') {
      const text: string = request.text ?? request.text_prompt ?? '';
      return Math.ceil(text.length / details.unit_scale) * details.credit_cost;
    }
    if (details.billing_unit === 'second') return Math.ceil((requestedSeconds(model, request) / details.unit_scale) * details.credit_cost);
    return details.credit_cost;
  }
  const { base_cost, credits_per_second, modifiers = {} } = model.pricing;
  const inputs = request.generated_video_inputs ?? request;
  const options: Record<string, string | undefined> = {
    resolution: inputs.resolution ?? request.target_resolution ?? model.default_resolution ?? undefined,
    generate_audio: inputs.generate_audio == null ? undefined : String(inputs.generate_audio),
  };
  let factor = 1;
  for (const [dimension, choices] of Object.entries(modifiers)) {
    const choice = options[dimension];
    if (choice !== undefined && choices[choice] !== undefined) factor *= choices[choice];
  }
  const raw = ((base_cost ?? 0) + (credits_per_second ?? 0) * requestedSeconds(model, request)) * factor;
  return Math.ceil(raw - 1e-9);
}

/** The number of items a create makes (batch_size where the type has batches). */
export function itemCount(request: Record<string, any>): number {
  return request.generation_ids?.length ?? request.batch_size ?? 1;
}

/** What a request costs in all, in credits: 0 for a model the catalogue does not know. */
export function priceOf(
  request: Record<string, any>,
  options: Pick<RenderOptions, 'characterThreeSlug'> = { characterThreeSlug: CHARACTER_3_DEFAULT_SLUG },
): number {
  const model = pricedModel(request, options);
  return model ? itemPrice(model, request) * itemCount(request) : 0;
}

/** One problem with a request against the model it names, as FastAPI reports a validation error. */
export interface ModelProblem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

const PROMPT_FIELD: Record<string, (string | number)[]> = {
  video: ['generated_video_inputs', 'text_prompt'],
  motion_control: ['generated_video_inputs', 'text_prompt'],
  image: ['text_prompt'],
  image_to_image: ['text_prompt'],
  text_to_speech: ['text'],
  text_to_sound: ['text'],
  video_to_video: ['prompt'],
};

function at(body: Record<string, any>, path: (string | number)[]): any {
  let value: any = body;
  for (const key of path) value = value?.[key];
  return value;
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Every check the catalogue allows on a create body against the model it
 * names (the spec: the slots' limits are "enforced, not advisory"): the model's
 * type, aspect ratio, resolution, duration, prompt length, required inputs
 * and reference-image counts. File size and pixel bounds apply when a file
 * enters the system (asset rows store no byte size), so not here.
 */
export function modelProblems(model: CatalogueModel, request: Record<string, any>, options: Pick<RenderOptions, 'characterThreeSlug'>): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const type: string = request.type ?? 'video';
  const slug = slugOf(model, options) ?? model.id ?? model.name;
  const field = request.model_slug != null ? 'model_slug' : request.ai_model_id != null ? 'ai_model_id' : 'model_id';
  if (model.type !== catalogueType(type)) {
    problems.push({
      type: 'value_error',
      loc: ['body', field],
      msg: `Model '${slug}' is a ${model.type} model; it cannot be used for a ${type} generation`,
      input: request[field],
    });
    return problems;
  }
  const videoLike = type === 'video' || type === 'motion_control';
  const settings = videoLike ? ['generated_video_inputs'] : [];
  const problem = (path: (string | number)[], msg: string) => problems.push({ type: 'value_error', loc: ['body', ...path], msg, input: at(request, path) });

  if (videoLike || type === 'image' || type === 'image_to_image') {
    const aspect = at(request, [...settings, 'aspect_ratio']);
    if (aspect != null && model.aspect_ratios && !model.aspect_ratios.includes(aspect)) {
      problem([...settings, 'aspect_ratio'], `Aspect ratio '${aspect}' is not offered by ${slug}; allowed: ${list(model.aspect_ratios)}`);
    }
    const resolution = at(request, [...settings, 'resolution']);
    if (resolution != null && model.resolutions && !model.resolutions.includes(resolution)) {
      problem([...settings, 'resolution'], `Resolution '${resolution}' is not offered by ${slug}; allowed: ${list(model.resolutions)}`);
    }
  }
  const durationPath = videoLike ? ['generated_video_inputs', 'duration_ms'] : ['duration_seconds'];
  const durationMs = videoLike ? at(request, durationPath) : request.duration_seconds != null ? request.duration_seconds * 1000 : undefined;
  if (durationMs != null) {
    if (model.durations_ms && !model.durations_ms.includes(durationMs)) {
      problem(durationPath, `Duration ${durationMs} ms is not offered by ${slug}; allowed: ${model.durations_ms.join(', ')} ms`);
    } else if (model.max_duration_ms != null && durationMs > model.max_duration_ms) {
      problem(durationPath, `Duration ${durationMs} ms is longer than ${slug} allows (${model.max_duration_ms} ms)`);
    }
  }
  const promptPath = PROMPT_FIELD[type];
  const prompt = promptPath ? at(request, promptPath) : undefined;
  if (typeof prompt === 'string') {
    if (model.min_prompt_length != null && prompt.length < model.min_prompt_length) {
      problem(promptPath, `Prompt is shorter than ${slug} allows (${prompt.length} < ${model.min_prompt_length} characters)`);
    }
    if (model.max_prompt_length != null && prompt.length > model.max_prompt_length) {
      problem(promptPath, `Prompt is longer than ${slug} allows (${prompt.length} > ${model.max_prompt_length} characters)`);
    }
  }
  if (videoLike) {
    if (model.requires_start_frame && request.start_keyframe_id == null && request.start_keyframe_url == null) {
      problem(['start_keyframe_id'], `${slug} requires a start frame (start_keyframe_id)`);
    }
    if (model.requires_end_frame && request.end_keyframe_id == null && request.end_keyframe_url == null) {
      problem(['end_keyframe_id'], `${slug} requires an end frame (end_keyframe_id)`);
    }
    if (model.requires_audio_input && request.audio_id == null && request.audio_generation == null) {
      problem(['audio_id'], `${slug} requires audio (audio_id or audio_generation)`);
    }
    if (model.requires_input_video && request.video_id == null) problem(['video_id'], `${slug} requires an input video (video_id)`);
    if (model.requires_character_orientation && request.generated_video_inputs?.character_orientation == null) {
      problem(['generated_video_inputs', 'character_orientation'], `${slug} requires a character orientation ('video' or 'image')`);
    }
  }
  const referenceField = type === 'video_to_video' ? 'reference_image_asset_ids' : 'reference_image_ids';
  const references: unknown[] | undefined = request[referenceField] ?? undefined;
  if (references?.length) {
    const slots = (model.inputs ?? []).flatMap((m) => m.slots).filter((s) => s.type === 'image' && s.role === 'reference');
    if (slots.length === 0) problem([referenceField], `${slug} takes no reference images`);
    else {
      const max = Math.max(...slots.map((s) => s.max_count ?? 1));
      const min = Math.min(...slots.map((s) => s.min_count ?? 1));
      if (references.length > max) problem([referenceField], `${slug} takes at most ${max} reference images (${references.length} given)`);
      if (references.length < min) problem([referenceField], `${slug} takes at least ${min} reference images (${references.length} given)`);
    }
  }
  return problems;
}

/**
 * Nonsense prices the catalogue can advertise while the server still charges the real ones (behaviour
 * advertisedPricing): a per-second rate below zero or spelled in words, every modifier ×0 or not a number,
 * or a model priced at nothing at all (0 base, 0 per second, credit_cost 0).
 */
export type HostilePricing = 'negative-per-second' | 'words-per-second' | 'zero-modifier' | 'words-modifier' | 'zero';

/** A model's catalogue answer with its price made nonsense by `mode` (the answer breaks the spec, as a hostile one does). */
export function hostilePrice(answer: Record<string, unknown>, mode: HostilePricing): Record<string, unknown> {
  const pricing = answer.pricing as Pricing | null;
  if (!pricing) return mode === 'zero' ? { ...answer, price_details: { ...(answer.price_details as object), credit_cost: 0 } } : answer;
  const everyModifier = (value: unknown) =>
    Object.fromEntries(
      Object.entries(pricing.modifiers ?? {}).map(([dimension, options]) => [dimension, Object.fromEntries(Object.keys(options).map((o) => [o, value]))]),
    );
  const changed: Record<HostilePricing, Record<string, unknown>> = {
    'negative-per-second': { credits_per_second: -(pricing.credits_per_second ?? 0) },
    'words-per-second': { credits_per_second: `${pricing.credits_per_second ?? 0} credits` },
    'zero-modifier': { modifiers: everyModifier(0) },
    'words-modifier': { modifiers: everyModifier('double') },
    zero: { base_cost: 0, credits_per_second: 0 },
  };
  return { ...answer, pricing: { ...pricing, ...changed[mode] } };
}
