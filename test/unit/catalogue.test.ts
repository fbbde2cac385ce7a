import { describe, expect, it } from 'vitest';
import { modelLabel, parseDurationOption, readCatalogue } from '../../src/apis/v2/catalogue.ts';
import { UnexpectedAnswer } from '../../src/core/errors.ts';

const CHARACTER_3 = 'd1dd37a3-e39a-4854-a298-6510289f9cf2';

describe('readCatalogue', () => {
  it('reads an answer shaped as the spec documents it, keeping fields it does not know', () => {
    const [model] = readCatalogue([
      {
        id: CHARACTER_3,
        slug: 'hedra/character-3',
        name: 'Character-3',
        description: null,
        type: 'video',
        aspect_ratios: ['1:1', '16:9', '9:16'],
        aspect_ratio_range: null,
        resolutions: ['540p', '720p'],
        durations: null,
        requires_start_frame: true,
        requires_end_frame: false,
        requires_audio_input: true,
        requires_input_video: null,
        max_duration_ms: 60000,
        min_prompt_length: null,
        max_prompt_length: 1000,
        inputs: [
          {
            mode: 'audio_to_video',
            slots: [
              { type: 'image', role: 'start_frame', required: true, max_file_size_bytes: 10485760, min_dimension_px: 256, max_dimension_px: 4096 },
              { type: 'audio', role: 'audio_input', required: true, max_duration_ms: 60000 },
            ],
          },
        ],
        price_details: { credit_cost: 6, unit_scale: 1, billing_unit: 'second' },
        pricing: { base_cost: 0, credits_per_second: 6, modifiers: { resolution: { '720p': 1.5 } } },
        premium: false,
        display_order: 1,
        logo_url: 'https://example.com/logo.svg',
        brand_new_field: { nested: true },
      },
    ]);
    expect(model).toMatchObject({
      id: CHARACTER_3,
      slug: 'hedra/character-3',
      name: 'Character-3',
      type: 'video',
      aspect_ratios: ['1:1', '16:9', '9:16'],
      resolutions: ['540p', '720p'],
      requires_start_frame: true,
      requires_end_frame: false,
      requires_audio_input: true,
      max_duration_ms: 60000,
      max_prompt_length: 1000,
      pricing: { base_cost: 0, credits_per_second: 6, modifiers: { resolution: { '720p': 1.5 } } },
      price_details: { credit_cost: 6, unit_scale: 1, billing_unit: 'second' },
      logo_url: 'https://example.com/logo.svg',
      brand_new_field: { nested: true },
    });
    // null in the spec's nullable fields reads as absent: "no constraint".
    expect(model.requires_input_video).toBeUndefined();
    expect(model.durations).toBeUndefined();
    expect(model.min_prompt_length).toBeUndefined();
    expect(model.inputs).toEqual([
      {
        mode: 'audio_to_video',
        slots: [
          {
            type: 'image',
            role: 'start_frame',
            required: true,
            min_count: 1,
            max_count: 1,
            max_file_size_bytes: 10485760,
            min_dimension_px: 256,
            max_dimension_px: 4096,
          },
          { type: 'audio', role: 'audio_input', required: true, min_count: 1, max_count: 1, max_duration_ms: 60000 },
        ],
      },
    ]);
  });

  it('reads numbers and booleans sent as strings, and numeric options as their spelling', () => {
    const [model] = readCatalogue([
      {
        slug: 'acme/x',
        type: 'Video',
        max_duration_ms: '10000',
        min_prompt_length: ' 3 ',
        requires_start_frame: 'True',
        requires_audio_input: 'false',
        durations: [5, '10s'],
        resolutions: [720, '1080p'],
        inputs: [{ mode: 'm', slots: [{ type: 'Image', role: 'Reference', required: 'true', min_count: '2', max_count: '4', max_file_size_bytes: '1024' }] }],
      },
    ]);
    expect(model.type).toBe('video');
    expect(model.max_duration_ms).toBe(10000);
    expect(model.min_prompt_length).toBe(3);
    expect(model.requires_start_frame).toBe(true);
    expect(model.requires_audio_input).toBe(false);
    expect(model.durations).toEqual([5, '10s']);
    expect(model.resolutions).toEqual(['720', '1080p']);
    expect(model.inputs?.[0].slots[0]).toEqual({
      type: 'image',
      role: 'reference',
      required: true,
      min_count: 2,
      max_count: 4,
      max_file_size_bytes: 1024,
    });
  });

  it('reads a field it cannot make sense of as absent, and keeps the model', () => {
    const [model] = readCatalogue([
      {
        slug: 'acme/odd',
        type: 'video',
        aspect_ratios: '16:9',
        max_duration_ms: 'ten seconds',
        requires_start_frame: 'maybe',
        aspect_ratio_range: [0.5],
        inputs: [{ mode: 'm', slots: [{ type: 'image', role: 'reference', min_count: 'some', max_count: 'many' }] }],
      },
    ]);
    expect(model.slug).toBe('acme/odd');
    expect(model.aspect_ratios).toBeUndefined();
    expect(model.max_duration_ms).toBeUndefined();
    expect(model.requires_start_frame).toBeUndefined();
    expect(model.aspect_ratio_range).toBeUndefined();
    // An unreadable min_count constrains nothing once the input is given (1); an unreadable max_count is no bound.
    expect(model.inputs?.[0].slots[0]).toMatchObject({ min_count: 1, max_count: undefined, required: false });
  });

  it('reads inputs it cannot make sense of as absent (no declarative inputs), not as a wrong constraint', () => {
    const [model] = readCatalogue([{ slug: 'acme/odd', type: 'video', inputs: [{ mode: 'm', slots: 'start_frame' }] }]);
    expect(model.inputs).toBeUndefined();
  });

  it('drops entries that lack a slug and an id, or a type, and entries that are no object', () => {
    const models = readCatalogue([
      { slug: 'kept/slug-only', type: 'image' },
      { id: CHARACTER_3, type: 'video' },
      { slug: '', id: '  ', type: 'video', name: 'no identifier' },
      { slug: 'acme/no-type', name: 'no type' },
      { slug: 'acme/null-type', type: null },
      'hedra/character-3',
      null,
      42,
    ]);
    expect(models.map((m) => m.slug ?? m.id)).toEqual(['kept/slug-only', CHARACTER_3]);
    expect(models[1].slug).toBeUndefined();
  });

  it('reads an empty catalogue as no models', () => {
    expect(readCatalogue([])).toEqual([]);
  });

  it.each([
    [{ data: [] }, 'an object'],
    [null, 'null'],
    ['[]', 'a string'],
    [undefined, 'nothing'],
    [7, 'a number'],
  ])('refuses an answer that is not a list: %j', (answer, got) => {
    let error: unknown;
    try {
      readCatalogue(answer);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnexpectedAnswer);
    expect((error as UnexpectedAnswer).message).toBe(`Hedra's answer to GET /models is not a list of models (got ${got}).`);
    expect((error as UnexpectedAnswer).body).toBe(answer);
  });
});

