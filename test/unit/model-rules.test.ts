import { describe, expect, it } from 'vitest';
import { type Model, readCatalogue } from '../../src/apis/v2/catalogue.ts';
import { chooseModel, modelFields, modelTypesFor } from '../../src/apis/v2/model-choice.ts';
import { checkAgainstModel, suppliedByRequest } from '../../src/apis/v2/model-rules.ts';
import type { MediaRef } from '../../src/inputs/parsers.ts';
import type { Settings } from '../../src/inputs/settings.ts';
import type { LocalMedia } from '../../src/media/local-files.ts';

const CHARACTER_3_ID = 'd1dd37a3-e39a-4854-a298-6510289f9cf2';
const KLING_ID = '7e57ab1e-0000-4000-8000-00000000abcd';
const LEGACY_ID = '0f0e0d0c-0b0a-4909-8807-060504030201';
const TTS_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const ASSET = '11111111-1111-4111-8111-111111111111';
const MiB = 1024 * 1024;

const CATALOGUE = readCatalogue([
  {
    id: CHARACTER_3_ID,
    slug: 'hedra/character-3',
    name: 'Character-3',
    type: 'video',
    aspect_ratios: ['1:1', '16:9', '9:16'],
    resolutions: ['540p', '720p'],
    max_duration_ms: 60000,
    requires_start_frame: true,
    requires_audio_input: true,
    display_order: 2,
    inputs: [
      {
        mode: 'audio_to_video',
        slots: [
          { type: 'image', role: 'start_frame', required: true },
          { type: 'audio', role: 'audio_input', required: true },
        ],
      },
    ],
  },
  {
    id: KLING_ID,
    slug: 'kling/kling-2.1',
    name: 'Kling 2.1',
    type: 'video',
    aspect_ratios: ['16:9', '9:16', '1:1'],
    resolutions: ['720p', '1080p'],
    durations: ['5s', '10s'],
    max_duration_ms: 10000,
    min_prompt_length: 3,
    max_prompt_length: 40,
    display_order: 1,
  },
  {
    slug: 'acme/i2v',
    name: 'Acme Image to Video',
    type: 'video',
    requires_start_frame: true,
    durations: ['5', '10'],
    aspect_ratios: ['16:9', '9:16'],
    aspect_ratio_range: [0.5, 2],
    inputs: [
      {
        mode: 'image_to_video',
        slots: [{ type: 'image', role: 'start_frame', required: true, max_file_size_bytes: 10 * MiB, min_dimension_px: 300, max_dimension_px: 4096 }],
      },
      {
        mode: 'first_last_frame_to_video',
        slots: [
          { type: 'image', role: 'start_frame', required: true, max_file_size_bytes: 10 * MiB, min_dimension_px: 300, max_dimension_px: 4096 },
          { type: 'image', role: 'end_frame', required: true, max_file_size_bytes: 5 * MiB },
          { type: 'image', role: 'pose_guide', required: false },
        ],
      },
    ],
  },
  {
    // No slug: sent by id.
    id: LEGACY_ID,
    name: 'Legacy Avatar',
    type: 'video',
    requires_start_frame: true,
  },
  {
    slug: 'google/nano-banana',
    name: 'Nano Banana',
    type: 'image',
    aspect_ratios: ['1:1', '16:9'],
    resolutions: ['1K', '2K'],
    inputs: [{ mode: 'reference_to_image', slots: [{ type: 'image', role: 'reference', required: false, min_count: 1, max_count: 3 }] }],
  },
  {
    // Text to speech: its id goes in model_id; no slug.
    id: TTS_ID,
    name: 'Eleven v3',
    type: 'text_to_speech',
    max_prompt_length: 20,
  },
]);

function model(label: string): Model {
  const found = CATALOGUE.find((m) => m.slug === label || m.name === label);
  if (!found) throw new Error(`no model ${label} in the test catalogue`);
  return found;
}

const asset = (id = ASSET): MediaRef => ({ kind: 'asset', id });
const file = (written: string): MediaRef => ({ kind: 'file', written });
const url = (href: string): MediaRef => ({ kind: 'url', url: href });
type Mapped = Settings['mapped'];

const VIDEO_LIST = 'Models for video: kling/kling-2.1, hedra/character-3, acme/i2v, Legacy Avatar.';

