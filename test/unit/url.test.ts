// Presigned URLs lose their query (src/http/url.ts) wherever they leave the process.
import { describe, expect, it } from 'vitest';
import { withoutQueries, withoutQuery } from '../../src/core/urls.ts';

describe('withoutQuery', () => {
  it('keeps the origin and path, and drops the query and the fragment', () => {
    expect(withoutQuery('https://cdn.test:8443/a/b.mp4?X-Amz-Signature=abc&x=1#t=5')).toBe('https://cdn.test:8443/a/b.mp4');
    expect(withoutQuery('https://cdn.test')).toBe('https://cdn.test/');
  });
  it('refuses what is not a URL', () => {
    expect(() => withoutQuery('not a url')).toThrow();
  });
});

describe('withoutQueries', () => {
  it('replaces the whole query of every URL in a text', () => {
    const text = 'Downloading https://cdn.test/a.mp4?sig=abc&exp=1 and http://127.0.0.1:9/b.png?token=xyz now.';
    expect(withoutQueries(text)).toBe('Downloading https://cdn.test/a.mp4?… and http://127.0.0.1:9/b.png?… now.');
  });
  it('stops at quotes, brackets and the fragment', () => {
    expect(withoutQueries('{"url":"https://cdn.test/a.mp4?sig=abc"}')).toBe('{"url":"https://cdn.test/a.mp4?…"}');
    expect(withoutQueries("<a href='https://cdn.test/a?sig=1'>")).toBe("<a href='https://cdn.test/a?…'>");
    expect(withoutQueries('https://cdn.test/a?sig=1#frag')).toBe('https://cdn.test/a?…#frag');
  });
  it('takes the scheme in any case', () => {
    expect(withoutQueries('HTTPS://CDN.TEST/A?SIG=1')).toBe('HTTPS://CDN.TEST/A?…');
  });
  it('leaves URLs without a query, and question marks outside URLs, alone', () => {
    const text = 'Is https://cdn.test/a.mp4 done? Yes?';
    expect(withoutQueries(text)).toBe(text);
  });
  it('replaces an empty query too', () => {
    expect(withoutQueries('https://cdn.test/a? end')).toBe('https://cdn.test/a?… end');
  });
});
