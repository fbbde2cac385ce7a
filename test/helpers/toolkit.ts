// A recording stand-in for @actions/core: what the run would have said to the
// runner, kept as data for assertions instead of printed to the test's output.
import type { Env, Toolkit } from '../../src/action/toolkit.ts';
import { InputError } from '../../src/core/errors.ts';
import { readInputs } from '../../src/inputs/read.ts';

export interface Recorded {
  outputs: Record<string, string>;
  secrets: string[];
  /** Every log line, prefixed by its kind: `info: …`, `warning[title]: …`, `group: …`. */
  lines: string[];
  summary: string;
}

export function recordingToolkit(env: Env = {}): Toolkit & { recorded: Recorded } {
  const recorded: Recorded = { outputs: {}, secrets: [], lines: [], summary: '' };
  const title = (properties?: { title?: string }) => (properties?.title ? `[${properties.title}]` : '');
  const summary = {
    addRaw(text: string, addEOL = false) {
      recorded.summary += text + (addEOL ? '\n' : '');
      return summary;
    },
    async write() {
      return summary;
    },
  };
  return {
    recorded,
    // As @actions/core reads them: INPUT_<NAME>, spaces as underscores, trimmed.
    getInput: (name: string) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim(),
    setOutput: (name: string, value: unknown) => void (recorded.outputs[name] = String(value)),
    setSecret: (secret: string) => void recorded.secrets.push(secret),
    info: (message: string) => void recorded.lines.push(`info: ${message}`),
    debug: (message: string) => void recorded.lines.push(`debug: ${message}`),
    warning: (message: string | Error, properties?: { title?: string }) => void recorded.lines.push(`warning${title(properties)}: ${message}`),
    error: (message: string | Error, properties?: { title?: string }) => void recorded.lines.push(`error${title(properties)}: ${message}`),
    startGroup: (name: string) => void recorded.lines.push(`group: ${name}`),
    endGroup: () => void recorded.lines.push('endgroup'),
    summary: summary as unknown as Toolkit['summary'],
  };
}

/** The settings these INPUT_* variables give, read as the action reads them; every problem at once, as the run reports them. */
export async function readInputsFrom(env: Env) {
  const read = await readInputs(recordingToolkit(env), env, process.cwd());
  if (read.problems.length > 0) throw InputError.all(read.problems, 'The inputs have');
  return read.settings;
}
