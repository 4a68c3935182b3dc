/**
 * The search rows of `bench:1m`, side by side in one run on one library: raw hnswlib-node,
 * LangChain.js HNSWLib (over the same graph in memory) and our Library / Retriever, unfiltered,
 * restricted to one server's collection, and with an as-of date; the hybrid search stage by stage;
 * a query of words each in half the archive; filters that admit nothing.
 */
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import type { Embedder } from '../src/embeddings/embedder.ts';
import { Retriever, type SearchTimings } from '../src/retrieval/search.ts';
import type { Library } from '../src/store/library.ts';
import type { SearchFilter } from '../src/store/types.ts';
import { efForSize } from '../src/store/vectors/vector-index.ts';
import {
  articleCount,
  collectionOfArticle,
  CHUNKS_PER_ARTICLE,
  FILTER,
  HNSW,
  K,
  PrecomputedQueryEmbedder,
  queryText,
  SHARED_ONLY,
  syntheticPublished,
  type Corpus,
} from './corpus.ts';
import { loadLangChain, type LangChainDocument } from './langchain.ts';
import { progress } from './results.ts';
import { latency, ms, percentile, table } from './stats.ts';
import { recallAtK, vectorAt } from './vectors.ts';
import { wordOfRank } from './words.ts';

/** The as-of row's date: about half the synthetic archive (2015–2025) is published before it. */
export const AS_OF = '2020-06-30';
const WARMUP = 20;

type Search = (q: number) => Promise<ArrayLike<number>> | ArrayLike<number>;

interface Row {
  name: string;
  p50: number;
  p99: number;
  recall: number | null;
}

async function timed(name: string, queries: number, search: Search, truth?: readonly Int32Array[]): Promise<Row> {
  for (let q = 0; q < WARMUP; q++) await search(q % queries);
  const samples: number[] = [];
  let recall = 0;
  for (let q = 0; q < queries; q++) {
    const started = performance.now();
    const ids = await search(q);
    samples.push(performance.now() - started);
    if (truth) recall += recallAtK(ids, truth[q] as Int32Array, K);
  }
  const { p50, p99 } = latency(samples);
  return { name, p50, p99, recall: truth ? recall / queries : null };
}

/** Raw hnswlib-node and LangChain over the library's own index file (labels are chunk ids = vector index + 1). */
async function baselineRows(dataDir: string, corpus: Corpus, truth: readonly Int32Array[], queries: number): Promise<Row[]> {
  progress('raw hnswlib-node: reading vectors.hnsw');
  const raw = new hnswlib.HierarchicalNSW('cosine', corpus.chunks.dimensions);
  raw.readIndexSync(path.join(dataDir, 'vectors.hnsw'), true);
  const shared = new Uint8Array(articleCount(corpus));
  for (let a = 0; a < shared.length; a++) shared[a] = collectionOfArticle(corpus, a) === SHARED_ONLY.collections[0] ? 1 : 0;
  const sharedChunk = (label: number) => shared[Math.floor((label - 1) / CHUNKS_PER_ARTICLE)] === 1;
  const q = (i: number) => Array.from(vectorAt(corpus.queries, i));
  const ids = (r: { neighbors: number[] }) => r.neighbors.map((id) => id - 1);
  const rows: Row[] = [];
  const wideEf = efForSize(corpus.chunks.count);
  raw.setEf(HNSW.efSearch);
  rows.push(await timed(`raw hnswlib-node (ef ${HNSW.efSearch})`, queries, (i) => ids(raw.searchKnn(q(i), K)), truth));
  rows.push(
    await timed(`raw hnswlib-node, one collection (ef ${HNSW.efSearch})`, queries, (i) => ids(raw.searchKnn(q(i), K, sharedChunk))),
  );
  raw.setEf(wideEf);
  rows.push(await timed(`raw hnswlib-node (ef ${wideEf})`, queries, (i) => ids(raw.searchKnn(q(i), K)), truth));
  const langchain = await loadLangChain();
  if ('missing' in langchain) {
    rows.push({ name: `LangChain.js HNSWLib: ${langchain.missing}`, p50: Number.NaN, p99: Number.NaN, recall: null });
    return rows;
  }
  progress('LangChain HNSWLib over the same graph');
  const documents = new Map<string, LangChainDocument>();
  for (let i = 0; i < corpus.chunks.count; i++) {
    const a = Math.floor(i / CHUNKS_PER_ARTICLE);
    documents.set(String(i + 1), langchain.document('', { id: i, collection: collectionOfArticle(corpus, a) }));
  }
  const store = langchain.wrap(raw, corpus.chunks.dimensions, documents);
  const found = (r: [LangChainDocument, number][]) => r.map(([d]) => d.metadata.id as number);
  raw.setEf(HNSW.efSearch);
  rows.push(
    await timed(
      `LangChain.js HNSWLib (ef ${HNSW.efSearch})`,
      queries,
      async (i) => found(await store.similaritySearchVectorWithScore(q(i), K)),
      truth,
    ),
  );
  const inShared = (d: LangChainDocument) => d.metadata.collection === SHARED_ONLY.collections[0];
  rows.push(
    await timed(`LangChain.js HNSWLib, one collection (ef ${HNSW.efSearch})`, queries, async (i) =>
      found(await store.similaritySearchVectorWithScore(q(i), K, inShared)),
    ),
  );
  return rows;
}

