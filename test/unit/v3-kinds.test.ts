// The model kinds of v3, pure: which type names which model (kinds.ts), the field rules (fields.ts),
// the mapping of the newer models' fields (input.ts), refusals of URLs (refused-urls.ts), the catalogue's
// pages (catalogue.ts), voice outputs (results.ts). Models are Hedra's: spec 3.9.0 and the later ones
// the test server writes into it in their own form (test/server/v3-models.ts).
import { describe, expect, it } from 'vitest';
import { catalogueIds, MAX_CATALOGUE_PAGES } from '../../src/apis/v3/catalogue.ts';
import type { V3Result } from '../../src/apis/v3/client.ts';
import { autoDurationProblem, takesList, userUrlProblem } from '../../src/apis/v3/fields.ts';
import { mapV3Input, type V3Inputs, type V3MediaSlot, type V3Model } from '../../src/apis/v3/input.ts';
import { typeProblem, typesFitting } from '../../src/apis/v3/kinds.ts';
import { withUrlAdvice } from '../../src/apis/v3/refused-urls.ts';
import { finalResult, itemStatus } from '../../src/apis/v3/results.ts';
import { HttpError } from '../../src/http/errors.ts';
import type { MediaRef } from '../../src/inputs/parsers.ts';
import { resultOutputs } from '../../src/report/outputs.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { resolveSchema, V3_MODELS } from '../server/spec-v3.ts';

function model(id: string): V3Model {
  const m = V3_MODELS.find((each) => each.id === id);
  if (!m) throw new Error(`no model ${id}`);
  return { id, name: m.name, modality: m.modality, inputSchema: resolveSchema(m.input) };
}
const kindOf = (m: V3Model) => ({ ...m, fields: m.inputSchema.properties as Record<string, unknown> });
const file = (written: string): MediaRef => ({ kind: 'file', written });
const url = (written: string) => `https://files.invalid/${written}`;
const map = (inputs: Partial<V3Inputs>, m: V3Model) => mapV3Input({ model: m.id, mapped: {}, ...inputs }, m, url);
const audioField = { media_type: 'audio', oneOf: [] };

describe('the types that fit a model, from its modality and fields', () => {
  it.each([
    ['kling-26-motion-control', ['motion_control', 'video_to_video', 'video']],
    ['kling-v3-motion-control', ['motion_control', 'video_to_video', 'video']],
    ['kling-v3', ['video']],
    ['topaz-image-upscaler', ['image_upscale', 'image_to_image', 'image']],
    ['gpt-image-2', ['image_to_image', 'image']],
    ['elevenlabs-v3', ['text_to_speech']],
    ['elevenlabs-voice-clone', ['voice_clone']],
    ['hedra-character-3', ['video']],
  ])('%s: %j', (id, types) => {
    expect(typesFitting(kindOf(model(id)))).toEqual(types);
  });

  it('knows kinds no 3.9.0 model has, by their fields (and, for isolation, their name)', () => {
    const audio = (id: string, fields: Record<string, unknown>) => ({ id, modality: 'audio', fields });
    expect(typesFitting(audio('elevenlabs-audio-isolation', { audio: audioField }))).toEqual(['audio_isolation']);
    expect(typesFitting(audio('elevenlabs-speech-to-speech', { audio: audioField, voice_id: {} }))).toEqual(['speech_to_speech']);
    expect(typesFitting(audio('elevenlabs-sound-effects', { prompt: {}, duration_ms: {} }))).toEqual(['text_to_sound']);
    expect(typesFitting({ id: 'topaz-video-upscaler', modality: 'video', fields: { source_video: { media_type: 'video' } } })).toEqual([
      'video_upscale',
      'video_to_video',
      'video',
    ]);
  });

  it('says what the model makes and which types fit it, when the type does not', () => {
    expect(typeProblem('voice_clone', kindOf(model('elevenlabs-v3')))).toBe(
      'Input "type" is voice_clone, but model elevenlabs-v3 makes audio and is not a voice_clone model (one that clones a voice (an audio input and a name)). Set type: text_to_speech, or leave "type" out: on v3 the model decides what is made.',
    );
    expect(typeProblem('image_upscale', kindOf(model('gpt-image-2')))).toContain('Set type: image_to_image or image, or leave "type" out');
    expect(typeProblem('motion_control', kindOf(model('kling-v3-motion-control')))).toBeUndefined();
  });
});

