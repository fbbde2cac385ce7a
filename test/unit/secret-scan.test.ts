// The sentinel check must itself catch every form it claims to: otherwise a passing e2e suite proves nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLog } from '../../src/action/log.ts';
import { findSecret, visibleStdout } from '../e2e/secret-scan.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';
import { tempDir } from '../setup/temp.ts';

const KEY = 'sk_live_4f9a1c2e7b3d8e6f0a5b9c1d2e3f4a5b';

describe('findSecret', () => {
  const encodings: [string, string][] = [
    ['raw', `key=${KEY}`],
    ['url-encoded', encodeURIComponent(`x ${KEY}`)],
    ['base64 in a header', Buffer.from(`X-API-Key: ${KEY}`).toString('base64')],
    ['base64 at offset 1', Buffer.from(`a${KEY}`).toString('base64')],
    ['base64 at offset 2', Buffer.from(`ab${KEY}`).toString('base64url')],
    ['hex', Buffer.from(KEY).toString('hex')],
    ['HEX', Buffer.from(KEY).toString('hex').toUpperCase()],
    ['JSON-escaped', JSON.stringify({ k: KEY })],
  ];
  it.each(encodings)('finds the key %s in output', (_, text) => {
    expect(findSecret(KEY, { stdout: text }, [])).not.toEqual([]);
  });
  it('finds it in files under a directory', () => {
    const dir = tempDir('scan-');
    writeFileSync(join(dir, 'manifest.json'), Buffer.from(KEY).toString('base64'));
    expect(findSecret(KEY, {}, [dir])[0]).toContain('manifest.json');
  });
  it('finds nothing in clean text, and ignores the runner-consumed add-mask lines', () => {
    expect(findSecret(KEY, { stdout: visibleStdout(`::add-mask::${KEY}\nCreated video generation 1234`) }, [])).toEqual([]);
  });
});

describe('redact', () => {
  it('replaces the key in every encoding the logger knows, and URL queries', () => {
    const { addSecret, redact } = createLog(recordingToolkit(), {});
    addSecret(KEY);
    const text = [
      KEY,
      encodeURIComponent(KEY),
      Buffer.from(KEY).toString('base64'),
      Buffer.from(KEY).toString('hex'),
      'https://cdn.test/a.mp4?X-Amz-Signature=abc&x=1',
    ].join(' ');
    const out = redact(text);
    expect(findSecret(KEY, { out }, [])).toEqual([]);
    expect(out).toContain('https://cdn.test/a.mp4?…');
    expect(out).not.toContain('X-Amz-Signature');
  });
});
