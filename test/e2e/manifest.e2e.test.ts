// A manifest of many generations through the committed bundle, as a workflow runs it (issue 21's "Done when"):
// a runner emulation of plan → matrix → collect over five items on both APIs, then a prompt edited (the plan
// names only that item and its changed input) and an output edited by hand (verify names it). What only the
// bundle proves: each step as its own process, the matrix jobs on disks of their own (nothing but Hedra links
// them to the collect), exit codes, and the files a later workflow step reads (the lock, the in-toto
// Statements). Every case of each mode runs in-process in test/in-process/manifest.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { wallTime } from '../helpers/fast-time.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { tempDir } from '../setup/temp.ts';
import { type ActionRun, runAction } from './run-action.ts';

// CommonJS modules seen from ESM: the class may sit on .default.
const Ajv2020 = ((Ajv2020Module as any).default ?? Ajv2020Module) as typeof Ajv2020Module.default;
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as typeof addFormatsModule.default;
const validateStatement = addFormats(new Ajv2020({ allErrors: true, strict: false })).compile(
  JSON.parse(readFileSync(new URL('../fixtures/in-toto-statement-v1.schema.json', import.meta.url), 'utf8')),
);

const PREDICATE_TYPE = 'https://github.com/hedra-actions/hedra-generate-action/provenance/v1';
const VOICE = '44444444-4444-4444-8444-444444444444';
const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2048)]);

let v2: HedraServer;
let v3: HedraV3Server;
/**
 * Hedra's v3 clock: the wall clock, moved on between the matrix and the collect. A collect job starts seconds after
 * the matrix jobs end; without the move, a job submitted in the same second as the collect's first answer (its Date
 * says the second) could not be told from one the collect made (test/e2e/v3-reuse.e2e.test.ts).
 */
let offset = 0;
beforeAll(async () => {
  [v2, v3] = await Promise.all([
    startHedraServer({ requireAssets: true, timings: { queued: 0, processing: 0, finalizing: 0 } }),
    startHedraV3Server({ timings: { queued: 0, processing: 0 }, time: { ...wallTime, now: () => Date.now() + offset } }),
  ]);
});
afterAll(async () => {
  expect([v2.internalErrors, v3.internalErrors]).toEqual([[], []]);
  await Promise.all([v2.close(), v3.close()]);
});

const MANIFEST = `version: 1
defaults:
  output-path: media/out/{item}.png
items:
  hero:
    type: image
    model: google/nano-banana
    prompt: a lighthouse at dusk, in the style of the reference
    aspect-ratio: "16:9"
    reference-images: [media/in/style.png]
  scene:
    type: image
    model: google/nano-banana
    prompt-file: prompts/scene.txt
  voice:
    type: text_to_speech
    text: Welcome to the tour.
    voice-id: ${VOICE}
    output-path: media/out/{item}.mp3
  poster:
    api: v3
    model: gpt-image-2
    prompt: a poster of a fox
    aspect-ratio: "1:1"
    resolution: 1K
    request: { quality: low }
  remix:
    api: v3
    model: gpt-image-2
    aspect-ratio: "1:1"
    resolution: 1K
    request: { quality: low }
    prompt-file: prompts/remix.txt
    reference-images: [media/in/fox.png]
`;

/** Requests that make something billed: a v2 generation, a v3 job. */
const creates = () => ({
  v2: v2.requests.filter((r) => r.method === 'POST' && r.path === '/generations').length,
  v3: v3.jobs.size,
});

/** The run's error annotations, to say why a run that should have passed did not. */
const errorsOf = (run: ActionRun) =>
  run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .join('\n');

/** Every in-toto Statement a run wrote, and its predicate file beside it. */
function provenanceOf(run: ActionRun): { statement: any; predicate: any; file: string }[] {
  const folder = join(run.dirs.temp, 'hedra-provenance');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.intoto.json'))
    .map((name) => ({
      file: name,
      statement: JSON.parse(readFileSync(join(folder, name), 'utf8')),
      predicate: JSON.parse(readFileSync(join(folder, name.replace(/\.intoto\.json$/, '.predicate.json')), 'utf8')),
    }));
}

