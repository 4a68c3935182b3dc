/**
 * `npm run bench:embed`: how fast the project's own embedder (src/embeddings/transformers.ts)
 * turns real-length passages into vectors, against the limit this machine's matrix-product rate
 * sets. Models are random-weight copies of the registry's models with their real shapes
 * (scripts/make-bench-models.py, generated on first use into bench/out/models), in fp32 and in
 * int8 made the way the hub's model_quantized.onnx is.
 *
 * Default (a few minutes): bge-small, batches of 16, every core: "before" (fp32, batches in
 * arrival order: what ingest did until now) against fp32 and q8 with batches grouped by length.
 * `--full`: every model, batch sizes 1/8/16/32 and 1 thread vs every core. `--chunks=N` passages
 * per row (default 64), `--rounds=N` best of N (default 1).
 */
import os from 'node:os';
import path from 'node:path';
import type { Embedder } from '../src/embeddings/embedder.ts';
import { lengthBatches, paddingShare } from '../src/embeddings/length-batches.ts';
import type { EmbeddingDtype } from '../src/embeddings/model-files.ts';
import { loadEmbedder, unloadEmbedders } from '../src/embeddings/transformers.ts';
import { loadWorkerEmbedder, stopWorkerEmbedders } from '../src/embeddings/worker-embedder.ts';
import { ensureModels, flopsPerText, loadArticles, matmulRate, MODELS_DIR, passages, SHAPES } from './embed-setup.ts';
import { machineLine, OUT_DIR, progress, writeResultsSection } from './results.ts';
import { percent, table } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const FULL = args.includes('--full');
const CHUNKS = Number(option('chunks') ?? 64);
const ROUNDS = Number(option('rounds') ?? 1);
const CORES = os.availableParallelism();
const DEFAULT_MODEL = 'Xenova/bge-small-en-v1.5';

interface Variant {
  model: string;
  dtype: EmbeddingDtype;
  batch: number;
  threads: number;
  /** Batches in arrival order (the embedder called once per consecutive batch), as before grouping. */
  arrival: boolean;
}

interface Row extends Variant {
  chunksPerSecond: number;
  tokensPerSecond: number;
  padding: number;
  /** ONNX Runtime's matrix-product rate (median, FLOP/s) measured just before the timed round. */
  rate: number;
  limit: number;
}

function variants(): Variant[] {
  const base = { model: DEFAULT_MODEL, batch: 16, threads: CORES };
  if (!FULL) {
    return [
      { ...base, dtype: 'fp32', arrival: true },
      { ...base, dtype: 'fp32', arrival: false },
      { ...base, dtype: 'q8', arrival: true },
      { ...base, dtype: 'q8', arrival: false },
    ];
  }
  const rows: Variant[] = [];
  for (const model of Object.keys(SHAPES)) {
    for (const dtype of ['fp32', 'q8'] as const) {
      rows.push({ ...base, model, dtype, arrival: true }, { ...base, model, dtype, arrival: false });
      if (model !== DEFAULT_MODEL) continue;
      for (const batch of [1, 8, 32]) rows.push({ ...base, dtype, batch, arrival: false });
      if (CORES > 1) rows.push({ ...base, dtype, threads: 1, arrival: false });
    }
  }
  return rows;
}

/** Seconds to embed `texts` the way `variant` says. */
async function timeEmbedding(embedder: Embedder, texts: string[], variant: Variant): Promise<number> {
  const started = performance.now();
  if (variant.arrival) {
    for (let start = 0; start < texts.length; start += variant.batch)
      await embedder.embedDocuments(texts.slice(start, start + variant.batch));
  } else {
    await embedder.embedDocuments(texts);
  }
  return (performance.now() - started) / 1000;
}

function arrivalBatches(count: number, size: number): number[][] {
  return Array.from({ length: Math.ceil(count / size) }, (_, b) =>
    Array.from({ length: Math.min(size, count - b * size) }, (_, i) => b * size + i),
  );
}

