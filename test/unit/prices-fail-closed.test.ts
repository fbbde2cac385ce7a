// Prices that are not prices, in the pure pieces: money read from Hedra's
// answers (src/core/money.ts), the v2 estimate from the catalogue
// (src/apis/v2/estimate.ts) and the guards (src/pipeline/guards.ts). Each
// nonsense figure makes the estimate unknown, naming what Hedra said, never
// free or negative; multi_prompt is priced as the sum of its shots. The same
// forms through a run, on both APIs: test/in-process/prices-fail-closed.test.ts.
import { describe, expect, it } from 'vitest';
import { type Model, readCatalogue } from '../../src/apis/v2/catalogue.ts';
import { type Estimate, estimateCredits } from '../../src/apis/v2/estimate.ts';
import { amountIn, answered, credits, figure, isAmount } from '../../src/core/money.ts';
import type { Estimate as Priced } from '../../src/hedra/api.ts';
import { overBudget, tooLittleBalance } from '../../src/pipeline/guards.ts';

const model = (fields: Record<string, unknown>): Model => readCatalogue([{ slug: 'x/y', type: 'video', ...fields }])[0];
const known = (estimate: Estimate) => {
  if (!estimate.known) throw new Error(estimate.reason);
  return estimate;
};
const unknown = (estimate: Estimate) => {
  if (estimate.known) throw new Error(`priced at ${estimate.credits}`);
  return estimate.reason;
};

describe('money read from an answer', () => {
  it('shows what Hedra gave, cut short', () => {
    expect([answered(-2.5), answered(Number.NaN), answered('abc'), answered(null), answered(undefined), answered({ a: 1 })]).toEqual([
      '-2.5',
      'NaN',
      '"abc"',
      'null',
      'nothing',
      '{"a":1}',
    ]);
    expect(answered('x'.repeat(60))).toBe(`"${'x'.repeat(38)}…`);
  });
  it('reads a number or its spelling, and nothing else, as a figure', () => {
    expect([figure(14), figure(' 0.5 '), figure('-3'), figure('.5')]).toEqual([14, 0.5, -3, 0.5]);
    for (const value of ['14 credits', 'NaN', 'Infinity', '', null, true, [], {}]) expect(figure(value)).toBeNaN();
  });
  it('an amount is finite and not below zero', () => {
    expect([0, 0.25, 1e6].map(isAmount)).toEqual([true, true, true]);
    expect([-0.01, Number.NaN, Number.POSITIVE_INFINITY].map(isAmount)).toEqual([false, false, false]);
  });
  it('amountIn: only a finite amount of 0 or more, in the unit asked for (absent currency is that unit)', () => {
    expect(amountIn('USD', 0.5, undefined, 'cost')).toEqual({ amount: 0.5, unit: 'USD' });
    expect(amountIn('USD', '0.5', ' usd ', 'cost')).toEqual({ amount: 0.5, unit: 'USD' });
    expect(amountIn('USD', 0, null, 'cost')).toEqual({ amount: 0, unit: 'USD' });
    expect(amountIn('USD', -2.5, 'USD', 'cost')).toEqual({ problem: 'cost -2.5, which is not an amount of money (a finite number, 0 or more)' });
    expect(amountIn('USD', 'NaN', 'USD', 'cost')).toEqual({ problem: 'cost "NaN", which is not an amount of money (a finite number, 0 or more)' });
    expect(amountIn('USD', 'fifty cents', undefined, 'cost')).toMatchObject({ problem: expect.stringContaining('cost "fifty cents", which') });
    expect(amountIn('USD', 0.00001, 'BTC', 'cost')).toEqual({ problem: 'currency "BTC", not USD' });
    expect(amountIn('USD', 1, 5, 'balance')).toEqual({ problem: 'currency 5, not USD' });
  });
});

