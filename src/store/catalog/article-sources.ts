import type Database from 'better-sqlite3';
import {
  BANDS,
  bandKeys,
  blobToMinhash,
  estimatedJaccard,
  FINGERPRINT_VERSION,
  fingerprint,
  MAX_EXACT_CHECKS,
  MINHASH_SCREEN,
  minhashToBlob,
  type Fingerprint,
} from '../../text/near-duplicate.ts';
import type { ArticleHeader, ArticleSource } from '../types.ts';

/*
 * The live archive's tables, beside the catalog's own: every source a stored story came from
 * (a file, a record of a file, a URL, a feed item) under the id that source gives it, and the
 * fingerprints that find the same story arriving under another id.
 *
 * - article_sources: one row per (collection, source id). The row whose source id is the
 *   article's id is the version whose text is stored and cited; the others are aliases that
 *   resolve to it, each keeping its own version (text included) so that, should the cited
 *   source go, the newest remaining one can take its place.
 * - article_fingerprints / article_bands: a hash of each stored body's words (identical texts)
 *   and its MinHash signature filed under LSH band keys (near-duplicates); see text/near-duplicate.ts.
 */
export const SOURCES_SCHEMA = `
CREATE TABLE IF NOT EXISTS article_sources (
  collection TEXT NOT NULL,
  source_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  source TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  version TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_changed TEXT NOT NULL,
  PRIMARY KEY (collection, source_id)
);
CREATE INDEX IF NOT EXISTS article_sources_article ON article_sources (collection, article_id);
CREATE TABLE IF NOT EXISTS article_fingerprints (
  article_key INTEGER PRIMARY KEY REFERENCES articles (key) ON DELETE CASCADE,
  collection TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  minhash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS article_fingerprints_text ON article_fingerprints (collection, text_hash);
CREATE TABLE IF NOT EXISTS article_bands (
  band INTEGER NOT NULL,
  article_key INTEGER NOT NULL,
  PRIMARY KEY (band, article_key)
) WITHOUT ROWID;
`;

/**
 * Articles read from one band, the most recently stored first. News spreads a collection thinly
 * over the bands, but templated stories (the same boilerplate paragraphs, other figures) share
 * half their bands with each other: reading all of them would cost time in proportion to the
 * archive (0.7 s a lookup among 10,000). A copy of a templated story stored long ago, behind more
 * than this many newer ones in every band, is then not found and is kept apart.
 */
export const BAND_READ_LIMIT = 256;
/** Articles sharing the most bands with the incoming one whose signatures are read. */
const SIGNATURES_READ = 200;
const BAND_READ = `SELECT * FROM (SELECT article_key FROM article_bands WHERE band = ? ORDER BY article_key DESC LIMIT ${BAND_READ_LIMIT})`;

/** A source's version of a story: the article fields as it gave them (stored as JSON). */
export interface SourceVersion extends Omit<ArticleHeader, 'articleId' | 'collection'> {
  /** Null for the version whose text the article row holds (the cited one). */
  body: string | null;
  section: string | null;
  tags: string[];
}

export interface SourceRow {
  collection: string;
  sourceId: string;
  articleId: string;
  source: string;
  contentHash: string;
  version: SourceVersion;
  firstSeen: string;
  lastChanged: string;
}

interface RawSourceRow {
  collection: string;
  source_id: string;
  article_id: string;
  source: string;
  content_hash: string;
  version: string;
  first_seen: string;
  last_changed: string;
}

function toSourceRow(row: RawSourceRow): SourceRow {
  return {
    collection: row.collection,
    sourceId: row.source_id,
    articleId: row.article_id,
    source: row.source,
    contentHash: row.content_hash,
    version: JSON.parse(row.version) as SourceVersion,
    firstSeen: row.first_seen,
    lastChanged: row.last_changed,
  };
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
}

