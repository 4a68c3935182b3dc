import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { openApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { inLengthBatches, lengthBatches, paddingShare } from '../src/embeddings/length-batches.ts';
import { loadEmbedder, unloadEmbedders } from '../src/embeddings/transformers.ts';
import { loadWorkerEmbedder, stopWorkerEmbedders } from '../src/embeddings/worker-embedder.ts';
import { silentLogger } from '../src/log.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { ROOT } from './support/app.ts';
import { paragraphChunks, syntheticArticle } from './support/synthetic.ts';

const TINY = 'newsroom/tiny-bert';
const FIXTURE_MODELS = path.join(ROOT, 'test/fixtures/models');
const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const dirs: string[] = [];

after(async () => {
  await unloadEmbedders();
  await stopWorkerEmbedders();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-embed-speed-'));
  dirs.push(dir);
  return dir;
}

const TEXTS = [
  'The school board delayed its budget vote until Thursday, citing missing figures from the county and a late audit.',
  'Storm warning.',
  'Police closed the road after the crash.',
  'Hospital waiting lists grew for the third month in a row, the health board said on Monday.',
  'Bridge.',
  'Volunteers cleared litter from the beach.',
  'The mayor opened the new library, which cost four million pounds and took two years to build.',
];

test("batches group texts of like length, and results come back in the texts' own order", async () => {
  const lengths = [9, 1, 5, 8, 1, 6, 9];
  const batches = lengthBatches(lengths, 3);
  assert.deepEqual(batches, [[1, 4, 2], [5, 3, 0], [6]]);
  assert.ok(paddingShare(lengths, batches) < paddingShare(lengths, [[0, 1, 2], [3, 4, 5], [6]]));
  const seen: number[][] = [];
  const results = await inLengthBatches(
    lengths,
    (n) => n,
    3,
    async (batch) => {
      seen.push(batch);
      return batch.map((n) => `length ${n}`);
    },
  );
  assert.deepEqual(
    results,
    lengths.map((n) => `length ${n}`),
  );
  assert.deepEqual(seen, [[1, 1, 5], [6, 8, 9], [9]]);
});

test('an embedder with small batches gives each text its own vector, in order, whatever the batching', async () => {
  const cacheDir = tempDir();
  const small = await loadEmbedder({ modelId: TINY, modelsDir: FIXTURE_MODELS, cacheDir, batchSize: 2 });
  const batched = await small.embedDocuments(TEXTS);
  assert.equal(batched.length, TEXTS.length);
  for (const [i, text] of TEXTS.entries()) {
    const [single] = await small.embedDocuments([text]);
    assert.deepEqual(batched[i], single, `text ${i}`);
  }
});

test('the worker-thread embedder returns the same vectors, token counts and model facts as the in-process one', async () => {
  const options = { modelId: TINY, modelsDir: FIXTURE_MODELS, cacheDir: tempDir() };
  const inProcess = await loadEmbedder(options);
  const inWorker = await loadWorkerEmbedder(options);
  assert.deepEqual(
    { modelId: inWorker.modelId, dtype: inWorker.dtype, dimensions: inWorker.dimensions, maxTokens: inWorker.maxTokens },
    { modelId: inProcess.modelId, dtype: inProcess.dtype, dimensions: inProcess.dimensions, maxTokens: inProcess.maxTokens },
  );
  assert.deepEqual(await inWorker.embedDocuments(TEXTS), await inProcess.embedDocuments(TEXTS));
  assert.deepEqual(await inWorker.embedQuery('bridge closed'), await inProcess.embedQuery('bridge closed'));
  assert.deepEqual(await inWorker.embedDocuments([]), []);
  for (const text of TEXTS) assert.equal(inWorker.countTokens(text), inProcess.countTokens(text));
  // Calls made together are answered each with its own vectors.
  const [first, second] = await Promise.all([inWorker.embedDocuments(TEXTS.slice(0, 3)), inWorker.embedDocuments(TEXTS.slice(3))]);
  assert.deepEqual([...first, ...second], await inProcess.embedDocuments(TEXTS));
});

test('a worker-thread embedder for a model that is not there fails the way the in-process one does', async () => {
  const modelsDir = tempDir();
  await assert.rejects(loadWorkerEmbedder({ modelId: TINY, modelsDir, cacheDir: tempDir() }), (error: unknown) => {
    assert.ok(error instanceof Error && error.name === 'EmbedderUnavailableError');
    assert.match(error.message, /model_quantized\.onnx/);
    return true;
  });
});

/** Unit vectors of the tiny model's size, one per paragraph. */
function vectors(count: number): Float32Array[] {
  return Array.from({ length: count }, (_, i) => {
    const vector = new Float32Array(64);
    vector[i % 64] = 1;
    return vector;
  });
}

async function storeOne(dataDir: string, name: string, dtype: string | undefined): Promise<void> {
  const library = Library.open({ dataDir, hnsw: HNSW });
  try {
    await library.write(async (writer) => {
      const article = syntheticArticle(name, ['First paragraph.', 'Second paragraph.']);
      writer.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, vectors(2)), { id: TINY, dimensions: 64, dtype });
    });
  } finally {
    library.close();
  }
}

test('the library records the dtype of its vectors and refuses vectors of another dtype of the same model', async () => {
  const dataDir = tempDir();
  await storeOne(dataDir, 'first', 'fp32');
  await assert.rejects(storeOne(dataDir, 'second', 'q8'), /embedded with newsroom\/tiny-bert in fp32 weights, but EMBEDDING_DTYPE is q8/);
  const library = Library.open({ dataDir, hnsw: HNSW });
  try {
    assert.equal(library.embeddingDtype, 'fp32');
    assert.equal(library.catalog.listArticles().length, 1, 'the refused article was not stored');
  } finally {
    library.close();
  }
});

test('a library embedded with fp32 and opened with EMBEDDING_DTYPE=q8 is handled like a model change: keyword-only, reindex advised', async () => {
  const dataDir = tempDir();
  await storeOne(dataDir, 'fp32-article', 'fp32');
  const env = { EMBEDDING_MODEL: TINY, MODELS_DIR: FIXTURE_MODELS, DATA_DIR: dataDir, ARTICLES_DIR: '' };
  const mismatched = await openApp(loadConfig({ ...env, EMBEDDING_DTYPE: 'q8' }, ROOT), silentLogger).ready;
  try {
    assert.equal(mismatched.embedder, null);
    assert.match(mismatched.embedderProblem ?? '', /embedded with newsroom\/tiny-bert in fp32 weights, but EMBEDDING_DTYPE is q8/);
    assert.match(mismatched.embedderProblem ?? '', /reindex/);
  } finally {
    mismatched.close();
  }
  const matching = await openApp(loadConfig({ ...env, EMBEDDING_DTYPE: 'fp32' }, ROOT), silentLogger).ready;
  try {
    assert.equal(matching.embedder?.dtype, 'fp32');
    assert.equal(matching.embedderProblem, null);
  } finally {
    matching.close();
  }
});

test('a library from before dtypes were recorded counts as fp32', async () => {
  const dataDir = tempDir();
  await storeOne(dataDir, 'legacy', undefined);
  const db = new Database(path.join(dataDir, 'library.sqlite'));
  db.prepare("DELETE FROM meta WHERE key = 'dtype'").run();
  db.close();
  const library = Library.open({ dataDir, hnsw: HNSW });
  try {
    assert.equal(library.embeddingDtype, 'fp32');
  } finally {
    library.close();
  }
});
