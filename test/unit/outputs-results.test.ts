// The step's outputs and the results manifest from the run's items
// (src/report/outputs.ts), and the ids of a batch Hedra answered in part.

import { describe, expect, it } from 'vitest';
import { createdIds } from '../../src/apis/v2/created.ts';
import type { ItemResult } from '../../src/hedra/api.ts';
import { idOutputs, manifest, overallStatus, resultOutputs } from '../../src/report/outputs.ts';

const complete: ItemResult = {
  generationId: 'g1',
  status: {
    id: 'g1',
    asset_id: 'a1',
    type: 'video',
    status: 'complete',
    url: 'https://cdn.test/a1.mp4',
    download_url: 'https://cdn.test/a1.mp4?sig=1',
    streaming_url: 'https://cdn.test/a1.m3u8',
  },
  file: { path: '/out/a1.mp4', bytes: 2048, sha256: 'ab'.repeat(32), contentType: 'video/mp4' },
};
const failed: ItemResult = {
  generationId: 'g2',
  status: { id: 'g2', status: 'error', error_message: 'moderation' },
};
const bare: ItemResult = { generationId: 'g3', status: { id: 'g3', status: 'complete' } };

describe('idOutputs', () => {
  it('gives empty first ids and empty lists when there are none', () => {
    expect(idOutputs({ generationIds: [], assetIds: [] })).toEqual({ 'generation-id': '', 'asset-id': '', 'generation-ids': '[]', 'asset-ids': '[]' });
  });
});

describe('overallStatus', () => {
  it('is error when any item failed, else the first item’s status', () => {
    expect(overallStatus([complete, failed])).toBe('error');
    expect(overallStatus([failed, complete])).toBe('error');
    expect(overallStatus([{ ...bare, status: { id: 'g3', status: 'processing' } }, complete])).toBe('processing');
    expect(overallStatus([])).toBe('');
  });
});

describe('resultOutputs', () => {
  it('gives the first item plainly and every item as JSON', () => {
    expect(resultOutputs([complete, failed], '/rt/hedra-results-g1.json')).toEqual({
      'generation-id': 'g1',
      'asset-id': 'a1',
      'generation-ids': '["g1","g2"]',
      'asset-ids': '["a1",""]',
      status: 'error',
      url: 'https://cdn.test/a1.mp4',
      'download-url': 'https://cdn.test/a1.mp4?sig=1',
      'streaming-url': 'https://cdn.test/a1.m3u8',
      'voice-id': '',
      path: '/out/a1.mp4',
      paths: '["/out/a1.mp4",""]',
      sha256: 'ab'.repeat(32),
      result: JSON.stringify(complete.status),
      'results-file': '/rt/hedra-results-g1.json',
    });
  });
  it('gives empty strings for what the first item lacks', () => {
    const outputs = resultOutputs([bare], '/rt/r.json');
    expect([outputs['asset-id'], outputs.url, outputs['download-url'], outputs['streaming-url'], outputs.path, outputs.sha256]).toEqual([
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
    expect(outputs.paths).toBe('[""]');
    expect(outputs.status).toBe('complete');
  });
});

describe('manifest', () => {
  it('has every field of every item, null where unknown', () => {
    expect(manifest([complete, failed], { request: { type: 'video' }, inputAssetIds: { image: 'a0' } })).toEqual({
      model: null,
      generations: [
        {
          generation_id: 'g1',
          asset_id: 'a1',
          type: 'video',
          status: 'complete',
          error: null,
          url: 'https://cdn.test/a1.mp4',
          download_url: 'https://cdn.test/a1.mp4?sig=1',
          streaming_url: 'https://cdn.test/a1.m3u8',
          voice_id: null,
          path: '/out/a1.mp4',
          bytes: 2048,
          sha256: 'ab'.repeat(32),
          content_type: 'video/mp4',
          credit_cost: null,
        },
        {
          generation_id: 'g2',
          asset_id: null,
          type: null,
          status: 'error',
          error: 'moderation',
          url: null,
          download_url: null,
          streaming_url: null,
          voice_id: null,
          path: null,
          bytes: null,
          sha256: null,
          content_type: null,
          credit_cost: null,
        },
      ],
      input_asset_ids: { image: 'a0' },
      request: { type: 'video' },
    });
  });
  it('prefers the error object to the error message, and has a null request when none was sent', () => {
    const error = { type: 'MODERATION_FAILED', message: 'no' };
    const result = manifest([{ generationId: 'g', status: { id: 'g', status: 'error', error, error_message: 'no' } }], { inputAssetIds: {} });
    expect(result.generations[0].error).toEqual(error);
    expect(result.request).toBeNull();
  });
});

describe('createdIds of a batch Hedra answered in part', () => {
  it('keeps the requested id of a place the answer does not cover', () => {
    expect(createdIds(['g1', 'g2', 'g3'], { id: 'g1', batch_results: [{ id: 'g1', asset_id: 'a1' }] })).toEqual({
      generationIds: ['g1', 'g2', 'g3'],
      assetIds: ['a1', '', ''],
      failedAtCreation: [],
    });
  });
  it('fills the places of ids it did not echo with its other answers, in order', () => {
    const created = {
      id: 'x',
      batch_results: [
        { id: 'x', asset_id: 'ax' },
        { id: 'g2', asset_id: 'a2' },
        { id: 'y', asset_id: 'ay' },
      ],
    };
    expect(createdIds(['g1', 'g2', 'g3'], created).generationIds).toEqual(['x', 'g2', 'y']);
  });
  it('takes the single answer when batch_results is empty', () => {
    expect(createdIds(['g1'], { id: 'g1', asset_id: 'a1', batch_results: [] }).assetIds).toEqual(['a1']);
  });
  it.each([
    [{ id: null, status: 'error' }, 'Hedra gave no reason'],
    [{ id: null, error: 'flagged' }, 'flagged'],
    [{ id: null, status: 'error', error: { type: 'MODERATION_FAILED' } }, 'MODERATION_FAILED'],
    [{ id: null, status: 'error', error: { message: 'no' } }, 'no'],
    [{ id: null, status: 'error', error: { code: 7 } }, '{"code":7}'],
    [{ id: null, status: 'error', error: 42 }, 'Hedra gave no reason'],
  ])('says why an item was refused: %j', (item, reason) => {
    expect(createdIds(['g1'], { id: 'g1', batch_results: [item] }).failedAtCreation).toEqual([{ index: 0, requestedId: 'g1', reason }]);
  });
  it('does not take an item without an id, status or error as refused', () => {
    expect(createdIds(['g1'], { id: 'g1', batch_results: [{ id: null, asset_id: 'a1', status: 'queued' }] })).toEqual({
      generationIds: ['g1'],
      assetIds: ['a1'],
      failedAtCreation: [],
    });
  });
});
