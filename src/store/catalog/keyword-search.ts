import type { StatementCache } from './statement-cache.ts';
import type { SearchFilter } from '../types.ts';

/** Keyword matches ranked before filtering, per result wanted. */
const KEYWORD_POOL_FACTOR = 8;

const RANKED = 'SELECT rowid AS chunkId, bm25(chunks_fts, 1.0, 0.5) AS score FROM chunks_fts WHERE chunks_fts MATCH @match ORDER BY score';

type Ranked = { chunkId: number; score: number };

/** BM25 scores are lower for better matches; results carry them negated (higher is better). */
function toResult(rows: unknown[]): Ranked[] {
  return rows.map((r) => ({ chunkId: (r as Ranked).chunkId, score: -(r as Ranked).score }));
}

/** The filter as SQL conditions on the article row `a`, with their parameters. */
function filterConditions(filter: SearchFilter): { where: string; params: Record<string, string | number> } {
  const conditions = ['a.collection IN (SELECT value FROM json_each(@collections))'];
  const params: Record<string, string | number> = { collections: JSON.stringify(filter.collections) };
  if (filter.articleIds) {
    conditions.push('a.id IN (SELECT value FROM json_each(@articleIds))');
    params.articleIds = JSON.stringify(filter.articleIds);
  }
  if (filter.publishedFrom) {
    conditions.push('a.published >= @from');
    params.from = filter.publishedFrom;
  }
  if (filter.publishedTo) {
    conditions.push('substr(a.published, 1, length(@to)) <= @to');
    params.to = filter.publishedTo;
  }
  if (filter.asOf) {
    conditions.push('(a.published IS NULL OR substr(a.published, 1, 10) <= @asOf)');
    params.asOf = filter.asOf;
  }
  return { where: conditions.join(' AND '), params };
}

/**
 * BM25 keyword search over chunk text and article title. `match` must already be a safe FTS5
 * expression (see retrieval/keyword-query.ts). Returns chunk ids best first.
 *
 * Ranking happens inside FTS5 first; only the best few hundred matches are joined with their
 * articles to apply the filter (joining every match of a common word was most of a search's
 * time). A filter narrow enough to reject that whole pool falls back to filtering every match.
 */
export function keywordSearch(statements: StatementCache, match: string, limit: number, filter: SearchFilter, admitsAll: boolean): Ranked[] {
  if (admitsAll) return toResult(statements.get(`${RANKED} LIMIT @limit`).all({ match, limit }));
  const { where, params } = filterConditions(filter);
  const pool = limit * KEYWORD_POOL_FACTOR;
  const best = statements.get(`${RANKED} LIMIT @pool`).all({ match, pool }) as Ranked[];
  const admitted = new Set(
    (
      statements
        .get(`SELECT c.id FROM json_each(@ids) j JOIN chunks c ON c.id = j.value JOIN articles a ON a.key = c.article_key WHERE ${where}`)
        .all({ ...params, ids: JSON.stringify(best.map((r) => r.chunkId)) }) as { id: number }[]
    ).map((r) => r.id),
  );
  const kept = best.filter((r) => admitted.has(r.chunkId)).slice(0, limit);
  if (kept.length >= limit || best.length < pool) return toResult(kept);
  // A narrow filter rejected most of the pool: filter every match instead.
  return toResult(
    statements
      .get(
        `SELECT r.chunkId, r.score FROM (${RANKED}) r JOIN chunks c ON c.id = r.chunkId JOIN articles a ON a.key = c.article_key
          WHERE ${where} ORDER BY r.score LIMIT @limit`,
      )
      .all({ ...params, match, limit }),
  );
}
