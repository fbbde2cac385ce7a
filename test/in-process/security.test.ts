// Secrets and cancellation, in-process: the run goes through runWith (as the
// bundle runs it) against the validating Hedra server, both on the fast clock,
// and a cancellation is the runner's signal as the run receives it (the abort
// that abortOnSignals makes of SIGINT or SIGTERM). Every run is also scanned
// for the key (run-action.ts's finishRun). The real signals, and the process
// that must be gone well before the runner's second one, are proven through
// the bundle in test/e2e/security.e2e.test.ts.

import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { tempDir } from '../setup/temp.ts';
import { filesUnder } from './faults/matrix.ts';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ time: FAST });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.clearFaults();
  server.behaviour.timings = { queued: 0, processing: 300, finalizing: 0 };
  server.behaviour.resultBytes = 64 * 1024;
});

// A video from a prompt (and an image, where given) needs a text-to-video model: the default, Character-3, needs audio too.
const inputs = (extra: Record<string, string> = {}) => ({
  'api-key': server.apiKey,
  'base-url': server.baseUrl,
  prompt: 'p',
  model: 'kling/kling-2.5-turbo',
  ...extra,
});

describe('the key', () => {
  it('is redacted from error messages that echo it back, in any encoding', async () => {
    const echoed = `Invalid API key ${server.apiKey} (${Buffer.from(server.apiKey).toString('base64')})`;
    server.inject({ method: 'POST', path: '/generations', status: 401, body: { detail: echoed } });
    const result = await runInProcess(inputs());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Hedra refused the API key (HTTP 401, POST /generations): Invalid API key *** (***)');
  });
  it('is masked with the runner before anything else is printed', async () => {
    const result = await runInProcess(inputs({ type: 'nope' }));
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`::add-mask::${server.apiKey}`);
    expect(lines.findIndex((l) => !l.startsWith('::add-mask::'))).toBeGreaterThan(3);
  });
  it('is never sent to presigned URLs', async () => {
    const result = await runInProcess(inputs({ type: 'image', model: 'google/nano-banana' }));
    expect(result.code).toBe(0);
    const presigned = server.requests.filter((r) => r.path.startsWith('/media/'));
    expect(presigned).toHaveLength(1);
    expect(presigned[0].headers['x-api-key']).toBeUndefined();
    expect(result.stdout).not.toContain('X-Amz-Signature');
  });
});

describe('untrusted triggers', () => {
  it('warns when pull_request_target runs for a fork', async () => {
    const dir = tempDir('event-');
    const event = join(dir, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { head: { repo: { full_name: 'mallory/fork', fork: true } }, base: { repo: { full_name: 'acme/site' } } } }),
    );
    const result = await runInProcess(inputs({ 'dry-run': 'true' }), { env: { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: event } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "::warning title=Untrusted trigger::This run was triggered by pull_request_target for a pull request from mallory/fork: it spends this repository's paid Hedra credits",
    );
  });
  it('warns once for a manifest step, not once per item', async () => {
    const dir = tempDir('event-');
    const event = join(dir, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { head: { repo: { full_name: 'mallory/fork', fork: true } }, base: { repo: { full_name: 'acme/site' } } } }),
    );
    const items = ['a', 'b', 'c'].map((name) => `  ${name}:\n    type: image\n    model: google/nano-banana\n    prompt: a fox ${name}\n`).join('');
    const result = await runInProcess(
      { manifest: 'media/hedra.yml', plan: 'true' },
      {
        env: { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: event },
        files: { 'media/hedra.yml': `defaults:\n  output-path: media/{item}.png\nitems:\n${items}` },
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout.match(/::warning title=Untrusted trigger::/g)).toHaveLength(1);
  });
});

describe('cancellation', () => {
  // The runner sends SIGINT, then SIGTERM 7.5 s later; the step must be gone well before.
  // [phase, as the message says it, arrange, "in that phase now" (with a partial download on disk for the last)]
  // On the fast clock, the job that keeps the run waiting stays in processing for 10 hours of its time (12 minutes real).
  const phases: [string, string, (s: HedraServer) => void, (s: HedraServer, temp: string) => boolean][] = [
    ['upload', 'uploading', (s) => s.fault('upload', { kind: 'hang' }), (s) => s.requests.some((r) => r.path.endsWith('/upload'))],
    [
      'wait',
      'waiting',
      (s) => (s.behaviour.timings = { queued: 0, processing: 36_000_000, finalizing: 0 }),
      (s) => s.requests.some((r) => r.path.endsWith('/status')),
    ],
    [
      'download',
      'downloading',
      (s) => {
        s.behaviour.resultBytes = 8 * 1024 * 1024;
        s.fault('download', { kind: 'stall' });
      },
      (_, temp) => existsSync(join(temp, 'hedra')) && filesUnder(join(temp, 'hedra')).some((f) => f.endsWith('.part')),
    ],
  ];
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const [name, phase, arrange, inPhase] of phases) {
      it(`${signal} during ${name}`, async () => {
        arrange(server);
        let signalledAt = 0;
        // 5 hours on the fast clock (6 minutes real): the deadline cannot come before the signal.
        const result = await runInProcess(inputs({ image: 'fox.png', timeout: '5h' }), {
          files: { 'fox.png': randomBytes(100_000) },
          control: (child, dirs) => {
            const poll = setInterval(() => {
              if (inPhase(server, dirs.temp)) {
                clearInterval(poll);
                signalledAt = Date.now();
                child.kill(signal);
              }
            }, 20);
            child.on('exit', () => clearInterval(poll));
          },
        });
        const exitedAfter = Date.now() - signalledAt;
        expect(signalledAt).toBeGreaterThan(0);
        expect(result.code).not.toBe(0);
        expect(exitedAfter).toBeLessThan(3000);
        expect(result.stdout).toContain(`Cancelled (${signal}) while ${phase}.`);
        const id = result.outputs['generation-id'];
        if (name === 'upload') expect(id).toBeUndefined();
        else expect(result.stdout).toContain(`run this action with generation-id: ${id}`);
        const leftovers = [...filesUnder(result.dirs.temp)].filter((f) => f.includes('/hedra/'));
        expect(leftovers).toEqual([]);
      });
    }
  }
});
