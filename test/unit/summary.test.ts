// The job summary (src/report/summary.ts): its heading, facts, tables,
// previews, uploads and request, with table cells escaped and no presigned
// signature left in a link.
import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../../src/hedra/api.ts';
import type { Upload } from '../../src/media/local-files.ts';
import type { Spending } from '../../src/report/outputs.ts';
import { renderSummary, type SummaryInput } from '../../src/report/summary.ts';

const base: SummaryInput = { resumed: false, elapsedMs: 5000, uploads: [], items: [] };

const image = (id: string, extra: Partial<ItemResult['status']> = {}, file?: ItemResult['file']): ItemResult => ({
  generationId: id,
  status: { id, asset_id: `asset-${id}`, type: 'image', status: 'complete', url: `https://cdn.test/${id}.png?sig=SECRET`, ...extra },
  file,
});

const upload = (inputs: Upload['inputs'], name: string, size: number, assetId: string): Upload =>
  ({ inputs, written: name, path: `/ws/${name}`, name, size, kind: 'image', contentType: 'image/png', assetId }) as Upload;

describe('the whole summary', () => {
  it('of a finished generation, line by line', () => {
    const md = renderSummary({
      ...base,
      type: 'video',
      model: 'kling/v2',
      elapsedMs: 83_000,
      items: [
        {
          generationId: 'g1',
          status: { id: 'g1', asset_id: 'a1', type: 'video', status: 'complete', url: 'https://cdn.test/v.mp4?sig=SECRET' },
          file: { path: '/out/v.mp4', bytes: 3 * 1024 * 1024, sha256: 'ff' },
        },
      ],
    });
    expect(md).toBe(
      [
        '### Hedra video: complete',
        '',
        '| | |',
        '|---|---|',
        '| Type | `video` |',
        '| Model | `kling/v2` |',
        '| Time | 1m 23s |',
        '',
        '| generation | asset | status | file | size | sha256 | result |',
        '|---|---|---|---|---|---|---|',
        '| `g1` | `a1` | complete | v.mp4 | 3.0 MiB | `ff` | [open](https://cdn.test/v.mp4) |',
        '',
      ].join('\n'),
    );
  });
  it('of a dry run, with the uploads it would make and the request', () => {
    const md = renderSummary({
      ...base,
      type: 'image',
      dryRun: true,
      uploads: [upload(['image', 'end-image'], 'a.png', 2048, 'r1')],
      request: { type: 'image' },
    });
    expect(md).toBe(
      [
        '### Hedra image: dry run',
        '',
        '| | |',
        '|---|---|',
        '| Type | `image` |',
        '| Time | 5s |',
        '',
        'The request is valid. Nothing was uploaded or sent, and no credits were spent.',
        '',
        'Would upload:',
        '',
        '- image, end-image: a.png (2.0 KiB) → `r1`',
        '',
        '<details><summary>Request body</summary>',
        '',
        '```json',
        '{\n  "type": "image"\n}',
        '```',
        '',
        '</details>',
        '',
      ].join('\n'),
    );
  });
  it('of generations not waited for', () => {
    const md = renderSummary({ ...base, type: 'image', createdOnly: { generationIds: ['g1', 'g2'], assetIds: ['a1'] } });
    expect(md).toContain('### Hedra image: submitted\n');
    expect(md).toContain(
      [
        '| generation | asset |',
        '|---|---|',
        '| `g1` | `a1` |',
        '| `g2` | `` |',
        '',
        'Not waited for (`wait: false`): pass the generation id to `generation-id` in a later step to wait for it and download it.',
        '',
      ].join('\n'),
    );
    expect(md).not.toContain('| generation | asset | status |');
    expect(md.endsWith('to wait for it and download it.\n')).toBe(true);
  });
});

describe('the heading and facts', () => {
  it('call a run without a type a generation, and leave out what is unknown', () => {
    const md = renderSummary({ ...base, resumed: true, items: [image('g1')] });
    expect(md.startsWith('### Hedra generation: complete\n\n| | |\n|---|---|\n| Run | resumed an existing generation |\n| Time | 5s |\n')).toBe(true);
    expect(md).not.toContain('| Type |');
    expect(md).not.toContain('| Model |');
  });
  it('say error when any item failed', () => {
    expect(renderSummary({ ...base, type: 'image', items: [image('g1'), image('g2', { status: 'error', error_message: 'no' })] })).toMatch(
      /^### Hedra image: error\n/,
    );
  });
  it('keep backticks out of code spans', () => {
    expect(renderSummary({ ...base, type: 'video', model: 'a`b' })).toContain("| Model | `a'b` |");
  });
});

