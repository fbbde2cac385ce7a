// npm run bench -- manifest: the figures for a manifest of many
// generations, through the committed bundle as the runner starts it.
//
//   1. Plan, no key: a manifest of 1,000 varied items (both APIs, images,
//      videos, sounds; some with local files, some with prompt-file) planned
//      with `plan: true` and no key, so no request: the whole step's wall time.
//      Target: under 2 s on a 2-core machine.
//   2. Plan, with keys: the same manifest priced against the v2 and v3 test
//      servers; the requests they saw, by kind, against the bound: one
//      catalogue read per API (v2 GET /models; v3 GET /models/{model} per
//      distinct model) plus one estimate per distinct model and input shape
//      (v3 POST /models/{model}/estimate; v2 prices locally), nothing else.
//   3. Collect again: a second collect (no `item`, no `plan`) over an unchanged
//      manifest of 20 items: its creates and uploads (must be 0 and 0) and its
//      wall time.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { png } from '../test/helpers/media-files.ts';
import type { RecordedRequest } from '../test/server/hedra-server.ts';
import { startHedraServer } from '../test/server/hedra-server.ts';
import { startHedraV3Server } from '../test/server/hedra-v3-server.ts';
import { type Measured, measure, median, timed } from './measure.ts';

const BUNDLE = new URL('../dist/index.js', import.meta.url).pathname;
const PLAN_ITEMS = 1000;
const COLLECT_ITEMS = 20;
const PLAN_TARGET_MS = 2000;

type Item = Record<string, string | string[] | Record<string, string>>;

/** Local files the items share (as a repository's few reference images are shared by many clips). */
const REFERENCE_FILES = 20;

/**
 * The kinds of item the manifest cycles through: both APIs, several models and types, texts in YAML and in files, local
 * images. Prompts differ per item (each is its own generation); the shapes (model, options, which files) repeat, as in
 * a real manifest.
 */
const KINDS: ((i: number) => { item: Item; ext: string; api: 'v2' | 'v3' })[] = [
  (i) => ({
    api: 'v2',
    ext: 'png',
    item: { type: 'image', model: 'google/nano-banana', prompt: `a fox in a field, take ${i}`, 'aspect-ratio': ['1:1', '16:9', '9:16'][i % 3] },
  }),
  (i) => ({
    api: 'v2',
    ext: 'png',
    item: {
      type: 'image',
      model: 'google/nano-banana',
      prompt: `the same fox, in winter, take ${i}`,
      'reference-images': [`refs/ref-${i % REFERENCE_FILES}.png`],
    },
  }),
  (i) => ({ api: 'v2', ext: 'png', item: { type: 'image', model: 'google/imagen-4', 'prompt-file': `prompts/p-${i}.txt`, 'aspect-ratio': '16:9' } }),
  (i) => ({
    api: 'v2',
    ext: 'mp4',
    item: { type: 'video', model: 'kling/kling-2.5-turbo', prompt: `the fox runs, take ${i}`, image: `refs/ref-${i % REFERENCE_FILES}.png`, duration: '5s' },
  }),
  (i) => ({ api: 'v2', ext: 'mp3', item: { type: 'text_to_sound', model: 'elevenlabs/sound-effects-v2', text: `rain on a tin roof, take ${i}` } }),
  (i) => ({
    api: 'v3',
    ext: 'png',
    item: { api: 'v3', model: 'gpt-image-2', prompt: `a lighthouse at dusk, take ${i}`, 'aspect-ratio': '1:1', resolution: '1K', request: { quality: 'low' } },
  }),
  (i) => ({
    api: 'v3',
    ext: 'png',
    item: { api: 'v3', model: 'gpt-image-2', 'prompt-file': `prompts/p-${i}.txt`, 'aspect-ratio': '16:9', resolution: '1K', request: { quality: 'medium' } },
  }),
  (i) => ({
    api: 'v3',
    ext: 'png',
    item: { api: 'v3', model: 'flux-11-pro', prompt: `a harbour in fog, take ${i}`, 'aspect-ratio': '1:1', resolution: '1080p' },
  }),
  (i) => ({
    api: 'v3',
    ext: 'mp4',
    item: {
      api: 'v3',
      model: 'kling-25-turbo',
      prompt: `waves on the rocks, take ${i}`,
      image: `refs/ref-${i % REFERENCE_FILES}.png`,
      'aspect-ratio': '16:9',
      duration: '5s',
    },
  }),
  (i) => ({
    api: 'v3',
    ext: 'png',
    item: {
      api: 'v3',
      model: 'gpt-image-2',
      prompt: `the lighthouse, repainted, take ${i}`,
      'reference-images': [`refs/ref-${i % REFERENCE_FILES}.png`],
      'aspect-ratio': '1:1',
      resolution: '1K',
      request: { quality: 'low' },
    },
  }),
];

/** A YAML value: JSON's texts, lists and mappings are YAML's flow forms. */
const yamlValue = (value: Item[string]) => JSON.stringify(value);

