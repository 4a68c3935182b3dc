/**
 * `npm run bench`: search speed, recall, build time, storage and cold open, side by side in one
 * run at 10,000 and 100,000 chunks: a plain JS exact scan, raw hnswlib-node, our Library and
 * hybrid Retriever, and LangChain.js HNSWLib (when `npm run bench:install` has installed it).
 *
 * `--sizes=10000,50000` runs other sizes; `--queries=N` another number of queries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { toFtsQuery } from '../src/retrieval/keyword-query.ts';
import { Retriever } from '../src/retrieval/search.ts';
import type { Library } from '../src/store/library.ts';
import { coldOpen, type ColdOpenResult } from './cold-open.ts';
import {
  buildLibrary,
  chunkText,
  CHUNKS_PER_ARTICLE,
  collectionOfArticle,
  FILTER,
  HNSW,
  isSharedChunk,
  K,
  makeCorpus,
  PrecomputedQueryEmbedder,
  queryText,
  SHARED_ONLY,
  type Corpus,
} from './corpus.ts';
import { loadLangChain, type LangChain, type LangChainStore } from './langchain.ts';
import { diskBytes, machineLine, progress, writeResultsSection } from './results.ts';
import { collectGarbage, latency, mark, measureSearch, megabytes, ms, percent, seconds, table, type Latency } from './stats.ts';
import { DEFAULT_SPACE, exactTopK, recallAtK, vectorAt } from './vectors.ts';

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
const SIZES = (option('sizes') ?? '10000,100000').split(',').map(Number);
const QUERIES = Number(option('queries') ?? 400);
const WARMUP = 100;
const TARGET_SIZE = 100_000;
/** Every 10th article belongs to a Discord server's own collection, the rest to the shared archive. */
const GUILD_EVERY = 10;

type Search = (q: number) => ArrayLike<number> | Promise<ArrayLike<number>>;

interface Row {
  name: string;
  latency: Latency | null;
  recall: number | null;
  note?: string;
}

/** Times each query after a warm-up; recall@10 against the exact top 10. */
async function measure(name: string, truth: Int32Array[], search: Search): Promise<Row> {
  return { name, ...(await measureSearch(truth, search, { queries: QUERIES, warmup: WARMUP, k: K, recallAtK })) };
}

interface SizeResult {
  size: number;
  rows: Row[];
  /** Searches restricted to the shared archive (hnswlib filter callback). */
  filtered: Row[];
  /** `insert`: the step that adds the vectors (chunks/s is shown for it). */
  builds: { name: string; ms: number | null; bytes: number | null; insert: boolean; note?: string }[];
  breakdown: Row[];
  cold: { name: string; result: ColdOpenResult | null; note?: string }[];
  rawBuildMs: number;
  libraryBuildMs: number;
  langchainBuildMs: number | null;
}

