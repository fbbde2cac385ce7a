import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapV3Input, type V3Model } from '../../src/apis/v3/input.ts';
import { checkV3Input, type V3LocalFile } from '../../src/apis/v3/schema.ts';
import { UnexpectedAnswer } from '../../src/core/errors.ts';
import type { MappedInput } from '../../src/inputs/kinds.ts';
import type { MediaRef } from '../../src/inputs/parsers.ts';
import { combinationsOf } from '../server/spec-v3.ts';

const doc = JSON.parse(readFileSync(new URL('../fixtures/openapi-v3.json', import.meta.url), 'utf8'));

/** A model as GET /models/{model} describes it, with its real input schema from Hedra's v3 document. */
function model(id: string, modality: string): V3Model {
  const inputSchema = doc.components.schemas[`Input_${id.replace(/-/g, '_')}`];
  if (!inputSchema) throw new Error(`no schema for ${id}`);
  return { id, modality, inputSchema };
}

/**
 * The model with the field combinations its description lists, as the input schema's top-level anyOf:
 * how spec 3.0.0 wrote them, and the form checkV3Input explains as what to change. Spec 3.9.0 writes
 * them only in the description ("Accepted field combinations (one per input mode): (1) requires: …;
 * must omit: …; accepts …"), which combinationsOf reads back, line for line.
 */
function withCombinations(m: V3Model): V3Model {
  const anyOf = combinationsOf(m.inputSchema);
  if (!anyOf) throw new Error(`the description of ${m.id} lists no combinations`);
  return { ...m, inputSchema: { ...m.inputSchema, anyOf } };
}

const KLING = model('kling-v3', 'video');
const GPT_IMAGE = model('gpt-image-2', 'image');
const ELEVEN = model('elevenlabs-v3', 'audio');
const CHARACTER = model('hedra-character-3', 'video');
const KONTEXT = model('flux-kontext-pro', 'image');
const VEO2 = model('veo-2', 'video');
const GEMINI = model('gemini-omni-flash', 'video');
const KLING_COMBOS = withCombinations(KLING);
const KONTEXT_COMBOS = withCombinations(KONTEXT);
const VEO2_COMBOS = withCombinations(VEO2);
const GPT_IMAGE_COMBOS = withCombinations(GPT_IMAGE);

const file = (written: string): MediaRef => ({ kind: 'file', written });
const media = (name: string) => ({ source: 'url', url: `https://files.invalid/${name}` });
/** What kling-v3 takes (spec 3.9.0 added the multi-shot storyboard: multi_prompt and shot_type). */
const KLING_TAKES =
  'It takes: prompt, image, end-image, resolution, aspect-ratio, duration; other fields through "request": multi_prompt, shot_type, generate_audio, negative_prompt, cfg_scale, quality.';
const KLING_DURATIONS = '3s, 4s, 5s, 6s, 7s, 8s, 9s, 10s, 11s, 12s, 13s, 14s, 15s';

/** A kling-v3 text-to-video input that passes, to spoil one field at a time. */
const KLING_OK = { prompt: 'A lighthouse at dusk', aspect_ratio: '16:9', duration_ms: 5000, quality: 'standard' };

/** The mapping and the schema check as the action runs them: the problems of both. */
async function problemsOf(m: V3Model, mapped: Partial<Record<MappedInput, unknown>>, request?: Record<string, unknown>): Promise<string[]> {
  const plan = mapV3Input({ model: m.id, mapped: mapped as never, request }, m, (written) => `https://files.invalid/${written}`);
  return [...plan.problems, ...(await checkV3Input(plan.input, m))];
}

