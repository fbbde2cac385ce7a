// The run in-process through runWith, with the runner's directories,
// environment and file commands, against the validating test server: every
// type, models, the request input, batches, dry runs and the failures a user
// can meet. The run and the server share a fast clock (test/helpers/fast-time.ts).
// What only the process shows (its exit code, stderr) is proven end-to-end, for
// a sample, in test/e2e/core.e2e.test.ts.
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { CATALOGUE, CHARACTER_3_DEFAULT_SLUG, CHARACTER_3_ID, type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { schemaRef, validate } from '../server/spec.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const VOICE = '44444444-4444-4444-8444-444444444444';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// Realistic requests (test/server/catalogue.ts): a video from a prompt alone needs a text-to-video model (the default,
// Character-3, needs a start image and audio), and Hedra needs a model for every image.
const TEXT_TO_VIDEO = 'kling/kling-2.5-turbo';
const IMAGE_MODEL = 'google/nano-banana';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ time: FAST });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.behaviour.modelsFailure = undefined;
  server.behaviour.characterThreeSlug = CHARACTER_3_DEFAULT_SLUG;
});

// These tests are about the request; waiting and downloading are media.test.ts's, so they do not wait.
const run = (inputs: Record<string, string>, files?: Record<string, string>) =>
  runInProcess({ 'api-key': server.apiKey, 'base-url': server.baseUrl, wait: 'false', ...inputs }, { files });

/** The one POST /generations of the run, checked the way every successful create is checked. */
function onlyCreate() {
  const creates = server.requests.filter((r) => r.method === 'POST' && r.path === '/generations');
  expect(creates).toHaveLength(1);
  const [create] = creates;
  expect(create.status).toBe(200);
  expect(create.headers['x-api-key']).toBe(server.apiKey);
  expect(create.headers['content-type']).toBe('application/json');
  expect(validate(schemaRef('/generations', 'post', 'request', create.body)!, create.body)).toBeNull();
  return create.body as Record<string, any>;
}

/** The free reads made together before anything is paid: the model catalogue and the credit balance. */
const FREE_READS = ['GET /models', 'GET /billing/credits'];

/** Bad input: nothing was uploaded or created; at most the free reads were made, once each. */
function expectNothingSent() {
  const made = server.requests.map((r) => `${r.method} ${r.path}`);
  expect(made.filter((r) => !FREE_READS.includes(r))).toEqual([]);
  expect(new Set(made).size).toBe(made.length);
}

function expectIdOutputs(outputs: Record<string, string>, body: Record<string, any>, count = 1) {
  const generationIds = JSON.parse(outputs['generation-ids']);
  const assetIds = JSON.parse(outputs['asset-ids']);
  expect(generationIds).toHaveLength(count);
  expect(assetIds).toHaveLength(count);
  expect(generationIds).toEqual(count === 1 ? [body.generation_id] : body.generation_ids);
  for (const [i, id] of generationIds.entries()) {
    expect(id).toMatch(UUID_RE);
    expect(server.jobs.get(id)?.assetId).toBe(assetIds[i]);
  }
  expect(outputs['generation-id']).toBe(generationIds[0]);
  expect(outputs['asset-id']).toBe(assetIds[0]);
  expect(JSON.parse(outputs.request)).toEqual(body);
}

const TYPES: [string, Record<string, string>, Record<string, unknown>][] = [
  [
    'video',
    { prompt: 'a fox talks', image: A, audio: C, 'aspect-ratio': '16:9', resolution: '720p', duration: '5s' },
    { start_keyframe_id: A, audio_id: C, generated_video_inputs: { text_prompt: 'a fox talks', aspect_ratio: '16:9', resolution: '720p', duration_ms: 5000 } },
  ],
  [
    'image',
    { prompt: 'a fox', model: IMAGE_MODEL, 'aspect-ratio': '1:1', seed: '42' },
    { text_prompt: 'a fox', model_slug: IMAGE_MODEL, aspect_ratio: '1:1', seed: 42 },
  ],
  ['image_to_image', { prompt: 'paint it', image: A }, { text_prompt: 'paint it', start_keyframe_id: A }],
  ['text_to_speech', { text: 'Hello.', 'voice-id': VOICE }, { text: 'Hello.', voice_id: VOICE }],
  ['text_to_sound', { text: 'rain on a roof', duration: '4s' }, { text: 'rain on a roof', duration_seconds: 4 }],
  ['image_upscale', { image: A, resolution: '4K' }, { image_id: A, target_resolution: '4K' }],
  ['video_upscale', { video: B, resolution: '1080p' }, { video_id: B, target_resolution: '1080p' }],
  ['audio_isolation', { audio: C }, { audio_id: C }],
  ['speech_to_speech', { audio: C, 'voice-id': VOICE }, { audio_id: C, voice_id: VOICE }],
  ['voice_clone', { audio: C, name: 'Narrator' }, { audio_id: C, name: 'Narrator' }],
  ['video_to_video', { video: B, prompt: 'noir' }, { video_id: B, prompt: 'noir' }],
  ['motion_control', { video: B, image: A, prompt: 'dance' }, { video_id: B, start_keyframe_id: A, generated_video_inputs: { text_prompt: 'dance' } }],
];

