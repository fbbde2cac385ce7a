// Secrets and cancellation through the bundle: smoke runs of what only a
// process shows. The key is masked with the runner before the process prints
// anything else, and redacted from an error that echoes it back; the runner's
// real SIGINT or SIGTERM (delivered to the process, turned into a cancellation
// by abortOnSignals) ends the step in each phase well before the runner's
// second signal. Every test of this file, these included, runs in-process in
// test/in-process/security.test.ts. (Every run of the bundle in every test is
// also scanned for the key: see run-action.ts.)

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filesUnder } from '../in-process/faults/matrix.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { runAction } from './run-action.ts';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer();
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
    const result = await runAction(inputs());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Hedra refused the API key (HTTP 401, POST /generations): Invalid API key *** (***)');
  });
  it('is masked with the runner before anything else is printed', async () => {
    const result = await runAction(inputs({ type: 'nope' }));
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`::add-mask::${server.apiKey}`);
    expect(lines.findIndex((l) => !l.startsWith('::add-mask::'))).toBeGreaterThan(3);
  });
});

describe('cancellation', () => {
  // The runner sends SIGINT, then SIGTERM 7.5 s later; the step must be gone well before.
  // [phase, as the message says it, arrange, "in that phase now" (with a partial download on disk for the last)]
  const phases: [string, string, (s: HedraServer) => void, (s: HedraServer, temp: string) => boolean][] = [
    ['upload', 'uploading', (s) => s.fault('upload', { kind: 'hang' }), (s) => s.requests.some((r) => r.path.endsWith('/upload'))],
    [
      'wait',
      'waiting',
      (s) => (s.behaviour.timings = { queued: 0, processing: 600_000, finalizing: 0 }),
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
  // One signal in each phase: both signals, and every phase, are run in-process.
  const runs = [
    ['SIGINT', 'upload'],
    ['SIGTERM', 'wait'],
    ['SIGINT', 'download'],
  ] as const;
  for (const [signal, only] of runs) {
    for (const [name, phase, arrange, inPhase] of phases.filter(([name]) => name === only)) {
      it(`${signal} during ${name}`, async () => {
        arrange(server);
        let signalledAt = 0;
        const result = await runAction(inputs({ image: 'fox.png', timeout: '5m' }), {
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
