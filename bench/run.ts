// npm run bench: the action against the floor, side by side in one run.
//
//   1. Cold start: the committed bundle creating one generation (wait: false)
//      against a bare Node script sending the same POST with fetch, and one
//      making the same reads first.
//   2. Re-run: an unchanged re-run (reuse) against the first run of the same inputs.
//   3. Upload: a large file through the action against `curl -F`.
//   4. Download: a large result through the action against `curl -o`.
//   5. Waiting: the real polling code on simulated job traces against a fixed
//      5 s poll, on a simulated clock.
//   6. v3: a whole v3 run followed on the job's event stream against the same
//      run with the stream refused (the polling fallback), on the v3 test server.
//   7. Manifest: a plan of 1,000 items without a key (wall time), the same plan
//      priced (requests by kind against the bound), and a collect over an
//      unchanged manifest (no create, no upload): bench/manifest.ts.
//
// The machine is shared and noisy: the two sides alternate, every figure is
// the median of several runs with its range, and comparisons are ratios.
// BENCH_BYTES (default 1 GiB) and BENCH_RUNS (default 15 for start-up, 3 for
// transfers) scale it down for a quick look.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerationStatus } from '../src/apis/v2/client.ts';
import { waitForGenerations } from '../src/hedra/poll.ts';
import { type HedraServer, startHedraServer } from '../test/server/hedra-server.ts';
import { type HedraV3Server, startHedraV3Server } from '../test/server/hedra-v3-server.ts';
import { manifest } from './manifest.ts';
import { type Measured, measure, median, ratio, spread, timed } from './measure.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const BUNDLE = join(ROOT, 'dist/index.js');
const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const START_RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TRANSFER_RUNS = Math.max(1, Math.min(START_RUNS, 3));
const MiB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'hedra-bench-'));

function actionEnv(server: Pick<HedraServer, 'apiKey' | 'baseUrl'>, inputs: Record<string, string>): Record<string, string> {
  const out = join(work, `output-${randomBytes(4).toString('hex')}`);
  writeFileSync(out, '');
  const env: Record<string, string> = {
    GITHUB_OUTPUT: out,
    RUNNER_TEMP: work,
    GITHUB_WORKSPACE: work,
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  };
  const all = { 'api-key': server.apiKey, 'base-url': server.baseUrl, wait: 'true', download: 'true', timeout: '30m', 'dry-run': 'false', ...inputs };
  for (const [name, value] of Object.entries(all)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

async function alternate(runs: number, sides: (() => Promise<Measured>)[]): Promise<Measured[][]> {
  const results: Measured[][] = sides.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [s, side] of sides.entries()) {
      const m = await side();
      if (m.code !== 0) throw new Error(`benchmark run failed (exit ${m.code})`);
      results[s].push(m);
    }
  }
  return results;
}

const rows: string[][] = [];
const row = (...cells: string[]) => rows.push(cells);

async function coldStart(server: HedraServer) {
  const body = `JSON.stringify({ type: 'image', text_prompt: 'a lighthouse', model_slug: 'google/nano-banana', generation_id: crypto.randomUUID() })`;
  const post = `const r = await fetch(process.env.URL + '/generations', { method: 'POST', headers: { 'x-api-key': process.env.KEY, 'content-type': 'application/json' }, body: ${body} });
    if (!r.ok) process.exit(1); await r.json();`;
  const bare = join(work, 'bare-post.mjs');
  writeFileSync(bare, post);
  // The same requests as the action makes: the free reads together (the model catalogue, the credit
  // balance, the lookup of the content-derived ids), then the create.
  const bareWithReads = join(work, 'bare-reads-post.mjs');
  writeFileSync(
    bareWithReads,
    `const h = { 'x-api-key': process.env.KEY };
    const reads = await Promise.all(['/models', '/billing/credits', '/generations?ids=' + crypto.randomUUID() + '&limit=4'].map((p) => fetch(process.env.URL + p, { headers: h })));
    for (const r of reads) { if (!r.ok) process.exit(1); await r.json(); }\n${post}`,
  );
  const env = { URL: server.baseUrl, KEY: server.apiKey };
  const [action, floor, same] = await alternate(START_RUNS, [
    // A new prompt each run, so that every run creates (an unchanged one would reuse).
    () =>
      measure(
        process.execPath,
        [BUNDLE],
        actionEnv(server, { type: 'image', model: 'google/nano-banana', prompt: `a lighthouse ${randomBytes(4).toString('hex')}`, wait: 'false' }),
      ),
    () => measure(process.execPath, [bare], env),
    () => measure(process.execPath, [bareWithReads], env),
  ]);
  const a = action.map((m) => m.ms);
  const f = floor.map((m) => m.ms);
  const g = same.map((m) => m.ms);
  row('Cold start (create, wait: false)', timed(a), timed(f), ratio(a, f), '≤ 1.8×');
  row('  against a bare client making the same requests (3 reads together, then POST)', '', timed(g), ratio(a, g), '');
  const loaded = statSync(BUNDLE).size;
  const all = readdirSync(join(ROOT, 'dist'))
    .filter((f) => f.endsWith('.js'))
    .reduce((n, f) => n + statSync(join(ROOT, 'dist', f)).size, 0);
  row('Bundle size', `${(loaded / 1024).toFixed(0)} KiB loaded by a run (${(all / 1024).toFixed(0)} KiB in dist/)`, '', '', '');
}

