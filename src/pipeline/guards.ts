// The two guards on spending, both before anything is paid: the user's own
// limit (`max-credits`) and what the account can spend. Pure, and the same
// for both APIs: each figure is in the API's own unit (credits on v2, US
// dollars on v3). `max-credits` fails closed where it cannot be sure; the
// balance refuses only where a shortfall proves the refusal (an account that
// may top up at submit is warned about instead: Hedra's own refusal is free
// and exact).
import { formatMoney, isAmount, type Money } from '../core/money.js';
import type { Balance, Estimate } from '../hedra/api.js';

/** What a refusal adds: work already paid for can still be downloaded, and no guard applies to that. */
const PICK_UP_HINT = 'To download work already paid for, pick it up with input "generation-id" (no guard applies).';

/** `max-credits` as the user set it, with its unit: "100 credits", "$0.50 (US dollars on v3, the API wallet's unit)". */
function budget(max: Money): string {
  return max.unit === 'credits' ? formatMoney(max) : `${formatMoney(max)} (${max.unit === 'USD' ? 'US dollars' : max.unit} on v3, the API wallet's unit)`;
}

/**
 * Why `max-credits` refuses the run, or undefined. A budget guard fails
 * closed: an estimate that cannot be made, or is only a lower bound, is refused too.
 */
export function overBudget(estimate: Estimate, max: Money): string | undefined {
  if (!estimate.known && estimate.unpriceable) {
    return (
      `Input "max-credits" is ${budget(max)}, but ${estimate.reason}: no price is known before paying, so the budget cannot be guarded and nothing was paid. ` +
      'To run this model, remove "max-credits" from this step (Hedra still refuses, for free, a submit the wallet cannot pay), or choose a model Hedra prices up front.'
    );
  }
  if (!estimate.known) {
    return `Input "max-credits" is ${budget(max)}, but the cost cannot be estimated (${estimate.reason}), so nothing was paid: a budget guard does not guess. Remove "max-credits" to run without it.`;
  }
  // The adapters refuse nonsense prices already; this holds for any adapter: only a real amount in the budget's unit is weighed.
  if (estimate.total.unit !== max.unit || !isAmount(estimate.total.amount)) {
    return `Input "max-credits" is ${budget(max)}, but Hedra priced the request at ${formatMoney(estimate.total)}, which is not an amount in ${max.unit}, so nothing was paid: a budget guard does not guess. Remove "max-credits" to run without it.`;
  }
  if (estimate.lowerBound) {
    return `Input "max-credits" is ${budget(max)}, but the cost is only known to be ${estimate.text}: its length follows an input, so nothing was paid. Set "duration", or remove "max-credits" for this step.`;
  }
  if (estimate.total.amount > max.amount) {
    return `The estimated cost, ${estimate.text}, is over "max-credits" (${budget(max)}); nothing was paid. Raise "max-credits", or ask for less (a shorter "duration", a lower "resolution", a smaller "batch-size"). ${PICK_UP_HINT}`;
  }
  return undefined;
}

/** Whether even the estimate (a lower bound counts) is more than can be spent. Figures in different units, or not amounts, are not weighed. */
function shortOf(estimate: Estimate, balance: Balance): estimate is Extract<Estimate, { known: true }> {
  if (!estimate.known || estimate.total.unit !== balance.available.unit || !isAmount(balance.available.amount)) return false;
  return estimate.total.amount > balance.available.amount;
}

/**
 * Why the balance refuses the run, or undefined: only when the estimate is more than can be spent and the
 * account cannot be topped up at submit (see lowBalanceWarning). Otherwise Hedra checks at submit.
 */
export function tooLittleBalance(estimate: Estimate, balance: Balance): string | undefined {
  if (balance.mayTopUpAtSubmit || !shortOf(estimate, balance)) return undefined;
  const where = balance.where ? ` (${balance.where})` : '';
  return `Not enough ${balance.what}: this run needs ${estimate.text} and ${formatMoney(balance.available)}${where} can be spent. Nothing was paid. ${balance.topUp} ${PICK_UP_HINT}`;
}

/**
 * A warning when the estimate is more than an account that may top up at submit holds: the run goes on,
 * since the top-up may pay, and a submit it cannot pay is refused by Hedra for free, with exact figures.
 */
export function lowBalanceWarning(estimate: Estimate, balance: Balance): string | undefined {
  if (!balance.mayTopUpAtSubmit || !shortOf(estimate, balance)) return undefined;
  return (
    `The balance is below this run's estimate: ${estimate.text} is needed and ${formatMoney(balance.available)} can be spent (${balance.what}). ` +
    'Submitting anyway: a wallet with automatic top-up is charged when the request is submitted, and Hedra refuses, for free, a request it cannot pay. ' +
    `If it refuses: ${balance.topUp.charAt(0).toLowerCase()}${balance.topUp.slice(1)}`
  );
}