/** Writes a manifest of `count` items (with its prompt files and reference images) into `workspace`; its items' kinds. */
export function writeManifest(workspace: string, count: number): ReturnType<(typeof KINDS)[number]>[] {
  mkdirSync(join(workspace, 'media'), { recursive: true });
  mkdirSync(join(workspace, 'prompts'), { recursive: true });
  mkdirSync(join(workspace, 'refs'), { recursive: true });
  for (let r = 0; r < REFERENCE_FILES; r++) writeFileSync(join(workspace, 'refs', `ref-${r}.png`), png(1024, 1024, 16 * 1024, true));
  const lines = ['version: 1', 'items:'];
  const kinds = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length](i);
    kinds.push(kind);
    const name = `clip-${String(i).padStart(4, '0')}`;
    if (kind.item['prompt-file']) writeFileSync(join(workspace, kind.item['prompt-file'] as string), `A long prompt kept in the repository, for item ${i}.\n`);
    lines.push(`  ${name}:`);
    for (const [input, value] of Object.entries(kind.item)) lines.push(`    ${input}: ${yamlValue(value)}`);
    lines.push(`    output-path: media/{item}.${kind.ext}`);
  }
  writeFileSync(join(workspace, 'media/hedra.yml'), `${lines.join('\n')}\n`);
  return kinds;
}