/**
 * An unchanged re-run against the first run of the same inputs (a local image,
 * waited for and downloaded): wall time and the requests each makes.
 */
async function rerun(server: HedraServer) {
  const image = join(work, 'start.png');
  writeFileSync(image, randomBytes(200 * 1024));
  const first: Measured[] = [];
  const again: Measured[] = [];
  const requests = { first: [] as number[], again: [] as number[], creates: [] as number[] };
  for (let i = 0; i < START_RUNS; i++) {
    const inputs = { type: 'image', model: 'google/nano-banana', prompt: `a lighthouse ${randomBytes(4).toString('hex')}`, 'reference-images': image };
    server.requests.length = 0;
    first.push(await measure(process.execPath, [BUNDLE], actionEnv(server, inputs)));
    requests.first.push(server.requests.length);
    server.requests.length = 0;
    again.push(await measure(process.execPath, [BUNDLE], actionEnv(server, inputs)));
    requests.again.push(server.requests.length);
    requests.creates.push(server.requests.filter((r) => r.method === 'POST').length);
    if ([...first, ...again].some((m) => m.code !== 0)) throw new Error('benchmark run failed');
  }
  const f = first.map((m) => m.ms);
  const a = again.map((m) => m.ms);
  row('Unchanged re-run (reuse), against its first run', timed(a), timed(f), ratio(a, f), '');
  row(
    '  requests (uploads and creates on the re-run)',
    `${median(requests.again)} (${Math.max(...requests.creates)})`,
    `${median(requests.first)}`,
    `${(median(requests.again) / median(requests.first)).toFixed(2)}× requests`,
    'no upload, no create',
  );
}

/** A file of `bytes` bytes of random-looking content, written in 1 MiB blocks. */
function bigFile(path: string, bytes: number) {
  const block = randomBytes(MiB);
  const fd = openSync(path, 'w');
  for (let left = bytes; left > 0; left -= MiB) writeSync(fd, block, 0, Math.min(MiB, left));
  closeSync(fd);
}

const mbps = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);