describe('checkV3Input: inputs the schema takes', () => {
  it.each([
    ['kling-v3, text to video', KLING, KLING_OK],
    [
      'kling-v3, first and last frame at 4K',
      KLING,
      {
        ...KLING_OK,
        quality: 'pro',
        resolution: '4K',
        start_image: media('a.png'),
        end_image: { source: 'asset', asset_id: 'asset_0b7c1e2a-3d4f-4a5b-8c6d-7e8f9a0b1c2d' },
      },
    ],
    [
      'gpt-image-2 with images',
      GPT_IMAGE,
      { prompt: 'blend', aspect_ratio: '1:1', resolution: '2K', quality: 'high', images: [media('a.png'), media('b.png')] },
    ],
    ['elevenlabs-v3', ELEVEN, { text: 'Hello', voice_id: 'voice_0b7c1e2a', speed: 1.1 }],
    ['hedra-character-3', CHARACTER, { prompt: 'talks', aspect_ratio: '9:16', resolution: '720p', start_image: media('a.png'), audio: media('a.mp3') }],
    ['flux-kontext-pro editing an image', KONTEXT, { prompt: 'make it blue', images: [media('a.png')] }],
  ])('%s', async (_, m, input) => {
    expect(await checkV3Input(input, m)).toEqual([]);
  });

  it('passes what the mapping makes of a full set of workflow inputs', async () => {
    const mapped = { prompt: 'A lighthouse', image: file('s.png'), 'end-image': file('e.png'), resolution: '1080p', 'aspect-ratio': '16:9', duration: 5000 };
    expect(await problemsOf(KLING, mapped, { quality: 'pro' })).toEqual([]);
  });
});

describe('checkV3Input: required fields', () => {
  it('names the workflow input, with the values it takes (durations in seconds)', async () => {
    const { duration_ms: _, ...input } = KLING_OK;
    expect(await checkV3Input(input, KLING)).toEqual([`Model kling-v3 needs input "duration" (one of ${KLING_DURATIONS}).`]);
  });

  it('shows how to set a field that has no workflow input, through "request"', async () => {
    expect(await checkV3Input({ prompt: 'x', aspect_ratio: '1:1', resolution: '1K' }, GPT_IMAGE)).toEqual([
      'Model gpt-image-2 needs request field "quality" (one of low, medium, high): set it in input "request", e.g. request: \'{"quality": "medium"}\'.',
    ]);
  });

  it('says where the voices are listed', async () => {
    expect(await checkV3Input({ text: 'Hello' }, ELEVEN)).toEqual([
      'Model elevenlabs-v3 needs input "voice-id" (a voice_… id; GET /models/elevenlabs-v3/voices lists them).',
    ]);
  });

  it('names media inputs as the workflow writes them', async () => {
    expect(await checkV3Input({ prompt: 'x', aspect_ratio: '1:1', resolution: '720p' }, CHARACTER)).toEqual([
      'Model hedra-character-3 needs input "audio".',
      'Model hedra-character-3 needs input "image".',
    ]);
  });
});

