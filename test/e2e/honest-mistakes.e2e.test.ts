// Honest mistakes through the committed bundle (issue 20, item 12): answers
// that used to puzzle more than they helped, one smoke run each. The details
// and edge cases run in-process (test/in-process/honest-mistakes.test.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type ActionRun, runAction } from './run-action.ts';

const TEXT_TO_VIDEO = 'kling/kling-2.5-turbo';
let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer();
});
afterAll(async () => {
  // Every answer was the server's own, by the spec: a fault of its own would have been answered as a 500.
  expect(server.internalErrors).toEqual([]);
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

const run = (inputs: Record<string, string>, options: Parameters<typeof runAction>[1] = {}) =>
  runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, ...inputs }, options);
const annotations = (result: ActionRun, kind: 'error' | 'warning') => result.stdout.split('\n').filter((l) => l.startsWith(`::${kind}`));
const made = () => server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('honest mistakes', () => {
  it('a path typed in NFD finds the file stored in NFC, and the file is uploaded', async () => {
    const stored = 'voix/Chanson d’été.mp3'.normalize('NFC');
    const typed = stored.normalize('NFD');
    expect(typed).not.toBe(stored);
    const result = await run({ type: 'audio_isolation', audio: typed, wait: 'false' }, { files: { [stored]: 'ID3 some audio' } });
    expect(annotations(result, 'error')).toEqual([]);
    expect(result.code).toBe(0);
    expect(made()).toContain('POST /generations');
    expect(server.requests.filter((r) => r.method === 'POST' && /\/assets\/[^/]+\/upload$/.test(r.path))).toHaveLength(1);
  });

  it('request: {seed: 1} on a v2 video points at generated_video_inputs and at the seed input', async () => {
    const result = await run({ prompt: 'a lighthouse', model: TEXT_TO_VIDEO, request: '{seed: 1}' });
    expect(result.code).toBe(1);
    const errors = annotations(result, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error title=Invalid input::/);
    expect(errors[0]).toContain('unknown field "seed" for type video');
    expect(errors[0]).toContain('generated_video_inputs.seed');
    expect(errors[0]).toContain('input "seed"');
    expect(made()).toEqual([]);
  });

  it('output-path inside the workspace .git folder is refused as an input error, before anything is paid', async () => {
    const result = await run({ prompt: 'a lighthouse', model: TEXT_TO_VIDEO, 'output-path': '.git/' }, { files: { '.git/HEAD': 'ref: refs/heads/main\n' } });
    expect(result.code).toBe(1);
    const errors = annotations(result, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error title=Invalid input::Input "output-path"/);
    expect(errors[0]).toContain('.git');
    expect(result.stdout).not.toMatch(/^\s+at /m);
    expect(result.stderr).toBe('');
    expect(made()).toEqual([]);
  });

  it('a dry run with a key warns and goes on when the reuse look-up cannot be made', async () => {
    // Every attempt at GET /generations fails (Retry-After: 0 keeps the retries quick), as a Hedra that cannot be reached.
    server.fault('list', { kind: 'status', status: 503, retryAfter: '0' }, 6);
    const result = await run({ prompt: 'a lighthouse', model: TEXT_TO_VIDEO, 'dry-run': 'true' }, { reuseDefault: true });
    expect(annotations(result, 'error')).toEqual([]);
    expect(result.code).toBe(0);
    expect(server.requests.filter((r) => r.method === 'GET' && r.path === '/generations' && r.fault === 'status')).toHaveLength(6);
    expect(annotations(result, 'warning').join('\n')).toContain('Could not look for an earlier generation from the same inputs');
    expect(result.stdout).toContain('Dry run: the video request is valid; nothing was sent.');
    expect(made()).toEqual([]);
    expect(server.pendingFaults()).toBe(0);
  });
});
