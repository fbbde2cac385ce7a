// A hostile or compromised Hedra, in-process: the run goes through runWith
// (as the bundle runs it) against the validating Hedra server, both on the
// fast clock. What comes back from the API is checked before it names a file,
// and the base URL is held to what it may be.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeStatusOf } from '../helpers/complete-status.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';

const MODEL = 'kling/kling-2.5-turbo';
let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ time: FAST, timings: { queued: 0, processing: 200, finalizing: 0 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const run = (inputs: Record<string, string>) => runInProcess({ 'api-key': server.apiKey, 'base-url': server.baseUrl, model: MODEL, prompt: 'p', ...inputs });

describe('ids from Hedra', () => {
  it.each([
    ['asset_id', '../../workspace/package'],
    ['asset_id', '::stop-commands::x'],
    ['id', '../../../tmp/x'],
  ])('a status answer whose %s is %j is refused before it names a file, and the run names the generation to resume', async (field, value) => {
    const first = await run({ wait: 'false' });
    expect(first.code).toBe(0);
    const id = first.outputs['generation-id'];
    const job = server.jobs.get(id)!;
    server.inject({
      method: 'GET',
      path: new RegExp(`/generations/${id}/status$`),
      status: 200,
      body: {
        id,
        asset_id: job.assetId,
        type: 'video',
        status: 'complete',
        progress: 1,
        created_at: new Date().toISOString(),
        download_url: `${server.origin}/media/${job.assetId}.mp4`,
        [field]: value,
      },
    });
    const result = await run({ 'generation-id': id, prompt: '', model: '' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${field}: is not a generation or asset id (a UUID)`);
    expect(result.stdout).toContain(`run this action with generation-id: ${id}`);
    expect(result.stdout).not.toMatch(/^::stop-commands::/m);
    // Nothing was downloaded anywhere: the output directory holds no file.
    const out = join(result.dirs.temp, 'hedra');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});

/** Resumes `id` with the next status answer replaced by `fields` over a complete one. */
async function resumeWithStatus(fields: Record<string, unknown>, inputs: Record<string, string> = {}) {
  const first = await run({ wait: 'false' });
  expect(first.code).toBe(0);
  const id = first.outputs['generation-id'];
  // The server's own complete answer (with a valid presigned download_url), with `fields` over it.
  const complete = await completeStatusOf(server, id);
  server.requests.length = 0;
  server.inject({ method: 'GET', path: new RegExp(`/generations/${id}/status$`), status: 200, body: { ...complete, ...fields } });
  return { id, result: await run({ 'generation-id': id, prompt: '', model: '', ...inputs }) };
}

describe('text from Hedra', () => {
  it('cannot start a workflow command in the log', async () => {
    const { result } = await resumeWithStatus({ status: '::set-output name=path::/etc/shadow', progress: 0.5 });
    expect(result.stdout).not.toMatch(/^\s*::set-output/m);
    expect(result.stdout).toContain('Hedra reported a status this action does not know');
    expect(result.outputs.path ?? '').not.toBe('/etc/shadow');
  });

  it('is read leniently: a numeric-string progress, a plain-string error and a numeric status do not abort the run, and the reason is kept', async () => {
    const { id, result } = await resumeWithStatus({ status: 'error', progress: '0.5', error: 'The prompt was refused' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Generation ${id} failed: The prompt was refused.`);
    expect(result.stdout).not.toContain('lacks what the action needs');
  });

  it('takes a relative or malformed url in a complete status as absent, and still reports everything', async () => {
    const { result } = await resumeWithStatus({ url: '/media/relative.mp4', streaming_url: 'not a url' });
    expect(result.stdout).not.toContain('::error');
    expect(result.code).toBe(0);
    expect(result.outputs.url).toBe('');
    expect(result.outputs['streaming-url']).toBe('');
    expect(result.outputs.path).toMatch(/\.mp4$/);
    expect(result.summary).toContain('### Hedra generation: complete');
  });

  it('cannot add headings, links or images to the job summary', async () => {
    const { result } = await resumeWithStatus({
      status: 'error',
      error: { type: 'INVALID_ARGUMENT', message: 'bad\n### Injected\n![x](https://tracker.example/p.gif) [click](https://evil.example) | cell' },
    });
    expect(result.code).toBe(1);
    expect(result.summary).not.toMatch(/^### Injected/m);
    expect(result.summary).not.toContain('![x](');
    expect(result.summary).not.toContain('[click](');
    expect(result.summary).toContain('&#124; cell');
  });

  it('keeps an echoed key out of the outputs and the manifest, while download URLs stay usable', async () => {
    const { result } = await resumeWithStatus({ status: 'error', error: { type: 'INVALID_ARGUMENT', message: `key ${server.apiKey} is not allowed` } });
    expect(result.code).toBe(1);
    expect(result.outputs.result).not.toContain(server.apiKey);
    expect(result.outputs.result).toContain('key *** is not allowed');
    const manifest = readFileSync(result.outputs['results-file'], 'utf8');
    expect(manifest).not.toContain(server.apiKey);
    expect(result.outputs['download-url']).toMatch(/X-Amz-Signature=/);
  });
});

describe('after a create whose outcome is unknown', () => {
  it('a status read that lags behind the create is asked again, and the generation is adopted', async () => {
    server.fault('create', { kind: 'reset-after' });
    // The first status read after the lost answer does not know the id yet.
    server.inject({ method: 'GET', path: /\/generations\/[^/]+\/status$/, status: 404, body: { detail: 'Not Found' } });
    const result = await run({ wait: 'false' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('exists (the answer to the create request was lost); using it rather than creating another.');
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/generations')).toHaveLength(1);
    expect(result.outputs['asset-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('a failure names the generation that may exist and sets generation-id for a later step', async () => {
    server.fault('create', { kind: 'reset-after' });
    server.fault('list', { kind: 'status', status: 500, retryAfter: '0' }, 6);
    const result = await run({ wait: 'false' });
    expect(result.code).toBe(1);
    const id = JSON.parse(result.outputs.request).generation_id;
    expect(result.outputs['generation-id']).toBe(id);
    expect(result.stdout).toContain(`The generation may exist on Hedra's side under id ${id}`);
    server.clearFaults();
  });
});

describe('answers too large to be Hedra', () => {
  it('a model catalogue over 8 MiB is not read whole: a warning, and the run goes on', async () => {
    server.inject({ method: 'GET', path: '/models', status: 200, body: [{ slug: 'x/'.padEnd(9 * 1024 * 1024, 'y'), name: 'n', type: 'video' }] });
    const result = await run({ wait: 'false' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Could not read Hedra's model catalogue (Hedra's answer to GET /models is over 8 MiB");
  });
});

describe('files a pull request can change', () => {
  const only = (result: { stdout: string }) => result.stdout.split('\n').filter((l) => l.startsWith('::error'));
  it.each([
    ['a symlink to /proc/self/environ', { symlinks: { 'prompt.txt': '/proc/self/environ' } }, 'prompt.txt'],
    ['a path out of the workspace', {}, '../../../../../../etc/hostname'],
    ['a relative symlink that climbs out of the workspace', { symlinks: { 'prompts/p.txt': '../../../../../../../../etc/hostname' } }, 'prompts/p.txt'],
  ])('prompt-file as %s is refused, and nothing is read or sent', async (_, files, written) => {
    const result = await runInProcess(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, model: MODEL, 'prompt-file': written },
      { ...files, env: { SECRET_IN_ENV: 'do-not-send-this-value' } },
    );
    expect(result.code).toBe(1);
    expect(only(result)[0]).toContain(`Input "prompt-file": "${written}" (in `);
    expect(only(result)[0]).toContain('is outside the workspace');
    expect(result.stdout).not.toContain('do-not-send-this-value');
    expect(result.outputs.request).toBeUndefined();
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
  it('a media input that is a symlink out of the workspace is refused before any upload', async () => {
    const result = await runInProcess(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, type: 'audio_isolation', audio: 'voice.mp3' },
      { symlinks: { 'voice.mp3': '/etc/hostname' } },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Input "audio": "voice.mp3" (in ');
    expect(result.stdout).toContain('is outside the workspace');
    expect(server.requests.filter((r) => r.path.startsWith('/assets'))).toHaveLength(0);
  });
  it('a prompt file bigger than it may be is refused by what is read, not by what stat says', async () => {
    const result = await runInProcess(
      { 'api-key': server.apiKey, 'base-url': server.baseUrl, model: MODEL, 'prompt-file': 'big.txt' },
      { files: { 'big.txt': 'x'.repeat(300 * 1024) } },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Input "prompt-file": "big.txt" (in ');
    expect(result.stdout).toContain(`is over ${256 * 1024} bytes`);
  });
});

describe('base-url', () => {
  it('refuses a user name and password, without printing them and before any request', async () => {
    const url = new URL(server.baseUrl);
    const result = await runInProcess({
      'api-key': server.apiKey,
      'base-url': `http://alice:s3cret-pass@${url.host}${url.pathname}`,
      model: MODEL,
      prompt: 'p',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error title=Invalid input::Input "base-url" must not carry a user name or password');
    expect(result.stdout).not.toContain('s3cret-pass');
    expect(server.requests).toHaveLength(0);
  });
  it('allows plain http only to loopback named exactly, not to a host name that starts with 127.', async () => {
    const result = await runInProcess({ 'api-key': server.apiKey, 'base-url': 'http://127.attacker.example/api', model: MODEL, prompt: 'p' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Input "base-url" must be an https:// URL (http:// only to localhost)');
  });
});