/** Each Statement is an in-toto Statement v1 about the file the workspace holds, and its predicate file is its predicate. */
function expectProvenance(run: ActionRun, workspace: string, items: string[]) {
  const found = provenanceOf(run);
  expect(found.map((p) => p.statement.predicate.item).sort()).toEqual([...items].sort());
  for (const { statement, predicate, file } of found) {
    expect(validateStatement(statement), `${file}: ${JSON.stringify(validateStatement.errors)}`).toBe(true);
    expect(statement.predicateType).toBe(PREDICATE_TYPE);
    expect(statement.subject).toHaveLength(1);
    expect(statement.subject[0].digest.sha256).toBe(sha(readFileSync(join(workspace, statement.subject[0].name))));
    expect(predicate).toEqual(statement.predicate);
  }
  return found;
}

/** Writes files into a directory, by relative path. */
function write(dir: string, files: Record<string, Buffer | string>) {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

it('plan → matrix → collect over both APIs; a prompt edited is planned alone; a file edited by hand fails verify', async () => {
  const root = tempDir('hedra-manifest-');
  // The repository as the main job checks it out; each matrix job has a checkout of its own.
  const workspace = join(root, 'repository');
  write(workspace, {
    'media/hedra.yml': MANIFEST,
    'media/in/style.png': png(),
    'prompts/scene.txt': 'a harbour in the rain\n',
    'prompts/remix.txt': 'the fox, redrawn\n',
    'media/in/fox.png': png(),
  });
  const keys = [v2.apiKey, v3.apiKey];
  const step = { manifest: 'media/hedra.yml', 'base-url': `v2: ${v2.baseUrl}\nv3: ${v3.baseUrl}`, timeout: '30s' };
  // `reuse` as action.yml has it (true): the collect finds what the matrix jobs made.
  const run = (inputs: Record<string, string>, at = workspace) => runAction({ ...step, ...inputs }, { workspace: at, reuseDefault: true });
  const texts: string[] = [];
  const keep = (result: ActionRun) => {
    texts.push(JSON.stringify(result.outputs), result.summary);
    return result;
  };

  // 1. The plan, in a pull request: no key, no request; every item is new.
  const plan = keep(await run({ plan: 'true' }));
  expect(plan.code, errorsOf(plan)).toBe(0);
  expect(plan.stderr).toBe('');
  expect(plan.outputs.work).toBe('5');
  const matrix = JSON.parse(plan.outputs.matrix) as { include: { item: string }[] };
  expect(matrix.include.map((entry) => entry.item).sort()).toEqual(['hero', 'poster', 'remix', 'scene', 'voice']);
  expect(plan.summary.match(/\| new \|/g)).toHaveLength(4);
  expect(plan.summary).toContain('| `remix` | v3 | new (made by the collect step');
  expect([v2.requests, v3.requests]).toEqual([[], []]);

  // 2. The matrix: each entry a job of its own, on a checkout of its own, all at once, with both keys. remix, a v3
  // request with a local file, is left to the collect: Hedra stores the file under a new handle each run, so a job
  // made here could not be found again there, and would be paid twice.
  const jobs = await Promise.all(
    matrix.include.map(async (entry) => {
      const checkout = join(root, `job-${entry.item}`);
      cpSync(workspace, checkout, { recursive: true });
      return { entry, checkout, result: keep(await run({ item: entry.item, 'api-key': keys.join('\n') }, checkout)) };
    }),
  );
  for (const { entry, checkout, result } of jobs) {
    expect(result.code, `${entry.item}: ${errorsOf(result)}`).toBe(0);
    expect(result.stderr).toBe('');
    if (entry.item === 'remix') {
      expect(result.stdout).toContain('remix is left to the collect step');
      expect([result.outputs['generation-id'], result.outputs.provenance]).toEqual([undefined, '[]']);
      continue;
    }
    expect(result.outputs['generation-id']).toMatch(/^([0-9a-f-]{36}|job_[\w-]+)$/);
    expect(result.outputs.path).toBe(join(checkout, 'media/out', entry.item === 'voice' ? 'voice.mp3' : `${entry.item}.png`));
    expect(result.outputs['predicate-type']).toBe(PREDICATE_TYPE);
    const [made] = JSON.parse(result.outputs.provenance);
    expect(made).toMatchObject({ item: entry.item, sha256: sha(readFileSync(result.outputs.path)), predicate: result.outputs['predicate-path'] });
    const [provenance] = expectProvenance(result, checkout, [entry.item]);
    expect(provenance.predicate).toMatchObject({ item: entry.item, generationId: result.outputs['generation-id'], reused: false });
  }
  expect(creates()).toEqual({ v2: 3, v3: 1 });
  const ids = Object.fromEntries(jobs.map(({ entry, result }) => [entry.item, result.outputs['generation-id']]));

  // 3. The collect, in the main job: what the matrix made is found again (nothing is paid twice), remix is made,
  // once; every file is downloaded to its place, and the lock records it.
  offset += 2000;
  const collect = keep(await run({ 'api-key': keys.join('\n') }));
  expect(collect.code, errorsOf(collect)).toBe(0);
  expect(collect.stderr).toBe('');
  expect(creates()).toEqual({ v2: 3, v3: 2 });
  ids.remix = [...v3.jobs.keys()].find((job) => !Object.values(ids).includes(job)) as string;
  expect(collect.outputs['lock-file']).toBe('media/hedra.lock.json');
  const lockText = readFileSync(join(workspace, 'media/hedra.lock.json'), 'utf8');
  texts.push(lockText);
  const lock = JSON.parse(lockText) as {
    items: Record<string, { key: string; api: string; ids: string[]; outputs: { path: string; bytes: number; sha256: string }[] }>;
  };
  expect(Object.keys(lock.items)).toEqual(['hero', 'poster', 'remix', 'scene', 'voice']);
  for (const [name, locked] of Object.entries(lock.items)) {
    expect(locked.ids).toEqual([ids[name]]);
    expect(locked.api).toBe(name === 'poster' || name === 'remix' ? 'v3' : 'v2');
    expect(locked.outputs).toHaveLength(1);
    const bytes = readFileSync(join(workspace, locked.outputs[0].path));
    expect(locked.outputs[0]).toEqual({ path: `media/out/${name}.${name === 'voice' ? 'mp3' : 'png'}`, bytes: bytes.length, sha256: sha(bytes) });
  }
  const collected = expectProvenance(collect, workspace, Object.keys(lock.items));
  expect(collected.map((p) => [p.predicate.item, p.predicate.reused, p.predicate.generationId, p.predicate.contentKey])).toEqual(
    expect.arrayContaining(Object.entries(lock.items).map(([name, locked]) => [name, name !== 'remix', ids[name], locked.key])),
  );
  expect(JSON.parse(collect.outputs.provenance)).toHaveLength(5);
  expect(collect.summary.match(/\| reused \(no charge\) \|/g)).toHaveLength(4);
  expect(collect.summary).toMatch(/\| `remix` \| made \|/);

  // 4. One prompt edited: the plan names that item alone, and the input that changed.
  write(workspace, { 'media/hedra.yml': MANIFEST.replace('a poster of a fox', 'a poster of an owl') });
  const replan = keep(await run({ plan: 'true' }));
  expect(replan.code, errorsOf(replan)).toBe(0);
  expect(replan.outputs.work).toBe('1');
  expect(JSON.parse(replan.outputs.matrix)).toEqual({ include: [{ item: 'poster' }] });
  expect(replan.stdout).toContain('poster: changed: prompt');
  expect(replan.summary).toMatch(/\| `poster` \| v3 \| changed: prompt \|/);

  // 5. A file edited by hand: verify fails, naming it, and only it.
  writeFileSync(join(workspace, 'media/out/voice.mp3'), 'edited by hand');
  const requests = [v2.requests.length, v3.requests.length];
  const verify = keep(await run({ verify: 'true' }));
  expect(verify.code).toBe(1);
  const errors = errorsOf(verify).split('\n');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('1 of 5 files do not match media/hedra.lock.json');
  expect(errors[0]).toContain('media/out/voice.mp3 (items.voice) was changed');
  for (const name of ['hero.png', 'scene.png', 'poster.png', 'remix.png']) expect(errors[0]).not.toContain(name);
  expect([v2.requests.length, v3.requests.length]).toEqual(requests);

  // 6. The keys are in none of what the runs left (finishRun also scans every file and the log for each, in any encoding).
  const statements = [collect, ...jobs.map((job) => job.result)].flatMap((result) => provenanceOf(result).map((p) => JSON.stringify(p)));
  for (const key of keys) for (const text of [...texts, ...statements]) expect(text).not.toContain(key);
}, 60_000);
