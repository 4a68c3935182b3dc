import type { CatalogReader } from '../store/reader.ts';
import { queryTerms, stem, toFtsQuery } from './keyword-query.ts';

/*
 * Which of a question's words keyword search scores, at the two levels it searches: passages
 * (chunks) and whole articles. In a large archive the commonest words cost the most to score and
 * weigh the least, so they are left out where rarer words remain.
 */

/** Query words in at least this share of the chunks, and at least COSTLY_CHUNKS of them, are left out of keyword search when rarer ones remain. */
export const COMMON_SHARE = 0.2;
/** Scoring a word found in fewer chunks than this costs little: small archives keep every word. */
export const COSTLY_CHUNKS = 50_000;
/** Whole-article search leaves out a weightless word (see keywordQueries) found in at least this many articles. */
export const COSTLY_ARTICLES = 2_000;
/** Of a query made only of common words, this many of the rarest are searched. */
const RAREST_KEPT = 2;

/** A query's FTS5 expressions: for passages, and for whole articles (without the words BM25 gives no weight there). */
export interface KeywordQueries {
  passages: string;
  wholeArticles: string;
}

/**
 * The FTS5 expressions for a query's passages and for whole articles. Passages: without the
 * query's costly words (in COMMON_SHARE of a large archive's chunks or more, and at least
 * COSTLY_CHUNKS of them) when others remain, else with only its RAREST_KEPT rarest words: such
 * words weigh almost nothing in BM25 but cost the most to score, so a question made of common
 * words takes bounded time. Whole articles: also without the words in half the articles or more
 * (at least COSTLY_ARTICLES of them) when others remain: BM25 gives such a word no weight at all
 * (FTS5 clamps its idf to ~0), yet FTS5 would score every article holding it. Small archives keep
 * every word.
 */
export function keywordQueries(catalog: Pick<CatalogReader, 'tokenCounts' | 'articleTokenCounts'>, text: string): KeywordQueries | null {
  const terms = queryTerms(text);
  if (terms.length === 0) return null;
  const stems = terms.map(stem);
  const { chunks, articles, counts } = catalog.tokenCounts(stems);
  const affordable = affordableTerms(terms, counts, chunks);
  // A word's articles are never more than its chunks (each holds it in a chunk or the headline every
  // chunk repeats): only words in enough chunks can be weightless, and only theirs are counted.
  const maybeWeightless = (i: number) => (counts[i] ?? 0) >= Math.max(COSTLY_ARTICLES, articles / 2);
  const asked = terms.flatMap((_, i) => (maybeWeightless(i) ? [i] : []));
  // Most questions have no such word: then nothing more is read.
  const found = asked.length > 0 ? catalog.articleTokenCounts(asked.map((i) => stems[i] as string)) : [];
  const articleCounts = terms.map((_, i) => found[asked.indexOf(i)] ?? 0);
  const passages = toFtsQuery(affordable.join(' '));
  const wholeArticles = toFtsQuery(weightedTerms(affordable, terms, articleCounts, articles).join(' '));
  return passages && wholeArticles ? { passages, wholeArticles } : null;
}

/** Of query terms found in `counts` chunks each (of about `chunks`), those worth scoring (see keywordQueries), in query order. */
export function affordableTerms(
  terms: readonly string[],
  counts: readonly number[],
  chunks: number,
  costlyChunks = COSTLY_CHUNKS,
): string[] {
  const costly = (count: number) => count >= costlyChunks && count >= COMMON_SHARE * chunks;
  if (!counts.some(costly)) return [...terms];
  const cheap = terms.filter((_, i) => !costly(counts[i] ?? 0));
  if (cheap.length > 0) return cheap;
  const rarest = terms
    .map((term, i) => ({ term, count: counts[i] ?? 0 }))
    .sort((a, b) => a.count - b.count)
    .slice(0, RAREST_KEPT);
  return terms.filter((term) => rarest.some((r) => r.term === term));
}

/**
 * Of `kept` (some of `terms`, found in `articleCounts` whole articles each, of `articles`), those
 * whole-article BM25 gives a weight, in order: a word in half the articles or more has none (FTS5
 * clamps its idf to ~0) and is left out once found in `costlyArticles` or more, when others remain.
 */
export function weightedTerms(
  kept: readonly string[],
  terms: readonly string[],
  articleCounts: readonly number[],
  articles: number,
  costlyArticles = COSTLY_ARTICLES,
): string[] {
  const weightless = (term: string) => {
    const count = articleCounts[terms.indexOf(term)] ?? 0;
    return count >= costlyArticles && 2 * count >= articles;
  };
  const weighted = kept.filter((term) => !weightless(term));
  return weighted.length > 0 ? weighted : [...kept];
}
