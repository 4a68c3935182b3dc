/**
 * `npm run bench:1m`: one million chunks through our Library (LibraryWriter.putArticle, articles of
 * 20 chunks, precomputed vectors): build time, memory, file sizes, search latency and recall@10
 * on 200 queries. Takes a long time; run it in the background:
 *
 *   nohup npm run bench:1m > bench/out/million.log 2>&1 &
 *
 * `--reuse` searches an existing bench/out/million-data instead of rebuilding it (build numbers
 * are then those saved by the run that built it).
 * `--chunks=N` runs at another size (for trying the script out).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Library } from '../src/store/library.ts';
import { coldOpen } from './cold-open.ts';
import { searchSection } from './million-search.ts';
import { assertChunkIds, buildLibrary, HNSW, K, makeCorpus, queryText, type Corpus } from './corpus.ts';
import { diskBytes, machineLine, OUT_DIR, progress, writeResultsSection } from './results.ts';
import { latency, mark, megabytes, ms, seconds } from './stats.ts';
import { DEFAULT_SPACE, exactTopK, recallAtK, vectorAt } from './vectors.ts';

const args = process.argv.slice(2);
const CHUNKS = Number(args.find((a) => a.startsWith('--chunks='))?.slice('--chunks='.length) ?? 1_000_000);
const REUSE = args.includes('--reuse');
/** After the measurements: a library written by an earlier version is upgraded (stored chunk texts dropped on open, float32 embeddings rewritten as float16 by its first write) and vacuumed. */
const COMPACT = args.includes('--compact');
const QUERIES = 200;
const DATA_DIR = path.join(OUT_DIR, CHUNKS === 1_000_000 ? 'million-data' : `million-data-${CHUNKS}`);

/** Every 10th article belongs to a Discord server's own collection (the filtered rows search the shared archive only). */
const GUILD_EVERY = 10;

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

interface BuildStats {
  ms: number | null;
  peakRss: number | null;
  after: Memory;
  /** When the build ran (UTC), for results reported from a reused build. */
  date: string | null;
}

function memory(): Memory {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

/** Queries whose exact scan is timed when the ground truth comes from the cache. */
const TIMED_SCANS = 20;

/** Exact top-10 of each query, cached on disk: the scan over 1M vectors is the slow part. */
function groundTruth(corpus: Corpus): { truth: Int32Array[]; scanMs: number[] } {
  const { seed, noise, clusters } = DEFAULT_SPACE;
  const file = path.join(OUT_DIR, `truth-${CHUNKS}-${QUERIES}-${seed}-${noise}-${clusters}.bin`);
  if (fs.existsSync(file)) {
    const flat = new Int32Array(new Uint8Array(fs.readFileSync(file)).buffer);
    const truth = Array.from({ length: QUERIES }, (_, q) => flat.subarray(q * K, (q + 1) * K));
    const scanMs: number[] = [];
    for (let q = 0; q < TIMED_SCANS; q++) {
      const started = performance.now();
      const ids = exactTopK(corpus.chunks, vectorAt(corpus.queries, q), K);
      scanMs.push(performance.now() - started);
      if (recallAtK(ids, truth[q] as Int32Array, K) !== 1) throw new Error(`${file} does not match this data; delete it`);
    }
    return { truth, scanMs };
  }
  const truth: Int32Array[] = [];
  const scanMs: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const started = performance.now();
    truth.push(exactTopK(corpus.chunks, vectorAt(corpus.queries, q), K));
    scanMs.push(performance.now() - started);
    if (q % 50 === 49) progress(`exact scan: ${q + 1}/${QUERIES} queries`);
  }
  const flat = new Int32Array(QUERIES * K);
  truth.forEach((t, q) => flat.set(t, q * K));
  fs.writeFileSync(file, new Uint8Array(flat.buffer));
  return { truth, scanMs };
}

