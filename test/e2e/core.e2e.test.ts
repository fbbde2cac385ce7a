import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHedraServer, type HedraServer } from '../server/hedra-server.ts';
import { runAction } from './run-action.ts';

let server: HedraServer;
beforeAll(async () => {
  server = await startHedraServer();
});
afterAll(() => server.close());

describe('smoke', () => {
  it('creates a video', async () => {
    const run = await runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, prompt: 'a cat says hi', image: '3fa85f64-5717-4562-b3fc-2c963f66afa6' });
    console.log(run.stdout, run.stderr, run.outputs);
    expect(run.code).toBe(0);
  });
});
