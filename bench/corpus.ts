import fs from 'node:fs';
import type { Article } from '../src/articles/article.ts';
import type { Embedder } from '../src/embeddings/embedder.ts';
import type { EmbeddedChunk } from '../src/store/catalog/catalog.ts';
import { Library, type EmbeddingModel } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import type { HnswParams } from '../src/store/vectors/vector-index.ts';
import { ClusteredSpace, DEFAULT_SPACE, vectorAt, type VectorSet } from './vectors.ts';
import { SyntheticWords } from './words.ts';

/** A synthetic newsroom archive: clustered vectors with matching text, grouped into articles. */

export const CHUNKS_PER_ARTICLE = 20;
export const BENCH_MODEL: EmbeddingModel = { id: 'bench/synthetic-384', dimensions: DEFAULT_SPACE.dimensions };
export const HNSW: HnswParams = { m: 16, efConstruction: 200, efSearch: 100 };
export const K = 10;
/** Articles outside the shared archive (a Discord server's own), for the filtered-search rows. */
export const GUILD_COLLECTION = 'guild-b';
/** Every collection: the filter admits everything, so no per-node callback is needed. */
export const FILTER = { collections: [SHARED_COLLECTION, GUILD_COLLECTION] };
/** Only the shared archive: when other collections exist, hnswlib calls back into JS per visited node. */
export const SHARED_ONLY = { collections: [SHARED_COLLECTION] };

export interface Corpus {
  chunks: VectorSet;
  queries: VectorSet;
  words: SyntheticWords;
  /** Every n-th article goes to GUILD_COLLECTION (0: all are shared). */
  guildEvery: number;
}

export function makeCorpus(chunkCount: number, queryCount: number, guildEvery = 0): Corpus {
  const space = new ClusteredSpace(DEFAULT_SPACE);
  return {
    chunks: space.sample(chunkCount, 0),
    queries: space.sample(queryCount, 1),
    words: new SyntheticWords(DEFAULT_SPACE.clusters),
    guildEvery,
  };
}

export function collectionOfArticle(corpus: Corpus, a: number): string {
  return corpus.guildEvery > 0 && a % corpus.guildEvery === corpus.guildEvery - 1 ? GUILD_COLLECTION : SHARED_COLLECTION;
}

/** Whether vector `i` belongs to an article of the shared archive. */
export function isSharedChunk(corpus: Corpus, i: number): boolean {
  return collectionOfArticle(corpus, Math.floor(i / CHUNKS_PER_ARTICLE)) === SHARED_COLLECTION;
}

export function articleCount(corpus: Corpus): number {
  return Math.ceil(corpus.chunks.count / CHUNKS_PER_ARTICLE);
}

export function chunkText(corpus: Corpus, i: number): string {
  return corpus.words.chunk(i, corpus.chunks.cluster[i] as number);
}

export function queryText(corpus: Corpus, q: number): string {
  return corpus.words.query(q, corpus.queries.cluster[q] as number);
}

/** Article `a`'s publication day: one a day from 2015-01-01, over about 11 years. */
export function syntheticPublished(a: number): string {
  return new Date(Date.UTC(2015, 0, 1) + (a % 4000) * 86_400_000).toISOString().slice(0, 10);
}

/** Article `a`: chunks a·20 … a·20+19, body = their texts separated by blank lines. */
export function syntheticArticle(corpus: Corpus, a: number): { article: Article; chunks: EmbeddedChunk[] } {
  const first = a * CHUNKS_PER_ARTICLE;
  const last = Math.min(corpus.chunks.count, first + CHUNKS_PER_ARTICLE);
  const chunks: EmbeddedChunk[] = [];
  const texts: string[] = [];
  let offset = 0;
  for (let i = first; i < last; i++) {
    const text = chunkText(corpus, i);
    chunks.push({ index: i - first, text, start: offset, end: offset + text.length, embedding: vectorAt(corpus.chunks, i) });
    texts.push(text);
    offset += text.length + 2;
  }
  const day = syntheticPublished(a);
  const id = `synthetic-${a}`;
  return {
    article: {
      id,
      title: corpus.words.title(a, corpus.chunks.cluster[first] as number),
      body: texts.join('\n\n'),
      published: day,
      tags: [],
      source: `/bench/synthetic/${id}.txt`,
      contentHash: `bench-${a}`,
    },
    chunks,
  };
}

/**
 * Builds a Library the way an ingest does (one write, LibraryWriter.putArticle per article) from
 * precomputed vectors, so no model time is counted. Chunk ids come out as 1 + the vector's index.
 */
export async function buildLibrary(
  dataDir: string,
  corpus: Corpus,
  onArticle?: (done: number, total: number) => void,
): Promise<{ library: Library; ms: number }> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const started = performance.now();
  const library = Library.open({ dataDir, hnsw: HNSW });
  const total = articleCount(corpus);
  await library.write(async (writer) => {
    for (let a = 0; a < total; a++) {
      const { article, chunks } = syntheticArticle(corpus, a);
      writer.putArticle(article, collectionOfArticle(corpus, a), chunks, BENCH_MODEL);
      onArticle?.(a + 1, total);
    }
  });
  const elapsed = performance.now() - started;
  assertChunkIds(library, corpus);
  return { library, ms: elapsed };
}

/** Recall maps chunk id ↔ vector index; make sure the catalog numbered chunks as expected. */
export function assertChunkIds(library: Library, corpus: Corpus): void {
  const last = articleCount(corpus) - 1;
  for (const a of [0, last]) {
    const records = library.catalog.chunksOfArticle(collectionOfArticle(corpus, a), `synthetic-${a}`);
    if (records.length === 0) throw new Error(`article ${a} is missing`);
    records.forEach((r, position) => {
      if (r.chunkId !== a * CHUNKS_PER_ARTICLE + position + 1) {
        throw new Error(`chunk ids are not 1 + vector index (article ${a}, position ${position}: id ${r.chunkId})`);
      }
    });
  }
  if (library.catalog.chunkCount() !== corpus.chunks.count) {
    throw new Error(`library holds ${library.catalog.chunkCount()} chunks, expected ${corpus.chunks.count}`);
  }
}

/**
 * An Embedder whose queries are already embedded: `embedQuery` returns the precomputed vector of
 * that query text, so a Retriever's time is search time only.
 */
export class PrecomputedQueryEmbedder implements Embedder {
  readonly modelId = BENCH_MODEL.id;
  readonly dimensions = BENCH_MODEL.dimensions;
  readonly maxTokens = 512;
  private readonly vectors = new Map<string, Float32Array>();

  constructor(corpus: Corpus) {
    for (let q = 0; q < corpus.queries.count; q++) {
      const text = queryText(corpus, q);
      if (this.vectors.has(text)) throw new Error(`two queries share the text "${text}"; change the seed`);
      this.vectors.set(text, vectorAt(corpus.queries, q));
    }
  }

  async embedDocuments(): Promise<Float32Array[]> {
    throw new Error('the benchmark embedder only answers queries');
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const vector = this.vectors.get(text);
    if (!vector) throw new Error(`no precomputed vector for query "${text}"`);
    return vector;
  }

  countTokens(text: string): number {
    return text.split(/\s+/).length;
  }
}
