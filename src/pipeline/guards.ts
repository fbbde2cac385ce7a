// The two guards on spending, both before anything is paid: the user's own
// limit (`max-credits`) and what the account can spend. Pure, and the same
// for both APIs: each figure is in the API's own unit (credits on v2, US
// dollars on v3), and a guard fails closed where it cannot be sure.
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

/**
 * Why the balance refuses the run, or undefined: only when even the estimate (a lower bound counts) is more
 * than can be spent. Figures in different units, or not amounts, are not weighed: Hedra checks at submit.
 */
export function tooLittleBalance(estimate: Estimate, balance: Balance): string | undefined {
  if (!estimate.known || estimate.total.unit !== balance.available.unit || !isAmount(balance.available.amount)) return undefined;
  if (estimate.total.amount <= balance.available.amount) return undefined;
  const where = balance.where ? ` (${balance.where})` : '';
  return `Not enough ${balance.what}: this run needs ${estimate.text} and ${formatMoney(balance.available)}${where} can be spent. Nothing was paid. ${balance.topUp} ${PICK_UP_HINT}`;
}
