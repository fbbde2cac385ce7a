// The test server itself, over HTTP: each vendor-documented behaviour and
// each form of each undocumented one, answered in the shape the spec gives
// and validated against it. The client's tests rely on these answers.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CATALOGUE, CATALOGUE_MODELS, CHARACTER_3_ID, priceOf } from './catalogue.ts';
import { errorBody, generationError, type HedraServer, type HedraServerOptions, rateLimited, startHedraServer } from './hedra-server.ts';
import { schemaRef, spec, validate } from './spec.ts';

const schema = (name: string) => `#/components/schemas/${name}`;
const valid = (name: string, value: unknown) => expect(validate(schema(name), value)).toBeNull();

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(server: HedraServer, method: string, path: string, body?: unknown, key = server.apiKey): Promise<Answer> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed };
}

const get = (server: HedraServer, path: string) => call(server, 'GET', path);
const post = (server: HedraServer, path: string, body: unknown) => call(server, 'POST', path, body);

/** Creates an asset and gives it its file by the multipart upload (what every vendor client does). */
async function uploadedAsset(server: HedraServer, type: 'image' | 'audio' | 'video', bytes = Buffer.from('fake media bytes')): Promise<string> {
  const created = await post(server, '/assets', { name: `f.${type === 'image' ? 'png' : type === 'audio' ? 'mp3' : 'mp4'}`, type });
  const form = new FormData();
  form.append('file', new Blob([bytes]), 'f.bin');
  const upload = await fetch(`${server.baseUrl}/assets/${created.body.id}/upload`, { method: 'POST', headers: { 'x-api-key': server.apiKey }, body: form });
  expect(upload.status).toBe(200);
  return created.body.id;
}

