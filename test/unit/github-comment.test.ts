// The pull-request comment's body (src/report/github.ts commentBody): within
// GitHub's limit, by shortening only the quote of the request body, from the
// job summary as summary.ts renders it.
import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../../src/hedra/api.ts';
import { COMMENT_LIMIT, commentBody } from '../../src/report/github.ts';
import { renderSummary } from '../../src/report/summary.ts';

const MARKER = '<!-- hedra-generate-action:w:j:a -->';
const QUOTE = '<details><summary>Request body</summary>';

const items: ItemResult[] = [
  {
    generationId: 'gen-1',
    status: { id: 'gen-1', asset_id: 'asset-1', type: 'image', status: 'complete', url: 'https://cdn.test/1.png?sig=x' },
    file: { path: '/out/cover.png', bytes: 2048, sha256: 'ab'.repeat(32) },
  },
];
const summaryFor = (prompt: string) =>
  renderSummary({ type: 'image', model: 'google/nano-banana', resumed: false, elapsedMs: 1000, uploads: [], items, request: { type: 'image', prompt } });
/** The summary up to its request quote: the results, which the comment keeps whole. */
const resultsOf = (summary: string) => summary.slice(0, summary.indexOf(QUOTE));

describe('commentBody', () => {
  it('is the marker and the summary, untouched, when they fit', () => {
    const summary = summaryFor('a lighthouse');
    expect(commentBody(MARKER, summary)).toBe(`${MARKER}\n${summary}`);
    const exact = `${MARKER}\n${summary}`.length;
    expect(commentBody(MARKER, summary, exact)).toBe(`${MARKER}\n${summary}`);
    expect(commentBody(MARKER, summary, exact - 1)).not.toBe(`${MARKER}\n${summary}`);
  });

  it('shortens only the request quote, filling the limit, and says so', () => {
    const prompt = `${'word '.repeat(30_000)}THE END`;
    const summary = summaryFor(prompt);
    const body = commentBody(MARKER, summary);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT - 40);
    expect(body.startsWith(`${MARKER}\n${resultsOf(summary)}`)).toBe(true);
    expect(body).toContain('<details><summary>Request body (shortened)</summary>');
    expect(body).toContain(`"prompt": "${'word '.repeat(100)}`);
    expect(body).not.toContain('THE END');
    const json = JSON.stringify({ type: 'image', prompt }, null, 2);
    const [, total, shown] = /The request body has ([\d,]+) characters; the first ([\d,]+) are quoted here/.exec(body) ?? [];
    expect(total).toBe(json.length.toLocaleString('en-US'));
    // What is quoted is exactly the beginning of the body, as many characters as it says.
    const quoted = body.slice(body.indexOf('```json\n') + 8, body.indexOf('\n…\n```'));
    expect(quoted.length.toLocaleString('en-US')).toBe(shown);
    expect(json.startsWith(quoted)).toBe(true);
    expect(body).toMatch(
      /\n```\n\nThe request body has [^\n]+ GitHub's limit of 65,536 characters\. The whole body is in the job summary\.\n\n<\/details>\n*$/,
    );
  });

  it('keeps what follows the quote', () => {
    const summary = `${summaryFor('x'.repeat(2000))}after the quote\n`;
    const body = commentBody(MARKER, summary, 1500);
    expect(body.length).toBeLessThanOrEqual(1500);
    expect(body.endsWith('</details>\nafter the quote\n')).toBe(true);
  });

  it('never cuts a character in two', () => {
    const summary = summaryFor('🦊'.repeat(40_000));
    for (const limit of [COMMENT_LIMIT, COMMENT_LIMIT - 1, 3001, 3000]) {
      const body = commentBody(MARKER, summary, limit);
      expect(body.length).toBeLessThanOrEqual(limit);
      // No lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
      expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('leaves the quote out when not even its frame fits, keeping the results', () => {
    const summary = summaryFor('y'.repeat(5000));
    const results = resultsOf(summary);
    const limit = MARKER.length + 1 + results.length + 200;
    const body = commentBody(MARKER, summary, limit);
    expect(body.length).toBeLessThanOrEqual(limit);
    expect(body.startsWith(`${MARKER}\n${results}`)).toBe(true);
    expect(body).not.toContain('<details>');
    expect(body).toMatch(
      /The request body \([\d,]+ characters\) is left out to keep this comment within GitHub's limit of [\d,]+ characters; it is in the job summary\.\n*$/,
    );
  });

  it('cuts the results at a line, saying so, only when they alone are over the limit', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `| row ${i} | ${'z'.repeat(40)} |`).join('\n');
    const summary = `${lines}\n\n${QUOTE}\n\n\`\`\`json\n{}\n\`\`\`\n\n</details>\n`;
    const body = commentBody(MARKER, summary, 5000);
    expect(body.length).toBeLessThanOrEqual(5000);
    expect(body.startsWith(`${MARKER}\n| row 0 |`)).toBe(true);
    expect(body).not.toContain('<details>');
    const kept = body.slice(0, body.lastIndexOf('\n\n… (shortened'));
    expect(kept.endsWith(' |')).toBe(true);
    expect(lines.startsWith(kept.slice(MARKER.length + 1))).toBe(true);
    expect(body).toMatch(/\n\n… \(shortened to keep this comment within GitHub's limit of 5,000 characters; the whole is in the job summary\)$/);
  });

  it('cuts a summary without a request quote the same way', () => {
    const summary = 'line of results\n'.repeat(1000);
    const body = commentBody(MARKER, summary, 2000);
    expect(body.length).toBeLessThanOrEqual(2000);
    expect(body).toMatch(/^<!-- hedra-generate-action:w:j:a -->\n(line of results\n)+line of results\n\n… \(shortened/);
  });
});
