// The vocabulary of the workflow's inputs that every API maps from: the
// generation types `type` names, the media inputs with the kind of file each
// takes, and the typed inputs that become fields of a request. Which field
// each becomes is the API's business (src/apis/v2/fields.ts, src/apis/v3/input.ts).

export const GENERATION_TYPES = [
  'video',
  'image',
  'image_to_image',
  'text_to_speech',
  'text_to_sound',
  'image_upscale',
  'video_upscale',
  'audio_isolation',
  'speech_to_speech',
  'voice_clone',
  'video_to_video',
  'motion_control',
] as const;

export type GenerationType = (typeof GENERATION_TYPES)[number];

export function isGenerationType(value: string): value is GenerationType {
  return (GENERATION_TYPES as readonly string[]).includes(value);
}

/** What a media input's files are. */
export type AssetKind = 'image' | 'audio' | 'video';

/**
 * The media inputs: the kind of asset each takes, and whether it is a list
 * (one per line). Parsing, the file checks before upload and the asset type
 * of each upload all read this table.
 */
export const MEDIA_INPUTS = {
  image: { kind: 'image', list: false },
  'end-image': { kind: 'image', list: false },
  audio: { kind: 'audio', list: false },
  video: { kind: 'video', list: false },
  'reference-images': { kind: 'image', list: true },
} as const satisfies Record<string, { kind: AssetKind; list: boolean }>;

export type MediaInput = keyof typeof MEDIA_INPUTS;

export function isMediaInput(input: string): input is MediaInput {
  return Object.hasOwn(MEDIA_INPUTS, input);
}

/** The typed inputs that become fields of the request, in the order fields are set and problems reported in. */
export const MAPPED_INPUTS = [
  'prompt',
  'text',
  'voice-id',
  'image',
  'end-image',
  'audio',
  'video',
  'resolution',
  'aspect-ratio',
  'duration',
  'seed',
  'name',
  'batch-size',
  'reference-images',
] as const;

export type MappedInput = (typeof MAPPED_INPUTS)[number];
