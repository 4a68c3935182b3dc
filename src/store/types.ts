/** The collection every server can read: the newsroom-wide shared archive. */
export const SHARED_COLLECTION = 'shared';

/**
 * What a reader is shown of a stored article wherever it appears: in a listing, a search result,
 * a passage or a citation. The stored article, the chunk record and the citation extend it.
 */
export interface ArticleHeader {
  /** The id the article is stored under (`articleId` in every `--json` output but `articles`, where it is `id`). */
  articleId: string;
  collection: string;
  title: string;
  url: string | null;
  published: string | null;
  /** When the stored story last changed: its own updated date, else the ingest that changed it; null if never. */
  updated: string | null;
  byline: string | null;
}

/** An article as the catalog holds it (no body text in listings). */
export interface StoredArticle extends ArticleHeader {
  section: string | null;
  tags: string[];
  source: string;
  contentHash: string;
  chunkCount: number;
  /** ISO date-time of the last ingest that changed it. */
  ingestedAt: string;
  /** Every source the story came from, oldest first (the same story under two names or from two places is stored once). */
  sources: ArticleSource[];
}

/** A stored chunk still waiting for its embedding, with the text to embed. */
export interface PendingChunk {
  id: number;
  title: string;
  text: string;
}

/** A stored chunk joined with what a search result needs of its article. */
export interface ChunkRecord extends ArticleHeader {
  chunkId: number;
  articleKey: number;
  text: string;
  start: number;
  end: number;
}

/** One source of a stored story. */
export interface ArticleSource {
  /** The id this source gives the story: the article's own id, or an alias that resolves to it. */
  id: string;
  /** A file path (plus `#n` for one record of a JSON/JSONL file) or a URL. */
  source: string;
  /** ISO date-times: when this source first gave the story, and when it last gave a changed version. */
  firstSeen: string;
  lastChanged: string;
}

/**
 * What storing an article did: `duplicate` when it is a story already stored under another id
 * (identical or lightly edited text), which is then stored once with both sources.
 */
export type PutOutcome = 'added' | 'updated' | 'unchanged' | 'duplicate';

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

/** A source shown under an answer: an exact span of a stored article. */
export interface Citation extends ArticleHeader {
  /** The number used in the answer text, from 1. */
  number: number;
  chunkId: number;
  /** Verbatim: `articleBody.slice(start, end) === excerpt`. */
  excerpt: string;
  start: number;
  end: number;
}
