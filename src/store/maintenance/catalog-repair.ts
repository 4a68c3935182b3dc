import type Database from 'better-sqlite3';
import { hasArticleFts } from '../catalog/article-fts.ts';

/** SQL for the catalog rows `newsroom check` looks at and `--repair` fixes. */
export const CATALOG_QUERIES = {
  orphanChunks: 'SELECT id FROM chunks WHERE article_key NOT IN (SELECT key FROM articles)',
  wrongChunkCounts: 'SELECT key FROM articles a WHERE chunk_count != (SELECT count(*) FROM chunks c WHERE c.article_key = a.key)',
  ftsMissing: 'SELECT count(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM chunks_fts f WHERE f.rowid = c.id)',
  ftsExtra: 'SELECT count(*) AS n FROM chunks_fts f WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = f.rowid)',
  articleFtsMissing: 'SELECT count(*) AS n FROM articles a WHERE NOT EXISTS (SELECT 1 FROM articles_fts f WHERE f.rowid = a.key)',
  articleFtsExtra: 'SELECT count(*) AS n FROM articles_fts f WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.key = f.rowid)',
} as const;

export interface CatalogRepairs {
  orphanChunks: number;
  chunkCounts: number;
  /** Chunks re-entered into the keyword index when it was rebuilt (0: not rebuilt). */
  ftsRebuilt: number;
  /** Articles re-entered into the whole-article keyword index when it was rebuilt (0: not rebuilt). */
  articleFtsRebuilt: number;
}

/** FTS5's own check of an index's structure (a write statement that changes nothing). */
export function ftsDamaged(db: Database.Database, table: 'chunks_fts' | 'articles_fts'): boolean {
  try {
    db.exec(`INSERT INTO ${table} (${table}) VALUES ('integrity-check')`);
    return false;
  } catch {
    return true;
  }
}

/** Re-enters every chunk into the keyword index, its text cut from its article's body (see chunk-text.ts). */
function refillChunkFts(db: Database.Database): number {
  const chunksOf = db.prepare<[number], { id: number; start: number; end: number }>(
    'SELECT id, start, end FROM chunks WHERE article_key = ? ORDER BY position',
  );
  const articleOf = db.prepare<[number], { title: string; body: string }>(
    'SELECT title, article_text(body) AS body FROM articles WHERE key = ?',
  );
  const insert = db.prepare('INSERT INTO chunks_fts (rowid, text, title) VALUES (?, ?, ?)');
  let entered = 0;
  const keys = db.prepare<[], number>('SELECT key FROM articles').pluck().all();
  for (const key of keys) {
    const article = articleOf.get(key);
    if (!article) continue;
    for (const c of chunksOf.all(key)) {
      insert.run(c.id, article.body.slice(c.start, c.end), article.title);
      entered++;
    }
  }
  return entered;
}

/**
 * Fixes the catalog rows that can be fixed without a backup, each in its own transaction: chunks
 * whose article is gone are removed (with tombstones, so every copy of the vector index drops
 * them), article chunk counts are corrected, and each keyword index (chunks, whole articles) is
 * rebuilt when it lacks rows, has extra ones, or fails FTS5's integrity check. Call under the write lock.
 */
export function repairCatalogRows(db: Database.Database): CatalogRepairs {
  const generationOf = () =>
    Number((db.prepare("SELECT value FROM meta WHERE key = 'generation'").get() as { value: string } | undefined)?.value ?? '0');
  const setGeneration = (g: number) =>
    db
      .prepare("INSERT INTO meta (key, value) VALUES ('generation', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
      .run(String(g));

  const orphans = (db.prepare(CATALOG_QUERIES.orphanChunks).raw(true).all() as [number][]).map((r) => r[0]);
  if (orphans.length > 0) {
    db.transaction(() => {
      const generation = generationOf() + 1;
      for (const id of orphans) {
        db.prepare('DELETE FROM chunks_fts WHERE rowid = ?').run(id);
        db.prepare('INSERT OR REPLACE INTO tombstones (chunk_id, generation) VALUES (?, ?)').run(id, generation);
        db.prepare('DELETE FROM chunks WHERE id = ?').run(id);
      }
      setGeneration(generation);
    })();
  }

  const chunkCounts = db
    .prepare(
      `UPDATE articles SET chunk_count = (SELECT count(*) FROM chunks c WHERE c.article_key = articles.key) WHERE key IN (${CATALOG_QUERIES.wrongChunkCounts})`,
    )
    .run().changes;

  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  let ftsRebuilt = 0;
  if (count(CATALOG_QUERIES.ftsMissing) > 0 || count(CATALOG_QUERIES.ftsExtra) > 0 || ftsDamaged(db, 'chunks_fts')) {
    db.transaction(() => {
      db.exec("INSERT INTO chunks_fts (chunks_fts) VALUES ('delete-all')");
      ftsRebuilt = refillChunkFts(db);
    })();
  }
  let articleFtsRebuilt = 0;
  if (
    hasArticleFts(db) &&
    (count(CATALOG_QUERIES.articleFtsMissing) > 0 || count(CATALOG_QUERIES.articleFtsExtra) > 0 || ftsDamaged(db, 'articles_fts'))
  ) {
    db.transaction(() => {
      db.exec("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')");
      articleFtsRebuilt = db
        .prepare('INSERT INTO articles_fts (rowid, title, body) SELECT key, title, article_text(body) FROM articles')
        .run().changes;
    })();
  }
  return { orphanChunks: orphans.length, chunkCounts, ftsRebuilt, articleFtsRebuilt };
}