describe('checkV3Input: values', () => {
  it('lists the allowed values of an enum', async () => {
    expect(await checkV3Input({ ...KLING_OK, aspect_ratio: '4:3' }, KLING)).toEqual([
      'Input "aspect-ratio" must be one of 16:9, 9:16, 1:1 for model kling-v3; got "4:3".',
    ]);
  });

  it('suggests the value a typo meant', async () => {
    expect(await checkV3Input({ prompt: 'x', aspect_ratio: '1:1', resolution: '1k', quality: 'low' }, GPT_IMAGE)).toEqual([
      'Input "resolution" must be one of 1K, 2K, 4K for model gpt-image-2; got "1k". Did you mean "1K"?',
    ]);
    expect(await checkV3Input({ ...KLING_OK, quality: 'standrd' }, KLING)).toEqual([
      'Request field "quality" must be one of standard, pro for model kling-v3; got "standrd". Did you mean "standard"?',
    ]);
  });

  it('shows durations as seconds, and a bare number meant as seconds', async () => {
    expect(await checkV3Input({ ...KLING_OK, duration_ms: 4500 }, KLING)).toEqual([
      `Input "duration" must be one of ${KLING_DURATIONS} for model kling-v3; got "4.5s".`,
    ]);
    expect(await checkV3Input({ ...KLING_OK, duration_ms: 5 }, KLING)).toEqual([
      `Input "duration" must be one of ${KLING_DURATIONS} for model kling-v3; got "0.005s". Did you mean "5s"? A bare number is milliseconds.`,
    ]);
    expect(
      await checkV3Input({ prompt: 'x', aspect_ratio: '1:1', resolution: '720p', start_image: media('a'), audio: media('b'), duration_ms: 700000 }, CHARACTER),
    ).toEqual(['Input "duration" must be at most 600s for model hedra-character-3; got "700s".']);
  });

  it('gives the bound of a number', async () => {
    expect(await checkV3Input({ ...KLING_OK, cfg_scale: 2 }, KLING)).toEqual(['Request field "cfg_scale" must be at most 1 for model kling-v3; got 2.']);
    expect(await checkV3Input({ text: 'Hi', voice_id: 'v', speed: 0.5 }, ELEVEN)).toEqual([
      'Request field "speed" must be at least 0.7 for model elevenlabs-v3; got 0.5.',
    ]);
    expect(await checkV3Input({ prompt: 'x', aspect_ratio: '16:9', resolution: '720p', quality: 'fast', seed: -1 }, model('veo-31', 'video'))).toEqual([
      'Input "seed" must be at least 0 for model veo-31; got -1.',
    ]);
  });

  it('gives the length of a text', async () => {
    expect(await checkV3Input({ ...KLING_OK, prompt: 'x'.repeat(2501) }, KLING)).toEqual([
      'Input "prompt" must have at most 2500 characters for model kling-v3; got 2501.',
    ]);
  });

  it('says what type a field takes', async () => {
    expect(await checkV3Input({ text: 'Hi', voice_id: 'v', stability: 'high' }, ELEVEN)).toEqual([
      'Request field "stability" must be a number for model elevenlabs-v3; got "high".',
    ]);
    expect(await checkV3Input({ ...KLING_OK, generate_audio: 'yes' }, KLING)).toEqual([
      'Request field "generate_audio" must be true or false for model kling-v3; got "yes".',
    ]);
  });

  it('calls a prompt of spaces blank', async () => {
    expect(await checkV3Input({ ...KLING_OK, prompt: ' \n\u001f ' }, KLING)).toEqual(['Input "prompt" must not be blank for model kling-v3.']);
    expect(await checkV3Input({ text: '   ', voice_id: 'v' }, ELEVEN)).toEqual(['Input "text" must not be blank for model elevenlabs-v3.']);
  });

  it('counts the images of a list', async () => {
    const images = Array.from({ length: 17 }, (_, i) => media(`${i}.png`));
    const base = { prompt: 'x', aspect_ratio: '1:1', resolution: '1K', quality: 'low' };
    expect(await checkV3Input({ ...base, images }, GPT_IMAGE)).toEqual(['Input "reference-images" takes at most 16 images for model gpt-image-2; got 17.']);
    expect(await checkV3Input({ ...base, images: [] }, GPT_IMAGE)).toEqual(['Input "reference-images" needs at least 1 image for model gpt-image-2; got 0.']);
  });

  it('describes a media object given through "request" that has neither form', async () => {
    expect(await checkV3Input({ ...KLING_OK, start_image: { source: 'file', path: 'a.png' } }, KLING)).toEqual([
      'Input "image" must be {"source": "url", "url": …} or {"source": "asset", "asset_id": "asset_…"} for model kling-v3; got {"source":"file","path":"a.png"}.',
    ]);
    expect(await checkV3Input({ prompt: 'x', aspect_ratio: '16:9', videos: [{ source: 'url', url: 'not a url' }] }, GEMINI)).toEqual([
      'Request field "videos[0]" must be {"source": "url", "url": …} or {"source": "asset", "asset_id": "asset_…"} for model gemini-omni-flash; got {"source":"url","url":"not a url"}.',
    ]);
  });
});

describe('checkV3Input: fields the model does not take', () => {
  it('names the request field, suggests the one meant and lists what the model takes', async () => {
    expect(await checkV3Input({ ...KLING_OK, qualty: 'pro' }, KLING)).toEqual([
      `Model kling-v3 does not take request field "qualty". Did you mean "quality"? ${KLING_TAKES}`,
    ]);
  });

  it('is said once, by the mapping, for a typed input', async () => {
    expect(await problemsOf(KLING, { prompt: 'x', 'aspect-ratio': '16:9', duration: 5000, audio: file('a.mp3') }, { quality: 'standard' })).toEqual([
      `Model kling-v3 does not take input "audio". ${KLING_TAKES}`,
    ]);
  });
});

