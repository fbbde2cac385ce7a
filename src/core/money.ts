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

/** What Hedra gave for a figure, as a reader can check it: -2.5, "abc", null, nothing; cut short. */
export function answered(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** A figure as a number: a number, or its spelling as text ("14", " 0.5 "), which hand-written answers send; NaN otherwise. */
export function figure(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\s*[-+]?(?:\d+(?:\.\d+)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
}

/** Whether `amount` can be an amount of money: a finite number, 0 or more. */
export const isAmount = (amount: number): boolean => Number.isFinite(amount) && amount >= 0;

/**
 * An amount Hedra gave in `unit` (its field `name`), or why it is not one, naming what Hedra gave: the guards
 * weigh only finite amounts of 0 or more in the API's own unit, so anything else is refused rather than read
 * as free. `currency` is the unit Hedra named (absent: its documented unit), compared without regard to case.
 */
export function amountIn(unit: Unit, amount: unknown, currency: unknown, name: string): Money | { problem: string } {
  const given = currency === undefined || currency === null ? unit : currency;
  if (typeof given !== 'string' || given.trim().toUpperCase() !== unit.toUpperCase()) {
    return { problem: `currency ${answered(given)}, not ${unit}` };
  }
  const value = figure(amount);
  if (!isAmount(value)) return { problem: `${name} ${answered(amount)}, which is not an amount of money (a finite number, 0 or more)` };
  return { amount: value, unit };
}
