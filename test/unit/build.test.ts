import { describe, expect, it } from 'vitest';
import { build, buildError, ID } from '../helpers/build.ts';
import { schemaRef, validate } from '../server/spec.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const VOICE = '44444444-4444-4444-8444-444444444444';
const MODEL = '55555555-5555-4555-8555-555555555555';
const CHARACTER_3 = 'd1dd37a3-e39a-4854-a298-6510289f9cf2';

function specErrors(body: Record<string, unknown>) {
  return validate(schemaRef('/generations', 'post', 'request', body)!, body);
}

// Every type with every typed input it uses, and the exact body expected.
const EVERY_INPUT: [string, Record<string, string>, Record<string, unknown>][] = [
  [
    'video',
    {
      prompt: 'p',
      image: A,
      'end-image': B,
      audio: C,
      video: A,
      resolution: '720p',
      'aspect-ratio': '16:9',
      duration: '5s',
      seed: '7',
      name: 'n',
      'batch-size': '1',
    },
    {
      type: 'video',
      name: 'n',
      start_keyframe_id: A,
      end_keyframe_id: B,
      audio_id: C,
      video_id: A,
      batch_size: 1,
      generated_video_inputs: { text_prompt: 'p', resolution: '720p', aspect_ratio: '16:9', duration_ms: 5000, seed: 7 },
      ai_model_id: CHARACTER_3,
      generation_id: ID(1),
    },
  ],
  [
    'image',
    { prompt: 'p', image: A, resolution: '1K', 'aspect-ratio': '1:1', seed: '3', name: 'n', 'batch-size': '1' },
    { type: 'image', text_prompt: 'p', start_keyframe_id: A, resolution: '1K', aspect_ratio: '1:1', seed: 3, name: 'n', batch_size: 1, generation_id: ID(1) },
  ],
  [
    'image_to_image',
    { prompt: 'p', image: A, resolution: '2K', 'aspect-ratio': '4:3', seed: '-3', name: 'n' },
    { type: 'image_to_image', text_prompt: 'p', start_keyframe_id: A, resolution: '2K', aspect_ratio: '4:3', seed: -3, name: 'n', generation_id: ID(1) },
  ],
  [
    'text_to_speech',
    { text: 'hello', 'voice-id': VOICE, name: 'n' },
    { type: 'text_to_speech', text: 'hello', voice_id: VOICE, name: 'n', generation_id: ID(1) },
  ],
  ['text_to_sound', { text: 'rain', duration: '2.5s' }, { type: 'text_to_sound', text: 'rain', duration_seconds: 2.5, generation_id: ID(1) }],
  ['image_upscale', { image: A, resolution: '4K' }, { type: 'image_upscale', image_id: A, target_resolution: '4K', generation_id: ID(1) }],
  ['video_upscale', { video: B, resolution: '1080p' }, { type: 'video_upscale', video_id: B, target_resolution: '1080p', generation_id: ID(1) }],
  ['audio_isolation', { audio: C }, { type: 'audio_isolation', audio_id: C, generation_id: ID(1) }],
  ['speech_to_speech', { audio: C, 'voice-id': VOICE }, { type: 'speech_to_speech', audio_id: C, voice_id: VOICE, generation_id: ID(1) }],
  ['voice_clone', { audio: C, name: 'My voice' }, { type: 'voice_clone', audio_id: C, name: 'My voice', generation_id: ID(1) }],
  ['video_to_video', { video: B, prompt: 'make it noir' }, { type: 'video_to_video', video_id: B, prompt: 'make it noir', generation_id: ID(1) }],
  [
    'motion_control',
    { video: B, image: A, prompt: 'dance', resolution: '720p', 'aspect-ratio': '9:16', duration: '1.5m', seed: '1' },
    {
      type: 'motion_control',
      video_id: B,
      start_keyframe_id: A,
      generated_video_inputs: { text_prompt: 'dance', resolution: '720p', aspect_ratio: '9:16', duration_ms: 90000, seed: 1 },
      generation_id: ID(1),
    },
  ],
];

