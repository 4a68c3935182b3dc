import type Database from 'better-sqlite3';
import type { Logger } from '../../log.ts';
import { fingerprint, type Fingerprint } from '../../text/near-duplicate.ts';
import { articleSearch, hasArticleFts, scoresOfArticles } from './article-fts.ts';
import { articleColumns, toStoredArticle, type ArticleRow } from './article-rows.ts';
import { ArticleSources, liveSchemaOf, type LiveSchema } from './article-sources.ts';
import { openCatalogDatabase } from './catalog-schema.ts';
import { ChangeLog } from './change-log.ts';
import { ChunkTexts, type ChunkSpan } from './chunk-text.ts';
import { FeedTables } from './feed-tables.ts';
import { InstructionFindings } from './instruction-findings.ts';
import { keywordSearch, keywordSearchInArticles } from './keyword-search.ts';
import { findSameStory, type DuplicateMatch } from './same-story.ts';
import { StatementCache } from './statement-cache.ts';
import { TokenCountCache, type TokenCounts } from './token-counts.ts';
import type { ChunkRecord, PendingChunk, StoredArticle } from '../types.ts';

export type { ChunkChanges, EmbeddedChunk } from './article-rows.ts';

/** The dtype of embeddings stored before the library recorded one, and of embedders that name none. */
export const UNRECORDED_DTYPE = 'fp32';

/**
 * The SQLite side of the library, read-only: articles with their sources, chunks with their
 * embeddings, the FTS5 keyword index, and the change log a copy of the vector index catches up
 * from. Changes are made by a CatalogWriter, only inside Library.write().
 */
export class Catalog {
  readonly db: Database.Database;
  /** The generation counter and tombstones: what copies of the vector index replay. */
  readonly changes: ChangeLog;
  private readonly statements;
  /** Chunk texts, cut from their article's body. */
  /** Cuts chunk texts out of their article's body (one prepared statement for every reader of this catalog). */
  readonly texts: ChunkTexts;
  /** Which live-archive additions this library has (all of them once opened writable). */
  private readonly live: LiveSchema;
  /** Sources and fingerprints; null only for an older library opened read-only. */
  private readonly sources: ArticleSources | null;
  private readonly columns: string;
  /** Whether the whole-article keyword index exists (not in an older library opened read-only). */
  private readonly articleIndex: boolean;
  private readonly tokens: TokenCountCache;

