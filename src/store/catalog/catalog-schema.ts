import type Database from 'better-sqlite3';
import type { Logger } from '../../log.ts';
import { registerArticleText } from './article-body.ts';
import { migrateArticleFts } from './article-fts.ts';
import { dropStoredChunkTexts } from './chunk-text.ts';
import { migrateLiveArchive } from './article-sources.ts';
import { INSTRUCTION_FINDINGS_SCHEMA } from './instruction-findings.ts';
import { FEEDS_SCHEMA, migrateFeedTables } from './feed-tables.ts';
import { openSqliteFile } from '../sqlite-file.ts';

/*
 * The catalog's tables. `meta` holds the embedding model, the fingerprint version and the
 * change log's generation; `tombstones` and chunks.embedded_in are the change log itself (see
 * change-log.ts). The live archive's tables (article-sources.ts) and the feed tables
 * (feed-tables.ts) are created beside them.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
  key INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  collection TEXT NOT NULL,
  title TEXT NOT NULL,
  url TEXT,
  published TEXT,
  byline TEXT,
  section TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  source TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  body NOT NULL, -- text, or deflated text (article-body.ts): read it as article_text(body)
  chunk_count INTEGER NOT NULL,
  ingested_at TEXT NOT NULL,
  UNIQUE (collection, id)
);
CREATE INDEX IF NOT EXISTS articles_source ON articles (collection, source);
-- What search filters and story ranking read of every article at open (article-filters.ts), without reading the
-- article rows and their bodies: 0.45 s for 50,000 articles from the table, a fraction from here.
CREATE INDEX IF NOT EXISTS articles_filter ON articles (collection, published, id, title);
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  article_key INTEGER NOT NULL REFERENCES articles (key) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  embedding BLOB,
  -- generation in which the embedding was stored: what a lagging vector index must replay
  embedded_in INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks (article_key, position);
CREATE INDEX IF NOT EXISTS chunks_embedded_in ON chunks (embedded_in);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5 (
  text, title, content = '', contentless_delete = 1, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS tombstones (chunk_id INTEGER PRIMARY KEY, generation INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tombstones_generation ON tombstones (generation);
`;

function isEmpty(db: Database.Database): boolean {
  return (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n === 0;
}

/**
 * Opens library.sqlite; opened writable, it gets the current schema (a new library) or the
 * migrations it lacks (an older one). A read-only library is read as it stands.
 */
export function openCatalogDatabase(file: string, options: { readonly?: boolean; logger?: Logger }): Database.Database {
  // busy_timeout (set there) sleeps on the event loop, but only opening can meet it: writers
  // take the library's write lock first, and WAL readers never wait for a writer.
  const db = openSqliteFile(file, {
    readOnly: options.readonly ?? false,
    refuseEmpty: true,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  registerArticleText(db);
  if (options.readonly) return db;
  if (isEmpty(db)) {
    // A chunk row (offsets + a 768-byte embedding) fits a 16 KiB page many times over, where 4 KiB
    // pages wasted about 40 % of the file. Incremental auto-vacuum lets pages freed by merging the
    // keyword indexes or forgetting articles go back to the disk (keyword-index-merge.ts). Both are
    // set only on a new database: on one in use, setting auto_vacuum again writes the header, a
    // write outside the write lock that other processes' transactions then fail on.
    db.pragma('page_size = 16384');
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  migrateLiveArchive(db);
  if (dropStoredChunkTexts(db)) options.logger?.info('library upgraded: chunk texts are now read from their articles, not stored twice');
  // Whole-article keyword index (article-fts.ts), filled once for a library that predates it.
  migrateArticleFts(db);
  // Feed subscriptions and their items (src/feeds).
  db.exec(FEEDS_SCHEMA);
  // Paragraphs addressed to an AI, found as articles are written (instruction-findings.ts).
  db.exec(INSTRUCTION_FINDINGS_SCHEMA);
  migrateFeedTables(db);
  return db;
}
