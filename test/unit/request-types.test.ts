// The type table (src/request/types.ts) row by row through the request builder
// (src/request/build.ts): where reference-images, model ids and batch sizes go
// for each type, and which types refuse them.

import { describe, expect, it } from 'vitest';
import { buildRequest, modelIdWarning, modelOf } from '../../src/apis/v2/build.ts';
import { BATCH_TYPES, MODEL_ID_FIELD, typesUsing } from '../../src/apis/v2/fields.ts';
import { GENERATION_TYPES, isGenerationType, isMediaInput, MEDIA_INPUTS } from '../../src/inputs/kinds.ts';
import type { Settings } from '../../src/inputs/settings.ts';
import { build, buildError, ID } from '../helpers/build.ts';

// Ids with hex letters, given in upper case: the body must carry them in lower case.
const A = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const B = 'bbbbcccc-dddd-4eee-8fff-aaaabbbbcccc';
const VOICE = 'fedcba98-7654-4321-8fed-cba987654321';
const MODEL = 'c0ffee00-beef-4bad-8a55-deadbeef0001';
const up = (id: string) => id.toUpperCase();

/** For each type, inputs that make a valid request of it. */
const VALID: Record<string, Record<string, string>> = {
  video: { prompt: 'p' },
  image: { prompt: 'p' },
  image_to_image: { prompt: 'p', image: up(A) },
  text_to_speech: { text: 't', 'voice-id': up(VOICE) },
  text_to_sound: { text: 't' },
  image_upscale: { image: up(A) },
  video_upscale: { video: up(A) },
  audio_isolation: { audio: up(A) },
  speech_to_speech: { audio: up(A), 'voice-id': up(VOICE) },
  voice_clone: { audio: up(A), name: 'n' },
  video_to_video: { video: up(A), prompt: 'p' },
  motion_control: { video: up(A), image: up(B), prompt: 'p' },
};

describe('the tables', () => {
  it('list every type once, and know a type by its exact name', () => {
    expect(Object.keys(VALID)).toEqual([...GENERATION_TYPES]);
    expect(isGenerationType('image_to_image')).toBe(true);
    expect(isGenerationType('Image')).toBe(false);
    expect(isGenerationType('')).toBe(false);
  });
  it('know the media inputs, and only by their own names', () => {
    expect(Object.keys(MEDIA_INPUTS)).toEqual(['image', 'end-image', 'audio', 'video', 'reference-images']);
    expect(isMediaInput('reference-images')).toBe(true);
    expect(isMediaInput('prompt')).toBe(false);
    expect(isMediaInput('toString')).toBe(false);
  });
  it('take reference-images as a list of images, and the other media as one file of their kind', () => {
    expect(MEDIA_INPUTS['reference-images']).toEqual({ kind: 'image', list: true });
    expect(Object.values(MEDIA_INPUTS).filter((m) => m.list)).toHaveLength(1);
    expect(Object.fromEntries(Object.entries(MEDIA_INPUTS).map(([input, m]) => [input, m.kind]))).toEqual({
      image: 'image',
      'end-image': 'image',
      audio: 'audio',
      video: 'video',
      'reference-images': 'image',
    });
  });
  it('batch only video and the two image types', () => {
    expect(BATCH_TYPES).toEqual(['video', 'image', 'image_to_image']);
    expect(typesUsing('batch-size')).toEqual(['video', 'image', 'image_to_image']);
  });
});

describe('reference-images', () => {
  const REFS = `${up(A)}\n# and the second\n${up(B)}`;
  it.each([
    ['video', 'reference_image_ids'],
    ['image', 'reference_image_ids'],
    ['image_to_image', 'reference_image_ids'],
    ['video_to_video', 'reference_image_asset_ids'],
  ])('%s sends them as %s, in order and in lower case', async (type, field) => {
    const { body } = await build({ type, ...VALID[type], 'reference-images': REFS });
    expect(body[field]).toEqual([A, B]);
  });
  it('are used by exactly those four types', () => {
    expect(typesUsing('reference-images')).toEqual(['video', 'image', 'image_to_image', 'video_to_video']);
  });
  it.each(GENERATION_TYPES.filter((t) => !['video', 'image', 'image_to_image', 'video_to_video'].includes(t)))(
    'are refused by %s, naming the types that take them',
    async (type) => {
      expect(await buildError({ type, ...VALID[type], 'reference-images': up(A) })).toBe(
        `Input "reference-images" is not used by type ${type}; it is used by video, image, image_to_image, video_to_video. Remove it, or choose one of those types.`,
      );
    },
  );
  it('take no URLs: the API has no URL field for them', async () => {
    expect(await buildError({ type: 'image', prompt: 'p', 'reference-images': `${A}\nhttps://cdn.example.com/ref.png` })).toBe(
      'Input "reference-images" takes Hedra asset ids or file paths, one per line; URLs are not accepted (got https://cdn.example.com/ref.png).',
    );
  });
  it('never reach the builder as local files', () => {
    const settings = { type: 'image', mapped: { prompt: 'p', 'reference-images': [{ kind: 'file', written: 'ref.png' }] } } as unknown as Settings;
    expect(() => buildRequest(settings, () => ID(1))).toThrow(
      new Error('local file of input "reference-images" reached the request builder before it was given an asset id'),
    );
  });
});