/** Waits until a generation is done, per the status endpoint. */
async function settled(server: HedraServer, id: string): Promise<Answer> {
  for (;;) {
    const answer = await get(server, `/generations/${id}/status`);
    if (answer.status !== 200 || ['complete', 'error'].includes(answer.body.status)) return answer;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const FAST = { timings: { queued: 0, processing: 0, finalizing: 0 } } satisfies HedraServerOptions;

/** One server per test where options differ; the shared one where they do not. */
const started: HedraServer[] = [];
async function serverWith(options: HedraServerOptions = {}): Promise<HedraServer> {
  const server = await startHedraServer({ ...FAST, ...options });
  started.push(server);
  return server;
}
afterAll(async () => {
  // Every answer of the server's own met the spec.
  for (const server of started) expect(server.internalErrors).toEqual([]);
  await Promise.all(started.map((s) => s.close()));
});

let shared: HedraServer;
beforeAll(async () => {
  shared = await serverWith();
});
beforeEach(() => {
  shared.requests.length = 0;
  shared.clearFaults();
});

const image = (extra: Record<string, unknown> = {}) => ({ type: 'image', text_prompt: 'a lighthouse at dusk', ...extra });
const video = (inputs: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  type: 'video',
  generated_video_inputs: { text_prompt: 'a fox runs', ...inputs },
  ...extra,
});

describe('GET /models', () => {
  it('answers the catalogue, every model an AIModel of the spec', async () => {
    const answer = await get(shared, '/models');
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.body)).toBe(true);
    expect(answer.body).toHaveLength(CATALOGUE_MODELS.length);
    for (const model of answer.body) valid('AIModel', model);
    const types = new Set(answer.body.map((m: { type: string }) => m.type));
    for (const type of [
      'video',
      'image',
      'text_to_speech',
      'text_to_sound',
      'image_upscale',
      'video_upscale',
      'audio_isolation',
      'speech_to_speech',
      'video_to_video',
    ]) {
      expect(types).toContain(type);
    }
    expect(shared.requests.map((r) => [r.method, r.path, r.status])).toEqual([['GET', '/models', 200]]);
  });

  it('lists Character-3 by its id, needing a start frame and audio, with a plausible slug', async () => {
    const { body } = await get(shared, '/models?types=video');
    const c3 = body.find((m: { id: string }) => m.id === CHARACTER_3_ID);
    expect(c3).toMatchObject({
      slug: 'hedra/character-3',
      name: 'Hedra Character-3',
      type: 'video',
      requires_start_frame: true,
      requires_audio_input: true,
      requires_end_frame: false,
      durations: null,
      max_duration_ms: 600_000,
    });
    expect(c3.inputs[0].slots.map((s: { role: string; required: boolean }) => [s.role, s.required])).toEqual([
      ['start_frame', true],
      ['audio_input', true],
    ]);
  });

  it('has text-to-video, image-to-video with pixel and size bounds, first-last-frame, reference-image and per-character models', async () => {
    const { body } = await get(shared, '/models');
    const bySlug = (slug: string) => body.find((m: { slug: string }) => m.slug === slug);
    const kling = bySlug(CATALOGUE.klingTurbo.slug);
    expect(kling).toMatchObject({ requires_start_frame: false, aspect_ratios: ['16:9', '9:16', '1:1'], resolutions: ['1080p'], durations: ['5s', '10s'] });
    const wan = bySlug(CATALOGUE.wanImageToVideo.slug);
    expect(wan.requires_start_frame).toBe(true);
    expect(wan.inputs[0].slots[0]).toMatchObject({ role: 'start_frame', min_dimension_px: 300, max_dimension_px: 4096, max_file_size_bytes: 10_000_000 });
    expect(bySlug(CATALOGUE.pixverseTransition.slug)).toMatchObject({ requires_start_frame: true, requires_end_frame: true });
    expect(bySlug(CATALOGUE.nanoBanana.slug).inputs[0].slots[0]).toMatchObject({ role: 'reference', min_count: 1, max_count: 3 });
    expect(bySlug(CATALOGUE.imagenFour.slug).inputs).toBeNull();
    expect(bySlug(CATALOGUE.elevenMultilingual.slug)).toMatchObject({
      type: 'text_to_speech',
      pricing: null,
      price_details: { billing_unit: 'character', unit_scale: 100, credit_cost: 1 },
    });
    expect(bySlug(CATALOGUE.soundEffects.slug).id).toBeNull();
    expect(bySlug(CATALOGUE.klingMotionControl.slug)).toMatchObject({ type: 'video', requires_input_video: true, requires_character_orientation: true });
  });

  it.each([
    ['repeated', '?types=image&types=text_to_speech'],
    ['comma-joined', '?types=image,text_to_speech'],
  ])('filters by types given %s', async (_, query) => {
    const { status, body } = await get(shared, `/models${query}`);
    expect(status).toBe(200);
    expect(new Set(body.map((m: { type: string }) => m.type))).toEqual(new Set(['image', 'text_to_speech']));
    expect(body.map((m: { slug: string }) => m.slug)).toEqual(['google/nano-banana', 'google/imagen-4', 'elevenlabs/multilingual-v2']);
  });

  it('refuses a type outside GenerationType with FastAPI’s 422, and comma-joined types when asked to act as FastAPI does', async () => {
    const bad = await get(shared, '/models?types=video&types=motion_control');
    expect(bad.status).toBe(422);
    valid('HTTPValidationError', bad.body);
    expect(bad.body.detail[0]).toMatchObject({ type: 'enum', loc: ['query', 'types', 1], input: 'motion_control' });

    const strict = await serverWith({ typesCommaJoined: 'reject' });
    expect((await get(strict, '/models?types=image&types=video')).status).toBe(200);
    const joined = await get(strict, '/models?types=image,video');
    expect(joined.status).toBe(422);
    expect(joined.body.detail[0]).toMatchObject({ loc: ['query', 'types', 0], input: 'image,video' });
  });

  it.each([
    ['hedra-character-3', 'hedra-character-3'],
    [null, null],
  ])('answers Character-3’s slug as %j when told', async (slug, expected) => {
    const server = await serverWith({ characterThreeSlug: slug });
    const { status, body } = await get(server, '/models?types=video');
    expect(status).toBe(200);
    expect(body.find((m: { id: string }) => m.id === CHARACTER_3_ID).slug).toBe(expected);
    expect(server.models().find((m) => m.id === CHARACTER_3_ID)?.slug).toBe(expected);
  });

  it.each([
    ['seconds-suffix', ['4s', '6s', '8s']],
    ['milliseconds', ['4000', '6000', '8000']],
    ['seconds', ['4', '6', '8']],
  ] as const)('writes durations as %s', async (form, durations) => {
    const server = await serverWith({ catalogueDurations: form });
    const { body } = await get(server, '/models?types=video');
    expect(body.find((m: { slug: string }) => m.slug === 'google/veo-3').durations).toEqual(durations);
  });

  it.each([
    [403, { error: { type: 'PERMISSION_DENIED', message: 'This API key may not list models' } }],
    [404, { detail: 'Not Found' }],
    [500, 'Internal Server Error'],
  ] as const)('fails with %i every time when told', async (status, body) => {
    const server = await serverWith({ modelsFailure: status });
    for (let i = 0; i < 2; i++) {
      const answer = await get(server, '/models');
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual(body);
    }
    server.behaviour.modelsFailure = undefined;
    expect((await get(server, '/models')).status).toBe(200);
  });

  it("takes faults at stage 'models': an error status once, or a reset connection", async () => {
    shared.fault('models', { kind: 'status', status: 503, retryAfter: '1' });
    const first = await get(shared, '/models');
    expect([first.status, first.headers.get('retry-after')]).toEqual([503, '1']);
    expect((await get(shared, '/models')).status).toBe(200);
    shared.fault('models', { kind: 'reset-before' });
    await expect(get(shared, '/models')).rejects.toThrow();
    expect(shared.requests.map((r) => [r.path, r.status, r.fault])).toEqual([
      ['/models', 503, 'status'],
      ['/models', 200, undefined],
      ['/models', 0, 'reset-before'],
    ]);
  });

  it('wants the key', async () => {
    expect((await call(shared, 'GET', '/models', undefined, 'wrong')).status).toBe(401);
  });
});

