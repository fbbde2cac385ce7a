// The less common forms of a secret that src/action/log.ts must redact (and the
// ordinary text it must leave alone): characters that are regular-expression
// syntax, JSON short escapes, control characters, characters beyond ASCII and
// beyond the BMP, the eight-character boundary, secrets too short to look for,
// and what addSecret, output and info do at their edges. log.test.ts has the
// common forms.
import { describe, expect, it } from 'vitest';
import { createLog, encodings } from '../../src/action/log.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';

/** A log that knows `secrets`, and the toolkit it writes to. */
function logWith(...secrets: string[]) {
  const toolkit = recordingToolkit();
  const log = createLog(toolkit, {});
  for (const secret of secrets) log.addSecret(secret);
  return { log, recorded: toolkit.recorded };
}

describe('encodings of unusual secrets', () => {
  it('write a control character as %09 and \\u0009, a multi-byte character as its UTF-8 bytes', () => {
    expect(encodings('k\t/é')).toEqual([
      'k\t/é',
      'k%09%2F%C3%A9',
      'awkvw6k=',
      'awkvw6k',
      '6b092fc3a9',
      '6B092FC3A9',
      'k\\t/é',
      '%6B%09%2F%C3%A9',
      '%6b%09%2f%c3%a9',
      '\\u006b\\u0009\\u002f\\u00e9',
    ]);
  });
  it('write a character beyond the BMP as its two UTF-16 units, \\ud83d\\ude00', () => {
    expect(encodings('k😀ey')).toEqual([
      'k😀ey',
      'k%F0%9F%98%80ey',
      'a/CfmIBleQ==',
      'a/CfmIBleQ',
      'a_CfmIBleQ',
      '6bf09f98806579',
      '6BF09F98806579',
      '%6B%F0%9F%98%80%65%79',
      '%6b%f0%9f%98%80%65%79',
      '\\u006b\\ud83d\\ude00\\u0065\\u0079',
    ]);
  });
  it('include the base64 cores from exactly eight characters on', () => {
    expect(encodings('01234567')).toEqual([
      '01234567',
      'MDEyMzQ1Njc=',
      'MDEyMzQ1Njc',
      '3031323334353637',
      '%30%31%32%33%34%35%36%37',
      '\\u0030\\u0031\\u0032\\u0033\\u0034\\u0035\\u0036\\u0037',
      // Offset 0 (the same in base64url), 1 and 2.
      'MDEyMzQ1Nj',
      'AxMjM0NTY3',
      'wMTIzNDU2N',
    ]);
    expect(encodings('0123456')).toHaveLength(6);
  });
});

describe('redact, secrets with characters of regular-expression syntax', () => {
  const KEY = 'hk.live+key/01';
  it('finds them as the literal characters', () => {
    expect(logWith(KEY).log.redact(`key ${KEY} end`)).toBe('key *** end');
  });
  it('leaves text where another character, or none, stands in their place', () => {
    const near = 'hkXlive+key/01 hk.liveekey/01 hklivekey01 hk.live+key01';
    expect(logWith(KEY).log.redact(near)).toBe(near);
  });
  it('finds a slash escaped as \\/ (PHP json_encode) inside a long key', () => {
    const key = 'hk_7Qm2/xZ9pL4+vR8=';
    expect(logWith(key).log.redact('{"key":"hk_7Qm2\\/xZ9pL4+vR8="}')).toBe('{"key":"***"}');
  });
});