describe('every type with every input it uses', () => {
  it.each(EVERY_INPUT)('%s', async (type, inputs, expected) => {
    const { body, generationIds } = await build({ type, ...inputs });
    expect(body).toEqual(expected);
    expect(generationIds).toEqual([ID(1)]);
    expect(specErrors(body)).toBeNull();
  });
});

describe('model', () => {
  it('sends a slug as model_slug and no default model', async () => {
    const { body } = await build({ prompt: 'p', model: 'together/hedra-avatar' });
    expect(body.model_slug).toBe('together/hedra-avatar');
    expect(body).not.toHaveProperty('ai_model_id');
  });
  it('sends a UUID as ai_model_id', async () => {
    const { body } = await build({ type: 'image', prompt: 'p', model: MODEL.toUpperCase() });
    expect(body.ai_model_id).toBe(MODEL);
    expect(body).not.toHaveProperty('model_slug');
  });
  it('sends a UUID as model_id for text_to_speech', async () => {
    const { body } = await build({ type: 'text_to_speech', text: 't', 'voice-id': VOICE, model: MODEL });
    expect(body.model_id).toBe(MODEL);
    expect(specErrors(body)).toBeNull();
  });
  it('defaults video to Character-3 only when no model is chosen anywhere', async () => {
    expect((await build({ prompt: 'p' })).body.ai_model_id).toBe(CHARACTER_3);
    const viaRequest = await build({ prompt: 'p', request: '{"model_slug": "google/veo-3"}' });
    expect(viaRequest.body.model_slug).toBe('google/veo-3');
    expect(viaRequest.body).not.toHaveProperty('ai_model_id');
  });
  it('is refused for voice_clone, which has no model', async () => {
    expect(await buildError({ type: 'voice_clone', audio: A, name: 'n', model: 'x/y' })).toMatch(/Input "model" is not used by type voice_clone/);
  });
});

describe('video specifics', () => {
  it('sends text with voice-id as server-side speech', async () => {
    const { body } = await build({ prompt: 'p', text: 'Hello there', 'voice-id': VOICE });
    expect(body.audio_generation).toEqual({ type: 'text_to_speech', text: 'Hello there', voice_id: VOICE });
    expect(specErrors(body)).toBeNull();
  });
  it('needs voice-id with text, and the other way round', async () => {
    expect(await buildError({ prompt: 'p', text: 'Hello' })).toMatch(/"text" and "voice-id" go together/);
    expect(await buildError({ prompt: 'p', 'voice-id': VOICE })).toMatch(/"text" and "voice-id" go together/);
  });
  it('refuses audio together with text to speak', async () => {
    expect(await buildError({ prompt: 'p', text: 'Hi', 'voice-id': VOICE, audio: A })).toMatch(/either "audio" or "text"/);
  });
  it('sends https keyframes as URLs', async () => {
    const { body } = await build({ prompt: 'p', image: 'https://example.com/a.png', 'end-image': 'https://example.com/b.png' });
    expect(body.start_keyframe_url).toBe('https://example.com/a.png');
    expect(body.end_keyframe_url).toBe('https://example.com/b.png');
    expect(body).not.toHaveProperty('start_keyframe_id');
    expect(specErrors(body)).toBeNull();
  });
  it('refuses a URL where only an asset id fits', async () => {
    expect(await buildError({ type: 'image_upscale', image: 'https://example.com/a.png' })).toMatch(
      /Input "image" takes a URL only for type video.*for type image_upscale give a Hedra asset id/,
    );
  });
  it('refuses a keyframe URL longer than the API allows (2083)', async () => {
    const long = `https://example.com/${'a'.repeat(2100)}`;
    expect(await buildError({ prompt: 'p', image: long })).toMatch(/Input "image" \(sent as start_keyframe_url\) must have at most 2083 characters/);
  });
  it('requires a prompt', async () => {
    expect(await buildError({ image: A })).toBe('Input "prompt" is required for type video.');
  });
});