describe('GET /generations (the list filter)', () => {
  it('answers the generations asked for by ids, comma-joined or repeated, as PagedResponse[Generation]', async () => {
    const server = await serverWith();
    const a = (await post(server, '/generations', image({ model_slug: 'google/nano-banana' }))).body.id;
    const b = (await post(server, '/generations', { type: 'text_to_speech', text: 'Hello there.', voice_id: randomUUID() })).body.id;
    await post(server, '/generations', image());
    for (const query of [`ids=${a},${b}`, `ids=${a}&ids=${b}`, `ids=${a},%20${b}`]) {
      const answer = await get(server, `/generations?${query}`);
      expect(answer.status).toBe(200);
      expect(validate(schemaRef('/generations', 'get', 'response', answer.body)!, answer.body)).toBeNull();
      expect(answer.body.data.map((g: { id: string }) => g.id).sort()).toEqual([a, b].sort());
      expect(answer.body.page_info).toEqual({ limit: 100, offset: 0 });
    }
    const unknown = await get(server, `/generations?ids=${randomUUID()}`);
    expect(unknown.status).toBe(200);
    expect(unknown.body.data).toEqual([]);
  });

  it('takes only the last of repeated ids when told to act as FastAPI does with a string parameter', async () => {
    const server = await serverWith({ idsRepeated: 'last' });
    const a = (await post(server, '/generations', image())).body.id;
    const b = (await post(server, '/generations', image())).body.id;
    expect((await get(server, `/generations?ids=${a}&ids=${b}`)).body.data.map((g: { id: string }) => g.id)).toEqual([b]);
    expect((await get(server, `/generations?ids=${a},${b}`)).body.data).toHaveLength(2);
  });

  it('carries status, progress, eta, cost, the original request, and once complete the asset with its URLs', async () => {
    const server = await serverWith({ timings: { queued: 0, processing: 150, finalizing: 0 } });
    const request = image({ model_slug: 'google/nano-banana', resolution: '4K', aspect_ratio: '1:1' });
    const id = (await post(server, '/generations', request)).body.id;
    const running = (await get(server, `/generations?ids=${id}`)).body.data[0];
    expect(running).toMatchObject({ id, type: 'image', status: 'processing', input: request, credit_cost: 16 });
    expect(running.progress).toBeGreaterThanOrEqual(0);
    expect(running.eta_sec).toBeGreaterThanOrEqual(0);
    expect(running).not.toHaveProperty('asset');
    await settled(server, id);
    const done = await get(server, `/generations?ids=${id}`);
    valid('PagedResponse_Generation_', done.body);
    const item = done.body.data[0];
    expect(item).toMatchObject({ status: 'complete', progress: 1, eta_sec: 0 });
    const job = server.jobs.get(id)!;
    expect(item.asset).toMatchObject({
      id: job.assetId,
      type: 'image',
      asset: { type: 'generated_image', generated_image_inputs: { text_prompt: request.text_prompt } },
    });
    const media = await fetch(item.asset.asset.url);
    expect(media.status).toBe(200);
    expect(Buffer.from(await media.arrayBuffer()).length).toBe(server.behaviour.resultBytes);
  });

  it('shows a complete video with url, download_url and streaming_url, and an errored one with its error', async () => {
    let failing = '';
    const server = await serverWith({ errorFor: (job) => (job.id === failing ? { type: 'MODERATION_FAILED', message: 'Refused.' } : undefined) });
    const ok = (await post(server, '/generations', video({ duration_ms: 5000 }, { model_slug: 'kling/kling-2.5-turbo' }))).body.id;
    failing = (await post(server, '/generations', { type: 'text_to_sound', text: 'rain on a roof' })).body.id;
    await settled(server, ok);
    await settled(server, failing);
    const { body } = await get(server, `/generations?ids=${ok},${failing}`);
    valid('PagedResponse_Generation_', body);
    const [okItem, errItem] = [ok, failing].map((id) => body.data.find((g: { id: string }) => g.id === id));
    expect(Object.keys(okItem.asset.asset)).toEqual(expect.arrayContaining(['url', 'download_url', 'streaming_url']));
    expect(okItem.credit_cost).toBe(70);
    expect(errItem).toMatchObject({ status: 'error', error: { type: 'MODERATION_FAILED', message: 'Refused.' } });
    expect(errItem).not.toHaveProperty('asset');
  });

  it('filters by type and pages with flat limit and offset, newest first', async () => {
    const server = await serverWith();
    const images: string[] = [];
    for (let i = 0; i < 3; i++) {
      images.push((await post(server, '/generations', image())).body.id);
      await new Promise((r) => setTimeout(r, 5));
    }
    await post(server, '/generations', { type: 'audio_isolation', audio_id: randomUUID() });
    const page = await get(server, '/generations?type=image&limit=2&offset=1');
    expect(page.body.page_info).toEqual({ limit: 2, offset: 1 });
    expect(page.body.data.map((g: { id: string }) => g.id)).toEqual([images[1], images[0]]);
    expect((await get(server, '/generations?type=audio_isolation')).body.data).toHaveLength(1);
    expect((await get(server, '/generations?type=audio')).body.data).toHaveLength(1);
    const bad = await get(server, '/generations?type=nonsense&limit=x');
    expect(bad.status).toBe(422);
    valid('HTTPValidationError', bad.body);
    expect(bad.body.detail.map((d: { loc: string[] }) => d.loc)).toEqual([
      ['query', 'type'],
      ['query', 'limit'],
    ]);
  });

  it("is recorded, and takes faults at stage 'list'", async () => {
    shared.fault('list', { kind: 'status', status: 500 });
    const id = randomUUID();
    expect((await get(shared, `/generations?ids=${id}`)).status).toBe(500);
    shared.fault('list', { kind: 'truncate' });
    await expect(get(shared, `/generations?ids=${id}`)).rejects.toThrow();
    expect((await get(shared, `/generations?ids=${id}`)).status).toBe(200);
    expect(shared.requests.map((r) => [r.method, r.path, r.query, r.status, r.fault])).toEqual([
      ['GET', '/generations', `?ids=${id}`, 500, 'status'],
      ['GET', '/generations', `?ids=${id}`, 200, 'truncate'],
      ['GET', '/generations', `?ids=${id}`, 200, undefined],
    ]);
  });
});