async function upload(server: HedraServer) {
  const file = join(work, 'upload.mp4');
  bigFile(file, BYTES);
  const newAsset = async () => {
    const r = await fetch(`${server.baseUrl}/assets`, {
      method: 'POST',
      headers: { 'x-api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'upload.mp4', type: 'video' }),
    });
    return ((await r.json()) as { id: string }).id;
  };
  const [action, curl] = await alternate(TRANSFER_RUNS, [
    () => measure(process.execPath, [BUNDLE], actionEnv(server, { type: 'video_upscale', video: file, wait: 'false' }), { rss: true }),
    async () => {
      const id = await newAsset();
      return measure(
        'curl',
        ['-sS', '-f', '-o', '/dev/null', '-H', `x-api-key: ${server.apiKey}`, '-F', `file=@${file};type=video/mp4`, `${server.baseUrl}/assets/${id}/upload`],
        {},
      );
    },
  ]);
  const a = action.map((m) => mbps(BYTES, m.ms));
  const c = curl.map((m) => mbps(BYTES, m.ms));
  const rss = action.map((m) => (m.rssKiB ?? Number.NaN) / 1024);
  row(
    `Upload ${(BYTES / MiB).toFixed(0)} MiB`,
    `${median(a).toFixed(0)} MiB/s (${spread(a)})`,
    `${median(c).toFixed(0)} MiB/s (${spread(c)})`,
    `${(median(a) / median(c)).toFixed(2)}× throughput`,
    '≥ 0.8×',
  );
  row('  peak RSS while uploading', `${median(rss).toFixed(0)} MiB (${spread(rss)})`, '', '', '≤ 200 MiB');
  rmSync(file);
}

async function download(server: HedraServer) {
  server.behaviour.resultBytes = BYTES;
  server.behaviour.timings = { queued: 0, processing: 0, finalizing: 0 };
  const create = await fetch(`${server.baseUrl}/generations`, {
    method: 'POST',
    headers: { 'x-api-key': server.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'video', generated_video_inputs: { text_prompt: 'p' }, generation_id: crypto.randomUUID() }),
  });
  const { id } = (await create.json()) as { id: string };
  const status = (await (await fetch(`${server.baseUrl}/generations/${id}/status`, { headers: { 'x-api-key': server.apiKey } })).json()) as {
    download_url: string;
  };
  const out = join(work, 'downloads');
  const [action, curl] = await alternate(TRANSFER_RUNS, [
    async () => {
      rmSync(out, { recursive: true, force: true });
      return measure(process.execPath, [BUNDLE], actionEnv(server, { 'generation-id': id, 'output-path': `${out}/` }), { rss: true });
    },
    () => measure('curl', ['-sS', '-f', '-o', join(work, 'curl-download.mp4'), status.download_url], {}),
  ]);
  const a = action.map((m) => mbps(BYTES, m.ms));
  const c = curl.map((m) => mbps(BYTES, m.ms));
  const rss = action.map((m) => (m.rssKiB ?? Number.NaN) / 1024);
  row(
    `Download ${(BYTES / MiB).toFixed(0)} MiB`,
    `${median(a).toFixed(0)} MiB/s (${spread(a)})`,
    `${median(c).toFixed(0)} MiB/s (${spread(c)})`,
    `${(median(a) / median(c)).toFixed(2)}× throughput`,
    '≥ 0.8×',
  );
  row('  peak RSS while downloading', `${median(rss).toFixed(0)} MiB (${spread(rss)})`, '', '', '≤ 200 MiB');
  rmSync(out, { recursive: true, force: true });
  rmSync(join(work, 'curl-download.mp4'), { force: true });
}

/** A simulated job: queued, then processing along a progress curve, then finalizing; progress as Hedra would report it. */
interface Trace {
  name: string;
  queuedMs: number;
  processingMs: number;
  finalizingMs: number;
  curve: (x: number) => number;
  etaSec?: number;
}

const CURVES: Record<string, (x: number) => number> = {
  linear: (x) => x,
  'fast start': (x) => 1 - (1 - x) ** 2,
  'slow start': (x) => x ** 2,
  'steps of 10%': (x) => Math.floor(x * 10) / 10,
};

function traces(): Trace[] {
  const out: Trace[] = [];
  // Durations that do not fall on a 5 s boundary, as real jobs do not.
  for (const seconds of [10.6, 33.1, 61.8, 127.3, 298.9, 601.4]) {
    for (const [curveName, curve] of Object.entries(CURVES)) {
      for (const [queuedMs, finalizingMs] of [
        [0, 0],
        [5000, 3000],
      ]) {
        const processingMs = Math.round(seconds * 1000) - queuedMs - finalizingMs;
        out.push({
          name: `${seconds}s ${curveName}${queuedMs ? ' queued+finalizing' : ''}`,
          queuedMs,
          processingMs,
          finalizingMs,
          curve,
          etaSec: finalizingMs ? Math.round(seconds) : undefined,
        });
      }
    }
  }
  return out;
}

function statusAt(trace: Trace, t: number, id = 'g'): GenerationStatus {
  const base = { id, asset_id: `a-${id}` };
  if (t < trace.queuedMs) return { ...base, status: 'queued', progress: 0 };
  if (t < trace.queuedMs + trace.processingMs)
    return { ...base, status: 'processing', progress: Math.round(trace.curve((t - trace.queuedMs) / trace.processingMs) * 100) / 100 };
  if (t < trace.queuedMs + trace.processingMs + trace.finalizingMs) return { ...base, status: 'finalizing', progress: 1 };
  return { ...base, status: 'complete', progress: 1 };
}