describe('redact, JSON short escapes', () => {
  // Short keys: no gaps between characters, so whitespace characters are looked for as characters too.
  it.each([
    ['"', '\\"'],
    ['\\', '\\\\'],
    ['/', '\\/'],
    ['\b', '\\b'],
    ['\f', '\\f'],
    ['\n', '\\n'],
    ['\r', '\\r'],
    ['\t', '\\t'],
  ])('finds %j escaped as %s', (char, escaped) => {
    const { log } = logWith(`k${char}ey`);
    expect(log.redact(`{"key":"k${escaped}ey"}`)).toBe('{"key":"***"}');
  });
  it.each([
    ['\b', 'k%08ey'],
    ['\t', 'k%09ey'],
    ['\n', 'k%0aey'],
    ['\f', 'k%0Cey'],
  ])('finds %j as a two-digit %xx', (char, encoded) => {
    expect(logWith(`k${char}ey`).log.redact(`k=${encoded}&x`)).toBe('k=***&x');
  });
});

describe('redact, characters beyond ASCII', () => {
  it('finds a multi-byte character as its %xx UTF-8 bytes, in either case', () => {
    const { log } = logWith('clé_7Qm2xZ9pL4');
    expect(log.redact('a cl%C3%A9_7Qm2xZ9pL4 b cl%c3%a9_7Qm2xZ9pL4 c')).toBe('a *** b *** c');
  });
  it('finds a character beyond the BMP as its two \\u escapes (Python json.dumps)', () => {
    const { log } = logWith('hk_😀_7Qm2xZ9p');
    expect(log.redact('{"key": "hk_\\ud83d\\ude00_7Qm2xZ9p"}')).toBe('{"key": "***"}');
    expect(log.redact('{"key": "hk_\\uD83D\\uDE00_7Qm2xZ9p"}')).toBe('{"key": "***"}');
  });
});

describe('redact, base64 padding', () => {
  it('finds a short key in base64 with its padding, without it, and in base64url', () => {
    // 'k?>"' is az8+Ig== in base64: two padding characters, and a + that base64url writes as -.
    expect(logWith('k?>"').log.redact('a az8+Ig== b az8+Ig c az8-Ig d')).toBe('a *** b *** c *** d');
  });
});

describe('redact, the eight-character boundary', () => {
  const KEY = 'hk_7Qm2x';
  it('finds a key of exactly eight characters split by a line break', () => {
    expect(logWith(KEY).log.redact('key hk_7Q\nm2x end')).toBe('key *** end');
  });
  it('finds a key of exactly eight characters inside a longer base64 text (HTTP Basic)', () => {
    const basic = Buffer.from(`user:${KEY}`).toString('base64');
    expect(basic).toBe('dXNlcjpoa183UW0yeA==');
    expect(logWith(KEY).log.redact(`Authorization: Basic ${basic}`)).toBe('Authorization: Basic dXNlcjp***A==');
  });
  it('does not look for a key of seven characters split by a line break', () => {
    expect(logWith('hk_7Qm2').log.redact('key hk_7Q\nm2 end')).toBe('key hk_7Q\nm2 end');
  });
});

describe('redact, whitespace inside a long secret', () => {
  it('finds a key registered with a line break in it (pasted wrapped) also without the line break', () => {
    const { log } = logWith('hk_7Qm2x\nZ9pL4vR8sT1');
    expect(log.redact('a hk_7Qm2xZ9pL4vR8sT1 b hk_7Qm2x\nZ9pL4vR8sT1 c')).toBe('a *** b *** c');
  });
});

describe('redact, secrets too short to look for', () => {
  it('leaves a form shorter than four characters, and replaces the longer ones', () => {
    expect(logWith('abc').log.redact('abc YWJj 616263')).toBe('abc *** ***');
  });
  it('leaves a one-character secret in ordinary words', () => {
    expect(logWith('x').log.redact('x-ray eA== max')).toBe('x-ray *** max');
  });
  it('registers nothing for an empty secret and leaves the text as it is', () => {
    const { log, recorded } = logWith('');
    expect(recorded.secrets).toEqual([]);
    expect(log.redact('any text')).toBe('any text');
    expect(log.hideSecrets('any text')).toBe('any text');
  });
});

describe('addSecret, the same secret twice', () => {
  it('registers its forms with the runner once', () => {
    const { log, recorded } = logWith('s3cr3t-key', 's3cr3t-key');
    expect(recorded.secrets).toEqual(encodings('s3cr3t-key'));
    expect(log.redact('s3cr3t-key')).toBe('***');
  });
});

