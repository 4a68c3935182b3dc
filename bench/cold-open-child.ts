/**
 * Runs in a fresh process: opens a saved index the way one product would and answers one
 * query, timing both from inside. Prints one JSON line. Spawned by cold-open.ts.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import hnswlib from 'hnswlib-node';
import type { Embedder } from '../src/embeddings/embedder.ts';
import { Retriever } from '../src/retrieval/search.ts';
import { Library } from '../src/store/library.ts';
import { FILTER, HNSW, K } from './corpus.ts';
import type { ColdOpenRequest, ColdOpenResult } from './cold-open.ts';
import { loadLangChain } from './langchain.ts';

function queryEmbedder(library: Library, query: Float32Array): Embedder {
  return {
    modelId: library.modelId ?? '',
    dimensions: query.length,
    maxTokens: 512,
    embedDocuments: () => Promise.reject(new Error('queries only')),
    embedQuery: () => Promise.resolve(query),
    countTokens: (text: string) => text.split(/\s+/).length,
  };
}

/** As the bot opens it: the first search answers while the vector index loads, then waits for it. */
async function backgroundOpen(request: ColdOpenRequest, query: Float32Array): Promise<ColdOpenResult> {
  const opened = performance.now();
  const openCalledSinceStartMs = opened;
  const library = Library.open({ dataDir: request.target, hnsw: HNSW, indexLoad: 'background' });
  const openMs = performance.now() - opened;
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const retriever = new Retriever(library, queryEmbedder(library, query));
  const asked = performance.now();
  const first = await retriever.search(request.queryText, { k: K, filter: FILTER });
  const firstQueryMs = performance.now() - asked;
  const firstAnswerSinceStartMs = performance.now();
  await library.vectorsReady();
  const indexReadySinceStartMs = performance.now();
  stalls.disable();
  const hybridAsked = performance.now();
  const hybrid = await retriever.search(request.queryText, { k: K, filter: FILTER });
  const firstHybridMs = performance.now() - hybridAsked;
  if (hybrid.mode !== 'hybrid') throw new Error('search is still keyword-only after the index loaded');
  library.close();
  return {
    openMs,
    firstQueryMs,
    firstHybridMs,
    results: first.passages.length,
    rssBytes: process.memoryUsage().rss,
    sinceStartMs: performance.now(),
    openCalledSinceStartMs,
    firstAnswerSinceStartMs,
    firstAnswerMode: first.mode,
    indexReadySinceStartMs,
    maxStallMs: stalls.max / 1e6,
  };
}

async function main(request: ColdOpenRequest): Promise<ColdOpenResult> {
  const query = Float32Array.from(request.query);
  const queryArray = Array.from(query);
  if (request.mode === 'library-background') return backgroundOpen(request, query);
  if (request.mode === 'library') {
    const opened = performance.now();
    const openCalledSinceStartMs = opened;
    const library = Library.open({ dataDir: request.target, hnsw: HNSW });
    const openMs = performance.now() - opened;
    const asked = performance.now();
    const first = library.denseSearch(query, K, FILTER);
    const firstQueryMs = performance.now() - asked;
    const hybridAsked = performance.now();
    const hybrid = await new Retriever(library, queryEmbedder(library, query)).search(request.queryText, { k: K, filter: FILTER });
    const firstHybridMs = performance.now() - hybridAsked;
    const firstAnswerSinceStartMs = performance.now();
    library.close();
    return {
      openMs,
      firstQueryMs,
      firstHybridMs,
      results: first.length,
      rssBytes: process.memoryUsage().rss,
      sinceStartMs: performance.now(),
      openCalledSinceStartMs,
      firstAnswerSinceStartMs,
      firstAnswerMode: hybrid.mode,
    };
  }
  if (request.mode === 'raw') {
    const opened = performance.now();
    const index = new hnswlib.HierarchicalNSW('cosine', query.length);
    index.readIndexSync(request.target);
    index.setEf(HNSW.efSearch);
    const openMs = performance.now() - opened;
    const asked = performance.now();
    const result = index.searchKnn(queryArray, K);
    const firstQueryMs = performance.now() - asked;
    return {
      openMs,
      firstQueryMs,
      firstHybridMs: null,
      results: result.neighbors.length,
      rssBytes: process.memoryUsage().rss,
      sinceStartMs: performance.now(),
    };
  }
  const langchain = await loadLangChain();
  if ('missing' in langchain) throw new Error(langchain.missing);
  const opened = performance.now();
  const store = await langchain.load(request.target);
  store.index.setEf(HNSW.efSearch);
  const openMs = performance.now() - opened;
  const asked = performance.now();
  const result = await store.similaritySearchVectorWithScore(queryArray, K);
  const firstQueryMs = performance.now() - asked;
  return {
    openMs,
    firstQueryMs,
    firstHybridMs: null,
    results: result.length,
    rssBytes: process.memoryUsage().rss,
    sinceStartMs: performance.now(),
  };
}

const request = JSON.parse(process.argv[2] ?? '{}') as ColdOpenRequest;
process.stdout.write(`${JSON.stringify(await main(request))}\n`);
