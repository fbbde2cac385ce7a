import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapV3Input, notTakenProblem, type V3Inputs, type V3Model, workflowInputFor } from '../../src/apis/v3/input.ts';
import type { MediaRef } from '../../src/inputs/parsers.ts';

const doc = JSON.parse(readFileSync(new URL('../fixtures/openapi-v3.json', import.meta.url), 'utf8'));

/** A model as GET /models/{model} describes it, with its real input schema from Hedra's v3 document. */
function model(id: string, modality: string): V3Model {
  const inputSchema = doc.components.schemas[`Input_${id.replace(/-/g, '_')}`];
  if (!inputSchema) throw new Error(`no schema for ${id}`);
  return { id, modality, inputSchema };
}

const KLING = model('kling-v3', 'video');
const GPT_IMAGE = model('gpt-image-2', 'image');
const ELEVEN = model('elevenlabs-v3', 'audio');
const CHARACTER = model('hedra-character-3', 'video');
const GEMINI = model('gemini-omni-flash', 'video');
const VEO = model('veo-31', 'video');
const SEEDANCE = model('seedance-20', 'video');

const file = (written: string): MediaRef => ({ kind: 'file', written });
const url = (written: string) => `https://files.invalid/${written}`;
const map = (inputs: Partial<V3Inputs>, m: V3Model) => mapV3Input({ model: m.id, mapped: {}, ...inputs }, m, url);

const V3_ASSET = 'asset_0b7c1e2a-3d4f-4a5b-8c6d-7e8f9a0b1c2d';
const V2_ASSET = '11111111-1111-4111-8111-111111111111';
/** What kling-v3 takes (spec 3.9.0 added the multi-shot storyboard: multi_prompt and shot_type). */
const KLING_TAKES =
  'It takes: prompt, image, end-image, resolution, aspect-ratio, duration; other fields through "request": multi_prompt, shot_type, generate_audio, negative_prompt, cfg_scale, quality.';

describe('mapV3Input: a correct request', () => {
  it('puts every typed input and the request fields in the input, and notes where each file goes', () => {
    const plan = map(
      {
        mapped: {
          prompt: 'A lighthouse at dusk',
          image: file('frames/start.png'),
          'end-image': file('frames/end.png'),
          resolution: '1080p',
          'aspect-ratio': '16:9',
          duration: 5000,
        },
        request: { quality: 'pro', generate_audio: false },
      },
      KLING,
    );
    expect(plan.problems).toEqual([]);
    expect(plan.input).toEqual({
      quality: 'pro',
      generate_audio: false,
      prompt: 'A lighthouse at dusk',
      start_image: { source: 'url', url: 'https://files.invalid/frames/start.png' },
      end_image: { source: 'url', url: 'https://files.invalid/frames/end.png' },
      resolution: '1080p',
      aspect_ratio: '16:9',
      duration_ms: 5000,
    });
    expect(plan.media).toEqual([
      { input: 'image', written: 'frames/start.png', path: ['start_image'], kind: 'file' },
      { input: 'end-image', written: 'frames/end.png', path: ['end_image'], kind: 'file' },
    ]);
  });

  it('asks fileUrl for each file, so the caller can map once with placeholders and again with the uploaded URLs', () => {
    const uploaded: Record<string, string> = { 'a.png': 'https://api.hedra.com/v3/files/f1', 'b.png': 'https://api.hedra.com/v3/files/f2' };
    const plan = mapV3Input(
      { model: 'gpt-image-2', mapped: { prompt: 'blend', 'reference-images': [file('a.png'), file('b.png')] } },
      GPT_IMAGE,
      (written) => uploaded[written],
    );
    expect(plan.input.images).toEqual([
      { source: 'url', url: 'https://api.hedra.com/v3/files/f1' },
      { source: 'url', url: 'https://api.hedra.com/v3/files/f2' },
    ]);
  });
});