describe('each of the 12 types', () => {
  it.each(TYPES)('%s', async (type, inputs, fields) => {
    const result = await run({ type, ...inputs });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const body = onlyCreate();
    expect(body).toMatchObject({ type, ...fields });
    expectIdOutputs(result.outputs, body);
    expect(server.jobs.get(result.outputs['generation-id'])?.type).toBe(type);
    expect(result.stdout).toContain(`Created ${type} generation ${result.outputs['generation-id']}`);
  });
});

describe('models', () => {
  it('sends a slug as model_slug', async () => {
    const result = await run({ type: 'image', prompt: 'p', model: 'google/nano-banana' });
    expect(result.code).toBe(0);
    const body = onlyCreate();
    expect(body.model_slug).toBe('google/nano-banana');
    expect(body).not.toHaveProperty('ai_model_id');
  });
  it("resolves a model's UUID in the catalogue and sends its slug", async () => {
    const id = CATALOGUE.klingTurbo.id;
    expect(id).toMatch(UUID_RE);
    expect((await run({ prompt: 'p', model: id as string })).code).toBe(0);
    const body = onlyCreate();
    expect(body.model_slug).toBe(TEXT_TO_VIDEO);
    expect(body).not.toHaveProperty('ai_model_id');
  });
  it('sends a UUID as the deprecated id field of the type when the catalogue cannot be read', async () => {
    server.behaviour.modelsFailure = 404;
    const model = '9a8b7c6d-1111-4222-8333-444455556666';
    expect((await run({ prompt: 'p', model })).code).toBe(0);
    expect(onlyCreate().ai_model_id).toBe(model);
    server.requests.length = 0;
    expect((await run({ type: 'text_to_speech', text: 't', 'voice-id': VOICE, model })).code).toBe(0);
    expect(onlyCreate().model_id).toBe(model);
  });
  it('defaults video to Hedra Character-3', async () => {
    expect((await run({ prompt: 'p', image: A, audio: C })).code).toBe(0);
    const body = onlyCreate();
    expect(body.model_slug).toBe(CHARACTER_3_DEFAULT_SLUG);
    expect(body).not.toHaveProperty('ai_model_id');
    // Sent by its id when the catalogue lists it without a slug.
    server.requests.length = 0;
    server.behaviour.characterThreeSlug = null;
    expect((await run({ prompt: 'p', image: A, audio: C })).code).toBe(0);
    expect(onlyCreate().ai_model_id).toBe(CHARACTER_3_ID);
    // A video from a prompt alone is refused before anything is sent, pointing at a text-to-video model.
    server.requests.length = 0;
    const refused = await run({ prompt: 'p' });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('(Hedra Character-3, used when input "model" is not set) needs a start frame (input "image")');
    expect(refused.stdout).toContain(`set input "model" to a text-to-video model: ${TEXT_TO_VIDEO}`);
    expectNothingSent();
  });
});

describe('the request input', () => {
  it('takes JSON', async () => {
    const result = await run({ type: 'text_to_speech', text: 'Hallo', 'voice-id': VOICE, request: '{"language": "German", "speed": 0.9, "stability": 0.3}' });
    expect(result.code).toBe(0);
    expect(onlyCreate()).toMatchObject({ text: 'Hallo', language: 'German', speed: 0.9, stability: 0.3 });
  });
  it('takes YAML, nested under the typed inputs', async () => {
    const request = [
      'generated_video_inputs:',
      '  negative_prompt: blur',
      '  multi_prompt:',
      '    - {prompt: wide, duration_ms: 4000}',
      '    - {prompt: close, duration_ms: 3000}',
      'audio_start_ms: -500',
    ].join('\n');
    const result = await run({ prompt: 'p', image: A, audio: C, request });
    expect(result.code).toBe(0);
    expect(onlyCreate()).toMatchObject({
      start_keyframe_id: A,
      audio_id: C,
      audio_start_ms: -500,
      generated_video_inputs: {
        text_prompt: 'p',
        negative_prompt: 'blur',
        multi_prompt: [
          { prompt: 'wide', duration_ms: 4000 },
          { prompt: 'close', duration_ms: 3000 },
        ],
      },
    });
  });
});

