// The run in-process: runWith() with a recording toolkit, Node's fetch and a
// counting id source, against the validating Hedra server. The same steps the
// bundle runs, without a child process: fast, and what it said is data.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodings } from '../../src/action/log.ts';
import { realTime } from '../../src/action/run-control.ts';
import type { Env } from '../../src/action/toolkit.ts';
import { runWith } from '../../src/main.ts';
import { ID } from '../helpers/build.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { tempDir } from '../setup/temp.ts';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ timings: { queued: 50, processing: 200, finalizing: 50 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Runs the action in-process with these inputs; files are written to a fresh
 * workspace first. `reuse: false` unless given: these tests count the ids the
 * run draws, which content-derived ids would not use.
 */
async function run(inputs: Record<string, string>, options: { files?: Record<string, Buffer>; cancel?: AbortSignal; env?: Env } = {}) {
  const base = tempDir('hedra-run-');
  const env: Env = { GITHUB_WORKSPACE: base, RUNNER_TEMP: base, GITHUB_STEP_SUMMARY: join(base, 'summary.md'), ...options.env };
  for (const [name, value] of Object.entries({ 'api-key': server.apiKey, 'base-url': server.baseUrl, reuse: 'false', ...inputs })) {
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  for (const [name, bytes] of Object.entries(options.files ?? {})) writeFileSync(join(base, name), bytes);
  const toolkit = recordingToolkit(env);
  let n = 0;
  const code = await runWith({
    toolkit,
    env,
    cwd: base,
    fetcher: { fetch: globalThis.fetch, close: async () => undefined },
    time: realTime,
    cancel: options.cancel ?? new AbortController().signal,
    newId: () => ID(++n),
  });
  return { code, ...toolkit.recorded, base };
}

const calls = (method: string, path: string | RegExp) =>
  server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));

describe('runWith', () => {
  it('uploads a local file, creates under the ids it chose, waits, downloads and reports', async () => {
    const image = Buffer.from('\x89PNG fake image bytes');
    const result = await run(
      { type: 'image', model: 'google/nano-banana', prompt: 'a lighthouse', 'reference-images': 'start.png' },
      { files: { 'start.png': image } },
    );
    expect(result.lines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(result.code).toBe(0);
    // The asset takes the first reserved id, the generation the second.
    expect(server.assets.get(ID(1))?.upload).toMatchObject({ bytes: image.length, sha256: sha(image), via: 'multipart' });
    const [create] = calls('POST', '/generations');
    expect(create.body).toMatchObject({
      type: 'image',
      model_slug: 'google/nano-banana',
      text_prompt: 'a lighthouse',
      reference_image_ids: [ID(1)],
      generation_id: ID(2),
    });
    expect(calls('POST', '/generations')).toHaveLength(1);
    expect(result.outputs['generation-id']).toBe(ID(2));
    expect(JSON.parse(result.outputs['input-asset-ids'])).toEqual({ 'reference-images': [ID(1)] });
    expect(result.outputs.status).toBe('complete');
    const assetId = result.outputs['asset-id'];
    expect(sha(readFileSync(result.outputs.path))).toBe(server.resultSha256(assetId));
    expect(result.outputs.path).toBe(join(result.base, 'hedra', `${assetId}.png`));
    expect(JSON.parse(readFileSync(result.outputs['results-file'], 'utf8')).generations[0]).toMatchObject({ generation_id: ID(2), status: 'complete' });
    // The log, in the order a reader sees it.
    expect(result.lines).toContain('group: Uploading 1 file');
    expect(result.lines).toContain(`group: Waiting for generation ${ID(2)}`);
    expect(result.lines).toContain('group: Downloading');
    expect(result.lines.filter((l) => l.startsWith('info: Generation: ')).at(-1)).toBe('info: Generation: complete');
    expect(result.summary).toContain('### Hedra image: complete');
    expect(result.summary).toMatch(/\| Time \| \d+s \|/);
  });

  it('masks the key in every encoding before it says anything, and never says it', async () => {
    const result = await run({ type: 'image', model: 'google/nano-banana', prompt: 'a lighthouse', wait: 'false' });
    expect(result.code).toBe(0);
    for (const form of encodings(server.apiKey)) expect(result.secrets).toContain(form);
    const said = [...result.lines, result.summary, ...Object.values(result.outputs)].join('\n');
    for (const form of encodings(server.apiKey)) expect(said).not.toContain(form);
  });

  it('checks a dry run without sending anything, and says so in the summary', async () => {
    const result = await run({ type: 'image', model: 'google/nano-banana', prompt: 'a lighthouse', 'dry-run': 'true', 'api-key': '' });
    expect(result.code).toBe(0);
    expect(server.requests).toHaveLength(0);
    expect(JSON.parse(result.outputs.request)).toEqual({ type: 'image', model_slug: 'google/nano-banana', text_prompt: 'a lighthouse', generation_id: ID(1) });
    expect(result.summary).toContain('### Hedra image: dry run');
    expect(result.summary).toContain('no credits were spent');
  });

  it('fails on bad input with one titled error, before any request', async () => {
    const result = await run({ type: 'imgae', prompt: 'x' });
    expect(result.code).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(result.lines.filter((l) => l.startsWith('error'))).toEqual([
      'error[Invalid input]: Input "type" must be one of video, image, image_to_image, text_to_speech, text_to_sound, image_upscale, video_upscale, audio_isolation, speech_to_speech, voice_clone, video_to_video, motion_control; got "imgae". Did you mean "image"?',
    ]);
    expect(result.lines.some((l) => l.startsWith('debug: InputError'))).toBe(false);
  });

  it('stops when cancelled, naming the generation that exists and how to pick it up', async () => {
    const cancel = new AbortController();
    server.behaviour.timings = { queued: 60_000, processing: 1000, finalizing: 0 };
    try {
      const running = run({ type: 'image', model: 'google/nano-banana', prompt: 'a lighthouse' }, { cancel: cancel.signal });
      await until(() => calls('GET', /\/status$/).length > 0);
      cancel.abort(new (await import('../../src/core/errors.ts')).Cancelled('SIGTERM'));
      const result = await running;
      expect(result.code).toBe(1);
      const [error] = result.lines.filter((l) => l.startsWith('error'));
      expect(error).toContain('Cancelled (SIGTERM) while waiting.');
      expect(error).toContain(`Generation ${ID(1)} exists on Hedra's side; to pick it up without paying again, run this action with generation-id: ${ID(1)}`);
    } finally {
      server.behaviour.timings = { queued: 50, processing: 200, finalizing: 50 };
    }
  });

  it('picks up an existing generation by id and creates nothing', async () => {
    const first = await run({ type: 'image', model: 'google/nano-banana', prompt: 'a lighthouse', wait: 'false' });
    server.requests.length = 0;
    const second = await run({ 'generation-id': first.outputs['generation-id'], prompt: 'unused' });
    expect(second.code).toBe(0);
    expect(calls('POST', '/generations')).toHaveLength(0);
    expect(second.lines).toContain('warning: Input "generation-id" is set, so nothing is created and these inputs are not used: prompt.');
    expect(second.outputs.status).toBe('complete');
    expect(second.summary).toContain('resumed an existing generation');
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
