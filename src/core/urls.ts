// Presigned URLs carry their signature in the query string: whatever leaves
// the process (the log, outputs, the summary) shows a URL without it.

/** `https://host/path?sig=…` → `https://host/path`; a URL of another scheme shows no more than its scheme (a `data:` URL is all payload). */
export function withoutQuery(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return `${parsed.origin}${parsed.pathname}`;
  if (parsed.protocol === 'file:') return `file://${parsed.host}${parsed.pathname}`;
  return `${parsed.protocol}…`;
}

const URL_QUERY = /(\bhttps?:\/\/[^\s"'<>?#]*)\?[^\s"'<>#]*/gi;

/** Every URL in a text with its query replaced by `?…`. */
export function withoutQueries(text: string): string {
  return text.replace(URL_QUERY, '$1?…');
}