/** The action's waiter on simulated time: when it noticed completion and how many times it asked. */
async function adaptive(trace: Trace): Promise<{ delayMs: number; polls: number }> {
  let now = 0;
  let polls = 0;
  const doneAt = trace.queuedMs + trace.processingMs + trace.finalizingMs;
  await waitForGenerations(
    async () => {
      polls++;
      return statusAt(trace, now);
    },
    ['g'],
    {
      deadline: 3_600_000,
      startedAt: 0,
      clock: () => now,
      sleep: async (ms) => void (now += ms),
      etaSec: trace.etaSec,
      log: { info: () => undefined, warning: () => undefined },
    },
  );
  return { delayMs: now - doneAt, polls };
}

/** The vendor sample's loop: ask, and if not done sleep 5 s and ask again (asks at 0, 5, 10, … s). */
function fixed(trace: Trace): { delayMs: number; polls: number } {
  const doneAt = trace.queuedMs + trace.processingMs + trace.finalizingMs;
  const k = Math.ceil(doneAt / 5000);
  return { delayMs: k * 5000 - doneAt, polls: k + 1 };
}

/** A batch of 8 like `trace`, each item taking a little more or less time, as batch items do. */
const BATCH_SPREAD = [0.9, 0.95, 0.97, 1, 1.02, 1.05, 1.08, 1.1];

function batchOf(trace: Trace): Trace[] {
  return BATCH_SPREAD.map((f) => ({ ...trace, processingMs: Math.round(trace.processingMs * f) }));
}

/** The action's waiter on a simulated batch: one list request per round, each item noticed when it is final. */
async function adaptiveBatch(trace: Trace): Promise<{ delayMs: number; requests: number }> {
  let now = 0;
  let requests = 0;
  const items = batchOf(trace);
  const ids = items.map((_, i) => `g${i}`);
  const noticed = new Map<string, number>();
  await waitForGenerations(
    async (id) => {
      requests++;
      return statusAt(items[ids.indexOf(id)], now, id);
    },
    ids,
    {
      deadline: 3_600_000,
      startedAt: 0,
      clock: () => now,
      sleep: async (ms) => void (now += ms),
      etaSec: trace.etaSec,
      log: { info: () => undefined, warning: () => undefined },
      list: async (pending) => {
        requests++;
        return pending.map((id) => statusAt(items[ids.indexOf(id)], now, id));
      },
      onFinal: (id) => noticed.set(id, now),
    },
  );
  const delays = items.map((item, i) => noticed.get(ids[i])! - (item.queuedMs + item.processingMs + item.finalizingMs));
  return { delayMs: delays.reduce((a, b) => a + b, 0) / delays.length, requests: requests / items.length };
}

/** The fixed 5 s poll on a batch: each item asked on its own. */
function fixedBatch(trace: Trace): { delayMs: number; requests: number } {
  const each = batchOf(trace).map(fixed);
  return { delayMs: each.reduce((a, r) => a + r.delayMs, 0) / each.length, requests: each.reduce((a, r) => a + r.polls, 0) / each.length };
}