async function benchSize(size: number, langchain: LangChain | { missing: string }, workDir: string): Promise<SizeResult> {
  const label = size.toLocaleString('en');
  progress(`${label}: generating vectors and text`);
  const corpus = makeCorpus(size, QUERIES, GUILD_EVERY);
  const shared = (i: number) => isSharedChunk(corpus, i);
  const queryArrays = Array.from({ length: QUERIES }, (_, q) => Array.from(vectorAt(corpus.queries, q)));
  const rows: Row[] = [];
  const builds: SizeResult['builds'] = [];

  // Exact scan: timed per query, and the ground truth for every recall below.
  progress(`${label}: exact scan`);
  const truth: Int32Array[] = [];
  const scanMs: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const started = performance.now();
    truth.push(exactTopK(corpus.chunks, vectorAt(corpus.queries, q), K));
    scanMs.push(performance.now() - started);
  }
  rows.push({ name: 'plain JS exact scan (Float32Array dot products)', latency: latency(scanMs), recall: 1 });
  const sharedTruth = Array.from({ length: QUERIES }, (_, q) => exactTopK(corpus.chunks, vectorAt(corpus.queries, q), K, shared));
  const filtered: Row[] = [];

  // Raw hnswlib-node: the floor our Library builds on.
  progress(`${label}: raw hnswlib build`);
  let vectorArrays: number[][] | null = Array.from({ length: size }, (_, i) => Array.from(vectorAt(corpus.chunks, i)));
  const raw = new hnswlib.HierarchicalNSW('cosine', DEFAULT_SPACE.dimensions);
  let started = performance.now();
  raw.initIndex({ maxElements: size, m: HNSW.m, efConstruction: HNSW.efConstruction });
  for (let i = 0; i < size; i++) raw.addPoint(vectorArrays[i] as number[], i);
  const rawBuildMs = performance.now() - started;
  const rawFile = path.join(workDir, 'raw.hnsw');
  started = performance.now();
  raw.writeIndexSync(rawFile);
  const rawSaveMs = performance.now() - started;
  builds.push({ name: 'raw hnswlib-node: addPoint × n', ms: rawBuildMs, bytes: null, insert: true });
  builds.push({ name: 'raw hnswlib-node: writeIndexSync', ms: rawSaveMs, bytes: diskBytes(rawFile), insert: false });
  for (const ef of [50, 100]) {
    raw.setEf(ef);
    rows.push(await measure(`raw hnswlib-node, ef ${ef}`, truth, (q) => raw.searchKnn(queryArrays[q] as number[], K).neighbors));
  }
  filtered.push(
    await measure(
      'raw hnswlib-node, ef 100, JS filter callback',
      sharedTruth,
      (q) => raw.searchKnn(queryArrays[q] as number[], K, shared).neighbors,
    ),
  );

  // LangChain.js HNSWLib, same hnswlib-node underneath.
  let langchainBuildMs: number | null = null;
  let langchainStore: LangChainStore | null = null;
  const langchainDir = path.join(workDir, 'langchain');
  if ('missing' in langchain) {
    rows.push({ name: 'LangChain.js HNSWLib, ef 100', latency: null, recall: null, note: langchain.missing });
    filtered.push({ name: 'LangChain.js HNSWLib, ef 100, metadata filter', latency: null, recall: null, note: langchain.missing });
    builds.push({ name: 'LangChain.js HNSWLib: addVectors', ms: null, bytes: null, insert: true, note: langchain.missing });
  } else {
    progress(`${label}: LangChain build`);
    const documents = Array.from({ length: size }, (_, i) =>
      langchain.document(chunkText(corpus, i), {
        chunk: i,
        articleId: `synthetic-${Math.floor(i / CHUNKS_PER_ARTICLE)}`,
        collection: collectionOfArticle(corpus, Math.floor(i / CHUNKS_PER_ARTICLE)),
      }),
    );
    const store = langchain.create(DEFAULT_SPACE.dimensions);
    started = performance.now();
    await store.addVectors(vectorArrays, documents);
    langchainBuildMs = performance.now() - started;
    started = performance.now();
    await store.save(langchainDir);
    const langchainSaveMs = performance.now() - started;
    builds.push({ name: 'LangChain.js HNSWLib: addVectors', ms: langchainBuildMs, bytes: null, insert: true });
    builds.push({
      name: 'LangChain.js HNSWLib: save (index + docstore.json)',
      ms: langchainSaveMs,
      bytes: diskBytes(langchainDir),
      insert: false,
    });
    store.index.setEf(HNSW.efSearch);
    rows.push(
      await measure('LangChain.js HNSWLib similaritySearchVectorWithScore, ef 100', truth, async (q) =>
        (await store.similaritySearchVectorWithScore(queryArrays[q] as number[], K)).map(([doc]) => doc.metadata.chunk as number),
      ),
    );
    filtered.push(
      await measure('LangChain.js HNSWLib, ef 100, metadata filter', sharedTruth, async (q) =>
        (await store.similaritySearchVectorWithScore(queryArrays[q] as number[], K, (doc) => doc.metadata.collection === 'shared')).map(
          ([doc]) => doc.metadata.chunk as number,
        ),
      ),
    );
    langchainStore = store;
  }
  vectorArrays = null;
  collectGarbage();

  // Our Library: the ingest path (catalog + FTS5 + HNSW), precomputed vectors.
  progress(`${label}: our Library build`);
  const libraryDir = path.join(workDir, 'library');
  const built = await buildLibrary(libraryDir, corpus);
  const library = built.library;
  builds.push({
    name: `our Library: putArticle × ${size / CHUNKS_PER_ARTICLE} articles in one write (SQLite + FTS5 + HNSW + saves)`,
    ms: built.ms,
    bytes: diskBytes(libraryDir),
    insert: true,
  });
  rows.push(
    await measure('our Library.denseSearch, ef 100', truth, (q) =>
      library.denseSearch(vectorAt(corpus.queries, q), K, FILTER).map((n) => n.id - 1),
    ),
  );
  const retriever = new Retriever(library, new PrecomputedQueryEmbedder(corpus));
  rows.push(
    await measure(
      'our hybrid Retriever.search (stories: best passages’ BM25 + dense rank + recency; passages story by story)',
      truth,
      async (q) => (await retriever.search(queryText(corpus, q), { k: K, filter: FILTER })).passages.map((p) => p.chunkId - 1),
    ),
  );
  filtered.push(
    await measure('our Library.denseSearch, ef 100, collection filter', sharedTruth, (q) =>
      library.denseSearch(vectorAt(corpus.queries, q), K, SHARED_ONLY).map((n) => n.id - 1),
    ),
  );
  filtered.push(
    await measure('our hybrid Retriever.search, collection filter', sharedTruth, async (q) =>
      (await retriever.search(queryText(corpus, q), { k: K, filter: SHARED_ONLY })).passages.map((p) => p.chunkId - 1),
    ),
  );
  const breakdown = await hybridBreakdown(library, corpus, truth);

  // Cold opens, each in a fresh process (the OS page cache is warm: files were just written).
  progress(`${label}: cold opens`);
  library.close();
  const request = { query: Array.from(vectorAt(corpus.queries, 0)), queryText: queryText(corpus, 0) };
  const cold: SizeResult['cold'] = [
    { name: 'our Library.open', result: await coldOpen({ mode: 'library', target: libraryDir, ...request }) },
    { name: 'raw hnswlib readIndexSync', result: await coldOpen({ mode: 'raw', target: rawFile, ...request }) },
  ];
  if (langchainStore) {
    cold.push({ name: 'LangChain HNSWLib.load', result: await coldOpen({ mode: 'langchain', target: langchainDir, ...request }) });
  } else if ('missing' in langchain) {
    cold.push({ name: 'LangChain HNSWLib.load', result: null, note: langchain.missing });
  }
  return { size, rows, filtered, builds, breakdown, cold, rawBuildMs, libraryBuildMs: built.ms, langchainBuildMs };
}