describe('chooseModel', () => {
  it('resolves a slug, in any case', () => {
    expect(chooseModel(CATALOGUE, 'video', 'kling/kling-2.1')).toEqual({ model: model('kling/kling-2.1'), problems: [] });
    expect(chooseModel(CATALOGUE, 'video', 'Kling/KLING-2.1').model).toBe(model('kling/kling-2.1'));
  });

  it('resolves a model UUID with its hex letters in upper case', () => {
    expect(chooseModel(CATALOGUE, 'video', CHARACTER_3_ID.toUpperCase())).toEqual({ model: model('hedra/character-3'), problems: [] });
    expect(chooseModel(CATALOGUE, 'text_to_speech', TTS_ID.toUpperCase()).model).toBe(model('Eleven v3'));
  });

  it("resolves a model's name, in any case and spacing", () => {
    expect(chooseModel(CATALOGUE, 'image', 'nano banana').model).toBe(model('google/nano-banana'));
    expect(chooseModel(CATALOGUE, 'video', '  LEGACY   avatar ').model).toBe(model('Legacy Avatar'));
  });

  it('names an unknown model as written, with the closest slug of the type and the models of the type', () => {
    expect(chooseModel(CATALOGUE, 'video', 'kling-2')).toEqual({
      problems: [`Input "model": no model "kling-2" for type video. Did you mean "kling/kling-2.1"? ${VIDEO_LIST}`],
    });
    expect(chooseModel(CATALOGUE, 'video', 'hedra/charcter-3').problems).toEqual([
      `Input "model": no model "hedra/charcter-3" for type video. Did you mean "hedra/character-3"? ${VIDEO_LIST}`,
    ]);
  });

  it('lists the models of the type when nothing is close', () => {
    expect(chooseModel(CATALOGUE, 'video', 'sora').problems).toEqual([`Input "model": no model "sora" for type video. ${VIDEO_LIST}`]);
  });

  it('treats a UUID that the catalogue does not list as unknown', () => {
    expect(chooseModel(CATALOGUE, 'video', ASSET).problems).toEqual([`Input "model": no model "${ASSET}" for type video. ${VIDEO_LIST}`]);
  });

  it('says when the catalogue lists no model for the type', () => {
    expect(chooseModel(CATALOGUE, 'video_upscale', 'topaz')).toEqual({
      problems: ['Input "model": no model "topaz" for type video_upscale. Hedra\'s catalogue lists no models for type video_upscale.'],
    });
  });

  it('names the type a model of another type belongs to', () => {
    expect(chooseModel(CATALOGUE, 'video', 'google/nano-banana')).toEqual({
      problems: [
        'Input "model": "google/nano-banana" is a model for type image, not video; set type: image, or choose one of: kling/kling-2.1, hedra/character-3, acme/i2v, Legacy Avatar.',
      ],
    });
    expect(chooseModel(CATALOGUE, 'image', 'Kling 2.1').problems).toEqual([
      'Input "model": "Kling 2.1" (kling/kling-2.1) is a model for type video, not image; set type: video, or choose one of: google/nano-banana.',
    ]);
  });

  it('says when the type of the request has no models at all', () => {
    expect(chooseModel(CATALOGUE, 'video_upscale', 'kling/kling-2.1').problems).toEqual([
      'Input "model": "kling/kling-2.1" is a model for type video, not video_upscale; set type: video; Hedra\'s catalogue lists no models for type video_upscale.',
    ]);
    const [future] = readCatalogue([{ slug: 'acme/hologram', type: 'hologram' }]);
    expect(chooseModel([...CATALOGUE, future], 'image', 'acme/hologram').problems).toEqual([
      'Input "model": "acme/hologram" is a model for type hologram, not image; choose one of: google/nano-banana.',
    ]);
  });

  it('takes an image model for image_to_image and a video model for motion_control (their families)', () => {
    expect(chooseModel(CATALOGUE, 'image_to_image', 'google/nano-banana').model).toBe(model('google/nano-banana'));
    expect(chooseModel(CATALOGUE, 'motion_control', 'kling/kling-2.1').model).toBe(model('kling/kling-2.1'));
    expect(chooseModel(CATALOGUE, 'image', 'google/nano-banana').model).toBe(model('google/nano-banana'));
    expect(chooseModel(CATALOGUE, 'image_to_image', 'nano-banan').problems).toEqual([
      'Input "model": no model "nano-banan" for type image_to_image. Did you mean "google/nano-banana"? Models for image_to_image: google/nano-banana.',
    ]);
    // Not the other way round: an image_to_image model is no model for image.
    const [editor] = readCatalogue([{ slug: 'acme/editor', type: 'image_to_image' }]);
    expect(chooseModel([editor], 'image', 'acme/editor').problems).toEqual([
      'Input "model": "acme/editor" is a model for type image_to_image, not image; set type: image_to_image; Hedra\'s catalogue lists no models for type image.',
    ]);
  });

  it('says which catalogue types serve a generation type', () => {
    expect(modelTypesFor('image_to_image')).toEqual(['image_to_image', 'image']);
    expect(modelTypesFor('motion_control')).toEqual(['motion_control', 'video']);
    expect(modelTypesFor('video')).toEqual(['video']);
    expect(modelTypesFor('text_to_speech')).toEqual(['text_to_speech']);
  });

  it('prefers the model of the requested type when a name is shared across types', () => {
    const catalogue = readCatalogue([
      { slug: 'acme/studio-image', name: 'Studio', type: 'image' },
      { slug: 'acme/studio-video', name: 'Studio', type: 'video' },
    ]);
    expect(chooseModel(catalogue, 'video', 'studio').model?.slug).toBe('acme/studio-video');
    expect(chooseModel(catalogue, 'image', 'studio').model?.slug).toBe('acme/studio-image');
  });

  it('asks for the slug when a name names several models of the type', () => {
    const catalogue = readCatalogue([
      { slug: 'acme/studio-1', name: 'Studio', type: 'video' },
      { slug: 'acme/studio-2', name: 'studio', type: 'video' },
    ]);
    expect(chooseModel(catalogue, 'video', 'Studio')).toEqual({
      problems: ['Input "model": "Studio" is the name of several models for type video: acme/studio-1, acme/studio-2. Give the slug of the one you mean.'],
    });
    expect(chooseModel(catalogue, 'video', 'acme/studio-2').model?.slug).toBe('acme/studio-2');
  });

  it('lists at most eight models, in display order', () => {
    const catalogue = readCatalogue(Array.from({ length: 11 }, (_, i) => ({ slug: `acme/m${i}`, type: 'video', display_order: 11 - i })));
    expect(chooseModel(catalogue, 'video', 'nothing-like-it').problems).toEqual([
      'Input "model": no model "nothing-like-it" for type video. Models for video: acme/m10, acme/m9, acme/m8, acme/m7, acme/m6, acme/m5, acme/m4, acme/m3 and 3 more.',
    ]);
  });

  describe('when input "model" is not set', () => {
    it('uses Character-3 for video, found by its id', () => {
      expect(chooseModel(CATALOGUE, 'video', undefined)).toEqual({ model: model('hedra/character-3'), problems: [] });
      expect(chooseModel(CATALOGUE, 'video', '').model).toBe(model('hedra/character-3'));
    });

    it('has no model and no problem for video when the catalogue lacks Character-3 (the caller sends its id)', () => {
      const catalogue = CATALOGUE.filter((m) => m.slug !== 'hedra/character-3');
      expect(chooseModel(catalogue, 'video', undefined)).toEqual({ model: undefined, problems: [] });
    });

    it('finds Character-3 by an id the catalogue spells in upper case', () => {
      const catalogue = readCatalogue([{ id: CHARACTER_3_ID.toUpperCase(), slug: 'hedra/character-3', type: 'video' }]);
      expect(chooseModel(catalogue, 'video', undefined).model?.slug).toBe('hedra/character-3');
    });

    it('fails for image, listing the image models', () => {
      expect(chooseModel(CATALOGUE, 'image', undefined)).toEqual({
        problems: ['Input "model" is required for type image: Hedra needs a model to make an image. Models for image: google/nano-banana.'],
      });
      expect(chooseModel([], 'image', undefined).problems).toEqual([
        'Input "model" is required for type image: Hedra needs a model to make an image. Hedra\'s catalogue lists no models for type image.',
      ]);
    });

    it('has no model and no problem for the other types', () => {
      for (const type of ['text_to_speech', 'image_to_image', 'voice_clone'] as const) {
        expect(chooseModel(CATALOGUE, type, undefined)).toEqual({ problems: [] });
      }
    });
  });

  it('refuses a model for a type that takes none', () => {
    expect(chooseModel(CATALOGUE, 'voice_clone', 'Eleven v3').problems).toEqual([
      'Input "model" is not used by type voice_clone; it is used by video, image, image_to_image, text_to_speech, text_to_sound, image_upscale, video_upscale, audio_isolation, speech_to_speech, video_to_video, motion_control. Remove it, or choose one of those types.',
    ]);
  });
});