describe('assets: GET /assets, and a presigned PUT that does not finalize', () => {
  async function putOnly(server: HedraServer): Promise<string> {
    const created = await post(server, '/assets', { name: 'clip.mp4', type: 'video' });
    expect(created.body.upload_url).toMatch(/^http/);
    const put = await fetch(created.body.upload_url, { method: 'PUT', body: Buffer.from('video bytes'), headers: { 'content-type': 'video/mp4' } });
    expect(put.status).toBe(200);
    return created.body.id;
  }

  it('lists an uploaded asset with its media, and leaves out one whose bytes came only by PUT', async () => {
    const server = await serverWith({ videoUploadUrl: true });
    const uploaded = await uploadedAsset(server, 'video');
    const put = await putOnly(server);
    expect(server.assets.get(put)).toMatchObject({ finalized: false, upload: { via: 'put', bytes: 11 } });
    const answer = await get(server, `/assets?type=video&ids=${uploaded},${put}`);
    expect(answer.status).toBe(200);
    for (const asset of answer.body) valid('Asset', asset);
    expect(answer.body.map((a: { id: string }) => a.id)).toEqual([uploaded]);
    expect(answer.body[0].asset).toMatchObject({ type: 'uploaded_video', url: expect.stringMatching(/^http/) });
    expect((await get(server, `/assets?type=video&ids=${put}`)).body).toEqual([]);
    expect((await get(server, `/assets?type=video&ids=${uploaded}&ids=${put}`)).body).toHaveLength(1);
    expect((await get(server, `/assets?type=image&ids=${uploaded}`)).body).toEqual([]);
  });

  it('shows an asset without media with an empty url when told', async () => {
    const server = await serverWith({ videoUploadUrl: true, unfinalizedAssets: 'empty-url' });
    const put = await putOnly(server);
    const { body } = await get(server, `/assets?type=video&ids=${put}`);
    expect(body).toHaveLength(1);
    valid('Asset', body[0]);
    expect(body[0].asset.url).toBe('');
  });

  it('finalizes on PUT when told', async () => {
    const server = await serverWith({ videoUploadUrl: true, putFinalizes: true });
    const put = await putOnly(server);
    expect((await get(server, `/assets?type=video&ids=${put}`)).body.map((a: { id: string }) => a.id)).toEqual([put]);
    expect((await post(server, '/generations', { type: 'video_upscale', video_id: put })).status).toBe(200);
  });

  it('finalizes when the multipart upload follows the PUT', async () => {
    const server = await serverWith({ videoUploadUrl: true });
    const put = await putOnly(server);
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('video bytes')]), 'clip.mp4');
    const upload = await fetch(`${server.baseUrl}/assets/${put}/upload`, { method: 'POST', headers: { 'x-api-key': server.apiKey }, body: form });
    valid('Asset', await upload.json());
    expect((await get(server, `/assets?type=video&ids=${put}`)).body).toHaveLength(1);
  });

  it('lists generated assets too, once complete', async () => {
    const server = await serverWith();
    const created = (await post(server, '/generations', image())).body;
    await settled(server, created.id);
    const { body } = await get(server, `/assets?type=image&ids=${created.asset_id}`);
    expect(body).toHaveLength(1);
    valid('Asset', body[0]);
    expect(body[0].asset.type).toBe('generated_image');
  });

  it('wants a type, as the spec requires', async () => {
    const missing = await get(shared, '/assets');
    expect(missing.status).toBe(422);
    valid('HTTPValidationError', missing.body);
    expect(missing.body.detail[0]).toMatchObject({ type: 'missing', loc: ['query', 'type'] });
    expect((await get(shared, '/assets?type=movie')).status).toBe(422);
  });

  it('refuses by default a generation naming an asset without media, with the documented 422', async () => {
    const server = await serverWith({ videoUploadUrl: true });
    const put = await putOnly(server);
    const answer = await post(server, '/generations', { type: 'video_upscale', video_id: put });
    expect(answer.status).toBe(422);
    valid('HTTPValidationError', answer.body);
    expect(answer.body.detail).toEqual([
      { type: 'value_error', loc: ['body', 'video_id'], msg: `Asset ${put} (video_id) has no media: its file was never uploaded`, input: put },
    ]);
    expect(server.jobs.size).toBe(0);
  });

  it("creates and then fails such a generation with INVALID_ARGUMENT and its param when told ('error')", async () => {
    const server = await serverWith({ videoUploadUrl: true, missingMedia: 'error' });
    const put = await putOnly(server);
    const created = await post(server, '/generations', { type: 'video_upscale', video_id: put });
    expect(created.status).toBe(200);
    const final = await settled(server, created.body.id);
    valid('GenerationStatusResponse', final.body);
    expect(final.body).toMatchObject({ status: 'error', error: { type: 'INVALID_ARGUMENT', param: 'video_id' } });
    expect(final.body.error.message).toContain(put);
  });

  it('takes faults on the asset list', async () => {
    shared.fault('assets-list', { kind: 'status', status: 502 });
    expect((await get(shared, '/assets?type=image')).status).toBe(502);
  });
});

