// Hedra as its documents describe it (issue 9), run in-process through
// runWith against the vendor-faithful test server, both on the shared fast
// clock (test/helpers/fast-time.ts): uploads, exactly-once creation asked
// through the list filter, ALREADY_EXISTS, credits, batch items refused at
// creation, error details, polling etiquette, types an account may lack,
// every check the model catalogue allows, and input mistakes caught before
// anything is sent. Every undocumented point is tried in each plausible form.
// Each describe has a server of its own, restored before every test. A few of
// these runs are repeated through the committed bundle in
// test/e2e/hedra-fidelity.e2e.test.ts, for what only the bundle proves.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRun } from '../e2e/run-action.ts';
import { FAST, scaledTime, type TestTime } from '../helpers/fast-time.ts';
import { png } from '../helpers/media-files.ts';
import { type InProcessOptions, runInProcess } from '../helpers/run-in-process.ts';
import { CATALOGUE, CHARACTER_3_ID } from '../server/catalogue.ts';
import {
  API_PREFIX,
  type ErrorShape,
  type Fault,
  generationError,
  type HedraServer,
  type HedraServerOptions,
  type RecordedRequest,
  rateLimited,
  type ServerBehaviour,
  startHedraServer,
} from '../server/hedra-server.ts';
import { tempDir } from '../setup/temp.ts';

const ZERO = { queued: 0, processing: 0, finalizing: 0 };
const IMAGE_MODEL = CATALOGUE.nanoBanana.slug; // google/nano-banana: references up to 3, 8 credits
const TEXT_TO_VIDEO = CATALOGUE.klingTurbo.slug; // kling/kling-2.5-turbo: a prompt alone, 5 s or 10 s
const IMAGE_ASSET = '11111111-1111-4111-8111-111111111111';
const AUDIO_ASSET = '33333333-3333-4333-8333-333333333333';
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

// ---------------------------------------------------------------------------
// Harness

interface Harness {
  server: HedraServer;
  /** The clock the server and the runs share: FAST unless the describe says. */
  time: TestTime;
  /** When a recorded request arrived, in ms on the shared clock (the server records none: the harness stamps each as it is recorded). */
  at(request: RecordedRequest): number;
  /** Called with each request as it arrives, before the server handles it; reset before every test. */
  onRequest?: (request: RecordedRequest) => void;
  run(inputs: Record<string, string>, options?: InProcessOptions): Promise<ActionRun>;
  calls(method: string, path: string | RegExp): RecordedRequest[];
}

/**
 * A server for the describe, its behaviour, state and faults restored before every test, its own answers checked
 * after each. Injected answers cannot be withdrawn: every test consumes what it injects (and checks that it did).
 * The server and the runs share one clock: FAST unless `options.time` says.
 */
function useServer(options: HedraServerOptions = {}): Harness {
  const stamps = new WeakMap<RecordedRequest, number>();
  const time = options.time ?? FAST;
  let initial: ServerBehaviour;
  const harness: Harness = {
    server: undefined as unknown as HedraServer,
    time,
    at: (request) => stamps.get(request) ?? Number.NaN,
    run: (inputs, runOptions) => runInProcess({ 'api-key': harness.server.apiKey, 'base-url': harness.server.baseUrl, ...inputs }, { time, ...runOptions }),
    calls: (method, path) => harness.server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
  };
  beforeAll(async () => {
    const server = await startHedraServer({ timings: ZERO, ...options, time });
    initial = { ...server.behaviour, timings: { ...server.behaviour.timings } };
    const push = server.requests.push.bind(server.requests);
    server.requests.push = (...records: RecordedRequest[]) => {
      for (const record of records) {
        stamps.set(record, time.now());
        harness.onRequest?.(record);
      }
      return push(...records);
    };
    harness.server = server;
  });
  beforeEach(() => {
    const { server } = harness;
    server.requests.length = 0;
    server.clearFaults();
    server.jobs.clear();
    server.assets.clear();
    server.billing.used = 0;
    Object.assign(server.behaviour, initial, { timings: { ...initial.timings } });
    harness.onRequest = undefined;
  });
  afterEach(() => {
    // Every answer of the server's own met the spec.
    expect(harness.server.internalErrors).toEqual([]);
  });
  afterAll(() => harness.server.close());
  return harness;
}

const unescapeData = (text: string) => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

/** The messages of the run's annotations of one kind, as the runner shows them. */
function annotations(stdout: string, kind: 'error' | 'warning'): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(`::${kind}`))
    .map((line) => unescapeData(line.slice(line.indexOf('::', 2) + 2)));
}
const errorOf = (result: ActionRun) => annotations(result.stdout, 'error').join('\n');
const warningsOf = (result: ActionRun) => annotations(result.stdout, 'warning').join('\n');