describe('batches', () => {
  it('creates a batch of 3 with an id chosen for each item', async () => {
    const result = await run({ type: 'image', prompt: 'three foxes', model: IMAGE_MODEL, 'batch-size': '3' });
    expect(result.code).toBe(0);
    const body = onlyCreate();
    expect(body.batch_size).toBe(3);
    expect(new Set(body.generation_ids).size).toBe(3);
    expect(body).not.toHaveProperty('generation_id');
    expectIdOutputs(result.outputs, body, 3);
  });
});

describe('dry run', () => {
  it('validates and prints the body, sends nothing and needs no key', async () => {
    const result = await runInProcess({ 'dry-run': 'true', type: 'image', prompt: 'p', model: IMAGE_MODEL, 'base-url': server.baseUrl });
    expect(result.code).toBe(0);
    expect(server.requests).toHaveLength(0);
    expect(result.stdout).toContain("No API key: the checks against Hedra's model catalogue were skipped (only the request schema was checked).");
    const body = JSON.parse(result.outputs.request);
    expect(body).toMatchObject({ type: 'image', text_prompt: 'p', model_slug: IMAGE_MODEL });
    expect(result.stdout).toContain('Dry run: the image request is valid; nothing was sent.');
    expect(result.stdout).toContain('"text_prompt": "p"');
    expect(result.outputs).not.toHaveProperty('generation-id');
  });
  it('still fails on invalid input', async () => {
    const result = await runInProcess({ 'dry-run': 'true', type: 'image', model: IMAGE_MODEL });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error title=Invalid input::Input "prompt" is required for type image.');
  });
});