describe('required inputs per type', () => {
  it.each([
    ['image', {}, 'prompt'],
    ['image_to_image', {}, 'prompt'],
    ['text_to_speech', { 'voice-id': VOICE }, 'text'],
    ['text_to_speech', { text: 't' }, 'voice-id'],
    ['text_to_sound', {}, 'text'],
    ['image_upscale', {}, 'image'],
    ['video_upscale', {}, 'video'],
    ['audio_isolation', {}, 'audio'],
    ['speech_to_speech', { audio: A }, 'voice-id'],
    ['voice_clone', { audio: A }, 'name'],
    ['video_to_video', { prompt: 'p' }, 'video'],
    ['motion_control', { prompt: 'p', video: A }, 'image'],
  ])('%s without %j needs %s', async (type, inputs, missing) => {
    expect(await buildError({ type, ...inputs })).toContain(`Input "${missing}" is required for type ${type}.`);
  });
});

describe('inputs a type does not use', () => {
  it('names the types that do use it', async () => {
    expect(await buildError({ type: 'text_to_speech', text: 't', 'voice-id': VOICE, prompt: 'p' })).toBe(
      'Input "prompt" is not used by type text_to_speech; it is used by video, image, image_to_image, video_to_video, motion_control. Remove it, or choose one of those types.',
    );
    expect(await buildError({ type: 'audio_isolation', audio: A, 'batch-size': '2' })).toMatch(
      /"batch-size" is not used by type audio_isolation; it is used by video, image, image_to_image/,
    );
    expect(await buildError({ type: 'image', prompt: 'p', 'end-image': A })).toMatch(/"end-image" is not used by type image; it is used by video\./);
  });
});

