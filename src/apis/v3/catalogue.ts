// Every model id of v3's catalogue, for the did-you-mean of a model Hedra does not have: GET /models is
// paged ({data, next_cursor}; `cursor` asks for the next page), and the closest id may be on any page.
import { isObject } from '../../core/json.js';

/** At most this many pages are read: a suggestion is worth a few requests, not an unbounded walk. */
export const MAX_CATALOGUE_PAGES = 20;

/**
 * The ids of every page, following `next_cursor` until it is null (or repeats, or the page cap is reached).
 * `page` reads one page: GET /models, or GET /models?cursor=… for the next. A page that fails ends the walk
 * with what was read before it; the first page's failure is the caller's.
 */
export async function catalogueIds(page: (cursor?: string) => Promise<unknown>): Promise<string[]> {
  const ids: string[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let read = 0; read < MAX_CATALOGUE_PAGES; read++) {
    let answer: unknown;
    try {
      answer = await page(cursor);
    } catch (error) {
      if (read === 0) throw error;
      break;
    }
    const data = isObject(answer) && Array.isArray(answer.data) ? answer.data : [];
    for (const model of data) if (isObject(model) && typeof model.id === 'string' && model.id) ids.push(model.id);
    const next = isObject(answer) && typeof answer.next_cursor === 'string' && answer.next_cursor !== '' ? answer.next_cursor : undefined;
    if (next === undefined || seen.has(next)) break;
    seen.add(next);
    cursor = next;
  }
  return ids;
}