describe('modelFields', () => {
  it("sends a model's slug, however it was named", () => {
    expect(modelFields(model('kling/kling-2.1'), 'video', KLING_ID.toUpperCase())).toEqual({ model_slug: 'kling/kling-2.1' });
    expect(modelFields(model('google/nano-banana'), 'image', 'Nano Banana')).toEqual({ model_slug: 'google/nano-banana' });
    expect(modelFields(model('hedra/character-3'), 'video', undefined)).toEqual({ model_slug: 'hedra/character-3' });
  });

  it("sends a model without a slug by its id, in the type's id field", () => {
    expect(modelFields(model('Legacy Avatar'), 'video', 'legacy avatar')).toEqual({ ai_model_id: LEGACY_ID });
    expect(modelFields(model('Eleven v3'), 'text_to_speech', 'Eleven v3')).toEqual({ model_id: TTS_ID });
  });

  it('without a catalogue, sends a UUID (lower-cased) to the id field and anything else as model_slug', () => {
    expect(modelFields(undefined, 'video', KLING_ID.toUpperCase())).toEqual({ ai_model_id: KLING_ID });
    expect(modelFields(undefined, 'text_to_speech', TTS_ID.toUpperCase())).toEqual({ model_id: TTS_ID });
    expect(modelFields(undefined, 'image', 'google/nano-banana')).toEqual({ model_slug: 'google/nano-banana' });
    expect(modelFields(undefined, 'text_to_speech', 'elevenlabs/v3')).toEqual({ model_slug: 'elevenlabs/v3' });
  });

  it("sends Character-3's id for video when no model is known or given, and nothing for the other types", () => {
    expect(modelFields(undefined, 'video', undefined)).toEqual({ ai_model_id: CHARACTER_3_ID });
    expect(modelFields(undefined, 'video', '')).toEqual({ ai_model_id: CHARACTER_3_ID });
    expect(modelFields(undefined, 'image', undefined)).toEqual({});
    expect(modelFields(undefined, 'text_to_speech', undefined)).toEqual({});
  });

  it('sends nothing for a type without a model field', () => {
    expect(modelFields(undefined, 'voice_clone', 'google/nano-banana')).toEqual({});
    expect(modelFields(model('Eleven v3'), 'voice_clone', 'Eleven v3')).toEqual({});
  });
});