describe('bad input fails before any request', () => {
  it.each([
    [{ type: 'vidoe', prompt: 'p' }, 'Did you mean "video"?'],
    [
      { prompt: 'p', model: TEXT_TO_VIDEO, request: 'generated_video_inputs: {duraton_ms: 5000}' },
      'unknown field "duraton_ms" in generated_video_inputs for type video. Did you mean "duration_ms"?',
    ],
    [{ type: 'text_to_speech', text: 't', 'voice-id': 'bob' }, 'Input "voice-id" (sent as voice_id) must be a UUID'],
    [{ type: 'image', prompt: 'p', model: IMAGE_MODEL, 'batch-size': '12' }, 'Input "batch-size" must be between 1 and 8, got 12.'],
    [{ type: 'audio_isolation', audio: C, prompt: 'p' }, 'Input "prompt" is not used by type audio_isolation'],
  ])('%j', async (inputs, message) => {
    const result = await run(inputs);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(message);
    expect(result.stdout).not.toMatch(/\n\s+at /); // no stack trace
    expectNothingSent();
  });
  it('names an undeclared input given under with:', async () => {
    const result = await runInProcess({ 'api-key': 'k', prompt: 'p' }, { env: { INPUT_VOICE_ID: VOICE } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Unexpected input "voice_id": this action has no such input. Did you mean "voice-id"?');
  });
  it('explains a missing key, forks and Dependabot included', async () => {
    const result = await runInProcess({ prompt: 'p', 'base-url': server.baseUrl });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('No Hedra API key: set input "api-key"');
    expect(result.stdout).toContain('forks and by Dependabot');
    expect(server.requests).toHaveLength(0);
  });
  it('takes the key from HEDRA_API_KEY when the input is empty', async () => {
    const result = await runInProcess(
      { prompt: 'p', model: TEXT_TO_VIDEO, 'base-url': server.baseUrl, wait: 'false' },
      { env: { HEDRA_API_KEY: server.apiKey } },
    );
    expect(result.code).toBe(0);
    onlyCreate();
  });
});

describe('server refusals are readable', () => {
  it('a wrong key, at the first request (the catalogue), before anything is uploaded or created', async () => {
    const result = await run({ prompt: 'p', model: TEXT_TO_VIDEO, 'api-key': 'wrong-key-123' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error title=Hedra generation failed::Hedra refused the API key (HTTP 401, GET /models): Invalid API key.');
    expect(result.stdout).not.toContain('may exist'); // a definite refusal created nothing
    // The balance is read together with the catalogue (one round trip): refused the same way, and nothing else was asked.
    expect(server.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /billing/credits', 'GET /models']);
  });
  it('422 from the server, field by field', async () => {
    // The catalogue cannot be read, so the action cannot catch the resolution first: Hedra does.
    server.behaviour.modelsFailure = 404;
    server.inject({
      method: 'POST',
      path: '/generations',
      status: 422,
      body: { detail: [{ loc: ['body', 'generated_video_inputs', 'resolution'], msg: "Resolution '8K' is not offered by this model", type: 'value_error' }] },
    });
    const result = await run({ prompt: 'p', model: TEXT_TO_VIDEO, resolution: '8K' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "Hedra rejected the request (HTTP 422, POST /generations):%0A- generated_video_inputs.resolution: Resolution '8K' is not offered by this model",
    );
  });
  it('insufficient credits', async () => {
    server.inject({
      method: 'POST',
      path: '/generations',
      status: 402,
      body: { error: { type: 'INSUFFICIENT_BALANCE', message: 'Needs 60 credits; 10 available' } },
    });
    const result = await run({ prompt: 'p', model: TEXT_TO_VIDEO });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'Not enough Hedra credits for this generation (HTTP 402, POST /generations): INSUFFICIENT_BALANCE: Needs 60 credits; 10 available.',
    );
  });
  it('another refusal, with a non-JSON body', async () => {
    server.inject({ method: 'POST', path: '/generations', status: 400, body: 'bad request: unsupported model for this account' });
    const result = await run({ prompt: 'p', model: TEXT_TO_VIDEO });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Hedra answered HTTP 400 to POST /generations: bad request: unsupported model for this account.');
    expect(server.requests.filter((r) => r.path === '/generations')).toHaveLength(1); // a 4xx is not retried
  });
  it('no server at all: says that nothing was created', async () => {
    // A port nothing listens on. Refused connections are retried, with backoffs on the fast clock: a minute of them costs
    // about a second of real time, and leaves room for every attempt even when the machine is slow to refuse.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const result = await runInProcess({
      'api-key': 'k',
      'base-url': `http://127.0.0.1:${port}/web-app/public`,
      prompt: 'p',
      model: TEXT_TO_VIDEO,
      // Room for the catalogue's three attempts and then for the create's retries.
      timeout: '1m',
    });
    // A refused connection sent nothing, so there is nothing to look for before posting again.
    expect(result.stdout).toMatch(
      new RegExp(
        `POST /generations: No answer from 127.0.0.1:${port} to POST /generations: connect ECONNREFUSED 127.0.0.1:${port}; the request never left this machine, so posting again with the same id in`,
      ),
    );
    expect(result.stdout).not.toContain('GET /generations');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.outputs.request).generation_id).toMatch(UUID_RE);
    expect(result.stdout).toContain('The request never left this machine: no generation was created, and nothing was billed.');
    expect(result.stdout).not.toContain('may exist');
  });
});

describe('prompt-file', () => {
  it('fills prompt from a file in the repository', async () => {
    const long = `A long prompt\nover several lines: ${'detail '.repeat(200)}end`;
    const result = await runInProcess(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, wait: 'false', model: TEXT_TO_VIDEO, 'prompt-file': 'prompts/fox.txt' },
      { files: { 'prompts/fox.txt': `${long}\n\n` } },
    );
    expect(result.code).toBe(0);
    expect(onlyCreate().generated_video_inputs.text_prompt).toBe(long);
  });
  it('fills text for speech', async () => {
    const result = await runInProcess(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, wait: 'false', type: 'text_to_speech', 'voice-id': VOICE, 'prompt-file': 'script.md' },
      { files: { 'script.md': 'Welcome to release 2.0.' } },
    );
    expect(result.code).toBe(0);
    expect(onlyCreate().text).toBe('Welcome to release 2.0.');
  });
  it.each([
    [{ 'prompt-file': 'p.txt', prompt: 'p' }, { 'p.txt': 'x' }, 'Inputs "prompt-file" and "prompt" both give the prompt for type video; use one.'],
    [{ 'prompt-file': 'missing.txt' }, {}, 'Input "prompt-file": there is no file "missing.txt"'],
    [{ 'prompt-file': 'blank.txt' }, { 'blank.txt': '  \n' }, 'Input "prompt-file": "blank.txt" (in'],
    [{ type: 'audio_isolation', audio: C, 'prompt-file': 'p.txt' }, { 'p.txt': 'x' }, 'Input "prompt-file" is not used by type audio_isolation'],
  ])('refuses %j before anything is paid, with the inputs checked against the model', async (inputs, files, message) => {
    const result = await run(inputs, files as Record<string, string>);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(message);
    // Only the free read that checks the other inputs against the model, so that every problem comes in one round.
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models']);
  });
});

describe('the log', () => {
  it('warns that a model UUID is deprecated by the API', async () => {
    // Sent as given (in the deprecated field) only when the catalogue cannot resolve it to a slug.
    server.behaviour.modelsFailure = 404;
    const result = await run({ type: 'image', prompt: 'p', model: '9a8b7c6d-1111-4222-8333-444455556666' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('::warning title=Deprecated by the API::Input "model" is a model UUID, sent in the deprecated ai_model_id field.');
  });
  it('puts phases in collapsible groups', async () => {
    const result = await runInProcess({ 'api-key': server.apiKey, 'base-url': server.baseUrl, type: 'image', prompt: 'p', model: IMAGE_MODEL });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/::group::Waiting for generation \S+\n[\s\S]*::endgroup::\n[\s\S]*::group::Downloading\n[\s\S]*::endgroup::/);
  });
});
