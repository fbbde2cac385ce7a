// Bad input through the committed bundle, for a sample of the corpus: the
// process exits non-zero, with one error annotation naming the input as the
// workflow spells it, no stack trace and nothing on stderr, before anything is
// uploaded or created (at most the free reads are made). The whole corpus runs
// in-process, through runWith against the same server, in
// test/in-process/invalid-inputs.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { runAction } from './run-action.ts';

// A realistic request otherwise (test/server/catalogue.ts): a video from a prompt alone needs a text-to-video model.
const TEXT_TO_VIDEO = 'kling/kling-2.5-turbo';

// [what is wrong, inputs, files to create, the input the message must name]: a parser's failure and a file system's.
const SAMPLE: [string, Record<string, string>, Record<string, string>, string][] = [
  ['request broken YAML', { prompt: 'p', model: TEXT_TO_VIDEO, request: 'a: [1, 2' }, {}, 'request'],
  ['a directory', { type: 'audio_isolation', audio: 'sounds' }, { 'sounds/a.mp3': 'x' }, 'audio'],
];

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer();
});
afterAll(() => server.close());

describe('invalid input sets through the bundle', () => {
  it.each(SAMPLE)('%s', async (_, inputs, files, input) => {
    server.requests.length = 0;
    const result = await runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, ...inputs }, { files });
    expect(result.code).toBe(1);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error title=Invalid input::/);
    expect(errors[0]).toContain(`"${input}"`);
    expect(result.stdout).not.toMatch(/^\s+at /m);
    expect(result.stderr).toBe('');
    // Nothing uploaded or created: at most the free reads made together, once each (the model catalogue and the balance).
    const made = server.requests.map((r) => `${r.method} ${r.path}`);
    expect(made.filter((r) => r !== 'GET /models' && r !== 'GET /billing/credits')).toEqual([]);
    expect(new Set(made).size).toBe(made.length);
  });
});