/** Where a hybrid search spends its time: each stage on its own, over the same queries. */
async function hybridBreakdown(library: Library, corpus: Corpus, truth: Int32Array[]): Promise<Row[]> {
  const candidates = Math.max(K * 4, 40);
  const none = (): number[] => [];
  const rows: Row[] = [];
  rows.push(
    await measure(`Library.denseSearch, k ${candidates} (hybrid's dense candidates)`, truth, (q) => {
      library.denseSearch(vectorAt(corpus.queries, q), candidates, FILTER);
      return none();
    }),
  );
  rows.push(
    await measure(`Library.keywordSearch, k ${candidates} (FTS5 BM25)`, truth, (q) => {
      library.keywordSearch(toFtsQuery(queryText(corpus, q)) ?? '""', candidates, FILTER);
      return none();
    }),
  );
  // The retriever reads the records of the passages it returns only: k of them.
  const returnedIds = Array.from({ length: QUERIES }, (_, q) => {
    const dense = library.denseSearch(vectorAt(corpus.queries, q), candidates, FILTER).map((n) => n.id);
    const keyword = library.keywordSearch(toFtsQuery(queryText(corpus, q)) ?? '""', candidates, FILTER).map((r) => r.chunkId);
    return [...new Set([...keyword, ...dense])].slice(0, K);
  });
  rows.push(
    await measure(`Library.chunkRecords of the ${K} passages returned`, truth, (q) => {
      library.catalog.chunkRecords(returnedIds[q] as number[]);
      return none();
    }),
  );
  return rows.map((r) => ({ ...r, recall: null }));
}

