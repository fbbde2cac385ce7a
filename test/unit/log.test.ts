// Everything the run says goes through the log (src/action/log.ts): secrets in
// every encoding and URL queries are redacted on the way out.
import { describe, expect, it } from 'vitest';
import { base64Cores, createLog, encodings } from '../../src/action/log.ts';
import type { Toolkit } from '../../src/action/toolkit.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';

/** A toolkit that keeps every call with its arguments as given. */
function callsToolkit() {
  const calls: unknown[][] = [];
  const summary = {
    addRaw: (...args: unknown[]) => {
      calls.push(['summary.addRaw', ...args]);
      return summary;
    },
    write: async () => {
      calls.push(['summary.write']);
      return summary;
    },
  };
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, ...args]);
  const toolkit = {
    getInput: () => '',
    setOutput: record('setOutput'),
    setSecret: record('setSecret'),
    info: record('info'),
    debug: record('debug'),
    warning: record('warning'),
    error: record('error'),
    startGroup: record('startGroup'),
    endGroup: record('endGroup'),
    summary,
  } as unknown as Toolkit;
  return { toolkit, calls };
}

describe('encodings', () => {
  it('are the value as is, URL-, base64- (padded, unpadded, URL-safe), hex- (both cases), JSON-, %xx- (both cases) and \\u-encoded', () => {
    expect(encodings('k?>"')).toEqual([
      'k?>"',
      'k%3F%3E%22',
      'az8+Ig==',
      'az8+Ig',
      'az8-Ig',
      '6b3f3e22',
      '6B3F3E22',
      'k?>\\"',
      '%6B%3F%3E%22',
      '%6b%3f%3e%22',
      '\\u006b\\u003f\\u003e\\u0022',
    ]);
  });
  it('add, for a secret of eight characters or more, its base64 at the other two byte alignments', () => {
    const forms = encodings('0123456789');
    expect(forms).toContain(Buffer.from('0123456789').toString('base64'));
    // The key after 1 or 2 bytes (`x`, `user:`) starts inside a group of three: its encoding is another string.
    for (const before of ['x', 'xy', 'user:']) {
      const encoded = Buffer.from(`${before}0123456789`).toString('base64');
      expect(forms.some((form) => form.length >= 12 && encoded.includes(form))).toBe(true);
    }
    expect(forms.length).toBeLessThanOrEqual(17);
  });
});

describe('base64Cores', () => {
  it('are the characters that depend on the secret alone, at each alignment, in base64 and base64url', () => {
    const secret = Buffer.from([0xfb, 0xff, 0xbf, 0x01, 0x02, 0x03]);
    const cores = base64Cores(secret);
    expect(cores).toEqual(['+/+/AQID', '-_-_AQID', 'v/vwECA', 'v_vwECA', '7/78BAg', '7_78BAg']);
    for (const [i, offset] of [0, 0, 1, 1, 2, 2].entries()) {
      for (const fill of [0x00, 0xff, 0x5a]) {
        const text = Buffer.concat([Buffer.alloc(offset, fill), secret, Buffer.alloc(2, fill)]).toString(i % 2 ? 'base64url' : 'base64');
        expect(text).toContain(cores[i]);
      }
    }
  });
});