describe('checkV3Input: combinations (anyOf)', () => {
  it('says what to change, from the combinations that need the fewest changes', async () => {
    expect(await checkV3Input({ ...KLING_OK, quality: 'pro' }, KLING_COMBOS)).toEqual([
      'The inputs given fit none of the combinations model kling-v3 takes: either set input "resolution" to 1080p or 4K, or set request field "quality" to standard.',
    ]);
    expect(await checkV3Input({ ...KLING_OK, end_image: media('e.png') }, KLING_COMBOS)).toEqual([
      'The inputs given fit none of the combinations model kling-v3 takes: either give input "image", or remove input "end-image".',
    ]);
  });

  it('words the images-or-not combinations of an image editor', async () => {
    expect(await checkV3Input({ prompt: 'x', aspect_ratio: '1:1', images: [media('a.png')] }, KONTEXT_COMBOS)).toEqual([
      'The inputs given fit none of the combinations model flux-kontext-pro takes: either remove input "aspect-ratio", or remove input "reference-images".',
    ]);
    expect(await checkV3Input({ prompt: 'x' }, KONTEXT_COMBOS)).toEqual([
      'The inputs given fit none of the combinations model flux-kontext-pro takes: either give input "reference-images", or set input "aspect-ratio" (one of 16:9, 9:16, 1:1, 4:3, 3:4, 21:9, 9:21, 3:2, 2:3).',
    ]);
  });

  it('gives both ways when there are two, the fewer changes first', async () => {
    expect(await checkV3Input({ prompt: 'x', start_image: media('a.png'), seed: 1, negative_prompt: 'dogs' }, VEO2_COMBOS)).toEqual([
      'The inputs given fit none of the combinations model veo-2 takes: either remove input "image", or remove request field "negative_prompt" and input "seed".',
    ]);
  });

  it('says nothing more when the fields reported on their own explain it', async () => {
    // Both combinations of gpt-image-2 require resolution, which is already reported as missing.
    expect(await checkV3Input({ prompt: 'x', aspect_ratio: '1:1', quality: 'low' }, GPT_IMAGE_COMBOS)).toEqual([
      'Model gpt-image-2 needs input "resolution" (one of 1K, 2K, 4K).',
    ]);
    // A resolution outside the list fails every combination of kling-v3 too.
    expect(await checkV3Input({ ...KLING_OK, resolution: '8K' }, KLING_COMBOS)).toEqual([
      'Input "resolution" must be one of 1080p, 4K, 720p for model kling-v3; got "8K". Did you mean "4K"?',
    ]);
  });
});

describe('checkV3Input: local files', () => {
  const local = (over: Partial<V3LocalFile>): V3LocalFile => ({ input: 'image', written: 'a.png', kind: 'image', bytes: 1000, path: ['start_image'], ...over });

  it('checks the kind of media of each file against its field', async () => {
    expect(await checkV3Input(KLING_OK, KLING, [local({ written: 'x.mp3', kind: 'audio' })])).toEqual([
      'Input "image" must be an image file for model kling-v3; "x.mp3" is audio.',
    ]);
    expect(await checkV3Input(KLING_OK, CHARACTER, [local({ input: 'audio', written: 'face.png', path: ['audio'] })])).toContain(
      'Input "audio" must be an audio file for model hedra-character-3; "face.png" is an image.',
    );
    expect(await checkV3Input(KLING_OK, KLING, [local({ written: 'x.pdf', kind: 'pdf' })])).toEqual([
      'Input "image" must be an image file for model kling-v3; "x.pdf" is of kind pdf.',
    ]);
  });

  it('checks the size of each file, in the units v2 uses (MiB), on the list for list fields', async () => {
    expect(await checkV3Input(KLING_OK, KLING, [local({ bytes: 12_345_678 }), local({ written: 'ok.png', bytes: 10_485_760 })])).toEqual([
      'Input "image": "a.png" is 11.8 MiB; model kling-v3 takes files of at most 10.0 MiB.',
    ]);
    expect(await checkV3Input({}, GPT_IMAGE, [local({ input: 'reference-images', written: 'b.png', path: ['images', 1], bytes: 30_000_001 })])).toContain(
      'Input "reference-images": "b.png" is 28.6 MiB (30000001 bytes); model gpt-image-2 takes files of at most 28.6 MiB (30000000 bytes).',
    );
  });

  it('leaves alone a file whose field the model does not have', async () => {
    expect(await checkV3Input(KLING_OK, KLING, [local({ input: 'audio', path: ['audio'], kind: 'image', bytes: 1e12 })])).toEqual([]);
  });
});

