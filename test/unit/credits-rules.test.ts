// The finer rules of the credit estimate, the balance guard and the reuse
// comparison (src/apis/v2/, src/pipeline/guards.ts): which pricing applies, where a setting is read
// from, how unit_scale divides, what the basis says, which fields are ids.
// The main cases are in credits.test.ts.
import { describe, expect, it } from 'vitest';
import { spendable } from '../../src/apis/v2/balance.ts';
import { type Model, readCatalogue } from '../../src/apis/v2/catalogue.ts';
import { describeEstimate, type Estimate, estimateCredits, priced } from '../../src/apis/v2/estimate.ts';
import { inputDifference } from '../../src/apis/v2/reuse.ts';
import { canonicalJson } from '../../src/core/json.ts';
import { sha256 } from '../../src/hedra/derived-ids.ts';
import { tooLittleBalance } from '../../src/pipeline/guards.ts';

const model = (fields: Record<string, unknown>): Model => readCatalogue([{ slug: 'x/y', type: 'video', ...fields }])[0];
const known = (estimate: Estimate) => {
  if (!estimate.known) throw new Error(estimate.reason);
  return estimate;
};
const described = (m: Model, body: Record<string, unknown>) => describeEstimate(estimateCredits(m, body));

describe('estimateCredits: where settings are read', () => {
  const perSecond = model({ durations: ['5s'], pricing: { base_cost: 0, credits_per_second: 10 } });
  it('skips a null setting and looks in the nested inputs', () => {
    expect(known(estimateCredits(perSecond, { duration_ms: null, generated_video_inputs: { duration_ms: 4000 } })).credits).toBe(40);
  });
  it('counts batch items only for a numeric batch_size over 1', () => {
    expect(known(estimateCredits(perSecond, { batch_size: 3 })).items).toBe(3);
    expect(known(estimateCredits(perSecond, { batch_size: '3' }))).toMatchObject({ items: 1, credits: 50 });
    expect(known(estimateCredits(perSecond, { batch_size: 0 }))).toMatchObject({ items: 1, credits: 50 });
  });
  it("takes the model's first duration that reads as one", () => {
    expect(described(model({ durations: ['auto', '8s'], pricing: { credits_per_second: 2 } }), {})).toBe("16 credits (2/s × 8s (the model's default))");
  });
  it('says a duration_seconds was asked', () => {
    expect(described(perSecond, { duration_seconds: 3 })).toBe('30 credits (10/s × 3s (as asked))');
  });
});

describe('estimateCredits: pricing modifiers', () => {
  it('matches a numeric setting by its spelling, and leaves ×1 out of the basis', () => {
    const m = model({ pricing: { credits_per_second: 1, modifiers: { fps: { '30': 1, '60': 2 } } } });
    expect(described(m, { duration_ms: 5000, fps: 60 })).toBe('10 credits (1/s × 5s (as asked), fps 60 ×2)');
    expect(described(m, { duration_ms: 5000, fps: 30 })).toBe('5 credits (1/s × 5s (as asked))');
  });
  it('lets target_resolution and the default resolution stand in for the resolution dimension only', () => {
    const m = model({ default_resolution: '4K', pricing: { base_cost: 2, modifiers: { output_resolution: { '4K': 3 } } } });
    expect(described(m, { target_resolution: '4K' })).toBe('2 credits (2 base)');
    expect(described(m, { output_resolution: '4K' })).toBe('6 credits (2 base, output_resolution 4K ×3)');
  });
  it('names no per-second part for a model priced per generation', () => {
    const m = model({ pricing: { base_cost: 4, credits_per_second: 0, modifiers: { resolution: { '4K': 3 } } } });
    expect(known(estimateCredits(m, { target_resolution: '4K' }))).toMatchObject({ credits: 12, lowerBound: false, basis: '4 base, resolution 4K ×3' });
  });
  it('a model priced at 0 base and 0 per second is not free but unknown: more likely an unfilled entry than a gift', () => {
    expect(described(model({ pricing: { base_cost: 0, credits_per_second: 0 } }), {})).toBe(
      "unknown: the model x/y: Hedra's catalogue prices it at 0 base_cost and 0 credits_per_second, which the action does not take as free",
    );
  });
});

