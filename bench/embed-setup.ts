/**
 * What `npm run bench:embed` needs besides the embedder: the generated models (made by
 * scripts/make-bench-models.py on first use, cached under bench/out/models), real-length chunks of
 * the repository's articles, the FLOPs a model spends per text, and the machine's measured rate of
 * matrix products in fp32 and int8.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Article } from '../src/articles/article.ts';
import { loadPaths } from '../src/articles/load.ts';
import { sharedParsePool } from '../src/articles/parse-pool.ts';
import { modelFolder, missingModelFiles } from '../src/embeddings/model-files.ts';
import { passageText } from '../src/ingest.ts';
import { chunkText } from '../src/text/chunker.ts';
import { BENCH_DIR, OUT_DIR, progress } from './results.ts';

export const MODELS_DIR = path.join(OUT_DIR, 'models');
const ROOT = path.join(BENCH_DIR, '..');
const GENERATOR = path.join(ROOT, 'scripts', 'make-bench-models.py');
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Layers, width and feed-forward width of each model (as in its config.json). */
export const SHAPES: Record<string, { layers: number; hidden: number; ffn: number }> = {
  'Xenova/bge-small-en-v1.5': { layers: 12, hidden: 384, ffn: 1536 },
  'Xenova/bge-base-en-v1.5': { layers: 12, hidden: 768, ffn: 3072 },
  'Xenova/all-MiniLM-L6-v2': { layers: 6, hidden: 384, ffn: 1536 },
  'Xenova/multilingual-e5-small': { layers: 12, hidden: 384, ffn: 1536 },
};

function generate(args: string[]): void {
  try {
    execFileSync(PYTHON, [GENERATOR, MODELS_DIR, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    throw new Error(`${GENERATOR} failed (it needs python3-onnx and python3-numpy: apt-get install -y python3-onnx python3-numpy)`, {
      cause: error,
    });
  }
}

/** Generates the models (both dtypes) and the matmul probes that are not in bench/out yet. */
export function ensureModels(modelIds: readonly string[]): void {
  const missing = modelIds.filter(
    (id) => missingModelFiles(MODELS_DIR, id, 'fp32').length + missingModelFiles(MODELS_DIR, id, 'q8').length > 0,
  );
  if (missing.length > 0) {
    progress(`generating ${missing.join(', ')} under ${modelFolder(MODELS_DIR, '')}`);
    generate(missing);
  }
  if (!fs.existsSync(path.join(MODELS_DIR, 'probes', 'matmul-int8.onnx'))) generate(['probes']);
}

/** The repository's own articles (articles/ and bench/news), as the loader reads them. */
export async function loadArticles(): Promise<Article[]> {
  const articles: Article[] = [];
  for await (const result of loadPaths([path.join(ROOT, 'articles'), path.join(BENCH_DIR, 'news')])) {
    if (result.ok) articles.push(result.article);
  }
  await sharedParsePool().close();
  return articles;
}

/** Passages as ingest embeds them (headline + chunk), chunked with the project's chunker and this model's tokenizer. */
export function passages(articles: readonly Article[], countTokens: (text: string) => number, maxTokens: number): string[] {
  return articles.flatMap((article) =>
    chunkText(article.body, { targetTokens: Math.min(200, maxTokens - 16), overlapTokens: 30, countTokens }).map((chunk) =>
      passageText(article.title, chunk.text),
    ),
  );
}

/**
 * FLOPs of one text of `tokens` tokens (special tokens included): the products by weight
 * matrices (2 × weights per token) plus attention's two products (2 × 2 × tokens × width per
 * token and layer). Layer norms, softmax and the embedding lookup are left out (a few percent).
 */
export function flopsPerText(modelId: string, tokens: number): number {
  const shape = SHAPES[modelId];
  if (!shape) throw new Error(`no shape for ${modelId}`);
  const weights = shape.layers * (4 * shape.hidden * shape.hidden + 2 * shape.hidden * shape.ffn);
  const attention = shape.layers * 4 * tokens * shape.hidden;
  return tokens * (2 * weights + attention);
}

/**
 * Matrix-product rate (FLOP/s) of ONNX Runtime on this machine with `threads` threads: the median
 * of back-to-back products for `seconds` (on a shared machine the best run would catch a quiet
 * moment the model's runs do not get).
 */
export async function matmulRate(dtype: 'fp32' | 'int8', threads: number, seconds = 3): Promise<number> {
  const file = path.join(MODELS_DIR, 'probes', `matmul-${dtype}.onnx`);
  const session = await InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const [rows, inner, cols] = [2048, 384, 1536];
  const input = new Tensor(
    'float32',
    Float32Array.from({ length: rows * inner }, (_, i) => Math.sin(i)),
    [rows, inner],
  );
  const flops = 2 * rows * inner * cols;
  const rates: number[] = [];
  const until = performance.now() + seconds * 1000;
  await session.run({ x: input });
  while (performance.now() < until || rates.length < 5) {
    const started = performance.now();
    await session.run({ x: input });
    rates.push(flops / ((performance.now() - started) / 1000));
  }
  await session.release();
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0;
}
