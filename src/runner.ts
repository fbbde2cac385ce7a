// The runner's workflow commands and file commands: the few parts of the
// toolkit this action uses, written out so that a run does not load
// @actions/core's HTTP client (a second copy of undici) just to print lines.
// Formats follow the runner's documentation and @actions/core's escaping.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function command(name: string, message: string, properties: Record<string, string | undefined> = {}): void {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(v!)}`)
    .join(',');
  process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

export const runner = {
  info: (message: string) => process.stdout.write(`${message}${EOL}`),
  debug: (message: string) => command('debug', message),
  warning: (message: string, title?: string) => command('warning', message, { title }),
  error: (message: string, title?: string) => command('error', message, { title }),
  /** A collapsible section of the log, around `work`. */
  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    command('group', name);
    try {
      return await work();
    } finally {
      command('endgroup', '');
    }
  },
  /** Asks the runner to mask a value in the log from now on. */
  setSecret: (value: string) => command('add-mask', value),

  /** A step output, through the GITHUB_OUTPUT file (a heredoc with a delimiter that cannot occur in the value). */
  setOutput(name: string, value: string): void {
    const file = process.env.GITHUB_OUTPUT;
    if (!file) {
      command('set-output', value, { name });
      return;
    }
    const delimiter = `ghadelimiter_${randomUUID()}`;
    appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`);
  },

  /** Appends Markdown to the job summary; does nothing outside a runner. */
  appendSummary(markdown: string): void {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (file) appendFileSync(file, `${markdown}${EOL}`);
  },
};
