// The `request` input loads the YAML parser only for text that is not JSON
// (src/inputs/request-input.ts): a run with a JSON request never pays for it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRequestInput } from '../../src/inputs/request-input.ts';

const parseDocument = vi.hoisted(() => vi.fn());
vi.mock('yaml', async (importOriginal) => {
  const real = await importOriginal<typeof import('yaml')>();
  parseDocument.mockImplementation(real.parseDocument);
  return { ...real, parseDocument };
});

describe('parseRequestInput', () => {
  afterEach(() => {
    parseDocument.mockClear();
  });
  it('reads a JSON object without the YAML parser', async () => {
    expect(await parseRequestInput('{"seed": 7}')).toEqual({ seed: 7 });
    expect(parseDocument).not.toHaveBeenCalled();
  });
  it('uses the YAML parser for YAML, and for text that only starts like JSON', async () => {
    expect(await parseRequestInput('seed: 7')).toEqual({ seed: 7 });
    expect(await parseRequestInput('{seed: 7}')).toEqual({ seed: 7 });
    expect(parseDocument).toHaveBeenCalledTimes(2);
  });
});
