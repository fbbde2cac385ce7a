// What a v2 account can spend, for the pipeline's balance guard, from
// GET /billing/credits. Pure.
import { credits } from '../../core/money.js';
import type { Balance } from '../../hedra/api.js';
import type { CreditBalance } from './client.js';

/**
 * The most the key can spend: which pool a key draws on is not in the answer,
 * so the largest of the account's remaining credits and any pool's available
 * ones. (A refusal must be sure; Hedra refuses what it cannot bill anyway, at no cost.)
 */
export function spendable(balance: CreditBalance): Balance {
  const available = Math.max(balance.remaining, ...balance.pools.map((pool) => pool.available));
  return {
    what: 'Hedra credits',
    available: credits(available),
    where: balance.pools.length > 0 && available !== balance.remaining ? 'the largest workspace pool' : undefined,
    topUp: 'Add credits to the account, or ask for less.',
  };
}
