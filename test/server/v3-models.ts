// The v3 test server's catalogue beyond spec 3.9.0, and the model-kind behaviours Hedra's later builds
// show (../shared/hedra-api/README.md, "v3: what changed after 3.9.0"; hedra-node's generated types):
//  - models the 3.9.0 document lacks, written into the in-memory document in its own form (an Input_<id>
//    schema, a SubmitBody_<id>, a POST /models/<id> operation), so that the server validates and checks
//    them like every other model: `topaz-image-upscaler` (source_image + target_resolution) and
//    `elevenlabs-voice-clone` (audio + name), whose output is a voice, not a media file;
//  - a voice output in each plausible form (its form is undocumented);
//  - GET /models in pages ({data, next_cursor}, `cursor` for the next);
//  - media given as any public https URL ({"source": "url"}), accepted or refused (the documents disagree).
// Motion control, hedra-character-3's audio list and seedance-25's duration_ms -1 are in 3.9.0 itself.

type Json = Record<string, any>;

/** A model the 3.9.0 document lacks, as Hedra's later builds show it. */
interface LaterModel {
  id: string;
  name: string;
  description: string;
  modality: 'image' | 'video' | 'audio';
  /** What a job makes: a media file (as every 3.9.0 model), or a voice (`voice_…`). */
  output: 'media' | 'voice';
  /** The Input_<id> schema; `media(…)` stands for a media reference field. */
  input: (media: (extra: Json) => Json) => Json;
}

const NUM_OUTPUTS = { default: 1, description: 'Number of outputs generated per job. Only 1 is supported.', type: 'integer', enum: [1] };

export const LATER_MODELS: LaterModel[] = [
  {
    id: 'topaz-image-upscaler',
    name: 'Topaz Image Upscaler',
    description: 'Upscale an image to a higher resolution with Topaz, keeping its detail.',
    modality: 'image',
    output: 'media',
    input: (media) => ({
      description: 'Model-specific inputs for `topaz-image-upscaler`.',
      type: 'object',
      properties: {
        num_outputs: NUM_OUTPUTS,
        source_image: media({
          description: 'Source image to upscale. At most 30 MB.',
          media_type: 'image',
          role: 'source_image',
          max_file_size_bytes: 31457280,
        }),
        target_resolution: { description: 'Resolution to upscale to.', enum: ['2K', '4K', '8K'], type: 'string' },
      },
      required: ['source_image', 'target_resolution'],
      additionalProperties: false,
    }),
  },
  {
    id: 'elevenlabs-voice-clone',
    name: 'ElevenLabs Voice Clone',
    description: 'Clone a voice from a sample recording; the output is a voice to speak with, not a media file.',
    modality: 'audio',
    output: 'voice',
    input: (media) => ({
      description: 'Model-specific inputs for `elevenlabs-voice-clone`.',
      type: 'object',
      properties: {
        num_outputs: NUM_OUTPUTS,
        audio: media({
          description: 'Sample recording of the voice. From 1s to 300s and at most 10.4 MB.',
          media_type: 'audio',
          role: 'audio_input',
          min_duration_ms: 1000,
          max_duration_ms: 300000,
          max_file_size_bytes: 10485760,
        }),
        name: { description: 'Name of the cloned voice.', minLength: 1, maxLength: 100, pattern: '[^\\s\\x1C-\\x1F]', type: 'string' },
        remove_background_noise: { default: false, description: 'Remove background noise from the sample first.', type: 'boolean' },
      },
      required: ['audio', 'name'],
      additionalProperties: false,
    }),
  },
];

const schemaSuffix = (id: string) => id.replace(/[-.]/g, '_');

/**
 * Writes the later models into the document (in memory), in its own form, taking the shapes every model
 * shares (the media reference, the SubmitBody, the operation) from a 3.9.0 model. Marks each operation
 * with `x-modality` and `x-output`, which the document has no field for.
 */
