// The rule for text from outside (src/core/outside.ts), and the redaction that
// runs on everything the run writes (src/action/log.ts): linear and unthrowing
// on any input up to the 8 MiB answer cap.
import { describe, expect, it } from 'vitest';
import { createLog, encodings, WITHHELD } from '../../src/action/log.ts';
import { capped, cell, hedraLink, name, OUTSIDE_MAX, printable, said, saidData } from '../../src/core/outside.ts';
import { withoutQueries } from '../../src/core/urls.ts';
import { secretParts } from '../../src/inputs/api-key.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';

const ESC = '\u001b';

describe('printable', () => {
  it('removes ANSI sequences (CSI, OSC links, two-character escapes, one-byte CSI) and keeps their text', () => {
    expect(printable(`${ESC}[31mred${ESC}[0m ${ESC}]8;;https://x${ESC}\\link${ESC}]8;;\u0007 ${ESC}c \u009b2Kgone`)).toBe('red link  gone');
    expect(printable(`a${ESC}[2K${ESC}[1Ab`)).toBe('ab');
    expect(printable(`${ESC}`)).toBe('');
  });
  it('removes NUL, other C0 and C1 controls, DEL and bidirectional overrides; keeps tabs and line breaks; a carriage return is a line break', () => {
    expect(printable('a\u0000b\u0007c\u007fd\u0085e\u202ef\u2066g')).toBe('abcdefg');
    expect(printable('a\tb\nc\r\nd\re')).toBe('a\tb\nc\nd\ne');
  });
  it('shows a lone surrogate (what invalid UTF-8 left) as U+FFFD, and keeps a pair', () => {
    expect(printable('a\ud800b\udc00c')).toBe('a\ufffdb\ufffdc');
    expect(printable('😀')).toBe('😀');
  });
  it('keeps the zero-width joiner the log puts between two colons', () => {
    expect(printable(':\u200d:')).toBe(':\u200d:');
  });
});

