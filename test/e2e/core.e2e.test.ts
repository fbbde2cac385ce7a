// The committed bundle, run as the runner runs it, against the validating
// test server: a few smoke runs of what only the process shows (the exit code
// index.ts sets, from the run's outcome). Every type, models, the request
// input, batches, dry runs and the failures a user can meet are proven
// in-process, through runWith against the same server, in
// test/in-process/core.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { runAction } from './run-action.ts';

// Realistic requests (test/server/catalogue.ts): a video from a prompt alone needs a text-to-video model (the default,
// Character-3, needs a start image and audio), and Hedra needs a model for every image.
const TEXT_TO_VIDEO = 'kling/kling-2.5-turbo';
const IMAGE_MODEL = 'google/nano-banana';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

// These tests are about the request; waiting and downloading are media's, so they do not wait.
const run = (inputs: Record<string, string>) => runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, wait: 'false', ...inputs });

describe('dry run', () => {
  it('validates and prints the body, sends nothing and needs no key', async () => {
    const result = await runAction({ 'dry-run': 'true', type: 'image', prompt: 'p', model: IMAGE_MODEL, 'base-url': server.baseUrl });
    expect(result.code).toBe(0);
    expect(server.requests).toHaveLength(0);
    expect(result.stdout).toContain("No API key: the checks against Hedra's model catalogue were skipped (only the request schema was checked).");
    const body = JSON.parse(result.outputs.request);
    expect(body).toMatchObject({ type: 'image', text_prompt: 'p', model_slug: IMAGE_MODEL });
    expect(result.stdout).toContain('Dry run: the image request is valid; nothing was sent.');
    expect(result.stdout).toContain('"text_prompt": "p"');
    expect(result.outputs).not.toHaveProperty('generation-id');
  });
});

describe('server refusals are readable', () => {
  it('a wrong key, at the first request (the catalogue), before anything is uploaded or created', async () => {
    const result = await run({ prompt: 'p', model: TEXT_TO_VIDEO, 'api-key': 'wrong-key-123' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error title=Hedra generation failed::Hedra refused the API key (HTTP 401, GET /models): Invalid API key.');
    expect(result.stdout).not.toContain('may exist'); // a definite refusal created nothing
    // The balance is read together with the catalogue (one round trip): refused the same way, and nothing else was asked.
    expect(server.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /billing/credits', 'GET /models']);
  });
});
