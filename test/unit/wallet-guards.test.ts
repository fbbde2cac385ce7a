// The spending guards where Hedra's later builds change what a figure proves
// (src/pipeline/guards.ts): a wallet that may top up at submit is warned
// about, not refused; `max-credits` on a model Hedra cannot price before it
// has measured the inputs refuses, saying so and how to go on. And the spec
// version the v3 client announces is the one its tests run against.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { V3_HEADERS, V3_SPEC_VERSION } from '../../src/apis/v3/spec-version.ts';
import type { Balance, Estimate } from '../../src/hedra/api.ts';
import { lowBalanceWarning, overBudget, tooLittleBalance } from '../../src/pipeline/guards.ts';

const priced = (amount: number): Estimate => ({
  known: true,
  total: { amount, unit: 'USD' },
  each: { amount, unit: 'USD' },
  items: 1,
  lowerBound: false,
  text: `$${amount.toFixed(2)}, from POST /models/{model}/estimate`,
});
const wallet = (amount: number, mayTopUpAtSubmit?: boolean): Balance => ({
  what: 'money in the Hedra API wallet',
  available: { amount, unit: 'USD' },
  topUp: 'Add funds at https://www.hedra.com/develop/billing.',
  ...(mayTopUpAtSubmit !== undefined && { mayTopUpAtSubmit }),
});

describe('a balance below the estimate', () => {
  it('is refused where nothing can top it up (v2 credits)', () => {
    expect(tooLittleBalance(priced(0.08), wallet(0.02))).toMatch(/^Not enough money in the Hedra API wallet: this run needs \$0\.08/);
    expect(lowBalanceWarning(priced(0.08), wallet(0.02))).toBeUndefined();
    expect(tooLittleBalance(priced(0.08), wallet(0.02, false))).toBeDefined();
  });

  it('is a warning naming the balance and the price where the wallet may top up at submit', () => {
    expect(tooLittleBalance(priced(0.08), wallet(0.02, true))).toBeUndefined();
    expect(lowBalanceWarning(priced(0.08), wallet(0.02, true))).toBe(
      "The balance is below this run's estimate: $0.08, from POST /models/{model}/estimate is needed and $0.02 can be spent (money in the Hedra API wallet). " +
        'Submitting anyway: a wallet with automatic top-up is charged when the request is submitted, and Hedra refuses, for free, a request it cannot pay. ' +
        'If it refuses: add funds at https://www.hedra.com/develop/billing.',
    );
  });

  it('says nothing when the balance covers the estimate, or the figures cannot be weighed', () => {
    expect(lowBalanceWarning(priced(0.08), wallet(0.08, true))).toBeUndefined();
    expect(lowBalanceWarning({ known: false, reason: 'r' }, wallet(0, true))).toBeUndefined();
    expect(lowBalanceWarning(priced(0.08), { ...wallet(0, true), available: { amount: 0, unit: 'credits' } })).toBeUndefined();
  });
});

describe('max-credits on a model priced only once its inputs are measured', () => {
  const unpriceable: Estimate = {
    known: false,
    reason: 'Hedra cannot price model sora-2 before it has measured the inputs (its estimate gives no cost)',
    unpriceable: true,
  };
  const max = { amount: 0.5, unit: 'USD' };

  it('refuses, saying the budget cannot be guarded, and how to run the model', () => {
    expect(overBudget(unpriceable, max)).toBe(
      `Input "max-credits" is $0.50 (US dollars on v3, the API wallet's unit), but Hedra cannot price model sora-2 before it has measured the inputs (its estimate gives no cost): ` +
        'no price is known before paying, so the budget cannot be guarded and nothing was paid. ' +
        'To run this model, remove "max-credits" from this step (Hedra still refuses, for free, a submit the wallet cannot pay), or choose a model Hedra prices up front.',
    );
  });

  it('keeps the other unknown estimates as they were', () => {
    expect(overBudget({ known: false, reason: 'Hedra gave no estimate for this request' }, max)).toMatch(/but the cost cannot be estimated/);
  });
});

describe('X-Hedra-Spec-Version', () => {
  it('is the info.version of the v3 document the tests run against (refreshing the fixture means revisiting it)', () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/openapi-v3.json', import.meta.url), 'utf8'));
    expect(V3_SPEC_VERSION).toBe(fixture.info.version);
    expect(V3_HEADERS).toEqual({ 'x-hedra-spec-version': fixture.info.version });
  });
});
