// "Did you mean" (src/inputs/suggest.ts): an optimal-string-alignment distance
// on folded spellings, and how close is close enough.
import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from '../../src/core/suggest.ts';

describe('closest', () => {
  it.each([
    ['a swap of neighbours', 'vidoe', ['image', 'video'], 'video'],
    ['a missing first letter', 'ideo', ['video'], 'video'],
    ['an extra first letter', 'xvideo', ['video'], 'video'],
    ['case and separators', 'Voice ID', ['voice-id', 'video'], 'voice-id'],
    ['underscores for hyphens', 'end_image', ['end-image'], 'end-image'],
    ['two edits in a long word', 'generaton_idd', ['generation-id'], 'generation-id'],
    ['one edit in a two-letter word', 'ab', ['abc'], 'abc'],
  ])('finds the word meant despite %s', (_, word, candidates, meant) => {
    expect(closest(word, candidates)).toBe(meant);
  });
  it.each([
    ['a word inside a longer one', 'f', ['abcdef']],
    ['a longer word ending in it', 'abcdef', ['f']],
    ['two substitutions in a short word', 'ba', ['cb']],
    ['a shift by one', 'ab', ['bc']],
    ['a swap and an insertion in a short word', 'ab', ['bac']],
    ['separators, which do not count as letters', 'a-b', ['a-bcde']],
    ['three edits in a six-letter word', 'abcdef', ['abcxyz']],
    ['no candidates at all', 'video', []],
  ])('suggests nothing for %s', (_, word, candidates) => {
    expect(closest(word, candidates)).toBeUndefined();
  });
  it('allows a third of the letters as edits, at least one', () => {
    expect(closest('abcdef', ['abcdxy'])).toBe('abcdxy');
    expect(closest('abcdefghi', ['abcdefxyz'])).toBe('abcdefxyz');
    expect(closest('abcdefghi', ['abcdewxyz'])).toBeUndefined();
  });
  it('prefers the nearest, and on a tie the first given', () => {
    expect(closest('vidoe', ['vide', 'video'])).toBe('vide');
    expect(closest('vidoe', ['video', 'vide'])).toBe('video');
    expect(closest('imagex', ['imag', 'images'])).toBe('images');
  });
  it('takes any iterable', () => {
    expect(closest('promt', new Set(['prompt', 'model']).values())).toBe('prompt');
  });
});

describe('didYouMean', () => {
  it('is a sentence naming the candidate, or nothing', () => {
    expect(didYouMean('promt', ['prompt'])).toBe(' Did you mean "prompt"?');
    expect(didYouMean('colour', ['prompt'])).toBe('');
  });
});