describe('the newer models’ fields, from the typed inputs', () => {
  it('image goes to source_image and resolution to target_resolution on an upscaler', () => {
    const plan = map({ mapped: { image: file('a.png'), resolution: '4K' } }, model('topaz-image-upscaler'));
    expect(plan.problems).toEqual([]);
    expect(plan.input).toEqual({ source_image: { source: 'url', url: url('a.png') }, target_resolution: '4K' });
    expect(plan.media).toEqual([{ input: 'image', written: 'a.png', path: ['source_image'], kind: 'file' }]);
  });

  it('motion control: image and video to start_image and source_video, character_orientation through request', () => {
    const plan = map({ mapped: { image: file('c.png'), video: file('m.mp4') }, request: { character_orientation: 'video' } }, model('kling-26-motion-control'));
    expect(plan.problems).toEqual([]);
    expect(plan.input).toMatchObject({ character_orientation: 'video', start_image: { source: 'url' }, source_video: { source: 'url' } });
  });

  it('audio: a list of several files, each at its index, where the field takes one or a list', () => {
    const plan = map({ mapped: { audio: [file('a.mp3'), file('b.mp3')] } }, model('hedra-avatar'));
    expect(plan.input.audio).toEqual([
      { source: 'url', url: url('a.mp3') },
      { source: 'url', url: url('b.mp3') },
    ]);
    expect(plan.media.map((slot) => slot.path)).toEqual([
      ['audio', 0],
      ['audio', 1],
    ]);
  });

  it('name goes to the model’s name field (a voice clone’s)', () => {
    expect(map({ mapped: { audio: file('a.mp3'), name: 'Narrator' } }, model('elevenlabs-voice-clone')).input).toMatchObject({ name: 'Narrator' });
  });

  it('duration auto is -1 where duration_ms takes it, by enum or by bounds', () => {
    expect(map({ mapped: { duration: 'auto' } }, model('seedance-25')).input.duration_ms).toBe(-1);
    const bounded = { id: 'm', inputSchema: { properties: { duration_ms: { type: 'integer', minimum: -1 } } } };
    expect(autoDurationProblem(bounded, 'auto')).toBeUndefined();
    expect(autoDurationProblem(model('hedra-character-3'), 'auto')).toBeUndefined(); // no minimum: -1 is not excluded
    expect(autoDurationProblem(model('kling-v3'), 'auto')).toContain('does not choose its own length');
  });

  it('tells the fields that take a list', () => {
    expect(takesList(model('hedra-character-3'), 'audio')).toBe(true);
    expect(takesList(model('gpt-image-2'), 'images')).toBe(true);
    expect(takesList(model('elevenlabs-voice-clone'), 'audio')).toBe(false);
  });
});

describe('URLs given to media inputs', () => {
  it.each([
    ['https://cdn.example.com/a.png', undefined],
    ['https://localhost/a.png', 'localhost is not a public address'],
    ['https://[::1]/a.png', 'is not a public address'],
    ['https://169.254.169.254/latest', '169.254.169.254 is not a public address'],
    ['https://u:p@cdn.example.com/a.png', 'carries a user name or password'],
  ])('%s', (given, problem) => {
    const said = userUrlProblem('image', given);
    if (problem === undefined) expect(said).toBeUndefined();
    else expect(said).toContain(problem);
  });

  const slots: V3MediaSlot[] = [
    { input: 'image', written: 'https://cdn.example.com/a.png', path: ['start_image'], kind: 'url' },
    { input: 'audio', written: 'https://cdn.example.com/b.mp3', path: ['audio', 1], kind: 'url' },
  ];
  const refusal = (details: { field: string }[], param?: string) =>
    new HttpError('Hedra refused the request', 400, {
      error: { code: 'INVALID_ARGUMENT', message: 'm', param, details: details.map((d) => ({ ...d, message: 'x' })) },
    });

  it.each([
    [[{ field: 'input.start_image' }], undefined, '"image" (https://cdn.example.com/a.png)'],
    [[{ field: 'input.start_image.url' }], undefined, '"image"'],
    [[{ field: '/input/audio/1' }], undefined, '"audio" (https://cdn.example.com/b.mp3)'],
    [[], 'input.audio', '"audio"'],
  ])('adds what to do to a refusal of %j (param %s)', (details, param, named) => {
    const advised = withUrlAdvice(refusal(details, param), slots) as HttpError;
    expect(advised.message).toContain(`Hedra did not take the URL given to input ${named}`);
    expect(advised.status).toBe(400);
  });

  it('leaves a refusal of another field, or of another status, as it was', () => {
    const other = refusal([{ field: 'input.prompt' }]);
    expect(withUrlAdvice(other, slots)).toBe(other);
    const server = new HttpError('boom', 500, { error: { code: 'INTERNAL', message: 'm', param: 'input.start_image' } });
    expect(withUrlAdvice(server, slots)).toBe(server);
  });
});

