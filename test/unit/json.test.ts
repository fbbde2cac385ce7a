// The one test for a JSON object (src/json.ts).
import { describe, expect, it } from 'vitest';
import { isObject } from '../../src/core/json.ts';

describe('isObject', () => {
  it.each([{}, { a: 1 }, Object.create(null)])('is true for a mapping: %j', (value) => {
    expect(isObject(value)).toBe(true);
  });
  it.each([null, undefined, [], [1], 'text', 1, true])('is false for %j', (value) => {
    expect(isObject(value)).toBe(false);
  });
});