describe('modelLabel', () => {
  it('names a model by its slug, else its name, else its id', () => {
    const [bySlug, byName, byId] = readCatalogue([
      { slug: 'hedra/character-3', name: 'Character-3', id: CHARACTER_3, type: 'video' },
      { name: 'Legacy', id: CHARACTER_3, type: 'video' },
      { id: CHARACTER_3, type: 'video' },
    ]);
    expect([modelLabel(bySlug), modelLabel(byName), modelLabel(byId)]).toEqual(['hedra/character-3', 'Legacy', CHARACTER_3]);
  });
});

describe('parseDurationOption', () => {
  it.each([
    ['5', 5000],
    ['5s', 5000],
    ['5.5s', 5500],
    ['5000ms', 5000],
    ['10 s', 10000],
    [' 10s ', 10000],
    ['10S', 10000],
    ['8 sec', 8000],
    ['6 seconds', 6000],
    ['1m', 60000],
    ['.5s', 500],
    [5, 5000],
    [2.5, 2500],
    ['999', 999_000],
    // A bare number of 1000 or more can only be milliseconds (the unit of max_duration_ms).
    ['5000', 5000],
    [10000, 10000],
  ] as const)('reads %j as %i ms (a bare number is seconds, unless it is 1000 or more)', (option, ms) => {
    expect(parseDurationOption(option)).toBe(ms);
  });

  it.each(['', 'five', '5 parsecs', '0', '0s', '-5', '5s10', 's', '1e3'])('reads %j as no duration', (option) => {
    expect(parseDurationOption(option)).toBeUndefined();
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('reads the number %d as no duration', (option) => {
    expect(parseDurationOption(option)).toBeUndefined();
  });
});
