import type Database from 'better-sqlite3';
import type { StatementCache } from './statement-cache.ts';

/** In how many chunks each keyword-index token occurs, and about how many chunks and whole articles are stored. */
export interface TokenCounts {
  chunks: number;
  articles: number;
  /** Chunks holding each token, in the order asked. */
  counts: number[];
}

/** Past this many tokens the cache starts afresh, so it never grows with the archive's vocabulary. */
const TOKENS_KEPT = 10_000;

/**
 * Token counts from FTS5's own vocabulary tables. FTS5 counts a token by walking its whole list of
 * documents (about 1 ms for a word in 40,000 articles), and the common words of questions come back
 * again and again, so counts are kept until the catalog's generation moves.
 */
export class TokenCountCache {
  private generation = -1;
  private readonly chunkCounts = new Map<string, number>();
  private readonly articleCounts = new Map<string, number>();
  private totals = { chunks: 0, articles: 0 };
  private vocabularies = false;
  private readonly db: Database.Database;
  private readonly statements: StatementCache;
  private readonly articleIndex: boolean;

  constructor(db: Database.Database, statements: StatementCache, articleIndex: boolean) {
    this.db = db;
    this.statements = statements;
    this.articleIndex = articleIndex;
  }

  counts(tokens: readonly string[], generation: number): TokenCounts {
    this.resetWhenStale(generation);
    return { ...this.totals, counts: tokens.map((token) => this.countOf(this.chunkCounts, 'chunks_vocab', token)) };
  }

  /** Whole articles (headline and body) holding each token; 0 each in a library without the whole-article index. */
  articles(tokens: readonly string[], generation: number): number[] {
    this.resetWhenStale(generation);
    return tokens.map((token) => (this.articleIndex ? this.countOf(this.articleCounts, 'articles_vocab', token) : 0));
  }

  private resetWhenStale(generation: number): void {
    if (generation === this.generation && this.chunkCounts.size + this.articleCounts.size < TOKENS_KEPT) return;
    this.generation = generation;
    this.chunkCounts.clear();
    this.articleCounts.clear();
    this.totals = {
      // About how many: the largest id (ids of removed chunks are not reused).
      chunks: (this.statements.get('SELECT max(id) AS n FROM chunks').get() as { n: number | null }).n ?? 0,
      articles: (this.statements.get('SELECT count(*) AS n FROM articles').get() as { n: number }).n,
    };
  }

  private countOf(known: Map<string, number>, vocabulary: 'chunks_vocab' | 'articles_vocab', token: string): number {
    const count = known.get(token);
    if (count !== undefined) return count;
    this.createVocabularies();
    const row = this.statements.get(`SELECT doc FROM temp.${vocabulary} WHERE term = ?`).get(token) as { doc: number } | undefined;
    known.set(token, row?.doc ?? 0);
    return row?.doc ?? 0;
  }

  private createVocabularies(): void {
    if (this.vocabularies) return;
    this.db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_vocab USING fts5vocab(main, chunks_fts, row)');
    if (this.articleIndex) this.db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.articles_vocab USING fts5vocab(main, articles_fts, row)');
    this.vocabularies = true;
  }
}
