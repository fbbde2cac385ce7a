// Input `api` and what depends on it when the inputs are read: the key's
// shape, base-url's default, `type`'s default, ids of the other API, the
// budget's unit and `model` being required on v3.
import { describe, expect, it } from 'vitest';
import { apiKeyShapeProblems } from '../../src/inputs/api-key.ts';
import { envFrom } from '../helpers/build.ts';
import { readInputsFrom } from '../helpers/toolkit.ts';

const V3_KEY = 'key_0123456789abcdef:0123456789abcdef0123456789abcdef';
const V2_KEY = 'sk_hedra_0123456789abcdef0123456789abcdef';
const UUID = '0b6f6a33-1b2f-4a3c-9a55-4a6b1f0e2c11';

async function problems(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<string> {
  const failure = await readInputsFrom({ ...envFrom(inputs), ...extraEnv }).then(
    () => undefined,
    (error: Error) => error,
  );
  expect(failure?.name).toBe('InputError');
  return failure!.message;
}

describe('input "api"', () => {
  it('defaults to v2, with v2 base URL and type video', async () => {
    const settings = await readInputsFrom(envFrom({ 'api-key': V2_KEY }));
    expect(settings).toMatchObject({ api: 'v2', baseUrl: 'https://api.hedra.com/web-app/public', type: 'video', typeGiven: false });
  });
  it('v3 takes the v3 base URL and no type unless given', async () => {
    const settings = await readInputsFrom(envFrom({ api: 'v3', 'api-key': V3_KEY, model: 'kling-v3' }));
    expect(settings).toMatchObject({ api: 'v3', baseUrl: 'https://api.hedra.com/v3', typeGiven: false, model: 'kling-v3' });
    const typed = await readInputsFrom(envFrom({ api: 'v3', 'api-key': V3_KEY, model: 'kling-v3', type: 'image' }));
    expect(typed).toMatchObject({ type: 'image', typeGiven: true });
  });
  it('keeps a base-url given, whatever the API', async () => {
    const settings = await readInputsFrom(envFrom({ api: 'v3', 'api-key': V3_KEY, model: 'm', 'base-url': 'http://127.0.0.1:8080/v3/' }));
    expect(settings.baseUrl).toBe('http://127.0.0.1:8080/v3');
  });
  it('names the API meant by a misspelt one', async () => {
    expect(await problems({ api: 'V3' })).toBe('Input "api" must be v2 or v3, got "V3". Did you mean "v3"?');
  });
  it('requires a model on v3, unless resuming', async () => {
    expect(await problems({ api: 'v3', 'api-key': V3_KEY })).toMatch(/^Input "model" is required on v3/);
    const resuming = await readInputsFrom(envFrom({ api: 'v3', 'api-key': V3_KEY, 'generation-id': `job_${UUID}` }));
    expect(resuming.resumeIds).toEqual([`job_${UUID}`]);
  });
});

describe('the key fits the API', () => {
  it('says a v3 key on v2 looks like a v3 key', async () => {
    expect(await problems({ 'api-key': V3_KEY })).toBe(
      'Input "api-key" looks like a v3 key (<key_id>:<secret>), but input "api" is v2. Set "api: v3" (and a v3 model), or use a v2 key.',
    );
  });
  it('says a v2 key on v3 does not look like a v3 key, also from HEDRA_API_KEY', async () => {
    expect(await problems({ api: 'v3', model: 'kling-v3' }, { HEDRA_API_KEY: V2_KEY })).toMatch(
      /^The HEDRA_API_KEY environment variable does not look like a v3 key: v3 keys are "<key_id>:<secret>".*looks like a v2 key/,
    );
  });
  it('never quotes the key', async () => {
    for (const message of [await problems({ 'api-key': V3_KEY }), await problems({ api: 'v3', model: 'm', 'api-key': V2_KEY })]) {
      expect(message).not.toContain(V3_KEY.split(':')[1]);
      expect(message).not.toContain(V2_KEY);
    }
  });
  it('refuses a key pasted with its Authorization scheme', () => {
    expect(apiKeyShapeProblems(`Key ${V3_KEY}`, 'v3', 'Input "api-key"')).toEqual([
      'Input "api-key" starts with "Key": store the key alone as the secret\'s value; the action adds the Authorization scheme.',
    ]);
  });
  it('accepts each API its own key, and no key at all', () => {
    expect(apiKeyShapeProblems(V2_KEY, 'v2', 'k')).toEqual([]);
    expect(apiKeyShapeProblems(V3_KEY, 'v3', 'k')).toEqual([]);
    expect(apiKeyShapeProblems(undefined, 'v3', 'k')).toEqual([]);
  });
  it('reports a key no header can carry as that alone', async () => {
    const message = await problems({ api: 'v3', model: 'm', 'api-key': `${V3_KEY}\u0007` });
    expect(message).toMatch(/^Input "api-key" contains a control character/);
  });
});

describe('ids of the other API', () => {
  it('refuses a v3 job id on v2 and a v2 generation id on v3', async () => {
    expect(await problems({ 'generation-id': `job_${UUID}` })).toBe(`Input "generation-id": "job_${UUID}" is a v3 job id; set "api: v3" to pick it up.`);
    expect(await problems({ api: 'v3', 'api-key': V3_KEY, model: 'm', 'generation-id': UUID })).toBe(
      `Input "generation-id": "${UUID}" is a v2 generation id; set "api: v2" to pick it up (v3 job ids are job_…).`,
    );
    // v3 ids are opaque (no UUID assumed): only their prefix and a safe charset are held to.
    expect(await problems({ api: 'v3', 'api-key': V3_KEY, model: 'm', 'generation-id': 'job_../x' })).toMatch(
      /must be v3 job ids, one per line; "job_..\/x" is not one/,
    );
  });
  it('refuses a v3 asset id on v2, and reads it as an asset on v3, exactly as written (ids are opaque)', async () => {
    expect(await problems({ image: `asset_${UUID}` })).toBe(
      `Input "image": "asset_${UUID}" is a v3 asset id; v2 takes its own asset ids (UUIDs) or files. Set "api: v3", or give the file.`,
    );
    const settings = await readInputsFrom(envFrom({ api: 'v3', 'api-key': V3_KEY, model: 'm', image: `asset_${UUID.toUpperCase()}` }));
    expect(settings.mapped.image).toEqual({ kind: 'asset', id: `asset_${UUID.toUpperCase()}` });
  });
});

describe('max-credits is in the API unit', () => {
  it('is whole credits on v2', async () => {
    expect(await problems({ 'max-credits': '0.5' })).toMatch(/Input "max-credits"/);
  });
  it('is US dollars on v3, with cents and an optional $', async () => {
    expect((await readInputsFrom(envFrom({ api: 'v3', 'api-key': V3_KEY, model: 'm', 'max-credits': '0.50' }))).maxCredits).toBe(0.5);
    expect((await readInputsFrom(envFrom({ api: 'v3', 'api-key': V3_KEY, model: 'm', 'max-credits': '$2' }))).maxCredits).toBe(2);
    expect(await problems({ api: 'v3', 'api-key': V3_KEY, model: 'm', 'max-credits': 'ten' })).toBe(
      'Input "max-credits" is in US dollars on v3 (the API wallet\'s unit): a number such as 0.50 or 2, got "ten".',
    );
  });
});