/** `METHOD /path` of every request, ids replaced by :id, for order checks. */
const shapes = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`);

/** The ids of a GET /generations list request. */
const listedIds = (request: RecordedRequest) => new URLSearchParams(request.query).get('ids');

/** The body of the one POST /generations (or of each, in order). */
const createBodies = (h: Harness) => h.calls('POST', '/generations').map((r) => r.body as Record<string, any>);

/** A port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A reverse proxy in front of the test server that lets a create through,
 * then loses Hedra's answer and says 503 instead (a gateway that timed out
 * after the backend had done the work). The server's own faults answer a
 * status only instead of handling the request, so this form needs the proxy.
 */
interface AnswerLosingProxy {
  baseUrl: string;
  /** The next POST /generations is handled, and answered 503. */
  loseNextCreate(): void;
  close(): Promise<void>;
}
async function startAnswerLosingProxy(origin: string): Promise<AnswerLosingProxy> {
  let lose = 0;
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const isCreate = req.method === 'POST' && new URL(req.url ?? '/', 'http://proxy').pathname === `${API_PREFIX}/generations`;
      const drop = isCreate && lose > 0;
      if (drop) lose--;
      const upstream = httpRequest(`${origin}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        if (!drop) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        answer.resume();
        answer.on('end', () => {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail: 'Service Unavailable: upstream request timeout' }));
        });
      });
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${API_PREFIX}`,
    loseNextCreate: () => void (lose = 1),
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------
// 1. Uploads

describe('1. uploads: multipart POST /assets/{id}/upload for every asset, upload_url or not', () => {
  const h = useServer({ videoUploadUrl: true });

  it('uploads a video by multipart though the asset answer offers an upload_url, never PUTs, and the generation succeeds', async () => {
    const clip = randomBytes(200_000);
    const result = await h.run({ type: 'video_upscale', video: 'media/clip.mp4' }, { files: { 'media/clip.mp4': clip } });
    expect(errorOf(result)).toBe('');
    expect(result.code).toBe(0);

    const [asset] = h.calls('POST', '/assets');
    const assetId = (asset.body as Record<string, string>).reserved_asset_id;
    expect(asset.body).toEqual({ name: 'clip.mp4', type: 'video', reserved_asset_id: assetId });
    expect(h.server.behaviour.videoUploadUrl).toBe(true); // the answer carried upload_url
    expect(h.server.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    const uploads = h.calls('POST', `/assets/${assetId}/upload`);
    expect(uploads.map((r) => r.status)).toEqual([200]);
    expect(h.server.assets.get(assetId)).toMatchObject({ finalized: true, upload: { via: 'multipart', bytes: clip.length, sha256: sha(clip) } });

    // The create names the asset, which has its media: the server would refuse it (422) otherwise.
    const creates = h.calls('POST', '/generations');
    expect(creates.map((r) => [r.status, (r.body as Record<string, unknown>).video_id])).toEqual([[200, assetId]]);
    expect(shapes(h.server.requests).indexOf('POST /generations')).toBeGreaterThan(shapes(h.server.requests).indexOf('POST /assets/:id/upload'));
    expect(JSON.parse(result.outputs['input-asset-ids'])).toEqual({ video: assetId });
    expect(result.outputs.status).toBe('complete');
    expect(sha(readFileSync(result.outputs.path))).toBe(h.server.resultSha256(result.outputs['asset-id']));
  });
});

// ---------------------------------------------------------------------------
// 2. Does this generation exist? Asked by GET /generations?ids=, never by /status.

describe('2. existence after an unknown outcome: asked through the list filter, whatever /status says of an unknown id', () => {
  const h = useServer();
  let proxy: AnswerLosingProxy;
  beforeAll(async () => {
    proxy = await startAnswerLosingProxy(h.server.origin);
  });
  afterAll(() => proxy.close());
  /** The list reads made while creating: before the first status poll (the one after the end asks what it cost). */
  const existenceChecks = () => {
    const firstStatus = h.server.requests.findIndex((r) => r.path.endsWith('/status'));
    return h.calls('GET', '/generations').filter((r) => firstStatus < 0 || h.server.requests.indexOf(r) < firstStatus);
  };

  /** Each way the create is handled and its answer lost; returns the base-url to run against. */
  const viaServer = (fault: Fault) => () => {
    h.server.fault('create', fault);
    return h.server.baseUrl;
  };
  const lost: [string, () => string][] = [
    ['the connection reset after handling', viaServer({ kind: 'reset-after' })],
    ['an answer cut short after handling', viaServer({ kind: 'truncate' })],
    ['a 200 whose body is not JSON', viaServer({ kind: 'malformed' })],
    [
      'a 503 after handling (a gateway lost the answer)',
      () => {
        proxy.loseNextCreate();
        return proxy.baseUrl;
      },
    ],
  ];

  /** Nothing ever asked /status about a generation the server did not hold. */
  function noStatusOfUnknownIds() {
    expect(h.calls('GET', /^\/generations\/[^/]+\/status$/).filter((r) => r.status !== 200)).toEqual([]);
  }

  describe.each([404, 422, 400] as const)('/status answers an unknown id with %i', (unknown) => {
    it.each(lost)('create answer lost by %s: asks GET /generations?ids=, adopts the generation; one create, one job', async (_, lose) => {
      h.server.behaviour.unknownStatusAnswer = unknown;
      const baseUrl = lose();
      const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL, 'base-url': baseUrl });
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);
      const creates = h.calls('POST', '/generations');
      expect(creates).toHaveLength(1);
      const id = (creates[0].body as Record<string, string>).generation_id;
      expect([...h.server.jobs.keys()]).toEqual([id]);
      const lists = existenceChecks();
      expect(lists.map(listedIds)).toEqual([id]);
      expect(h.server.requests.indexOf(lists[0])).toBeGreaterThan(h.server.requests.indexOf(creates[0]));
      expect(result.stdout).toContain(`Generation ${id} exists (the answer to the create request was lost); using it rather than creating another.`);
      expect(result.outputs['generation-id']).toBe(id);
      expect(result.outputs.status).toBe('complete');
      noStatusOfUnknownIds();
      expect(h.server.pendingFaults()).toBe(0);
    });

    it('a 503 before handling: asks the list, finds nothing, posts again with the same id; one job', async () => {
      h.server.behaviour.unknownStatusAnswer = unknown;
      h.server.fault('create', { kind: 'status', status: 503 });
      const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL });
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);
      const creates = h.calls('POST', '/generations');
      expect(creates.map((r) => r.status)).toEqual([503, 200]);
      const [first, second] = creates.map((r) => r.body as Record<string, string>);
      expect(second).toEqual(first);
      const id = first.generation_id;
      expect([...h.server.jobs.keys()]).toEqual([id]);
      const lists = existenceChecks();
      expect(lists.map(listedIds)).toEqual([id]);
      const at = (r: RecordedRequest) => h.server.requests.indexOf(r);
      expect(at(creates[0])).toBeLessThan(at(lists[0]));
      expect(at(lists[0])).toBeLessThan(at(creates[1]));
      expect(result.stdout).toContain(`POST /generations: HTTP 503; generation ${id} does not exist, so posting again with the same id in`);
      expect(result.outputs['generation-id']).toBe(id);
      noStatusOfUnknownIds();
    });
  });
});

// ---------------------------------------------------------------------------
// 3. Duplicate ids: ALREADY_EXISTS, in any status and shape; nothing else.

describe('3. duplicate ids: adopted on the code ALREADY_EXISTS only, whatever the HTTP status and the error shape', () => {
  const h = useServer();
  const CODED: ErrorShape[] = ['error', 'detail', 'detail-code', 'detail-list'];
  /** The list filter lags behind the create (it is eventually consistent): the action posts again, and meets ALREADY_EXISTS. */
  const listLags = () => h.server.inject({ method: 'GET', path: '/generations', status: 200, body: { page_info: { limit: 1, offset: 0 }, data: [] } });
  const reference = { files: { 'media/ref.png': png(64, 64) } };

  describe.each([409, 422] as const)('answered with HTTP %i', (status) => {
    it.each(CODED)("in the '%s' shape: the asset and the generation an earlier attempt made are adopted", async (shape) => {
      Object.assign(h.server.behaviour, { duplicateStatus: status, duplicateShape: shape });
      h.server.fault('asset-create', { kind: 'reset-after' });
      h.server.fault('create', { kind: 'reset-after' });
      listLags();
      const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL, 'reference-images': 'media/ref.png', wait: 'false' }, reference);
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);

      const assetCreates = h.calls('POST', '/assets');
      expect(assetCreates.map((r) => r.status)).toEqual([0, status]);
      const assetId = (assetCreates[0].body as Record<string, string>).reserved_asset_id;
      expect(assetCreates[1].body).toEqual(assetCreates[0].body);
      expect([...h.server.assets.keys()]).toEqual([assetId]);
      expect(h.calls('POST', `/assets/${assetId}/upload`).map((r) => r.status)).toEqual([200]);

      const creates = h.calls('POST', '/generations');
      expect(creates.map((r) => r.status)).toEqual([0, status]);
      const [first, second] = creates.map((r) => r.body as Record<string, any>);
      expect(second).toEqual(first);
      expect(first.reference_image_ids).toEqual([assetId]);
      const id = first.generation_id;
      expect([...h.server.jobs.keys()]).toEqual([id]);
      expect(h.calls('GET', '/generations').map(listedIds)).toEqual([id]);
      expect(result.stdout).toContain(`Generation ${id} exists (Hedra already had it); using it rather than creating another.`);
      expect(result.outputs['generation-id']).toBe(id);
      expect(result.outputs['asset-id']).toBe(h.server.jobs.get(id)?.assetId);
      expect(h.server.pendingFaults()).toBe(0);
    });

    it("in the 'detail-string' shape (words, no code): a generation is reported as that refusal, not adopted", async () => {
      Object.assign(h.server.behaviour, { duplicateStatus: status, duplicateShape: 'detail-string' });
      h.server.fault('create', { kind: 'reset-after' });
      listLags();
      const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL, wait: 'false' });
      expect(result.code).toBe(1);
      const creates = h.calls('POST', '/generations');
      expect(creates.map((r) => r.status)).toEqual([0, status]);
      const id = (creates[0].body as Record<string, string>).generation_id;
      expect(errorOf(result)).toContain(`Hedra answered HTTP ${status} to POST /generations: Generation ${id} already exists.`);
      expect(result.stdout).not.toContain('using it rather than creating another');
      expect(h.calls('GET', /\/status$/)).toEqual([]);
      // The first attempt's outcome was unknown: the generation may exist, so it is named, and set for a later step.
      expect(result.outputs['generation-id']).toBe(id);
      expect(errorOf(result)).toContain(`The generation may exist on Hedra's side under id ${id}`);
    });

    it("in the 'detail-string' shape: an asset is reported as that refusal, not adopted", async () => {
      Object.assign(h.server.behaviour, { duplicateStatus: status, duplicateShape: 'detail-string' });
      h.server.fault('asset-create', { kind: 'reset-after' });
      const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL, 'reference-images': 'media/ref.png', wait: 'false' }, reference);
      expect(result.code).toBe(1);
      const assetCreates = h.calls('POST', '/assets');
      expect(assetCreates.map((r) => r.status)).toEqual([0, status]);
      const assetId = (assetCreates[0].body as Record<string, string>).reserved_asset_id;
      expect(errorOf(result)).toContain(`Hedra answered HTTP ${status} to POST /assets: Asset ${assetId} already exists.`);
      expect(h.calls('POST', /\/upload$/)).toEqual([]);
      expect(h.calls('POST', '/generations')).toEqual([]);
    });
  });

  it.each([
    [
      '409 FAILED_PRECONDITION',
      409,
      { error: { type: 'FAILED_PRECONDITION', message: 'Generation already exists' } },
      'Hedra answered HTTP 409 to POST /generations: FAILED_PRECONDITION: Generation already exists.',
    ],
    [
      '400 with words only',
      400,
      { detail: 'A generation with this id already exists' },
      'Hedra answered HTTP 400 to POST /generations: A generation with this id already exists.',
    ],
    [
      '422 value_error',
      422,
      { detail: [{ type: 'value_error', loc: ['body', 'generation_id'], msg: 'Generation already exists' }] },
      'Hedra rejected the request (HTTP 422, POST /generations):\n- generation_id: Generation already exists',
    ],
  ] as const)('a create refused with a %s that says "already exists" is reported as itself, not adopted', async (_, status, body, message) => {
    h.server.inject({ method: 'POST', path: '/generations', status, body });
    const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL, wait: 'false' });
    expect(result.code).toBe(1);
    expect(errorOf(result)).toContain(message);
    expect(h.calls('POST', '/generations').map((r) => r.status)).toEqual([status]);
    expect(h.server.jobs.size).toBe(0);
    expect(h.calls('GET', '/generations')).toEqual([]);
    expect(h.calls('GET', /\/status$/)).toEqual([]);
    expect(result.stdout).not.toContain('using it rather than creating another');
  });

  it('an asset refused with a 400 that says "already exists" (no code) is reported as itself, not adopted', async () => {
    h.server.inject({ method: 'POST', path: '/assets', status: 400, body: { detail: 'Asset already exists' } });
    const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL, 'reference-images': 'media/ref.png', wait: 'false' }, reference);
    expect(result.code).toBe(1);
    expect(errorOf(result)).toContain('Hedra answered HTTP 400 to POST /assets: Asset already exists.');
    expect(h.calls('POST', '/assets').map((r) => r.status)).toEqual([400]);
    expect(h.calls('POST', /\/upload$/)).toEqual([]);
    expect(h.calls('POST', '/generations')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// 4. Credits

describe('4. credits: INSUFFICIENT_BALANCE and MISSING_CREDITS, in any status and shape, with the figures', () => {
  // 5 credits left; Imagen 4 costs 6.
  const h = useServer({ credits: 5 });
  const cases: [string, number, ErrorShape][] = [];
  for (const code of ['INSUFFICIENT_BALANCE', 'MISSING_CREDITS']) for (const status of [402, 400, 422]) cases.push([code, status, 'error']);
  for (const shape of ['detail', 'detail-code', 'detail-list'] as const) cases.push(['INSUFFICIENT_BALANCE', 402, shape]);
  cases.push(['INSUFFICIENT_BALANCE', 422, 'detail-list'], ['MISSING_CREDITS', 400, 'detail']);

  it.each(cases)('%s with HTTP %i in the %s shape: fails before anything is paid, saying so with the figures', async (code, status, shape) => {
    Object.assign(h.server.behaviour, { creditsCode: code, creditsStatus: status, creditsShape: shape });
    // The balance as read a moment earlier was enough (another run spent it since): Hedra's refusal is what stops this run.
    h.server.inject({ method: 'GET', path: '/billing/credits', status: 200, body: { remaining: 100, expiring: 0, used: 0 } });
    const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: CATALOGUE.imagenFour.slug, wait: 'false' });
    expect(result.code).toBe(1);
    const error = errorOf(result);
    expect(error).toContain('Not enough Hedra credits for this generation');
    expect(error).toContain('6 credits needed, 5 available');
    expect(error).toContain(`HTTP ${status}, POST /generations`);
    expect(h.calls('POST', '/generations').map((r) => r.status)).toEqual([status]);
    expect(h.server.jobs.size).toBe(0);
    expect(h.server.billing.used).toBe(0);
    expect(h.server.behaviour.credits).toBe(5);
    expect(result.outputs).not.toHaveProperty('generation-id');
  });
  it('a balance already too low is refused by the action before the create, with both figures', async () => {
    const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: CATALOGUE.imagenFour.slug, wait: 'false' });
    expect(result.code).toBe(1);
    expect(errorOf(result)).toContain('Not enough Hedra credits: this run needs 6 credits (6 base) and 5 credits can be spent. Nothing was paid.');
    expect(h.calls('POST', '/generations')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// 5. Batch items refused at creation

describe('5. a batch item refused at creation (id null, a status and an error)', () => {
  const h = useServer();

  it('keeps every list in order with "" in its place, downloads the others, warns, fails naming it, and never asks about its id', async () => {
    const reason = 'Content policy: this item was refused by the provider';
    h.server.behaviour.batchItemError = (index) => (index === 1 ? reason : undefined);
    const result = await h.run({ type: 'image', prompt: 'three lighthouses', model: IMAGE_MODEL, 'batch-size': '3' });
    expect(result.code).toBe(1);

    const creates = createBodies(h);
    expect(creates).toHaveLength(1);
    const [g1, g2, g3] = creates[0].generation_ids as string[];
    expect([...h.server.jobs.keys()].sort()).toEqual([g1, g3].sort());
    const [a1, a3] = [g1, g3].map((id) => h.server.jobs.get(id)!.assetId);
    expect(JSON.parse(result.outputs['generation-ids'])).toEqual([g1, '', g3]);
    expect(JSON.parse(result.outputs['asset-ids'])).toEqual([a1, '', a3]);
    const paths: string[] = JSON.parse(result.outputs.paths);
    expect(paths[1]).toBe('');
    expect(sha(readFileSync(paths[0]))).toBe(h.server.resultSha256(a1));
    expect(sha(readFileSync(paths[2]))).toBe(h.server.resultSha256(a3));
    expect(result.outputs.status).toBe('error');

    expect(warningsOf(result)).toContain(`Hedra refused batch item 2 at creation (requested as generation ${g2}): ${reason}`);
    expect(errorOf(result)).toContain(`Batch item 2 (requested as generation ${g2}) was refused at creation: ${reason}.`);

    // Only the create names the id Hedra did not confirm; the confirmed two are polled together.
    const others = h.server.requests.filter((r) => !(r.method === 'POST' && r.path === '/generations'));
    expect(others.filter((r) => `${r.path}${r.query}`.includes(g2))).toEqual([]);
    const lists = h.calls('GET', '/generations');
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) expect(listedIds(list)).toBe(`${g1},${g3}`);
  });
});

// ---------------------------------------------------------------------------
// 6. Error details

describe('6. a failed generation shows its param and every violation', () => {
  const h = useServer();
  const violations = {
    'generated_video_inputs.aspect_ratio': "must be one of '16:9', '9:16'",
    'generated_video_inputs.duration_ms': 'must be 4000, 6000 or 8000',
  };
  const failure = (form: 'field-message' | 'map') =>
    generationError({ type: 'INVALID_ARGUMENT', message: '2 input fields are invalid', param: 'generated_video_inputs.aspect_ratio', violations }, form);
  const reason =
    "INVALID_ARGUMENT: 2 input fields are invalid (parameter generated_video_inputs.aspect_ratio; generated_video_inputs.aspect_ratio: must be one of '16:9', '9:16'; generated_video_inputs.duration_ms: must be 4000, 6000 or 8000)";

  it.each(['field-message', 'map'] as const)('one job (the status answer), violations written as %s', async (form) => {
    h.server.behaviour.errorFor = () => failure(form);
    const result = await h.run({ prompt: 'a fox runs', model: TEXT_TO_VIDEO, duration: '5s' });
    expect(result.code).toBe(1);
    const id = result.outputs['generation-id'];
    expect(errorOf(result)).toContain(`Generation ${id} failed: ${reason}.`);
    expect(result.outputs.status).toBe('error');
    expect(result.summary).toContain('parameter generated_video_inputs.aspect_ratio');
  });

  it('a batch (the list answer), violations written as a map', async () => {
    h.server.behaviour.errorFor = (job) => (job.batchIndex === 1 ? failure('map') : undefined);
    const result = await h.run({ type: 'image', prompt: 'two lighthouses', model: IMAGE_MODEL, 'batch-size': '2' });
    expect(result.code).toBe(1);
    const ids: string[] = JSON.parse(result.outputs['generation-ids']);
    expect(errorOf(result)).toContain(`Generation ${ids[1]} failed: ${reason}.`);
    expect(h.calls('GET', '/generations').length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------
// 7. Polling etiquette

describe('7. polling etiquette', () => {
  // A clock 10 times the wall clock, not FAST's 50: these tests order requests a poll interval apart, and a poll
  // interval of 2 s must stay long against real latency (200 ms real here) for that order to be deterministic.
  const h = useServer({ time: scaledTime(10) });
  /** Timer tolerance: Node may fire a timer a millisecond (of real time) early, which the clock multiplies. */
  const TWO_SECONDS = 2000 - 2 * h.time.scale;

  it('polls one job no more often than every 2 s (a job of about 6 s)', async () => {
    h.server.behaviour.timings = { queued: 500, processing: 5000, finalizing: 500 };
    const result = await h.run({ prompt: 'a fox runs', model: TEXT_TO_VIDEO, duration: '5s' });
    expect(errorOf(result)).toBe('');
    expect(result.code).toBe(0);
    const polls = h.calls('GET', /\/status$/).map((r) => h.at(r));
    expect(polls.length).toBeGreaterThanOrEqual(3);
    const gaps = polls.slice(1).map((t, i) => t - polls[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(TWO_SECONDS);
    expect(result.outputs.status).toBe('complete');
  });

  it('polls a batch with one GET /generations?ids=a,b,c per round, and downloads each item as soon as it is complete', async () => {
    h.server.behaviour.timings = { queued: 0, processing: 1000, finalizing: 0 };
    // The server starts a batch's items together. When the first round asks, item 1 is made to finish 1 s later
    // (seen by the second round, 2 s on), items 2 and 3 9 s later (seen by a round 9 s on or later: real latency
    // cannot delay the second round that long).
    let shifted = false;
    h.onRequest = (r) => {
      if (shifted || r.method !== 'GET' || r.path !== '/generations') return;
      shifted = true;
      const now = h.time.now();
      for (const job of h.server.jobs.values()) job.createdAt = job.batchIndex === 0 ? now : now + 8000;
    };
    const result = await h.run({ type: 'image', prompt: 'three lighthouses', model: IMAGE_MODEL, 'batch-size': '3' });
    expect(errorOf(result)).toBe('');
    expect(result.code).toBe(0);
    const [g1, g2, g3] = createBodies(h)[0].generation_ids as string[];
    const [a1, a2, a3] = [g1, g2, g3].map((id) => h.server.jobs.get(id)!.assetId);
    const requests = h.server.requests;
    const index = (r: RecordedRequest | undefined) => requests.indexOf(r!);

    // One request per round naming every pending item, comma-joined: all three until item 1 is done, then 2 and 3.
    const lists = h.calls('GET', '/generations');
    const rounds = lists.map(listedIds);
    const all = `${g1},${g2},${g3}`;
    const rest = `${g2},${g3}`;
    expect(rounds[0]).toBe(all);
    expect(rounds.at(-1)).toBe(rest);
    expect(rounds).toEqual([...rounds.filter((r) => r === all), ...rounds.filter((r) => r === rest)]);
    const gaps = lists.slice(1).map((r, i) => h.at(r) - h.at(lists[i]));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(TWO_SECONDS);

    // /status only to fetch each completed item's download URL, right after the round that saw it complete.
    const statuses = h.calls('GET', /\/status$/);
    const statusOf = (id: string) => statuses.filter((r) => r.path === `/generations/${id}/status`);
    for (const id of [g1, g2, g3]) expect(statusOf(id)).toHaveLength(1);
    expect(statuses).toHaveLength(3);
    const lastAll = index(lists[rounds.lastIndexOf(all)]);
    const firstRest = index(lists[rounds.indexOf(rest)]);
    const lastRound = index(lists.at(-1));
    expect(index(statusOf(g1)[0])).toBeGreaterThan(lastAll);
    expect(index(statusOf(g1)[0])).toBeLessThan(firstRest);
    for (const id of [g2, g3]) expect(index(statusOf(id)[0])).toBeGreaterThan(lastRound);

    // Item 1 was downloaded while items 2 and 3 were still being waited for.
    const media = (asset: string) => h.calls('GET', new RegExp(`^/media/${asset}\\.`));
    expect(index(media(a1)[0])).toBeLessThan(firstRest);
    for (const asset of [a2, a3]) expect(index(media(asset)[0])).toBeGreaterThan(lastRound);
    const paths: string[] = JSON.parse(result.outputs.paths);
    expect(paths.map((p) => sha(readFileSync(p)))).toEqual([a1, a2, a3].map((a) => h.server.resultSha256(a)));
  });

  it.each(['epoch', 'delta'] as const)('waits out a 429 with X-RateLimit-Reset as %s and no Retry-After, then retries', async (form) => {
    h.server.fault('status', rateLimited({ resetInSeconds: 2, reset: form }));
    const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL });
    expect(errorOf(result)).toBe('');
    expect(result.code).toBe(0);
    const polls = h.calls('GET', /\/status$/);
    expect(polls.map((r) => r.status)).toEqual([429, 200]);
    // Without the header, the first retry would come within a second (full jitter).
    expect(h.at(polls[1]) - h.at(polls[0])).toBeGreaterThanOrEqual(1900);
    const id = result.outputs['generation-id'];
    expect(result.stdout).toMatch(new RegExp(`GET /generations/${id}/status: HTTP 429; retrying in \\d\\.\\ds \\(attempt 2 of 6\\)`));
    expect(result.outputs.status).toBe('complete');
  });

  it.each(['epoch', 'delta'] as const)(
    'after an answer with X-RateLimit-Remaining: 0 (reset as %s), waits for the reset before the next request',
    async (form) => {
      h.server.inject({ method: 'GET', path: '/models', status: 200, body: h.server.models(), rateLimit: { resetInSeconds: 2, reset: form } });
      const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL, wait: 'false' });
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);
      // The balance is read together with the catalogue, before its answer said the limit was used up.
      expect(shapes(h.server.requests)).toEqual(['GET /models', 'GET /billing/credits', 'POST /generations']);
      const [models, , create] = h.server.requests;
      expect(h.at(create) - h.at(models)).toBeGreaterThanOrEqual(1900);
    },
  );
});

// ---------------------------------------------------------------------------
// 8. Types not enabled for the account

describe('8. a type Hedra may not have enabled for the account', () => {
  const h = useServer({ enabledTypes: ['image', 'video', 'text_to_speech'] });

  it.each([
    [403, undefined],
    [404, undefined],
    [422, undefined],
    [422, 'error'],
    [404, 'detail-string'],
  ] as const)('a text_to_sound refused with %i (shape %s) fails saying the type may not be enabled for the account', async (status, shape) => {
    Object.assign(h.server.behaviour, { disabledTypeStatus: status, disabledTypeShape: shape });
    const result = await h.run({ type: 'text_to_sound', text: 'rain on a tin roof', wait: 'false' });
    expect(result.code).toBe(1);
    const error = errorOf(result);
    expect(error).toContain(`Hedra refused a text_to_sound generation (HTTP ${status}, POST /generations)`);
    expect(error).toContain("Generation type 'text_to_sound' is not enabled for this account");
    expect(error).toContain('Type text_to_sound may not be enabled for this account');
    expect(h.calls('POST', '/generations').map((r) => r.status)).toEqual([status]);
    expect(h.server.jobs.size).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// 9. The model catalogue: every check the model allows, before anything is paid

describe('9. the model catalogue', () => {
  const h = useServer();
  /** Nothing sent but the free reads made together: the catalogue and the balance. */
  const onlyTheCatalogueWasRead = () => expect(shapes(h.server.requests).sort()).toEqual(['GET /billing/credits', 'GET /models']);

  describe('(a) an unknown model', () => {
    it.each([
      [
        'image',
        'google/nano-bananna',
        [
          'Input "model": no model "google/nano-bananna" for type image. Did you mean "google/nano-banana"?',
          'Models for image: google/nano-banana, google/imagen-4.',
        ],
      ],
      [
        'video',
        'kling-2.5-turbo',
        [
          'Input "model": no model "kling-2.5-turbo" for type video. Did you mean "kling/kling-2.5-turbo"?',
          'Models for video: hedra/character-3, kling/kling-2.5-turbo, google/veo-3',
        ],
      ],
    ])('type %s, model %s: an error with the closest slugs; nothing sent but GET /models', async (type, model, messages) => {
      const result = await h.run({ type, model, prompt: 'a lighthouse' });
      expect(result.code).toBe(1);
      for (const message of messages) expect(errorOf(result)).toContain(message);
      onlyTheCatalogueWasRead();
    });
  });

  describe('(b) a model of another type', () => {
    it.each([
      [
        'image',
        'google/veo-3',
        'Input "model": "google/veo-3" is a model for type video, not image; set type: video, or choose one of: google/nano-banana, google/imagen-4.',
      ],
      [
        'image',
        'Veo 3',
        'Input "model": "Veo 3" (google/veo-3) is a model for type video, not image; set type: video, or choose one of: google/nano-banana, google/imagen-4.',
      ],
      ['video', 'google/imagen-4', 'Input "model": "google/imagen-4" is a model for type image, not video; set type: image, or choose one of:'],
    ])('type %s, model %s: names the type it belongs to', async (type, model, message) => {
      const result = await h.run({ type, model, prompt: 'a lighthouse' });
      expect(result.code).toBe(1);
      expect(errorOf(result)).toContain(message);
      onlyTheCatalogueWasRead();
    });
  });

  it('(c) an image without a model fails listing the image models', async () => {
    const result = await h.run({ type: 'image', prompt: 'a lighthouse' });
    expect(result.code).toBe(1);
    expect(errorOf(result)).toContain(
      'Input "model" is required for type image: Hedra needs a model to make an image. Models for image: google/nano-banana, google/imagen-4.',
    );
    onlyTheCatalogueWasRead();
  });

  describe('(d) a video without a model is Character-3, which needs a start frame and audio', () => {
    it('from a prompt alone: fails before anything is created, naming its inputs and suggesting text-to-video models', async () => {
      const result = await h.run({ type: 'video', prompt: 'a fox runs through the snow' });
      expect(result.code).toBe(1);
      const error = errorOf(result);
      expect(error).toContain('Model "hedra/character-3" (Hedra Character-3, used when input "model" is not set) needs a start frame (input "image")');
      expect(error).toContain('a soundtrack (input "audio", or "text" with "voice-id" for Hedra to speak), which are not given.');
      expect(error).toContain('To make a video from a prompt alone, set input "model" to a text-to-video model: kling/kling-2.5-turbo, google/veo-3.');
      onlyTheCatalogueWasRead();
    });

    it('with a local image but no audio: fails before the image is uploaded', async () => {
      const result = await h.run({ prompt: 'a fox talks', image: 'media/face.png' }, { files: { 'media/face.png': png(512, 512) } });
      expect(result.code).toBe(1);
      expect(errorOf(result)).toContain(
        'Model "hedra/character-3" (Hedra Character-3, used when input "model" is not set) needs a soundtrack (input "audio", or "text" with "voice-id" for Hedra to speak), which is not given.',
      );
      onlyTheCatalogueWasRead();
    });
  });

  describe('(e) each input against the model, every problem at once', () => {
    it('aspect-ratio, resolution, duration, prompt length, file size and pixel size (read from the PNG header), all in one error', async () => {
      const model = CATALOGUE.wanImageToVideo.slug; // 16:9, 9:16, 1:1; 480p, 720p; 5 s; ≤ 1500 characters; image ≤ 10 MB, 300 to 4096 px
      const result = await h.run(
        { model, prompt: 'x'.repeat(1501), 'aspect-ratio': '4:3', resolution: '1080p', duration: '8s', image: 'media/tall.png' },
        { files: { 'media/tall.png': png(200, 5000, 10_000_001) } },
      );
      expect(result.code).toBe(1);
      const error = errorOf(result);
      const name = `model "${model}"`;
      expect(error).toContain('The video request has 6 problems:');
      expect(error).toContain(`Input "aspect-ratio": ${name} does not take "4:3"; it takes 16:9, 9:16, 1:1.`);
      expect(error).toContain(`Input "resolution": ${name} does not take "1080p"; it takes 480p, 720p.`);
      expect(error).toContain(`Input "duration": ${name} does not take 8s; it takes 5s.`);
      expect(error).toContain(`Input "prompt": ${name} takes at most 1500 characters; it has 1501.`);
      expect(error).toMatch(new RegExp(`Input "image": "media/tall.png" is .*10000001 bytes.*; ${name} takes files of at most .*10000000 bytes`));
      expect(error).toContain(`Input "image": "media/tall.png" is 200×5000 px; ${name} takes images between 300 and 4096 px on each side.`);
      onlyTheCatalogueWasRead();
    });

    it('reference-images over max_count, with aspect-ratio and resolution, all in one error', async () => {
      const files = Object.fromEntries([1, 2, 3, 4].map((n) => [`media/ref${n}.png`, png(256, 256)]));
      const result = await h.run(
        {
          type: 'image',
          model: IMAGE_MODEL,
          prompt: 'a lighthouse',
          'aspect-ratio': '4:3',
          resolution: '8K',
          'reference-images': Object.keys(files).join('\n'),
        },
        { files },
      );
      expect(result.code).toBe(1);
      const error = errorOf(result);
      expect(error).toContain('The image request has 3 problems:');
      expect(error).toContain(`Input "aspect-ratio": model "${IMAGE_MODEL}" does not take "4:3"`);
      expect(error).toContain(`Input "resolution": model "${IMAGE_MODEL}" does not take "8K"; it takes 1K, 2K, 4K.`);
      expect(error).toContain(`Input "reference-images": model "${IMAGE_MODEL}" takes at most 3 images; got 4.`);
      onlyTheCatalogueWasRead();
    });

    it("the model's problems and the request schema's come in one error", async () => {
      const result = await h.run({ type: 'image', model: IMAGE_MODEL, prompt: 'a lighthouse', 'aspect-ratio': '4:3', request: 'negativ_prompt: blur' });
      expect(result.code).toBe(1);
      const error = errorOf(result);
      expect(error).toContain('The image request has 2 problems:');
      expect(error).toContain(`Input "aspect-ratio": model "${IMAGE_MODEL}" does not take "4:3"`);
      expect(error).toContain('Input "request": unknown field "negativ_prompt" for type image. Did you mean "negative_prompt"?');
      onlyTheCatalogueWasRead();
    });

    it('a local PNG within the bounds passes, is uploaded and used', async () => {
      const image = png(1024, 576, 50_000);
      const result = await h.run(
        { model: CATALOGUE.wanImageToVideo.slug, prompt: 'the lighthouse blinks', duration: '5s', image: 'media/wide.png', wait: 'false' },
        { files: { 'media/wide.png': image } },
      );
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);
      const assetId = JSON.parse(result.outputs['input-asset-ids']).image;
      expect(h.server.assets.get(assetId)?.upload).toMatchObject({ bytes: image.length, sha256: sha(image) });
      expect(createBodies(h)[0]).toMatchObject({ model_slug: CATALOGUE.wanImageToVideo.slug, start_keyframe_id: assetId });
    });
  });

  describe('(f) the model as sent', () => {
    it.each([
      ['its slug', IMAGE_MODEL],
      ['its UUID in upper case', CATALOGUE.nanoBanana.id!.toUpperCase()],
      ['its name', 'Nano Banana'],
      ['its name in another case', 'nano banana'],
    ])('given by %s, it is sent as model_slug', async (_, model) => {
      const result = await h.run({ type: 'image', prompt: 'a lighthouse', model, wait: 'false' });
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);
      const [body] = createBodies(h);
      expect(body.model_slug).toBe(IMAGE_MODEL);
      expect(body).not.toHaveProperty('ai_model_id');
      expect(JSON.parse(result.outputs.request).model_slug).toBe(IMAGE_MODEL);
    });

    const talkingHead = { prompt: 'a fox talks', image: IMAGE_ASSET, audio: AUDIO_ASSET, wait: 'false' };
    it.each([
      ['the default slug', 'hedra/character-3'],
      ['another slug', 'hedra-character-3'],
    ])('Character-3 (no model given) is sent by its slug when the catalogue lists one: %s', async (_, slug) => {
      h.server.behaviour.characterThreeSlug = slug;
      const result = await h.run(talkingHead);
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);
      const [body] = createBodies(h);
      expect(body.model_slug).toBe(slug);
      expect(body).not.toHaveProperty('ai_model_id');
    });

    it.each([
      ['no model given', {}],
      ['its UUID given in upper case', { model: CHARACTER_3_ID.toUpperCase() }],
    ])('with no slug in the catalogue (slug: null), Character-3 is sent as ai_model_id: %s', async (_, extra) => {
      h.server.behaviour.characterThreeSlug = null;
      const result = await h.run({ ...talkingHead, ...extra });
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);
      const [body] = createBodies(h);
      expect(body.ai_model_id).toBe(CHARACTER_3_ID);
      expect(body).not.toHaveProperty('model_slug');
    });
  });

  describe('(g) the catalogue unavailable: a warning, and the schema checks alone', () => {
    // 5xx and network failures are retried; Retry-After: 0 on the first five attempts keeps the test fast, the sixth fails as named.
    // The catalogue gets three attempts (the run can do without it): two quick 503s, then the failure named.
    const retried = (server: HedraServer, last: Fault) => {
      server.fault('models', { kind: 'status', status: 503, retryAfter: '0' }, 2);
      server.fault('models', last);
    };
    const forms: [string, (server: HedraServer) => void, number, string][] = [
      ['403', (s) => void (s.behaviour.modelsFailure = 403), 1, 'HTTP 403, GET /models'],
      ['404', (s) => void (s.behaviour.modelsFailure = 404), 1, 'HTTP 404 to GET /models'],
      [
        '500 after the retries',
        (s) => {
          s.fault('models', { kind: 'status', status: 500, retryAfter: '0' }, 2);
          s.behaviour.modelsFailure = 500;
        },
        3,
        'HTTP 500 to GET /models',
      ],
      ['a network fault after the retries', (s) => retried(s, { kind: 'reset-before' }), 3, 'to GET /models'],
    ];
    const warned = (result: ActionRun, said: string) => {
      const warning = warningsOf(result);
      expect(warning).toContain("Could not read Hedra's model catalogue (");
      expect(warning).toContain(said);
      expect(warning).toContain('the request is checked against the API schema only.');
    };

    it.each(forms)('%s: a valid request still succeeds, its model sent as given', async (_, fail, attempts, said) => {
      fail(h.server);
      const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: IMAGE_MODEL, wait: 'false' });
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);
      warned(result, said);
      expect(h.calls('GET', '/models')).toHaveLength(attempts);
      expect(createBodies(h)).toEqual([expect.objectContaining({ type: 'image', model_slug: IMAGE_MODEL })]);
      expect(h.server.pendingFaults()).toBe(0);
    });

    it.each(forms)('%s: an image without a model still fails, saying that one is required', async (_, fail, attempts, said) => {
      fail(h.server);
      const result = await h.run({ type: 'image', prompt: 'a lighthouse' });
      expect(result.code).toBe(1);
      warned(result, said);
      expect(errorOf(result)).toContain('Input "model" is required for type image: Hedra needs a model to make an image');
      expect(h.calls('GET', '/models')).toHaveLength(attempts);
      expect(h.calls('POST', '/generations')).toEqual([]);
    });

    it('404: a model UUID is sent as given, in the id field', async () => {
      h.server.behaviour.modelsFailure = 404;
      const result = await h.run({ type: 'image', prompt: 'a lighthouse', model: CATALOGUE.nanoBanana.id!.toUpperCase(), wait: 'false' });
      expect(result.code).toBe(0);
      expect(createBodies(h)[0].ai_model_id).toBe(CATALOGUE.nanoBanana.id);
    });
  });

  describe('(h) dry runs', () => {
    it.each([
      ['a model of another type', { type: 'image', model: 'google/veo-3' }, 'is a model for type video, not image'],
      [
        'an aspect ratio the model does not offer',
        { type: 'image', model: IMAGE_MODEL, 'aspect-ratio': '4:3' },
        'Input "aspect-ratio": model "google/nano-banana" does not take "4:3"',
      ],
    ])('with a key, reports catalogue problems (%s), reading nothing but GET /models', async (_, inputs, message) => {
      const result = await h.run({ ...inputs, prompt: 'a lighthouse', 'dry-run': 'true' });
      expect(result.code).toBe(1);
      expect(errorOf(result)).toContain(message);
      // A dry run reads no balance: it pays nothing.
      expect(shapes(h.server.requests)).toEqual(['GET /models']);
    });

    it('with a key, a valid request passes, reading nothing but GET /models', async () => {
      const result = await h.run({ type: 'image', model: 'Nano Banana', prompt: 'a lighthouse', 'dry-run': 'true' });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Dry run: the image request is valid; nothing was sent.');
      expect(JSON.parse(result.outputs.request).model_slug).toBe(IMAGE_MODEL);
      // A dry run reads no balance: it pays nothing.
      expect(shapes(h.server.requests)).toEqual(['GET /models']);
    });

    it('without a key, says the model checks were skipped and sends nothing', async () => {
      const result = await runInProcess({ 'base-url': h.server.baseUrl, type: 'image', model: IMAGE_MODEL, prompt: 'a lighthouse', 'dry-run': 'true' });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("No API key: the checks against Hedra's model catalogue were skipped (only the request schema was checked).");
      expect(h.server.requests).toHaveLength(0);
    });
  });

  describe('(i) the job summary names the model used, slug and name', () => {
    it.each([
      ['an image model given by name', { type: 'image', model: 'nano banana', prompt: 'a lighthouse' }, 'google/nano-banana (Nano Banana)', IMAGE_MODEL],
      [
        'Character-3, the video default',
        { prompt: 'a fox talks', image: IMAGE_ASSET, audio: AUDIO_ASSET },
        'hedra/character-3 (Hedra Character-3)',
        'hedra/character-3',
      ],
    ])('%s', async (_, inputs, label, slug) => {
      const result = await h.run({ ...inputs, wait: 'false' });
      expect(result.code).toBe(0);
      expect(result.summary).toContain(`| Model | \`${label}\` |`);
      expect(JSON.parse(result.outputs.request).model_slug).toBe(slug);
    });
  });

  describe('(j) durations in each form the catalogue may write them', () => {
    const forms = ['seconds-suffix', 'milliseconds', 'seconds'] as const;
    it.each(forms)('%s: a duration the model offers passes', async (form) => {
      h.server.behaviour.catalogueDurations = form;
      const result = await h.run({ model: CATALOGUE.veoThree.slug, prompt: 'a fox runs', duration: '6s', wait: 'false' });
      expect(errorOf(result)).toBe('');
      expect(result.code).toBe(0);
      expect(createBodies(h)[0].generated_video_inputs.duration_ms).toBe(6000);
    });
    it.each(forms)('%s: one it does not offer is refused, listing the allowed values', async (form) => {
      h.server.behaviour.catalogueDurations = form;
      const result = await h.run({ model: CATALOGUE.veoThree.slug, prompt: 'a fox runs', duration: '5s' });
      expect(result.code).toBe(1);
      expect(errorOf(result)).toContain('Input "duration": model "google/veo-3" does not take 5s; it takes 4s, 6s, 8s.');
      onlyTheCatalogueWasRead();
    });
  });
});

