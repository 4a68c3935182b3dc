import type { Article } from '../articles/article.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import { EmbeddingServerError } from '../embeddings/errors.ts';
import type { EmbeddedChunk } from '../store/catalog/article-rows.ts';
import type { EmbeddingModel } from '../store/writer.ts';
import { chunkText } from '../text/chunker.ts';
import { countLlmTokens } from '../text/llm-tokens.ts';
import { passageText } from './passage.ts';

/*
 * An article's chunks, and their vectors when a model embeds them now: the step between loading and storing.
 */

export interface ChunkingOptions {
  targetTokens: number;
  overlapTokens: number;
}

export function chunkArticle(article: Article, embedder: Embedder | null, chunking: ChunkingOptions) {
  // Without the model, its tokenizer is unavailable too; an LLM tokenizer is a close stand-in
  // (chunks are re-embedded later with the same boundaries).
  const countTokens = embedder ? (s: string) => embedder.countTokens(s) : countLlmTokens;
  // Leave room for special tokens and a passage prefix the model adds.
  const maxTokens = embedder ? embedder.maxTokens - 16 : Infinity;
  return chunkText(article.body, {
    targetTokens: Math.min(chunking.targetTokens, maxTokens),
    overlapTokens: chunking.overlapTokens,
    countTokens,
  });
}

/** Chunks cut with the model's tokenizer when there is one; embedded now only when `embedNow` is given. */
export async function chunksFor(
  article: Article,
  tokenizer: Embedder | null,
  embedNow: Embedder | null,
  chunking: ChunkingOptions,
): Promise<EmbeddedChunk[]> {
  if (embedNow) return embedChunks(article, embedNow, chunking);
  return chunkArticle(article, tokenizer, chunking).map((c) => ({ ...c, embedding: null }));
}

async function embedChunks(article: Article, embedder: Embedder | null, chunking: ChunkingOptions): Promise<EmbeddedChunk[]> {
  const chunks = chunkArticle(article, embedder, chunking);
  if (!embedder) return chunks.map((c) => ({ ...c, embedding: null }));
  const vectors = await embedder.embedDocuments(chunks.map((c) => passageText(article.title, c.text)));
  return chunks.map((c, i) => ({ ...c, embedding: vectors[i] ?? null }));
}

/**
 * embedChunks, except that when the embeddings server fails (or `embed` is false) the chunks come
 * without vectors, chunked all the same, to be embedded later; `error` says why.
 */
export async function embedOrLeavePending(
  article: Article,
  embedder: Embedder | null,
  chunking: ChunkingOptions,
  embed = true,
): Promise<{ chunks: EmbeddedChunk[]; error: string | null }> {
  if (embed) {
    try {
      return { chunks: await embedChunks(article, embedder, chunking), error: null };
    } catch (error) {
      if (!(error instanceof EmbeddingServerError)) throw error;
      return { chunks: chunkArticle(article, embedder, chunking).map((c) => ({ ...c, embedding: null })), error: error.message };
    }
  }
  return { chunks: chunkArticle(article, embedder, chunking).map((c) => ({ ...c, embedding: null })), error: null };
}

export function modelOf(embedder: Embedder | null): EmbeddingModel | null {
  return embedder ? { id: embedder.modelId, dimensions: embedder.dimensions, dtype: embedder.dtype } : null;
}
