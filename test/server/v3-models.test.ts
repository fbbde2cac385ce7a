// The v3 test server's model kinds (v3-models.ts) over HTTP: the later models in the document's own form,
// voice outputs in each plausible form, GET /models in pages, media given as public URLs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HedraV3Server, startHedraV3Server, type V3ServerOptions } from './hedra-v3-server.ts';
import { schemaProblems, V3_MODELS } from './spec-v3.ts';
import { voiceOfJob } from './v3-models.ts';

const servers: HedraV3Server[] = [];
async function server(options: V3ServerOptions = {}): Promise<HedraV3Server> {
  const started = await startHedraV3Server({ timings: { queued: 0, processing: 0 }, ...options });
  servers.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function call(s: HedraV3Server, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${s.baseUrl}${path}`, {
    method,
    headers: { authorization: `Key ${s.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function stored(s: HedraV3Server, bytes: Buffer, filename: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), filename);
  const response = await fetch(`${s.baseUrl}/files`, { method: 'POST', headers: { authorization: `Key ${s.apiKey}` }, body: form });
  return ((await response.json()) as { url: string }).url;
}

const MP3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(64, 1)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

async function completed(s: HedraV3Server, job: string) {
  for (;;) {
    const result = await call(s, 'GET', `/jobs/${job}`);
    if (result.body.status === 'COMPLETED' || result.body.status === 'FAILED') return result;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the models later than spec 3.9.0', () => {
  let s: HedraV3Server;
  beforeAll(async () => {
    s = await server();
  });

  it('lists and details them with their modality and schema, and the 3.9.0 kinds with theirs', async () => {
    const byId = new Map(V3_MODELS.map((m) => [m.id, m]));
    expect(byId.get('topaz-image-upscaler')).toMatchObject({ modality: 'image', output: 'media' });
    expect(byId.get('elevenlabs-voice-clone')).toMatchObject({ modality: 'audio', output: 'voice' });
    expect(byId.get('kling-26-motion-control')).toMatchObject({ modality: 'video' });
    const detail = await call(s, 'GET', '/models/topaz-image-upscaler');
    expect(schemaProblems('ModelDetail', detail.body)).toBeNull();
    expect(Object.keys(detail.body.input_schema.properties)).toEqual(['num_outputs', 'source_image', 'target_resolution']);
    expect(detail.body.input_schema.properties.source_image).toMatchObject({ media_type: 'image', role: 'source_image' });
  });

  it('validates a submit against the later schema like any other', async () => {
    const refused = await call(s, 'POST', '/models/elevenlabs-voice-clone', { input: { audio: { source: 'url', url: await stored(s, MP3, 'a.mp3') } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ field: 'input.name', message: 'input.name: Field required', reason: 'required' }]);
  });
});

describe('a voice output', () => {
  it.each(['voice_id', 'asset_id', 'result'] as const)('carries the voice in the %s form, with nothing to download', async (voiceForm) => {
    const s = await server({ voiceForm });
    const ack = await call(s, 'POST', '/models/elevenlabs-voice-clone', {
      input: { audio: { source: 'url', url: await stored(s, MP3, 'a.mp3') }, name: 'Narrator' },
    });
    expect(ack.status).toBe(202);
    const result = await completed(s, ack.body.job_id);
    expect(schemaProblems('ResultResponse', result.body)).toBeNull();
    const voice = voiceOfJob(ack.body.job_id);
    const output = result.body.outputs[0];
    if (voiceForm === 'result') {
      expect(result.body).toMatchObject({ outputs: [], voice_id: voice });
    } else {
      expect(output).toMatchObject({
        status: 'COMPLETED',
        url: null,
        content_type: null,
        ...(voiceForm === 'voice_id' ? { voice_id: voice } : { asset_id: voice }),
      });
    }
  });
});

describe('GET /models in pages', () => {
  it('follows next_cursor to the end, and refuses a cursor it did not issue', async () => {
    const s = await server({ modelsPageSize: 30 });
    const ids: string[] = [];
    let path = '/models';
    for (let pages = 1; ; pages++) {
      const page = await call(s, 'GET', path);
      expect(schemaProblems('ModelListResponse', page.body)).toBeNull();
      ids.push(...page.body.data.map((m: { id: string }) => m.id));
      if (page.body.next_cursor === null) {
        expect(pages).toBe(Math.ceil(V3_MODELS.length / 30));
        break;
      }
      path = `/models?cursor=${page.body.next_cursor}`;
    }
    expect(ids).toEqual(V3_MODELS.map((m) => m.id));
    expect((await call(s, 'GET', '/models?cursor=bogus')).status).toBe(400);
  });
});

describe('media given as a public URL', () => {
  const upscale = (url: string) => ({ input: { source_image: { source: 'url', url }, target_resolution: '4K' } });

  it("takes it in 'accept' mode without fetching it, but still refuses a mangled handle of its own", async () => {
    const s = await server({ externalUrls: 'accept' });
    expect((await call(s, 'POST', '/models/topaz-image-upscaler', upscale('https://cdn.example.com/cat.png'))).status).toBe(202);
    expect(s.stats.publicUrls).toEqual(['https://cdn.example.com/cat.png']);
    const mangled = `${(await stored(s, PNG, 'a.png')).split('?')[0]}?tampered=1`;
    const refused = await call(s, 'POST', '/models/topaz-image-upscaler', upscale(mangled));
    expect(refused.body.error.details[0]).toMatchObject({ field: 'input.source_image', reason: 'external_url' });
  });

  it("refuses it by default ('refuse': only POST /files handles)", async () => {
    const s = await server();
    const refused = await call(s, 'POST', '/models/topaz-image-upscaler', upscale('https://cdn.example.com/cat.png'));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0]).toMatchObject({ field: 'input.source_image', reason: 'external_url' });
  });
});