export function withLaterModels(spec: Json): Json {
  const schemas = spec.components.schemas;
  const template = spec.paths['/models/kling-26-motion-control'].post;
  const mediaRef = schemas.Input_kling_26_motion_control.properties.start_image;
  const media = (extra: Json) => ({ discriminator: mediaRef.discriminator, oneOf: mediaRef.oneOf, ...extra });
  const generic = String(template.description).split('\n\n').slice(1).join('\n\n');
  for (const model of LATER_MODELS) {
    const suffix = schemaSuffix(model.id);
    schemas[`Input_${suffix}`] = model.input(media);
    schemas[`SubmitBody_${suffix}`] = {
      ...schemas.SubmitBody_kling_26_motion_control,
      properties: { ...schemas.SubmitBody_kling_26_motion_control.properties, input: { $ref: `#/components/schemas/Input_${suffix}` } },
    };
    spec.paths[`/models/${model.id}`] = {
      post: {
        ...template,
        operationId: `submit_${suffix}`,
        summary: `Run ${model.name} (${model.id})`,
        description: `${model.description}\n\n${generic}`,
        requestBody: { ...template.requestBody, content: { 'application/json': { schema: { $ref: `#/components/schemas/SubmitBody_${suffix}` } } } },
        'x-modality': model.modality,
        'x-output': model.output,
      },
    };
  }
  return spec;
}

// ------------------------------------------------------------ voice outputs

/**
 * Where a voice output carries its voice (undocumented): `voice_id` on the output item (url and asset_id
 * null); the item's `asset_id` itself (`voice_…`); or the result's own `voice_id`, with no output item.
 */
export type VoiceForm = 'voice_id' | 'asset_id' | 'result';

/** The voice a voice-clone job made: an id of its own, derived from the job's (opaque, as Hedra's are). */
export const voiceOfJob = (jobId: string) => `voice_${jobId.slice('job_'.length).replace(/-/g, '').slice(0, 24)}`;

/** The outputs of a completed voice job, in the form asked. */
export function voiceOutputs(form: VoiceForm, jobId: string): Json[] {
  if (form === 'result') return [];
  const voice = voiceOfJob(jobId);
  const empty = { status: 'COMPLETED', url: null, content_type: null, width: null, height: null, duration_ms: null, fps: null, error: null };
  return [form === 'asset_id' ? { ...empty, asset_id: voice } : { ...empty, asset_id: null, voice_id: voice }];
}

/** What the result of a completed voice job adds beside its outputs (the 'result' form: the voice itself). */
export const voiceResultFields = (form: VoiceForm, jobId: string, completed: boolean): Json =>
  form === 'result' && completed ? { voice_id: voiceOfJob(jobId) } : {};

// ------------------------------------------------------------ the catalogue in pages

/**
 * One page of GET /models: `size` models from the one the cursor names (an opaque token: the offset in
 * base64url), with the next page's cursor or null. undefined for a cursor this server did not issue.
 */
export function catalogueFrom<T>(all: T[], cursor: string | null, size: number | undefined): { data: T[]; next_cursor: string | null } | undefined {
  if (size === undefined) return cursor === null ? { data: all, next_cursor: null } : undefined;
  const start = cursor === null ? 0 : Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(start) || start < 0 || start > all.length || (cursor !== null && start === 0)) return undefined;
  const end = start + size;
  return { data: all.slice(start, end), next_cursor: end < all.length ? Buffer.from(String(end)).toString('base64url') : null };
}

// ------------------------------------------------------------ media given as a URL

/**
 * Whether a `{"source": "url"}` that is no POST /files handle is taken as a public URL for Hedra to fetch:
 * in 'accept' mode, an https URL of another host than this server's (one of this server's own is a mangled
 * handle, refused as before). The server does not fetch it: tests assert that it was passed on.
 */
export function acceptedAsPublicUrl(mode: 'accept' | 'refuse', url: string, origin: string): boolean {
  if (mode !== 'accept' || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' && parsed.origin !== new URL(origin).origin;
}