function hasTable(db: Database.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/** What an older library lacks, for reading it read-only without migrating it. */
export interface LiveSchema {
  updatedColumn: boolean;
  sourcesTable: boolean;
}

export function liveSchemaOf(db: Database.Database): LiveSchema {
  return { updatedColumn: hasColumn(db, 'articles', 'updated'), sourcesTable: hasTable(db, 'article_sources') };
}

/** Set in `meta` once every article has its source rows (later writes keep them). */
const SOURCES_BACKFILLED = 'sources_backfilled';

/**
 * Brings a writable library to this schema: the `updated` column, the tables above, and one
 * source row for every article stored before sources were recorded (its own source, under its
 * own id). Idempotent; runs on every writable open (the backfill only once).
 */
export function migrateLiveArchive(db: Database.Database): void {
  db.transaction(() => {
    if (!hasColumn(db, 'articles', 'updated')) db.exec('ALTER TABLE articles ADD COLUMN updated TEXT');
    db.exec(SOURCES_SCHEMA);
    const done = db.prepare('SELECT value FROM meta WHERE key = ?').get(SOURCES_BACKFILLED) !== undefined;
    if (done) return;
    db.exec(`
      INSERT INTO article_sources (collection, source_id, article_id, source, content_hash, version, first_seen, last_changed)
      SELECT a.collection, a.id, a.id, a.source, a.content_hash,
             json_object('title', a.title, 'body', NULL, 'url', a.url, 'published', a.published, 'updated', a.updated,
                         'byline', a.byline, 'section', a.section, 'tags', json(a.tags)),
             a.ingested_at, a.ingested_at
        FROM articles a
       WHERE NOT EXISTS (SELECT 1 FROM article_sources s WHERE s.collection = a.collection AND s.source_id = a.id)`);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')").run(SOURCES_BACKFILLED);
  })();
}

/** The SQL side of sources and fingerprints; every method runs inside the caller's transaction. */
export class ArticleSources {
  private readonly statements;

  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
    this.statements = {
      get: db.prepare<[string, string], RawSourceRow>('SELECT * FROM article_sources WHERE collection = ? AND source_id = ?'),
      ofArticle: db.prepare<[string, string], RawSourceRow>(
        'SELECT * FROM article_sources WHERE collection = ? AND article_id = ? ORDER BY first_seen, source_id',
      ),
      upsert: db.prepare(
        `INSERT INTO article_sources (collection, source_id, article_id, source, content_hash, version, first_seen, last_changed)
         VALUES (@collection, @sourceId, @articleId, @source, @contentHash, @version, @firstSeen, @lastChanged)
         ON CONFLICT (collection, source_id) DO UPDATE SET article_id = excluded.article_id, source = excluded.source,
           content_hash = excluded.content_hash, version = excluded.version, last_changed = excluded.last_changed`,
      ),
      moved: db.prepare('UPDATE article_sources SET source = ? WHERE collection = ? AND source_id = ?'),
      movedCited: db.prepare('UPDATE articles SET source = ? WHERE collection = ? AND id = ?'),
      delete: db.prepare('DELETE FROM article_sources WHERE collection = ? AND source_id = ?'),
      deleteOfArticle: db.prepare('DELETE FROM article_sources WHERE collection = ? AND article_id = ?'),
      repoint: db.prepare('UPDATE article_sources SET article_id = ? WHERE collection = ? AND article_id = ?'),
      setBody: db.prepare("UPDATE article_sources SET version = json_set(version, '$.body', ?) WHERE collection = ? AND source_id = ?"),
      inCollection: db.prepare<[string], { source_id: string; source: string; article_id: string }>(
        'SELECT source_id, source, article_id FROM article_sources WHERE collection = ? ORDER BY source_id',
      ),
      putFingerprint: db.prepare('INSERT INTO article_fingerprints (article_key, collection, text_hash, minhash) VALUES (?, ?, ?, ?)'),
      fingerprintOf: db.prepare<[number], { collection: string; minhash: Buffer }>(
        'SELECT collection, minhash FROM article_fingerprints WHERE article_key = ?',
      ),
      deleteFingerprint: db.prepare('DELETE FROM article_fingerprints WHERE article_key = ?'),
      putBand: db.prepare('INSERT OR IGNORE INTO article_bands (band, article_key) VALUES (?, ?)'),
      deleteBand: db.prepare('DELETE FROM article_bands WHERE band = ? AND article_key = ?'),
      sameText: db.prepare<[string, string], { article_key: number }>(
        'SELECT article_key FROM article_fingerprints WHERE collection = ? AND text_hash = ?',
      ),
      // Each band by its primary key, newest articles first and at most BAND_READ_LIMIT of them;
      // the articles sharing the most bands, then their signatures by key: never a scan of the collection.
      sharingBands: db.prepare<number[], { article_key: number }>(
        `SELECT article_key, count(*) AS bands FROM (${Array.from({ length: BANDS }, () => BAND_READ).join(' UNION ALL ')})
          GROUP BY article_key ORDER BY bands DESC, article_key DESC LIMIT ${SIGNATURES_READ}`,
      ),
      signatures: db.prepare<[string], { article_key: number; collection: string; minhash: Buffer }>(
        'SELECT article_key, collection, minhash FROM article_fingerprints WHERE article_key IN (SELECT value FROM json_each(?))',
      ),
      unfingerprinted: db.prepare<[], { key: number; collection: string; body: string }>(
        'SELECT key, collection, article_text(body) AS body FROM articles WHERE key NOT IN (SELECT article_key FROM article_fingerprints)',
      ),
    };
  }

  get(collection: string, sourceId: string): SourceRow | undefined {
    const row = this.statements.get.get(collection, sourceId);
    return row ? toSourceRow(row) : undefined;
  }

  ofArticle(collection: string, articleId: string): SourceRow[] {
    return this.statements.ofArticle.all(collection, articleId).map(toSourceRow);
  }

  upsert(row: SourceRow): void {
    this.statements.upsert.run({ ...row, version: JSON.stringify(row.version) });
  }

  /** The same version found somewhere else (a file moved or renamed): only where it comes from changes. */
  moved(collection: string, sourceId: string, source: string): void {
    this.statements.moved.run(source, collection, sourceId);
    this.statements.movedCited.run(source, collection, sourceId);
  }

  delete(collection: string, sourceId: string): void {
    this.statements.delete.run(collection, sourceId);
  }

  deleteOfArticle(collection: string, articleId: string): void {
    this.statements.deleteOfArticle.run(collection, articleId);
  }

  /** Every source of one article now resolves to another id (the newest version took over). */
  repoint(collection: string, fromArticleId: string, toArticleId: string): void {
    if (fromArticleId !== toArticleId) this.statements.repoint.run(toArticleId, collection, fromArticleId);
  }

  /** Keeps a version's own text (it stops being the cited one), or drops it (it becomes the cited one). */
  setVersionBody(collection: string, sourceId: string, body: string | null): void {
    this.statements.setBody.run(body, collection, sourceId);
  }

  /** Every source in a collection, for pruning sources that are gone. */
  inCollection(collection: string): { sourceId: string; source: string; articleId: string }[] {
    return this.statements.inCollection.all(collection).map((r) => ({ sourceId: r.source_id, source: r.source, articleId: r.article_id }));
  }

  /** Sources of every article in the collections, keyed `collection\0articleId`, oldest first. */
  listed(collections: readonly string[] | undefined): Map<string, ArticleSource[]> {
    const where = collections ? 'WHERE collection IN (SELECT value FROM json_each(?))' : '';
    const rows = this.db
      .prepare<
        unknown[],
        { collection: string; article_id: string; source_id: string; source: string; first_seen: string; last_changed: string }
      >(
        `SELECT collection, article_id, source_id, source, first_seen, last_changed FROM article_sources ${where} ORDER BY first_seen, source_id`,
      )
      .all(...(collections ? [JSON.stringify(collections)] : []));
    const out = new Map<string, ArticleSource[]>();
    for (const row of rows) {
      const key = `${row.collection}\0${row.article_id}`;
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push({ id: row.source_id, source: row.source, firstSeen: row.first_seen, lastChanged: row.last_changed });
    }
    return out;
  }

  // ------------------------------------------------------------ fingerprints

  putFingerprint(articleKey: number, collection: string, print: Fingerprint): void {
    this.statements.putFingerprint.run(articleKey, collection, print.textHash, minhashToBlob(print.minhash));
    for (const band of bandKeys(print.minhash, collection)) this.statements.putBand.run(band, articleKey);
  }

  /** Removes an article's fingerprint and band entries (before its row goes). */
  deleteFingerprint(articleKey: number): void {
    const row = this.statements.fingerprintOf.get(articleKey);
    if (!row) return;
    for (const band of bandKeys(blobToMinhash(row.minhash), row.collection)) this.statements.deleteBand.run(band, articleKey);
    this.statements.deleteFingerprint.run(articleKey);
  }

  /**
   * Stored articles of the collection that may be the same story: identical words (`exact`), and
   * of the SIGNATURES_READ sharing the most bands, those whose signatures agree on at least
   * MINHASH_SCREEN of their values (`near`, most similar first, at most MAX_EXACT_CHECKS).
   */
  candidates(collection: string, print: Fingerprint): { exact: number[]; near: number[] } {
    const exact = this.statements.sameText.all(collection, print.textHash).map((r) => r.article_key);
    const seen = new Set(exact);
    const bands = bandKeys(print.minhash, collection);
    const sharing = this.statements.sharingBands
      .all(...bands)
      .map((r) => r.article_key)
      .filter((key) => !seen.has(key));
    const near = this.statements.signatures
      .all(JSON.stringify(sharing))
      .filter((r) => r.collection === collection)
      .map((r) => ({ key: r.article_key, estimate: estimatedJaccard(print.minhash, blobToMinhash(r.minhash)) }))
      .filter((c) => c.estimate >= MINHASH_SCREEN)
      .sort((a, b) => b.estimate - a.estimate)
      .slice(0, MAX_EXACT_CHECKS)
      .map((c) => c.key);
    return { exact, near };
  }

  /**
   * Fingerprints every article that has none (stored before fingerprints existed, or under an
   * older FINGERPRINT_VERSION, whose fingerprints are dropped first). Returns how many.
   */
  backfillFingerprints(storedVersion: string | undefined): number {
    if (storedVersion !== FINGERPRINT_VERSION) this.db.exec('DELETE FROM article_bands; DELETE FROM article_fingerprints');
    let count = 0;
    for (const row of this.statements.unfingerprinted.all()) {
      this.putFingerprint(row.key, row.collection, fingerprint(row.body));
      count++;
    }
    return count;
  }
}