describe('the catalogue, every page', () => {
  const pages: Record<string, unknown> = {
    first: { data: [{ id: 'a' }, { id: 'b' }], next_cursor: 'c2' },
    c2: { data: [{ id: 'c' }, { bad: 1 }], next_cursor: 'c3' },
    c3: { data: [{ id: 'z' }], next_cursor: null },
  };
  it('follows next_cursor to null', async () => {
    expect(await catalogueIds(async (cursor) => pages[cursor ?? 'first'])).toEqual(['a', 'b', 'c', 'z']);
  });
  it('stops at a cursor it has seen, at the page cap, and keeps what it read when a later page fails', async () => {
    expect(await catalogueIds(async () => ({ data: [{ id: 'x' }], next_cursor: 'same' }))).toEqual(['x', 'x']);
    let n = 0;
    expect(await catalogueIds(async () => ({ data: [{ id: `m${n}` }], next_cursor: `c${n++}` }))).toHaveLength(MAX_CATALOGUE_PAGES);
    expect(
      await catalogueIds(async (cursor) => {
        if (cursor) throw new Error('down');
        return pages.first;
      }),
    ).toEqual(['a', 'b']);
    await expect(catalogueIds(async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
  });
});

describe('a voice output', () => {
  const job = 'job_1';
  const done = { job_id: job, status: 'COMPLETED' };
  const blank = { status: 'COMPLETED', url: null, asset_id: null };
  it.each<[string, Partial<V3Result>]>([
    ['the output’s voice_id', { outputs: [{ ...blank, voice_id: 'voice_abc' }] }],
    ['the output’s asset_id', { outputs: [{ ...blank, asset_id: 'voice_abc' }] }],
    ['the output’s id', { outputs: [{ ...blank, id: 'voice_abc' }] }],
    ['the result’s voice_id, with no output', { outputs: [], voice_id: 'voice_abc' }],
  ])('is a success from %s, with nothing to download', (_, result) => {
    expect(itemStatus(job, done, { ...done, ...result } as V3Result, 'audio')).toEqual({ id: job, type: 'audio', status: 'complete', voice_id: 'voice_abc' });
  });

  it('is still expired when the output has no voice, url or asset', () => {
    expect(itemStatus(job, done, { ...done, outputs: [blank] } as V3Result, 'audio').error_message).toContain('expired');
  });

  it('ends the wait for the result when the result carries the voice and no output', async () => {
    const client = { result: async () => ({ ...done, outputs: [], voice_id: 'voice_abc' }) };
    expect(await finalResult(client as any, job, async () => Promise.reject(new Error('waited')))).toMatchObject({ voice_id: 'voice_abc' });
  });

  it('is the voice-id output and a line of the summary', () => {
    const items = [{ generationId: job, status: { id: job, status: 'complete', type: 'audio', voice_id: 'voice_abc' } }];
    expect(resultOutputs(items, '/tmp/r.json')['voice-id']).toBe('voice_abc');
    expect(resultOutputs([{ generationId: job, status: { id: job, status: 'complete' } }], '/tmp/r.json')['voice-id']).toBe('');
    expect(renderSummary({ resumed: false, items, elapsedMs: 1, uploads: [] })).toContain(
      'Voice made by `job_1`: `voice_abc` (give it to `voice-id` of a speech model).',
    );
  });
});