describe('checkV3Input: all problems at once', () => {
  it('reports the mapping and schema problems together, each once', async () => {
    const problems = await problemsOf(
      KLING_COMBOS,
      { prompt: '   ', 'aspect-ratio': '4:3', image: { kind: 'url', url: 'https://192.168.1.2/a.png' }, name: 'n' },
      { quality: 'ultra', qualty: 'pro' },
    );
    expect(problems).toEqual([
      'Input "image": 192.168.1.2 is not a public address, so Hedra cannot fetch https://192.168.1.2: give a public https URL, or the file itself (a path in the repository).',
      `Model kling-v3 does not take input "name". ${KLING_TAKES}`,
      `Model kling-v3 needs input "duration" (one of ${KLING_DURATIONS}).`,
      `Model kling-v3 does not take request field "qualty". Did you mean "quality"? ${KLING_TAKES}`,
      'Input "prompt" must not be blank for model kling-v3.',
      'Input "aspect-ratio" must be one of 16:9, 9:16, 1:1 for model kling-v3; got "4:3".',
      'Request field "quality" must be one of standard, pro for model kling-v3; got "ultra".',
    ]);
  });

  it("never shows Ajv's own wording for combinations", async () => {
    const inputs = [{}, { prompt: 'x', quality: 'pro' }, { ...KLING_OK, start_image: 1, end_image: media('e') }, { ...KLING_OK, resolution: '4K' }];
    for (const input of inputs) {
      const problems = await checkV3Input(input, KLING_COMBOS);
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) expect(problem).not.toMatch(/must match|schema in anyOf|oneOf/);
    }
  });

  it('says the same thing once', async () => {
    const twice: V3LocalFile = { input: 'image', written: 'a.png', kind: 'image', bytes: 20_000_000, path: ['start_image'] };
    expect(await checkV3Input(KLING_OK, KLING, [twice, twice])).toEqual([
      'Input "image": "a.png" is 19.1 MiB; model kling-v3 takes files of at most 10.0 MiB.',
    ]);
  });
});

describe('checkV3Input: the schema', () => {
  it('compiles each schema object once', async () => {
    let reads = 0;
    const counted = new Proxy(structuredClone(KLING.inputSchema), {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const m = { ...KLING, inputSchema: counted };
    expect(await checkV3Input(KLING_OK, m)).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    reads = 0;
    expect(await checkV3Input(KLING_OK, m)).toEqual([]);
    expect(reads).toBe(0);
  });

  it('reads the schema as JSON Schema 2020-12, whatever $schema says', async () => {
    const inputSchema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { seed: { type: 'integer' } } };
    expect(await checkV3Input({ seed: 'x' }, { id: 'm', modality: 'video', inputSchema })).toEqual([
      'Input "seed" must be a whole number for model m; got "x".',
    ]);
  });

  it("throws UnexpectedAnswer, not a user problem, when Hedra's schema cannot be compiled", async () => {
    const broken: V3Model = { id: 'm', modality: 'video', inputSchema: { properties: { prompt: { type: 'string', pattern: '(?P<x>a)' } } } };
    await expect(checkV3Input({ prompt: 'a' }, broken)).rejects.toThrow(UnexpectedAnswer);
    await expect(checkV3Input({ prompt: 'a' }, broken)).rejects.toThrow(
      /^Hedra's input schema for model m \(GET \/models\/m\) cannot be used to check the inputs: /,
    );
  });

  it('loads Ajv only when called (a dynamic import), so that v2 runs never load it', () => {
    const source = readFileSync(new URL('../../src/apis/v3/schema.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import (?!type )[^;]*from 'ajv/m);
    expect(source).toMatch(/import\('ajv\/dist\/2020\.js'\)/);
    expect(source).toMatch(/import\('ajv-formats'\)/);
  });
});