describe('the results table', () => {
  it('shows the reason of a failed item, escaped for the table', () => {
    const md = renderSummary({ ...base, items: [image('g1', { status: 'error', url: null, error_message: 'width <256|bad>' })] });
    expect(md).toContain('| `g1` | `asset-g1` | error: width &#60;256&#124;bad&#62; |  |  |  |  |');
  });
  it('escapes a file name and a status, and leaves out a link without a URL', () => {
    const md = renderSummary({
      ...base,
      items: [
        {
          generationId: 'g1',
          status: { id: 'g1', status: 'odd|state' },
          file: { path: '/out/x|<y>.mp4', bytes: 10, sha256: 'aa' },
        },
      ],
    });
    expect(md).toContain('| `g1` | `` | odd&#124;state | x&#124;&#60;y&#62;.mp4 | 10 B | `aa` |  |');
  });
});

describe('previews', () => {
  it('show complete images, without the query of their URL', () => {
    const md = renderSummary({ ...base, type: 'image', items: [image('g1'), image('g2')] });
    expect(md.endsWith('<img src="https://cdn.test/g1.png" alt="g1" width="320"> <img src="https://cdn.test/g2.png" alt="g2" width="320">\n')).toBe(true);
    expect(md).not.toContain('SECRET');
  });
  it('leave out failed items, other types and images without a URL', () => {
    const md = renderSummary({
      ...base,
      items: [image('g1', { status: 'error' }), image('g2', { type: 'video' }), image('g3', { url: undefined }), image('g4', { status: 'processing' })],
    });
    expect(md).not.toContain('<img');
  });
  it('escape the generation id in the alt text', () => {
    expect(renderSummary({ ...base, items: [image('a<b')] })).toContain('alt="a&#60;b"');
  });
});

describe('uploads', () => {
  it('list what was uploaded, with sizes and asset ids', () => {
    const md = renderSummary({
      ...base,
      items: [image('g1')],
      uploads: [upload(['reference-images'], 'logo|1.png', 1536, 'u1'), upload(['image'], 'b.png', 10, 'u2')],
    });
    expect(md).toContain('Uploaded inputs:\n\n- reference-images: logo&#124;1.png (1.5 KiB) → `u1`\n- image: b.png (10 B) → `u2`\n');
    expect(md).not.toContain('Would upload');
  });
  it('are left out when there were none, as is the request', () => {
    const md = renderSummary({ ...base, items: [image('g1')] });
    expect(md).not.toContain('Uploaded inputs');
    expect(md).not.toContain('<details>');
  });
});

describe('the Credits row', () => {
  const row = (spending: Omit<Spending, 'unit'> | undefined) =>
    renderSummary({ ...base, spending: spending && { unit: 'credits', ...spending } })
      .split('\n')
      .find((line) => line.startsWith('| Credits |'));
  it('is absent when nothing was said about credits', () => {
    expect(row(undefined)).toBeUndefined();
  });
  it('gives the estimate and what was charged', () => {
    expect(row({ estimated: 140, estimateText: '140 credits (14/s × 10s (as asked))', charged: 140 })).toBe(
      '| Credits | estimated 140 credits (14/s × 10s (as asked)); charged 140 credits |',
    );
    expect(row({ estimated: 1, estimateText: '1 credit (1 per generation)', charged: 1 })).toBe(
      '| Credits | estimated 1 credit (1 per generation); charged 1 credit |',
    );
  });
  it('of a resumed generation, only what it was charged; with nothing known, says so', () => {
    expect(row({ charged: 12 })).toBe('| Credits | charged 12 credits |');
    expect(row({})).toBe('| Credits | unknown (no estimate could be made) |');
  });
  it('of a reused or awaited generation, 0 credits and from when, escaped as a cell', () => {
    expect(row({ estimated: 0, charged: 0, reused: { createdAt: '2026-11-01T10:00:00Z', waited: false } })).toBe(
      '| Credits | 0 credits: reused the generation made 2026-11-01T10:00:00Z from the same inputs |',
    );
    expect(row({ estimated: 0, reused: { waited: true } })).toBe('| Credits | 0 credits: waited for the generation from the same inputs |');
    expect(row({ reused: { createdAt: 'x|<img src=y>', waited: false } })).toContain('made x&#124;&#60;img src=y&#62; from');
  });
});
