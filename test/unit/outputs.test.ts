import { describe, expect, it } from 'vitest';
import { createdIds } from '../../src/apis/v2/created.ts';
import { idOutputs } from '../../src/report/outputs.ts';

describe('createdIds', () => {
  it('orders batch results by the ids the action chose', () => {
    const created = {
      id: 'g2',
      batch_results: [
        { id: 'g2', asset_id: 'a2' },
        { id: 'g1', asset_id: 'a1' },
      ],
    };
    expect(createdIds(['g1', 'g2'], created)).toEqual({ generationIds: ['g1', 'g2'], assetIds: ['a1', 'a2'], failedAtCreation: [] });
  });
  it('keeps the server order when it does not echo the ids', () => {
    const created = {
      id: 'x',
      batch_results: [
        { id: 'x', asset_id: 'a1' },
        { id: null, asset_id: 'a2' },
      ],
    };
    expect(createdIds(['g1', 'g2'], created)).toEqual({ generationIds: ['x', 'g2'], assetIds: ['a1', 'a2'], failedAtCreation: [] });
  });
  it('uses id and asset_id when there are no batch results', () => {
    expect(createdIds(['g1'], { id: 'g1', asset_id: 'a1' })).toEqual({ generationIds: ['g1'], assetIds: ['a1'], failedAtCreation: [] });
  });
  it('leaves an empty place for an item refused at creation, and never takes an id Hedra did not give', () => {
    const created = {
      id: 'g1',
      batch_results: [
        { id: 'g1', asset_id: 'a1' },
        { id: null, asset_id: 'a2', status: 'error', error: 'prompt flagged' },
        { id: 'g3', asset_id: 'a3' },
      ],
    };
    expect(createdIds(['g1', 'g2', 'g3'], created)).toEqual({
      generationIds: ['g1', '', 'g3'],
      assetIds: ['a1', '', 'a3'],
      failedAtCreation: [{ index: 1, requestedId: 'g2', reason: 'prompt flagged' }],
    });
  });
  it('says an error object of a refused item as its type and message', () => {
    const created = { id: 'g2', batch_results: [{ id: null, status: 'error', error: { type: 'MODERATION_FAILED', message: 'no' } }, { id: 'g2' }] };
    expect(createdIds(['g1', 'g2'], created).failedAtCreation).toEqual([{ index: 0, requestedId: 'g1', reason: 'MODERATION_FAILED: no' }]);
  });
});

describe('idOutputs', () => {
  it('gives the first ids plainly and all of them as JSON arrays', () => {
    expect(idOutputs({ generationIds: ['g1', 'g2'], assetIds: ['a1', 'a2'] })).toEqual({
      'generation-id': 'g1',
      'asset-id': 'a1',
      'generation-ids': '["g1","g2"]',
      'asset-ids': '["a1","a2"]',
    });
  });
});

describe('renderSummary', () => {
  it('links results without their query, escapes table cells, and previews images', async () => {
    const { renderSummary } = await import('../../src/report/summary.ts');
    const md = renderSummary({
      type: 'image',
      model: 'google/nano-banana',
      resumed: false,
      elapsedMs: 83_000,
      uploads: [],
      request: { type: 'image', text_prompt: 'a|b' },
      items: [
        {
          generationId: 'g1',
          status: {
            id: 'g1',
            asset_id: 'a1',
            type: 'image',
            status: 'complete',
            url: 'https://cdn.test/x.png?sig=SECRET',
            download_url: 'https://cdn.test/x.png?X-Amz-Signature=SECRET',
          },
          file: { path: '/tmp/out/a|1.png', bytes: 2048, sha256: 'ab'.repeat(32) },
        },
      ],
    });
    expect(md).toContain('### Hedra image: complete');
    expect(md).toContain('| Model | `google/nano-banana` |');
    expect(md).toContain('| Time | 1m 23s |');
    expect(md).toContain('| a&#124;1.png | 2.0 KiB |');
    expect(md).toContain('[open](https://cdn.test/x.png)');
    expect(md).toContain('<img src="https://cdn.test/x.png"');
    expect(md).not.toContain('SECRET');
    expect(md).toContain('"text_prompt": "a|b"');
  });
});