describe('output', () => {
  it('sets the output with the secrets hidden and the URL query kept', () => {
    const { log, recorded } = logWith('s3cr3t-key');
    log.output('video-url', 'https://x.test/a.mp4?sig=abc&key=s3cr3t-key');
    expect(recorded.outputs).toEqual({ 'video-url': 'https://x.test/a.mp4?sig=abc&key=***' });
  });
});

describe('info, workflow commands', () => {
  it('puts a zero-width joiner between the colons of a line that starts with ::, indented or not', () => {
    const { log, recorded } = logWith();
    log.info('::error::injected');
    log.info('  ::warning title=x::injected');
    log.info('status done\n::set-output name=a::b');
    expect(recorded.lines).toEqual([
      'info: :\u200d:error::injected',
      'info:   :\u200d:warning title=x::injected',
      'info: status done\n:\u200d:set-output name=a::b',
    ]);
  });
  it('leaves colons elsewhere as they are', () => {
    const { log, recorded } = logWith();
    log.info('std::vector a::b');
    log.info(': a single colon\n  :x');
    expect(recorded.lines).toEqual(['info: std::vector a::b', 'info: : a single colon\n  :x']);
  });
});

describe('a key split by an escaped break', () => {
  it.each([
    ['an HTML entity', 'abcd&#10;efgh-key-123'],
    ['a hex HTML entity', 'abcd&#x0A;efgh-key-123'],
    ['a JSON \\u escape', 'abcd\\u000aefgh-key-123'],
    ['a JSON \\f', 'abcd\\fefgh-key-123'],
    ['%0C', 'abcd%0Cefgh-key-123'],
    ['an encoded space', 'abcd&#32;efgh-key-123'],
    ['a no-break space', 'abcd%C2%A0efgh-key-123'],
  ])('by %s is found', (_, echoed) => {
    const { log } = logWith('abcdefgh-key-123');
    expect(log.redact(`said: ${echoed}.`)).toBe('said: ***.');
  });
  it('ordinary text with the same words is left alone', () => {
    const { log } = logWith('abcdefgh-key-123');
    expect(log.redact('abcd efgh key 123')).toBe('abcd efgh key 123');
  });
});

describe('the shortcut for text that cannot hold a secret', () => {
  // Without %, \ or & a text can hold a secret only as its characters themselves, with whitespace between: the log
  // lets such a text through without the expression only when none of the forms is in it, whitespace aside. These
  // texts are right at that edge: each holds a form, split by whitespace, with no escape anywhere.
  const secret = 'sk_live_0123456789abcdef';
  const hex = Buffer.from(secret).toString('hex');
  const base64 = Buffer.from(secret).toString('base64').replace(/=+$/, '');
  const spaced = (form: string, gap: string) => [...form].join(gap);
  it.each([
    ['as is', `key=${secret} end`],
    ['split by spaces', `key ${spaced(secret, ' ')} end`],
    ['split by line breaks and indentation', `key\n${spaced(secret, '\n  ')}\nend`],
    ['as hex, split by tabs', `hex ${spaced(hex, '\t')}.`],
    ['as base64 inside a longer one', `Basic dXNlcjo${base64}Cg`],
  ])('still finds it %s', (_, text) => {
    const { log } = logWith(secret);
    const out = log.redact(text);
    expect(out).toContain('***');
    expect(out.replace(/\s+/g, '')).not.toContain(secret);
    expect(out.replace(/\s+/g, '')).not.toContain(hex);
  });
  it('leaves a text without a form as it is, escapes or not', () => {
    const { log } = logWith(secret);
    for (const text of ['Created image generation 0e16 (asset 77c5).', 'a % b & c \\ d', 'sk_live_0123456789abcde and more']) {
      expect(log.redact(text)).toBe(text);
    }
  });
});
