import type Database from 'better-sqlite3';
import type { StatementCache } from './statement-cache.ts';

/*
 * BM25 over whole articles (headline + body as one document), beside the per-chunk index: a story
 * whose headline names the subject and whose body holds the details matches as a whole here even
 * when no single passage holds every word. Contentless (the text lives in `articles`), keyed by the
 * article key, and kept in step by triggers, so every path that writes articles (add, update,
 * forget, merge, repair) keeps it right without knowing of it.
 */
const ARTICLES_FTS = `
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (
  title, body, content = '', contentless_delete = 1, tokenize = 'porter unicode61 remove_diacritics 2'
);
`;

/**
 * Bodies are stored deflated (article-body.ts): the triggers enter their text. An update that
 * leaves the text as it was (a body rewritten in its compressed form) leaves the index alone.
 */
const ARTICLES_FTS_TRIGGERS = `
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, body) VALUES (new.key, new.title, article_text(new.body));
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  DELETE FROM articles_fts WHERE rowid = old.key;
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles
  WHEN old.title IS NOT new.title OR article_text(old.body) IS NOT article_text(new.body) BEGIN
  DELETE FROM articles_fts WHERE rowid = old.key;
  INSERT INTO articles_fts (rowid, title, body) VALUES (new.key, new.title, article_text(new.body));
END;
`;
const TRIGGERS = ['articles_fts_insert', 'articles_fts_delete', 'articles_fts_update'];

/** Headline words count this many times body words in the whole-article BM25. */
export const TITLE_WEIGHT = 3;

/** Whether the library has the whole-article index (libraries written before it lack it until opened writable). */
export function hasArticleFts(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles_fts'").get() !== undefined;
}

/**
 * Creates the whole-article index where it is missing and fills it from the stored articles
 * (older libraries), and replaces triggers written before bodies were compressed.
 */
export function migrateArticleFts(db: Database.Database): void {
  const exists = hasArticleFts(db);
  const triggers = db
    .prepare<[], { sql: string }>(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('${TRIGGERS.join("', '")}')`)
    .all();
  // Triggers that enter a body must read it through article_text().
  const current = triggers.length === TRIGGERS.length && triggers.every((t) => !t.sql.includes('.body') || t.sql.includes('article_text'));
  if (exists && current) return;
  db.transaction(() => {
    db.exec(ARTICLES_FTS);
    for (const name of TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
    db.exec(ARTICLES_FTS_TRIGGERS);
    if (!exists) db.exec('INSERT INTO articles_fts (rowid, title, body) SELECT key, title, article_text(body) FROM articles');
  })();
}

const RANKED = `SELECT rowid AS articleKey, bm25(articles_fts, ${TITLE_WEIGHT}.0, 1.0) AS score FROM articles_fts WHERE articles_fts MATCH @match ORDER BY score`;
/** How much the pool grows each time a filter let too few of its matches through; past LARGEST_POOL every match is ranked. */
const POOL_FACTOR = 8;
const LARGEST_POOL = 50_000;
/** Matches ranked beyond what the filter's share of the articles calls for: matches are not spread evenly over them. */
const POOL_MARGIN = 1.25;

/**
 * The best whole-article matches for a prepared FTS5 expression among the articles `accept`
 * admits (all when undefined), best first, with BM25 negated (higher is better). `share` is the
 * share of the stored articles `accept` admits: the first pool ranked is what that share calls
 * for (FTS5 scores every match whatever the LIMIT, but sorting and returning ranked rows costs by
 * the row), grown while too few pass.
 */
export function articleSearch(
  statements: StatementCache,
  match: string,
  limit: number,
  accept?: (articleKey: number) => boolean,
  share = 1,
): { articleKey: number; score: number }[] {
  type Row = { articleKey: number; score: number };
  const first = accept ? Math.ceil((limit * POOL_MARGIN) / Math.max(share, limit / (LARGEST_POOL + 1))) : limit;
  for (let pool = first; ; pool *= POOL_FACTOR) {
    const everything = pool > LARGEST_POOL;
    const rows = (
      everything ? statements.get(RANKED).all({ match }) : statements.get(`${RANKED} LIMIT @pool`).all({ match, pool })
    ) as Row[];
    const kept = (accept ? rows.filter((r) => accept(r.articleKey)) : rows).slice(0, limit);
    if (kept.length === limit || everything || rows.length < pool) return kept.map((r) => ({ articleKey: r.articleKey, score: -r.score }));
  }
}

/**
 * Whole-article BM25 (negated, higher is better) of the given articles, for those the expression
 * matches. The unary + keeps the key list out of FTS5's plan: given `rowid IN (…)`, FTS5 runs the
 * whole match again for every key (20 ms for 40 keys at 20,000 chunks), where one pass over the
 * match with the keys checked row by row takes a fraction of a millisecond.
 */
export function scoresOfArticles(
  statements: StatementCache,
  match: string,
  keys: readonly number[],
): { articleKey: number; score: number }[] {
  if (keys.length === 0) return [];
  const rows = statements
    .get(
      `SELECT rowid AS articleKey, bm25(articles_fts, ${TITLE_WEIGHT}.0, 1.0) AS score FROM articles_fts
        WHERE articles_fts MATCH @match AND +rowid IN (SELECT value FROM json_each(@keys))`,
    )
    .all({ match, keys: JSON.stringify(keys) }) as { articleKey: number; score: number }[];
  return rows.map((r) => ({ ...r, score: -r.score }));
}
