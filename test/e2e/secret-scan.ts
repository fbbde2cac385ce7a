// The sentinel check: after every run of the bundle, the key must not appear
// anywhere the run could leave it (stdout as the runner shows it, stderr,
// outputs, summary, state, env and path files, and every file under
// RUNNER_TEMP and the workspace), in any form a log or a file could carry it,
// also with whitespace or line breaks between its characters.
//
// Written apart from src/action/log.ts on purpose: a check that shared the
// redaction's code would share its blind spots.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Base64 (and base64url) of `bytes` at each of the three byte alignments inside a longer encoded text, each cut to
 * the characters that depend on these bytes alone (whatever comes before or after them, e.g. `user:` in HTTP Basic).
 */
export function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (const offset of [0, 1, 2]) {
    // Two different fillings: the characters both encodings share at the same place are the ones that depend on `bytes` alone.
    const a = Buffer.concat([Buffer.alloc(offset, 0x00), bytes, Buffer.alloc(3, 0x00)]);
    const b = Buffer.concat([Buffer.alloc(offset, 0xff), bytes, Buffer.alloc(3, 0xff)]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const [x, y] = [a.toString(encoding), b.toString(encoding)];
      let from = 0;
      while (from < x.length && x[from] !== y[from]) from++;
      let to = from;
      while (to < x.length && x[to] === y[to]) to++;
      out.push(x.slice(from, to));
    }
  }
  return out;
}

/** Every byte as %xx, in the given case. */
const percentEncoded = (bytes: Buffer, upper: boolean) =>
  [...bytes].map((b) => `%${upper ? b.toString(16).padStart(2, '0').toUpperCase() : b.toString(16).padStart(2, '0')}`).join('');

export function secretForms(key: string): string[] {
  const bytes = Buffer.from(key, 'utf8');
  const unicode = [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  return [
    ...new Set([
      key,
      encodeURIComponent(key),
      percentEncoded(bytes, false),
      percentEncoded(bytes, true),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      JSON.stringify(key).slice(1, -1),
      unicode,
      unicode.toUpperCase().replace(/\\U/g, '\\u'),
      [...key].reverse().join(''),
      ...base64Cores(bytes),
      // HTTP Basic credentials: `key:` and `:key` (an empty user name or password), each at any alignment.
      ...base64Cores(Buffer.from(`${key}:`)),
      ...base64Cores(Buffer.from(`:${key}`)),
    ]),
  ].filter((form) => form.length >= 8);
}

/**
 * One expression for every form, each with whitespace (a line break, `\r\n`, tabs) or an escaped line break (`\n`
 * in JSON) allowed between any two characters: a key split over two lines is still the key to whoever reads them.
 */
export function secretPattern(key: string): RegExp {
  // Bounded, as the action's own matcher is (GAP_MAX there): an unbounded run overflows the stack on megabytes of whitespace.
  const gap = String.raw`(?:\s|\\[nrt]){0,64}`;
  const literal = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  const forms = secretForms(key).map((form) =>
    [...form]
      .filter((c) => !/\s/.test(c))
      .map(literal)
      .join(gap),
  );
  return new RegExp(forms.join('|'), 'g');
}

/** The files under `dir`. Symlinks a test committed to the workspace (to a folder, or out of it) are not followed: the action writes none, and what they lead to inside the run is scanned where it is. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isSymbolicLink() ? [] : e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Where the key was found, as "place: form" lines; empty when nowhere. */
export function findSecret(key: string, places: Record<string, string>, dirs: string[]): string[] {
  const pattern = secretPattern(key);
  const all: Record<string, string> = { ...places };
  for (const dir of dirs) for (const file of filesUnder(dir)) all[file] = readFileSync(file).toString('latin1');
  const found: string[] = [];
  for (const [place, text] of Object.entries(all)) {
    for (const match of text.matchAll(pattern)) found.push(`${place}: ${JSON.stringify(match[0])}`);
  }
  return found;
}

/** A workflow command's escapes undone, as the runner does before it shows an annotation or a debug line. */
const COMMAND_ESCAPES: Record<string, string> = { '%0D': '\r', '%0A': '\n', '%3A': ':', '%2C': ',', '%25': '%' };

/**
 * stdout as the runner shows it: ::add-mask:: commands are consumed by the runner, never displayed; other commands
 * (annotations, debug lines) are shown with their escapes undone, so a key split by an escaped line break is seen whole.
 */
export function visibleStdout(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .map((line) => (line.startsWith('::') ? line.replace(/%(?:0D|0A|3A|2C|25)/g, (sequence) => COMMAND_ESCAPES[sequence]) : line))
    .join('\n');
}
