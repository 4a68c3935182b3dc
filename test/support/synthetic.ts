import type { Embedder } from '../../src/embeddings/embedder.ts';
import { createHash } from 'node:crypto';
import type { Article } from '../../src/articles/article.ts';
import type { EmbeddedChunk } from '../../src/store/catalog/catalog.ts';

/** Deterministic pseudo-random unit vectors (mulberry32), for storage tests that need no model. */
export function seededVectors(seed: number, count: number, dimensions: number): Float32Array[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const v = new Float32Array(dimensions);
    let norm = 0;
    for (let i = 0; i < dimensions; i++) {
      v[i] = next() - 0.5;
      norm += (v[i] as number) ** 2;
    }
    for (let i = 0; i < dimensions; i++) v[i] = (v[i] as number) / Math.sqrt(norm);
    return v;
  });
}

/** A made-up article whose body is `paragraphs` sentences, one chunk each. */
export function syntheticArticle(id: string, paragraphs: string[], extra: Partial<Article> = {}): Article {
  const body = paragraphs.join('\n\n');
  const title = extra.title ?? `Story ${id}`;
  return {
    id,
    title,
    body,
    tags: [],
    source: `/synthetic/${id}.md`,
    contentHash: createHash('sha256')
      .update(title + body)
      .digest('hex'),
    ...extra,
  };
}

/** One chunk per paragraph, with offsets into the body and the given vectors. */
export function paragraphChunks(article: Article, vectors: Float32Array[]): EmbeddedChunk[] {
  const chunks: EmbeddedChunk[] = [];
  let start = 0;
  article.body.split('\n\n').forEach((text, index) => {
    chunks.push({ index, text, start, end: start + text.length, embedding: vectors[index] ?? null });
    start += text.length + 2;
  });
  return chunks;
}

/** The three vectors crash-writer.ts stores for an article: `crash-<n>` keeps seed 1000 + n, others a hash of the id. */
export function articleVectors(id: string): Float32Array[] {
  const crash = /^crash-(\d+)$/.exec(id);
  const seed = crash ? 1000 + Number(crash[1]) : createHash('sha256').update(id).digest().readUInt32LE(0);
  return seededVectors(seed, 3, 16);
}

/** An embedder whose every text embeds to `vector`: dense ranks then follow the stored vectors alone. */
export function fixedEmbedder(vector: Float32Array, model: { id: string; dimensions: number }): Embedder {
  return {
    modelId: model.id,
    dimensions: model.dimensions,
    maxTokens: 512,
    embedDocuments: (texts) => Promise.resolve(texts.map(() => vector)),
    embedQuery: () => Promise.resolve(vector),
    countTokens: (text) => text.split(/\s+/).length,
  };
}
