import type Database from 'better-sqlite3';
import type { Article } from '../articles/article.ts';
import type { Logger } from '../log.ts';
import type { Chunk } from '../text/chunk.ts';
import { FEEDS_SCHEMA, FeedTables } from './feed-tables.ts';
import { openSqliteFile } from './sqlite-file.ts';
import type { SearchFilter, StoredArticle } from './types.ts';

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

/** Keyword matches ranked before filtering, per result wanted. */
const KEYWORD_POOL_FACTOR = 8;

const ARTICLE_COLUMNS =
  'key, id, collection, title, url, published, byline, section, tags, source, content_hash, chunk_count, ingested_at';

function toStoredArticle(row: ArticleRow): StoredArticle {
  return {
    id: row.id,
    collection: row.collection,
    title: row.title,
    url: row.url,
    published: row.published,
    byline: row.byline,
    section: row.section,
    tags: JSON.parse(row.tags) as string[],
    source: row.source,
    contentHash: row.content_hash,
    chunkCount: row.chunk_count,
    ingestedAt: row.ingested_at,
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
      // Feed subscriptions and their items (src/feeds).
      this.db.exec(FEEDS_SCHEMA);
    }
    const db = this.db;
    this.statements = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      articleByKey: db.prepare<[string, string], ArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM articles WHERE collection = ? AND id = ?`),
      insertArticle: db.prepare(
        `INSERT INTO articles (id, collection, title, url, published, byline, section, tags, source, content_hash, body, chunk_count, ingested_at)
         VALUES (@id, @collection, @title, @url, @published, @byline, @section, @tags, @source, @contentHash, @body, @chunkCount, @ingestedAt)`,
      ),
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
        `SELECT c.id AS chunkId, a.key AS articleKey, a.id AS articleId, a.collection, a.title, a.url, a.published, a.byline,
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
        `SELECT c.id AS chunkId, a.key AS articleKey, a.id AS articleId, a.collection, a.title, a.url, a.published, a.byline,
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

  /** Bumped by every committed write; copies of the vector index record the one they reflect. */
  generation(): number {
    return Number(this.getMeta('generation') ?? '0');
  }

  getArticle(collection: string, id: string): StoredArticle | undefined {
    const row = this.statements.articleByKey.get(collection, id);
    return row ? toStoredArticle(row) : undefined;
  }

  getBody(collection: string, id: string): string | undefined {
    return this.statements.body.get(collection, id)?.body;
  }

  listArticles(collections?: readonly string[]): StoredArticle[] {
    const where = collections ? `WHERE collection IN (SELECT value FROM json_each(?))` : '';
    const params = collections ? [JSON.stringify(collections)] : [];
    const rows = this.db
      .prepare<unknown[], ArticleRow>(
        `SELECT ${ARTICLE_COLUMNS} FROM articles ${where} ORDER BY coalesce(published, '') DESC, title`,
      )
      .all(...params);
    return rows.map(toStoredArticle);
  }

  /** How many articles the collections hold, how many are undated, and the earliest publication day. */
  publicationRange(collections: readonly string[]): { articles: number; undated: number; earliest: string | null } {
    const row = this.cachedStatement(
      `SELECT count(*) AS articles, coalesce(sum(published IS NULL), 0) AS undated, min(substr(published, 1, 10)) AS earliest
         FROM articles WHERE collection IN (SELECT value FROM json_each(?))`,
    ).get(JSON.stringify(collections)) as { articles: number; undated: number; earliest: string | null };
    return row;
  }

  /** Sources of stored articles in a collection, for --prune. */
  articlesBySource(collection: string): { id: string; source: string }[] {
    return this.db
      .prepare<[string], { id: string; source: string }>('SELECT id, source FROM articles WHERE collection = ?')
      .all(collection);
  }

  /**
   * Replaces (or adds) an article and its chunks in one transaction. Returns the vector changes
   * so the caller can apply them to the in-memory index right after the commit.
   */
  putArticle(article: Article, collection: string, chunks: EmbeddedChunk[]): ChunkChanges {
    const s = this.statements;
    return this.db.transaction((): ChunkChanges => {
      const generation = this.generation() + 1;
      const previous = this.deleteArticleRows(collection, article.id, generation);
      const info = s.insertArticle.run({
        id: article.id,
        collection,
        title: article.title,
        url: article.url ?? null,
        published: article.published ?? null,
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
          s.insertChunk.run(articleKey, chunk.index, chunk.start, chunk.end, chunk.text, blob, blob ? generation : 0)
            .lastInsertRowid,
        );
        s.insertFts.run(id, chunk.text, article.title);
        inserted.push(id);
        if (chunk.embedding) added.push({ id, embedding: chunk.embedding });
      }
      this.setMeta('generation', String(generation));
      return { inserted, added, removed: previous?.chunkIds ?? [], articleKey, ...(previous ? { previousKey: previous.key } : {}) };
    })();
  }

  /** Removes an article; returns the vector changes, or null if it was not stored. */
  removeArticle(collection: string, id: string): ChunkChanges | null {
    return this.db.transaction((): ChunkChanges | null => {
      const generation = this.generation() + 1;
      const previous = this.deleteArticleRows(collection, id, generation);
      if (!previous) return null;
      this.setMeta('generation', String(generation));
      return { inserted: [], added: [], removed: previous.chunkIds, previousKey: previous.key };
    })();
  }

  private deleteArticleRows(collection: string, id: string, generation: number): { key: number; chunkIds: number[] } | null {
    const s = this.statements;
    const existing = s.articleByKey.get(collection, id);
    if (!existing) return null;
    const chunkIds = s.chunkIdsOf.all(existing.key).map((r) => r.id);
    for (const chunkId of chunkIds) {
      s.deleteFts.run(chunkId);
      s.insertTombstone.run(chunkId, generation);
    }
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
