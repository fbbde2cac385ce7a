// All logging goes through here, so that nothing reaches the log, an error
// message or the summary without passing redact(): the API key in any common
// encoding is replaced, and URL query strings (presigned signatures) dropped.
import { runner } from './runner.js';

const secrets = new Set<string>();

/** The forms a key can take on its way into a log: as is, URL-, base64- and hex-encoded, JSON-escaped. */
function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [
    value,
    encodeURIComponent(value),
    bytes.toString('base64'),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    JSON.stringify(value).slice(1, -1),
  ];
}

/** Registers a secret with the runner's masker and ours. Call it before anything else runs. */
export function addSecret(value: string): void {
  for (const form of new Set(encodings(value))) {
    if (form.length < 4) continue;
    secrets.add(form);
    runner.setSecret(form);
  }
}

const URL_QUERY = /(\bhttps?:\/\/[^\s"'<>?#]*)\?[^\s"'<>#]*/gi;

export function redact(text: string): string {
  let out = text.replace(URL_QUERY, '$1?…');
  // Longest first, so that a form containing another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}

export const log = {
  info: (message: string) => runner.info(redact(message)),
  debug: (message: string) => runner.debug(redact(message)),
  warning: (message: string, title?: string) => runner.warning(redact(message), title),
  /** Fails the step: an ::error annotation and a non-zero exit code. */
  fail: (message: string, title?: string) => {
    runner.error(redact(message), title);
    process.exitCode = 1;
  },
  /** A collapsible section of the log. */
  group: <T>(name: string, work: () => Promise<T>) => runner.group(redact(name), work),
  /** The job summary, redacted like everything else. */
  summary: (markdown: string) => runner.appendSummary(redact(markdown)),
};