interface Prepared {
  variant: Variant;
  embedder: Embedder;
  texts: string[];
  lengths: number[];
  seconds: number;
  /** Matrix-product rate measured just before the fastest round, in this variant's precision. */
  rate: number;
}

async function prepare(variant: Variant, all: string[]): Promise<Prepared> {
  const embedder = await loadEmbedder({
    modelId: variant.model,
    dtype: variant.dtype,
    batchSize: variant.batch,
    threads: variant.threads,
    modelsDir: MODELS_DIR,
    cacheDir: path.join(OUT_DIR, 'cache'),
  });
  if (embedder.dtype !== variant.dtype) throw new Error(`${variant.model} loaded as ${embedder.dtype}, not ${variant.dtype}`);
  const texts = all.slice(0, CHUNKS);
  await embedder.embedDocuments(texts.slice(0, 2));
  const lengths = texts.map((text) => Math.min(embedder.countTokens(text) + 2, embedder.maxTokens));
  return { variant, embedder, texts, lengths, seconds: Infinity, rate: 0 };
}

/** One timed round; the machine's rate is measured right before it, under the same load. */
async function round(p: Prepared): Promise<void> {
  const rate = await matmulRate(p.variant.dtype === 'q8' ? 'int8' : 'fp32', p.variant.threads, 2);
  const seconds = await timeEmbedding(p.embedder, p.texts, p.variant);
  if (seconds < p.seconds) Object.assign(p, { seconds, rate });
}

function toRow(p: Prepared): Row {
  const { variant, lengths, seconds } = p;
  const batches = variant.arrival ? arrivalBatches(lengths.length, variant.batch) : lengthBatches(lengths, variant.batch);
  const tokens = lengths.reduce((sum, n) => sum + n, 0);
  const flops = lengths.reduce((sum, n) => sum + flopsPerText(variant.model, n), 0);
  return {
    ...variant,
    chunksPerSecond: lengths.length / seconds,
    tokensPerSecond: tokens / seconds,
    padding: paddingShare(lengths, batches),
    rate: p.rate,
    limit: p.rate / (flops / lengths.length),
  };
}

/** Worst lateness (ms) of a 10 ms timer on the main thread while `work` runs, and its p99. */
async function timerLateness(work: () => Promise<unknown>): Promise<{ p99: number; max: number; ticks: number }> {
  const late: number[] = [];
  let expected = performance.now() + 10;
  const timer = setInterval(() => {
    const now = performance.now();
    late.push(Math.max(0, now - expected));
    expected = now + 10;
  }, 10);
  await work();
  // The tick the work held up, if it held one up.
  late.push(Math.max(0, performance.now() - expected));
  clearInterval(timer);
  late.sort((a, b) => a - b);
  return { p99: late[Math.floor(late.length * 0.99)] ?? 0, max: late.at(-1) ?? 0, ticks: late.length };
}

/** The main thread's timer lateness while `texts` are embedded in-process and in a worker thread. */
async function eventLoopDelays(texts: string[]): Promise<string> {
  const options = { modelId: DEFAULT_MODEL, modelsDir: MODELS_DIR, cacheDir: path.join(OUT_DIR, 'cache'), threads: CORES };
  const rows: string[][] = [];
  for (const [where, load] of [
    ['in-process', loadEmbedder],
    ['worker thread', loadWorkerEmbedder],
  ] as const) {
    const embedder = await load(options);
    await embedder.embedDocuments(texts.slice(0, 2));
    const delay = await timerLateness(() => embedder.embedDocuments(texts));
    rows.push([where, String(delay.ticks), delay.p99.toFixed(0), delay.max.toFixed(0)]);
  }
  await unloadEmbedders();
  await stopWorkerEmbedders();
  return [
    `Main thread while ${texts.length} passages are embedded (q8, default settings): how late a 10 ms timer fires,`,
    'i.e. what a Discord acknowledgement or a /metrics scrape would wait for.',
    '',
    table(['embedder', 'timer ticks', 'late p99 (ms)', 'late max (ms)'], rows),
  ].join('\n');
}

