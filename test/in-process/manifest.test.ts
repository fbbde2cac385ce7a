// A manifest of many generations, in-process through runWith against the v2
// and v3 test servers on the fast clock, each workspace kept across the runs of
// a story as a repository is across workflow runs:
// - plan: no key, no request; with keys, one catalogue read per API (per model
//   on v3) and one estimate per shape, `max-credits` on the total;
// - every problem of every item at once, named items.<name>.<input>;
// - collect (generate all) writes the lock and the provenance; a second one
//   sends nothing; a hand edit fails verify and is put back at no cost; an
//   edited prompt is the only change a plan names; an item removed leaves the lock;
// - a matrix (`item: x` per entry, then a collect in a fresh checkout) pays once;
// - items in parallel keep to one request budget; a failed item stops no other;
// - an item without a key for its API is refused before any request;
// - the keys appear in no file the action writes.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/action/toolkit.ts';
import { runWith } from '../../src/main.ts';
import { FAST } from '../helpers/fast-time.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';
import { errorBody, type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { mostInWindow } from '../server/v3-rate-limit.ts';
import { tempDir } from '../setup/temp.ts';

let v2: HedraServer;
let v3: HedraV3Server;
beforeAll(async () => {
  [v2, v3] = await Promise.all([startHedraServer({ time: FAST }), startHedraV3Server({ time: FAST, timings: { queued: 0, processing: 300 } })]);
});
afterAll(async () => {
  await Promise.all([v2?.close(), v3?.close()]);
});

const v2Image = (prompt: string, extra = '') => `{ type: image, model: google/nano-banana, prompt: ${prompt}${extra} }`;
const v3Image = (prompt: string, quality = 'low') =>
  `{ api: v3, model: gpt-image-2, prompt: ${prompt}, aspect-ratio: "1:1", resolution: 1K, request: { quality: ${quality} } }`;
/** Items over both APIs, one with its prompt in a file. */
const STORY = {
  fox: v2Image('a fox', ', aspect-ratio: "1:1"'),
  owl: v2Image('an owl'),
  bat: '{ type: image, model: google/nano-banana, prompt-file: prompts/bat.txt }',
  cat: v3Image('a cat'),
  dog: v3Image('a dog'),
};
const manifestText = (items: Record<string, string>) =>
  `version: 1\ndefaults:\n  output-path: media/out/{item}.png\nitems:\n${Object.entries(items)
    .map(([name, item]) => `  ${name}: ${item}\n`)
    .join('')}`;

/** A checked-out repository: the workspace, the runner's temp folder, and a step on it. */
function repository(items: Record<string, string>, servers: { v2?: HedraServer; v3?: HedraV3Server } = {}) {
  const base = tempDir('manifest-');
  const ws = join(base, 'ws');
  const temp = join(base, 'temp');
  mkdirSync(join(ws, 'media'), { recursive: true });
  mkdirSync(join(ws, 'prompts'), { recursive: true });
  mkdirSync(temp);
  writeFileSync(join(ws, 'prompts/bat.txt'), 'a bat at dusk');
  writeFileSync(join(ws, 'prompts/matrix-bat.txt'), 'a bat in a matrix');
  writeFileSync(join(ws, 'media/hedra.yml'), manifestText(items));
  const s2 = servers.v2 ?? v2;
  const s3 = servers.v3 ?? v3;
  const keys = `${s2.apiKey}\n${s3.apiKey}`;
  async function step(inputs: Record<string, string>) {
    const env: Env = {
      GITHUB_WORKSPACE: ws,
      RUNNER_TEMP: temp,
      GITHUB_REPOSITORY: 'octo/site',
      GITHUB_RUN_ID: '7',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
    };
    for (const [name, value] of Object.entries({ manifest: 'media/hedra.yml', 'base-url': `v2: ${s2.baseUrl}\nv3: ${s3.baseUrl}`, ...inputs }))
      env[`INPUT_${name.toUpperCase()}`] = value;
    const toolkit = recordingToolkit(env);
    // When each request left, on the run's clock, and with which key: what the run's request budget decides.
    const sent: { at: number; url: string; key: string }[] = [];
    const fetch: typeof globalThis.fetch = (url, init) => {
      sent.push({ at: FAST.now(), url: String(url), key: String((init?.headers as Record<string, string> | undefined)?.authorization ?? '') });
      return globalThis.fetch(url, init);
    };
    const before = { v2: s2.requests.length, v3: s3.requests.length, jobs: s3.jobs.size, billed: s2.billing.used };
    const code = await runWith({
      toolkit,
      env,
      cwd: ws,
      fetcher: { fetch, close: async () => undefined },
      time: FAST,
      cancel: new AbortController().signal,
      newId: () => crypto.randomUUID(),
    });
    const { lines, outputs, summary } = toolkit.recorded;
    return {
      code,
      lines,
      log: lines.join('\n'),
      errors: lines.filter((line) => line.startsWith('error')),
      outputs,
      summary,
      v2: s2.requests.slice(before.v2).map((r) => `${r.method} ${r.path}`),
      v3: s3.requests.slice(before.v3).map((r) => `${r.method} ${r.path}`),
      newJobs: s3.jobs.size - before.jobs,
      billed: s2.billing.used - before.billed,
      sent,
    };
  }
  return {
    ws,
    temp,
    keys,
    step,
    write: (path: string, text: string) => writeFileSync(join(ws, path), text),
    read: (path: string) => readFileSync(join(ws, path), 'utf8'),
    sha: (path: string) =>
      createHash('sha256')
        .update(readFileSync(join(ws, path)))
        .digest('hex'),
    lock: () => JSON.parse(readFileSync(join(ws, 'media/hedra.lock.json'), 'utf8')),
  };
}
type Step = Awaited<ReturnType<ReturnType<typeof repository>['step']>>;

const creates = (run: Step) => [...run.v2.filter((r) => r === 'POST /generations'), ...run.v3.filter((r) => /^POST \/models\/[^/]+$/.test(r))];
const matrixItems = (run: Step) => (JSON.parse(run.outputs.matrix) as { include: { item: string }[] }).include.map((entry) => entry.item);

describe('plan', () => {
  it('without a key: no request to either API, the matrix of every new item, the summary table without prices', async () => {
    const repo = repository(STORY);
    const plan = await repo.step({ plan: 'true' });
    expect(plan.code, plan.log).toBe(0);
    expect(plan.v2).toEqual([]);
    expect(plan.v3).toEqual([]);
    expect(matrixItems(plan)).toEqual(['fox', 'owl', 'bat', 'cat', 'dog']);
    expect(plan.outputs.work).toBe('5');
    expect(plan.log).toContain('info: fox: new.');
    expect(plan.summary).toContain('5 of 5 items need work (give the step a key to price them).');
    expect(plan.summary).toContain('| item | API | needs |\n|---|---|---|\n| `fox` | v2 | new |');
    expect(plan.summary).toContain('| `cat` | v3 | new |');
  });

  it('with keys: one catalogue read per API (per model on v3) and one estimate per shape across many items; the estimate per item and in all', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 12; i++) many[`v2-${i}`] = v2Image(`clip ${i}`);
    for (let i = 0; i < 6; i++) many[`low-${i}`] = v3Image(`low ${i}`, 'low');
    for (let i = 0; i < 3; i++) many[`high-${i}`] = v3Image(`high ${i}`, 'high');
    const repo = repository(many);
    const plan = await repo.step({ plan: 'true', 'api-key': repo.keys });
    expect(plan.code, plan.log).toBe(0);
    expect(plan.v2).toEqual(['GET /models']);
    expect(plan.v3.sort()).toEqual(['GET /models/gpt-image-2', 'POST /models/gpt-image-2/estimate', 'POST /models/gpt-image-2/estimate']);
    expect(plan.outputs.work).toBe('21');
    // The table's "needs" says the cost after the state: "new, 8 credits".
    const perItem = (name: string) => new RegExp(`^\\| \`${name}\` \\| v\\d \\| new, ([^|]+) \\|$`, 'm').exec(plan.summary)?.[1].trim();
    expect(perItem('v2-0')).toBe('8 credits');
    const low = perItem('low-0') as string;
    const high = perItem('high-0') as string;
    expect(low).toMatch(/^\$\d+\.\d\d$/);
    expect(high).toMatch(/^\$\d+\.\d\d$/);
    expect(high).not.toBe(low);
    const usd = (text: string) => Number(text.slice(1));
    const total = `96 credits + $${(6 * usd(low) + 3 * usd(high)).toFixed(2)}`;
    expect(plan.summary).toContain(`21 of 21 items need work; estimated cost ${total}.`);
    expect(plan.log).toContain(`21 of 21 items need work, estimated at ${total} in all; the matrix has 21 entries.`);
  });

  it('without a key, max-credits is not applied (nothing is priced), as in a single step’s dry run', async () => {
    const repo = repository(STORY);
    const plan = await repo.step({ plan: 'true', 'max-credits': '0' });
    expect(plan.code, plan.log).toBe(0);
    expect([...plan.v2, ...plan.v3]).toEqual([]);
    expect(plan.outputs.work).toBe('5');
  });

  it('max-credits applies to the total of the items to be paid for', async () => {
    const repo = repository({ a: v2Image('total a'), b: v2Image('total b'), c: v2Image('total c') });
    const over = await repo.step({ plan: 'true', 'api-key': repo.keys, 'max-credits': '23' });
    expect(over.code).toBe(1);
    expect(over.errors.join()).toMatch(/estimated at 24 credits in all, over "max-credits" \(23 credits\)\. Nothing was generated/);
    expect(over.outputs.matrix).toBeUndefined();
    expect(creates(over)).toEqual([]);
    const enough = await repo.step({ plan: 'true', 'api-key': repo.keys, 'max-credits': '24' });
    expect(enough.code, enough.log).toBe(0);
    expect(enough.outputs.work).toBe('3');
  });

  it('max-credits with an item that cannot be priced (no key for its API): refused, failing closed, with no request to that API', async () => {
    const repo = repository({ fox: STORY.fox, cat: STORY.cat });
    const plan = await repo.step({ plan: 'true', 'api-key': v2.apiKey, 'max-credits': '1000' });
    expect(plan.code).toBe(1);
    expect(plan.errors.join()).toMatch(/Input "max-credits" is 1000, but cat cannot be priced before paying \(see the log\): the guard fails closed/);
    expect(plan.v3).toEqual([]);
    // Without max-credits the same plan passes, the item's cost unknown.
    const unguarded = await repo.step({ plan: 'true', 'api-key': v2.apiKey });
    expect(unguarded.code, unguarded.log).toBe(0);
    expect(unguarded.log).toContain('info: cat: new, cost unknown before paying.');
  });

  it('every problem of every item in one round, each named items.<name>.<input>: without a key before any request, with keys (a plan, or a step that generates) after the catalogue and price reads only', async () => {
    const repo = repository({
      fox: v2Image('a fox', ', aspect-ratio: "wide"'),
      owl: v2Image('an owl', ', image: missing.png'),
      cat: STORY.cat,
      dog: `{ api: v3, model: gpt-image-2, prompt: a dog, aspect-ratio: "7:1", resolution: 1K, request: { quality: low }, reference-images: nope.png }`,
    });
    const keyless = await repo.step({ plan: 'true' });
    expect(keyless.code).toBe(1);
    expect(keyless.v2).toEqual([]);
    expect(keyless.v3).toEqual([]);
    const problems = (run: Step) => run.errors.join('\n').match(/^- items\.[a-z]+\.[a-z-]+(?=:)/gm);
    expect(problems(keyless)).toEqual(['- items.owl.image', '- items.dog.reference-images']);
    const keyed = await repo.step({ plan: 'true', 'api-key': repo.keys });
    expect(keyed.code).toBe(1);
    expect(keyed.errors).toHaveLength(1);
    expect(problems(keyed)).toEqual(['- items.fox.aspect-ratio', '- items.owl.image', '- items.dog.reference-images', '- items.dog.aspect-ratio']);
    // Only reads of the catalogue and prices: nothing stored, nothing paid.
    const reads = /^GET \/models|^POST \/models\/[^/]+\/estimate$/;
    expect([...keyed.v2, ...keyed.v3].filter((request) => !reads.test(request))).toEqual([]);
    // A step that generates them all says the same, the same way, before the good items store or pay for anything.
    const collect = await repo.step({ 'api-key': repo.keys });
    expect(collect.code).toBe(1);
    expect(collect.errors).toHaveLength(1);
    expect(problems(collect)).toEqual(problems(keyed));
    expect([...collect.v2, ...collect.v3].filter((request) => !reads.test(request))).toEqual([]);
  });
});

