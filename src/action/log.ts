// Everything the run says goes through here, so that nothing reaches the log,
// an annotation, the job summary or a pull-request comment without passing
// redact(): every registered secret in any common encoding is replaced, and
// URL query strings (presigned signatures) are dropped.
//
// Two layers. The runner's own masker (core.setSecret) replaces exact strings
// only: it is given a bounded list of exact forms (encodings()). redact() is
// what guarantees: one regular expression, compiled when a secret is added,
// that finds each secret with every character in any of the encodings a
// server could echo it in (as is, %xx in either case, JSON and HTML escapes),
// also when base64- or hex-encoded at any byte alignment, and, for secrets of
// eight characters or more, with whitespace or line breaks between characters.
import { printable } from '../core/outside.js';
import { withoutQueries } from '../core/urls.js';
import type { Env, Toolkit } from './toolkit.js';

/** Secrets shorter than this are matched without whitespace between characters and without base64 cores (too short to be unambiguous). */
const LONG_SECRET = 8;
/** Forms shorter than this are not looked for at all: they would match ordinary text. */
const SHORTEST_FORM = 4;

/** Every byte as %xx. */
const percentEncoded = (bytes: Buffer, upper: boolean) => [...bytes].map((b) => `%${hex2(b, upper)}`).join('');
const hex2 = (b: number, upper: boolean) => {
  const hex = b.toString(16).padStart(2, '0');
  return upper ? hex.toUpperCase() : hex;
};

/**
 * Base64 and base64url of `bytes` at each of the three byte alignments inside
 * a longer encoded text (`user:key` in HTTP Basic, a key inside a JSON blob),
 * each cut to the characters that depend on these bytes alone.
 */
export function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(3)]);
    // Character i carries bits 6i to 6i+5; the secret's bits are 8·offset to 8·(offset+n).
    const from = Math.ceil((8 * offset) / 6);
    const to = Math.floor((8 * (offset + bytes.length)) / 6);
    for (const encoding of ['base64', 'base64url'] as const) out.push(padded.toString(encoding).slice(from, to));
  }
  return out;
}

/** The exact forms a secret can take on its way out, as registered with the runner's masker (which matches exact strings only). */
export function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = [
    value,
    encodeURIComponent(value),
    bytes.toString('base64'),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    JSON.stringify(value).slice(1, -1),
    percentEncoded(bytes, true),
    percentEncoded(bytes, false),
    jsonUnicode(value),
  ];
  if (value.length >= LONG_SECRET) forms.push(...base64Cores(bytes));
  return [...new Set(forms)].filter((form) => form.length >= SHORTEST_FORM);
}

/** Every UTF-16 unit as \uxxxx. */
const jsonUnicode = (value: string) => [...value].map((c) => unicodeEscape(c, false)).join('');
const unicodeEscape = (char: string, caseless: boolean) =>
  Array.from({ length: char.length }, (_, i) => `\\u${anyCase(char.charCodeAt(i).toString(16).padStart(4, '0'), caseless)}`).join('');

/** Hex digits matching either case, when `caseless`. */
const anyCase = (hex: string, caseless = true) => (caseless ? hex.replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`) : hex);

const SYNTAX = /[\\^$.*+?()[\]{}|/]/g;
const JSON_SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One character of a secret, in any encoding it could be echoed in: as is, %xx (either case), a JSON escape, an HTML numeric entity. */
function anyEncoding(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const percent = [...Buffer.from(char, 'utf8')].map((b) => `%${anyCase(hex2(b, false))}`).join('');
  const ways = [
    char.replace(SYNTAX, '\\$&'),
    percent,
    unicodeEscape(char, true).replace(/\\u/g, '\\\\u'),
    `&#0{0,${ZEROS}}${code};`,
    `&#[xX]0{0,${ZEROS}}${anyCase(code.toString(16))};`,
  ];
  if (JSON_SHORT[char]) ways.push(JSON_SHORT[char].replace(SYNTAX, '\\$&'));
  return `(?:${ways.join('|')})`;
}

/** The most leading zeros an HTML numeric entity is looked for with (bounded, like every repetition here). */
const ZEROS = 8;
/** The most whitespace characters (or escapes of one) looked for between two characters of a secret: a line break and an indentation. */
export const GAP_MAX = 32;

/**
 * Whitespace, line breaks, and their JSON, %xx and HTML escapes: what a server could put between the characters
 * of a secret it echoes. Bounded (GAP_MAX): an unbounded run made the expression's backtracking grow with the
 * text, and megabytes of whitespace after a secret's first character overflowed the stack. Bounded, each place
 * in a text is tried in time independent of the text's length, so redaction is linear.
 */
const GAP = String.raw`(?:\s|\\[nrtf]|\\u00(?:0[9aAbBcCdD]|20|[aA]0)|%(?:0[9aAbBcCdD]|20)|%[cC]2%[aA]0|&#0{0,${ZEROS}}(?:9|1[0-3]|32|160);|&#[xX]0{0,${ZEROS}}(?:[9aAbBcCdD]|20|[aA]0);){0,${GAP_MAX}}`;