function latencyCells(row: Row): string[] {
  if (!row.latency) return [row.note ?? '–', '–', '–'];
  return [ms(row.latency.p50), ms(row.latency.p99), row.recall === null ? '–' : row.recall.toFixed(3)];
}

function report(results: SizeResult[], langchain: LangChain | { missing: string }): string {
  const parts: string[] = [];
  parts.push(`## Search (\`npm run bench\`)

${machineLine()}

Synthetic clustered 384-d unit vectors (${DEFAULT_SPACE.clusters} clusters, noise ${DEFAULT_SPACE.noise}, seeded) with Zipf-vocabulary
chunk text (100–160 words) for BM25; ${QUERIES} queries from the same distribution (after ${WARMUP} warm-up queries), k = ${K}.
HNSW M ${HNSW.m}, efConstruction ${HNSW.efConstruction}. Recall@10 is against the exact top 10 (brute force). Model time is
excluded everywhere: the hybrid Retriever gets an Embedder that returns the precomputed query vector. Our Library is
built the way an ingest stores articles (one \`Library.write\`, \`LibraryWriter.putArticle\` per article of 20 chunks:
SQLite rows, FTS5, embeddings as BLOBs, HNSW inserts, checkpoint saves). Cold opens run in a fresh Node process
(files just written, so the OS page cache is warm). Latencies are per query, in milliseconds.`);
  if ('missing' in langchain) parts.push(`**LangChain.js rows: ${langchain.missing}.**`);

  for (const r of results) {
    const label = r.size.toLocaleString('en');
    parts.push(`### ${label} chunks

${table(
  ['search', 'p50 ms', 'p99 ms', 'recall@10'],
  r.rows.map((row) => [row.name, ...latencyCells(row)]),
)}

Restricted to the shared archive (90 % of chunks; the other 10 % belong to a server's own collection), the way a
Discord server searches once other servers have collections: hnswlib then asks a JS predicate about every node it
visits. Recall is against the exact top 10 among shared chunks.

${table(
  ['filtered search', 'p50 ms', 'p99 ms', 'recall@10'],
  r.filtered.map((row) => [row.name, ...latencyCells(row)]),
)}

Hybrid search, stage by stage (each measured alone over the same queries):

${table(
  ['stage', 'p50 ms', 'p99 ms'],
  r.breakdown.map((row) => [row.name, ...latencyCells(row).slice(0, 2)]),
)}

${table(
  ['build', 'time', 'chunks/s', 'on disk'],
  r.builds.map((b) => [
    b.name,
    b.ms === null ? (b.note ?? '–') : seconds(b.ms),
    b.ms === null || !b.insert ? '–' : String(Math.round(r.size / (b.ms / 1000))),
    b.bytes === null ? '–' : megabytes(b.bytes),
  ]),
)}

Ingest overhead of our Library over raw hnswlib inserts (time): ${percent(r.libraryBuildMs / r.rawBuildMs - 1)}

${table(
  ['cold open (fresh process)', 'open ms', 'first query ms', 'first hybrid ms', 'process start → answer ms', 'RSS'],
  r.cold.map((c) =>
    c.result
      ? [
          c.name,
          ms(c.result.openMs),
          ms(c.result.firstQueryMs),
          c.result.firstHybridMs === null ? '–' : ms(c.result.firstHybridMs),
          ms(c.result.sinceStartMs),
          megabytes(c.result.rssBytes),
        ]
      : [c.name, c.note ?? '–', '–', '–', '–', '–'],
  ),
)}`);
  }
  parts.push(targets(results));
  return parts.join('\n\n');
}