describe('mapV3Input: where each input goes', () => {
  it.each([
    ['prompt', KLING, { prompt: 'a cat' }, { prompt: 'a cat' }],
    ['prompt on a speech model (text, no prompt)', ELEVEN, { prompt: 'Hello there' }, { text: 'Hello there' }],
    ['text', ELEVEN, { text: 'Hello there' }, { text: 'Hello there' }],
    ['voice-id', ELEVEN, { 'voice-id': 'voice_0b7c1e2a' }, { voice_id: 'voice_0b7c1e2a' }],
    ['aspect-ratio', KLING, { 'aspect-ratio': '9:16' }, { aspect_ratio: '9:16' }],
    ['resolution', KLING, { resolution: '720p' }, { resolution: '720p' }],
    ['duration (milliseconds)', KLING, { duration: 10000 }, { duration_ms: 10000 }],
    ['duration finer than a millisecond, rounded', KLING, { duration: 4999.6 }, { duration_ms: 5000 }],
    ['seed', VEO, { seed: 42 }, { seed: 42 }],
  ] as const)('%s', (_, m, mapped, expected) => {
    const plan = map({ mapped }, m);
    expect(plan.problems).toEqual([]);
    expect(plan.input).toEqual(expected);
  });

  it.each([
    ['image → start_image', KLING, 'image', 'start_image', false],
    ['end-image → end_image', KLING, 'end-image', 'end_image', false],
    ['audio → audio', CHARACTER, 'audio', 'audio', false],
    ['audio → audios when the model has only audios', SEEDANCE, 'audio', 'audios', true],
    ['video → source_video', GEMINI, 'video', 'source_video', false],
    ['video → source_video (veo-31)', VEO, 'video', 'source_video', false],
    ['video → videos when the model has only videos', SEEDANCE, 'video', 'videos', true],
  ] as const)('%s', (_, m, input, field, list) => {
    const plan = map({ mapped: { [input]: file('in/x') } }, m);
    const item = { source: 'url', url: 'https://files.invalid/in/x' };
    expect(plan.problems).toEqual([]);
    expect(plan.input).toEqual({ [field]: list ? [item] : item });
    expect(plan.media).toEqual([{ input, written: 'in/x', path: list ? [field, 0] : [field], kind: 'file' }]);
  });

  it('reference-images → images, a list, each file at its index', () => {
    const plan = map({ mapped: { 'reference-images': [file('a.png'), file('b.png')] } }, GPT_IMAGE);
    expect(plan.input).toEqual({
      images: [
        { source: 'url', url: 'https://files.invalid/a.png' },
        { source: 'url', url: 'https://files.invalid/b.png' },
      ],
    });
    expect(plan.media.map((slot) => slot.path)).toEqual([
      ['images', 0],
      ['images', 1],
    ]);
  });

  it('takes a v3 asset id, whether the parser read it as a path or as an asset', () => {
    const plan = map({ mapped: { image: file(V3_ASSET), 'reference-images': [{ kind: 'asset', id: V3_ASSET }] } }, VEO);
    expect(plan.problems).toEqual([]);
    expect(plan.input).toEqual({ start_image: { source: 'asset', asset_id: V3_ASSET }, images: [{ source: 'asset', asset_id: V3_ASSET }] });
    expect(plan.media).toEqual([
      { input: 'image', written: V3_ASSET, path: ['start_image'], kind: 'asset' },
      { input: 'reference-images', written: V3_ASSET, path: ['images', 0], kind: 'asset' },
    ]);
  });

  it('ignores batch-size: the caller submits that many jobs', () => {
    const plan = map({ mapped: { prompt: 'a cat', 'batch-size': 3 } }, KLING);
    expect(plan).toEqual({ input: { prompt: 'a cat' }, media: [], problems: [] });
  });
});

