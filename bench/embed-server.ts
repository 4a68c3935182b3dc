/**
 * `npm run bench:embed-server`: chunks/s through an embeddings server (EMBEDDINGS_URL), against a
 * stand-in OpenAI-compatible server on 127.0.0.1 that takes `--latency=MS` per request (a GPU
 * server's batch time plus the network) and returns vectors at once otherwise. So what is measured
 * is this side: the openai client, batching and concurrency, chunking, checking, storing.
 *
 * 1. The embedder alone: every chunk of the archive in one embedDocuments call, for several batch
 *    sizes and concurrency limits.
 * 2. The ways chunks reach it: `ingest` (articles embedded as they are stored, a few ahead) and the
 *    embedding of chunks left pending (stored first, embedded after in batches of 64).
 *
 * `--articles=N` (default 300), `--latency=MS` (default 50).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPaths } from '../src/articles/load.ts';
import type { Embedder } from '../src/embeddings/embedder.ts';
import { loadServerEmbedder } from '../src/embeddings/server.ts';
import { ingest, passageText } from '../src/ingest.ts';
import { embedPending } from '../src/ingest/embed-batches.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { chunkText } from '../src/text/chunker.ts';
import { startFakeEmbeddingsServer, type FakeEmbeddingsServer } from '../test/fakes/embeddings-server.ts';
import { HNSW } from './corpus.ts';
import { proseArticle, proseMarkdown } from './prose.ts';
import { machineLine, progress, writeResultsSection } from './results.ts';
import { table } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ARTICLES = Number(option('articles') ?? 300);
const LATENCY_MS = Number(option('latency') ?? 50);
const MODEL = 'Xenova/bge-small-en-v1.5';
const DIMENSIONS = 384;
const CHUNKING = { targetTokens: 200, overlapTokens: 30 };
type Encoding = 'base64' | 'float';

/** A unit vector that depends on the text only: cheap, so the stand-in costs only its latency. */
function vectorOf(text: string): number[] {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619);
  const values = Array.from({ length: DIMENSIONS }, (_, i) => Math.sin(seed + i * 12.9898));
  const norm = Math.hypot(...values);
  return values.map((v) => v / norm);
}

function embedderFor(
  server: FakeEmbeddingsServer,
  noModels: string,
  batchSize: number,
  maxConcurrent: number,
  encoding: Encoding = 'base64',
): Promise<Embedder> {
  return loadServerEmbedder({
    url: server.url,
    apiKey: null,
    modelId: MODEL,
    batchSize,
    maxConcurrent,
    timeoutMs: 30_000,
    maxRetries: 3,
    encoding,
    // No local model files: the stand-in tokenizer counts tokens and nothing is compared.
    local: { modelsDir: noModels, cacheDir: noModels, dtype: 'fp32' },
  });
}

function writeArchive(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < ARTICLES; i++) {
    const article = proseArticle(i);
    fs.writeFileSync(path.join(dir, `${article.id}.md`), proseMarkdown(article));
  }
}

async function embedderAlone(server: FakeEmbeddingsServer, noModels: string): Promise<string[][]> {
  const probe = await embedderFor(server, noModels, 32, 4);
  const texts = Array.from({ length: ARTICLES }, (_, i) => proseArticle(i)).flatMap((a) =>
    chunkText(a.body, { ...CHUNKING, countTokens: (s) => probe.countTokens(s) }).map((c) => passageText(a.title, c.text)),
  );
  const rows: string[][] = [];
  const variants: [number, number, Encoding][] = [
    [8, 1, 'base64'],
    [32, 1, 'base64'],
    [32, 4, 'float'],
    [32, 4, 'base64'],
    [128, 4, 'float'],
    [128, 4, 'base64'],
    [128, 16, 'base64'],
  ];
  for (const [batchSize, concurrent, encoding] of variants) {
    const embedder = await embedderFor(server, noModels, batchSize, concurrent, encoding);
    const started = performance.now();
    await embedder.embedDocuments(texts);
    const seconds = (performance.now() - started) / 1000;
    const requests = Math.ceil(texts.length / batchSize);
    rows.push([
      String(batchSize),
      String(concurrent),
      encoding,
      String(texts.length),
      String(requests),
      (texts.length / seconds).toFixed(0),
      ((((requests / Math.min(concurrent, requests)) * LATENCY_MS) / 1000 / seconds) * 100).toFixed(0) + ' %',
    ]);
    progress(`embedder alone, batch ${batchSize} × ${concurrent}, ${encoding}: ${(texts.length / seconds).toFixed(0)} chunks/s`);
  }
  return rows;
}

