import { describe, expect, it } from 'vitest';
import { createdIds, idOutputs } from '../../src/outputs.ts';

describe('createdIds', () => {
  it('orders batch results by the ids the action chose', () => {
    const created = { id: 'g2', batch_results: [{ id: 'g2', asset_id: 'a2' }, { id: 'g1', asset_id: 'a1' }] };
    expect(createdIds(['g1', 'g2'], created)).toEqual({ generationIds: ['g1', 'g2'], assetIds: ['a1', 'a2'] });
  });
  it('keeps the server order when it does not echo the ids', () => {
    const created = { id: 'x', batch_results: [{ id: 'x', asset_id: 'a1' }, { id: null, asset_id: 'a2' }] };
    expect(createdIds(['g1', 'g2'], created)).toEqual({ generationIds: ['x', 'g2'], assetIds: ['a1', 'a2'] });
  });
  it('uses id and asset_id when there are no batch results', () => {
    expect(createdIds(['g1'], { id: 'g1', asset_id: 'a1' })).toEqual({ generationIds: ['g1'], assetIds: ['a1'] });
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