  constructor(file: string, options: { readonly?: boolean; logger?: Logger } = {}) {
    this.db = openCatalogDatabase(file, options);
    const db = this.db;
    this.changes = new ChangeLog(db);
    this.texts = new ChunkTexts(db);
    this.live = liveSchemaOf(db);
    this.sources = this.live.sourcesTable ? new ArticleSources(db) : null;
    this.columns = articleColumns(this.live);
    this.articleIndex = hasArticleFts(db);
    const updated = this.live.updatedColumn ? 'a.updated' : 'NULL AS updated';
    const chunkRecord = `c.id AS chunkId, a.key AS articleKey, a.id AS articleId, a.collection, a.title, a.url, a.published, ${updated}, a.byline,
                c.start, c.end`;
    this.statements = {
      cached: new StatementCache(db),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      articleByKey: db.prepare<[string, string], ArticleRow>(`SELECT ${this.columns} FROM articles WHERE collection = ? AND id = ?`),
      bodyByKey: db.prepare<[number], { body: string }>('SELECT article_text(body) AS body FROM articles WHERE key = ?'),
      rowByKey: db.prepare<[number], ArticleRow>(`SELECT ${this.columns} FROM articles WHERE key = ?`),
      pending: db.prepare<[number], Omit<PendingChunk, 'text'> & ChunkSpan>(
        `SELECT c.id, a.title, c.article_key AS articleKey, c.start, c.end FROM chunks c JOIN articles a ON a.key = c.article_key
          WHERE c.embedding IS NULL ORDER BY c.id LIMIT ?`,
      ),
      // embedded_in = 0 exactly when no embedding is stored: counted from its index, not the rows (300 ms at 65k chunks).
      pendingCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks WHERE embedded_in = 0'),
      chunkRecords: db.prepare<[string], Omit<ChunkRecord, 'text'>>(
        `SELECT ${chunkRecord} FROM json_each(?) j JOIN chunks c ON c.id = j.value JOIN articles a ON a.key = c.article_key`,
      ),
      // Each article's chunk ids as a range (an article's chunks are written at once, so their ids
      // are consecutive), read from the index on article_key: 50,000 rows for 1M chunks.
      chunkRanges: db
        .prepare<[], [number, number, number, number]>('SELECT article_key, min(id), max(id), count(*) FROM chunks GROUP BY article_key')
        .raw(true),
      chunkIdsOfArticle: db.prepare<[number], number>('SELECT id FROM chunks WHERE article_key = ?').pluck(),
      maxChunkId: db.prepare<[], { m: number | null }>('SELECT max(id) AS m FROM chunks'),
      articleFilterRows: db.prepare<[], { key: number; collection: string; published: string | null; id: string; title: string }>(
        'SELECT key, collection, published, id, title FROM articles',
      ),
      chunkCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks'),
      articleCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM articles'),
      // embedded_in > 0 exactly when the embedding is stored; answered from its index alone.
      embeddedCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks WHERE embedded_in > 0'),
      chunksOfArticle: db.prepare<[string, string], Omit<ChunkRecord, 'text'>>(
        `SELECT ${chunkRecord} FROM articles a JOIN chunks c ON c.article_key = a.key WHERE a.collection = ? AND a.id = ? ORDER BY c.position`,
      ),
    };
    this.tokens = new TokenCountCache(db, this.statements.cached, this.articleIndex);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Feed subscriptions and what their items became (feed-tables.ts). */
  private feedTables: FeedTables | undefined;
  get feeds(): FeedTables {
    return (this.feedTables ??= new FeedTables(this.db));
  }

  /** Paragraphs of stored articles addressed to an AI (instruction-findings.ts). */
  private instructionFindings: InstructionFindings | undefined;
  get findings(): InstructionFindings {
    return (this.instructionFindings ??= new InstructionFindings(this.db));
  }

  getMeta(key: string): string | undefined {
    return this.statements.getMeta.get(key)?.value;
  }

  /** Vector size of the stored embeddings, or undefined before the first one. */
  dimensions(): number | undefined {
    const value = this.getMeta('dimensions');
    return value === undefined ? undefined : Number(value);
  }

  /**
   * Precision of the stored embeddings' model weights (`fp32`, `q8`), or undefined before the
   * first one. Libraries embedded before it was recorded were embedded with fp32 weights (the
   * default then).
   */
  embeddingDtype(): string | undefined {
    if (this.getMeta('model') === undefined) return undefined;
    return this.getMeta('dtype') ?? UNRECORDED_DTYPE;
  }

  /** Bumped by every committed write; copies of the vector index record the one they reflect. */
  generation(): number {
    return this.changes.generation();
  }

  /** The article row whose own id is `id` (no alias). */
  ownRow(collection: string, id: string): ArticleRow | undefined {
    return this.statements.articleByKey.get(collection, id);
  }

  rowByKey(key: number): ArticleRow | undefined {
    return this.statements.rowByKey.get(key);
  }

  bodyRow(key: number): { body: string } | undefined {
    return this.statements.bodyByKey.get(key);
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
      .prepare<unknown[], ArticleRow>(`SELECT ${this.columns} FROM articles ${where} ORDER BY coalesce(published, '') DESC, title`)
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
    const row = this.statements.cached
      .get(
        `SELECT count(*) AS articles, coalesce(sum(published IS NULL), 0) AS undated, min(substr(published, 1, 10)) AS earliest
         FROM articles WHERE collection IN (SELECT value FROM json_each(?))`,
      )
      .get(JSON.stringify(collections)) as { articles: number; undated: number; earliest: string | null };
    return row;
  }

  /** The article row `id` names directly or through an alias. */
  articleRow(collection: string, id: string): ArticleRow | undefined {
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

  /**
   * The stored article whose story `body` (under `title`) repeats, with the shingle Jaccard of the
   * two texts (1 for the same words); see same-story.ts.
   */
  duplicateOf(collection: string, body: string, title = ''): { articleId: string; similarity: number } | null {
    if (!this.sources) return null;
    const match = this.findDuplicate(collection, { title, body }, fingerprint(body));
    return match ? { articleId: match.row.id, similarity: match.similarity } : null;
  }

  /** The stored story `incoming` repeats, if any: identical words first, else the most similar that is the same story. */
  findDuplicate(collection: string, incoming: { title: string; body: string }, print: Fingerprint): DuplicateMatch | null {
    return findSameStory(this.requireSources(), this, collection, incoming, print);
  }

  chunkRecords(ids: readonly number[]): ChunkRecord[] {
    if (ids.length === 0) return [];
    return this.texts.withText(this.statements.chunkRecords.all(JSON.stringify(ids)));
  }

  chunksOfArticle(collection: string, id: string): ChunkRecord[] {
    return this.texts.withText(this.statements.chunksOfArticle.all(collection, id));
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
    const count = this.statements.cached.get('SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?');
    const frequencies = new Map<string, number>();
    for (const term of new Set(terms)) {
      // The text column only: every chunk row repeats its article's headline.
      const row = count.get(`text : "${term.replaceAll('"', '""')}"`) as { n: number };
      frequencies.set(term, row.n);
    }
    return frequencies;
  }

  /** In how many chunks each FTS5 token (stemmed, lower-cased) occurs, and about how many chunks and articles there are. */
  tokenCounts(tokens: readonly string[]): TokenCounts {
    return this.tokens.counts(tokens, this.generation());
  }

  /** In how many whole articles (headline and body) each FTS5 token occurs. */
  articleTokenCounts(tokens: readonly string[]): number[] {
    return this.tokens.articles(tokens, this.generation());
  }

  /** Chunks stored without an embedding (the model was unavailable), oldest first. */
  pendingChunks(limit: number): PendingChunk[] {
    return this.texts.withText(this.statements.pending.all(limit)).map(({ id, title, text }) => ({ id, title, text }));
  }

  pendingCount(): number {
    return this.statements.pendingCount.get()?.n ?? 0;
  }

  /**
   * Chunk id → article key as a typed array, filled a range per article (a million rows read one
   * by one took a second at 1M chunks), and article key → what filters look at.
   */
  filterTables(): {
    chunkArticle: Int32Array;
    articles: { key: number; collection: string; published: string | null; id: string; title: string }[];
  } {
    const chunkArticle = new Int32Array(Math.max(1024, (this.statements.maxChunkId.get()?.m ?? 0) + 1));
    for (const [key, first, last, count] of this.statements.chunkRanges.all()) {
      if (last - first + 1 === count) chunkArticle.fill(key, first, last + 1);
      else for (const id of this.statements.chunkIdsOfArticle.all(key)) chunkArticle[id] = key;
    }
    return { chunkArticle, articles: this.statements.articleFilterRows.all() };
  }

  /**
   * BM25 keyword search over chunk text and article title (see keyword-search.ts), among the
   * chunks `accept` admits (all when it is undefined).
   */
  keywordSearch(match: string, limit: number, accept?: (chunkId: number) => boolean): { chunkId: number; score: number }[] {
    return keywordSearch(this.statements.cached, match, limit, accept);
  }

  /** BM25 keyword search among the chunks of the given articles (see keyword-search.ts). */
  keywordSearchInArticles(match: string, limit: number, articleKeys: readonly number[]): { chunkId: number; score: number }[] {
    return keywordSearchInArticles(this.statements.cached, match, limit, articleKeys);
  }

  /**
   * BM25 over whole articles, headline weighted (see article-fts.ts), among the articles `accept`
   * admits; empty for an older library opened read-only, which lacks the index.
   */
  articleSearch(
    match: string,
    limit: number,
    accept?: (articleKey: number) => boolean,
    share = 1,
  ): { articleKey: number; score: number }[] {
    return this.articleIndex ? articleSearch(this.statements.cached, match, limit, accept, share) : [];
  }

  /** Whole-article BM25 and headline of the given articles that `match` matches (none in an older read-only library). */
  articleScores(match: string, keys: readonly number[]): { articleKey: number; score: number }[] {
    return this.articleIndex ? scoresOfArticles(this.statements.cached, match, keys) : [];
  }
}
