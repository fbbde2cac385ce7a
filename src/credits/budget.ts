// The two guards on spending, both before anything is uploaded or created:
// the user's own limit (`max-credits`) and the account's balance. Pure.
import { describeEstimate, type Estimate } from './estimate.js';

/** What GET /billing/credits says can be spent: the account's remaining credits and each workspace pool's available ones. */
export interface Balance {
  remaining: number;
  pools: { workspace: string; available: number }[];
}

/**
 * Why `max-credits` refuses the run, or undefined. A budget guard fails
 * closed: an estimate that cannot be made, or is only a lower bound, is refused too.
 */
export function overBudget(estimate: Estimate, maxCredits: number): string | undefined {
  if (!estimate.known) {
    return `Input "max-credits" is ${maxCredits}, but the cost cannot be estimated (${estimate.reason}), so the run was stopped before paying: a budget guard does not guess. Remove "max-credits" to run without it.`;
  }
  if (estimate.lowerBound) {
    return `Input "max-credits" is ${maxCredits}, but the cost is only known to be ${describeEstimate(estimate)}: its length follows an input, so the run was stopped before paying. Set "duration", or remove "max-credits" for this step.`;
  }
  if (estimate.credits > maxCredits) {
    return `The estimated cost, ${describeEstimate(estimate)}, is over "max-credits" (${maxCredits}); nothing was uploaded or created. Raise "max-credits", or ask for less (a shorter "duration", a lower "resolution", a smaller "batch-size").`;
  }
  return undefined;
}

/**
 * The most the key can spend: which pool a key draws on is not in the answer,
 * so the largest of the account's remaining credits and any pool's available
 * ones. (A refusal here must be sure; Hedra refuses what it cannot bill anyway, at no cost.)
 */
export function spendable(balance: Balance): number {
  return Math.max(balance.remaining, ...balance.pools.map((pool) => pool.available));
}

/** Why the balance refuses the run, or undefined: only when even the estimate's lower bound is more than can be spent. */
export function tooLittleBalance(estimate: Estimate, balance: Balance): string | undefined {
  if (!estimate.known) return undefined;
  const available = spendable(balance);
  if (estimate.credits <= available) return undefined;
  const where = balance.pools.length > 0 && available !== balance.remaining ? ' (the largest workspace pool)' : '';
  return `Not enough Hedra credits: this run needs ${describeEstimate(estimate)} and ${available} are available${where}. Nothing was uploaded or created. Add credits to the account, or ask for less.`;
}
