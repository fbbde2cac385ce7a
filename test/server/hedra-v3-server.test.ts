// The v3 test server itself, over HTTP with plain fetch: each behaviour the v3
// document gives and each form of each undocumented one, answered in the
// document's shapes and checked against its schemas. The action's end-to-end
// tests rely on these answers.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualTime } from '../helpers/fast-time.ts';
import { FUNDING_URL, type HedraV3Server, priceOf, startHedraV3Server, type V3ServerOptions, voicesOf } from './hedra-v3-server.ts';
import { combinationsOf, resolveSchema, schemaProblems, schemaRef, specV3, V3_MODELS } from './spec-v3.ts';

const valid = (name: string, value: unknown) => expect(schemaProblems(name, value)).toBeNull();

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(server: HedraV3Server, method: string, path: string, body?: unknown, auth: string | null = `Key ${server.apiKey}`): Promise<Answer> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { ...(auth === null ? {} : { authorization: auth }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed };
}
const get = (server: HedraV3Server, path: string) => call(server, 'GET', path);
const post = (server: HedraV3Server, path: string, body: unknown) => call(server, 'POST', path, body);

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const MP3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(64, 1)]);

async function upload(server: HedraV3Server, bytes: Buffer, filename = 'f.bin', type = 'application/octet-stream'): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), filename);
  const response = await fetch(`${server.baseUrl}/files`, { method: 'POST', headers: { authorization: `Key ${server.apiKey}` }, body: form });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const image = (extra: Record<string, unknown> = {}) => ({
  input: { prompt: 'a lighthouse at dusk', aspect_ratio: '1:1', resolution: '1K', quality: 'medium', ...extra },
});
/** kling-v3, pro, 1080p, from a start frame (one of the combinations its schema's description lists). */
const i2v = (startImage: unknown) => ({
  input: { prompt: 'the waves roll in', aspect_ratio: '16:9', duration_ms: 5000, quality: 'pro', resolution: '1080p', start_image: startImage },
});

async function settled(server: HedraV3Server, id: string): Promise<Answer> {
  for (;;) {
    const answer = await get(server, `/jobs/${id}/status`);
    if (answer.status !== 200 || ['COMPLETED', 'FAILED'].includes(answer.body.status)) return answer;
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads a stream's frames until it ends (cleanly or not) or `abortAfterMs` passes. */
async function sse(
  server: HedraV3Server,
  jobId: string,
  options: { lastEventId?: string; abortAfterMs?: number } = {},
): Promise<{ status: number; headers: Headers; frames: SseFrame[]; ended: 'end' | 'error' | 'aborted'; text: string }> {
  const controller = new AbortController();
  const timer = options.abortAfterMs ? setTimeout(() => controller.abort(), options.abortAfterMs) : undefined;
  const response = await fetch(`${server.baseUrl}/jobs/${jobId}/stream`, {
    headers: { authorization: `Bearer ${server.apiKey}`, ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}) },
    signal: controller.signal,
  });
  let text = '';
  let ended: 'end' | 'error' | 'aborted' = 'end';
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    ended = controller.signal.aborted ? 'aborted' : 'error';
  }
  clearTimeout(timer);
  const frames = text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const frame: SseFrame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else {
          const at = line.indexOf(': ');
          (frame as Record<string, string>)[line.slice(0, at)] = line.slice(at + 2);
        }
      }
      return frame;
    });
  return { status: response.status, headers: response.headers, frames, ended, text };
}

const FAST = { timings: { queued: 30, processing: 150 } } satisfies V3ServerOptions;
/** For tests that must see a state before it passes, even on a busy machine. */
const SLOW = { timings: { queued: 150, processing: 300 } } satisfies V3ServerOptions;
const started: HedraV3Server[] = [];
async function serverWith(options: V3ServerOptions = {}): Promise<HedraV3Server> {
  const server = await startHedraV3Server({ ...FAST, ...options });
  started.push(server);
  return server;
}
afterAll(async () => {
  // Every answer of the servers' own met the document.
  for (const server of started) expect(server.internalErrors).toEqual([]);
  await Promise.all(started.map((s) => s.close()));
});

let shared: HedraV3Server;
beforeAll(async () => {
  shared = await serverWith();
});
beforeEach(() => {
  shared.requests.length = 0;
  shared.clearFaults();
});

