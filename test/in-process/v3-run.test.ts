// The v3 run in-process: runWith() with a recording toolkit and Node's fetch,
// against the v3 test server. For what is awkward from outside a child
// process: a cancel at a chosen moment, and what exists when part of a batch fails.
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { realTime } from '../../src/action/run-control.ts';
import type { Env } from '../../src/action/toolkit.ts';
import { Cancelled } from '../../src/core/errors.ts';
import { runWith } from '../../src/main.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';
import { type HedraV3Server, startHedraV3Server } from '../server/hedra-v3-server.ts';
import { tempDir } from '../setup/temp.ts';

let server: HedraV3Server;
beforeAll(async () => {
  server = await startHedraV3Server({ timings: { queued: 0, processing: 300 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.clearFaults();
});

const IMAGE = { model: 'gpt-image-2', 'aspect-ratio': '1:1', resolution: '1K', request: 'quality: low' };

async function run(inputs: Record<string, string>, options: { cancel?: AbortSignal } = {}) {
  const base = tempDir('hedra-v3-run-');
  const env: Env = { GITHUB_WORKSPACE: base, RUNNER_TEMP: base, GITHUB_STEP_SUMMARY: join(base, 'summary.md') };
  for (const [name, value] of Object.entries({ api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, reuse: 'false', ...inputs })) {
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  const toolkit = recordingToolkit(env);
  let n = 0;
  const code = await runWith({
    toolkit,
    env,
    cwd: base,
    fetcher: { fetch: globalThis.fetch, close: async () => undefined },
    time: realTime,
    cancel: options.cancel ?? new AbortController().signal,
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  });
  return { code, ...toolkit.recorded };
}

const errors = (lines: string[]) => lines.filter((line) => line.startsWith('error'));

describe('the v3 run, in-process', () => {
  it('names the jobs that exist, and how to pick them up, when one submit of a batch is refused', async () => {
    server.fault('submit', {
      kind: 'status',
      status: 403,
      body: { error: { code: 'PERMISSION_DENIED', message: 'Key is missing required scope(s): jobs:write.', retryable: false } },
    });
    const result = await run({ ...IMAGE, prompt: 'a batch', 'batch-size': '3' });
    expect(result.code).toBe(1);
    const jobs = [...server.jobs.keys()];
    expect(jobs).toHaveLength(2);
    const [error] = errors(result.lines);
    expect(error).toContain('Key is missing required scope(s): jobs:write.');
    expect(error).toContain(
      `Generation ${jobs.join(', ')} exists on Hedra's side; to pick it up without paying again, run this action with generation-id: ${jobs.join(',')}`,
    );
  });

  it('a cancel while following the stream names the job and how to resume it', async () => {
    server.behaviour.timings = { queued: 0, processing: 5000 };
    const cancel = new AbortController();
    const running = run({ ...IMAGE, prompt: 'cancelled' }, { cancel: cancel.signal });
    // Cancel once the job is being followed.
    for (let i = 0; i < 100 && !server.requests.some((r) => r.path.endsWith('/stream')); i++) await new Promise((r) => setTimeout(r, 20));
    cancel.abort(new Cancelled('SIGINT'));
    const result = await running;
    server.behaviour.timings = { queued: 0, processing: 300 };
    expect(result.code).toBe(1);
    const [job] = [...server.jobs.keys()].slice(-1);
    expect(errors(result.lines)[0]).toContain(`Cancelled (SIGINT) while waiting.`);
    expect(errors(result.lines)[0]).toContain(`run this action with generation-id: ${job}`);
  });

  it('says why a dry run without a key checks no more than the inputs', async () => {
    const result = await run({ ...IMAGE, prompt: 'dry', 'dry-run': 'true', 'api-key': '' });
    expect(result.code).toBe(0);
    expect(result.lines).toContain(
      "info: Dry run without an API key: the inputs were read, but checking them against model gpt-image-2's input schema needs a key; nothing was sent.",
    );
    expect(server.requests).toEqual([]);
  });
});