describe('bounds and formats', () => {
  it.each([
    [{ type: 'image', prompt: 'p', 'batch-size': '9' }, /Input "batch-size" must be between 1 and 8, got 9/],
    [{ type: 'image', prompt: 'p', 'batch-size': '0' }, /Input "batch-size" must be between 1 and 8, got 0/],
    [{ type: 'image', prompt: 'p', 'batch-size': 'two' }, /Input "batch-size" must be a whole number/],
    [{ type: 'image', prompt: 'p', seed: '1.5' }, /Input "seed" must be a whole number/],
    [{ type: 'text_to_sound', text: 't', duration: '31s' }, /Input "duration" \(sent as duration_seconds\) must be at most 30/],
    [{ type: 'text_to_sound', text: 't', duration: '400ms' }, /Input "duration" \(sent as duration_seconds\) must be at least 0.5/],
    [{ prompt: 'p', duration: '0.5ms' }, /Input "duration" \(sent as generated_video_inputs.duration_ms\) must be a whole number/],
    [{ prompt: 'p', duration: 'five seconds' }, /Input "duration" must be a duration/],
    [{ type: 'text_to_speech', text: 't', 'voice-id': 'alice' }, /Input "voice-id" \(sent as voice_id\) must be a UUID/],
    [{ type: 'text_to_speech', text: 't', 'voice-id': VOICE, request: 'speed: 1.5' }, /Input "request": field speed must be at most 1.2/],
    [{ type: 'text_to_speech', text: 't', 'voice-id': VOICE, request: 'speed: 0.5' }, /Input "request": field speed must be at least 0.7/],
    [{ type: 'text_to_speech', text: 't', 'voice-id': VOICE, request: 'stability: -0.1' }, /field stability must be at least 0/],
    [{ type: 'text_to_speech', text: 't', 'voice-id': VOICE, request: 'language: Klingon' }, /field language must be one of "Chinese".*"auto"/],
    [{ type: 'text_to_sound', text: 't', request: 'prompt_influence: 2' }, /field prompt_influence must be at most 1/],
    [
      { prompt: 'p', request: 'generated_video_inputs: {character_orientation: side}' },
      /field generated_video_inputs.character_orientation must be one of "video", "image"/,
    ],
    [{ prompt: 'p', request: 'generated_video_inputs: {shot_type: wide}' }, /field generated_video_inputs.shot_type must be "customize"/],
    [
      { prompt: 'p', request: 'generated_video_inputs: {multi_prompt: [{prompt: a, duration_ms: 2000}]}' },
      /field generated_video_inputs.multi_prompt\[0\].duration_ms must be at least 3000/,
    ],
    [
      { prompt: 'p', request: 'generated_video_inputs: {multi_prompt: [{prompt: a, duration_ms: 16000}]}' },
      /multi_prompt\[0\].duration_ms must be at most 15000/,
    ],
    [
      { prompt: 'p', request: 'generated_video_inputs: {bounding_box_target: [2, 0.5]}' },
      /field generated_video_inputs.bounding_box_target\[0\] must be at most 1\./,
    ],
    [{ prompt: 'p', request: 'audio_id: 5' }, /field audio_id must be a string, or must be a list\./],
    [{ prompt: 'p', request: 'generated_video_inputs: {enhance_prompt: yes}' }, /field generated_video_inputs.enhance_prompt must be true or false\./],
    [{ type: 'image', prompt: 'p', request: 'reference_image_ids: [not-a-uuid]' }, /field reference_image_ids\[0\] must be a UUID/],
    [{ type: 'image', prompt: 'p', request: 'num_inference_steps: 2.5' }, /field num_inference_steps must be a whole number/],
    [{ type: 'image', prompt: 'p', name: 'x'.repeat(256) }, /Input "name" \(sent as name\) must have at most 255 characters/],
    [{ type: 'image', prompt: 'p', request: '{"batch_size": 12}' }, /field batch_size must be at most 8/],
  ])('%j', async (inputs, message) => {
    expect(await buildError(inputs)).toMatch(message);
  });

  it('accepts the bounds themselves', async () => {
    for (const speed of ['0.7', '1.2']) {
      const { body } = await build({
        type: 'text_to_speech',
        text: 't',
        'voice-id': VOICE,
        request: `{"speed": ${speed}, "stability": 0, "language": "Chinese,Yue"}`,
      });
      expect(specErrors(body)).toBeNull();
    }
    for (const duration of ['0.5s', '30s']) {
      expect(specErrors((await build({ type: 'text_to_sound', text: 't', duration })).body)).toBeNull();
    }
    const shots = await build({
      prompt: 'p',
      request: 'generated_video_inputs: {multi_prompt: [{prompt: a, duration_ms: 3000}, {prompt: b, duration_ms: 15000}], shot_type: customize}',
    });
    expect(specErrors(shots.body)).toBeNull();
  });

  it('lists every problem at once', async () => {
    const message = await buildError({ type: 'text_to_speech', text: 't', 'voice-id': 'bob', request: 'speed: 3\nlanguage: Elvish' });
    expect(message).toMatch(/^The text_to_speech request has 3 problems:/);
    expect(message).toContain('- Input "voice-id" (sent as voice_id) must be a UUID');
    expect(message).toContain('- Input "request": field speed must be at most 1.2.');
  });
});

