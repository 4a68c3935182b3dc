import type Database from 'better-sqlite3';
import type { PendingChunk } from '../types.ts';
import type { ChunkSpan, ChunkTexts } from './chunk-text.ts';

/**
 * Chunks stored without an embedding, read article by article, newest story first: what the
 * background embedding works through (news questions are about recent stories). Reads only.
 */
export class PendingChunks {
  private readonly articleKeys: Database.Statement<[], { key: number }>;
  private readonly ofArticle: Database.Statement<[number], Omit<PendingChunk, 'text'> & ChunkSpan>;
  private readonly texts: ChunkTexts;

  /** `texts`: the catalog's, reading bodies with the statement it has prepared. */
  constructor(db: Database.Database, texts: ChunkTexts) {
    this.texts = texts;
    // Undated articles last; among equal dates the one stored last first.
    this.articleKeys = db.prepare(
      `SELECT a.key FROM articles a WHERE a.key IN (SELECT article_key FROM chunks WHERE embedded_in = 0)
        ORDER BY a.published IS NULL, a.published DESC, a.key DESC`,
    );
    this.ofArticle = db.prepare(
      `SELECT c.id, a.title, c.article_key AS articleKey, c.start, c.end FROM chunks c JOIN articles a ON a.key = c.article_key
        WHERE c.article_key = ? AND c.embedded_in = 0 ORDER BY c.position`,
    );
  }

  /** Keys of the articles with chunks awaiting an embedding, newest first (one integer each: an archive's list is small). */
  articles(): number[] {
    return this.articleKeys.all().map((row) => row.key);
  }

  /** The chunks of one article still awaiting an embedding, in reading order (none once embedded or removed). */
  chunksOf(articleKey: number): PendingChunk[] {
    return this.texts.withText(this.ofArticle.all(articleKey)).map(({ id, title, text }) => ({ id, title, text }));
  }
}
