import type { ChunkRecord } from '../store/types.ts';

/**
 * A retrieved span of a stored article, with what a prompt or a citation needs: the stored chunk
 * (text and character offsets into the article body, article metadata) plus how it ranked.
 */
export interface Passage extends Omit<ChunkRecord, 'articleKey'> {
  /** Fused score, higher is better. */
  score: number;
  /** Ranks in each retriever (1-based) or null when that retriever did not return it. */
  denseRank: number | null;
  keywordRank: number | null;
  /** Cosine similarity to the query (dense retriever), or null when it did not return this passage. */
  similarity: number | null;
}
