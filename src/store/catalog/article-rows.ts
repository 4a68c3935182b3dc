import type Database from 'better-sqlite3';
import type { Article } from '../../articles/article.ts';
import type { Chunk } from '../../text/chunk.ts';
import type { Fingerprint } from '../../text/near-duplicate.ts';
import type { ArticleSources } from './article-sources.ts';
import type { ChangeLog } from './change-log.ts';
import { blobToEmbedding, embeddingToBlob } from './embedding-blob.ts';
import { encodeBody } from './article-body.ts';
import type { LiveSchema } from './article-sources.ts';
import { InstructionFindings } from './instruction-findings.ts';
import type { ArticleHeader, StoredArticle } from '../types.ts';

/** A chunk ready to store: its span of the body and its embedding (null until the model can run). */
export interface EmbeddedChunk extends Chunk {
  embedding: Float32Array | null;
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

/** A row of the articles table (without its body), named as its columns are: `id` is the article id. */
export interface ArticleRow extends Omit<ArticleHeader, 'articleId'> {
  key: number;
  id: string;
  section: string | null;
  tags: string;
  source: string;
  content_hash: string;
  chunk_count: number;
  ingested_at: string;
}

/** Article columns; `updated` is read as NULL from a library too old to have it (opened read-only). */
export function articleColumns(live: LiveSchema): string {
  return `key, id, collection, title, url, published, ${live.updatedColumn ? 'updated' : 'NULL AS updated'}, byline, section, tags, source, content_hash, chunk_count, ingested_at`;
}

export function toStoredArticle(row: ArticleRow): StoredArticle {
  return {
    articleId: row.id,
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

/**
 * Writes and deletes article rows with their chunks, keyword rows and fingerprint, logging each
 * change for the vector index. Runs inside the caller's transaction.
 */
export class ArticleRowWriter {
  private readonly statements;

  private readonly changes: ChangeLog;
  private readonly sources: ArticleSources;
  private readonly findings: InstructionFindings;

  constructor(db: Database.Database, changes: ChangeLog, sources: ArticleSources) {
    this.changes = changes;
    this.sources = sources;
    this.findings = new InstructionFindings(db);
    this.statements = {
      insertArticle: db.prepare(
        `INSERT INTO articles (id, collection, title, url, published, updated, byline, section, tags, source, content_hash, body, chunk_count, ingested_at)
         VALUES (@id, @collection, @title, @url, @published, @updated, @byline, @section, @tags, @source, @contentHash, @body, @chunkCount, @ingestedAt)`,
      ),
      deleteArticle: db.prepare('DELETE FROM articles WHERE key = ?'),
      chunkIdsOf: db.prepare<[number], { id: number }>('SELECT id FROM chunks WHERE article_key = ?'),
      insertChunk: db.prepare('INSERT INTO chunks (article_key, position, start, end, embedding, embedded_in) VALUES (?, ?, ?, ?, ?, ?)'),
      insertFts: db.prepare('INSERT INTO chunks_fts (rowid, text, title) VALUES (?, ?, ?)'),
      deleteFts: db.prepare('DELETE FROM chunks_fts WHERE rowid = ?'),
    };
  }

  /** Writes `article` with its chunks in a new generation, replacing `replacing` (its chunks tombstoned). */
  write(
    collection: string,
    article: Article,
    dates: { published: string | null; updated: string | null },
    chunks: EmbeddedChunk[],
    replacing: ArticleRow | null,
    print: Fingerprint,
  ): ChunkChanges {
    const generation = this.changes.generation() + 1;
    const previous = replacing ? this.delete(replacing, generation) : null;
    const articleKey = this.insertArticle(collection, article, dates, chunks.length);
    this.findings.record(articleKey, article.body);
    const added: ChunkChanges['added'] = [];
    const inserted: number[] = [];
    for (const chunk of chunks) {
      const blob = chunk.embedding ? embeddingToBlob(chunk.embedding) : null;
      const id = Number(
        this.statements.insertChunk.run(articleKey, chunk.index, chunk.start, chunk.end, blob, blob ? generation : 0).lastInsertRowid,
      );
      this.statements.insertFts.run(id, chunk.text, article.title);
      inserted.push(id);
      // The index gets the vector as stored, so a rebuild from the catalog reproduces it exactly.
      if (chunk.embedding && blob) added.push({ id, embedding: blobToEmbedding(blob, chunk.embedding.length) });
    }
    this.sources.putFingerprint(articleKey, collection, print);
    this.changes.commit(generation);
    return { inserted, added, removed: previous?.chunkIds ?? [], articleKey, ...(previous ? { previousKey: previous.key } : {}) };
  }

  private insertArticle(
    collection: string,
    article: Article,
    dates: { published: string | null; updated: string | null },
    chunkCount: number,
  ): number {
    const info = this.statements.insertArticle.run({
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
      body: encodeBody(article.body),
      chunkCount,
      ingestedAt: new Date().toISOString(),
    });
    return Number(info.lastInsertRowid);
  }

  /** Deletes an article row with its chunks (tombstoned in `generation`), keyword rows and fingerprint. */
  delete(existing: ArticleRow, generation: number): { key: number; chunkIds: number[] } {
    const s = this.statements;
    const chunkIds = s.chunkIdsOf.all(existing.key).map((r) => r.id);
    for (const chunkId of chunkIds) {
      s.deleteFts.run(chunkId);
      this.changes.tombstone(chunkId, generation);
    }
    this.sources.deleteFingerprint(existing.key);
    s.deleteArticle.run(existing.key);
    return { key: existing.key, chunkIds };
  }
}