describe('the v2 estimate fails closed on a nonsense catalogue price', () => {
  const body = { generated_video_inputs: { duration_ms: 5000, resolution: '1080p' } };
  it.each([
    ['a negative per-second rate', { credits_per_second: -14 }, "its credits_per_second in Hedra's catalogue is -14, not a price"],
    ['a per-second rate in words', { credits_per_second: '14 credits' }, 'its credits_per_second in Hedra\'s catalogue is "14 credits", not a price'],
    ['a per-second rate of an object', { credits_per_second: { amount: 14 } }, 'its credits_per_second in Hedra\'s catalogue is {"amount":14}, not a price'],
    ['a negative base cost', { base_cost: -8, credits_per_second: 0 }, "its base_cost in Hedra's catalogue is -8, not a price"],
    ['a base cost of true', { base_cost: true }, "its base_cost in Hedra's catalogue is true, not a price"],
    ['0 base and 0 per second', { base_cost: 0, credits_per_second: 0 }, "Hedra's catalogue prices it at 0 base_cost and 0 credits_per_second"],
    ['0 per second alone', { credits_per_second: '0' }, 'at 0 base_cost and 0 credits_per_second, which the action does not take as free'],
    ['a ×0 modifier', { credits_per_second: 14, modifiers: { resolution: { '1080p': 0 } } }, "its resolution 1080p modifier in Hedra's catalogue is ×0"],
    ['a negative modifier', { credits_per_second: 14, modifiers: { resolution: { '1080p': -2 } } }, "modifier in Hedra's catalogue is ×-2"],
    [
      'a modifier in words',
      { credits_per_second: 14, modifiers: { resolution: { '1080p': 'double' } } },
      'is ×"double", and a multiplier must be a number more than 0',
    ],
    ['a null modifier', { credits_per_second: 14, modifiers: { resolution: { '1080p': null } } }, 'is ×null'],
    ['modifiers that are no table', { credits_per_second: 14, modifiers: 'none' }, 'its pricing modifiers in Hedra\'s catalogue are "none", not a table'],
    [
      'a dimension that is no table',
      { credits_per_second: 14, modifiers: { resolution: [2] } },
      "its resolution modifiers in Hedra's catalogue are [2], not a table",
    ],
  ])('%s', (_, pricing, reason) => {
    expect(unknown(estimateCredits(model({ durations: ['5s'], pricing }), body))).toContain(reason);
  });
  it('a modifier for an option not asked for does not matter; a price of many figures that overflows is no price', () => {
    const pricing = { credits_per_second: 14, modifiers: { resolution: { '540p': 0, '1080p': 2 } } };
    expect(known(estimateCredits(model({ durations: ['5s'], pricing }), body)).credits).toBe(140);
    // An own option only: "constructor" is not Object's.
    expect(known(estimateCredits(model({ durations: ['5s'], pricing }), { resolution: 'constructor', duration_ms: 5000 })).credits).toBe(70);
    const huge = { credits_per_second: 1e308, modifiers: { resolution: { '1080p': 10 } } };
    expect(unknown(estimateCredits(model({ durations: ['5s'], pricing: huge }), body))).toContain('too large to be one');
  });
  it('an image model priced per generation (0 per second, a base cost) is priced', () => {
    expect(known(estimateCredits(model({ type: 'image', pricing: { base_cost: 8, credits_per_second: 0 } }), {})).credits).toBe(8);
  });
  it.each([
    ['a negative credit_cost', { credit_cost: -6, unit_scale: 1, billing_unit: 'generation' }, "its credit_cost in Hedra's catalogue is -6, not a price"],
    [
      'a credit_cost of 0',
      { credit_cost: 0, unit_scale: 1, billing_unit: 'second' },
      "its credit_cost in Hedra's catalogue is 0, which the action does not take as free",
    ],
    ['an unreadable credit_cost', { credit_cost: 'six', unit_scale: 1, billing_unit: 'generation' }, 'the catalogue gives no pricing for it'],
  ])('price_details: %s', (_, details, reason) => {
    expect(unknown(estimateCredits(model({ pricing: null, price_details: details }), {}))).toContain(reason);
  });
});