describe('GET /generations/{id}/status for an id it does not hold', () => {
  it.each([
    [422, (id: string) => ({ detail: [{ type: 'value_error', loc: ['path', 'generation_id'], msg: `Generation ${id} not found`, input: id }] })],
    [404, () => ({ detail: 'Generation not found' })],
    [400, (id: string) => ({ error: { type: 'INVALID_ARGUMENT', message: `Generation ${id} not found` } })],
  ] as const)('answers %i', async (status, body) => {
    const server = await serverWith(status === 422 ? {} : { unknownStatusAnswer: status });
    const id = randomUUID();
    const answer = await get(server, `/generations/${id}/status`);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual(body(id));
    if (status === 422) valid('HTTPValidationError', answer.body);
  });

  it('refuses a path id that is not a UUID with 422, as the spec types it', async () => {
    const answer = await get(shared, '/generations/not-a-uuid/status');
    expect(answer.status).toBe(422);
    valid('HTTPValidationError', answer.body);
    expect(answer.body.detail[0]).toMatchObject({ type: 'uuid_parsing', loc: ['path', 'generation_id'] });
  });
});

describe('duplicate ids: ALREADY_EXISTS', () => {
  const shapes = {
    error: (message: string) => ({ error: { type: 'ALREADY_EXISTS', message } }),
    detail: (message: string) => ({ detail: { type: 'ALREADY_EXISTS', message } }),
    'detail-code': (message: string) => ({ detail: { code: 'ALREADY_EXISTS', message } }),
    'detail-list': (message: string, field = 'generation_id') => ({ detail: [{ type: 'ALREADY_EXISTS', loc: ['body', field], msg: message }] }),
  } as const;

  for (const status of [409, 422] as const) {
    for (const [shape, body] of Object.entries(shapes)) {
      it(`answers a reused generation_id with ${status} and the '${shape}' shape`, async () => {
        const server = await serverWith({ duplicateStatus: status, duplicateShape: shape as keyof typeof shapes });
        const id = randomUUID();
        expect((await post(server, '/generations', image({ generation_id: id }))).status).toBe(200);
        const again = await post(server, '/generations', image({ generation_id: id }));
        expect(again.status).toBe(status);
        expect(again.body).toEqual(body(`Generation ${id} already exists`));
        expect(server.jobs.size).toBe(1);
      });
    }
  }

  it('answers reused generation_ids, a reserved_asset_id reused by a generation, and one reused by an asset', async () => {
    const server = await serverWith({ duplicateShape: 'detail-list' });
    const [a, b] = [randomUUID(), randomUUID()];
    await post(server, '/generations', image({ generation_ids: [a, b], batch_size: 2 }));
    const batch = await post(server, '/generations', image({ generation_ids: [randomUUID(), b], batch_size: 2 }));
    expect([batch.status, batch.body]).toEqual([409, shapes['detail-list'](`Generation ${b} already exists`, 'generation_ids')]);

    const asset = randomUUID();
    expect((await post(server, '/generations', image({ reserved_asset_id: asset }))).status).toBe(200);
    expect([...server.jobs.values()].some((j) => j.assetId === asset)).toBe(true);
    const reused = await post(server, '/generations', image({ reserved_asset_id: asset }));
    expect([reused.status, reused.body]).toEqual([409, shapes['detail-list'](`Asset ${asset} already exists`, 'reserved_asset_id')]);

    const reserved = randomUUID();
    expect((await post(server, '/assets', { name: 'a.png', type: 'image', reserved_asset_id: reserved })).body).toMatchObject({ id: reserved });
    const twice = await post(server, '/assets', { name: 'a.png', type: 'image', reserved_asset_id: reserved });
    expect([twice.status, twice.body]).toEqual([409, shapes['detail-list'](`Asset ${reserved} already exists`, 'reserved_asset_id')]);
  });

  it('can be made to answer a 4xx that says "already exists" under another code (not to be adopted), once', async () => {
    const server = await serverWith();
    const id = randomUUID();
    server.inject({
      method: 'POST',
      path: '/generations',
      status: 409,
      body: { error: { type: 'FAILED_PRECONDITION', message: `Generation ${id} already exists` } },
    });
    server.inject({ method: 'POST', path: '/assets', status: 400, body: { detail: 'Asset already exists' } });
    const generation = await post(server, '/generations', image({ generation_id: id }));
    expect([generation.status, generation.body.error.type]).toEqual([409, 'FAILED_PRECONDITION']);
    expect(server.jobs.has(id)).toBe(false);
    expect((await post(server, '/assets', { name: 'a.png', type: 'image' })).status).toBe(400);
    expect((await post(server, '/generations', image({ generation_id: id }))).status).toBe(200);
  });
});

