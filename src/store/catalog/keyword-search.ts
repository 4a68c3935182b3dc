import type { StatementCache } from './statement-cache.ts';

/** Keyword matches ranked before filtering, per result wanted; the pool grows by this factor while a narrow filter leaves too few. */
const KEYWORD_POOL_FACTOR = 8;
/** Past this pool, every match is ranked at once (no LIMIT). */
const LARGEST_POOL = 50_000;

const RANKED = 'SELECT rowid AS chunkId, bm25(chunks_fts, 1.0, 0.5) AS score FROM chunks_fts WHERE chunks_fts MATCH @match ORDER BY score';

type Ranked = { chunkId: number; score: number };

/** BM25 scores are lower for better matches; results carry them negated (higher is better). */
function toResult(rows: Ranked[]): Ranked[] {
  return rows.map((r) => ({ chunkId: r.chunkId, score: -r.score }));
}

/**
 * BM25 keyword search over chunk text and article title. `match` must already be a safe FTS5
 * expression (see retrieval/keyword-query.ts). Returns chunk ids best first.
 *
 * Ranking happens inside FTS5; the filter is the in-memory predicate over chunk ids that dense
 * search uses too (built once per catalog generation), applied to a pool of the best matches, so
 * no SQL join runs per search. A filter narrow enough to reject most of the pool gets a pool
 * eight times larger, until enough matches pass or every match was ranked.
 */
export function keywordSearch(statements: StatementCache, match: string, limit: number, accept?: (chunkId: number) => boolean): Ranked[] {
  if (!accept) return toResult(statements.get(`${RANKED} LIMIT @limit`).all({ match, limit }) as Ranked[]);
  for (let pool = limit * KEYWORD_POOL_FACTOR; ; pool *= KEYWORD_POOL_FACTOR) {
    const everything = pool > LARGEST_POOL;
    const best = (
      everything ? statements.get(RANKED).all({ match }) : statements.get(`${RANKED} LIMIT @pool`).all({ match, pool })
    ) as Ranked[];
    const kept: Ranked[] = [];
    for (const row of best) {
      if (accept(row.chunkId)) kept.push(row);
      if (kept.length === limit) break;
    }
    if (kept.length === limit || everything || best.length < pool) return toResult(kept);
  }
}

/**
 * BM25 keyword search among the chunks of `articleKeys`, best first (negated: higher is better).
 * The unary + keeps the chunk list out of FTS5's plan: FTS5 walks the match once, SQLite checks each
 * row against the list (built once per query), and only the rows kept are scored; given a plain
 * `rowid IN`, FTS5 would run the whole match again for every id.
 */
export function keywordSearchInArticles(
  statements: StatementCache,
  match: string,
  limit: number,
  articleKeys: readonly number[],
): Ranked[] {
  if (articleKeys.length === 0) return [];
  const rows = statements
    .get(
      `SELECT rowid AS chunkId, bm25(chunks_fts, 1.0, 0.5) AS score FROM chunks_fts
        WHERE chunks_fts MATCH @match AND +rowid IN (SELECT id FROM chunks WHERE article_key IN (SELECT value FROM json_each(@keys)))
        ORDER BY score LIMIT @limit`,
    )
    .all({ match, keys: JSON.stringify(articleKeys), limit }) as Ranked[];
  return toResult(rows);
}
