import type Database from 'better-sqlite3';
import type { Article } from '../articles/article.ts';
import type { Logger } from '../log.ts';
import type { Chunk } from '../text/chunk.ts';
import { FINGERPRINT_VERSION, fingerprint, jaccard, NEAR_DUPLICATE_THRESHOLD, shingles, type Fingerprint } from '../text/near-duplicate.ts';
import {
  ArticleSources,
  liveSchemaOf,
  migrateLiveArchive,
  type LiveSchema,
  type SourceRow,
  type SourceVersion,
} from './article-sources.ts';
import { FEEDS_SCHEMA, FeedTables } from './feed-tables.ts';
import { openSqliteFile } from './sqlite-file.ts';
import type { PutOutcome, SearchFilter, StoredArticle } from './types.ts';
import { earliest, firstUpdated, incomingIsNewer, isLater, versionDate } from './versions.ts';

/** A chunk ready to store: its span of the body and its embedding (null until the model can run). */
export interface EmbeddedChunk extends Chunk {
  embedding: Float32Array | null;
}

/** A stored chunk still waiting for its embedding, with the text to embed. */
export interface PendingChunk {
  id: number;
  title: string;
  text: string;
}

/** A stored chunk joined with what a search result needs of its article. */
export interface ChunkRecord {
  chunkId: number;
  articleKey: number;
  articleId: string;
  collection: string;
  title: string;
  url: string | null;
  published: string | null;
  /** When the stored story last changed (its own updated date, or the ingest that changed it); null if never. */
  updated: string | null;
  byline: string | null;
  text: string;
  start: number;
  end: number;
}

/** What a committed write changed in the vector space. */
export interface ChunkChanges {
  /** Every chunk inserted, embedded or not (keyword search finds them at once). */
  inserted: number[];
  /** The inserted or newly embedded chunks that have an embedding, for the vector index. */
  added: { id: number; embedding: Float32Array }[];
  removed: number[];
  /** Catalog key of the article written (absent for a removal) and of the row it replaced. */
  articleKey?: number;
  previousKey?: number;
}

export interface IndexDelta {
  generation: number;
  added: { id: number; embedding: Float32Array }[];
  removed: number[];
}

interface ArticleRow {
  key: number;
  id: string;
  collection: string;
  title: string;
  url: string | null;
  published: string | null;
  updated: string | null;
  byline: string | null;
  section: string | null;
  tags: string;
  source: string;
  content_hash: string;
  chunk_count: number;
  ingested_at: string;
}

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
  body TEXT NOT NULL,
  chunk_count INTEGER NOT NULL,
  ingested_at TEXT NOT NULL,
  UNIQUE (collection, id)
);
CREATE INDEX IF NOT EXISTS articles_source ON articles (collection, source);
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  article_key INTEGER NOT NULL REFERENCES articles (key) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  text TEXT NOT NULL,
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

/** What storing one source's version did (see Catalog.putVersion). */
export interface StoreOutcome {
  outcome: PutOutcome;
  /** The stored article the version belongs to now. */
  articleId: string;
  /** For a duplicate: the id the stored story had before (it may now be an alias of `articleId`). */
  duplicateOf?: string;
  /** Vector changes to apply, or null when the cited text did not change. */
  changes: ChunkChanges | null;
}

/** What removing one source would do (see Catalog.planSourceRemoval). */
export type SourceRemoval =
  | { kind: 'absent' }
  | { kind: 'retract'; articleId: string }
  | { kind: 'alias'; articleId: string }
  | { kind: 'promote'; articleId: string; next: Article };

function versionOf(article: Article, body: string | null): SourceVersion {
  return {
    title: article.title,
    body,
    url: article.url ?? null,
    published: article.published ?? null,
    updated: article.updated ?? null,
    byline: article.byline ?? null,
    section: article.section ?? null,
    tags: article.tags,
  };
}

function sourceRow(collection: string, article: Article, articleId: string, body: string | null, firstSeen: string, now: string): SourceRow {
  return {
    collection,
    sourceId: article.id,
    articleId,
    source: article.source,
    contentHash: article.contentHash,
    version: versionOf(article, body),
    firstSeen,
    lastChanged: now,
  };
}