describe('credits', () => {
  it('prices from the catalogue per the spec’s Pricing formula', () => {
    // ceil((0 + 40 × 8) × 1.5 × 0.5): Veo 3 at 1080p, 8 s, without audio.
    expect(priceOf(video({ duration_ms: 8000, resolution: '1080p', generate_audio: false }, { model_slug: 'google/veo-3' }))).toBe(240);
    // Character-3 (the default video model): 540p halves 6/s; no duration given: 10 s.
    expect(priceOf(video())).toBe(30);
    expect(priceOf(image({ model_slug: 'google/nano-banana', resolution: '4K', batch_size: 3 }))).toBe(48);
    expect(priceOf({ type: 'text_to_speech', text: 'x'.repeat(250), voice_id: randomUUID() })).toBe(3);
    expect(priceOf(image({ model_slug: 'someone/unknown' }))).toBe(0);
  });

  it('refuses a create costing more than the balance with 402 INSUFFICIENT_BALANCE and the figures, and charges one that fits', async () => {
    const server = await serverWith({ credits: 100 });
    const request = video({ duration_ms: 8000 }, { model_slug: 'google/veo-3' });
    const refused = await post(server, '/generations', request);
    expect(refused.status).toBe(402);
    expect(refused.body).toEqual({
      error: {
        type: 'INSUFFICIENT_BALANCE',
        message: 'Insufficient credits: this generation needs 320 credits and 100 are available',
        credits_needed: 320,
        credits_available: 100,
      },
    });
    valid('GenerationError', refused.body.error);
    expect(server.jobs.size).toBe(0);

    expect((await post(server, '/generations', video({ duration_ms: 5000 }, { model_slug: 'kling/kling-2.5-turbo' }))).status).toBe(200);
    const balance = await get(server, '/billing/credits');
    expect(balance.status).toBe(200);
    valid('CreditBalance', balance.body);
    expect(balance.body).toEqual({ remaining: 30, expiring: 0, used: 70 });
    expect(server.behaviour.credits).toBe(30);
  });

  it.each([
    ['MISSING_CREDITS', 400, 'error', (b: any) => b.error],
    ['INSUFFICIENT_BALANCE', 422, 'detail-list', (b: any) => ({ type: b.detail[0].type, ...b.detail[0].ctx })],
    ['MISSING_CREDITS', 402, 'detail', (b: any) => b.detail],
    ['INSUFFICIENT_BALANCE', 402, 'detail-code', (b: any) => ({ type: b.detail.code, ...b.detail })],
  ] as const)('answers %s with %i in the %s shape when told', async (code, status, shape, read) => {
    const server = await serverWith({ credits: 5, creditsCode: code, creditsStatus: status, creditsShape: shape });
    const answer = await post(server, '/generations', image({ model_slug: 'google/imagen-4' }));
    expect(answer.status).toBe(status);
    expect(read(answer.body)).toMatchObject({ type: code, credits_needed: 6, credits_available: 5 });
  });

  it('prices multi_prompt by the sum of its shots (the spec: the total duration)', () => {
    const shots = [15000, 15000, 15000, 15000].map((duration_ms, i) => ({ prompt: `shot ${i}`, duration_ms }));
    expect(priceOf(video({ multi_prompt: shots, duration_ms: 5000 }, { model_slug: 'kling/kling-2.5-turbo' }))).toBe(840);
  });

  it.each([
    ['negative-per-second', 'kling/kling-2.5-turbo', { credits_per_second: -14 }],
    ['words-per-second', 'kling/kling-2.5-turbo', { credits_per_second: '14 credits' }],
    ['zero-modifier', 'google/veo-3', { modifiers: { resolution: { '1080p': 0 }, generate_audio: { false: 0 } } }],
    ['words-modifier', 'google/veo-3', { modifiers: { resolution: { '1080p': 'double' }, generate_audio: { false: 'double' } } }],
    ['zero', 'google/nano-banana', { base_cost: 0, credits_per_second: 0 }],
  ] as const)('advertises a %s price in GET /models and still charges the real one', async (mode, slug, advertised) => {
    const server = await serverWith({ advertisedPricing: mode });
    const { body } = await get(server, '/models');
    expect(body.find((m: { slug: string }) => m.slug === slug).pricing).toMatchObject(advertised);
    const request = video({ duration_ms: 5000 }, { model_slug: 'kling/kling-2.5-turbo' });
    expect((await post(server, '/generations', request)).status).toBe(200);
    expect(server.billing.used).toBe(70);
  });

  it('answers GET /billing/credits per the spec without a balance set', async () => {
    const { status, body } = await get(shared, '/billing/credits');
    expect(status).toBe(200);
    valid('CreditBalance', body);
    expect(body.remaining).toBeGreaterThan(0);
  });
});