function report(rows: Row[], load: string, chunkTokens: number, delays: string): string {
  const header = [
    'model',
    'dtype',
    'batches',
    'batch',
    'threads',
    'chunks/s',
    'tokens/s',
    'padding',
    'matmul G/s',
    'limit chunks/s',
    'share of limit',
  ];
  const body = rows.map((r) => [
    r.model.replace('Xenova/', ''),
    r.dtype,
    r.arrival ? 'arrival order' : 'by length',
    String(r.batch),
    String(r.threads),
    r.chunksPerSecond.toFixed(1),
    r.tokensPerSecond.toFixed(0),
    percent(r.padding),
    (r.rate / 1e9).toFixed(0),
    r.limit.toFixed(1),
    percent(r.chunksPerSecond / r.limit),
  ]);
  const before = rows.find((r) => r.model === DEFAULT_MODEL && r.dtype === 'fp32' && r.arrival && r.batch === 16 && r.threads === CORES);
  const after = rows.find((r) => r.model === DEFAULT_MODEL && r.dtype === 'q8' && !r.arrival && r.batch === 16 && r.threads === CORES);
  const summary =
    before && after
      ? `Default settings, bge-small: before (fp32, arrival order) ${before.chunksPerSecond.toFixed(1)} chunks/s → after (q8, by length) ` +
        `${after.chunksPerSecond.toFixed(1)} chunks/s: ${(after.chunksPerSecond / before.chunksPerSecond).toFixed(2)}×, ` +
        `${percent(after.chunksPerSecond / after.limit)} of the int8 limit.`
      : '';
  return [
    '## Embedding speed (`npm run bench:embed`)',
    '',
    machineLine(),
    '',
    `Load: ${load}. Variants take turns, round by round; each row is its fastest round. Before each round ONNX Runtime's `,
    `matrix-product rate in that row's precision is measured (median of 2 s of products of a feed-forward's shape, ${CORES} threads): `,
    `the row's limit is that rate ÷ the FLOPs a passage costs (weights and attention, no padding).`,
    `${CHUNKS} passages of the repository's articles (headline + chunk, ${chunkTokens.toFixed(0)} tokens on average), ` +
      `${ROUNDS} round(s).`,
    '',
    table(header, body),
    '',
    summary,
    '',
    delays,
  ].join('\n');
}

async function main(): Promise<void> {
  const list = variants();
  const models = [...new Set(list.map((v) => v.model))];
  ensureModels(models);
  const articles = await loadArticles();
  const loadBefore = os.loadavg()[0] ?? 0;
  const rows: Row[] = [];
  let chunkTokens = 0;
  let delays = '';
  for (const model of models) {
    const probe = await loadEmbedder({ modelId: model, dtype: 'fp32', modelsDir: MODELS_DIR, cacheDir: path.join(OUT_DIR, 'cache') });
    const texts = passages(articles, (t) => probe.countTokens(t), probe.maxTokens);
    if (model === DEFAULT_MODEL)
      chunkTokens = texts.slice(0, CHUNKS).reduce((s, t) => s + probe.countTokens(t) + 2, 0) / Math.min(CHUNKS, texts.length);
    await unloadEmbedders();
    if (model === DEFAULT_MODEL) delays = await eventLoopDelays(texts.slice(0, 16));
    const prepared: Prepared[] = [];
    for (const variant of list.filter((v) => v.model === model)) prepared.push(await prepare(variant, texts));
    for (let n = 1; n <= ROUNDS; n++) {
      for (const p of prepared) {
        const v = p.variant;
        progress(`round ${n}: ${model} ${v.dtype} batch ${v.batch} threads ${v.threads} ${v.arrival ? 'arrival order' : 'by length'}`);
        await round(p);
      }
    }
    rows.push(...prepared.map(toRow));
    await unloadEmbedders();
  }
  const load = `1-minute load average ${loadBefore.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${CORES} CPUs shared with other work`;
  const markdown = report(rows, load, chunkTokens, delays);
  console.log(markdown);
  writeResultsSection(FULL ? 'embed-full' : 'embed', markdown);
}

await main();