describe('said and capped', () => {
  it('folds whitespace to one line and caps at 500 characters, the ellipsis included', () => {
    expect(said('  a \n\t b  ')).toBe('a b');
    const long = said('word '.repeat(10_000));
    expect(long.length).toBeLessThanOrEqual(OUTSIDE_MAX);
    expect(long.length).toBeGreaterThan(OUTSIDE_MAX - 8);
    expect(long.endsWith(' word…')).toBe(true);
    expect(said('x'.repeat(OUTSIDE_MAX))).toBe('x'.repeat(OUTSIDE_MAX));
  });
  it('cuts after a whole word, dropping the word at the cut however long (a secret is never halved)', () => {
    expect(capped('ab cdefgh', 5)).toBe('ab …');
    expect(capped('abc defgh', 5)).toBe('abc …');
    expect(capped('abcd efgh', 5)).toBe('abcd…');
    expect(capped('hk_live_0123456789', 10)).toBe('…');
    expect(capped('a 😀😀😀', 5)).toBe('a …');
    expect(capped('xx😀', 5)).toBe('xx😀');
  });
  it('is quick on 8 MiB of whitespace', () => {
    const started = Date.now();
    expect(said(`a${' '.repeat(8 * 1024 * 1024)}b`)).toBe('a');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('cell', () => {
  it('writes what Markdown or HTML acts on as entities', () => {
    expect(cell('![t](https://x/p.png) <img src=y> | `c`')).toBe('&#33;&#91;t&#93;(https&#58;//x/p.png) &#60;img src=y&#62; &#124; &#96;c&#96;');
  });
  it('cuts URL queries before it breaks the URL (the log would not find the URL afterwards)', () => {
    expect(cell('see https://cdn.test/a.png?X-Amz-Signature=1')).toBe('see https&#58;//cdn.test/a.png?…');
  });
  it('breaks bare URLs and www. so that GitHub does not link them', () => {
    expect(cell('go to https://evil.example or HTTP://a or www.evil.example or mailto:x@y')).toBe(
      'go to https&#58;//evil.example or HTTP&#58;//a or www&#46;evil.example or mailto&#58;x@y',
    );
    expect(cell('a line\n# heading')).toBe('a line # heading');
  });
});

describe('name', () => {
  it('keeps a value with the shape of a name', () => {
    for (const ok of ['video', 'kling-v3', 'gpt-image-2', 'a', 'x.y_z', 'a'.repeat(64)]) expect(name(ok)).toBe(ok);
  });
  it('drops anything else', () => {
    for (const bad of ['', 'Video', '-x', 'a b', 'a'.repeat(65), '![x](y)', 'set api-key to your PAT', 'x\n', 42, null, undefined]) {
      expect(name(bad)).toBeUndefined();
    }
  });
});

describe('hedraLink', () => {
  it("keeps https links to Hedra's own site", () => {
    expect(hedraLink('https://www.hedra.com/develop/billing?add_funds=true')).toBe('https://www.hedra.com/develop/billing?add_funds=true');
    expect(hedraLink('https://hedra.com/x')).toBe('https://hedra.com/x');
    expect(hedraLink('https://a.b.hedra.com/')).toBe('https://a.b.hedra.com/');
  });
  it('drops other hosts, look-alikes, other schemes, credentials, ports and junk', () => {
    for (const bad of [
      'https://hedra.com.evil.example/',
      'https://evilhedra.com/',
      'http://www.hedra.com/',
      'https://user@www.hedra.com/',
      'https://www.hedra.com:8443/',
      'javascript:alert(1)',
      'https://www.hedra.com/a b',
      'not a url',
      `https://www.hedra.com/${'a'.repeat(3000)}`,
      42,
    ]) {
      expect(hedraLink(bad)).toBeUndefined();
    }
  });
});

describe('saidData', () => {
  it('caps every string and bounds arrays, objects and depth', () => {
    const data = saidData({
      message: 'x '.repeat(9999),
      list: Array.from({ length: 99 }, (_, i) => i),
      deep: { a: { b: { c: { d: 1 } } } },
      n: 3,
      t: true,
      z: null,
    });
    expect(data).toEqual({
      message: `${'x '.repeat(249)}x…`,
      list: Array.from({ length: 50 }, (_, i) => i),
      deep: { a: { b: { c: null } } },
      n: 3,
      t: true,
      z: null,
    });
  });
});

describe('withoutQueries', () => {
  it('cuts every URL query, as before', () => {
    expect(withoutQueries('see https://a.b/c?x=1&y=2 and http://q?z#frag?no')).toBe('see https://a.b/c?… and http://q?…#frag?no');
    expect(withoutQueries('https://x#a?b "https://y?c" ahttps://z?d')).toBe('https://x#a?b "https://y?…" ahttps://z?d');
  });
  it('is linear on https:// repeated over 8 MiB (the single expression was quadratic)', () => {
    const started = Date.now();
    withoutQueries('https://'.repeat(1 << 20));
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('secretParts', () => {
  it("is the whole key, and a v3 key's secret half; never the key id alone", () => {
    expect(secretParts('key_abc:s3cr3t')).toEqual(['key_abc:s3cr3t', 's3cr3t']);
    expect(secretParts('hk_live_plain')).toEqual(['hk_live_plain']);
    expect(secretParts(':x')).toEqual([':x']);
    expect(secretParts('id:')).toEqual(['id:']);
  });
});

describe('redaction on 8 MiB of hostile text', () => {
  const key = `key_0123456789abcdef:${'fedcba9876543210'.repeat(2)}`;
  const toolkit = recordingToolkit();
  const log = createLog(toolkit, {});
  for (const part of secretParts(key)) log.addSecret(part);
  const forms = [...new Set([...encodings(key), ...encodings(secretParts(key)[1])])];
  const MiB = 8 * 1024 * 1024;

  it('registers the secret half with the runner, in every form, and redacts it alone', () => {
    const secret = secretParts(key)[1];
    for (const form of encodings(secret)) expect(toolkit.recorded.secrets).toContain(form);
    expect(log.redact(`secret ${secret} does not match key id key_0123456789abcdef (${Buffer.from(secret).toString('base64')})`)).toBe(
      'secret *** does not match key id key_0123456789abcdef (***)',
    );
  });

  it('neither throws nor takes long with whitespace after the first character of each form', () => {
    // Each form's first character, then whitespace to fill 8 MiB between them: the case that overflowed the stack.
    const gap = Math.floor(MiB / forms.length);
    const text = forms.map((f) => `${f[0]}${' '.repeat(gap - 1)}`).join('');
    const started = Date.now();
    expect(log.redact(text)).toHaveLength(text.length);
    expect(log.redact(`${key[0]}${'\n'.repeat(MiB)}`)).toHaveLength(MiB + 1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('still finds a key split by up to 32 whitespace characters, and keeps the text around it', () => {
    const split = `${key.slice(0, 10)}${' '.repeat(32)}${key.slice(10)}`;
    expect(log.redact(`before ${split} after`)).toBe('before *** after');
  });

  it('withholds a text it cannot check rather than throw', () => {
    const throwing = {
      replace: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    expect(log.redact(throwing as unknown as string)).toBe(WITHHELD);
    expect(log.hideSecrets(throwing as unknown as string)).toBe(WITHHELD);
  });
});
