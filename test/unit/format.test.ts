// Sizes and durations as the log and the job summary show them (src/report/format.ts).
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from '../../src/core/format.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024 - 1, '1024.0 KiB'],
    [1024 ** 2, '1.0 MiB'],
    [5.25 * 1024 ** 2, '5.3 MiB'],
    [1024 ** 3, '1.0 GiB'],
    [1024 ** 4, '1.0 TiB'],
    [1024 ** 5, '1024.0 TiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [499, '0s'],
    [500, '1s'],
    [59_000, '59s'],
    [59_499, '59s'],
    [59_500, '1m 00s'],
    [60_000, '1m 00s'],
    [61_000, '1m 01s'],
    [83_000, '1m 23s'],
    [3_599_000, '59m 59s'],
    [3_600_000, '1h 00m'],
    [3_660_000, '1h 01m'],
    [3_719_000, '1h 01m'],
    [21_600_000, '6h 00m'],
    [90_061_000, '25h 01m'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
