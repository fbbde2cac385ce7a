// A hostile or compromised Hedra, through the committed bundle: smoke runs of
// what only a process of its own shows. Text from Hedra cannot start a
// workflow command in what the process prints, and a prompt file that is a
// symlink to /proc/self/environ (the action's own environment, which holds a
// value set for this run alone) is refused without being read. Every test of
// this file, these included, runs in-process in test/in-process/hostile.test.ts,
// with the rest of what comes back from the API and the base URL's checks.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeStatusOf } from '../helpers/complete-status.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { runAction } from './run-action.ts';

const MODEL = 'kling/kling-2.5-turbo';
let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer({ timings: { queued: 0, processing: 200, finalizing: 0 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const run = (inputs: Record<string, string>) => runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, model: MODEL, prompt: 'p', ...inputs });

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
});

describe('files a pull request can change', () => {
  const only = (result: { stdout: string }) => result.stdout.split('\n').filter((l) => l.startsWith('::error'));
  it.each([['a symlink to /proc/self/environ', { symlinks: { 'prompt.txt': '/proc/self/environ' } }, 'prompt.txt']])(
    'prompt-file as %s is refused, and nothing is read or sent',
    async (_, files, written) => {
      const result = await runAction(
        { 'api-key': server.apiKey, 'base-url': server.baseUrl, model: MODEL, 'prompt-file': written },
        { ...files, env: { SECRET_IN_ENV: 'do-not-send-this-value' } },
      );
      expect(result.code).toBe(1);
      expect(only(result)[0]).toContain(`Input "prompt-file": "${written}" (in `);
      expect(only(result)[0]).toContain('is outside the workspace');
      expect(result.stdout).not.toContain('do-not-send-this-value');
      expect(result.outputs.request).toBeUndefined();
      expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    },
  );
});
