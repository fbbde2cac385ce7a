// Hedra's answers, read leniently: the server adds fields and enum values
// over time, and a run must not break on one it does not know, nor fail a
// paid result over a field it only shows. What the action needs is checked
// (`read`); ids, which name files and reach the log, strictly, by each API.
import { z } from 'zod';
import { UnexpectedAnswer } from '../core/errors.js';

/** The answer, checked against what the action needs of it; UnexpectedAnswer naming the first thing missing otherwise. */
export function read<T extends z.ZodType>(schema: T, value: unknown, operation: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problem = result.error.issues[0];
    throw new UnexpectedAnswer(`Hedra's answer to ${operation} lacks what the action needs (${problem.path.join('.') || 'body'}: ${problem.message}).`, value);
  }
  return result.data;
}

/**
 * A result URL: absolute http(s), or taken as absent. The spec types these as
 * plain strings; a relative or malformed one must not fail a paid result.
 */
export const resultUrl = () =>
  z
    .string()
    .nullish()
    .transform((value): string | null | undefined => (value && /^https?:\/\//i.test(value) && URL.canParse(value) ? value : undefined))
    .optional();

// Read leniently: a field the action only shows must never fail a paid result.
/** A number, also when given as a numeric string; anything else is taken as absent. */
export const lenientNumber = () =>
  z
    .unknown()
    .transform((value): number | null | undefined =>
      typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined,
    )
    .optional();
/** Text, also when given as a number; anything else is taken as absent. */
export const lenientText = () =>
  z
    .unknown()
    .transform((value): string | null | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined))
    .optional();
