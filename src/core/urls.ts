// Presigned URLs carry their signature in the query string: whatever leaves
// the process (the log, outputs, the summary) shows a URL without it.

/** `https://host/path?sig=…` → `https://host/path`; a URL of another scheme shows no more than its scheme (a `data:` URL is all payload). */
export function withoutQuery(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return `${parsed.origin}${parsed.pathname}`;
  if (parsed.protocol === 'file:') return `file://${parsed.host}${parsed.pathname}`;
  return `${parsed.protocol}…`;
}

const URL_START = /\bhttps?:\/\//gi;
/** What ends a URL's path: its query, its fragment, or a character no URL has (whitespace, quotes, angle brackets). */
const PATH_END = /[?#\s"'<>]/g;
/** What ends a query. */
const QUERY_END = /[#\s"'<>]/g;

/**
 * Every URL in a text with its query replaced by `?…`. Written as a scan rather
 * than one regular expression: `https://https://…` over megabytes made the
 * expression quadratic. Each character is looked at a bounded number of times:
 * after a URL's path, the search goes on from where that path ended.
 */
export function withoutQueries(text: string): string {
  let out = '';
  let from = 0;
  URL_START.lastIndex = 0;
  while (URL_START.exec(text)) {
    PATH_END.lastIndex = URL_START.lastIndex;
    const mark = PATH_END.exec(text);
    if (!mark) break;
    let next = mark.index;
    if (mark[0] === '?') {
      QUERY_END.lastIndex = mark.index + 1;
      next = QUERY_END.exec(text)?.index ?? text.length;
      out += `${text.slice(from, mark.index)}?…`;
      from = next;
    } else if (mark[0] === '#') {
      // A fragment before any query: no URL that starts before it has a query to cut.
      next = mark.index + 1;
    }
    URL_START.lastIndex = next;
  }
  return out + text.slice(from);
}
