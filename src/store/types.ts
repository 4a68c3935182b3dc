/** The collection every server can read: the newsroom-wide shared archive. */
export const SHARED_COLLECTION = 'shared';

/** An article as the catalog holds it (no body text in listings). */
export interface StoredArticle {
  id: string;
  collection: string;
  title: string;
  url: string | null;
  published: string | null;
  byline: string | null;
  section: string | null;
  tags: string[];
  source: string;
  contentHash: string;
  chunkCount: number;
  /** ISO date-time of the last ingest that changed it. */
  ingestedAt: string;
}

/** Which part of the library a search may see. */
export interface SearchFilter {
  /** Collections to search (required: search only ever sees the collections it is given). */
  collections: readonly string[];
  /** Only these articles. */
  articleIds?: readonly string[];
  /** Inclusive ISO date bounds on `published` (undated articles are left out). */
  publishedFrom?: string;
  publishedTo?: string;
  /** The day a question is asked (YYYY-MM-DD): articles published after it are left out; undated ones stay. */
  asOf?: string;
}