async function throughLibrary(server: FakeEmbeddingsServer, noModels: string, archive: string, root: string): Promise<string[][]> {
  const embedder = await embedderFor(server, noModels, 32, 4);
  const rows: string[][] = [];
  const floor = Library.open({ dataDir: path.join(root, 'floor'), hnsw: HNSW });
  let started = performance.now();
  const keywordOnly = await ingest({ library: floor, embedder: null }, loadPaths([archive]), {
    collection: SHARED_COLLECTION,
    chunking: CHUNKING,
  });
  rows.push([
    "`ingest` without embedding (this side's floor: read, chunk, store)",
    String(keywordOnly.chunks),
    (keywordOnly.chunks / ((performance.now() - started) / 1000)).toFixed(0),
  ]);
  floor.close();
  const direct = Library.open({ dataDir: path.join(root, 'direct'), hnsw: HNSW });
  started = performance.now();
  const summary = await ingest({ library: direct, embedder }, loadPaths([archive]), { collection: SHARED_COLLECTION, chunking: CHUNKING });
  let seconds = (performance.now() - started) / 1000;
  rows.push(['`ingest`, embedding as it stores', String(summary.chunks), (summary.chunks / seconds).toFixed(0)]);
  direct.close();
  progress(`ingest: ${(summary.chunks / seconds).toFixed(0)} chunks/s`);

  // Stored first while the server fails (keyword-searchable), then embedded from the pending list.
  const later = Library.open({ dataDir: path.join(root, 'later'), hnsw: HNSW });
  server.setDefault({ status: 503 });
  const stored = await ingest({ library: later, embedder }, loadPaths([archive]), { collection: SHARED_COLLECTION, chunking: CHUNKING });
  server.setDefault({ delayMs: LATENCY_MS });
  started = performance.now();
  const embedded = await embedPending({ library: later, embedder });
  seconds = (performance.now() - started) / 1000;
  rows.push(['pending chunks embedded after (batches of 64)', String(embedded), (embedded / seconds).toFixed(0)]);
  progress(`pending: ${stored.pendingEmbeddings} left, ${(embedded / seconds).toFixed(0)} chunks/s`);
  later.close();
  return rows;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-bench-embserver-'));
  const noModels = path.join(root, 'no-models');
  const archive = path.join(root, 'archive');
  fs.mkdirSync(noModels);
  writeArchive(archive);
  const server = await startFakeEmbeddingsServer((texts) => texts.map(vectorOf));
  server.setDefault({ delayMs: LATENCY_MS });
  try {
    const alone = await embedderAlone(server, noModels);
    const library = await throughLibrary(server, noModels, archive, root);
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ');
    const markdown = [
      '## Embeddings server (`npm run bench:embed-server`)',
      '',
      `${machineLine()} · load average ${load} (1/5/15 min) at the end: a shared machine`,
      '',
      `A stand-in OpenAI-compatible server on 127.0.0.1 answering each request after ${LATENCY_MS} ms (a GPU`,
      "server's batch time plus the network) with ready vectors, through the real openai client; model",
      `${MODEL} (384-d, no local model files: stand-in tokenizer); ${ARTICLES} generated articles. The`,
      "stand-in runs in this process, so its own encoding of the replies is counted as this side's time.",
      '',
      '### The embedder alone (one embedDocuments call over every chunk)',
      '',
      table(
        ['batch', 'concurrent', 'vectors as', 'chunks', 'requests', 'chunks/s', 'server latency ÷ time (100 %: the server is the limit)'],
        alone,
      ),
      '',
      '### Through the library (batch 32, 4 concurrent: the defaults)',
      '',
      table(['path', 'chunks', 'chunks/s'], library),
      '',
      'What it shows: with the model on a server, embedding leaves the critical path. `ingest` through the',
      'server runs at the speed of `ingest` without any embedding (rows 1 and 2): reading, chunking and',
      'storing (SQLite, HNSW inserts) on this machine are the limit, not the server, where embedding on',
      "this machine's CPU managed 3.4 chunks/s under load (issue 16). The embedder alone is bound by this",
      "side too once batches are large (the last column: little of the time is the server's latency):",
      'the vectors are encoded (by the stand-in), decoded and checked here; base64 float32s (the',
      'default) cost less than JSON numbers (1.4–1.6× the chunks/s). Pending chunks (stored first,',
      'embedded after) go 3–4× faster than an ingest embedding as it stores, because they are sent in',
      'full batches rather than one article (a few chunks) at a time.',
    ].join('\n');
    console.log(markdown);
    writeResultsSection('embed-server', markdown);
  } finally {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