async function waiting() {
  const all = traces();
  const ours = [];
  // The waiter logs each status change; the table is what matters here.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    for (const trace of all) ours.push(await adaptive(trace));
  } finally {
    process.stdout.write = write;
  }
  const theirs = all.map(fixed);
  if (process.env.BENCH_VERBOSE) {
    for (const [i, t] of all.entries()) {
      const [o, f] = [ours[i], theirs[i]];
      console.log(`${t.name}: ours ${(o.delayMs / 1000).toFixed(2)}s/${o.polls} polls, fixed ${(f.delayMs / 1000).toFixed(2)}s/${f.polls}`);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ourDelay = mean(ours.map((r) => r.delayMs)) / 1000;
  const theirDelay = mean(theirs.map((r) => r.delayMs)) / 1000;
  const ourPolls = mean(ours.map((r) => r.polls));
  const theirPolls = mean(theirs.map((r) => r.polls));
  row(
    `Waiting, ${all.length} traces 10 s–10 min: mean detection delay`,
    `${ourDelay.toFixed(2)} s (max ${(Math.max(...ours.map((r) => r.delayMs)) / 1000).toFixed(2)})`,
    `${theirDelay.toFixed(2)} s`,
    '',
    '≤ 1.5 s',
  );
  row(
    '  status requests per job',
    `${ourPolls.toFixed(1)} (max ${Math.max(...ours.map((r) => r.polls))})`,
    `${theirPolls.toFixed(1)}`,
    `${(ourPolls / theirPolls).toFixed(2)}× requests`,
    '≤ 0.7×',
  );
  const batches = [];
  for (const trace of all) batches.push(await adaptiveBatch(trace));
  const fixedBatches = all.map(fixedBatch);
  const batchDelay = mean(batches.map((r) => r.delayMs)) / 1000;
  const batchRequests = mean(batches.map((r) => r.requests));
  const fixedRequests = mean(fixedBatches.map((r) => r.requests));
  row(
    `Waiting, batches of 8 on the same traces: mean detection delay`,
    `${batchDelay.toFixed(2)} s (max ${(Math.max(...batches.map((r) => r.delayMs)) / 1000).toFixed(2)})`,
    `${(mean(fixedBatches.map((r) => r.delayMs)) / 1000).toFixed(2)} s`,
    '',
    '≤ 1.5 s',
  );
  row('  status requests per job', batchRequests.toFixed(1), fixedRequests.toFixed(1), `${(batchRequests / fixedRequests).toFixed(2)}× requests`, '≤ 0.7×');
}

/**
 * A v3 job of 3.2 s, followed on its event stream (the end is pushed) against the same run with the
 * stream refused (polled, never faster than every 2 s): the time to the downloaded file, and the
 * requests made while waiting.
 */
async function v3(server: HedraV3Server) {
  server.behaviour.timings = { queued: 200, processing: 3000 };
  const inputs = () => ({
    api: 'v3',
    model: 'gpt-image-2',
    prompt: `a lighthouse ${randomBytes(4).toString('hex')}`,
    'aspect-ratio': '1:1',
    resolution: '1K',
    request: 'quality: low',
    reuse: 'false',
  });
  const waits = { stream: [] as number[], polled: [] as number[] };
  const waited = () => server.requests.filter((r) => r.path.endsWith('/status') || r.path.endsWith('/stream')).length;
  const [streamed, polled] = await alternate(TRANSFER_RUNS + 2, [
    async () => {
      server.behaviour.stream = 'ok';
      server.requests.length = 0;
      const m = await measure(process.execPath, [BUNDLE], actionEnv(server, inputs()));
      waits.stream.push(waited());
      return m;
    },
    async () => {
      server.behaviour.stream = 'refuse';
      server.requests.length = 0;
      const m = await measure(process.execPath, [BUNDLE], actionEnv(server, inputs()));
      waits.polled.push(waited());
      return m;
    },
  ]);
  const s = streamed.map((m) => m.ms);
  const p = polled.map((m) => m.ms);
  row('v3, a 3.2 s job: the event stream, against polling', timed(s), timed(p), ratio(s, p), '< 1×');
  row('  requests while waiting', `${median(waits.stream)}`, `${median(waits.polled)}`, '', '1 per job');
}

const server = await startHedraServer({ timings: { queued: 0, processing: 0, finalizing: 0 } });
try {
  const only = process.argv.slice(2);
  const want = (part: string) => only.length === 0 || only.includes(part);
  if (want('start')) await coldStart(server);
  if (want('rerun')) await rerun(server);
  if (want('upload')) await upload(server);
  if (want('download')) await download(server);
  if (want('wait')) await waiting();
  if (want('v3')) {
    const v3Server = await startHedraV3Server();
    try {
      await v3(v3Server);
    } finally {
      await v3Server.close();
    }
  }
  if (want('manifest')) await manifest(row, Math.max(5, Math.min(START_RUNS, 7)));
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

const header = ['measure', 'the action: median (range)', 'the floor: median (range)', 'ratio', 'target'];
const floorNote = 'floor: bare fetch POST / curl -F / curl -o / fixed 5 s poll';
console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(
  `\n${floorNote}; Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}; load average ${loadavg()[0].toFixed(1)} at the end), ${START_RUNS} start-up runs, ${TRANSFER_RUNS} transfer runs, alternating sides.`,
);
