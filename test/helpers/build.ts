// Inputs as a workflow writes them → the body the action would send, through
// the real input parser and request builder, with predictable ids.
import { expect } from 'vitest';
import { buildRequest } from '../../src/apis/v2/build.ts';
import { inputEnv } from '../e2e/run-action.ts';
import { readInputsFrom } from '../helpers/toolkit.ts';

export const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function envFrom(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputEnv(k), v]));
}

export async function build(inputs: Record<string, string>) {
  let n = 0;
  return buildRequest(await readInputsFrom(envFrom(inputs)), () => ID(++n));
}

/** The message of the error that building these inputs throws. */
export async function buildError(inputs: Record<string, string>): Promise<string> {
  try {
    await build(inputs);
  } catch (error) {
    expect((error as Error).name).toBe('InputError');
    return (error as Error).message;
  }
  throw new Error(`expected inputs ${JSON.stringify(inputs)} to be rejected`);
}