describe('redact', () => {
  const KEY = 'hk_7Qm2xZ9pL4vR8sT1';
  const redactor = () => {
    const log = createLog(recordingToolkit(), {});
    log.addSecret(KEY);
    return log.redact;
  };
  const bytes = Buffer.from(KEY);
  const percent = (upper: boolean) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`[upper ? 'toUpperCase' : 'toLowerCase']()).join('');
  it.each([
    ['as is', KEY],
    ['URL-encoded', encodeURIComponent(KEY)],
    ['%xx, every byte, upper case', percent(true)],
    ['%xx, every byte, lower case', percent(false)],
    ['partly %xx-encoded, mixed case', `hk%5F7Qm2%78Z9pL4vR8sT%31`],
    [
      'JSON \\u escapes, either case',
      [...KEY].map((c, i) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`[i % 2 ? 'toUpperCase' : 'toLowerCase']().replace('\\U', '\\u')).join(''),
    ],
    ['HTML numeric entities', [...KEY].map((c, i) => (i % 2 ? `&#${c.charCodeAt(0)};` : `&#x${c.charCodeAt(0).toString(16)};`)).join('')],
    ['base64', bytes.toString('base64')],
    ['base64 of key: (HTTP Basic)', Buffer.from(`${KEY}:`).toString('base64')],
    ['base64 of :key', Buffer.from(`:${KEY}`).toString('base64')],
    ['base64 of user:key', Buffer.from(`user:${KEY}`).toString('base64')],
    ['base64url at offset 1', Buffer.from(`\xff${KEY}\xff`, 'latin1').toString('base64url')],
    [
      'base64 wrapped over lines',
      Buffer.from(`ab${KEY}`)
        .toString('base64')
        .replace(/(.{8})/g, '$1\n'),
    ],
    ['hex', bytes.toString('hex')],
    ['HEX, spaced as in a hex dump', bytes.toString('hex').toUpperCase().replace(/(..)/g, '$1 ')],
    ['split by a line break', `${KEY.slice(0, 5)}\n${KEY.slice(5)}`],
    ['split by \\r\\n and indentation', `${KEY.slice(0, 5)}\r\n    ${KEY.slice(5)}`],
    ['split by whitespace in several places', [...KEY].join(' ')],
    ['split by an escaped line break in JSON', JSON.stringify(`${KEY.slice(0, 12)}\n${KEY.slice(12)}`)],
    ['split by a %0A', `${KEY.slice(0, 12)}%0A${KEY.slice(12)}`],
  ])('replaces the key %s, leaving at most a few characters of an encoding around it', (_, form) => {
    const out = redactor()(`before ${form} after`);
    expect(out).toMatch(/^before \S{0,10}\*\*\*\S{0,4}\s+after$/);
    expect(out).not.toContain(form);
  });
  it('looks for a short secret only as it is or encoded whole: without gaps or partial base64', () => {
    const log = createLog(recordingToolkit(), {});
    log.addSecret('abcd');
    expect(log.redact('abcd %61%62%63%64 a b c d YWJjZA')).toBe('*** *** a b c d ***');
  });
  it('leaves text that only resembles the key', () => {
    const near = [KEY.slice(0, -1), `${KEY.slice(0, 5)}-${KEY.slice(5)}`, KEY.replace('Q', 'q'), KEY.slice(1)].join(' ');
    expect(redactor()(near)).toBe(near);
  });
  it('is fast: a megabyte of log, near misses included, in well under a second', () => {
    const redact = redactor();
    const line = `status processing ${KEY.slice(0, 10)} ${[...KEY.slice(0, 12)].join(' ')} %68%6B &#104; \\u0068 aGtfN1Ft\n`;
    const text = line.repeat(Math.ceil(1_000_000 / line.length));
    const started = performance.now();
    expect(redact(`${text}${KEY}`)).toBe(`${text}***`);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('addSecret', () => {
  it('registers each distinct form of at least four characters with the runner', () => {
    const { toolkit, calls } = callsToolkit();
    createLog(toolkit, {}).addSecret('abc');
    expect(calls).toEqual([
      ['setSecret', 'YWJj'],
      ['setSecret', '616263'],
      ['setSecret', '%61%62%63'],
      ['setSecret', '\\u0061\\u0062\\u0063'],
    ]);
  });
  it('replaces every registered form, the longest first', () => {
    const log = createLog(recordingToolkit(), {});
    log.addSecret('abcd');
    log.addSecret('abcdefgh');
    expect(log.redact('abcdefgh abcd YWJjZA abc')).toBe('*** *** *** abc');
  });
  it('gives each log the matcher of its own secrets, however many logs share a key (a manifest: one log per item)', () => {
    const both = createLog(recordingToolkit(), {});
    both.addSecret('first-key-1234');
    both.addSecret('second-key-5678');
    const items = [0, 1].map(() => createLog(recordingToolkit(), {}));
    for (const log of items) log.addSecret('first-key-1234');
    const line = 'first-key-1234 second-key-5678';
    expect(both.redact(line)).toBe('*** ***');
    for (const log of items) expect(log.redact(line)).toBe('*** second-key-5678');
    expect(items[0].redact(line)).toBe(items[1].redact(line));
  });
});

describe('what goes out', () => {
  it('is redacted, on every channel', () => {
    const { toolkit, calls } = callsToolkit();
    const log = createLog(toolkit, {});
    log.addSecret('s3cr3t-key');
    calls.length = 0;
    log.info('info s3cr3t-key');
    log.debug('debug https://x.test/a?sig=1');
    log.warning('warning s3cr3t-key');
    log.warning('titled', 'Title s3cr3t-key');
    log.fail('failed s3cr3t-key', 'Failure');
    log.fail('failed without a title');
    expect(calls).toEqual([
      ['info', 'info ***'],
      ['debug', 'debug https://x.test/a?…'],
      ['warning', 'warning ***', {}],
      ['warning', 'titled', { title: 'Title s3cr3t-key' }],
      ['error', 'failed ***', { title: 'Failure' }],
      ['error', 'failed without a title', {}],
    ]);
  });
  it('fails the step from the first failure on', () => {
    const log = createLog(recordingToolkit(), {});
    expect(log.failed()).toBe(false);
    log.warning('only a warning');
    expect(log.failed()).toBe(false);
    log.fail('now');
    expect(log.failed()).toBe(true);
  });
});

describe('group', () => {
  it('opens a redacted group around the work and returns its result', async () => {
    const { toolkit, calls } = callsToolkit();
    const log = createLog(toolkit, {});
    log.addSecret('s3cr3t-key');
    calls.length = 0;
    expect(await log.group('Uploading s3cr3t-key', async () => 42)).toBe(42);
    expect(calls).toEqual([['startGroup', 'Uploading ***'], ['endGroup']]);
  });
  it('closes the group when the work fails', async () => {
    const { toolkit, calls } = callsToolkit();
    const failure = new Error('boom');
    await expect(
      createLog(toolkit, {}).group('Work', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(calls).toEqual([['startGroup', 'Work'], ['endGroup']]);
  });
});

describe('summary', () => {
  it('writes the redacted Markdown to the job summary on a runner', async () => {
    const { toolkit, calls } = callsToolkit();
    const log = createLog(toolkit, { GITHUB_STEP_SUMMARY: '/rt/summary.md' });
    log.addSecret('s3cr3t-key');
    calls.length = 0;
    expect(await log.summary('key s3cr3t-key at https://x.test/a.mp4?sig=1')).toBe('key *** at https://x.test/a.mp4?…');
    expect(calls).toEqual([['summary.addRaw', 'key *** at https://x.test/a.mp4?…', true], ['summary.write']]);
  });
  it('writes nothing outside a runner, and still returns what it would have written', async () => {
    const { toolkit, calls } = callsToolkit();
    expect(await createLog(toolkit, {}).summary('text')).toBe('text');
    expect(calls).toEqual([]);
  });
});