describe('credentials', () => {
  it('issues a <key_id>:<secret> key, taken as Key or Bearer; anything else is 401 with the documented envelope', async () => {
    expect(shared.apiKey).toMatch(/^key_[0-9a-f]{16}:[0-9a-f]{32}$/);
    expect(shared.apiKey).not.toBe((await serverWith()).apiKey);
    for (const auth of [`Key ${shared.apiKey}`, `Bearer ${shared.apiKey}`, `key ${shared.apiKey}`]) {
      const answer = await call(shared, 'GET', '/balance', undefined, auth);
      expect(answer.status).toBe(200);
      valid('BalanceResponse', answer.body);
    }
    const missing = await call(shared, 'GET', '/balance', undefined, null);
    expect(missing.status).toBe(401);
    valid('ErrorResponse', missing.body);
    expect(missing.body.error).toEqual({
      code: 'UNAUTHORIZED',
      message: "Missing credentials. Send 'Authorization: Key <key_id>:<secret>' or 'Authorization: Bearer <token>'.",
      retryable: false,
    });
    expect(missing.body.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(missing.headers.get('x-trace-id')).toBe(missing.body.trace_id);
    const wrong = await call(shared, 'GET', '/balance', undefined, `Key ${shared.apiKey}x`);
    expect([wrong.status, wrong.body.error.message]).toEqual([401, 'Invalid API key.']);
    expect((await call(shared, 'GET', '/balance', undefined, `Basic ${shared.apiKey}`)).body.error.message).toMatch(/^Missing credentials/);
    expect(shared.requests.map((r) => r.status)).toEqual([200, 200, 200, 401, 401, 401]);
  });

  it('serves the catalogue without credentials (no security in the document), unless told to want them', async () => {
    expect((await call(shared, 'GET', '/models', undefined, null)).status).toBe(200);
    expect((await call(shared, 'GET', '/models/kling-v3', undefined, 'Key wrong')).status).toBe(200);
    expect((await call(shared, 'POST', '/models/kling-v3/estimate', { input: {} }, null)).status).toBe(401);
    const strict = await serverWith({ catalogueAuth: 'required' });
    expect((await call(strict, 'GET', '/models', undefined, null)).status).toBe(401);
    expect((await get(strict, '/models')).status).toBe(200);
  });

  it('takes extra keys when told (whether v2 keys work on v3 is undocumented)', async () => {
    const server = await serverWith({ extraKeys: ['v2-style-key'] });
    expect((await call(server, 'GET', '/balance', undefined, 'Key v2-style-key')).status).toBe(200);
  });
});

describe('models', () => {
  it('lists every model of the document, filtered by modality', async () => {
    const answer = await get(shared, '/models');
    expect(answer.status).toBe(200);
    valid('ModelListResponse', answer.body);
    expect(answer.body.next_cursor).toBeNull();
    const posts = Object.keys(specV3.paths).filter((p) => /^\/models\/[^{/]+$/.test(p));
    expect(answer.body.data.map((m: { id: string }) => m.id).sort()).toEqual(posts.map((p) => p.slice(8)).sort());
    expect(answer.body.data.find((m: { id: string }) => m.id === 'gpt-image-2')).toMatchObject({ name: 'GPT Image 2', modality: 'image' });
    const byModality = (await get(shared, '/models?modality=audio')).body.data;
    expect(byModality.map((m: { id: string }) => m.id)).toContain('elevenlabs-v3');
    expect(new Set(byModality.map((m: { modality: string }) => m.modality))).toEqual(new Set(['audio']));
    for (const id of ['omnihuman-15', 'veed-fabric-10', 'kling-ai-avatar-v2', 'kling-v3', 'veo-31'])
      expect(V3_MODELS.find((m) => m.id === id)?.modality).toBe('video');
    const bad = await get(shared, '/models?modality=text');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ field: 'modality', reason: 'enum', allowed: ['image', 'video', 'audio'] });
  });

  it('details a model with its self-contained input schema and the OutputItem schema', async () => {
    const answer = await get(shared, '/models/kling-v3');
    expect(answer.status).toBe(200);
    valid('ModelDetail', answer.body);
    expect(answer.body).toMatchObject({ id: 'kling-v3', name: 'Kling V3', modality: 'video' });
    expect(answer.body.input_schema).toEqual(specV3.components.schemas.Input_kling_v3);
    expect(answer.body.output_schema).toEqual(resolveSchema({ $ref: schemaRef('OutputItem') }));
    expect(JSON.stringify(answer.body.output_schema)).not.toContain('$ref');
  });

  it('answers a one-operation OpenAPI document embedding the same input schema', async () => {
    const { status, body } = await get(shared, '/models/gpt-image-2/openapi.json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(['/models/gpt-image-2']);
    expect(Object.keys(body.paths['/models/gpt-image-2'])).toEqual(['post']);
    expect(body.components.schemas.Input_gpt_image_2).toEqual(specV3.components.schemas.Input_gpt_image_2);
    // Every $ref of the document resolves inside it.
    for (const ref of JSON.stringify(body).match(/#\/components\/schemas\/\w+/g) ?? []) expect(body.components.schemas).toHaveProperty(ref.split('/').pop()!);
  });

  it('lists voices for speech models and none for others; an unknown model is 404 NOT_FOUND', async () => {
    const voices = await get(shared, '/models/elevenlabs-v3/voices');
    valid('VoiceListResponse', voices.body);
    expect(voices.body.data).toHaveLength(3);
    for (const v of voices.body.data) expect(v.id).toMatch(/^voice_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(voices.body.data).toEqual(voicesOf('elevenlabs-v3'));
    expect((await get(shared, '/models/kling-v3/voices')).body).toEqual({ data: [], next_cursor: null });
    for (const path of ['/models/nope', '/models/nope/voices', '/models/nope/openapi.json']) {
      const unknown = await get(shared, path);
      expect(unknown.status).toBe(404);
      valid('ErrorResponse', unknown.body);
      expect(unknown.body.error).toEqual({ code: 'NOT_FOUND', message: "Model 'nope' not found.", retryable: false });
    }
    expect((await post(shared, '/models/nope', image())).status).toBe(404);
  });

  it('answers GONE with replaced_by for a retired model, at 410 or (when told) 404', async () => {
    const server = await serverWith({ retired: { 'kling-16': 'kling-v3', 'veo-2': null } });
    for (const [method, path] of [
      ['GET', '/models/kling-16'],
      ['GET', '/models/kling-16/openapi.json'],
      ['GET', '/models/kling-16/voices'],
      ['POST', '/models/kling-16/estimate'],
      ['POST', '/models/kling-16'],
    ]) {
      const answer = await call(server, method, path, method === 'POST' ? { input: { prompt: 'x' } } : undefined);
      expect(answer.status).toBe(410);
      valid('ErrorResponse', answer.body);
      expect(answer.body.error).toMatchObject({ code: 'GONE', replaced_by: 'kling-v3' });
    }
    expect((await get(server, '/models/veo-2')).body.error.replaced_by).toBeNull();
    expect((await get(server, '/models')).body.data.map((m: { id: string }) => m.id)).not.toContain('kling-16');
    server.behaviour.goneStatus = 404;
    expect((await get(server, '/models/kling-16')).status).toBe(404);
  });
});

describe('a job, start to end', () => {
  it('acks 202 with Location, moves IN_QUEUE → IN_PROGRESS → COMPLETED, and serves one output whose bytes are recorded', async () => {
    const time = manualTime();
    const server = await serverWith({ ...SLOW, time });
    const body = image({ quality: 'high', resolution: '2K', aspect_ratio: '16:9' });
    const ack = await post(server, '/models/gpt-image-2', body);
    expect(ack.status).toBe(202);
    valid('SubmitResponse', ack.body);
    const id = ack.body.job_id;
    expect(id).toMatch(/^job_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ack.body).toMatchObject({ model: 'gpt-image-2', status: 'IN_QUEUE', status_url: `/v3/jobs/${id}/status`, result_url: `/v3/jobs/${id}` });
    expect(ack.headers.get('location')).toBe(`/v3/jobs/${id}`);
    const price = priceOf('gpt-image-2', body.input);
    expect(price).toBe(0.12);
    expect(server.wallet.balance).toBe(100 - price);
    expect(server.ledger).toEqual([{ jobId: id, amount: price }]);

    const pending = await get(server, `/jobs/${id}`);
    valid('ResultResponse', pending.body);
    expect(pending.body).toMatchObject({ status: 'IN_QUEUE', outputs: [], cost: price, currency: 'USD', error: null });

    const seen: { status: string; progress: number | null }[] = [];
    for (;;) {
      const { body: s } = await get(server, `/jobs/${id}/status`);
      valid('StatusResponse', s);
      seen.push({ status: s.status, progress: s.progress });
      if (s.status === 'COMPLETED') break;
      time.advance(20);
    }
    const statuses = [...new Set(seen.map((s) => s.status))];
    expect(statuses).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);
    expect(seen.find((s) => s.status === 'IN_QUEUE')?.progress).toBeNull();
    const progress = seen.filter((s) => s.status !== 'IN_QUEUE').map((s) => s.progress!);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress).size).toBeGreaterThan(2);

    const result = await get(server, `/jobs/${id}`);
    valid('ResultResponse', result.body);
    expect(result.body).toMatchObject({ job_id: id, model: 'gpt-image-2', status: 'COMPLETED', prompt: 'a lighthouse at dusk', quality: 'high', cost: price });
    expect(result.body.outputs).toHaveLength(1);
    const output = result.body.outputs[0];
    expect(Object.keys(output).sort()).toEqual(['asset_id', 'content_type', 'duration_ms', 'error', 'fps', 'height', 'status', 'url', 'width']);
    expect(output).toMatchObject({ status: 'COMPLETED', content_type: 'image/png', width: 2560, height: 1440, duration_ms: null, fps: null, error: null });
    expect(output.asset_id).toMatch(/^asset_[0-9a-f-]{36}$/);
    expect(output.url).toMatch(new RegExp(`^${server.origin}/media/${output.asset_id}\\.png\\?.*X-Amz-Signature=[0-9a-f]{64}`));

    const media = await fetch(output.url);
    expect([media.status, media.headers.get('content-type'), media.headers.get('content-length')]).toEqual([200, 'image/png', String(64 * 1024)]);
    const bytes = Buffer.from(await media.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(2560);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(server.jobs.get(id)!.servedSha256).toBe(sha);
    expect(server.resultSha256(id)).toBe(sha);
    expect((await fetch(output.url.replace(/X-Amz-Signature=\w+/, 'X-Amz-Signature=00'))).status).toBe(403);
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: `/media/${output.asset_id}.png`, status: 403 });
  });

  it('serves video (ftyp) and speech (ID3) outputs, with the fields each modality carries', async () => {
    const server = await serverWith();
    const video = await post(server, '/models/kling-v3', {
      input: { prompt: 'a fox runs', aspect_ratio: '9:16', duration_ms: 6000, quality: 'standard', resolution: '720p' },
    });
    expect(video.status).toBe(202);
    const voice = voicesOf('elevenlabs-v3')[0].id;
    const speech = await post(server, '/models/elevenlabs-v3', { input: { text: 'Hello there.', voice_id: voice } });
    expect(speech.status).toBe(202);
    const unknownVoice = await post(server, '/models/elevenlabs-v3', { input: { text: 'Hello there.', voice_id: 'voice_nope' } });
    expect(unknownVoice.status).toBe(400);
    expect(unknownVoice.body.error.details[0]).toMatchObject({ field: 'input.voice_id', reason: 'not_found' });
    await Promise.all([settled(server, video.body.job_id), settled(server, speech.body.job_id)]);
    const v = (await get(server, `/jobs/${video.body.job_id}`)).body;
    expect(v.outputs[0]).toMatchObject({ content_type: 'video/mp4', width: 720, height: 1280, duration_ms: 6000, fps: 24 });
    expect(
      Buffer.from(await (await fetch(v.outputs[0].url)).arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
    const a = (await get(server, `/jobs/${speech.body.job_id}`)).body;
    expect(a).not.toHaveProperty('prompt');
    expect(a.outputs[0]).toMatchObject({ content_type: 'audio/mpeg', width: null, height: null, fps: null });
    expect(
      Buffer.from(await (await fetch(a.outputs[0].url)).arrayBuffer())
        .subarray(0, 3)
        .toString(),
    ).toBe('ID3');
    expect(server.wallet.balance).toBe(100 - 0.3 - 0.0006);
  });

  it('answers 404 NOT_FOUND "Job not found." for an unknown job', async () => {
    for (const path of ['/jobs/job_nope', '/jobs/job_nope/status', '/jobs/job_nope/stream']) {
      const answer = await get(shared, path);
      expect([answer.status, answer.body.error]).toEqual([404, { code: 'NOT_FOUND', message: 'Job not found.', retryable: false }]);
    }
  });

  it('ends a job FAILED with the error failFor gives, refunding it', async () => {
    const time = manualTime();
    const server = await serverWith({
      ...SLOW,
      time,
      failFor: (job) => (job.input.prompt === 'doomed' ? { code: 'MODERATION_FAILED', message: 'Output failed moderation.' } : undefined),
    });
    const ack = await post(server, '/models/gpt-image-2', image({ prompt: 'doomed' }));
    expect(server.wallet.balance).toBe(99.96);
    time.advance(1_000);
    const final = await settled(server, ack.body.job_id);
    expect(final.body).toMatchObject({ status: 'FAILED', progress: 0.4 });
    const result = await get(server, `/jobs/${ack.body.job_id}`);
    valid('ResultResponse', result.body);
    expect(result.body).toMatchObject({
      status: 'FAILED',
      outputs: [],
      cost: 0,
      error: { code: 'MODERATION_FAILED', message: 'Output failed moderation.', retryable: false },
    });
    expect(server.wallet.balance).toBe(100);
    expect(server.ledger.map((l) => l.amount)).toEqual([0.04, -0.04]);
    expect(server.jobs.get(ack.body.job_id)).toMatchObject({ status: 'FAILED', cost: 0 });
  });

  it('tails lifecycle events with logs_after', async () => {
    const server = await serverWith({ timings: { queued: 0, processing: 0 } });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const first = (await get(server, `/jobs/${job_id}/status?logs_after=start`)).body;
    valid('StatusResponse', first);
    expect(first.logs.map((l: { event: string }) => l.event)).toEqual(['queued', 'started', 'progress', 'progress', 'progress', 'progress', 'completed']);
    const again = (await get(server, `/jobs/${job_id}/status?logs_after=${first.logs_next_cursor}`)).body;
    expect(again.logs).toEqual([]);
    expect(again).not.toHaveProperty('logs_next_cursor');
    expect((await get(server, `/jobs/${job_id}/status`)).body).not.toHaveProperty('logs');
  });
});

describe('validation: 400 INVALID_ARGUMENT with every field at once', () => {
  it('names a bad enum with its allowed values and an extra field, as the documented example', async () => {
    const answer = await post(shared, '/models/kling-v3', {
      input: { prompt: 'x', aspect_ratio: '4:3', duration_ms: 3000, quality: 'standard', colour: 'red' },
    });
    expect(answer.status).toBe(400);
    valid('ErrorResponse', answer.body);
    expect(answer.body.error).toEqual({
      code: 'INVALID_ARGUMENT',
      message: '2 input fields are invalid; see details.',
      retryable: false,
      param: 'input.aspect_ratio',
      details: [
        {
          field: 'input.aspect_ratio',
          message: "input.aspect_ratio: Input should be '16:9', '9:16' or '1:1'",
          reason: 'enum',
          allowed: ['16:9', '9:16', '1:1'],
        },
        { field: 'input.colour', message: 'input.colour: Extra inputs are not permitted', reason: 'extra_forbidden' },
      ],
    });
    expect(answer.body.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reports missing fields, bounds, patterns, the closest anyOf combination, and a body that is not JSON; creates nothing', async () => {
    const missing = await post(shared, '/models/gpt-image-2', { input: { prompt: '   ', aspect_ratio: '1:1' } });
    expect(missing.body.error.details.map((d: { field: string; reason: string }) => [d.field, d.reason])).toEqual([
      ['input.prompt', 'pattern'],
      ['input.resolution', 'required'],
      ['input.quality', 'required'],
    ]);
    const bounds = await post(shared, '/models/elevenlabs-v3', { input: { text: 'hi', voice_id: 'v', speed: 2 } });
    expect(bounds.body.error.details).toEqual([{ field: 'input.speed', message: 'input.speed: Input should be less than or equal to 1.2', reason: 'maximum' }]);
    // Standard quality goes with 720p, 1080p with pro: of the two closest combinations, the first the document lists (pro, text to video).
    const combination = await post(shared, '/models/kling-v3', {
      input: { prompt: 'x', aspect_ratio: '1:1', duration_ms: 3000, quality: 'standard', resolution: '1080p' },
    });
    expect(combination.body.error.details).toEqual([
      { field: 'input.quality', message: "input.quality: Input should be 'pro'", reason: 'enum', allowed: ['pro'] },
    ]);
    const omitted = await post(shared, '/models/kling-v3', {
      input: { prompt: 'x', aspect_ratio: '1:1', duration_ms: 3000, quality: 'standard', end_image: { source: 'asset', asset_id: 'asset_x' } },
    });
    expect(omitted.body.error.details).toEqual([{ field: 'input.start_image', message: 'input.start_image: Field required', reason: 'required' }]);
    const source = await post(shared, '/models/kling-v3', i2v({ source: 'ftp', url: 'x' }));
    expect(source.body.error.details[0]).toMatchObject({ field: 'input.start_image.source', reason: 'enum', allowed: ['url', 'asset'] });
    expect((await post(shared, '/models/kling-v3', {})).body.error.details).toEqual([{ field: 'input', message: 'input: Field required', reason: 'required' }]);
    const garbage = await post(shared, '/models/kling-v3', '{"input": ');
    expect([garbage.status, garbage.body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect(shared.jobs.size).toBe(0);
  });
});

describe('rules the document gives in words (spec 3.9.0)', () => {
  it('reads every "Accepted field combinations" line of a description as one combination, of the fields the schema has', () => {
    let models = 0;
    for (const [name, schema] of Object.entries<Record<string, any>>(specV3.components.schemas)) {
      if (!name.startsWith('Input_')) continue;
      // 3.9.0 has no combinations as JSON Schema: they are in the description only.
      expect(schema.anyOf).toBeUndefined();
      const lines = String(schema.description ?? '').match(/^\(\d+\) .*$/gm) ?? [];
      const combinations = combinationsOf(schema);
      expect(combinations?.length ?? 0).toBe(lines.length);
      if (!combinations) continue;
      models++;
      for (const combination of combinations) {
        expect(combination.required.length).toBeGreaterThan(0);
        for (const field of [...combination.required, ...Object.keys(combination.properties)]) expect(schema.properties).toHaveProperty(field);
      }
    }
    expect(models).toBe(37);
    expect(combinationsOf(specV3.components.schemas.Input_kling_v3)?.[2]).toEqual({
      required: ['aspect_ratio', 'duration_ms', 'resolution'],
      properties: { end_image: false, start_image: false, quality: { enum: ['pro'] }, resolution: { enum: ['1080p', '4K'] } },
    });
    expect(combinationsOf(specV3.components.schemas.Input_ltx_2_3)?.[3].properties).toEqual({
      end_image: false,
      start_image: false,
      aspect_ratio: { enum: ['16:9', '9:16'] },
      duration_ms: { enum: [6000, 8000, 10000] },
      quality: { enum: ['pro'] },
    });
  });

  it('refuses a combination the description rules out, and takes one it lists', async () => {
    const server = await serverWith();
    const refused = await post(server, '/models/veo-2', {
      input: { prompt: 'x', seed: 3, start_image: { source: 'url', url: (await upload(server, PNG)).body.url } },
    });
    expect(refused.status).toBe(400);
    valid('ErrorResponse', refused.body);
    expect(refused.body.error.details).toEqual([
      { field: 'input.seed', message: 'input.seed: Not allowed together with the other inputs given', reason: 'not_allowed' },
    ]);
    expect((await post(server, '/models/veo-2', { input: { prompt: 'x', seed: 3 } })).status).toBe(202);
    expect((await post(server, '/models/flux-kontext-pro', { input: { prompt: 'x', aspect_ratio: '1:1' } })).status).toBe(202);
    expect((await post(server, '/models/flux-kontext-pro', { input: { prompt: 'x' } })).body.error.details).toEqual([
      { field: 'input.images', message: 'input.images: Field required', reason: 'required' },
    ]);
  });

  it('takes a prompt or a multi-shot storyboard (multi_prompt), never both and not neither', async () => {
    const server = await serverWith();
    const base = { aspect_ratio: '16:9', duration_ms: 10000, quality: 'standard' };
    const shots = [{ prompt: 'a wide shot' }, { prompt: 'a close-up', duration_ms: 3000 }];
    expect((await post(server, '/models/kling-v3', { input: { ...base, multi_prompt: shots, shot_type: 'customize' } })).status).toBe(202);
    const neither = await post(server, '/models/kling-v3', { input: base });
    expect(neither.body.error.details).toEqual([{ field: 'input.prompt', message: 'input.prompt: Field required', reason: 'required' }]);
    const both = await post(server, '/models/kling-o3', { input: { ...base, prompt: 'x', multi_prompt: shots } });
    expect(both.body.error.details).toEqual([
      { field: 'input.multi_prompt', message: 'input.multi_prompt: Not allowed together with the other inputs given', reason: 'not_allowed' },
    ]);
    expect(server.jobs.size).toBe(1);
  });

  it('publishes the schema as the document writes it, without the rules read from its words', async () => {
    const detail = (await get(shared, '/models/veo-2')).body;
    expect(detail.input_schema).toEqual(specV3.components.schemas.Input_veo_2);
    expect(detail.input_schema).not.toHaveProperty('anyOf');
  });
});

describe('inputs 3.9.0 added', () => {
  it('takes one audio or a list of them for hedra-character-3, each a handle of its own', async () => {
    const server = await serverWith();
    const face = { source: 'url', url: (await upload(server, PNG)).body.url };
    const voice = () => upload(server, MP3).then((a) => ({ source: 'url', url: a.body.url }));
    const input = { prompt: 'two people talk', aspect_ratio: '16:9', resolution: '720p', start_image: face };
    expect((await post(server, '/models/hedra-character-3', { input: { ...input, audio: await voice() } })).status).toBe(202);
    const two = {
      ...input,
      audio: [await voice(), await voice()],
      bounding_box_target: [
        [0.3, 0.5],
        [0.7, 0.5],
      ],
    };
    expect((await post(server, '/models/hedra-character-3', { input: two })).status).toBe(202);
    const elsewhere = await post(server, '/models/hedra-character-3', { input: { ...two, audio: [two.audio[0], face] } });
    expect(elsewhere.body.error.details).toEqual([
      { field: 'input.audio[1]', message: 'input.audio[1]: expected an audio file, got image/png.', reason: 'media_type' },
    ]);
    expect(server.jobs.size).toBe(2);
  });

  it("prices and makes seedance-25's automatic duration (-1) as its shortest listed one", async () => {
    const server = await serverWith();
    const input = { prompt: 'x', aspect_ratio: '16:9', resolution: '720p', duration_ms: -1 };
    expect(priceOf('seedance-25', input)).toBe(0.2);
    const ack = await post(server, '/models/seedance-25', { input });
    expect(ack.status).toBe(202);
    expect(server.jobs.get(ack.body.job_id)).toMatchObject({ price: 0.2, durationMs: 4000 });
  });
});

describe('idempotency', () => {
  it('replays the original ack for the same key and body (no new job, no second charge), and refuses the key with another body', async () => {
    const server = await serverWith();
    const body = { ...image(), idempotency_key: 'run-1' };
    const first = await post(server, '/models/gpt-image-2', body);
    const again = await post(server, '/models/gpt-image-2', { idempotency_key: 'run-1', input: { ...body.input } });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(server.jobs.size).toBe(1);
    expect(server.ledger).toHaveLength(1);
    expect(server.stats.replays).toBe(1);
    expect(server.requests.map((r) => r.replay)).toEqual([undefined, true]);
    expect(server.jobs.get(first.body.job_id)?.idempotencyKey).toBe('run-1');

    const conflict = await post(server, '/models/gpt-image-2', { ...body, input: { ...body.input, prompt: 'other' } });
    expect(conflict.status).toBe(409);
    valid('ErrorResponse', conflict.body);
    expect(conflict.body.error).toMatchObject({ code: 'ALREADY_EXISTS', param: 'idempotency_key' });
    server.behaviour.idempotencyConflict = 422;
    expect((await post(server, '/models/gpt-image-2', { ...body, input: { ...body.input, prompt: 'other' } })).status).toBe(422);
    expect(server.jobs.size).toBe(1);
  });

  it('the undocumented forms: the original job for another body, refusals stored or not, keys that expire; Date on its own clock', async () => {
    const time = manualTime(Date.parse('2026-12-05T13:00:00.250Z'));
    const server = await serverWith({ time, idempotencyConflict: 'original', storeRefusals: true, keyTtlMs: 60_000 });
    const first = await post(server, '/models/gpt-image-2', { ...image(), idempotency_key: 'k' });
    expect(first.headers.get('date')).toBe('Sat, 05 Dec 2026 13:00:00 GMT');
    const other = await post(server, '/models/gpt-image-2', { ...image({ prompt: 'other' }), idempotency_key: 'k' });
    expect([other.status, other.body.job_id]).toEqual([202, first.body.job_id]);
    // A refusal (moderation) kept under its key: the same key and body are refused after the cause is gone.
    server.behaviour.moderation = () => 'flagged';
    expect((await post(server, '/models/gpt-image-2', { ...image(), idempotency_key: 'r' })).status).toBe(422);
    server.behaviour.moderation = undefined;
    expect((await post(server, '/models/gpt-image-2', { ...image(), idempotency_key: 'r' })).status).toBe(422);
    server.behaviour.storeRefusals = false;
    server.behaviour.moderation = () => 'flagged';
    expect((await post(server, '/models/gpt-image-2', { ...image(), idempotency_key: 's' })).status).toBe(422);
    server.behaviour.moderation = undefined;
    expect((await post(server, '/models/gpt-image-2', { ...image(), idempotency_key: 's' })).status).toBe(202);
    // A minute on, every key is forgotten: 'k' makes a new job, 'r' is no longer refused.
    time.advance(60_000);
    const later = await post(server, '/models/gpt-image-2', { ...image(), idempotency_key: 'k' });
    expect([later.status, later.body.job_id === first.body.job_id]).toEqual([202, false]);
    expect((await post(server, '/models/gpt-image-2', { ...image(), idempotency_key: 'r' })).status).toBe(202);
    server.behaviour.dateHeader = false;
    expect((await get(server, '/balance')).headers.get('date')).toBeNull();
  });
});

describe('the wallet', () => {
  it('refuses 402 INSUFFICIENT_BALANCE with billing when the price exceeds the balance; an upload is free', async () => {
    const server = await serverWith({ balance: 0 });
    expect((await upload(server, PNG)).status).toBe(201);
    const refused = await post(server, '/models/kling-v3', { input: { prompt: 'x', aspect_ratio: '1:1', duration_ms: 3000, quality: 'standard' } });
    expect(refused.status).toBe(402);
    valid('ErrorResponse', refused.body);
    expect(refused.body.error).toEqual({
      code: 'INSUFFICIENT_BALANCE',
      message:
        'Your API wallet balance is $0.00 and this request costs $0.15. The API wallet is funded separately from Studio and pays only for API requests — add funds at https://www.hedra.com/develop/billing, then retry.',
      retryable: false,
      billing: { balance: 0, required: 0.15, currency: 'USD', funding_url: FUNDING_URL },
    });
    expect(server.jobs.size).toBe(0);
    server.wallet.balance = 0.15;
    expect((await post(server, '/models/kling-v3', { input: { prompt: 'x', aspect_ratio: '1:1', duration_ms: 3000, quality: 'standard' } })).status).toBe(202);
    expect((await get(server, '/balance')).body).toEqual({ balance: 0, spent: null, currency: 'USD' });
  });

  it('estimates what a submit charges, checking the input against the model schema', async () => {
    const input = { prompt: 'x', aspect_ratio: '16:9', duration_ms: 10000, quality: 'pro', resolution: '4K' };
    const answer = await post(shared, '/models/kling-v3/estimate', { input });
    expect(answer.status).toBe(200);
    valid('EstimateResponse', answer.body);
    expect(answer.body).toEqual({ model: 'kling-v3', cost: 0.75, currency: 'USD' });
    expect(priceOf('kling-v3', input)).toBe(0.75);
    expect(priceOf('kling-16', { prompt: 'x' })).toBe(0.25);
    expect(priceOf('elevenlabs-v3', { text: 'a'.repeat(1000) })).toBe(0.05);
    const bad = await post(shared, '/models/kling-v3/estimate', { input: { ...input, duration_ms: 1 } });
    expect([bad.status, bad.body.error.details[0].field]).toEqual([400, 'input.duration_ms']);
    // Media handles are not checked by an estimate.
    expect(
      (await post(shared, '/models/kling-v3/estimate', { input: { ...input, start_image: { source: 'url', url: 'https://elsewhere.example/a.png' } } })).status,
    ).toBe(200);
  });
});

describe('hostile estimates (behaviour hostileEstimate)', () => {
  it.each([
    ['negative', { cost: -0.25, currency: 'USD' }],
    ['nan', { cost: 'NaN', currency: 'USD' }],
    ['words', { cost: 'fifty cents', currency: 'USD' }],
    ['foreign-currency', { cost: 0.00000278, currency: 'BTC' }],
  ] as const)('%s: the estimate says %o, and a submit is still charged the real price', async (mode, said) => {
    const server = await serverWith({ hostileEstimate: mode });
    const input = { prompt: 'x', aspect_ratio: '16:9', duration_ms: 5000, quality: 'standard' };
    const answer = await post(server, '/models/kling-v3/estimate', { input });
    expect(answer.body).toEqual({ model: 'kling-v3', ...said });
    expect((await post(server, '/models/kling-v3', { input })).status).toBe(202);
    expect(server.wallet.balance).toBe(99.75);
  });
});

describe('files and media references', () => {
  it('sniffs the type from the bytes, answers 201 with a presigned handle for an hour, and records the upload', async () => {
    const answer = await upload(shared, PNG, 'photo.mp3', 'audio/mpeg');
    expect(answer.status).toBe(201);
    valid('FileUploadResponse', answer.body);
    expect(answer.body.content_type).toBe('image/png');
    expect(Date.parse(answer.body.expires_at) - Date.now()).toBeGreaterThan(3_590_000);
    expect(answer.body.url).toMatch(new RegExp(`^${shared.origin}/files/file_[0-9a-f-]+\\?.*X-Amz-Signature=[0-9a-f]{64}`));
    const served = await fetch(answer.body.url);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
    expect(shared.requests[0].body).toEqual({
      bytes: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
      filename: 'photo.mp3',
      contentType: 'audio/mpeg',
    });
    expect((await upload(shared, MP3)).body.content_type).toBe('audio/mpeg');
    expect((await upload(shared, Buffer.from('plain text'))).body.content_type).toBe('application/octet-stream');
  });

  it('accepts its own handle verbatim; refuses an external or altered url, the wrong media type, and a lapsed handle', async () => {
    const server = await serverWith();
    const handle = (await upload(server, PNG)).body.url;
    expect((await post(server, '/models/kling-v3', i2v({ source: 'url', url: handle }))).status).toBe(202);

    for (const url of ['https://cdn.example.com/a.png', handle.replace(/&X-Amz-Expires=\d+/, '')]) {
      const refused = await post(server, '/models/kling-v3', i2v({ source: 'url', url }));
      expect(refused.status).toBe(400);
      valid('ErrorResponse', refused.body);
      expect(refused.body.error).toMatchObject({
        code: 'INVALID_ARGUMENT',
        param: 'input.start_image',
        details: [{ field: 'input.start_image', reason: 'external_url' }],
      });
    }
    const audio = (await upload(server, MP3)).body.url;
    const wrongType = await post(server, '/models/kling-v3', i2v({ source: 'url', url: audio }));
    expect(wrongType.body.error.details).toEqual([
      { field: 'input.start_image', message: 'input.start_image: expected an image file, got audio/mpeg.', reason: 'media_type' },
    ]);
    const big = (await upload(server, Buffer.concat([PNG, Buffer.alloc(10_485_760)]))).body.url;
    expect((await post(server, '/models/kling-v3', i2v({ source: 'url', url: big }))).body.error.details[0].reason).toBe('max_file_size_bytes');

    server.expireFiles();
    const lapsed = await post(server, '/models/kling-v3', i2v({ source: 'url', url: handle }));
    expect(lapsed.status).toBe(400);
    valid('ErrorResponse', lapsed.body);
    const { error } = lapsed.body;
    expect(error.message).toMatch(
      /^input\.start_image: the POST \/v3\/files url expired at \d{4}-\d\d-\d\dT[\d:.]+\+00:00\. Upload the file again and submit with the fresh url\.$/,
    );
    expect(error).toEqual({
      code: 'INVALID_ARGUMENT',
      message: error.message,
      retryable: false,
      param: 'input.start_image',
      details: [{ field: 'input.start_image', message: error.message, reason: 'expired' }],
    });
    expect((await fetch(handle)).status).toBe(403);
    expect(server.jobs.size).toBe(1);
  });

  it('reuses an output by asset_id until it expires; expireOutputs() turns outputs EXPIRED and their media away', async () => {
    const server = await serverWith();
    const source = (await post(server, '/models/gpt-image-2', image())).body.job_id;
    const early = (await post(server, '/models/kling-v3', i2v({ source: 'asset', asset_id: server.jobs.get(source)!.assetId }))).body.error;
    expect(early.details[0]).toMatchObject({ field: 'input.start_image', reason: 'not_found' });
    await settled(server, source);
    const output = (await get(server, `/jobs/${source}`)).body.outputs[0];
    expect((await post(server, '/models/kling-v3', i2v({ source: 'asset', asset_id: output.asset_id }))).status).toBe(202);
    expect((await post(server, '/models/kling-v3', i2v({ source: 'asset', asset_id: 'asset_made-up' }))).body.error.details[0].reason).toBe('not_found');

    server.expireOutputs(source);
    const expired = await get(server, `/jobs/${source}`);
    valid('ResultResponse', expired.body);
    expect(expired.body.outputs[0]).toMatchObject({ status: 'EXPIRED', url: null, asset_id: null, content_type: 'image/png' });
    expect((await fetch(output.url)).status).toBe(403);
    expect((await post(server, '/models/kling-v3', i2v({ source: 'asset', asset_id: output.asset_id }))).body.error.details[0].reason).toBe('expired');
  });
});

describe('the event stream', () => {
  it('sends status and log frames in order, and a done frame after the final status; Last-Event-Id resumes', async () => {
    const server = await serverWith({ streamKeepAliveMs: 20 });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const stream = await sse(server, job_id);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.ended).toBe('end');
    const frames = stream.frames.filter((f) => !f.comment);
    expect(stream.frames.some((f) => f.comment === 'keep-alive')).toBe(true);
    const ids = frames.map((f) => Number(f.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(frames[0].event).toBe('status');
    expect(frames.at(-1)).toMatchObject({ event: 'done', data: '[STREAM_DONE]' });
    expect(JSON.parse(frames.at(-2)!.data!)).toMatchObject({ job_id, status: 'COMPLETED', progress: 1 });
    for (const f of frames.filter((f) => f.event === 'status')) valid('StatusResponse', JSON.parse(f.data!));
    for (const f of frames.filter((f) => f.event === 'log')) valid('JobLogItem', JSON.parse(f.data!));
    expect(frames.filter((f) => f.event === 'log').map((f) => JSON.parse(f.data!).event)).toEqual([
      'queued',
      'started',
      'progress',
      'progress',
      'progress',
      'progress',
      'completed',
    ]);
    const progress = frames.filter((f) => f.event === 'status').map((f) => JSON.parse(f.data!).progress ?? -1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const resumed = await sse(server, job_id, { lastEventId: frames[4].id });
    expect(resumed.frames.map((f) => f.id)).toEqual(frames.slice(5).map((f) => f.id));
    expect(server.stats.streamConnections).toBe(2);
  });

  it('sends a failed job’s FAILED status, then done', async () => {
    const server = await serverWith({ failFor: () => ({ code: 'INTERNAL', message: 'The provider failed.' }) });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const frames = (await sse(server, job_id)).frames;
    expect(JSON.parse(frames.at(-2)!.data!)).toMatchObject({ status: 'FAILED' });
    expect(frames.at(-1)?.event).toBe('done');
  });

  it.each([
    [404, 'NOT_FOUND'],
    [501, 'UNKNOWN'],
  ] as const)("refuses with %i when told ('refuse')", async (status, code) => {
    const server = await serverWith({ stream: 'refuse', streamRefuseStatus: status });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const answer = await get(server, `/jobs/${job_id}/stream`);
    expect(answer.status).toBe(status);
    valid('ErrorResponse', answer.body);
    expect(answer.body.error.code).toBe(code);
    expect(server.stats.streamConnections).toBe(1);
  });

  it("refuses with 405 as FastAPI does, or answers 200 with a JSON status instead of a stream ('refuse')", async () => {
    const server = await serverWith({ stream: 'refuse', streamRefuseStatus: 405 });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    expect(await get(server, `/jobs/${job_id}/stream`)).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
    server.behaviour.streamRefuseStatus = 200;
    const json = await get(server, `/jobs/${job_id}/stream`);
    expect(json.headers.get('content-type')).toBe('application/json');
    valid('StatusResponse', json.body);
  });

  it('breaks the connection after n frames, without a done frame ({ breakAfter })', async () => {
    const server = await serverWith({ stream: { breakAfter: 3 } });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const first = await sse(server, job_id);
    expect(first.ended).toBe('error');
    expect(first.frames.filter((f) => !f.comment)).toHaveLength(3);
    const second = await sse(server, job_id, { lastEventId: first.frames.at(-1)!.id });
    expect(Number(second.frames[0].id)).toBeGreaterThan(Number(first.frames.at(-1)!.id));
    expect(second.frames.some((f) => f.event === 'done')).toBe(false);
  });

  it("sends the first status frame and then nothing ('hang')", async () => {
    const server = await serverWith({ stream: 'hang', streamKeepAliveMs: 10 });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const stream = await sse(server, job_id, { abortAfterMs: 300 });
    expect(stream.ended).toBe('aborted');
    expect(stream.frames).toHaveLength(1);
    expect(stream.frames[0]).toMatchObject({ event: 'status' });
  });

  it("ends cleanly before the job ends, without a done frame ('end-without-done')", async () => {
    // A clock that stands still: the job cannot complete before the stream ends, however slow the machine.
    const server = await serverWith({ ...SLOW, stream: 'end-without-done', time: manualTime() });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const stream = await sse(server, job_id);
    expect(stream.ended).toBe('end');
    expect(stream.frames.map((f) => f.event)).toEqual(['status', 'log']);
    expect(server.jobs.get(job_id)?.status).not.toBe('COMPLETED');
  });
});

describe('faults', () => {
  it('answers an injected 503 with the v3 envelope and Retry-After, and a 429 with the rate-limit headers', async () => {
    shared.fault('balance', { kind: 'status', status: 503, retryAfter: '2' });
    const unavailable = await get(shared, '/balance');
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '2']);
    valid('ErrorResponse', unavailable.body);
    expect(unavailable.body.error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, retry_after: 2 });
    shared.fault('models', { kind: 'status', status: 429, retryAfter: '30' });
    const limited = await get(shared, '/models');
    expect(limited.body.error).toEqual({
      code: 'RESOURCE_EXHAUSTED',
      // The document's own rate_limited example, word for word.
      message: specV3.paths['/jobs'].get.responses['429'].content['application/json'].examples.rate_limited.value.error.message,
      retryable: true,
      retry_after: 30,
    });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('60');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect((await get(shared, '/balance')).status).toBe(200);
    expect(shared.requests.map((r) => [r.path, r.status, r.fault])).toEqual([
      ['/balance', 503, 'status'],
      ['/models', 429, 'status'],
      ['/balance', 200, undefined],
    ]);
  });

  it('creates and charges the job behind a submit whose answer is lost (reset-after); the retry with the same key replays it', async () => {
    const server = await serverWith();
    server.fault('submit', { kind: 'reset-after' });
    const body = { ...image(), idempotency_key: 'lost-answer' };
    await expect(post(server, '/models/gpt-image-2', body)).rejects.toThrow();
    expect(server.jobs.size).toBe(1);
    const retried = await post(server, '/models/gpt-image-2', body);
    expect(retried.status).toBe(202);
    expect(retried.body.job_id).toBe([...server.jobs.keys()][0]);
    expect(server.ledger).toHaveLength(1);
    expect(server.requests.map((r) => [r.status, r.fault, r.replay])).toEqual([
      [0, 'reset-after', undefined],
      [202, undefined, true],
    ]);
  });

  it('resets before handling, truncates, answers malformed JSON, and cuts or stalls a download', async () => {
    const server = await serverWith({ timings: { queued: 0, processing: 0 } });
    server.fault('submit', { kind: 'reset-before' });
    await expect(post(server, '/models/gpt-image-2', image())).rejects.toThrow();
    expect(server.jobs.size).toBe(0);
    server.fault('status', { kind: 'malformed' });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const malformed = await get(server, `/jobs/${job_id}/status`);
    expect(malformed.status).toBe(200);
    expect(typeof malformed.body).toBe('string');
    server.fault('result', { kind: 'truncate' });
    await expect(get(server, `/jobs/${job_id}`)).rejects.toThrow();
    const url = (await get(server, `/jobs/${job_id}`)).body.outputs[0].url;
    server.fault('download', { kind: 'truncate' });
    await expect(fetch(url).then((r) => r.arrayBuffer())).rejects.toThrow();
    expect(server.jobs.get(job_id)?.servedSha256).toBeUndefined();
    server.fault('download', { kind: 'stall' });
    const controller = new AbortController();
    const stalled = await fetch(url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(stalled.arrayBuffer()).rejects.toThrow();
    expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toHaveLength(64 * 1024);
    expect(server.jobs.get(job_id)?.servedSha256).toBe(server.resultSha256(job_id));
  });

  it("takes faults at stages 'stream' and 'files': an error before the stream opens, a stored file whose answer is lost", async () => {
    const server = await serverWith();
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    server.fault('stream', { kind: 'status', status: 503 });
    const refused = await get(server, `/jobs/${job_id}/stream`);
    expect([refused.status, refused.body.error.code]).toEqual([503, 'UNAVAILABLE']);
    expect(server.stats.streamConnections).toBe(0);
    expect((await sse(server, job_id)).frames.at(-1)?.event).toBe('done');
    server.fault('files', { kind: 'reset-after' });
    await expect(upload(server, PNG)).rejects.toThrow();
    expect(server.files.size).toBe(1);
    expect(server.requests.at(-1)).toMatchObject({ path: '/files', status: 0, fault: 'reset-after', body: { bytes: PNG.length } });
  });

  it('gives an injected answer once, unchecked', async () => {
    shared.inject({ method: 'GET', path: '/balance', status: 200, body: { balance: '12.5', currency: 'USD', surprise: true } });
    expect((await get(shared, '/balance')).body).toEqual({ balance: '12.5', currency: 'USD', surprise: true });
    expect((await get(shared, '/balance')).body.balance).toBeTypeOf('number');
  });
});

describe('the rate limit per key, and streams closed by design', () => {
  it('every answer to a key carries X-RateLimit-*; past 60 in 60 s, a 429 with Retry-After and the envelope, not counted', async () => {
    const time = manualTime();
    const server = await serverWith({ time });
    const first = await get(server, '/balance');
    expect(first.headers.get('x-ratelimit-limit')).toBe('60');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('59');
    // Epoch seconds: when the oldest request of the window leaves it.
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBe(Math.ceil((time.now() + 60_000) / 1000));
    for (let i = 0; i < 59; i++) expect((await get(server, '/balance')).status).toBe(200);
    const refused = await get(server, '/balance');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.body.error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', retryable: true, retry_after: 60 });
    valid('ErrorResponse', refused.body);
    // Another key's requests, or none at all, are not this key's.
    expect((await call(server, 'GET', '/models', undefined, null)).status).toBe(200);
    time.advance(60_000);
    expect((await get(server, '/balance')).status).toBe(200);
  });

  it('closes each connection cleanly after closeAfterMs, with retry: and no done; Last-Event-Id resumes after that id', async () => {
    const server = await serverWith({ timings: { queued: 0, processing: 600 }, stream: { closeAfterMs: 250, retryMs: 40 } });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const first = await sse(server, job_id);
    expect(first.ended).toBe('end');
    expect(first.frames.at(-1)).toEqual({ retry: '40' });
    expect(first.frames.some((f) => f.event === 'done')).toBe(false);
    const last = first.frames.filter((f) => f.id).at(-1)!.id!;
    const resumed = await sse(server, job_id, { lastEventId: last });
    const ids = resumed.frames.filter((f) => f.id).map((f) => Number(f.id));
    expect(ids.length).toBeGreaterThan(0);
    expect(Math.min(...ids)).toBe(Number(last) + 1);
  });

  it.each([
    ['json', true],
    ['json-only', false],
  ] as const)("done carries the final status as JSON ('%s'), the status frame before it %s", async (form, statusFrame) => {
    const server = await serverWith({ streamDone: form });
    const { job_id } = (await post(server, '/models/gpt-image-2', image())).body;
    const frames = (await sse(server, job_id)).frames.filter((f) => !f.comment);
    expect(frames.at(-1)?.event).toBe('done');
    const done = JSON.parse(frames.at(-1)!.data!);
    valid('StatusResponse', done);
    expect(done).toMatchObject({ job_id, status: 'COMPLETED' });
    expect(frames.some((f) => f.event === 'status' && JSON.parse(f.data!).status === 'COMPLETED')).toBe(statusFrame);
  });
});