/** The step's environment as the runner gives it: the manifest step's inputs, a fresh output file and summary. */
function stepEnv(workspace: string, inputs: Record<string, string>): Record<string, string> {
  const out = join(workspace, '..', `output-${randomBytes(4).toString('hex')}`);
  writeFileSync(out, '');
  writeFileSync(`${out}.summary`, '');
  const env: Record<string, string> = {
    GITHUB_OUTPUT: out,
    GITHUB_STEP_SUMMARY: `${out}.summary`,
    RUNNER_TEMP: join(workspace, '..'),
    GITHUB_WORKSPACE: workspace,
    // A plan runs on pull requests (from forks too: it needs no key).
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: EVENT,
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  };
  for (const [name, value] of Object.entries({ manifest: 'media/hedra.yml', ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** The event of a pull request, as the runner writes it (set by manifest()). */
let EVENT = '';

/** Runs the bundle as the runner does; a failed run stops the benchmark with the end of its log. */
async function step(workspace: string, inputs: Record<string, string>): Promise<Measured> {
  const m = await measure(process.execPath, [BUNDLE], stepEnv(workspace, inputs), { stdout: true, rss: true });
  if (m.code !== 0) throw new Error(`manifest run failed (exit ${m.code}):\n${(m.stdout ?? '').slice(0, 4000).replaceAll('%0A', '\n')}`);
  return m;
}

/** How many requests of each kind a server saw. */
function countBy(requests: RecordedRequest[], kinds: Record<string, (r: RecordedRequest) => boolean>): Record<string, number> & { other: number } {
  const counts: Record<string, number> = Object.fromEntries(Object.keys(kinds).map((k) => [k, 0]));
  let other = 0;
  for (const r of requests) {
    const kind = Object.entries(kinds).find(([, is]) => is(r))?.[0];
    if (kind) counts[kind]++;
    else other++;
  }
  return { ...counts, other };
}

/** An item's shape as its price follows it: its model and options, without its texts and with files only as files. */
function shapeOf(item: Item): string {
  const { prompt: _p, 'prompt-file': _f, text: _t, ...rest } = item;
  return JSON.stringify(rest, (key, value) => (['image', 'reference-images'].includes(key) ? 'a file' : value));
}

export async function manifest(row: (...cells: string[]) => void, runs: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'hedra-bench-manifest-'));
  const v2 = await startHedraServer({ timings: { queued: 0, processing: 0, finalizing: 0 } });
  // The test server's per-key limit (60 a minute) would make the first collect wait on the wall clock; the requests are what is counted here.
  const v3 = await startHedraV3Server({ timings: { queued: 0, processing: 0 }, keyRateLimit: false });
  EVENT = join(work, 'event.json');
  writeFileSync(
    EVENT,
    JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7, head: { repo: { full_name: 'someone/fork', fork: true } } } }),
  );
  const keys = { 'api-key': `${v2.apiKey}\n${v3.apiKey}`, 'base-url': `v2: ${v2.baseUrl}\nv3: ${v3.baseUrl}` };
  try {
    // 1. Plan without a key: no request at all.
    const big = join(work, 'plan', 'ws');
    const kinds = writeManifest(big, PLAN_ITEMS);
    const keyless: number[] = [];
    const keylessCpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const m = await step(big, { plan: 'true' });
      keyless.push(m.ms);
      if (m.cpuMs !== undefined) keylessCpu.push(m.cpuMs);
    }
    if (process.env.BENCH_VERBOSE) console.log(`plan without a key: ${keyless.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    if (v2.requests.length + v3.requests.length > 0) throw new Error('a plan without a key sent requests');
    const ms = median(keyless);
    row(
      `Manifest: plan of ${PLAN_ITEMS.toLocaleString('en')} items, no key (${runs} runs)`,
      timed(keyless),
      keylessCpu.length ? `its CPU time (user + system): ${timed(keylessCpu)}` : '',
      `${(ms / PLAN_TARGET_MS).toFixed(2)}× target`,
      `< ${PLAN_TARGET_MS / 1000} s ${ms < PLAN_TARGET_MS ? '✓' : '✗'}`,
    );

    // 2. The same plan with keys: requests by kind against the bound.
    const v3Items = kinds.filter((k) => k.api === 'v3').map((k) => k.item);
    const v3Models = new Set(v3Items.map((item) => item.model as string));
    const v3Shapes = new Set(v3Items.map(shapeOf));
    const priced: number[] = [];
    let v2Counts = { catalogue: 0, other: 0 };
    let v3Counts = { model: 0, estimate: 0, other: 0 };
    for (let i = 0; i < Math.min(runs, 3); i++) {
      v2.requests.length = 0;
      v3.requests.length = 0;
      priced.push((await step(big, { plan: 'true', ...keys })).ms);
      const seen2 = countBy(v2.requests, { catalogue: (r) => r.method === 'GET' && r.path === '/models' });
      const seen3 = countBy(v3.requests, {
        model: (r) => r.method === 'GET' && /^\/models\/[^/]+$/.test(r.path),
        estimate: (r) => r.method === 'POST' && /^\/models\/[^/]+\/estimate$/.test(r.path),
      });
      v2Counts = { catalogue: Math.max(v2Counts.catalogue, seen2.catalogue), other: Math.max(v2Counts.other, seen2.other) };
      v3Counts = {
        model: Math.max(v3Counts.model, seen3.model),
        estimate: Math.max(v3Counts.estimate, seen3.estimate),
        other: Math.max(v3Counts.other, seen3.other),
      };
      if (process.env.BENCH_VERBOSE) console.log([...v2.requests, ...v3.requests].map((r) => `${r.method} ${r.path}`).join('\n'));
    }
    const within =
      v2Counts.catalogue <= 1 && v2Counts.other === 0 && v3Counts.model <= v3Models.size && v3Counts.estimate <= v3Shapes.size && v3Counts.other === 0;
    row(`  the same plan with keys (both APIs, ${priced.length} runs)`, timed(priced), '', '', '');
    row(
      '  its requests, most in a run: v2 GET /models; v3 GET /models/{model}; v3 estimates; any other',
      `${v2Counts.catalogue}; ${v3Counts.model}; ${v3Counts.estimate}; ${v2Counts.other + v3Counts.other}`,
      `bound: 1; ${v3Models.size} (models); ${v3Shapes.size} (model × shape); 0`,
      '',
      `within the bound ${within ? '✓' : '✗'}`,
    );

    // 3. Collect twice over 20 items: the second makes nothing and uploads nothing.
    const small = join(work, 'collect', 'ws');
    writeManifest(small, COLLECT_ITEMS);
    v2.requests.length = 0;
    v3.requests.length = 0;
    const first = await step(small, keys);
    const lock = readFileSync(join(small, 'media/hedra.lock.json'), 'utf8');
    if (Object.keys(JSON.parse(lock).items).length !== COLLECT_ITEMS) throw new Error(`the first collect locked fewer than ${COLLECT_ITEMS} items`);
    const firstCounts = collectCounts(v2.requests, v3.requests);
    const again: number[] = [];
    let most = { creates: 0, uploads: 0, all: 0 };
    for (let i = 0; i < runs; i++) {
      v2.requests.length = 0;
      v3.requests.length = 0;
      again.push((await step(small, keys)).ms);
      const seen = collectCounts(v2.requests, v3.requests);
      most = { creates: Math.max(most.creates, seen.creates), uploads: Math.max(most.uploads, seen.uploads), all: Math.max(most.all, seen.all) };
    }
    row(
      `  collect again, ${COLLECT_ITEMS} unchanged items (${runs} runs)`,
      timed(again),
      `the first collect: ${first.ms.toFixed(1)} ms`,
      `${(median(again) / first.ms).toFixed(2)}× time`,
      '',
    );
    row(
      '  its creates; uploads; all requests (most in a run)',
      `${most.creates}; ${most.uploads}; ${most.all}`,
      `the first: ${firstCounts.creates}; ${firstCounts.uploads}; ${firstCounts.all}`,
      '',
      `0 creates, 0 uploads ${most.creates === 0 && most.uploads === 0 ? '✓' : '✗'}`,
    );
  } finally {
    await v2.close();
    await v3.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Creates (v2 POST /generations, v3 POST /models/{model}) and uploads (v2 asset uploads, v3 POST /files) among a run's requests. */
function collectCounts(v2: RecordedRequest[], v3: RecordedRequest[]): { creates: number; uploads: number; all: number } {
  const creates =
    v2.filter((r) => r.method === 'POST' && r.path === '/generations').length +
    v3.filter((r) => r.method === 'POST' && /^\/models\/[^/]+$/.test(r.path)).length;
  const uploads =
    v2.filter((r) => r.method === 'POST' && /^\/assets(\/[^/]+\/upload)?$/.test(r.path)).length +
    v3.filter((r) => r.method === 'POST' && r.path === '/files').length;
  return { creates, uploads, all: v2.length + v3.length };
}