/** Our dense search at the default settings (ef from the index size) with each filter. */
async function denseRows(library: Library, corpus: Corpus, truth: readonly Int32Array[], queries: number): Promise<Row[]> {
  const search = (filter: SearchFilter) => (i: number) => library.denseSearch(vectorAt(corpus.queries, i), K, filter).map((n) => n.id - 1);
  const ef = efForSize(corpus.chunks.count);
  return [
    await timed(`our Library.denseSearch (default: ef ${ef} from the size)`, queries, search(FILTER), truth),
    await timed('our Library.denseSearch, one collection', queries, search(SHARED_ONLY)),
    await timed(`our Library.denseSearch, one collection, as of ${AS_OF}`, queries, search({ ...SHARED_ONLY, asOf: AS_OF })),
  ];
}

const STAGES = ['dense', 'keyword', 'stories', 'reads'] as const;

/** Hybrid search rows, with the p50 and p99 of each stage. */
async function hybridRows(library: Library, corpus: Corpus, queries: number): Promise<{ rows: Row[]; stages: string[][] }> {
  const retriever = new Retriever(library, new PrecomputedQueryEmbedder(corpus));
  const rows: Row[] = [];
  const stages: string[][] = [];
  const cases: [string, SearchFilter, string | undefined][] = [
    ['our hybrid Retriever.search', FILTER, undefined],
    ['our hybrid, one collection', SHARED_ONLY, undefined],
    [`our hybrid, one collection, as of ${AS_OF}`, SHARED_ONLY, AS_OF],
  ];
  for (const [name, filter, asOf] of cases) {
    const times: SearchTimings[] = [];
    const row = await timed(name, queries, async (i) => {
      const timings = { dense: 0, keyword: 0, stories: 0, reads: 0 };
      times.push(timings);
      const result = await retriever.search(queryText(corpus, i), { k: K, filter, timings, ...(asOf ? { asOf } : {}) });
      return result.passages.map((p) => p.chunkId - 1);
    });
    rows.push(row);
    const measured = times.slice(WARMUP);
    stages.push([
      name,
      ...STAGES.map(
        (s) =>
          `${ms(
            percentile(
              measured.map((t) => t[s]),
              50,
            ),
          )} / ${ms(
            percentile(
              measured.map((t) => t[s]),
              99,
            ),
          )}`,
      ),
    ]);
  }
  return { rows, stages };
}

/** Words each in about half the chunks (Zipf ranks 10–16 of the synthetic text), and filters that admit nothing. */
async function hardQueryRows(library: Library, corpus: Corpus): Promise<Row[]> {
  // Every query is embedded as the first stored query (dense search is not what these rows measure).
  const stored = new PrecomputedQueryEmbedder(corpus);
  const anyText: Embedder = {
    modelId: stored.modelId,
    dimensions: stored.dimensions,
    maxTokens: stored.maxTokens,
    embedDocuments: () => stored.embedDocuments(),
    embedQuery: () => Promise.resolve(vectorAt(corpus.queries, 0)),
    countTokens: (text) => stored.countTokens(text),
  };
  const retriever = new Retriever(library, anyText);
  const common = Array.from({ length: 7 }, (_, i) => wordOfRank(10 + i));
  const text = (i: number) => `${queryText(corpus, i)} ${common.slice(i % 3).join(' ')}`;
  const half = await timed('hybrid: query words each in ~half the archive (+ 1–2 topic words)', 50, async (i) => {
    const plain = await retriever.search(text(i), { k: K, filter: FILTER });
    return plain.passages.map((p) => p.chunkId);
  });
  const empty = await timed('hybrid: a collection with no articles', 50, async (i) =>
    (await retriever.search(queryText(corpus, i), { k: K, filter: { collections: ['no-such-server'] } })).passages.map((p) => p.chunkId),
  );
  const early = await timed('hybrid: as of a day before every article', 50, async (i) =>
    (await retriever.search(queryText(corpus, i), { k: K, filter: FILTER, asOf: '2001-01-01' })).passages.map((p) => p.chunkId),
  );
  return [half, empty, early];
}

export async function searchSection(
  library: Library,
  dataDir: string,
  corpus: Corpus,
  truth: readonly Int32Array[],
  queries: number,
): Promise<string> {
  if (syntheticPublished(0) > AS_OF) throw new Error('the as-of row must admit part of the archive');
  const baselines = await baselineRows(dataDir, corpus, truth, queries);
  progress('our dense search');
  const dense = await denseRows(library, corpus, truth, queries);
  progress('our hybrid search, stage by stage');
  const hybrid = await hybridRows(library, corpus, queries);
  progress('hard queries');
  const hard = await hardQueryRows(library, corpus);
  const cells = (r: Row) => [r.name, ms(r.p50), ms(r.p99), r.recall === null ? '–' : r.recall.toFixed(3)];
  return `${table(['search (side by side, one run)', 'p50 ms', 'p99 ms', 'recall@10'], [...baselines, ...dense, ...hybrid.rows, ...hard].map(cells))}

Hybrid search stage by stage (p50 / p99 ms; \`dense\` includes the precomputed query embedding lookup):

${table(['search', ...STAGES], hybrid.stages)}`;
}
