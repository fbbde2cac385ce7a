// The pure parsers of input values (src/inputs/parsers.ts), at their edges:
// UUIDs in any case and with hex letters, the YAML boolean spellings, integer
// and duration syntax, and the two list forms (media lists, generation ids).
import { describe, expect, it } from 'vitest';
import {
  FALSE_SPELLINGS,
  isUuid,
  isV3Id,
  parseBoolean,
  parseDuration,
  parseIdList,
  parseInteger,
  parseMediaList,
  parseMediaRef,
  TRUE_SPELLINGS,
} from '../../src/inputs/parsers.ts';

const HEX = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const HEX_UPPER = HEX.toUpperCase();
const MIXED = 'A1b2C3d4-E5f6-4A7b-8C9d-0E1f2A3b4C5d';
const DIGITS = '12345678-1234-4123-8123-123456789012';

function thrown(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('isUuid', () => {
  it.each([HEX, HEX_UPPER, MIXED, DIGITS, 'ffffffff-ffff-ffff-ffff-ffffffffffff'])('takes %s', (value) => {
    expect(isUuid(value)).toBe(true);
  });
  it.each([
    ['a letter beyond f', 'g1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'],
    ['text before it', `x${HEX}`],
    ['text after it', `${HEX}x`],
    ['a space before it', ` ${HEX}`],
    ['a newline after it', `${HEX}\n`],
    ['no hyphens', HEX.replace(/-/g, '')],
    ['a short group', 'a1b2c3d-e5f6-4a7b-8c9d-0e1f2a3b4c5d'],
    ['braces', `{${HEX}}`],
    ['nothing', ''],
  ])('refuses one with %s', (_, value) => {
    expect(isUuid(value)).toBe(false);
  });
});

describe('parseBoolean', () => {
  it('knows the YAML 1.2 core spellings and no others', () => {
    expect(TRUE_SPELLINGS).toEqual(['true', 'True', 'TRUE']);
    expect(FALSE_SPELLINGS).toEqual(['false', 'False', 'FALSE']);
  });
  it.each(['true', 'True', 'TRUE'])('reads %s as true', (raw) => {
    expect(parseBoolean('wait', raw)).toBe(true);
  });
  it.each(['false', 'False', 'FALSE'])('reads %s as false', (raw) => {
    expect(parseBoolean('wait', raw)).toBe(false);
  });
  it.each(['tRUE', 'fAlse', 'yes', 'no', 'on', '1', '0', '', ' true'])('refuses %j, naming the input and the value', (raw) => {
    const error = thrown(() => parseBoolean('download', raw));
    expect(error.name).toBe('InputError');
    expect(error.message).toBe(`Input "download" must be true or false, got "${raw}".`);
  });
});

describe('parseInteger', () => {
  it.each([
    ['0', 0],
    ['7', 7],
    ['42', 42],
    ['-12', -12],
    ['+12', 12],
    ['007', 7],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('reads %s as %d', (raw, value) => {
    expect(parseInteger('seed', raw)).toBe(value);
  });
  it.each(['1.5', '1e3', '12a', 'a12', ' 1', '', '-', '0x10'])('refuses %j as not a whole number', (raw) => {
    expect(thrown(() => parseInteger('seed', raw)).message).toBe(`Input "seed" must be a whole number, got "${raw}".`);
  });
  it('refuses a number past the safe integers', () => {
    const error = thrown(() => parseInteger('seed', '9007199254740993'));
    expect(error.name).toBe('InputError');
    expect(error.message).toBe('Input "seed" is too large: "9007199254740993".');
  });
  it('accepts the bounds themselves and refuses one past each', () => {
    const bounds = { min: 1, max: 8 };
    expect(parseInteger('batch-size', '1', bounds)).toBe(1);
    expect(parseInteger('batch-size', '8', bounds)).toBe(8);
    expect(thrown(() => parseInteger('batch-size', '0', bounds)).message).toBe('Input "batch-size" must be between 1 and 8, got 0.');
    expect(thrown(() => parseInteger('batch-size', '9', bounds)).message).toBe('Input "batch-size" must be between 1 and 8, got 9.');
  });
  it('checks only the bound it is given', () => {
    expect(parseInteger('n', '-5', { max: 3 })).toBe(-5);
    expect(() => parseInteger('n', '4', { max: 3 })).toThrow(/got 4/);
    expect(parseInteger('n', '500', { min: 3 })).toBe(500);
    expect(() => parseInteger('n', '2', { min: 3 })).toThrow(/got 2/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['1', 1],
    ['250', 250],
    ['1.25s', 1250],
    ['.25s', 250],
    ['0.125s', 125],
    ['10ms', 10],
    ['10 ms', 10],
    ['2m', 120_000],
    ['2M', 120_000],
    ['1.5h', 5_400_000],
    ['3H', 10_800_000],
  ])('%s is %d ms', (raw, ms) => {
    expect(parseDuration('duration', raw)).toBe(ms);
  });
  it('keeps fractions of a millisecond for the caller to judge', () => {
    expect(parseDuration('duration', '0.5')).toBe(0.5);
    expect(parseDuration('duration', '0.0005s')).toBe(0.5);
  });
  it.each(['0', '0s', '0.0m', '.0h'])('refuses %s as not longer than zero', (raw) => {
    expect(thrown(() => parseDuration('timeout', raw)).message).toBe(`Input "timeout" must be longer than zero, got "${raw}".`);
  });
  it.each(['1.', '1..5s', '5d', '5 s s', 's5', '-1s', '1,5s', ' 5s'])('refuses %j with the forms it takes', (raw) => {
    const error = thrown(() => parseDuration('timeout', raw));
    expect(error.name).toBe('InputError');
    expect(error.message).toBe(
      `Input "timeout" must be a duration: milliseconds as a number (5000) or a number with a unit ms, s, m or h (500ms, 5s, 1.5m), got "${raw}".`,
    );
  });
});

describe('parseMediaRef', () => {
  it('takes an asset id with hex letters in any case, as lower case', () => {
    expect(parseMediaRef('image', HEX_UPPER)).toEqual({ kind: 'asset', id: HEX });
    expect(parseMediaRef('image', MIXED)).toEqual({ kind: 'asset', id: HEX });
  });
  it('takes https URLs in any case of the scheme, normalised', () => {
    expect(parseMediaRef('image', 'HTTPS://CDN.example.com/A.png')).toEqual({ kind: 'url', url: 'https://cdn.example.com/A.png' });
  });
  it('refuses other schemes in any case', () => {
    expect(thrown(() => parseMediaRef('video', 'FTP://example.com/a.mp4')).message).toBe(
      'Input "video" accepts https:// URLs only, got "FTP://example.com/a.mp4".',
    );
    expect(() => parseMediaRef('video', 's3+x.y-z://bucket/a.mp4')).toThrow(/accepts https:\/\/ URLs only/);
  });
  it('names a malformed https URL', () => {
    expect(thrown(() => parseMediaRef('image', 'https://exa mple.com/a.png')).message).toBe('Input "image" is not a valid URL: "https://exa mple.com/a.png".');
  });
  it('takes a path that merely contains a URL as a path', () => {
    expect(parseMediaRef('image', 'media/https://a.png')).toEqual({ kind: 'file', written: 'media/https://a.png' });
    expect(parseMediaRef('image', '1x://a.png')).toEqual({ kind: 'file', written: '1x://a.png' });
    expect(parseMediaRef('image', `${HEX}.png`)).toEqual({ kind: 'file', written: `${HEX}.png` });
  });
});

describe('parseMediaList', () => {
  it('takes one reference per line, trimmed, skipping blank lines and comments', () => {
    const raw = [`  ${HEX_UPPER}  `, '', '   ', '# the logo', 'media/a, b.png', '\tmedia/c.png#1', 'https://cdn.example.com/x.png'].join('\n');
    expect(parseMediaList('reference-images', raw)).toEqual([
      { kind: 'asset', id: HEX },
      { kind: 'file', written: 'media/a, b.png' },
      { kind: 'file', written: 'media/c.png#1' },
      { kind: 'url', url: 'https://cdn.example.com/x.png' },
    ]);
  });
  it('splits Windows line ends too', () => {
    expect(parseMediaList('reference-images', `a.png\r\nb.png\r\n`)).toEqual([
      { kind: 'file', written: 'a.png' },
      { kind: 'file', written: 'b.png' },
    ]);
  });
  it('gives an empty list for only comments and blanks', () => {
    expect(parseMediaList('reference-images', '# none\n\n  # still none')).toEqual([]);
  });
  it('names the input when a line is wrong', () => {
    expect(thrown(() => parseMediaList('reference-images', 'a.png\nftp://x/b.png')).message).toBe(
      'Input "reference-images" accepts https:// URLs only, got "ftp://x/b.png".',
    );
  });
});

describe('parseIdList', () => {
  it('takes ids one per line or comma-separated, in lower case, in order', () => {
    expect(parseIdList('generation-id', `${HEX_UPPER}\n${DIGITS}`)).toEqual([HEX, DIGITS]);
    expect(parseIdList('generation-id', `${DIGITS},${MIXED}`)).toEqual([DIGITS, HEX]);
    expect(parseIdList('generation-id', ` ${DIGITS} ,\n\n ${HEX} ,`)).toEqual([DIGITS, HEX]);
  });
  it('takes a single id', () => {
    expect(parseIdList('generation-id', HEX_UPPER)).toEqual([HEX]);
  });
  it('names the first entry that is not a UUID', () => {
    const error = thrown(() => parseIdList('generation-id', `${HEX}, not-an-id, also-not`));
    expect(error.name).toBe('InputError');
    expect(error.message).toBe('Input "generation-id" must be generation ids (UUIDs), one per line; "not-an-id" is not one.');
  });
  it('refuses ids glued together without a separator', () => {
    expect(() => parseIdList('generation-id', `${HEX}${DIGITS}`)).toThrow(/is not one/);
  });
});

describe('v3 ids are opaque (isV3Id, and the parsers that use it)', () => {
  const ULID = 'job_01JH3KX9ZQ8W2V_a-B';
  it('takes the prefix, then letters, digits, _ and -, up to 128 characters in all; no UUID assumed', () => {
    for (const id of [`job_${HEX}`, ULID, 'job_x', `job_${'a'.repeat(124)}`]) expect(isV3Id('job', id)).toBe(true);
    expect(isV3Id('asset', 'asset_AbC_9-z')).toBe(true);
    expect(isV3Id('voice', 'voice_Rachel_v2')).toBe(true);
  });
  it('refuses what could name another file or path, a line break, a wrong prefix, an empty or over-long tail', () => {
    const bad = ['job_', 'job_../x', 'job_a/b', 'job_a.b', 'job_a b', 'job_a\nb', 'job_a%2F', 'Job_a', `asset_${HEX}`, `job_${'a'.repeat(125)}`];
    for (const id of bad) expect(isV3Id('job', id)).toBe(false);
    expect(isV3Id('voice', `job_${HEX}`)).toBe(false);
  });
  it('keeps v3 ids as written (case included); v2 UUIDs are still lower-cased', () => {
    expect(parseIdList('generation-id', `${ULID}, job_${HEX_UPPER}`, 'v3')).toEqual([ULID, `job_${HEX_UPPER}`]);
    expect(parseIdList('generation-id', HEX_UPPER, 'v2')).toEqual([HEX]);
    expect(parseMediaRef('image', 'asset_AbC_9-z')).toEqual({ kind: 'asset', id: 'asset_AbC_9-z' });
    expect(parseMediaRef('image', `asset_${HEX_UPPER}`)).toEqual({ kind: 'asset', id: `asset_${HEX_UPPER}` });
    // Not an id's charset: a path.
    expect(parseMediaRef('image', 'asset_photo.png')).toEqual({ kind: 'file', written: 'asset_photo.png' });
  });
  it('names the rule when a v3 job id breaks it, and keeps v2 ids UUIDs on v2', () => {
    expect(thrown(() => parseIdList('generation-id', 'job_a/b', 'v3')).message).toBe(
      'Input "generation-id" must be v3 job ids, one per line; "job_a/b" is not one. A v3 id is its prefix (job_, asset_, voice_) then letters, digits, "_" or "-", at most 128 characters, as Hedra issued it.',
    );
    expect(thrown(() => parseIdList('generation-id', ULID, 'v2')).message).toBe(
      `Input "generation-id": "${ULID}" is a v3 job id; set "api: v3" to pick it up.`,
    );
    expect(thrown(() => parseIdList('generation-id', 'gen_1', 'v2')).message).toMatch(/must be generation ids \(UUIDs\)/);
  });
});