describe('mapV3Input: media v3 cannot take', () => {
  it('refuses a v2 asset id (a bare UUID)', () => {
    const plan = map({ mapped: { image: { kind: 'asset', id: V2_ASSET } } }, KLING);
    expect(plan.problems).toEqual([
      `Input "image": "${V2_ASSET}" is a v2 asset id; v3 takes files (a path in the repository) or asset ids of earlier v3 outputs (asset_…).`,
    ]);
    expect(plan.media).toEqual([]);
  });

  it('sends a public https URL as it is, for Hedra to fetch, and notes it as a URL slot', () => {
    const plan = map({ mapped: { image: { kind: 'url', url: 'https://example.com/cat.png' } } }, KLING);
    expect(plan.problems).toEqual([]);
    expect(plan.input).toEqual({ start_image: { source: 'url', url: 'https://example.com/cat.png' } });
    expect(plan.media).toEqual([{ input: 'image', written: 'https://example.com/cat.png', path: ['start_image'], kind: 'url' }]);
  });

  it('refuses a URL Hedra cannot fetch (a private address) or that carries a password, and still fills the field', () => {
    const plan = map(
      { mapped: { image: { kind: 'url', url: 'https://10.0.0.7/cat.png' }, 'end-image': { kind: 'url', url: 'https://me:pw@cdn.test/e.png' } } },
      KLING,
    );
    expect(plan.problems).toEqual([
      'Input "image": 10.0.0.7 is not a public address, so Hedra cannot fetch https://10.0.0.7: give a public https URL, or the file itself (a path in the repository).',
      'Input "end-image": the URL carries a user name or password, which would be sent to Hedra: give a public URL without them, or the file itself.',
    ]);
    expect(plan.input.start_image).toEqual({ source: 'url', url: 'https://10.0.0.7/cat.png' });
    expect(plan.media).toEqual([]);
  });

  it('reports each bad item of a list and keeps the good ones as slots', () => {
    const plan = map({ mapped: { 'reference-images': [file('ok.png'), { kind: 'asset', id: V2_ASSET }] } }, GPT_IMAGE);
    expect(plan.problems).toEqual([
      `Input "reference-images": "${V2_ASSET}" is a v2 asset id; v3 takes files (a path in the repository) or asset ids of earlier v3 outputs (asset_…).`,
    ]);
    expect(plan.media).toEqual([{ input: 'reference-images', written: 'ok.png', path: ['images', 0], kind: 'file' }]);
  });
});

describe('mapV3Input: inputs without a v3 field', () => {
  it('names an input the model does not take, with what it takes', () => {
    const plan = map({ mapped: { prompt: 'a cat', audio: file('a.mp3') } }, KLING);
    expect(plan.problems).toEqual([`Model kling-v3 does not take input "audio". ${KLING_TAKES}`]);
    expect(plan.input).toEqual({ prompt: 'a cat' });
    expect(plan.media).toEqual([]);
  });

  it('points text to prompt on a model that takes a prompt, not text', () => {
    expect(map({ mapped: { text: 'Hello' } }, KLING).problems).toEqual([
      `Model kling-v3 does not take input "text" (its prompt goes in input "prompt"). ${KLING_TAKES}`,
    ]);
  });

  it('points image to reference-images on a model that edits images', () => {
    expect(map({ mapped: { image: file('a.png') } }, GPT_IMAGE).problems).toEqual([
      'Model gpt-image-2 does not take input "image" (its images go in input "reference-images"). It takes: prompt, resolution, aspect-ratio, reference-images; other fields through "request": enhance_prompt, output_format, quality.',
    ]);
  });

  it('points reference-images to image on a model that takes only a start frame', () => {
    expect(map({ mapped: { 'reference-images': [file('a.png')] } }, KLING).problems).toEqual([
      `Model kling-v3 does not take input "reference-images" (its start frame goes in input "image"). ${KLING_TAKES}`,
    ]);
  });

  it('lists a speech model\'s text once, under "text"', () => {
    expect(map({ mapped: { seed: 1 } }, ELEVEN).problems).toEqual([
      'Model elevenlabs-v3 does not take input "seed". It takes: text, voice-id; other fields through "request": stability, speed, language.',
    ]);
  });

  it('lists videos as a request field on a model whose input "video" is the source video', () => {
    expect(map({ mapped: { seed: 1 } }, GEMINI).problems).toEqual([
      'Model gemini-omni-flash does not take input "seed". It takes: prompt, image, video, resolution, aspect-ratio, duration, reference-images; other fields through "request": videos.',
    ]);
  });

  it('refuses prompt and text together when both would go to the same field', () => {
    const plan = map({ mapped: { prompt: 'Hi', text: 'Hello' } }, ELEVEN);
    expect(plan.problems).toEqual(['Inputs "prompt" and "text" both go to field "text" of model elevenlabs-v3: give only one of them.']);
    expect(plan.input).toEqual({ text: 'Hi' });
  });

  it('refuses name on a model without a name field, saying what it takes', () => {
    const plan = map({ mapped: { prompt: 'a cat', name: 'my video' } }, KLING);
    expect(plan.problems).toEqual([`Model kling-v3 does not take input "name". ${KLING_TAKES}`]);
    expect(plan.input).toEqual({ prompt: 'a cat' });
  });
});