describe('the request input', () => {
  it('merges JSON under the typed inputs', async () => {
    const { body } = await build({
      prompt: 'p',
      request: '{"generated_video_inputs": {"negative_prompt": "blur", "enhance_prompt": true}, "audio_start_ms": -1000}',
    });
    expect(body.generated_video_inputs).toEqual({ text_prompt: 'p', negative_prompt: 'blur', enhance_prompt: true });
    expect(body.audio_start_ms).toBe(-1000);
    expect(specErrors(body)).toBeNull();
  });
  it('merges YAML under the typed inputs', async () => {
    const yaml = [
      'generated_video_inputs:',
      '  multi_prompt:',
      '    - prompt: wide shot',
      '      duration_ms: 4000',
      '    - prompt: close-up',
      '      duration_ms: 5000',
      '  shot_type: customize',
      '  bounding_box_target: [0.5, 0.4]',
      `reference_image_ids: [${A}, ${B}]`,
    ].join('\n');
    const { body } = await build({ prompt: 'p', request: yaml });
    expect(body.generated_video_inputs).toMatchObject({
      text_prompt: 'p',
      multi_prompt: [
        { prompt: 'wide shot', duration_ms: 4000 },
        { prompt: 'close-up', duration_ms: 5000 },
      ],
      bounding_box_target: [0.5, 0.4],
    });
    expect(body.reference_image_ids).toEqual([A, B]);
    expect(specErrors(body)).toBeNull();
  });
  it('takes video_to_video elements', async () => {
    const { body } = await build({
      type: 'video_to_video',
      video: A,
      prompt: '@Element1 walks',
      request: `elements:\n  - frontal_image_asset_id: ${B}\n    reference_image_asset_ids: [${C}]\nkeep_audio: false`,
    });
    expect(body.elements).toEqual([{ frontal_image_asset_id: B, reference_image_asset_ids: [C] }]);
    expect(specErrors(body)).toBeNull();
  });
  it('refuses a field set both ways', async () => {
    expect(await buildError({ prompt: 'p', request: '{"generated_video_inputs": {"text_prompt": "q"}}' })).toBe(
      'Field generated_video_inputs.text_prompt is set twice: by input "prompt" and inside input "request". Set it one way only.',
    );
    expect(await buildError({ type: 'image', prompt: 'p', seed: '1', request: 'seed: 2' })).toMatch(/Field seed is set twice: by input "seed"/);
  });
  it('refuses a non-mapping where an input needs to nest', async () => {
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: 3' })).toMatch(/sets generated_video_inputs to a non-mapping/);
  });
  it('refuses the fields the action owns', async () => {
    expect(await buildError({ prompt: 'p', request: 'type: image' })).toMatch(/must not set "type". Use the "type" input/);
    expect(await buildError({ prompt: 'p', request: `generation_id: ${A}` })).toMatch(/must not set "generation_id".*can never bill twice/);
  });
  it('suggests the field meant by a misspelt one', async () => {
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: {duraton_ms: 5000}' })).toBe(
      'Input "request": unknown field "duraton_ms" in generated_video_inputs for type video. Did you mean "duration_ms"?',
    );
    expect(await buildError({ type: 'image', prompt: 'p', request: '{"negativ_prompt": "x"}' })).toMatch(
      /unknown field "negativ_prompt" for type image. Did you mean "negative_prompt"\?/,
    );
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: {multi_prompt: [{promt: a, duration_ms: 4000}]}' })).toMatch(
      /unknown field "promt" in generated_video_inputs.multi_prompt\[0\].*Did you mean "prompt"\?/,
    );
  });
  it('rejects text that is not a mapping, with the reason', async () => {
    expect(await buildError({ prompt: 'p', request: '[1, 2]' })).toBe(
      'Input "request" must be a mapping of request fields (a JSON object or YAML mapping), got a list.',
    );
    expect(await buildError({ prompt: 'p', request: 'just words' })).toMatch(/got a string/);
    expect(await buildError({ prompt: 'p', request: '{"a": ' })).toMatch(/^Input "request" is neither a JSON object nor a YAML mapping:/);
    expect(await buildError({ prompt: 'p', request: 'seed: 1\nseed: 2' })).toMatch(/neither a JSON object nor a YAML mapping: .*[Mm]ap keys must be unique/);
    // Found by the property tests: an alias with no anchor fails only when the document is converted.
    expect(await buildError({ prompt: 'p', request: '*-' })).toMatch(/neither a JSON object nor a YAML mapping: Unresolved alias/);
  });
});

describe('generation ids', () => {
  it('chooses one id per batch item, sent as generation_ids', async () => {
    const { body, generationIds } = await build({ type: 'image', prompt: 'p', 'batch-size': '3' });
    expect(generationIds).toEqual([ID(1), ID(2), ID(3)]);
    expect(body.generation_ids).toEqual(generationIds);
    expect(body).not.toHaveProperty('generation_id');
    expect(specErrors(body)).toBeNull();
  });
  it('follows a batch_size given in request', async () => {
    const { generationIds } = await build({ prompt: 'p', request: 'batch_size: 2' });
    expect(generationIds).toHaveLength(2);
  });
});
