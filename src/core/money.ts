// Money in the unit of the API that charges it: v2 prices in credits, v3 in
// US dollars. The guards and reports compare and show amounts only within
// one unit, and say the unit with every figure.

/** `credits` (v2), or an ISO currency code (v3's wallet: `USD`). */
export type Unit = 'credits' | (string & {});

export interface Money {
  amount: number;
  unit: Unit;
}

export const credits = (amount: number): Money => ({ amount, unit: 'credits' });

/** An amount of a currency: 2 decimals, more for a sub-cent price; `$` for USD, the code after it otherwise. */
export function currency(amount: number, code = 'USD'): string {
  const digits = Math.abs(amount).toFixed(6).replace(/0+$/, '');
  const [whole, fraction = ''] = digits.split('.');
  const text = `${whole}.${fraction.padEnd(2, '0')}`;
  const sign = amount < 0 && Number(text) !== 0 ? '-' : '';
  return code === 'USD' ? `${sign}$${text}` : `${sign}${text} ${code}`;
}

/** "42 credits", "1 credit", "$0.25", "0.25 EUR". */
export function formatMoney(money: Money): string {
  if (money.unit === 'credits') return `${money.amount} credit${money.amount === 1 ? '' : 's'}`;
  return currency(money.amount, money.unit);
}

/** An amount rounded to what a unit can hold: whole credits stay as they are, currencies to a hundredth of a cent. */
export function rounded(amount: number): number {
  return Math.round(amount * 10_000) / 10_000;
}
