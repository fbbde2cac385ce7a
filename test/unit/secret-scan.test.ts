// The sentinel check must itself catch every form it claims to: otherwise a passing e2e suite proves nothing.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLog } from '../../src/action/log.ts';
import { base64Cores, findSecret, secretForms, visibleStdout } from '../e2e/secret-scan.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';
import { tempDir } from '../setup/temp.ts';

const KEY = 'sk_live_4f9a1c2e7b3d8e6f0a5b9c1d2e3f4a5b';
const percent = (text: string, upper: boolean) =>
  [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`[upper ? 'toUpperCase' : 'toLowerCase']()).join('');
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** The key as a hostile or careless server could echo it, each framed in other text. */
const ECHOES: [string, string][] = [
  ['raw', `key=${KEY}`],
  ['url-encoded', encodeURIComponent(`x ${KEY}`)],
  ['%xx, every byte, upper case', `key=${percent(KEY, true)}&x=1`],
  ['%xx, every byte, lower case', `key=${percent(KEY, false)}&x=1`],
  ['base64 in a header', base64(`X-API-Key: ${KEY}`)],
  ['base64 at offset 1', base64(`a${KEY}`)],
  ['base64 at offset 2', Buffer.from(`ab${KEY}`).toString('base64url')],
  ['base64 of key: (HTTP Basic, empty password)', `Authorization: Basic ${base64(`${KEY}:`)}`],
  ['base64 of :key (HTTP Basic, empty user)', `Authorization: Basic ${base64(`:${KEY}`)}`],
  ['base64 of user:key (HTTP Basic)', `Authorization: Basic ${base64(`api:${KEY}`)}`],
  ['base64 wrapped over lines (MIME)', base64(`{"key":"${KEY}"}`).replace(/(.{12})/g, '$1\r\n')],
  ['hex', Buffer.from(KEY).toString('hex')],
  ['HEX', Buffer.from(KEY).toString('hex').toUpperCase()],
  ['JSON-escaped', JSON.stringify({ k: KEY })],
  ['JSON \\u escapes', [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')],
  ['split by a line break', `Invalid key ${KEY.slice(0, 11)}\n${KEY.slice(11)}`],
  ['split by \\r\\n and indented', `Invalid key ${KEY.slice(0, 7)}\r\n    ${KEY.slice(7)}`],
  ['split by spaces and tabs', `${KEY.slice(0, 3)} ${KEY.slice(3, 20)}\t${KEY.slice(20)}`],
  ['split by an escaped line break in JSON', JSON.stringify({ detail: `${KEY.slice(0, 9)}\n${KEY.slice(9)}` })],
  ['reversed', [...KEY].reverse().join('')],
];

describe('findSecret', () => {
  it.each(ECHOES)('finds the key %s in output', (_, text) => {
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
  it('finds nothing in another key of the same shape, nor in the key cut short', () => {
    const other = KEY.replace('4f9a', '4f9b');
    const text = [other, base64(other), percent(other, true), KEY.slice(0, -4), Buffer.from(KEY.slice(4)).toString('hex').slice(0, 40)].join('\n');
    expect(findSecret(KEY, { stdout: text }, [])).toEqual([]);
  });
  it('finds a key that an annotation splits with an escaped line break, as the runner shows it', () => {
    const line = `::error title=Hedra generation failed::Invalid key ${KEY.slice(0, 11)}%0A${KEY.slice(11)}`;
    expect(findSecret(KEY, { stdout: visibleStdout(line) }, [])).not.toEqual([]);
    // %25 is a % the message carried: a %xx-encoded key in an annotation.
    const encoded = `::error::key ${percent(KEY, true).replace(/%/g, '%25')}`;
    expect(findSecret(KEY, { stdout: visibleStdout(encoded) }, [])).not.toEqual([]);
  });
});

describe('base64Cores', () => {
  it('are found in base64 of the key with any bytes before and after it, at each alignment', () => {
    const bytes = Buffer.from(KEY);
    const cores = base64Cores(bytes);
    expect(cores.every((core) => core.length >= (bytes.length * 4) / 3 - 3)).toBe(true);
    for (let trial = 0; trial < 30; trial++) {
      const before = randomBytes(trial % 7);
      const encoded = Buffer.concat([before, bytes, randomBytes(trial % 5)]).toString(trial % 2 ? 'base64' : 'base64url');
      expect(cores.some((core) => encoded.includes(core))).toBe(true);
    }
  });
  it('are among the forms the scan looks for, with HTTP Basic framings', () => {
    const forms = secretForms(KEY);
    for (const core of base64Cores(Buffer.from(`${KEY}:`))) expect(forms).toContain(core);
    expect(forms).toContain(percent(KEY, false));
    expect(forms).toContain(percent(KEY, true));
  });
});

describe('redact', () => {
  it('replaces the key in every form the scan looks for, and URL queries', () => {
    const { addSecret, redact } = createLog(recordingToolkit(), {});
    addSecret(KEY);
    const echoes = ECHOES.filter(([name]) => name !== 'reversed').map(([, text]) => text);
    const out = redact([...echoes, 'https://cdn.test/a.mp4?X-Amz-Signature=abc&x=1'].join(' | '));
    expect(findSecret(KEY, { out }, [])).toEqual([]);
    expect(out).toContain('https://cdn.test/a.mp4?…');
    expect(out).not.toContain('X-Amz-Signature');
    for (const echo of echoes) expect(findSecret(KEY, { echo: redact(echo) }, [])).toEqual([]);
  });
});
