// Presigned URLs carry their signature in the query string: whatever leaves
// the process (the log, outputs, the summary) shows a URL without it.

/** `https://host/path?sig=…` → `https://host/path`; a URL of another scheme shows no more than its scheme (a `data:` URL is all payload). */
export function withoutQuery(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return `${parsed.origin}${parsed.pathname}`;
  if (parsed.protocol === 'file:') return `file://${parsed.host}${parsed.pathname}`;
  return `${parsed.protocol}…`;
}

/** A run of characters a URL can be made of (none of whitespace, quotes, angle brackets). */
const URL_RUN = /[^\s"'<>]+/g;
const URL_START = /\bhttps?:\/\//gi;
const QUERY_OR_FRAGMENT = /[?#]/g;

/**
 * Every URL in a text with its query replaced by `?…`. Written as a scan rather
 * than one regular expression: `https://https://…` over megabytes made the
 * expression quadratic. Each character is looked at a bounded number of times.
 */
export function withoutQueries(text: string): string {
  return text.replace(URL_RUN, (run) => {
    let out = '';
    let from = 0;
    URL_START.lastIndex = 0;
    while (URL_START.exec(run)) {
      QUERY_OR_FRAGMENT.lastIndex = URL_START.lastIndex;
      const mark = QUERY_OR_FRAGMENT.exec(run);
      if (!mark) break;
      // A fragment before any query: no query to cut in this URL; look for the next one after it.
      const end = mark[0] === '#' ? mark.index + 1 : nextFragment(run, mark.index);
      if (mark[0] === '?') {
        out += `${run.slice(from, mark.index)}?…`;
        from = end;
      }
      URL_START.lastIndex = end;
    }
    return out + run.slice(from);
  });
}

/** Where the query that starts at `at` ends: at the next `#`, else at the end of the run. */
function nextFragment(run: string, at: number): number {
  const hash = run.indexOf('#', at);
  return hash < 0 ? run.length : hash;
}