function findRow(result: SizeResult, prefix: string): Row | undefined {
  return result.rows.find((r) => r.name.startsWith(prefix));
}

/**
 * Hybrid search at 100,000 chunks before stories were ranked ahead of passages (chunk-level RRF of
 * dense and BM25, capped per article), measured by this script on 2026-11-23 on the same machine.
 */
const PASSAGE_FIRST_100K = { p50: 1.65, p99: 5.14 };

function targets(results: SizeResult[]): string {
  const at = results.find((r) => r.size === TARGET_SIZE) ?? results[results.length - 1];
  if (!at) return '';
  const label = at.size.toLocaleString('en');
  const hybrid = findRow(at, 'our hybrid')?.latency;
  const dense = findRow(at, 'our Library.denseSearch');
  const raw100 = findRow(at, 'raw hnswlib-node, ef 100');
  const langchain = findRow(at, 'LangChain');
  const coldLibrary = at.cold.find((c) => c.name.startsWith('our'))?.result;
  const coldLangchain = at.cold.find((c) => c.name.startsWith('LangChain'))?.result;
  const lines: string[][] = [];
  const add = (target: string, measured: string, ok: boolean | null) =>
    lines.push([target, measured, ok === null ? 'not measured' : mark(ok)]);
  if (hybrid) {
    const before = at.size === TARGET_SIZE ? ` (before story-first retrieval: ${PASSAGE_FIRST_100K.p50} ms)` : '';
    add(`hybrid p50 ≤ 2 ms at ${label}`, `${ms(hybrid.p50)} ms${before}`, hybrid.p50 <= 2);
    const beforeP99 = at.size === TARGET_SIZE ? ` (before: ${PASSAGE_FIRST_100K.p99} ms)` : '';
    add(`hybrid p99 ≤ 10 ms at ${label}`, `${ms(hybrid.p99)} ms${beforeP99}`, hybrid.p99 <= 10);
  }
  if (dense?.recall != null) add('dense recall@10 ≥ 0.99', dense.recall.toFixed(3), dense.recall >= 0.99);
  if (dense?.latency && raw100?.latency) {
    const ratio = dense.latency.p50 / raw100.latency.p50 - 1;
    add(
      'our dense p50 within 10 % of raw hnswlib (ef 100)',
      `${ms(dense.latency.p50)} vs ${ms(raw100.latency.p50)} ms (${ratio >= 0 ? '+' : ''}${percent(ratio)})`,
      ratio <= 0.1,
    );
  }
  if (dense?.latency) {
    add(
      'our dense p50 no slower than LangChain (ef 100)',
      langchain?.latency ? `${ms(dense.latency.p50)} vs ${ms(langchain.latency.p50)} ms` : (langchain?.note ?? '–'),
      langchain?.latency ? dense.latency.p50 <= langchain.latency.p50 : null,
    );
  }
  const overhead = at.libraryBuildMs / at.rawBuildMs - 1;
  add('ingest overhead over raw hnswlib inserts < 20 %', percent(overhead), overhead < 0.2);
  if (coldLibrary) {
    add('cold open ≤ 0.5 s', `${ms(coldLibrary.openMs)} ms`, coldLibrary.openMs <= 500);
    add(
      'cold open faster than LangChain HNSWLib.load',
      coldLangchain ? `${ms(coldLibrary.openMs)} vs ${ms(coldLangchain.openMs)} ms` : '–',
      coldLangchain ? coldLibrary.openMs < coldLangchain.openMs : null,
    );
  }
  return `### Targets (at ${label} chunks)

${table(['target', 'measured', ''], lines)}`;
}

async function main(): Promise<void> {
  const langchain = await loadLangChain();
  if ('missing' in langchain) process.stdout.write(`LangChain.js HNSWLib: ${langchain.missing}\n`);
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `newsroom-bench-${size}-`));
    try {
      results.push(await benchSize(size, langchain, workDir));
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
    collectGarbage();
  }
  const markdown = report(results, langchain);
  writeResultsSection('search', markdown);
  process.stdout.write(`${markdown}\n`);
}

await main();
