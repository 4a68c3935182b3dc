import type { ArticleFilterInfo } from './catalog/article-filters.ts';
import type { FeedReader } from './catalog/feed-tables.ts';
import type { InstructionFindingsReader } from './catalog/instruction-findings.ts';
import type { TokenCounts } from './catalog/token-counts.ts';
import type { ChunkRecord, PendingChunk, SearchFilter, StoredArticle } from './types.ts';
import type { Neighbor } from './vectors/vector-index.ts';

/**
 * What the catalog (SQLite, the source of truth) can be read for: stored articles, their sources
 * and chunks, feeds and findings. The Catalog implements it; Library hands it out as `catalog`.
 */
export interface CatalogReader {
  listArticles(collections?: readonly string[]): StoredArticle[];
  /** The stored article `id` names: its own id, or an alias (another source's id for the same story). */
  getArticle(collection: string, id: string): StoredArticle | undefined;
  getBody(collection: string, id: string): string | undefined;
  /** The version a source (by the id it gives) last stored: unchanged content is skipped before embedding. */
  sourceVersion(collection: string, sourceId: string): { contentHash: string; source: string; articleId: string } | undefined;
  /** Every source of a collection: the id it gives, where it came from, and the article it resolves to. */
  sourcesIn(collection: string): { sourceId: string; source: string; articleId: string }[];
  /**
   * The stored article of `collection` that tells the same story as `body` under `title` (identical
   * words, or a near-duplicate whose facts agree: catalog/same-story.ts), with their similarity; null if none.
   */
  duplicateOf(collection: string, body: string, title?: string): { articleId: string; similarity: number } | null;
  chunksOfArticle(collection: string, id: string): ChunkRecord[];
  chunkRecords(ids: readonly number[]): ChunkRecord[];
  chunkCount(): number;
  /** In how many chunks' text each word occurs, as FTS5 matches it. */
  documentFrequencies(terms: readonly string[]): Map<string, number>;
  /** Whole-article BM25 (higher is better) and headline of the given articles, for those `match` matches. */
  articleScores(match: string, keys: readonly number[]): { articleKey: number; score: number }[];
  /** In how many chunks each keyword-index token (a stemmed, lower-cased word) occurs, and about how many chunks and articles there are. */
  tokenCounts(tokens: readonly string[]): TokenCounts;
  /** In how many whole articles (headline and body) each keyword-index token occurs. */
  articleTokenCounts(tokens: readonly string[]): number[];
  publicationRange(collections: readonly string[]): { articles: number; undated: number; earliest: string | null };
  /** Chunks stored without an embedding (the model was unavailable), oldest first. */
  pendingChunks(limit: number): PendingChunk[];
  pendingCount(): number;
  /** Changes with every committed write, from any process: a cheap way to notice new articles. */
  generation(): number;
  /** Feed subscriptions and their items (changes go through LibraryWriter.feeds). */
  readonly feeds: FeedReader;
  /** Paragraphs of stored articles addressed to an AI: which chunks to withhold from the model, and the list for `check`. */
  readonly findings: InstructionFindingsReader;
}

/**
 * What retrieval and answering read: the catalog, and the searches over the copies derived from it
 * (the vector index and the filters), which Library brings up to date before answering.
 */
export interface LibraryReader {
  readonly catalog: CatalogReader;
  /** Nearest chunks to `vector` among those the filter admits, closest first. */
  denseSearch(vector: Float32Array, k: number, filter: SearchFilter): Neighbor[];
  /**
   * BM25 over the chunks of the given articles only (stories already chosen, so no filter): FTS5
   * scores just their matching chunks instead of every chunk holding a query word.
   */
  keywordSearchInArticles(match: string, k: number, articleKeys: readonly number[]): { chunkId: number; score: number }[];
  /** BM25 over whole articles, headline words weighted; `match` is a prepared FTS5 expression. */
  articleSearch(match: string, k: number, filter: SearchFilter): { articleKey: number; score: number }[];
  /** The catalog key of a chunk's article, from memory (0 when unknown): lets callers group before fetching. */
  articleKeyOf(chunkId: number): number;
  /** What filters know of an article, from memory: its id, collection and publication date. */
  articleInfoOf(articleKey: number): ArticleFilterInfo | undefined;
  /** Whether a chunk's embedding is in the vector index (false while it waits for the model). */
  isEmbedded(chunkId: number): boolean;
  /** True while the vector index loads after start-up: search is keyword-only meanwhile. */
  readonly vectorsLoading: boolean;
}
