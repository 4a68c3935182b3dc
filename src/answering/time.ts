import { messages } from '../messages/answers.ts';
import type { SearchResult } from '../retrieval/search.ts';
import type { CatalogReader } from '../store/reader.ts';
import type { TimeInfo } from './types.ts';

/** When the question was asked and the dates it was read as being about, as a result shows them. */
export function timeInfo(search: SearchResult): TimeInfo {
  const { asOf, window, recency } = search.time;
  return { asOf, window: window ? { from: window.from, to: window.to, expression: window.expression } : null, recency };
}

/** Why a search found nothing, when time explains it: a window after the as-of day, an empty window, nothing published yet. */
export function emptyReason(
  search: SearchResult,
  catalog: Pick<CatalogReader, 'publicationRange'>,
  collections: readonly string[],
): string | null {
  const { window, asOf } = search.time;
  if (window?.future) return messages.windowInFuture(window, asOf);
  if (window) return messages.windowEmpty(window);
  const range = catalog.publicationRange(collections);
  if (range.articles > 0 && range.undated === 0 && range.earliest !== null && range.earliest > asOf) {
    return messages.nothingPublishedBy(asOf, range.earliest);
  }
  return null;
}

/** The newest publication date among articles, passages or citations, or null when none is dated. */
export function newestPublished(items: readonly { published: string | null }[]): string | null {
  return items.reduce<string | null>((max, c) => (c.published && (!max || c.published > max) ? c.published : max), null);
}
