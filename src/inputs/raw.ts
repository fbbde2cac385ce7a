// An input's text, as the runner passes it: INPUT_<NAME>, read through the
// toolkit's getInput (trimmed), with action.yml's default outside a runner.
import type { Env, Toolkit } from '../action/toolkit.js';
import { INPUT_DEFAULTS, type InputName } from './settings.js';

/** The variable the runner passes an input in (what getInput reads). */
export const envName = (input: string) => `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;

/**
 * An input's value. The runner always passes every declared input, defaults
 * applied; outside a runner (a local harness) a missing one takes action.yml's
 * default, while one given empty stays empty.
 */
export function read(toolkit: Toolkit, env: Env, input: InputName): string {
  const value = toolkit.getInput(input);
  return value === '' && env[envName(input)] === undefined ? INPUT_DEFAULTS[input] : value;
}
