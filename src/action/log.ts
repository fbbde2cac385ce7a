// Everything the run says goes through here, so that nothing reaches the log,
// an annotation, the job summary or a pull-request comment without passing
// redact(): every registered secret in any common encoding is replaced, and
// URL query strings (presigned signatures) are dropped.
import { withoutQueries } from '../http/url.js';
import type { Env, Toolkit } from './toolkit.js';

/** The forms a secret can take on its way out: as is, URL-, base64- and hex-encoded, JSON-escaped. */
export function encodings(value: string): string[] {
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

/**
 * Text that cannot start a workflow command: a line that begins with `::`
 * (a status or message from Hedra could) gets a zero-width joiner between the
 * colons. Annotations, debug lines and group names need none: the toolkit
 * escapes their line breaks.
 */
function inert(text: string): string {
  return text.replace(/^(\s*):(?=:)/gm, '$1:\u200d');
}

export interface Log {
  /** Registers a secret with the runner's masker and with redact(). Call it before anything else runs. */
  addSecret(value: string): void;
  redact(text: string): string;
  /** Only the secrets replaced: for outputs and files, whose URLs must stay usable. */
  hideSecrets(text: string): string;
  /** Sets a step output, the secrets hidden. */
  output(name: string, value: string): void;
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, title?: string): void;
  /** An error annotation that fails the step: failed() is true from then on. */
  fail(message: string, title?: string): void;
  failed(): boolean;
  /** A collapsible section of the log around `work`. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Appends Markdown to the job summary (redacted); does nothing outside a runner. Returns what was written. */
  summary(markdown: string): Promise<string>;
}

export function createLog(toolkit: Toolkit, env: Env): Log {
  const secrets = new Set<string>();
  let failed = false;
  const hideSecrets = (text: string) => {
    let out = text;
    // Longest first, so that a form containing another is replaced whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
    return out;
  };
  const redact = (text: string) => hideSecrets(withoutQueries(text));
  // An annotation's properties only when there is a title: the toolkit writes `::warning ::` for an empty one.
  const properties = (title: string | undefined) => (title ? { title } : {});
  return {
    addSecret(value) {
      for (const form of new Set(encodings(value))) {
        if (form.length < 4) continue;
        secrets.add(form);
        toolkit.setSecret(form);
      }
    },
    redact,
    hideSecrets,
    output: (name, value) => toolkit.setOutput(name, hideSecrets(value)),
    info: (message) => toolkit.info(inert(redact(message))),
    debug: (message) => toolkit.debug(redact(message)),
    warning: (message, title) => toolkit.warning(redact(message), properties(title)),
    // Not core.setFailed: its annotation has no title. index.ts sets the exit code from failed().
    fail: (message, title) => {
      toolkit.error(redact(message), properties(title));
      failed = true;
    },
    failed: () => failed,
    async group(name, work) {
      toolkit.startGroup(redact(name));
      try {
        return await work();
      } finally {
        toolkit.endGroup();
      }
    },
    async summary(markdown) {
      const safe = redact(markdown);
      if (env.GITHUB_STEP_SUMMARY) await toolkit.summary.addRaw(safe, true).write();
      return safe;
    },
  };
}