describe('multi_prompt: the length is the sum of the shots', () => {
  const shots = (...ms: unknown[]) => ms.map((duration_ms, i) => ({ prompt: `shot ${i}`, duration_ms }));
  const perSecond = model({ durations: ['5s', '10s'], pricing: { base_cost: 0, credits_per_second: 14 } });
  it('four shots of 15 s on a 14/s model: 840 credits, not the default 5 s (70)', () => {
    const estimate = known(estimateCredits(perSecond, { generated_video_inputs: { multi_prompt: shots(15000, 15000, 15000, 15000) } }));
    expect(estimate).toMatchObject({ credits: 840, lowerBound: false, basis: '14/s × 60s (4 shots of multi_prompt)' });
  });
  it('the shots win over a duration_ms given beside them (the spec: the total is the sum of the shots)', () => {
    const body = { generated_video_inputs: { duration_ms: 5000, multi_prompt: shots(3000, '4000') } };
    expect(known(estimateCredits(perSecond, body))).toMatchObject({ credits: 98, basis: '14/s × 7s (2 shots of multi_prompt)' });
  });
  it('per second under price_details too, and modifiers still apply', () => {
    const details = model({ pricing: null, price_details: { credit_cost: 3, unit_scale: 1, billing_unit: 'second' } });
    expect(known(estimateCredits(details, { multi_prompt: shots(4000, 6000) })).credits).toBe(30);
    const modified = model({ default_resolution: '1080p', pricing: { credits_per_second: 10, modifiers: { resolution: { '1080p': 1.5 } } } });
    expect(known(estimateCredits(modified, { generated_video_inputs: { multi_prompt: shots(10000) } })).credits).toBe(150);
  });
  it('a shot whose length cannot be read makes the figure a lower bound, which max-credits refuses', () => {
    for (const bad of [shots(5000, undefined), shots(5000, -1), shots(5000, 'long'), [{ prompt: 'a', duration_ms: 5000 }, 'not a shot']]) {
      const estimate = known(estimateCredits(perSecond, { generated_video_inputs: { multi_prompt: bad } }));
      expect(estimate).toMatchObject({ lowerBound: true, credits: 0 });
    }
  });
  it('an empty list is no multi_prompt: the duration asked, else the default', () => {
    expect(known(estimateCredits(perSecond, { generated_video_inputs: { multi_prompt: [] } })).credits).toBe(70);
  });
});

describe('the guards weigh only amounts in the budget unit', () => {
  const usd = (amount: number, unit = 'USD'): Extract<Priced, { known: true }> => ({
    known: true,
    total: { amount, unit },
    each: { amount, unit },
    items: 1,
    lowerBound: false,
    text: `${amount} ${unit}`,
  });
  const max = { amount: 0.1, unit: 'USD' };
  it('refuses an estimate in another unit, or that is not an amount, saying nothing was paid', () => {
    expect(overBudget(usd(0.00001, 'BTC'), max)).toBe(
      `Input "max-credits" is $0.10 (US dollars on v3, the API wallet's unit), but Hedra priced the request at 0.00001 BTC, which is not an amount in USD, so nothing was paid: a budget guard does not guess. Remove "max-credits" to run without it.`,
    );
    expect(overBudget(usd(-2.5), max)).toContain('priced the request at -$2.50, which is not an amount in USD, so nothing was paid');
    expect(overBudget(usd(Number.NaN), max)).toContain('which is not an amount in USD');
    expect(overBudget(usd(0.05), max)).toBeUndefined();
    expect(overBudget(usd(0), max)).toBeUndefined();
  });
  it('the balance guard does not weigh figures of different units, or a balance that is no amount', () => {
    const balance = (amount: number, unit = 'USD') => ({ what: 'money', available: { amount, unit }, topUp: 'Top up.' });
    expect(tooLittleBalance(usd(5), balance(1))).toContain('Not enough money');
    expect(tooLittleBalance(usd(5), balance(1, 'BTC'))).toBeUndefined();
    expect(tooLittleBalance(usd(5), balance(Number.NaN))).toBeUndefined();
    expect(tooLittleBalance({ ...usd(5), total: credits(5) }, balance(1))).toBeUndefined();
  });
});
