import { jaccard, NEAR_DUPLICATE_THRESHOLD, shingles, type Fingerprint } from '../../text/near-duplicate.ts';
import { sameStory, storyFacts } from '../../text/story-facts.ts';
import type { ArticleRow } from './article-rows.ts';
import type { ArticleSources } from './article-sources.ts';

/*
 * Finding the stored article a new version of a story repeats. Candidates come from the
 * fingerprints (identical words; MinHash bands for near-duplicates); a near-duplicate must then
 * be the same story (text/story-facts.ts: its facts agree, it opens alike), not a template
 * filled in again.
 */

/**
 * Near-duplicates whose facts are compared, the most similar first. Among templated stories every
 * candidate clears the wording threshold; the copy of a story is among the closest few.
 */
const MAX_FACT_CHECKS = 8;

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
  // Exact similarity of every candidate first (cheap); facts only for the most similar.
  const incomingShingles = shingles(incoming.body);
  const similar: { row: ArticleRow; body: string; score: number }[] = [];
  for (const key of near) {
    const row = stored.rowByKey(key);
    const body = stored.bodyRow(key)?.body;
    if (!row || row.collection !== collection || body === undefined) continue;
    const score = jaccard(incomingShingles, shingles(body));
    if (score >= NEAR_DUPLICATE_THRESHOLD) similar.push({ row, body, score });
  }
  if (similar.length === 0) return null;
  const incomingFacts = storyFacts(incoming.title, incoming.body);
  for (const { row, body, score } of similar.sort((a, b) => b.score - a.score).slice(0, MAX_FACT_CHECKS)) {
    const match = sameStory(incomingFacts, storyFacts(row.title, body));
    if (match.same) return { row, sameWords: false, similarity: score, incomingCovers: match.aCoversB, storedCovers: match.bCoversA };
  }
  return null;
}
