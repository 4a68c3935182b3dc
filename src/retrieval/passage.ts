/** A retrieved span of a stored article, with what a prompt or a citation needs. */
export interface Passage {
  chunkId: number;
  articleId: string;
  collection: string;
  title: string;
  url: string | null;
  published: string | null;
  byline: string | null;
  text: string;
  /** Character offsets into the stored article body. */
  start: number;
  end: number;
  /** Fused score, higher is better. */
  score: number;
  /** Ranks in each retriever (1-based) or null when that retriever did not return it. */
  denseRank: number | null;
  keywordRank: number | null;
  /** Cosine similarity to the query (dense retriever), or null when it did not return this passage. */
  similarity: number | null;
}