/** A stored source version as the Article it was read as. */
function articleOfVersion(row: SourceRow, body: string): Article {
  const v = row.version;
  const article: Article = { id: row.sourceId, title: v.title, body, tags: v.tags, source: row.source, contentHash: row.contentHash };
  if (v.url !== null) article.url = v.url;
  if (v.published !== null) article.published = v.published;
  if (v.updated !== null) article.updated = v.updated;
  if (v.byline !== null) article.byline = v.byline;
  if (v.section !== null) article.section = v.section;
  return article;
}

/** Keyword matches ranked before filtering, per result wanted. */
const KEYWORD_POOL_FACTOR = 8;

/** Article columns; `updated` is read as NULL from a library too old to have it (opened read-only). */
function articleColumns(live: LiveSchema): string {
  return `key, id, collection, title, url, published, ${live.updatedColumn ? 'updated' : 'NULL AS updated'}, byline, section, tags, source, content_hash, chunk_count, ingested_at`;
}

function toStoredArticle(row: ArticleRow): StoredArticle {
  return {
    id: row.id,
    collection: row.collection,
    title: row.title,
    url: row.url,
    published: row.published,
    updated: row.updated,
    byline: row.byline,
    section: row.section,
    tags: JSON.parse(row.tags) as string[],
    source: row.source,
    contentHash: row.content_hash,
    chunkCount: row.chunk_count,
    ingestedAt: row.ingested_at,
    sources: [],
  };
}

function embeddingToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function blobToEmbedding(b: Buffer): Float32Array {
  // Copy: the Buffer may be a view into a pool with an unaligned offset.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/**
 * The SQLite side of the library: articles, chunks with their embeddings, the FTS5 keyword
 * index, and a generation counter with tombstones so any copy of the vector index can be
 * brought up to date from here without re-embedding.
 */
export class Catalog {
  readonly db: Database.Database;
  private readonly statements;
  /** Which live-archive additions this library has (all of them once opened writable). */
  private readonly live: LiveSchema;
  /** Sources and fingerprints; null only for an older library opened read-only. */
  private readonly sources: ArticleSources | null;
  private readonly columns: string;

  constructor(file: string, options: { readonly?: boolean; logger?: Logger } = {}) {
    // busy_timeout (set there) sleeps on the event loop, but only opening can meet it: writers
    // take the library's write lock first, and WAL readers never wait for a writer.
    this.db = openSqliteFile(file, { readOnly: options.readonly ?? false, refuseEmpty: true, ...(options.logger ? { logger: options.logger } : {}) });
    if (!options.readonly) {
      // Takes effect only for a new database: a chunk row (text + a 1.5 KB embedding) fits a 16 KiB
      // page several times over, where 4 KiB pages waste about 40 % of the file.
      this.db.pragma('page_size = 16384');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.exec(SCHEMA);
      migrateLiveArchive(this.db);
      // Feed subscriptions and their items (src/feeds).
      this.db.exec(FEEDS_SCHEMA);
    }
    const db = this.db;
    this.live = liveSchemaOf(db);
    this.sources = this.live.sourcesTable ? new ArticleSources(db) : null;
    this.columns = articleColumns(this.live);
    const updated = this.live.updatedColumn ? 'a.updated' : 'NULL AS updated';
    this.statements = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      articleByKey: db.prepare<[string, string], ArticleRow>(`SELECT ${this.columns} FROM articles WHERE collection = ? AND id = ?`),
      bodyByKey: db.prepare<[number], { body: string }>('SELECT body FROM articles WHERE key = ?'),
      rowByKey: db.prepare<[number], ArticleRow>(`SELECT ${this.columns} FROM articles WHERE key = ?`),
      deleteArticle: db.prepare('DELETE FROM articles WHERE key = ?'),
      chunkIdsOf: db.prepare<[number], { id: number }>('SELECT id FROM chunks WHERE article_key = ?'),
      insertChunk: db.prepare(
        'INSERT INTO chunks (article_key, position, start, end, text, embedding, embedded_in) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      setEmbedding: db.prepare('UPDATE chunks SET embedding = ?, embedded_in = ? WHERE id = ?'),
      pending: db.prepare<[number], PendingChunk>(
        `SELECT c.id, a.title, c.text FROM chunks c JOIN articles a ON a.key = c.article_key
          WHERE c.embedding IS NULL ORDER BY c.id LIMIT ?`,
      ),
      pendingCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks WHERE embedding IS NULL'),
      insertFts: db.prepare('INSERT INTO chunks_fts (rowid, text, title) VALUES (?, ?, ?)'),
      deleteFts: db.prepare('DELETE FROM chunks_fts WHERE rowid = ?'),
      insertTombstone: db.prepare('INSERT OR REPLACE INTO tombstones (chunk_id, generation) VALUES (?, ?)'),
      chunkRecords: db.prepare<[string], ChunkRecord>(
        `SELECT c.id AS chunkId, a.key AS articleKey, a.id AS articleId, a.collection, a.title, a.url, a.published, ${updated}, a.byline,
                c.text, c.start, c.end
           FROM json_each(?) j JOIN chunks c ON c.id = j.value JOIN articles a ON a.key = c.article_key`,
      ),
      chunkArticleKeys: db.prepare<[], [number, number]>('SELECT id, article_key FROM chunks ORDER BY id').raw(true),
      maxChunkId: db.prepare<[], { m: number | null }>('SELECT max(id) AS m FROM chunks'),
      articleFilterRows: db.prepare<[], { key: number; collection: string; published: string | null; id: string }>(
        'SELECT key, collection, published, id FROM articles',
      ),
      embeddedAfter: db.prepare<[number], { id: number; embedding: Buffer }>(
        'SELECT id, embedding FROM chunks WHERE embedded_in > ? AND embedding IS NOT NULL ORDER BY id',
      ),
      tombstonesAfter: db.prepare<[number], { chunk_id: number }>('SELECT chunk_id FROM tombstones WHERE generation > ?'),
      chunkCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks'),
      articleCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM articles'),
      // embedded_in > 0 exactly when the embedding is stored; answered from its index alone.
      embeddedCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks WHERE embedded_in > 0'),
      body: db.prepare<[string, string], { body: string }>('SELECT body FROM articles WHERE collection = ? AND id = ?'),
      chunksOfArticle: db.prepare<[string, string], ChunkRecord>(
        `SELECT c.id AS chunkId, a.key AS articleKey, a.id AS articleId, a.collection, a.title, a.url, a.published, ${updated}, a.byline,
                c.text, c.start, c.end
           FROM articles a JOIN chunks c ON c.article_key = a.key WHERE a.collection = ? AND a.id = ? ORDER BY c.position`,
      ),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Feed subscriptions and what their items became (feed-tables.ts). */
  private feedTables: FeedTables | undefined;
  get feeds(): FeedTables {
    return (this.feedTables ??= new FeedTables(this.db));
  }

  getMeta(key: string): string | undefined {
    return this.statements.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.statements.setMeta.run(key, value);
  }

  /** Vector size of the stored embeddings, or undefined before the first one. */
  dimensions(): number | undefined {
    const value = this.getMeta('dimensions');
    return value === undefined ? undefined : Number(value);
  }

  /** Bumped by every committed write; copies of the vector index record the one they reflect. */
  generation(): number {
    return Number(this.getMeta('generation') ?? '0');
  }

  /** The stored article `id` names: its own id, or an alias (the id of another source of the same story). */
  getArticle(collection: string, id: string): StoredArticle | undefined {
    const row = this.articleRow(collection, id);
    if (!row) return undefined;
    const article = toStoredArticle(row);
    article.sources = this.sourcesOf(row);
    return article;
  }

  getBody(collection: string, id: string): string | undefined {
    const row = this.articleRow(collection, id);
    return row ? this.statements.bodyByKey.get(row.key)?.body : undefined;
  }

  listArticles(collections?: readonly string[]): StoredArticle[] {
    const where = collections ? `WHERE collection IN (SELECT value FROM json_each(?))` : '';
    const params = collections ? [JSON.stringify(collections)] : [];
    const rows = this.db
      .prepare<unknown[], ArticleRow>(
        `SELECT ${this.columns} FROM articles ${where} ORDER BY coalesce(published, '') DESC, title`,
      )
      .all(...params);
    const sources = this.sources?.listed(collections);
    return rows.map((row) => {
      const article = toStoredArticle(row);
      article.sources = sources?.get(`${row.collection}\0${row.id}`) ?? this.sourcesOf(row);
      return article;
    });
  }

  /** How many articles the collections hold, how many are undated, and the earliest publication day. */
  publicationRange(collections: readonly string[]): { articles: number; undated: number; earliest: string | null } {
    const row = this.cachedStatement(
      `SELECT count(*) AS articles, coalesce(sum(published IS NULL), 0) AS undated, min(substr(published, 1, 10)) AS earliest
         FROM articles WHERE collection IN (SELECT value FROM json_each(?))`,
    ).get(JSON.stringify(collections)) as { articles: number; undated: number; earliest: string | null };
    return row;
  }

  // ------------------------------------------------------------ live archive: versions and sources

  /** The article row `id` names directly or through an alias. */
  private articleRow(collection: string, id: string): ArticleRow | undefined {
    const own = this.statements.articleByKey.get(collection, id);
    if (own) return own;
    const alias = this.sources?.get(collection, id);
    return alias ? this.statements.articleByKey.get(collection, alias.articleId) : undefined;
  }

  private sourcesOf(row: ArticleRow): StoredArticle['sources'] {
    const rows = this.sources?.ofArticle(row.collection, row.id) ?? [];
    if (rows.length > 0) return rows.map((r) => ({ id: r.sourceId, source: r.source, firstSeen: r.firstSeen, lastChanged: r.lastChanged }));
    return [{ id: row.id, source: row.source, firstSeen: row.ingested_at, lastChanged: row.ingested_at }];
  }

  private requireSources(): ArticleSources {
    if (!this.sources) throw new Error('this library predates article sources and is open read-only');
    return this.sources;
  }

  /** The version a source last gave (its content hash, where it came from, the article it belongs to), if any. */
  sourceVersion(collection: string, sourceId: string): { contentHash: string; source: string; articleId: string } | undefined {
    const row = this.sources?.get(collection, sourceId);
    if (row) return { contentHash: row.contentHash, source: row.source, articleId: row.articleId };
    const own = this.statements.articleByKey.get(collection, sourceId);
    return own ? { contentHash: own.content_hash, source: own.source, articleId: own.id } : undefined;
  }

  /** Every source in a collection (the id it gives and where it came from), for pruning. */
  sourcesIn(collection: string): { sourceId: string; source: string; articleId: string }[] {
    return this.requireSources().inCollection(collection);
  }

  /** Fingerprints the articles stored without one (once, after an upgrade). Returns how many. */
  backfillFingerprints(): number {
    const sources = this.requireSources();
    return this.db.transaction(() => {
      const count = sources.backfillFingerprints(this.getMeta('fingerprints'));
      this.setMeta('fingerprints', FINGERPRINT_VERSION);
      return count;
    })();
  }

  fingerprintsCurrent(): boolean {
    return this.getMeta('fingerprints') === FINGERPRINT_VERSION;
  }

  /**
   * Stores one source's version of a story, in one transaction:
   * - the same version again (content hash) is `unchanged`;
   * - a changed version of a stored article replaces its text (old chunks, keyword rows and vectors
   *   gone), keeping the first publication date and recording when it changed: `updated`;
   * - a new story, or a changed alias, is compared with the collection's stored bodies: the same
   *   words, or a near-duplicate (shingle Jaccard ≥ NEAR_DUPLICATE_THRESHOLD), is the same story
   *   (`duplicate`): the newer version is cited under its id, the other id becomes an alias;
   * - otherwise it is `added` (`updated` for an alias that no longer matches its story).
   * `chunks` are the incoming version's; they are stored only when its text becomes the cited one.
   */
  putVersion(article: Article, collection: string, chunks: EmbeddedChunk[]): StoreOutcome {
    const sources = this.requireSources();
    return this.db.transaction((): StoreOutcome => {
      const now = new Date().toISOString();
      const previous = sources.get(collection, article.id);
      if (previous && previous.contentHash === article.contentHash) {
        if (previous.source !== article.source) sources.moved(collection, article.id, article.source);
        return { outcome: 'unchanged', articleId: previous.articleId, changes: null };
      }
      const own = this.statements.articleByKey.get(collection, article.id);
      if (own) {
        // The cited version changed: replace its text where it stands. It was updated at the
        // source's own new date (when after publication), else now if its words changed; a change
        // of details only (tags, a date's format) leaves `updated` as it was.
        const published = earliest(own.published, article.published);
        const ownDate = article.updated && article.updated !== previous?.version.updated && isLater(article.updated, published) ? article.updated : null;
        const wordsChanged = own.title !== article.title || this.statements.bodyByKey.get(own.key)?.body !== article.body;
        const updated = ownDate ?? (wordsChanged ? now : own.updated);
        const changes = this.writeArticle(collection, article, { published, updated }, chunks, own);
        sources.upsert(sourceRow(collection, article, article.id, null, previous?.firstSeen ?? own.ingested_at, now));
        return { outcome: 'updated', articleId: article.id, changes };
      }
      if (previous) sources.delete(collection, article.id); // a changed alias is matched afresh
      const firstSeen = previous?.firstSeen ?? now;
      const print = fingerprint(article.body);
      const match = this.findDuplicate(collection, article.body, print);
      if (!match) {
        const changes = this.writeArticle(collection, article, { published: article.published ?? null, updated: firstUpdated(article) }, chunks, null, print);
        sources.upsert(sourceRow(collection, article, article.id, null, firstSeen, now));
        return { outcome: previous ? 'updated' : 'added', articleId: article.id, changes };
      }
      const stored = match.row;
      const cited = sources.get(collection, stored.id);
      if (!incomingIsNewer(article, cited?.version ?? stored)) {
        sources.upsert(sourceRow(collection, article, stored.id, article.body, firstSeen, now));
        // Nothing to search changed, but the story's sources did: readers listing them look again.
        this.setMeta('generation', String(this.generation() + 1));
        return { outcome: 'duplicate', articleId: stored.id, duplicateOf: stored.id, changes: null };
      }
      // The incoming version is the newer: it is cited from now on, under its own id.
      if (cited) sources.setVersionBody(collection, stored.id, this.statements.bodyByKey.get(stored.key)?.body ?? null);
      const published = earliest(stored.published, article.published);
      const when = versionDate(article);
      const updated = match.sameWords ? stored.updated : isLater(when, published) ? when : now;
      const changes = this.writeArticle(collection, article, { published, updated }, chunks, stored, print);
      sources.repoint(collection, stored.id, article.id);
      sources.upsert(sourceRow(collection, article, article.id, null, firstSeen, now));
      return { outcome: 'duplicate', articleId: article.id, duplicateOf: stored.id, changes };
    })();
  }

  /**
   * What removing the source that gives `sourceId` would do (reads only): retract the article (its
   * only source), drop an alias (another version is cited), or hand the article to the newest
   * remaining version (`promote`, whose chunks the caller computes before `promoteSource`).
   */
  planSourceRemoval(collection: string, sourceId: string): SourceRemoval {
    const row = this.articleRow(collection, sourceId);
    if (!row) return { kind: 'absent' };
    const all = this.sources?.ofArticle(collection, row.id) ?? [];
    const others = all.filter((s) => s.sourceId !== sourceId);
    if (others.length === 0 || !all.some((s) => s.sourceId === sourceId)) return { kind: 'retract', articleId: row.id };
    if (sourceId !== row.id) return { kind: 'alias', articleId: row.id };
    const next = others.reduce((best, s) =>
      isLater(versionDate(s.version), versionDate(best.version)) ||
      (!isLater(versionDate(best.version), versionDate(s.version)) && s.lastChanged > best.lastChanged)
        ? s
        : best,
    );
    const body = next.version.body ?? this.statements.bodyByKey.get(row.key)?.body ?? '';
    return { kind: 'promote', articleId: row.id, next: articleOfVersion(next, body) };
  }

  /** Removes one source: retracting its article when it was the last (see planSourceRemoval). */
  dropSource(collection: string, sourceId: string): { removed: 'article' | 'alias'; changes: ChunkChanges | null } | null {
    const plan = this.planSourceRemoval(collection, sourceId);
    if (plan.kind === 'absent') return null;
    if (plan.kind === 'promote') throw new Error(`source ${sourceId} is the cited version of ${plan.articleId}: promote another first`);
    if (plan.kind === 'alias') {
      this.db.transaction(() => {
        this.requireSources().delete(collection, sourceId);
        this.setMeta('generation', String(this.generation() + 1));
      })();
      return { removed: 'alias', changes: null };
    }
    return { removed: 'article', changes: this.removeArticle(collection, plan.articleId) };
  }

  /** Removes the cited version's source and cites `next` (another source's version) in its place, in one transaction. */
  promoteSource(collection: string, sourceId: string, next: Article, chunks: EmbeddedChunk[]): ChunkChanges {
    const sources = this.requireSources();
    return this.db.transaction((): ChunkChanges => {
      const row = this.statements.articleByKey.get(collection, sourceId);
      if (!row) throw new Error(`no stored article ${sourceId} in ${collection}`);
      const textChanged = this.statements.bodyByKey.get(row.key)?.body !== next.body;
      sources.delete(collection, sourceId);
      const changes = this.writeArticle(collection, next, { published: row.published, updated: textChanged ? new Date().toISOString() : row.updated }, chunks, row);
      sources.repoint(collection, row.id, next.id);
      sources.setVersionBody(collection, next.id, null);
      return changes;
    })();
  }

  /** The stored article whose story `body` repeats, with the shingle Jaccard of the two texts (1 for the same words). */
  duplicateOf(collection: string, body: string): { articleId: string; similarity: number } | null {
    if (!this.sources) return null;
    const match = this.findDuplicate(collection, body, fingerprint(body));
    return match ? { articleId: match.row.id, similarity: match.similarity } : null;
  }

  /** The stored story `body` repeats, if any: identical words first, else the most similar above the threshold. */
  private findDuplicate(collection: string, body: string, print: Fingerprint): { row: ArticleRow; sameWords: boolean; similarity: number } | null {
    const { exact, near } = this.requireSources().candidates(collection, print);
    for (const key of exact) {
      const row = this.statements.rowByKey.get(key);
      if (row?.collection === collection) return { row, sameWords: true, similarity: 1 };
    }
    let best: { row: ArticleRow; score: number } | null = null;
    let incoming: Set<number> | null = null;
    for (const key of near) {
      const row = this.statements.rowByKey.get(key);
      const stored = this.statements.bodyByKey.get(key)?.body;
      if (!row || row.collection !== collection || stored === undefined) continue;
      incoming ??= shingles(body);
      const score = jaccard(incoming, shingles(stored));
      if (score >= NEAR_DUPLICATE_THRESHOLD && (!best || score > best.score)) best = { row, score };
    }
    return best ? { row: best.row, sameWords: false, similarity: best.score } : null;
  }

  /**
   * Writes an article row with its chunks, keyword rows and fingerprint, replacing `replacing`
   * (its chunks tombstoned for the vector index). Runs inside the caller's transaction.
   */
  private writeArticle(
    collection: string,
    article: Article,
    dates: { published: string | null; updated: string | null },
    chunks: EmbeddedChunk[],
    replacing: ArticleRow | null,
    print: Fingerprint = fingerprint(article.body),
  ): ChunkChanges {
    const s = this.statements;
    const generation = this.generation() + 1;
    const previous = replacing ? this.deleteArticleRows(replacing, generation) : null;
    const info = this.cachedStatement(
      `INSERT INTO articles (id, collection, title, url, published, updated, byline, section, tags, source, content_hash, body, chunk_count, ingested_at)
       VALUES (@id, @collection, @title, @url, @published, @updated, @byline, @section, @tags, @source, @contentHash, @body, @chunkCount, @ingestedAt)`,
    ).run({
      id: article.id,
      collection,
      title: article.title,
      url: article.url ?? null,
      published: dates.published,
      updated: dates.updated,
      byline: article.byline ?? null,
      section: article.section ?? null,
      tags: JSON.stringify(article.tags),
      source: article.source,
      contentHash: article.contentHash,
      body: article.body,
      chunkCount: chunks.length,
      ingestedAt: new Date().toISOString(),
    });
    const articleKey = Number(info.lastInsertRowid);
    const added: ChunkChanges['added'] = [];
    const inserted: number[] = [];
    for (const chunk of chunks) {
      const blob = chunk.embedding ? embeddingToBlob(chunk.embedding) : null;
      const id = Number(
        s.insertChunk.run(articleKey, chunk.index, chunk.start, chunk.end, chunk.text, blob, blob ? generation : 0).lastInsertRowid,
      );
      s.insertFts.run(id, chunk.text, article.title);
      inserted.push(id);
      if (chunk.embedding) added.push({ id, embedding: chunk.embedding });
    }
    this.requireSources().putFingerprint(articleKey, collection, print);
    this.setMeta('generation', String(generation));
    return { inserted, added, removed: previous?.chunkIds ?? [], articleKey, ...(previous ? { previousKey: previous.key } : {}) };
  }

  /** Retracts an article (named by its id or an alias) with every source it has; returns the vector changes, or null if it was not stored. */
  removeArticle(collection: string, id: string): ChunkChanges | null {
    return this.db.transaction((): ChunkChanges | null => {
      const row = this.articleRow(collection, id);
      if (!row) return null;
      const generation = this.generation() + 1;
      const previous = this.deleteArticleRows(row, generation);
      this.sources?.deleteOfArticle(collection, row.id);
      this.setMeta('generation', String(generation));
      return { inserted: [], added: [], removed: previous.chunkIds, previousKey: previous.key };
    })();
  }

  private deleteArticleRows(existing: ArticleRow, generation: number): { key: number; chunkIds: number[] } {
    const s = this.statements;
    const chunkIds = s.chunkIdsOf.all(existing.key).map((r) => r.id);
    for (const chunkId of chunkIds) {
      s.deleteFts.run(chunkId);
      s.insertTombstone.run(chunkId, generation);
    }
    this.sources?.deleteFingerprint(existing.key);
    s.deleteArticle.run(existing.key);
    return { key: existing.key, chunkIds };
  }

  chunkRecords(ids: readonly number[]): ChunkRecord[] {
    if (ids.length === 0) return [];
    return this.statements.chunkRecords.all(JSON.stringify(ids));
  }

  chunksOfArticle(collection: string, id: string): ChunkRecord[] {
    return this.statements.chunksOfArticle.all(collection, id);
  }

  chunkCount(): number {
    return this.statements.chunkCount.get()?.n ?? 0;
  }

  articleCount(): number {
    return this.statements.articleCount.get()?.n ?? 0;
  }

  /** Chunks whose embedding is stored: the points a complete vector index holds. */
  embeddedCount(): number {
    return this.statements.embeddedCount.get()?.n ?? 0;
  }

  /**
   * In how many chunks' text each word occurs, as FTS5 matches it (same tokenizer, so "reopened" counts
   * chunks with "reopen", "reopening", …).
   */
  documentFrequencies(terms: readonly string[]): Map<string, number> {
    const count = this.cachedStatement('SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?');
    const frequencies = new Map<string, number>();
    for (const term of new Set(terms)) {
      // The text column only: every chunk row repeats its article's headline.
      const row = count.get(`text : "${term.replaceAll('"', '""')}"`) as { n: number };
      frequencies.set(term, row.n);
    }
    return frequencies;
  }

  /** What a copy of the vector index that reflects `generation` must replay to catch up. */
  deltaSince(generation: number): IndexDelta {
    return this.db.transaction((): IndexDelta => ({
      generation: this.generation(),
      added: this.statements.embeddedAfter.all(generation).map((r) => ({ id: r.id, embedding: blobToEmbedding(r.embedding) })),
      removed: this.statements.tombstonesAfter.all(generation).map((r) => r.chunk_id),
    }))();
  }

  /** Chunks stored without an embedding (the model was unavailable), oldest first. */
  pendingChunks(limit: number): PendingChunk[] {
    return this.statements.pending.all(limit);
  }

  pendingCount(): number {
    return this.statements.pendingCount.get()?.n ?? 0;
  }

  /** Stores embeddings computed later for pending chunks, in one generation. */
  setEmbeddings(items: { id: number; embedding: Float32Array }[]): ChunkChanges {
    return this.db.transaction((): ChunkChanges => {
      const generation = this.generation() + 1;
      const added: ChunkChanges['added'] = [];
      for (const item of items) {
        if (this.statements.setEmbedding.run(embeddingToBlob(item.embedding), generation, item.id).changes > 0) added.push(item);
      }
      this.setMeta('generation', String(generation));
      return { inserted: [], added, removed: [] };
    })();
  }

  /** Forgets every embedding and the model they came from (before re-embedding with another model). */
  clearEmbeddings(): void {
    this.db.transaction(() => {
      this.db.exec("UPDATE chunks SET embedding = NULL, embedded_in = 0; DELETE FROM meta WHERE key IN ('model', 'dimensions')");
      this.setMeta('generation', String(this.generation() + 1));
    })();
  }

  /**
   * Chunk id → article key as a typed array (rows read raw: a million objects would take
   * seconds), and article key → what filters look at.
   */
  filterTables(): {
    chunkArticle: Int32Array;
    articles: { key: number; collection: string; published: string | null; id: string }[];
  } {
    const chunkArticle = new Int32Array(Math.max(1024, (this.statements.maxChunkId.get()?.m ?? 0) + 1));
    for (const [id, key] of this.statements.chunkArticleKeys.iterate()) chunkArticle[id] = key;
    return { chunkArticle, articles: this.statements.articleFilterRows.all() };
  }

  /**
   * BM25 keyword search over chunk text and article title. `match` must already be a safe FTS5
   * expression (see retrieval/keyword-query.ts). Returns chunk ids best first.
   *
   * Ranking happens inside FTS5 first; only the best few hundred matches are joined with their
   * articles to apply the filter (joining every match of a common word was most of a search's
   * time). A filter narrow enough to reject that whole pool falls back to filtering every match.
   */
  keywordSearch(match: string, limit: number, filter: SearchFilter, admitsAll = false): { chunkId: number; score: number }[] {
    const ranked = 'SELECT rowid AS chunkId, bm25(chunks_fts, 1.0, 0.5) AS score FROM chunks_fts WHERE chunks_fts MATCH @match ORDER BY score';
    const toResult = (rows: unknown[]) => rows.map((r) => ({ chunkId: (r as { chunkId: number }).chunkId, score: -(r as { score: number }).score }));
    if (admitsAll) return toResult(this.cachedStatement(`${ranked} LIMIT @limit`).all({ match, limit }));

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
    const pool = limit * KEYWORD_POOL_FACTOR;
    const best = this.cachedStatement(`${ranked} LIMIT @pool`).all({ match, pool }) as { chunkId: number; score: number }[];
    const admitted = new Set(
      (
        this.cachedStatement(
          `SELECT c.id FROM json_each(@ids) j JOIN chunks c ON c.id = j.value JOIN articles a ON a.key = c.article_key
            WHERE ${conditions.join(' AND ')}`,
        ).all({ ...params, ids: JSON.stringify(best.map((r) => r.chunkId)) }) as { id: number }[]
      ).map((r) => r.id),
    );
    const kept = best.filter((r) => admitted.has(r.chunkId)).slice(0, limit);
    if (kept.length >= limit || best.length < pool) return toResult(kept);
    // A narrow filter rejected most of the pool: filter every match instead.
    return toResult(
      this.cachedStatement(
        `SELECT r.chunkId, r.score FROM (${ranked}) r JOIN chunks c ON c.id = r.chunkId JOIN articles a ON a.key = c.article_key
          WHERE ${conditions.join(' AND ')} ORDER BY r.score LIMIT @limit`,
      ).all({ ...params, match, limit }),
    );
  }

  private readonly statementCache = new Map<string, Database.Statement>();

  private cachedStatement(sql: string): Database.Statement {
    let statement = this.statementCache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statementCache.set(sql, statement);
    }
    return statement;
  }
}