describe('generate, collect, verify', () => {
  it('the whole flow on one repository: collect, nothing again, a hand edit put back free, a prompt edit alone planned, an item removed; keys in no file', async () => {
    const repo = repository(STORY);
    const all = await repo.step({ 'api-key': repo.keys });
    expect(all.code, all.log).toBe(0);
    expect(creates(all)).toHaveLength(5);
    expect(all.outputs['lock-file']).toBe('media/hedra.lock.json');
    const lock = repo.lock();
    expect(Object.keys(lock.items)).toEqual(['bat', 'cat', 'dog', 'fox', 'owl']);
    expect(lock.items.cat).toMatchObject({ api: 'v3', ids: [expect.stringMatching(/^job_/)] });
    expect(lock.items.fox).toMatchObject({ api: 'v2', outputs: [{ path: 'media/out/fox.png', sha256: repo.sha('media/out/fox.png') }] });
    expect(lock.items.bat.inputs['prompt-file']).toEqual({ file: 'prompts/bat.txt', sha256: repo.sha('prompts/bat.txt') });
    const provenance = JSON.parse(all.outputs.provenance) as { item: string; path: string; sha256: string; predicate: string; statement: string }[];
    expect(provenance.map((entry) => entry.item)).toEqual(['fox', 'owl', 'bat', 'cat', 'dog']);
    expect(all.outputs['predicate-path']).toBe(provenance[0].predicate);
    expect(all.outputs['predicate-type']).toBe('https://github.com/hedra-actions/hedra-generate-action/provenance/v1');
    for (const entry of provenance) {
      expect(entry.sha256).toBe(repo.sha(entry.path));
      const statement = JSON.parse(readFileSync(entry.statement, 'utf8'));
      expect(statement).toMatchObject({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: entry.path, digest: { sha256: entry.sha256 } }] });
      expect(JSON.parse(readFileSync(entry.predicate, 'utf8'))).toEqual(statement.predicate);
      expect(statement.predicate).toMatchObject({ item: entry.item, contentKey: lock.items[entry.item].key, generationId: lock.items[entry.item].ids[0] });
    }

    const again = await repo.step({ 'api-key': repo.keys });
    expect(again.code, again.log).toBe(0);
    expect(again.v2).toEqual([]);
    expect(again.v3).toEqual([]);
    expect(again.log).toContain('info: fox is up to date (its inputs and files match media/hedra.lock.json): nothing is sent for it.');
    expect(repo.lock()).toEqual(lock);

    // A file changed by hand: verify names it (no key, no request); a collect puts it back without paying.
    repo.write('media/out/fox.png', 'edited');
    const verify = await repo.step({ verify: 'true' });
    expect(verify.code).toBe(1);
    expect(verify.errors.join()).toContain('1 of 5 files do not match media/hedra.lock.json:\n- media/out/fox.png (items.fox) was changed');
    expect([...verify.v2, ...verify.v3]).toEqual([]);
    // A plan lists it as work that costs nothing: its generation exists (so even max-credits 0 passes).
    const free = await repo.step({ plan: 'true', 'api-key': repo.keys, 'max-credits': '0' });
    expect(free.code, free.log).toBe(0);
    expect(matrixItems(free)).toEqual(['fox']);
    expect(free.log).toContain('info: fox: output modified: media/out/fox.png, no charge (the generation exists: it is downloaded again).');
    expect(free.summary).toContain('1 of 5 items need work; estimated cost nothing.');
    const restore = await repo.step({ 'api-key': repo.keys });
    expect(restore.code, restore.log).toBe(0);
    expect(creates(restore)).toEqual([]);
    expect(restore.billed).toBe(0);
    expect(restore.v3).toEqual([]);
    expect(repo.sha('media/out/fox.png')).toBe(lock.items.fox.outputs[0].sha256);
    expect((await repo.step({ verify: 'true' })).code).toBe(0);

    // One prompt edited: the plan names that item and that input alone.
    repo.write('media/hedra.yml', manifestText({ ...STORY, owl: v2Image('an owl at night') }));
    const plan = await repo.step({ plan: 'true' });
    expect(plan.code, plan.log).toBe(0);
    expect(matrixItems(plan)).toEqual(['owl']);
    expect(plan.log).toContain('info: owl: changed: prompt.');
    expect(plan.lines.filter((line) => /^info: [a-z]+: /.test(line))).toEqual([
      'info: fox: unchanged.',
      'info: owl: changed: prompt.',
      'info: bat: unchanged.',
      'info: cat: unchanged.',
      'info: dog: unchanged.',
    ]);

    // An item removed from the manifest leaves the lock (the edited owl is made anew).
    const { dog: _removed, ...rest } = { ...STORY, owl: v2Image('an owl at night') };
    repo.write('media/hedra.yml', manifestText(rest));
    const removed = await repo.step({ 'api-key': repo.keys });
    expect(removed.code, removed.log).toBe(0);
    expect(creates(removed)).toEqual(['POST /generations']);
    expect(Object.keys(repo.lock().items)).toEqual(['bat', 'cat', 'fox', 'owl']);
    expect(repo.lock().items.owl.key).not.toBe(lock.items.owl.key);

    // The keys (and v3's secret half) are in no file the action wrote, no output and no summary.
    const secrets = [v2.apiKey, v3.apiKey, v3.apiKey.split(':')[1]];
    const files = readdirSync(join(repo.temp, 'hedra-provenance')).map((name) => readFileSync(join(repo.temp, 'hedra-provenance', name), 'utf8'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const run of [all, again, restore, removed])
      for (const text of [repo.read('media/hedra.lock.json'), ...files, run.summary, JSON.stringify(run.outputs), run.log])
        for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('a matrix: each entry alone (its outputs passed through, no lock), then a collect in a fresh checkout reuses them all at no cost', async () => {
    // Prompts of their own: the servers outlive the test, and a generation of the same request would be reused.
    const items = { fox: v2Image('a matrix fox'), bat: STORY.bat.replace('prompts/bat.txt', 'prompts/matrix-bat.txt'), cat: v3Image('a matrix cat') };
    const planner = repository(items);
    const plan = await planner.step({ plan: 'true' });
    const jobsBefore = v3.jobs.size;
    const made = new Map<string, string>();
    // Each matrix job checks the repository out afresh.
    for (const item of matrixItems(plan)) {
      const job = repository(items);
      const run = await job.step({ item, 'api-key': job.keys });
      expect(run.code, run.log).toBe(0);
      expect(creates(run)).toHaveLength(1);
      expect(run.outputs['lock-file']).toBeUndefined();
      expect(() => job.read('media/hedra.lock.json')).toThrow();
      expect(run.outputs['generation-id']).toMatch(item === 'cat' ? /^job_/ : /^[0-9a-f-]{36}$/);
      expect(run.outputs.path).toBe(join(job.ws, `media/out/${item}.png`));
      expect(JSON.parse(run.outputs.provenance)).toEqual([
        expect.objectContaining({ item, path: `media/out/${item}.png`, sha256: job.sha(`media/out/${item}.png`) }),
      ]);
      made.set(item, run.outputs['generation-id']);
    }
    expect(v3.jobs.size - jobsBefore).toBe(1);

    const collector = repository(items);
    const collect = await collector.step({ 'api-key': collector.keys });
    expect(collect.code, collect.log).toBe(0);
    expect(collect.v2).not.toContain('POST /generations');
    expect(collect.billed).toBe(0);
    expect(collect.newJobs).toBe(0);
    expect(collect.summary).toMatch(/\| `fox` \| reused \(no charge\) \|/);
    expect(collect.summary).toMatch(/\| `cat` \| reused \(no charge\) \|/);
    const lock = collector.lock();
    for (const [item, id] of made) {
      expect(lock.items[item].ids).toEqual([id]);
      expect(lock.items[item].outputs[0].sha256).toBe(collector.sha(`media/out/${item}.png`));
    }
    for (const entry of JSON.parse(collect.outputs.provenance)) expect(JSON.parse(readFileSync(entry.predicate, 'utf8')).reused).toBe(true);
  });

  it('an item for v3 without a v3 key in a mixed manifest: refused before any request, naming it', async () => {
    const repo = repository({ fox: STORY.fox, cat: STORY.cat });
    const run = await repo.step({ 'api-key': v2.apiKey });
    expect(run.code).toBe(1);
    expect(run.errors.join()).toMatch(/items\.cat: it is for v3, and input "api-key" has no v3 key \(v3 keys are "<key_id>:<secret>"/);
    expect(run.v2).toEqual([]);
    expect(run.v3).toEqual([]);
  });

  it('a failed item stops no other: the step fails naming it, and the lock keeps the others', async () => {
    const repo = repository({ fox: v2Image('a failing fox'), owl: v2Image('a lasting owl'), bat: v2Image('a lasting bat') });
    v2.fault('create', { kind: 'status', status: 400, body: errorBody('error', 'INVALID_ARGUMENT', 'The model refused this prompt.') }, 1);
    const run = await repo.step({ 'api-key': repo.keys, parallel: '1' });
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toMatch(/^error\[Items failed\]: 1 of 3 items failed: fox\./);
    expect(creates(run)).toHaveLength(3);
    expect(Object.keys(repo.lock().items)).toEqual(['bat', 'owl']);
    expect(run.summary).toMatch(/\| `fox` \| failed \|/);
  });

  it('items in parallel share one request budget: never more than the key’s limit in a window, and every item is made', async () => {
    // The server's X-RateLimit-Limit says 14 a minute for this key (one of its own: the limit is per key). Four items
    // make about 25 requests: one budget sends 14, then waits out the window (1.2 s of real time); four budgets of
    // their own would each send 14. Counted as they leave (the test's fetch), which is what the budget decides: the
    // server's arrival times are no measure in-process, where a busy event loop holds a request that has left (a
    // loaded machine's 300 ms reads as 15 s on the fast clock).
    const LIMIT = { requests: 14, windowMs: 60_000 };
    const key = `key_budget${Date.now()}:${'s'.repeat(32)}`;
    const documented = v3.behaviour.keyRateLimit;
    v3.behaviour.extraKeys.push(key);
    v3.behaviour.keyRateLimit = LIMIT;
    try {
      const items: Record<string, string> = {};
      for (let i = 0; i < 4; i++) items[`img-${i}`] = v3Image(`budget ${i}`);
      const repo = repository(items);
      const run = await repo.step({ 'api-key': key, parallel: '4' });
      expect(run.code, run.log).toBe(0);
      expect(Object.keys(repo.lock().items)).toHaveLength(4);
      const keyed = run.sent.filter((request) => request.key.endsWith(key));
      expect(keyed.length).toBeGreaterThan(LIMIT.requests);
      expect(
        mostInWindow(
          keyed.map((request) => request.at),
          LIMIT.windowMs,
        ),
      ).toBeLessThanOrEqual(LIMIT.requests);
    } finally {
      v3.behaviour.keyRateLimit = documented;
      v3.behaviour.extraKeys.pop();
    }
  });
});