/** The pattern (source) of one form: each character in any encoding, with gaps allowed between characters when `gaps`. */
function formPattern(form: string, gaps: boolean): string {
  // Whitespace in a form is a gap itself (a key pasted with a line break in it).
  const chars = gaps ? [...form].filter((c) => !/\s/.test(c)) : [...form];
  return chars.map(anyEncoding).join(gaps ? GAP : '');
}

/**
 * Patterns and matchers already built, by secret and by the set of secrets. A manifest's step runs each item with a
 * log of its own that is given the same keys again: building a key's patterns costs milliseconds, compiling its
 * expression more, and a plan has 1,000 items. Only the latest few are kept: a step has a handful of secrets, and a
 * process that runs many steps (the tests) must not keep every key it has seen (each expression is large).
 */
const KEPT = 8;
const built = { patterns: new Map<string, FormPattern[]>(), matchers: new Map<string, RegExp>() };

/** The value under `key`, made once while it is among the latest KEPT used. */
function kept<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) value = make();
  // Re-inserted as the latest; the oldest goes once there are more than KEPT.
  map.delete(key);
  map.set(key, value);
  if (map.size > KEPT) map.delete(map.keys().next().value as string);
  return value;
}

/** The forms redact() looks for, each as a pattern source with the length of the form, for ordering the longest first. */
function secretPatterns(value: string): FormPattern[] {
  return kept(built.patterns, value, () => formPatterns(value));
}

/**
 * One expression for every form of `secrets` (`patterns` are theirs), by the secrets it is made from. A global one:
 * replace() starts it from 0 each time, so logs can share it.
 */
function matcherOf(secrets: Set<string>, patterns: { source: string }[]): RegExp {
  return kept(built.matchers, [...secrets].join('\n'), () => new RegExp(patterns.map((p) => p.source).join('|'), 'g'));
}

/** A form's pattern: its source, its length (for ordering the longest first), and the form without whitespace (`literal`). */
interface FormPattern {
  length: number;
  source: string;
  literal: string;
}

function formPatterns(value: string): FormPattern[] {
  const bytes = Buffer.from(value, 'utf8');
  const long = value.length >= LONG_SECRET;
  const forms = [
    value,
    bytes.toString('base64'),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    ...(long ? base64Cores(bytes) : []),
  ];
  return [...new Set(forms)]
    .filter((form) => form.length >= SHORTEST_FORM)
    .map((form) => ({ length: form.length, source: formPattern(form, long), literal: form.replace(/\s+/g, '') }));
}

/** What every encoding but a character as itself is written with: %xx, \u escapes and JSON's short ones, HTML entities. */
const ESCAPES = /[%\\&]/;

/**
 * Whether `text` cannot hold any form of the secrets, decided without the expression (which costs about a millisecond
 * a line). Sound: without `%`, `\` or `&` in the text, the expression can match only each character of a form as
 * itself, with whitespace between them, so a match implies the form (without its whitespace) in the text without its
 * whitespace. Any text with one of those characters goes to the expression.
 */
function cannotHold(text: string, literals: readonly string[]): boolean {
  if (ESCAPES.test(text)) return false;
  const squeezed = text.replace(/\s+/g, '');
  return !literals.some((literal) => squeezed.includes(literal));
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

/** What stands for a text redaction could not check: none of it leaves. */
export const WITHHELD = '[text withheld: it could not be checked for secrets]';

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
  const patterns: FormPattern[] = [];
  // Every form of every secret in one expression, compiled when a secret is added, not on every line.
  let matcher: RegExp | undefined;
  /** Every form without its whitespace: a text with none of them (and no escape) is let through without the expression. */
  let literals: string[] = [];
  let failed = false;
  // Never throws: a text that cannot be checked (an engine limit) is withheld whole rather than let through or
  // let fail the run after it was paid for. Control characters and ANSI escapes go first (printable()), so that
  // none can split a secret out of the matcher's sight, nor colour, move or hide a line.
  const checked = (work: (text: string) => string) => (text: string) => {
    try {
      return work(text);
    } catch {
      return WITHHELD;
    }
  };
  const secretsOut = (text: string) => {
    const plain = printable(text);
    return !matcher || cannotHold(plain, literals) ? plain : plain.replace(matcher, '***');
  };
  const hideSecrets = checked(secretsOut);
  const redact = checked((text) => secretsOut(withoutQueries(text)));
  // An annotation's properties only when there is a title: the toolkit writes `::warning ::` for an empty one.
  const properties = (title: string | undefined) => (title ? { title } : {});
  return {
    addSecret(value) {
      if (secrets.has(value)) return;
      secrets.add(value);
      for (const form of encodings(value)) toolkit.setSecret(form);
      patterns.push(...secretPatterns(value));
      if (patterns.length === 0) return;
      // Longest first: at any place, a form that contains another is replaced whole.
      patterns.sort((a, b) => b.length - a.length);
      matcher = matcherOf(secrets, patterns);
      literals = patterns.map((pattern) => pattern.literal);
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