/** The upgrade every earlier library gets (chunk texts dropped on open, float32 embeddings rewritten as float16 in its first write), then VACUUM. */
async function compactLibrary(): Promise<{ ms: number; sqliteBytes: number; totalBytes: number }> {
  progress('upgrade of an earlier library (chunk texts, float16 embeddings)');
  const started = performance.now();
  const library = Library.open({ dataDir: DATA_DIR, hnsw: HNSW });
  await library.write(async () => undefined);
  const elapsed = performance.now() - started;
  library.close();
  progress('VACUUM');
  const db = new Database(path.join(DATA_DIR, 'library.sqlite'));
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const sqliteBytes = diskBytes(path.join(DATA_DIR, 'library.sqlite')) + diskBytes(path.join(DATA_DIR, 'library.sqlite-wal'));
  return { ms: elapsed, sqliteBytes, totalBytes: diskBytes(DATA_DIR) };
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  progress(`generating ${CHUNKS.toLocaleString('en')} vectors`);
  const started = performance.now();
  const corpus = makeCorpus(CHUNKS, QUERIES, GUILD_EVERY);
  const generateMs = performance.now() - started;
  const beforeBuild = memory();

  progress('ground truth (exact scan)');
  const { truth, scanMs } = groundTruth(corpus);

  let library: Library;
  let build: BuildStats;
  const statsFile = path.join(DATA_DIR, '..', `${path.basename(DATA_DIR)}-build.json`);
  if (REUSE && fs.existsSync(DATA_DIR)) {
    progress(`reusing ${DATA_DIR}`);
    library = Library.open({ dataDir: DATA_DIR, hnsw: HNSW });
    assertChunkIds(library, corpus);
    build = fs.existsSync(statsFile)
      ? (JSON.parse(fs.readFileSync(statsFile, 'utf8')) as BuildStats)
      : { ms: null, peakRss: null, after: memory(), date: null };
  } else {
    progress('building the library');
    let peakRss = 0;
    const built = await buildLibrary(DATA_DIR, corpus, (done, total) => {
      if (done % 1000 === 0 || done === total) {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (done % 5000 === 0) progress(`built ${done}/${total} articles`);
      }
    });
    library = built.library;
    const after = memory();
    build = { ms: built.ms, peakRss: Math.max(peakRss, after.rss), after, date: new Date().toISOString().slice(0, 16) };
    fs.writeFileSync(statsFile, JSON.stringify(build));
  }

  const search = await searchSection(library, DATA_DIR, corpus, truth, QUERIES);
  library.close();

  const files = {
    sqlite: diskBytes(path.join(DATA_DIR, 'library.sqlite')) + diskBytes(path.join(DATA_DIR, 'library.sqlite-wal')),
    hnsw: diskBytes(path.join(DATA_DIR, 'vectors.hnsw')),
    total: diskBytes(DATA_DIR),
  };

  const compacted = COMPACT ? await compactLibrary() : null;

  progress('cold open in a fresh process');
  const cold = await coldOpen({
    mode: 'library',
    target: DATA_DIR,
    query: Array.from(vectorAt(corpus.queries, 0)),
    queryText: queryText(corpus, 0),
  });

  const exact = latency(scanMs);
  const size = CHUNKS === 1_000_000 ? 'One million' : CHUNKS.toLocaleString('en');
  const markdown = `## ${size} chunks (\`npm run bench:1m${CHUNKS === 1_000_000 ? '' : ` -- --chunks=${CHUNKS}`}\`)

${machineLine()}

${CHUNKS.toLocaleString('en')} chunks of synthetic clustered 384-d vectors (${DEFAULT_SPACE.clusters} clusters, noise ${DEFAULT_SPACE.noise})
with Zipf text (100–160 words each), stored through \`LibraryWriter.putArticle\` in articles of 20 chunks in one
\`Library.write\`; HNSW M ${HNSW.m}, efConstruction ${HNSW.efConstruction}, ef ${HNSW.efSearch}. ${QUERIES} queries, k = ${K}
(after 20 warm-up queries). Every 10th article belongs to a server's own collection; "one collection" searches the
shared archive only (hnswlib then calls a filter per visited node). Recall@10 is against the exact top 10 by brute force. The cold open runs in a
fresh Node process; on this machine the OS keeps only ~2.5 GB of file cache, so it reads much of the 1.6 GB index
and the catalog from disk.

| build | |
| --- | --- |
| vectors generated | ${seconds(generateMs)} |
| library build (ingest, incl. checkpoints and final save) | ${build.ms === null ? 'not measured (reused an existing build)' : `${seconds(build.ms)} (${Math.round(CHUNKS / (build.ms / 1000))} chunks/s)`}${REUSE && build.date ? ` — build run of ${build.date} UTC` : ''} |
| RSS before build (vectors in memory) | ${megabytes(beforeBuild.rss)} |
| RSS peak during build / after build | ${build.peakRss === null ? '–' : megabytes(build.peakRss)} / ${megabytes(build.after.rss)} |
| JS heap used / external after build | ${megabytes(build.after.heapUsed)} / ${megabytes(build.after.external)} |
| library.sqlite (+ WAL) | ${megabytes(files.sqlite)} |
| vectors.hnsw | ${megabytes(files.hnsw)} |
| data dir total | ${megabytes(files.total)} |
| upgrade of a library written by an earlier version (open + first write) / library.sqlite after it and VACUUM | ${compacted ? `${seconds(compacted.ms)} / ${megabytes(compacted.sqliteBytes)} (data dir ${megabytes(compacted.totalBytes)})` : 'not run (--compact)'} |
| cold open (fresh process): Library.open | ${ms(cold.openMs)} ms ${mark(cold.openMs <= 500)} (≤ 500 ms) |
| first dense query / first hybrid query | ${ms(cold.firstQueryMs)} ms / ${ms(cold.firstHybridMs ?? Number.NaN)} ms |
| RSS of the freshly opened process | ${megabytes(cold.rssBytes)} |

Plain JS exact scan (${scanMs.length} queries): p50 ${ms(exact.p50)} ms, p99 ${ms(exact.p99)} ms.

${search}

Recall@10 is against the exact top 10 over every chunk (filtered rows: latency only). Hybrid results are stories'
best passages (3 per story at most), so they are not compared with the dense top 10.
`;
  writeResultsSection(CHUNKS === 1_000_000 ? 'million' : `million-${CHUNKS}`, markdown);
  process.stdout.write(`${markdown}\n`);
}

await main();