// ---------------------------------------------------------------------------
// 10. Input mistakes caught before anything is sent

describe('10. input mistakes', () => {
  const h = useServer();

  it.each([
    [
      'video',
      { model: TEXT_TO_VIDEO, prompt: 'a fox runs', duration: '5' },
      'Input "duration" is 5 milliseconds, too short for type video: a bare number is milliseconds. Did you mean "5s"?',
    ],
    [
      'text_to_sound',
      { text: 'rain', duration: '4' },
      'Input "duration" is 4 milliseconds, too short for type text_to_sound: a bare number is milliseconds. Did you mean "4s"?',
    ],
  ])('a bare small duration for %s is refused before anything is paid', async (type, inputs, message) => {
    const result = await h.run({ type, ...inputs });
    expect(result.code).toBe(1);
    expect(errorOf(result)).toContain(message);
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models']);
  });

  it('several bad inputs are all reported in one error, before anything is paid', async () => {
    const result = await h.run({ type: 'image', model: IMAGE_MODEL, prompt: 'a lighthouse', wait: 'maybe', timeout: '7h', seed: '4.5' });
    expect(result.code).toBe(1);
    const error = errorOf(result);
    expect(error).toContain('The inputs have 3 problems:');
    expect(error).toContain('Input "seed" must be a whole number, got "4.5".');
    expect(error).toContain('Input "wait" must be true or false, got "maybe".');
    expect(error).toContain('Input "timeout" must be between 1s and 6h, got "7h".');
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models']);
  });

  it('release-upload: true on a push event fails before anything is paid', async () => {
    const dir = tempDir('hedra-event-');
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ ref: 'refs/heads/main', head_commit: { id: 'abc123' } }));
    const result = await h.run(
      { type: 'image', model: IMAGE_MODEL, prompt: 'a lighthouse', 'release-upload': 'true', 'github-token': 'ghs_000000000000000000000000000000000000' },
      { env: { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'octo-org/octo-repo' } },
    );
    expect(result.code).toBe(1);
    expect(errorOf(result)).toContain('Input "release-upload" is true, but this run was triggered by a push event, not a release');
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models']);
  });

  /** The create never left: said so, consistently, in every retry line and in the error. */
  function neverLeft(result: ActionRun) {
    expect(result.code).toBe(1);
    const error = errorOf(result);
    expect(error).toContain('POST /generations');
    expect(error).toContain('The request never left this machine: no generation was created, and nothing was billed.');
    expect(error).not.toContain('may exist');
    const retries = result.stdout.split('\n').filter((line) => line.startsWith('POST /generations: '));
    for (const line of retries) expect(line).toContain('the request never left this machine, so posting again with the same id');
    expect(result.stdout).not.toContain('does not exist, so posting again');
  }

  it('a create to a closed port says that the request never left this machine and nothing was created', async () => {
    const port = await closedPort();
    // Refused connections are retried, at most 6 attempts. Their backoffs are on the fast clock, so a long timeout
    // costs little, and the run ends by its attempts, not by a deadline that real latency could bring forward.
    const result = await runInProcess({
      'api-key': 'test-key-closed-port-0000',
      'base-url': `http://127.0.0.1:${port}${API_PREFIX}`,
      type: 'image',
      model: IMAGE_MODEL,
      prompt: 'a lighthouse',
      timeout: '10m',
    });
    neverLeft(result);
    expect(errorOf(result)).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('a create to a host that does not resolve says the same', async () => {
    const result = await runInProcess({
      'api-key': 'test-key-unknown-host-0000',
      'base-url': `https://hedra.invalid${API_PREFIX}`,
      type: 'image',
      model: IMAGE_MODEL,
      prompt: 'a lighthouse',
      timeout: '10m',
    });
    neverLeft(result);
  });
});
