import { jaccard, NEAR_DUPLICATE_THRESHOLD, shingles, type Fingerprint } from '../text/near-duplicate.ts';
import { sameStory, storyFacts, type StoryFacts } from '../text/story-facts.ts';
import type { ArticleRow } from './article-rows.ts';
import type { ArticleSources } from './article-sources.ts';

/*
 * Finding the stored article a new version of a story repeats. Candidates come from the
 * fingerprints (identical words; MinHash bands for near-duplicates); a near-duplicate must then
 * be the same story (text/story-facts.ts: its facts agree, it opens alike), not a template
 * filled in again.
 */

/** A stored story the incoming version repeats, and whose facts hold whose. */
export interface DuplicateMatch {
  row: ArticleRow;
  sameWords: boolean;
  /** Shingle Jaccard of the two bodies (1 for the same words). */
  similarity: number;
  /** Every fact of the stored version is in the incoming one: citing the incoming loses nothing. */
  incomingCovers: boolean;
  /** Every fact of the incoming version is in the stored one. */
  storedCovers: boolean;
}

/** What the lookup reads of the catalog. */
export interface StoredStories {
  rowByKey(key: number): ArticleRow | undefined;
  bodyRow(key: number): { body: string } | undefined;
}

/** The stored story `incoming` repeats, if any: identical words first, else the most similar that is the same story. */
export function findSameStory(
  sources: ArticleSources,
  stored: StoredStories,
  collection: string,
  incoming: { title: string; body: string },
  print: Fingerprint,
): DuplicateMatch | null {
  const { exact, near } = sources.candidates(collection, print);
  for (const key of exact) {
    const row = stored.rowByKey(key);
    if (row?.collection === collection) return { row, sameWords: true, similarity: 1, incomingCovers: true, storedCovers: true };
  }
  let best: DuplicateMatch | null = null;
  let incomingShingles: Set<number> | null = null;
  let incomingFacts: StoryFacts | null = null;
  for (const key of near) {
    const row = stored.rowByKey(key);
    const body = stored.bodyRow(key)?.body;
    if (!row || row.collection !== collection || body === undefined) continue;
    incomingShingles ??= shingles(incoming.body);
    const score = jaccard(incomingShingles, shingles(body));
    if (score < NEAR_DUPLICATE_THRESHOLD || (best && score <= best.similarity)) continue;
    incomingFacts ??= storyFacts(incoming.title, incoming.body);
    const match = sameStory(incomingFacts, storyFacts(row.title, body));
    if (match.same) best = { row, sameWords: false, similarity: score, incomingCovers: match.aCoversB, storedCovers: match.bCoversA };
  }
  return best;
}