describe('checkAgainstModel', () => {
  const check = (
    label: string,
    type: Parameters<typeof checkAgainstModel>[1],
    mapped: Mapped,
    media: LocalMedia[] = [],
    supplied: ('audio' | 'image')[] = [],
  ) => checkAgainstModel(model(label), type, mapped, media, { supplied, catalogue: CATALOGUE });

  it('finds nothing wrong with inputs the model takes', () => {
    expect(check('kling/kling-2.1', 'video', { prompt: 'A lighthouse', 'aspect-ratio': '16:9', resolution: '1080p', duration: 10000 })).toEqual([]);
    expect(check('hedra/character-3', 'video', { prompt: 'Hello', image: asset(), audio: file('voice.mp3') })).toEqual([]);
  });

  describe('values from lists', () => {
    it('checks aspect-ratio against aspect_ratios, with a did-you-mean', () => {
      expect(check('kling/kling-2.1', 'video', { prompt: 'A lighthouse', 'aspect-ratio': '16x9' })).toEqual([
        'Input "aspect-ratio": model "kling/kling-2.1" does not take "16x9"; it takes 16:9, 9:16, 1:1. Did you mean "16:9"?',
      ]);
      expect(check('kling/kling-2.1', 'video', { prompt: 'A lighthouse', 'aspect-ratio': '4:3' })).toEqual([
        'Input "aspect-ratio": model "kling/kling-2.1" does not take "4:3"; it takes 16:9, 9:16, 1:1.',
      ]);
    });

    it('takes any width:height inside aspect_ratio_range, the presets then being examples', () => {
      const image = asset();
      expect(check('acme/i2v', 'video', { image, 'aspect-ratio': '3:2' })).toEqual([]);
      expect(check('acme/i2v', 'video', { image, 'aspect-ratio': '1:2' })).toEqual([]);
      expect(check('acme/i2v', 'video', { image, 'aspect-ratio': '3:1' })).toEqual([
        'Input "aspect-ratio": model "acme/i2v" does not take "3:1"; it takes any width:height between 0.5 and 2 (such as 16:9, 9:16).',
      ]);
      expect(check('acme/i2v', 'video', { image, 'aspect-ratio': 'wide' })).toEqual([
        'Input "aspect-ratio": model "acme/i2v" does not take "wide"; it takes any width:height between 0.5 and 2 (such as 16:9, 9:16).',
      ]);
    });

    it('checks resolution against resolutions', () => {
      expect(check('hedra/character-3', 'video', { image: asset(), audio: asset(), resolution: '1080p' })).toEqual([
        'Input "resolution": model "hedra/character-3" does not take "1080p"; it takes 540p, 720p.',
      ]);
      expect(check('google/nano-banana', 'image', { prompt: 'A mug', resolution: '2k' })).toEqual([
        'Input "resolution": model "google/nano-banana" does not take "2k"; it takes 1K, 2K. Did you mean "2K"?',
      ]);
    });

    it('takes any resolution from a model with custom_resolution', () => {
      const [custom] = readCatalogue([{ slug: 'acme/any-size', type: 'image', resolutions: ['1K'], custom_resolution: true }]);
      expect(checkAgainstModel(custom, 'image', { prompt: 'A mug', resolution: '1536x1024' }, [])).toEqual([]);
    });
  });

  describe('duration', () => {
    it('checks it against durations, saying them as the user would write them', () => {
      expect(check('kling/kling-2.1', 'video', { prompt: 'A lighthouse', duration: 7000 })).toEqual([
        'Input "duration": model "kling/kling-2.1" does not take 7s; it takes 5s, 10s.',
      ]);
      expect(check('kling/kling-2.1', 'video', { prompt: 'A lighthouse', duration: 5000 })).toEqual([]);
    });

    it('reads bare numbers among durations as seconds (so `duration: 5`, 5 ms, is caught)', () => {
      expect(check('acme/i2v', 'video', { image: asset(), duration: 10000 })).toEqual([]);
      expect(check('acme/i2v', 'video', { image: asset(), duration: 5 })).toEqual([
        'Input "duration": model "acme/i2v" does not take 0.005s; it takes 5s, 10s.',
      ]);
    });

    it('checks it against max_duration_ms', () => {
      expect(check('hedra/character-3', 'video', { image: asset(), audio: asset(), duration: 90000 })).toEqual([
        'Input "duration": model "hedra/character-3" takes at most 60s; got 90s.',
      ]);
      expect(check('hedra/character-3', 'video', { image: asset(), audio: asset(), duration: 60000 })).toEqual([]);
    });

    it('ignores duration options it cannot read', () => {
      const [odd] = readCatalogue([{ slug: 'acme/odd', type: 'video', durations: ['short', 'long'] }]);
      expect(checkAgainstModel(odd, 'video', { prompt: 'x', duration: 7000 }, [])).toEqual([]);
    });
  });

  describe('prompt length', () => {
    it('checks the prompt against min_prompt_length and max_prompt_length, in characters', () => {
      expect(check('kling/kling-2.1', 'video', { prompt: 'Hi' })).toEqual(['Input "prompt": model "kling/kling-2.1" needs at least 3 characters; it has 2.']);
      expect(check('kling/kling-2.1', 'video', { prompt: 'x'.repeat(41) })).toEqual([
        'Input "prompt": model "kling/kling-2.1" takes at most 40 characters; it has 41.',
      ]);
      // Characters, not UTF-16 units: 40 emoji are 40 characters.
      expect(check('kling/kling-2.1', 'video', { prompt: '🌊'.repeat(40) })).toEqual([]);
    });

    it('says when a model with a minimum gets no prompt', () => {
      expect(check('kling/kling-2.1', 'video', {})).toEqual(['Input "prompt" is not set, but model "kling/kling-2.1" needs one of at least 3 characters.']);
    });

    it('checks the text of types that take a text instead of a prompt', () => {
      expect(check('Eleven v3', 'text_to_speech', { text: 'This sentence is too long.', 'voice-id': ASSET })).toEqual([
        'Input "text": model "Eleven v3" takes at most 20 characters; it has 26.',
      ]);
    });
  });

  describe('required inputs', () => {
    it('names what a prompt-only video lacks for Character-3 and suggests a text-to-video model', () => {
      expect(check('hedra/character-3', 'video', { prompt: 'A lighthouse keeper' })).toEqual([
        'Model "hedra/character-3" (Character-3, used when input "model" is not set) needs a start frame (input "image") and a soundtrack (input "audio", or "text" with "voice-id" for Hedra to speak), which are not given. To make a video from a prompt alone, set input "model" to a text-to-video model: kling/kling-2.1.',
      ]);
    });

    it('suggests text-to-video models without listing them when no catalogue is passed', () => {
      expect(checkAgainstModel(model('acme/i2v'), 'video', { prompt: 'A lighthouse' }, [])).toEqual([
        'Model "acme/i2v" needs a start frame (input "image"), which is not given. To make a video from a prompt alone, set input "model" to a text-to-video model (GET /models lists them).',
      ]);
    });

    it('names only what is missing when some media is given, without the text-to-video suggestion', () => {
      expect(check('hedra/character-3', 'video', { prompt: 'Hello', image: asset() })).toEqual([
        'Model "hedra/character-3" (Character-3, used when input "model" is not set) needs a soundtrack (input "audio", or "text" with "voice-id" for Hedra to speak), which is not given.',
      ]);
    });

    it('takes "text" with "voice-id" as the soundtrack on video, but not "text" alone', () => {
      expect(check('hedra/character-3', 'video', { image: asset(), text: 'Hello there', 'voice-id': ASSET })).toEqual([]);
      expect(check('hedra/character-3', 'video', { image: asset(), text: 'Hello there' })).toEqual([
        'Model "hedra/character-3" (Character-3, used when input "model" is not set) needs a soundtrack (input "audio", or "text" with "voice-id" for Hedra to speak), which is not given.',
      ]);
    });

    it('counts media given as asset ids, URLs and local files, and media the request input supplies', () => {
      expect(check('hedra/character-3', 'video', { image: url('https://example.com/face.png'), audio: asset() })).toEqual([]);
      expect(check('hedra/character-3', 'video', { image: file('face.png') }, [], ['audio'])).toEqual([]);
    });

    it('names an end frame and a source video when a model requires them', () => {
      const [both] = readCatalogue([{ slug: 'acme/v2v', type: 'video', requires_end_frame: true, requires_input_video: true }]);
      expect(checkAgainstModel(both, 'video', { prompt: 'x', image: asset() }, [])).toEqual([
        'Model "acme/v2v" needs an end frame (input "end-image") and a source video (input "video"), which are not given.',
      ]);
      const [v2v] = readCatalogue([{ slug: 'acme/restyle', type: 'video_to_video', requires_input_video: true }]);
      expect(checkAgainstModel(v2v, 'video_to_video', { prompt: 'x' }, [])).toEqual([
        'Model "acme/restyle" needs a source video (input "video"), which is not given.',
      ]);
    });

    it('names a soundtrack without the speech alternative for other types', () => {
      const [isolate] = readCatalogue([{ slug: 'acme/isolate', type: 'audio_isolation', requires_audio_input: true }]);
      expect(checkAgainstModel(isolate, 'audio_isolation', {}, [])).toEqual(['Model "acme/isolate" needs a soundtrack (input "audio"), which is not given.']);
    });
  });

  describe('input modes', () => {
    it('refuses media that fit no mode, listing the modes and what each takes', () => {
      expect(check('acme/i2v', 'video', { image: asset(), 'reference-images': [asset()] })).toEqual([
        'The media inputs given ("image" and "reference-images") fit none of the input modes of model "acme/i2v"; it takes image_to_video: "image" (required); or first_last_frame_to_video: "image" (required), "end-image" (required).',
      ]);
    });

    it('offers the implicit text_to_video mode only for a model that requires nothing', () => {
      const [flexible] = readCatalogue([
        { slug: 'acme/flex', type: 'video', inputs: [{ mode: 'image_to_video', slots: [{ type: 'image', role: 'start_frame', required: true }] }] },
      ]);
      expect(checkAgainstModel(flexible, 'video', { prompt: 'x' }, [])).toEqual([]);
      expect(checkAgainstModel(flexible, 'video', { prompt: 'x', audio: asset() }, [])).toEqual([
        'The media inputs given ("audio") fit none of the input modes of model "acme/flex"; it takes image_to_video: "image" (required); or text_to_video: a prompt alone.',
      ]);
    });

    it('says once what a required-by-flag input lacks, and still checks the combination', () => {
      expect(check('hedra/character-3', 'video', { prompt: 'Hello', 'end-image': asset() })).toEqual([
        'Model "hedra/character-3" (Character-3, used when input "model" is not set) needs a start frame (input "image") and a soundtrack (input "audio", or "text" with "voice-id" for Hedra to speak), which are not given.',
        'The media inputs given ("end-image") fit none of the input modes of model "hedra/character-3"; it takes audio_to_video: "image" (required), "audio" (required).',
      ]);
    });

    it('refuses a combination that lacks a slot the mode requires (no flag says so)', () => {
      const [pair] = readCatalogue([
        {
          slug: 'acme/pair',
          type: 'image_to_image',
          inputs: [
            {
              mode: 'blend',
              slots: [
                { type: 'image', role: 'start_frame', required: true },
                { type: 'image', role: 'reference', required: true, min_count: 2, max_count: 4 },
              ],
            },
          ],
        },
      ]);
      expect(checkAgainstModel(pair, 'image_to_image', { prompt: 'x', image: asset() }, [])).toEqual([
        'The media inputs given ("image") fit none of the input modes of model "acme/pair"; it takes blend: "image" (required), "reference-images" (required, 2 to 4).',
      ]);
      expect(checkAgainstModel(pair, 'image_to_image', { prompt: 'x', image: asset(), 'reference-images': [asset()] }, [])).toEqual([
        'Input "reference-images": model "acme/pair" needs at least 2 images; got 1.',
      ]);
      expect(checkAgainstModel(pair, 'image_to_image', { prompt: 'x', image: asset(), 'reference-images': [asset(), asset()] }, [])).toEqual([]);
    });

    it('ignores slots of roles it does not know, and slots whose media type does not match the role', () => {
      const [odd] = readCatalogue([
        {
          slug: 'acme/odd',
          type: 'video',
          inputs: [
            {
              mode: 'motion',
              slots: [
                { type: 'image', role: 'start_frame' },
                { type: 'video', role: 'reference', required: true },
                { type: 'video', role: 'character_orientation', required: true },
              ],
            },
          ],
        },
      ]);
      expect(checkAgainstModel(odd, 'video', { image: asset() }, [])).toEqual([]);
      expect(checkAgainstModel(odd, 'video', { image: asset(), 'reference-images': [asset()] }, [])).toEqual([
        'The media inputs given ("image" and "reference-images") fit none of the input modes of model "acme/odd"; it takes motion: "image" (optional); or text_to_video: a prompt alone.',
      ]);
    });

    it('counts reference-images against max_count', () => {
      const refs = (n: number) => Array.from({ length: n }, () => asset());
      expect(check('google/nano-banana', 'image', { prompt: 'A mug', 'reference-images': refs(3) })).toEqual([]);
      expect(check('google/nano-banana', 'image', { prompt: 'A mug', 'reference-images': refs(4) })).toEqual([
        'Input "reference-images": model "google/nano-banana" takes at most 3 images; got 4.',
      ]);
      expect(check('google/nano-banana', 'image', { prompt: 'A mug' })).toEqual([]);
    });

    it('does not count what the request input supplies (its count is unknown)', () => {
      const [pair] = readCatalogue([
        {
          slug: 'acme/refs',
          type: 'image',
          inputs: [{ mode: 'refs', slots: [{ type: 'image', role: 'reference', required: true, min_count: 2, max_count: 4 }] }],
        },
      ]);
      expect(checkAgainstModel(pair, 'image', { prompt: 'x' }, [], { supplied: suppliedByRequest('image', { reference_image_ids: [ASSET, ASSET] }) })).toEqual(
        [],
      );
    });

    it("checks each local file's size, in sizes a person reads", () => {
      const media: LocalMedia[] = [{ input: 'image', written: 'art/start.png', size: 12.5 * MiB, width: 1024, height: 768 }];
      expect(check('acme/i2v', 'video', { image: file('art/start.png') }, media)).toEqual([
        'Input "image": "art/start.png" is 12.5 MiB; model "acme/i2v" takes files of at most 10.0 MiB.',
      ]);
      const justOver: LocalMedia[] = [{ input: 'image', written: 'start.png', size: 10 * MiB + 1 }];
      expect(check('acme/i2v', 'video', { image: file('start.png') }, justOver)).toEqual([
        'Input "image": "start.png" is 10.0 MiB (10485761 bytes); model "acme/i2v" takes files of at most 10.0 MiB (10485760 bytes).',
      ]);
      expect(check('acme/i2v', 'video', { image: file('start.png') }, [{ input: 'image', written: 'start.png', size: 10 * MiB }])).toEqual([]);
    });

    it("checks each local image's pixel size when it is known", () => {
      const start = (width?: number, height?: number): LocalMedia[] => [{ input: 'image', written: 'start.png', size: 1000, width, height }];
      const image = file('start.png');
      expect(check('acme/i2v', 'video', { image }, start(5000, 3000))).toEqual([
        'Input "image": "start.png" is 5000×3000 px; model "acme/i2v" takes images between 300 and 4096 px on each side.',
      ]);
      expect(check('acme/i2v', 'video', { image }, start(1024, 200))).toEqual([
        'Input "image": "start.png" is 1024×200 px; model "acme/i2v" takes images between 300 and 4096 px on each side.',
      ]);
      expect(check('acme/i2v', 'video', { image }, start(4096, 300))).toEqual([]);
      expect(check('acme/i2v', 'video', { image }, start())).toEqual([]);
    });

    it('checks the files of the mode the inputs choose', () => {
      const media: LocalMedia[] = [
        { input: 'image', written: 'first.png', size: 1 * MiB, width: 800, height: 600 },
        { input: 'end-image', written: 'last.png', size: 6 * MiB, width: 800, height: 600 },
      ];
      expect(check('acme/i2v', 'video', { image: file('first.png'), 'end-image': file('last.png') }, media)).toEqual([
        'Input "end-image": "last.png" is 6.0 MiB; model "acme/i2v" takes files of at most 5.0 MiB.',
      ]);
    });

    it('has no size or pixels to check for media given as asset ids or URLs', () => {
      expect(check('acme/i2v', 'video', { image: asset() })).toEqual([]);
      expect(check('acme/i2v', 'video', { image: url('https://example.com/huge.png') })).toEqual([]);
    });
  });

  it('reads absent and null fields as no constraint', () => {
    const [bare] = readCatalogue([
      {
        slug: 'acme/bare',
        type: 'video',
        aspect_ratios: null,
        resolutions: [],
        durations: null,
        max_duration_ms: null,
        min_prompt_length: null,
        requires_start_frame: null,
        inputs: null,
      },
    ]);
    const mapped: Mapped = {
      prompt: '',
      'aspect-ratio': '7:3',
      resolution: '8K',
      duration: 3_600_000,
      image: asset(),
      'end-image': asset(),
      'reference-images': [asset(), asset(), asset(), asset(), asset()],
    };
    const media: LocalMedia[] = [{ input: 'image', written: 'x.png', size: 10 ** 9, width: 10, height: 10 }];
    expect(checkAgainstModel(bare, 'video', mapped, media)).toEqual([]);
    const [emptyModes] = readCatalogue([{ slug: 'acme/empty-modes', type: 'video', inputs: [] }]);
    expect(checkAgainstModel(emptyModes, 'video', mapped, media)).toEqual([]);
  });

  it('reports every problem at once', () => {
    const media: LocalMedia[] = [{ input: 'image', written: 'start.png', size: 11 * MiB, width: 100, height: 100 }];
    expect(
      check('acme/i2v', 'video', { prompt: 'A lighthouse', 'aspect-ratio': '4:1', duration: 7000, image: file('start.png'), 'end-image': asset() }, media),
    ).toEqual([
      'Input "aspect-ratio": model "acme/i2v" does not take "4:1"; it takes any width:height between 0.5 and 2 (such as 16:9, 9:16).',
      'Input "duration": model "acme/i2v" does not take 7s; it takes 5s, 10s.',
      'Input "image": "start.png" is 11.0 MiB; model "acme/i2v" takes files of at most 10.0 MiB.',
      'Input "image": "start.png" is 100×100 px; model "acme/i2v" takes images between 300 and 4096 px on each side.',
    ]);
    expect(check('kling/kling-2.1', 'video', { prompt: 'Hi', 'aspect-ratio': '4:3', resolution: '4K', duration: 20000 })).toEqual([
      'Input "aspect-ratio": model "kling/kling-2.1" does not take "4:3"; it takes 16:9, 9:16, 1:1.',
      'Input "resolution": model "kling/kling-2.1" does not take "4K"; it takes 720p, 1080p.',
      'Input "duration": model "kling/kling-2.1" does not take 20s; it takes 5s, 10s.',
      'Input "prompt": model "kling/kling-2.1" needs at least 3 characters; it has 2.',
    ]);
  });
});

describe('suppliedByRequest', () => {
  it('finds the media inputs the request input sets as body fields', () => {
    expect(
      suppliedByRequest('video', { audio_generation: { type: 'text_to_speech', text: 'hi', voice_id: ASSET }, start_keyframe_url: 'https://x/y.png' }),
    ).toEqual(['image', 'audio']);
    expect(suppliedByRequest('video', { end_keyframe_id: ASSET, video_id: ASSET, reference_image_ids: [ASSET] })).toEqual([
      'end-image',
      'video',
      'reference-images',
    ]);
  });

  it('ignores empty values and fields the type does not read', () => {
    expect(suppliedByRequest('video', { start_keyframe_id: null, reference_image_ids: [] })).toEqual([]);
    expect(suppliedByRequest('image', { start_keyframe_url: 'https://x/y.png', audio_id: ASSET })).toEqual([]);
    expect(suppliedByRequest('video', undefined)).toEqual([]);
  });
});
