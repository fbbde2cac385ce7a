// The corpus of bad input: every set fails, run in-process through runWith
// against the validating test server, before anything is uploaded or created
// (at most the model catalogue is read), with a message that names the input as
// the workflow spells it, a failed run, and no stack trace. That the process
// then exits non-zero with nothing on stderr is shown end-to-end, through the
// bundle, for a sample of these sets (test/e2e/invalid-inputs.e2e.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';

const A = '11111111-1111-4111-8111-111111111111';
const VOICE = '44444444-4444-4444-8444-444444444444';
// Realistic requests otherwise (test/server/catalogue.ts), so that each set is wrong in the one way it names: a
// video from a prompt alone needs a text-to-video model, and Hedra needs a model for every image.
const TEXT_TO_VIDEO = 'kling/kling-2.5-turbo';
const IMAGE_MODEL = 'google/nano-banana';

// [what is wrong, inputs, files to create, the input the message must name]
const CORPUS: [string, Record<string, string>, Record<string, string>, string][] = [
  // wrong types and numbers
  ['seed not a number', { prompt: 'p', model: TEXT_TO_VIDEO, seed: 'lucky' }, {}, 'seed'],
  ['seed a fraction', { prompt: 'p', model: TEXT_TO_VIDEO, seed: '1.5' }, {}, 'seed'],
  ['batch-size a word', { type: 'image', model: IMAGE_MODEL, prompt: 'p', 'batch-size': 'three' }, {}, 'batch-size'],
  ['batch-size too small', { type: 'image', model: IMAGE_MODEL, prompt: 'p', 'batch-size': '0' }, {}, 'batch-size'],
  ['batch-size too large', { type: 'image', model: IMAGE_MODEL, prompt: 'p', 'batch-size': '9' }, {}, 'batch-size'],
  ['dry-run not a boolean', { prompt: 'p', model: TEXT_TO_VIDEO, 'dry-run': 'maybe' }, {}, 'dry-run'],
  ['wait not a boolean', { prompt: 'p', model: TEXT_TO_VIDEO, wait: 'yes' }, {}, 'wait'],
  ['download not a boolean', { prompt: 'p', model: TEXT_TO_VIDEO, download: '1' }, {}, 'download'],
  // enums and types of generation
  ['unknown type', { type: 'movie', prompt: 'p' }, {}, 'type'],
  ['misspelt type', { type: 'imgae', prompt: 'p' }, {}, 'type'],
  ['language not offered', { type: 'text_to_speech', text: 't', 'voice-id': VOICE, request: 'language: Klingon' }, {}, 'request'],
  [
    'character_orientation not offered',
    { prompt: 'p', model: TEXT_TO_VIDEO, request: 'generated_video_inputs: {character_orientation: sideways}' },
    {},
    'request',
  ],
  ['shot_type not offered', { prompt: 'p', model: TEXT_TO_VIDEO, request: 'generated_video_inputs: {shot_type: wide}' }, {}, 'request'],
  // bounds
  ['speed too fast', { type: 'text_to_speech', text: 't', 'voice-id': VOICE, request: '{"speed": 1.5}' }, {}, 'request'],
  ['stability above 1', { type: 'text_to_speech', text: 't', 'voice-id': VOICE, request: '{"stability": 2}' }, {}, 'request'],
  ['sound too long', { type: 'text_to_sound', text: 'rain', duration: '45s' }, {}, 'duration'],
  ['sound too short', { type: 'text_to_sound', text: 'rain', duration: '100ms' }, {}, 'duration'],
  ['shot too short', { prompt: 'p', model: TEXT_TO_VIDEO, request: 'generated_video_inputs: {multi_prompt: [{prompt: a, duration_ms: 1000}]}' }, {}, 'request'],
  ['name too long', { type: 'image', model: IMAGE_MODEL, prompt: 'p', name: 'n'.repeat(300) }, {}, 'name'],
  ['keyframe URL too long', { prompt: 'p', model: TEXT_TO_VIDEO, image: `https://example.com/${'x'.repeat(2100)}.png` }, {}, 'image'],
  // bad JSON / YAML in request
  ['request broken JSON', { prompt: 'p', model: TEXT_TO_VIDEO, request: '{"seed": 1' }, {}, 'request'],
  ['request broken YAML', { prompt: 'p', model: TEXT_TO_VIDEO, request: 'a: [1, 2' }, {}, 'request'],
  ['request a list', { prompt: 'p', model: TEXT_TO_VIDEO, request: '- 1\n- 2' }, {}, 'request'],
  ['request duplicate keys', { prompt: 'p', model: TEXT_TO_VIDEO, request: 'seed: 1\nseed: 2' }, {}, 'request'],
  ['request unknown field', { type: 'image', model: IMAGE_MODEL, prompt: 'p', request: 'negativ_prompt: blur' }, {}, 'request'],
  ['request nested unknown field', { prompt: 'p', model: TEXT_TO_VIDEO, request: 'generated_video_inputs: {duraton_ms: 5000}' }, {}, 'request'],
  ['request sets type', { prompt: 'p', model: TEXT_TO_VIDEO, request: 'type: image' }, {}, 'request'],
  ['request sets the ids', { prompt: 'p', model: TEXT_TO_VIDEO, request: `generation_id: ${A}` }, {}, 'request'],
  ['field set both ways', { prompt: 'p', model: TEXT_TO_VIDEO, request: 'generated_video_inputs: {text_prompt: q}' }, {}, 'prompt'],
  // unknown or misplaced inputs
  ['input not declared', { prompt: 'p', model: TEXT_TO_VIDEO, promt: 'p' }, {}, 'promt'],
  ['input for another type', { type: 'text_to_sound', text: 't', 'voice-id': VOICE }, {}, 'voice-id'],
  ['model for voice_clone', { type: 'voice_clone', audio: A, name: 'n', model: 'a/b' }, {}, 'model'],
  ['text without voice-id on video', { prompt: 'p', model: TEXT_TO_VIDEO, text: 'hello' }, {}, 'text'],
  ['missing required prompt', { type: 'image', model: IMAGE_MODEL }, {}, 'prompt'],
  ['missing required voice-id', { type: 'speech_to_speech', audio: A }, {}, 'voice-id'],
  // files
  ['missing file', { prompt: 'p', model: TEXT_TO_VIDEO, image: 'nope.png' }, {}, 'image'],
  ['a directory', { type: 'audio_isolation', audio: 'sounds' }, { 'sounds/a.mp3': 'x' }, 'audio'],
  ['an empty file', { type: 'audio_isolation', audio: 'empty.mp3' }, { 'empty.mp3': '' }, 'audio'],
  ['wrong kind of file', { type: 'video_upscale', video: 'still.png' }, { 'still.png': 'x' }, 'video'],
  ['unknown extension', { prompt: 'p', model: TEXT_TO_VIDEO, image: 'photo.tiff' }, { 'photo.tiff': 'x' }, 'image'],
  ['a missing reference image', { type: 'image', model: IMAGE_MODEL, prompt: 'p', 'reference-images': `${A}\nrefs/missing.png` }, {}, 'reference-images'],
  // URLs and ids
  ['http keyframe', { prompt: 'p', model: TEXT_TO_VIDEO, image: 'http://example.com/a.png' }, {}, 'image'],
  ['URL where an asset is needed', { type: 'image_upscale', image: 'https://example.com/a.png' }, {}, 'image'],
  ['URL in reference images', { type: 'image', model: IMAGE_MODEL, prompt: 'p', 'reference-images': 'https://example.com/a.png' }, {}, 'reference-images'],
  ['voice-id not a UUID', { type: 'text_to_speech', text: 't', 'voice-id': 'narrator' }, {}, 'voice-id'],
  ['generation-id not a UUID', { 'generation-id': 'last-run' }, {}, 'generation-id'],
  ['base-url not https', { prompt: 'p', model: TEXT_TO_VIDEO, 'base-url': 'http://api.hedra.example' }, {}, 'base-url'],
  ['base-url not a URL', { prompt: 'p', model: TEXT_TO_VIDEO, 'base-url': 'hedra' }, {}, 'base-url'],
  // durations and timeouts
  ['duration with a bad unit', { prompt: 'p', model: TEXT_TO_VIDEO, duration: '5 sec' }, {}, 'duration'],
  ['duration negative', { prompt: 'p', model: TEXT_TO_VIDEO, duration: '-5s' }, {}, 'duration'],
  ['timeout with no unit word', { prompt: 'p', model: TEXT_TO_VIDEO, timeout: 'forever' }, {}, 'timeout'],
  ['timeout too long', { prompt: 'p', model: TEXT_TO_VIDEO, timeout: '7h' }, {}, 'timeout'],
  ['timeout too short', { prompt: 'p', model: TEXT_TO_VIDEO, timeout: '10ms' }, {}, 'timeout'],
];

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ time: FAST });
});
afterAll(() => server.close());

describe(`${CORPUS.length} invalid input sets`, () => {
  it('is a corpus of at least 40', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });
  it.each(CORPUS)('%s', async (_, inputs, files, input) => {
    server.requests.length = 0;
    const result = await runInProcess({ 'api-key': server.apiKey, 'base-url': server.baseUrl, ...inputs }, { files });
    expect(result.code).toBe(1);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error title=Invalid input::/);
    expect(errors[0]).toContain(`"${input}"`);
    expect(result.stdout).not.toMatch(/^\s+at /m);
    expect(result.stderr).toBe('');
    // Nothing uploaded or created: at most the free reads made together, once each (the model catalogue and the balance).
    const made = server.requests.map((r) => `${r.method} ${r.path}`);
    expect(made.filter((r) => r !== 'GET /models' && r !== 'GET /billing/credits')).toEqual([]);
    expect(new Set(made).size).toBe(made.length);
  });
});