describe('estimateCredits: pricing or price_details', () => {
  const details = { credit_cost: 7, unit_scale: 1, billing_unit: 'generation' };
  it('pricing applies with either a base cost or a per-second rate', () => {
    expect(known(estimateCredits(model({ durations: ['4s'], pricing: { credits_per_second: 5 }, price_details: details }), {})).credits).toBe(20);
    expect(known(estimateCredits(model({ pricing: { base_cost: 4 }, price_details: details }), {})).credits).toBe(4);
  });
  it('price_details applies when pricing has neither', () => {
    expect(known(estimateCredits(model({ pricing: { modifiers: { resolution: { '4K': 3 } } }, price_details: details }), {})).credits).toBe(7);
  });
  it('price_details without a cost, a unit or a positive scale gives no estimate', () => {
    const reason = 'the model x/y: the catalogue gives no pricing for it';
    for (const broken of [
      { unit_scale: 1, billing_unit: 'generation' },
      { credit_cost: 1, unit_scale: 1 },
      { credit_cost: 1, unit_scale: 0, billing_unit: 'generation' },
      { credit_cost: 1, unit_scale: -2, billing_unit: 'generation' },
    ]) {
      expect(estimateCredits(model({ price_details: broken }), {})).toEqual({ known: false, reason });
    }
  });
  it('the model missing from the catalogue', () => {
    expect(estimateCredits(undefined, {})).toEqual({ known: false, reason: "Hedra's model catalogue could not be read, or does not list the model" });
  });
});

describe('estimateCredits: price_details by billing unit', () => {
  const priced = (credit_cost: number, unit_scale: number, billing_unit: string, extra: Record<string, unknown> = {}) =>
    model({ price_details: { credit_cost, unit_scale, billing_unit }, ...extra });
  it('per generation: the cost over unit_scale, rounded up', () => {
    expect(described(priced(1, 1, 'generation'), {})).toBe('1 credit (1 per generation)');
    expect(known(estimateCredits(priced(10, 4, 'generation'), {}))).toMatchObject({ perItem: 3, lowerBound: false, basis: '10 per 4 generations' });
  });
  it('per character: text, else text_prompt, else prompt; none is no characters', () => {
    const chars = priced(2, 100, 'character');
    expect(known(estimateCredits(chars, { text: 'x'.repeat(250), prompt: 'y' }))).toMatchObject({
      credits: 5,
      lowerBound: false,
      basis: '2 per 100 characters × 250 characters',
    });
    const each = priced(1, 1, 'character');
    expect(known(estimateCredits(each, { text_prompt: 'abc', prompt: 'abcdef' })).credits).toBe(3);
    expect(known(estimateCredits(each, { prompt: 'abcd' })).credits).toBe(4);
    expect(described(each, {})).toBe('0 credits (1 per character × 0 characters)');
    expect(described(each, { text: 42 })).toBe('0 credits (1 per character × 0 characters)');
  });
  it('per second: the length over unit_scale', () => {
    expect(known(estimateCredits(priced(3, 10, 'second'), { duration_seconds: 25 }))).toMatchObject({
      credits: 8,
      lowerBound: false,
      basis: '3 per 10 seconds × 25s (as asked)',
    });
  });
  it('per second with a length that follows an input: a lower bound of nothing', () => {
    // A zero estimate may come out as -0 (the rounding), which every output spells "0": the text is what is pinned.
    const estimate = known(estimateCredits(priced(3, 1, 'second'), {}));
    expect(estimate.lowerBound).toBe(true);
    expect(describeEstimate(estimate)).toBe("at least 0 credits (3 per second × the input's length)");
  });
});

describe('tooLittleBalance', () => {
  const estimate: Estimate = { known: true, credits: 60, perItem: 60, items: 1, lowerBound: false, basis: 'b' };
  it('names the pool only when a pool is what can be spent', () => {
    expect(tooLittleBalance(priced(estimate), spendable({ remaining: 50, pools: [{ workspace: 'w', available: 20 }] }))).toBe(
      'Not enough Hedra credits: this run needs 60 credits (b) and 50 credits can be spent. Nothing was paid. Add credits to the account, or ask for less. To download work already paid for, pick it up with input "generation-id" (no guard applies).',
    );
  });
});

describe('reuse: hashing and comparison', () => {
  it('sha256 is the hex digest', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('canonical JSON writes undefined as null, as JSON does inside arrays', () => {
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([1, undefined])).toBe(JSON.stringify([1, undefined]));
  });
  it('ignores every id field the action chooses, at the top level only', () => {
    const ids = { generation_id: 'a', generation_ids: ['a'], reserved_asset_id: 'b', reserved_asset_ids: ['b'] };
    expect(inputDifference({ type: 'video' }, { type: 'video', ...ids })).toBeUndefined();
    expect(inputDifference({ source: { generation_id: 'a' } }, { source: { generation_id: 'b' } })).toBe('source.generation_id');
  });
  it('goes on past a nested object that matches', () => {
    expect(
      inputDifference({ generated_video_inputs: { duration_ms: 5000 }, type: 'image' }, { generated_video_inputs: { duration_ms: 5000 }, type: 'video' }),
    ).toBe('type');
  });
});