describe('batch items that fail at creation', () => {
  it('answers them with id null, status error and the error, makes no job for them, and leads with the first success', async () => {
    const server = await serverWith({ batchItemError: (i) => (i === 0 || i === 2 ? `Item ${i} was refused by the provider` : undefined) });
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const reserved = [randomUUID(), randomUUID(), randomUUID()];
    const answer = await post(server, '/generations', image({ batch_size: 3, generation_ids: ids, reserved_asset_ids: reserved }));
    expect(answer.status).toBe(200);
    expect(validate(schemaRef('/generations', 'post', 'response', answer.body)!, answer.body)).toBeNull();
    expect(answer.body).toMatchObject({ id: ids[1], asset_id: reserved[1], batch_generation_id: expect.any(String) });
    expect(answer.body.batch_results).toEqual([
      { id: null, asset_id: reserved[0], created_at: expect.any(String), status: 'error', progress: 0, error: 'Item 0 was refused by the provider' },
      { id: ids[1], asset_id: reserved[1], created_at: expect.any(String), status: 'queued', progress: 0, eta_sec: 0 },
      { id: null, asset_id: reserved[2], created_at: expect.any(String), status: 'error', progress: 0, error: 'Item 2 was refused by the provider' },
    ]);
    expect([...server.jobs.keys()]).toEqual([ids[1]]);
    expect((await get(server, `/generations/${ids[0]}/status`)).status).toBe(422);
  });

  it('gives asset_id null for a failed item when no asset id was reserved', async () => {
    const server = await serverWith({ batchItemError: (i) => (i === 1 ? 'refused' : undefined) });
    const answer = await post(server, '/generations', video({}, { batch_size: 2 }));
    expect(answer.body.batch_results[1]).toMatchObject({ id: null, asset_id: null, status: 'error', error: 'refused' });
  });
});

describe('generation errors with param and violations', () => {
  it.each(['field-message', 'map'] as const)('answers them in the status, violations written %s', async (form) => {
    const error = generationError(
      {
        type: 'INVALID_ARGUMENT',
        message: '2 input fields are invalid',
        param: 'generated_video_inputs.aspect_ratio',
        violations: {
          'generated_video_inputs.aspect_ratio': "must be one of '16:9', '9:16'",
          'generated_video_inputs.duration_ms': 'must be 4000, 6000 or 8000',
        },
      },
      form,
    );
    const server = await serverWith({ errorFor: () => error });
    const id = (await post(server, '/generations', video())).body.id;
    const final = await settled(server, id);
    valid('GenerationStatusResponse', final.body);
    expect(final.body.error).toMatchObject({ type: 'INVALID_ARGUMENT', param: 'generated_video_inputs.aspect_ratio' });
    expect(final.body.error.violations[0]).toEqual(
      form === 'map'
        ? { 'generated_video_inputs.aspect_ratio': "must be one of '16:9', '9:16'" }
        : { field: 'generated_video_inputs.aspect_ratio', message: "must be one of '16:9', '9:16'" },
    );
  });
});

describe('rate limits', () => {
  it.each([
    ['epoch', '3'],
    ['delta', undefined],
  ] as const)('answers 429 with X-RateLimit-Reset as %s and X-RateLimit-Remaining: 0 (Retry-After %s)', async (form, retryAfter) => {
    const server = await serverWith({ rateLimitReset: form });
    server.fault('status', rateLimited({ resetInSeconds: 3, retryAfter, limit: 60 }));
    const before = Math.floor(Date.now() / 1000);
    const answer = await get(server, `/generations/${randomUUID()}/status`);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(answer.headers.get('x-ratelimit-limit')).toBe('60');
    expect(answer.headers.get('retry-after')).toBe(retryAfter ?? null);
    const reset = Number(answer.headers.get('x-ratelimit-reset'));
    if (form === 'epoch') expect(reset - before).toBeGreaterThanOrEqual(3);
    if (form === 'epoch') expect(reset - before).toBeLessThanOrEqual(5);
    else expect(reset).toBe(3);
  });

  it('takes the reset form per fault, and rate-limit headers on injected answers too', async () => {
    shared.fault('list', rateLimited({ resetInSeconds: 7, reset: 'delta' }));
    expect((await get(shared, '/generations?ids=x')).headers.get('x-ratelimit-reset')).toBe('7');
    shared.inject({ method: 'GET', path: '/models', status: 429, body: { detail: 'slow down' }, rateLimit: { resetInSeconds: 2, reset: 'delta' } });
    const answer = await get(shared, '/models');
    expect([answer.status, answer.headers.get('x-ratelimit-remaining'), answer.headers.get('x-ratelimit-reset')]).toEqual([429, '0', '2']);
  });
});

describe('types not enabled for the account', () => {
  it.each([
    [403, { error: { type: 'PERMISSION_DENIED', message: "Generation type 'voice_clone' is not enabled for this account" } }],
    [404, { error: { type: 'NOT_FOUND', message: "Generation type 'voice_clone' is not enabled for this account" } }],
    [422, { detail: [{ type: 'INVALID_ARGUMENT', loc: ['body', 'type'], msg: "Generation type 'voice_clone' is not enabled for this account" }] }],
  ] as const)('refuses another type with %i, naming it', async (status, body) => {
    const server = await serverWith({ enabledTypes: ['image', 'video', 'text_to_speech'], disabledTypeStatus: status });
    expect((await post(server, '/generations', image())).status).toBe(200);
    const refused = await post(server, '/generations', { type: 'voice_clone', audio_id: randomUUID(), name: 'Narrator' });
    expect([refused.status, refused.body]).toEqual([status, body]);
  });

  it('takes another shape when told', async () => {
    const server = await serverWith({ enabledTypes: ['image'], disabledTypeStatus: 404, disabledTypeShape: 'detail-string' });
    const refused = await post(server, '/generations', { type: 'text_to_sound', text: 'rain' });
    expect(refused.body).toEqual({ detail: "Generation type 'text_to_sound' is not enabled for this account" });
  });
});

