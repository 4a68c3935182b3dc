import type Database from 'better-sqlite3';
import type { StatementCache } from './statement-cache.ts';

/** In how many chunks and in how many whole articles each keyword-index token occurs, and about how many of each are stored. */
export interface TokenCounts {
  chunks: number;
  articles: number;
  /** Chunks holding each token, in the order asked. */
  counts: number[];
  /** Whole articles (headline and body) holding each token; 0 each in a library without the whole-article index. */
  articleCounts: number[];
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
  private readonly known = new Map<string, { chunks: number; articles: number }>();
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
    if (generation !== this.generation || this.known.size >= TOKENS_KEPT) this.reset(generation);
    const each = tokens.map((token) => this.countsOf(token));
    return {
      ...this.totals,
      counts: each.map((c) => c.chunks),
      articleCounts: each.map((c) => c.articles),
    };
  }

  private reset(generation: number): void {
    this.generation = generation;
    this.known.clear();
    this.totals = {
      // About how many: the largest id (ids of removed chunks are not reused).
      chunks: (this.statements.get('SELECT max(id) AS n FROM chunks').get() as { n: number | null }).n ?? 0,
      articles: (this.statements.get('SELECT count(*) AS n FROM articles').get() as { n: number }).n,
    };
  }

  private countsOf(token: string): { chunks: number; articles: number } {
    const known = this.known.get(token);
    if (known) return known;
    this.createVocabularies();
    const docs = (sql: string) => (this.statements.get(sql).get(token) as { doc: number } | undefined)?.doc ?? 0;
    const counts = {
      chunks: docs('SELECT doc FROM temp.chunks_vocab WHERE term = ?'),
      articles: this.articleIndex ? docs('SELECT doc FROM temp.articles_vocab WHERE term = ?') : 0,
    };
    this.known.set(token, counts);
    return counts;
  }

  private createVocabularies(): void {
    if (this.vocabularies) return;
    this.db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_vocab USING fts5vocab(main, chunks_fts, row)');
    if (this.articleIndex) this.db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.articles_vocab USING fts5vocab(main, articles_fts, row)');
    this.vocabularies = true;
  }
}
