// Text from outside (Hedra's answers and streams, a gateway's error page):
// the one rule it follows before it is logged or rendered. Pure.
//
// - printable(): what any line of the log, an annotation, an output or the
//   summary may carry: no ANSI escape sequence (a server could colour, move
//   the cursor over or hide its own lines), no control character but a tab and
//   a line break, no bidirectional override, no lone surrogate (what invalid
//   UTF-8 becomes is U+FFFD, the replacement character). The log applies it to
//   every line it writes, whatever built the line.
// - said(): a piece of outside text inside one of our sentences: printable,
//   on one line, and capped (OUTSIDE_MAX characters).
// - cell(): said(), and inert in Markdown and HTML (a table cell, the summary):
//   no tag, link, image or heading, and no bare URL GitHub would autolink.
// - name(): a value that names something (a modality, a model id, a
//   successor): shown only when it has the shape of a name, else undefined.
// - hedraLink(): a link the action prints only when it leads to Hedra's own
//   site (https, hedra.com or a subdomain).

import { withoutQueries } from './urls.js';

/** The most characters of one piece of outside text that a message, a cell or a line carries. */
export const OUTSIDE_MAX = 500;

/**
 * ANSI escape sequences: CSI (`ESC [ … final`, also the one-byte 0x9B), OSC and
 * the other string commands (`ESC ] … BEL|ST`, DCS, SOS, PM, APC), and
 * two-character escapes. Each part is bounded or a single class, so matching
 * stays linear on any input.
 */
const ANSI =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for.
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x7e]?/g;

/** Control characters other than a tab and a line break (C0, DEL, C1), and the bidirectional overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text any line of the log may carry: ANSI sequences removed, a carriage
 * return taken as a line break, other control characters removed, lone
 * surrogates shown as U+FFFD.
 */
export function printable(text: string): string {
  return wellFormed(text).replace(ANSI, '').replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** A surrogate without its other half (what a JSON `\\ud800` or a broken decoder leaves). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Lone surrogates as U+FFFD, as a UTF-8 decoder shows invalid bytes. */
export const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\ufffd');

/**
 * Cut to at most `max` characters, an ellipsis included when cut. The cut falls after a whole word (at
 * whitespace): text is capped before the log redacts it, and a secret cut in half would no longer be
 * recognised, so a word at the cut is dropped whole, however long. Never cuts a surrogate pair.
 */
export function capped(text: string, max = OUTSIDE_MAX): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  if (/\s/.test(text.charAt(max - 1))) return `${head}…`;
  const space = head.search(/\s\S*$/);
  return `${space < 0 ? '' : head.slice(0, space + 1)}…`;
}

/** Outside text inside one of our sentences: printable, its whitespace runs one space, trimmed, capped. */
export function said(text: string, max = OUTSIDE_MAX): string {
  // Capped before the whitespace is folded too, so that no step runs over more than the answer cap.
  return capped(
    printable(text.slice(0, max * 4))
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  );
}

/**
 * What Markdown or HTML would act on in a cell or line: a cell edge, a tag,
 * a link or an image, code. (A heading needs a line start, which a cell or a
 * folded line never gives; an entity only shows a character.)
 */
const MARKDOWN = /[|<>[\]!`]/g;

/** A bare URL or `www.` that GitHub would turn into a link: its `:` or `.` written as an entity, which Markdown shows as the character. */
const AUTOLINK = /\b(https?|ftp|mailto):|\bwww\./gi;

/**
 * Outside text as a table cell or a line of the summary: said(), with every
 * character Markdown or HTML would act on written as an entity, and no autolink.
 */
export function cell(text: string, max = OUTSIDE_MAX): string {
  // Queries are cut first: once a URL's `:` is an entity, the log's redaction no longer sees a URL whose query to cut.
  return said(withoutQueries(text), max)
    .replace(MARKDOWN, (c) => `&#${c.charCodeAt(0)};`)
    .replace(AUTOLINK, (_, scheme: string | undefined) => (scheme ? `${scheme}&#58;` : `www&#46;`));
}

/** The shape of a name Hedra gives (a modality, a model id): lower case, digits, `.`, `_`, `-`, at most 64 characters. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A name from outside, when it has the shape of one; undefined otherwise (it is then not shown at all). */
export function name(value: unknown): string | undefined {
  return typeof value === 'string' && NAME.test(value) ? value : undefined;
}

/** Hedra's own site: hedra.com and its subdomains. */
const HEDRA_HOST = /^(?:[a-z0-9-]+\.)*hedra\.com$/;

/** A link from outside, when it is https on Hedra's own site (no credentials, no port); undefined otherwise. */
export function hedraLink(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 2048 || /\s/.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return undefined;
  return HEDRA_HOST.test(parsed.hostname) ? parsed.href : undefined;
}

/**
 * Outside data (an error object Hedra sent) for a file or an output: every string through said(), at most 50
 * entries of an array or object and 4 levels deep; what lies deeper is left out.
 */
export function saidData(value: unknown, depth = 4): unknown {
  if (typeof value === 'string') return said(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth === 0) return null;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => saidData(v, depth - 1));
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, 50)
      .map(([k, v]) => [said(k, 100), saidData(v, depth - 1)]),
  );
}