describe('a single media input given as a local file', () => {
  it('is a bug in the caller, not a user error', () => {
    const settings = { type: 'image_upscale', mapped: { image: { kind: 'file', written: 'a.png' } } } as unknown as Settings;
    let error: unknown;
    try {
      buildRequest(settings, () => ID(1));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('Error');
    expect((error as Error).message).toBe('local file of input "image" reached the request builder before it was given an asset id');
  });
});

describe('model as a UUID', () => {
  const ID_FIELDS = Object.entries(MODEL_ID_FIELD);
  it('has an id field for every type but voice_clone', () => {
    expect(ID_FIELDS.map(([type]) => type)).toEqual(GENERATION_TYPES.filter((t) => t !== 'voice_clone'));
    expect(ID_FIELDS.filter(([, field]) => field !== 'ai_model_id')).toEqual([['text_to_speech', 'model_id']]);
  });
  it.each(ID_FIELDS)('%s sends an upper-case UUID with hex letters in lower case, as %s', async (type, field) => {
    const { body } = await build({ type, ...VALID[type], model: up(MODEL) });
    expect(body[field]).toBe(MODEL);
    expect(body).not.toHaveProperty('model_slug');
  });
  it('is refused by voice_clone, naming every type that takes a model', async () => {
    expect(await buildError({ type: 'voice_clone', ...VALID.voice_clone, model: MODEL })).toBe(
      `Input "model" is not used by type voice_clone; it is used by ${GENERATION_TYPES.filter((t) => t !== 'voice_clone').join(', ')}. Remove it, or choose one of those types.`,
    );
  });
  it('is set only once: a model in request as well is refused', async () => {
    expect(await buildError({ type: 'image', prompt: 'p', model: MODEL, request: `ai_model_id: ${B}` })).toBe(
      'Field ai_model_id is set twice: by input "model" and inside input "request". Set it one way only.',
    );
  });
});

describe('model as a slug', () => {
  it('is sent as written, case and all', async () => {
    const { body } = await build({ type: 'image', prompt: 'p', model: 'Google/Nano-Banana' });
    expect(body.model_slug).toBe('Google/Nano-Banana');
    expect(body).not.toHaveProperty('ai_model_id');
  });
  it('takes something that only looks like a UUID as a slug', async () => {
    const { body } = await build({ type: 'image', prompt: 'p', model: `${MODEL}-v2` });
    expect(body.model_slug).toBe(`${MODEL}-v2`);
  });
});

describe('the default video model', () => {
  it('is not sent when request names a model by id or by slug', async () => {
    const byId = await build({ prompt: 'p', request: `ai_model_id: ${B}` });
    expect(byId.body.ai_model_id).toBe(B);
    expect(byId.body).not.toHaveProperty('model_slug');
    const bySlug = await build({ prompt: 'p', request: 'model_slug: kling/v2' });
    expect(bySlug.body).not.toHaveProperty('ai_model_id');
  });
  it('is not sent for other types', async () => {
    const { body } = await build({ type: 'image', prompt: 'p' });
    expect(body).not.toHaveProperty('ai_model_id');
    expect(body).not.toHaveProperty('model_slug');
  });
});

describe('modelOf', () => {
  it('is the slug, else the id of either id field', () => {
    expect(modelOf({ model_slug: 's', ai_model_id: A })).toBe('s');
    expect(modelOf({ ai_model_id: A })).toBe(A);
    expect(modelOf({ model_id: B })).toBe(B);
    expect(modelOf({ model_slug: null, ai_model_id: 7, model_id: B })).toBe(B);
    expect(modelOf({ type: 'image' })).toBeUndefined();
  });
});

describe('modelIdWarning', () => {
  it('names the deprecated field a UUID went to, whatever its case', async () => {
    const image = await build({ type: 'image', prompt: 'p', model: up(MODEL) });
    expect(modelIdWarning(up(MODEL), image.body)).toBe(
      'Input "model" is a model UUID, sent in the deprecated ai_model_id field. Hedra selects models by slug now (model_slug); GET /models lists them.',
    );
    const speech = await build({ type: 'text_to_speech', ...VALID.text_to_speech, model: MODEL });
    expect(modelIdWarning(MODEL, speech.body)).toMatch(/sent in the deprecated model_id field\./);
  });
  it('says nothing for a slug, no model, or a UUID that was not sent as an id', () => {
    expect(modelIdWarning('kling/v2', { model_slug: 'kling/v2' })).toBeUndefined();
    expect(modelIdWarning(undefined, { ai_model_id: MODEL })).toBeUndefined();
    expect(modelIdWarning('', { ai_model_id: MODEL })).toBeUndefined();
    expect(modelIdWarning(MODEL, { model_slug: 'hedra/character-3' })).toBeUndefined();
    expect(modelIdWarning(MODEL, { ai_model_id: A })).toBeUndefined();
  });
});

describe('batch size', () => {
  it('1 sends one generation_id', async () => {
    const { body, generationIds } = await build({ type: 'image', prompt: 'p', 'batch-size': '1' });
    expect(generationIds).toEqual([ID(1)]);
    expect(body.generation_id).toBe(ID(1));
    expect(body).not.toHaveProperty('generation_ids');
  });
  it.each(['video', 'image', 'image_to_image'])('8, the most, sends eight generation_ids for %s', async (type) => {
    const { body, generationIds } = await build({ type, ...VALID[type], 'batch-size': '8' });
    expect(generationIds).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(ID));
    expect(body.generation_ids).toEqual(generationIds);
    expect(body.batch_size).toBe(8);
    expect(body).not.toHaveProperty('generation_id');
  });
  it('0 and 9 are refused before anything is built', async () => {
    expect(await buildError({ type: 'image', prompt: 'p', 'batch-size': '0' })).toBe('Input "batch-size" must be between 1 and 8, got 0.');
    expect(await buildError({ type: 'image', prompt: 'p', 'batch-size': '9' })).toBe('Input "batch-size" must be between 1 and 8, got 9.');
  });
  it('in request: 8 is the most, and 0 is too few', async () => {
    expect((await build({ type: 'image_to_image', ...VALID.image_to_image, request: 'batch_size: 8' })).generationIds).toHaveLength(8);
    expect(await buildError({ type: 'image', prompt: 'p', request: 'batch_size: 9' })).toBe('Input "request": field batch_size must be at most 8.');
    expect(await buildError({ type: 'image', prompt: 'p', request: 'batch_size: 0' })).toBe('Input "request": field batch_size must be at least 1.');
  });
  it('is refused by types without batches', async () => {
    expect(await buildError({ type: 'text_to_speech', ...VALID.text_to_speech, 'batch-size': '2' })).toMatch(
      /^Input "batch-size" is not used by type text_to_speech; it is used by video, image, image_to_image\./,
    );
  });
});

describe('fields the action owns', () => {
  it.each(['generation_ids', 'reserved_asset_id', 'reserved_asset_ids'])('refuses %s in request', async (field) => {
    expect(await buildError({ type: 'image', prompt: 'p', request: `${field}: x` })).toBe(
      `Input "request" must not set "${field}". The action chooses generation and asset ids itself so that a retry can never bill twice.`,
    );
  });
});

describe('nested fields', () => {
  it('say which path the input needed', async () => {
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: [1]' })).toBe(
      'Input "request" sets generated_video_inputs to a non-mapping, but input "prompt" needs to set generated_video_inputs.text_prompt inside it.',
    );
  });
  it('leave a speech request from request alone: the type is added only for text from the inputs', async () => {
    const { body } = await build({ prompt: 'p', request: `audio_generation: {text: hi, voice_id: ${VOICE}}` });
    expect(body.audio_generation).toEqual({ text: 'hi', voice_id: VOICE });
  });
});