describe('mapV3Input: the request input', () => {
  it('merges its fields, and a typed input wins over a request field of the same name', () => {
    const plan = map({ mapped: { prompt: 'typed', 'aspect-ratio': '9:16' }, request: { prompt: 'from request', aspect_ratio: '1:1', cfg_scale: 0.5 } }, KLING);
    expect(plan.problems).toEqual([]);
    expect(plan.input).toEqual({ prompt: 'typed', aspect_ratio: '9:16', cfg_scale: 0.5 });
  });

  it('passes fields the model does not have on to the schema check', () => {
    expect(map({ request: { qualty: 'pro' } }, KLING).input).toEqual({ qualty: 'pro' });
  });

  it('refuses the v3 body shape {"input": {...}}, keeping the other fields', () => {
    const plan = map({ request: { input: { quality: 'pro' }, cfg_scale: 0.5 } }, KLING);
    expect(plan.problems).toEqual([
      'Input "request" wraps its fields in "input": on v3, "request" holds the model\'s input fields directly, e.g. request: \'{"quality": …}\' instead of \'{"input": {"quality": …}}\'.',
    ]);
    expect(plan.input).toEqual({ cfg_scale: 0.5 });
  });
});

describe('mapV3Input: type', () => {
  it.each([
    ['video', KLING],
    ['image', GPT_IMAGE],
    ['text_to_speech', ELEVEN],
  ] as const)('accepts %s for a model that makes it', (type, m) => {
    expect(map({ type, mapped: {} }, m).problems).toEqual([]);
  });

  it('refuses a type of another modality, saying what the model makes and what to set', () => {
    expect(map({ type: 'image' }, KLING).problems).toEqual([
      'Input "type" is image, but model kling-v3 makes videos, not images. Set type: video, or leave "type" out: on v3 the model decides what is made.',
    ]);
    expect(map({ type: 'video' }, ELEVEN).problems).toEqual([
      'Input "type" is video, but model elevenlabs-v3 makes audio, not videos. Set type: text_to_speech, or leave "type" out: on v3 the model decides what is made.',
    ]);
  });

  it('takes image_to_image for an image model that takes images (no fixed list of kinds v3 lacks)', () => {
    expect(map({ type: 'image_to_image' }, GPT_IMAGE).problems).toEqual([]);
  });

  it('refuses a kind of the same modality the model is not, with the types that fit it', () => {
    expect(map({ type: 'voice_clone' }, CHARACTER).problems).toEqual([
      'Input "type" is voice_clone, but model hedra-character-3 makes videos, not audio. Set type: video, or leave "type" out: on v3 the model decides what is made.',
    ]);
    expect(map({ type: 'motion_control' }, KLING).problems).toEqual([
      'Input "type" is motion_control, but model kling-v3 makes videos and is not a motion_control model (one that moves a character image as a driving video does, with a field character_orientation). Set type: video, or leave "type" out: on v3 the model decides what is made.',
    ]);
  });

  it('leaves a model of an unknown modality alone without a type, and says so with one', () => {
    const odd: V3Model = { ...KLING, id: 'mesh-1', modality: '3d' };
    expect(map({}, odd).problems).toEqual([]);
    expect(map({ type: 'video' }, odd).problems).toEqual([
      'Input "type" is video, but model mesh-1 makes 3d, not videos. Leave "type" out: on v3 the model decides what is made.',
    ]);
  });
});