describe('catalogue checks on create (the spec: slot limits are enforced)', () => {
  it('refuses Character-3 by slug or id without its start frame and audio, listing each problem', async () => {
    for (const model of [{ model_slug: 'hedra/character-3' }, { ai_model_id: CHARACTER_3_ID }]) {
      const answer = await post(shared, '/generations', video({ aspect_ratio: '2:1' }, model));
      expect(answer.status).toBe(422);
      valid('HTTPValidationError', answer.body);
      expect(answer.body.detail.map((d: { loc: string[] }) => d.loc.join('.'))).toEqual([
        'body.generated_video_inputs.aspect_ratio',
        'body.start_keyframe_id',
        'body.audio_id',
      ]);
    }
    const [imageId, audioId] = [randomUUID(), randomUUID()];
    expect((await post(shared, '/generations', video({}, { model_slug: 'hedra/character-3', start_keyframe_id: imageId, audio_id: audioId }))).status).toBe(
      200,
    );
    expect(
      (
        await post(
          shared,
          '/generations',
          video(
            {},
            { model_slug: 'hedra/character-3', start_keyframe_id: imageId, audio_generation: { type: 'text_to_speech', text: 'hi', voice_id: randomUUID() } },
          ),
        )
      ).status,
    ).toBe(200);
  });

  it('checks aspect ratio, resolution, duration, prompt length, end frame, reference counts and the model’s type', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [
        video({ resolution: '4K', duration_ms: 7000 }, { model_slug: 'google/veo-3' }),
        ['generated_video_inputs.resolution', 'generated_video_inputs.duration_ms'],
      ],
      [video({ text_prompt: 'x'.repeat(2501) }, { model_slug: 'kling/kling-2.5-turbo' }), ['generated_video_inputs.text_prompt']],
      [video({}, { model_slug: 'pixverse/pixverse-v5-transition', start_keyframe_id: randomUUID() }), ['end_keyframe_id']],
      [image({ model_slug: 'google/nano-banana', reference_image_ids: [1, 2, 3, 4].map(() => randomUUID()) }), ['reference_image_ids']],
      [image({ model_slug: 'google/imagen-4', reference_image_ids: [randomUUID()] }), ['reference_image_ids']],
      [image({ model_slug: 'google/veo-3' }), ['model_slug']],
      [{ type: 'text_to_sound', text: 'rain', duration_seconds: 30, model_slug: 'elevenlabs/sound-effects-v2' }, ['duration_seconds']],
      [
        {
          type: 'motion_control',
          video_id: randomUUID(),
          start_keyframe_id: randomUUID(),
          generated_video_inputs: { text_prompt: 'dance' },
          model_slug: 'kling/kling-2.6-motion-control',
        },
        ['generated_video_inputs.character_orientation'],
      ],
    ];
    for (const [request, fields] of cases) {
      const answer = await post(shared, '/generations', request);
      expect(answer.status, JSON.stringify(request)).toBe(422);
      valid('HTTPValidationError', answer.body);
      expect(answer.body.detail.map((d: { loc: string[] }) => d.loc.slice(1).join('.'))).toEqual(fields);
    }
  });

  it('accepts a model it does not know by default, and refuses it when told', async () => {
    expect((await post(shared, '/generations', image({ model_slug: 'test/image' }))).status).toBe(200);
    const server = await serverWith({ unknownModel: 'refuse' });
    const answer = await post(server, '/generations', image({ model_slug: 'test/image' }));
    expect(answer.status).toBe(422);
    expect(answer.body.detail[0]).toMatchObject({ loc: ['body', 'model_slug'], msg: "Model 'test/image' not found" });
  });

  it('checks nothing when told not to', async () => {
    const server = await serverWith({ modelChecks: false });
    expect((await post(server, '/generations', video({}, { model_slug: 'hedra/character-3' }))).status).toBe(200);
  });

  it('follows Character-3’s slug as answered', async () => {
    const server = await serverWith({ characterThreeSlug: null });
    expect((await post(server, '/generations', video({}, { ai_model_id: CHARACTER_3_ID }))).status).toBe(422);
    // With no slug, 'hedra/character-3' names no model: accepted as unknown.
    expect((await post(server, '/generations', video({}, { model_slug: 'hedra/character-3' }))).status).toBe(200);
  });
});

describe('error bodies', () => {
  it('validates each shape of our own against the spec’s error schemas', () => {
    for (const shape of ['error', 'detail'] as const) {
      const body = errorBody(shape, 'ALREADY_EXISTS', 'taken') as any;
      valid('GenerationError', body.error ?? body.detail);
    }
    valid('HTTPValidationError', errorBody('detail-list', 'ALREADY_EXISTS', 'taken'));
    expect(spec.components.schemas.ErrorCode.enum).toEqual(expect.arrayContaining(['ALREADY_EXISTS', 'INSUFFICIENT_BALANCE', 'INVALID_ARGUMENT']));
    expect(spec.components.schemas.ErrorCode.enum).not.toContain('MISSING_CREDITS');
  });
});
