// Presigned URLs carry their signature in the query string: whatever leaves
// the process shows a URL without it.

/** `https://host/path?sig=…` → `https://host/path`. */
export function withoutQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

const URL_QUERY = /(\bhttps?:\/\/[^\s"'<>?#]*)\?[^\s"'<>#]*/gi;

/** Every URL in a text with its query replaced by `?…`. */
export function withoutQueries(text: string): string {
  return text.replace(URL_QUERY, '$1?…');
}
