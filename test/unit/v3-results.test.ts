// How a finished v3 job reaches the shared reporting (itemStatus), and what of
// its request may be shown (shownInput): pure functions of src/run/v3.ts.
import { describe, expect, it } from 'vitest';
import type { V3Result, V3Status } from '../../src/apis/v3/client.ts';
import { itemStatus, shownInput } from '../../src/apis/v3/results.ts';

const JOB = 'job_0b6f6a33-1b2f-4a3c-9a55-4a6b1f0e2c11';
const ASSET = 'asset_5d1c0b7e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const URL_SIGNED = 'https://cdn.example/o/a.mp4?X-Amz-Signature=abc';
const completed: V3Status = { status: 'COMPLETED', progress: 1 } as V3Status;
const failed: V3Status = { status: 'FAILED', progress: 0.4 } as V3Status;
const result = (extra: Partial<V3Result>): V3Result => ({ job_id: JOB, status: 'COMPLETED', ...extra }) as V3Result;

describe('itemStatus', () => {
  it('is complete with the output asset and its presigned URL as the download URL, and no plain url', () => {
    const status = itemStatus(JOB, completed, result({ outputs: [{ status: 'COMPLETED', asset_id: ASSET, url: URL_SIGNED }] }), 'video');
    expect(status).toEqual({ id: JOB, type: 'video', status: 'complete', asset_id: ASSET, download_url: URL_SIGNED });
  });
  it("carries a failed job's envelope as the error the reporting reads (code, message, field, details)", () => {
    const status = itemStatus(
      JOB,
      failed,
      result({
        status: 'FAILED',
        error: {
          code: 'MODERATION_FAILED',
          message: 'Image failed moderation.',
          param: 'input.start_image',
          details: [{ field: 'input.start_image', message: 'nsfw' }],
        },
      }),
      'video',
    );
    expect(status).toMatchObject({
      status: 'error',
      error: {
        type: 'MODERATION_FAILED',
        message: 'Image failed moderation.',
        param: 'input.start_image',
        violations: [{ field: 'input.start_image', message: 'nsfw' }],
      },
    });
  });
  it('says Hedra gave no reason for a failed job without an error', () => {
    expect(itemStatus(JOB, failed, result({ status: 'FAILED' }), undefined)).toMatchObject({ status: 'error', error_message: 'Hedra gave no reason' });
  });
  it('says an expired output is past the 48 hours, whether marked EXPIRED or stripped of its url and id', () => {
    for (const output of [
      { status: 'EXPIRED', asset_id: null, url: null },
      { status: 'COMPLETED', asset_id: null, url: undefined },
    ]) {
      const status = itemStatus(JOB, completed, result({ outputs: [output as never] }), 'image');
      expect(status.status).toBe('error');
      expect(status.error_message).toMatch(/^its output has expired: Hedra keeps v3 results for 48 hours/);
    }
  });
  it('fails a completed job without an output, and a failed output, with their reasons', () => {
    expect(itemStatus(JOB, completed, result({ outputs: [] }), 'image').error_message).toBe('the job completed without an output');
    const failedOutput = itemStatus(
      JOB,
      completed,
      result({ outputs: [{ status: 'FAILED', asset_id: ASSET, url: URL_SIGNED, error: { code: 'INTERNAL', message: 'render failed' } } as never] }),
      'image',
    );
    expect(failedOutput).toMatchObject({ status: 'error', error: { type: 'INTERNAL', message: 'render failed' } });
  });
});

describe('shownInput', () => {
  it("cuts the query (the signature) from every stored file's handle, in lists too, and leaves the rest as sent", () => {
    const input = {
      prompt: 'see https://example.com/?q=1',
      start_image: { source: 'url', url: 'https://files.example/f1?X-Amz-Signature=s1' },
      images: [
        { source: 'url', url: 'https://files.example/f2?sig=s2' },
        { source: 'asset', asset_id: ASSET },
      ],
    };
    expect(shownInput(input)).toEqual({
      input: {
        prompt: 'see https://example.com/?q=1',
        start_image: { source: 'url', url: 'https://files.example/f1' },
        images: [
          { source: 'url', url: 'https://files.example/f2' },
          { source: 'asset', asset_id: ASSET },
        ],
      },
    });
  });
});