describe('mapV3Input: several problems at once', () => {
  it('reports all of them, in order: type, request, then the inputs', () => {
    const plan = map(
      {
        type: 'image',
        mapped: {
          prompt: 'a cat',
          image: { kind: 'asset', id: V2_ASSET },
          audio: file('a.mp3'),
          'end-image': { kind: 'url', url: 'https://127.0.0.1/end.png' },
          name: 'x',
        },
        request: { input: {} },
      },
      KLING,
    );
    expect(plan.problems).toEqual([
      'Input "type" is image, but model kling-v3 makes videos, not images. Set type: video, or leave "type" out: on v3 the model decides what is made.',
      'Input "request" wraps its fields in "input": on v3, "request" holds the model\'s input fields directly, e.g. request: \'{"prompt": …}\' instead of \'{"input": {"prompt": …}}\'.',
      `Input "image": "${V2_ASSET}" is a v2 asset id; v3 takes files (a path in the repository) or asset ids of earlier v3 outputs (asset_…).`,
      'Input "end-image": 127.0.0.1 is not a public address, so Hedra cannot fetch https://127.0.0.1: give a public https URL, or the file itself (a path in the repository).',
      `Model kling-v3 does not take input "audio". ${KLING_TAKES}`,
      `Model kling-v3 does not take input "name". ${KLING_TAKES}`,
    ]);
  });
});

describe('workflowInputFor', () => {
  it.each([
    ['input.aspect_ratio', undefined, 'aspect-ratio'],
    ['aspect_ratio', undefined, 'aspect-ratio'],
    ['duration_ms', undefined, 'duration'],
    ['start_image', undefined, 'image'],
    ['end_image.url', undefined, 'end-image'],
    ['images[1]', undefined, 'reference-images'],
    ['/images/1/url', undefined, 'reference-images'],
    ['voice_id', undefined, 'voice-id'],
    ['source_video', undefined, 'video'],
    ['videos[0]', undefined, 'video'],
    ['audios', undefined, 'audio'],
    ['text', undefined, 'text'],
    ['quality', undefined, 'request field "quality"'],
    ['input.foo[0].bar', undefined, 'request field "foo[0].bar"'],
    ['text', ELEVEN, 'text'],
    ['videos', SEEDANCE, 'video'],
    ['videos[2]', GEMINI, 'request field "videos[2]"'],
    ['source_video', GEMINI, 'video'],
    ['seed', ELEVEN, 'request field "seed"'],
    ['prompt', KLING, 'prompt'],
  ] as const)('%s (%s) → %s', (field, m, expected) => {
    expect(workflowInputFor(field, m)).toBe(expected);
  });
});

describe('notTakenProblem', () => {
  it('says so for a model that takes only request fields, or nothing', () => {
    const only: V3Model = { id: 'm', modality: 'video', inputSchema: { properties: { quality: { type: 'string' }, num_outputs: { enum: [1] } } } };
    expect(notTakenProblem(only, 'input "seed"')).toBe('Model m does not take input "seed". It takes only fields through "request": quality.');
    expect(notTakenProblem({ ...only, inputSchema: {} }, 'input "seed"')).toBe('Model m does not take input "seed". It takes no inputs.');
  });
});
