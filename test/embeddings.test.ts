import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, pipeline } from '@huggingface/transformers';
import { closedPortUrl } from './support/network.ts';
import { startModelHub, type ModelHub } from './fakes/model-hub.ts';
import { UserError } from '../src/errors.ts';
import type { Embedder } from '../src/embeddings/embedder.ts';
import { embedBatch } from '../src/embeddings/extractor.ts';
import { DEFAULT_EMBEDDING_MODEL, getModelSpec, listModelSpecs } from '../src/embeddings/models.ts';
import { loadEmbedder, unloadEmbedders } from '../src/embeddings/transformers.ts';
import { EmbedderUnavailableError } from '../src/embeddings/errors.ts';

const MODELS_DIR = fileURLToPath(new URL('./fixtures/models', import.meta.url));
const TINY = 'newsroom/tiny-bert';

let tempRoot: string;

async function tempDir(name: string): Promise<string> {
  const dir = path.join(tempRoot, name);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

function dot(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs((actual[i] ?? 0) - (expected[i] ?? 0)) <= tolerance, `component ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

before(async () => {
  tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'newsroom-embeddings-'));
});

after(async () => {
  await unloadEmbedders();
  await fs.rm(tempRoot, { recursive: true, force: true });
});

describe('model registry', () => {
  test('the default model is bge-small with CLS pooling and its query instruction', () => {
    const spec = getModelSpec(DEFAULT_EMBEDDING_MODEL);
    assert.equal(spec.id, 'Xenova/bge-small-en-v1.5');
    assert.equal(spec.pooling, 'cls');
    assert.equal(spec.dimensions, 384);
    assert.equal(spec.maxTokens, 512);
    assert.equal(spec.queryPrefix, 'Represent this sentence for searching relevant passages: ');
    assert.equal(spec.passagePrefix, '');
  });

  test('e5 marks queries and passages differently', () => {
    const spec = getModelSpec('Xenova/multilingual-e5-small');
    assert.equal(spec.queryPrefix, 'query: ');
    assert.equal(spec.passagePrefix, 'passage: ');
    assert.equal(spec.pooling, 'mean');
  });

  test('an unknown model id is a UserError naming the known models', () => {
    assert.throws(
      () => getModelSpec('acme/not-a-model'),
      (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.match(error.message, /acme\/not-a-model/);
        for (const spec of listModelSpecs()) assert.ok(error.message.includes(spec.id), spec.id);
        return true;
      },
    );
  });
});

describe('Transformers.js embedder on the tiny model', () => {
  let embedder: Embedder;

  before(async () => {
    embedder = await loadEmbedder({ modelId: TINY, cacheDir: await tempDir('cache'), modelsDir: MODELS_DIR, batchSize: 4 });
  });

  test('reports the model, its vector size read from the model, and its token limit', async () => {
    assert.equal(embedder.modelId, TINY);
    assert.equal(embedder.dimensions, 64);
    assert.equal(embedder.maxTokens, 256);
    const vector = await embedder.embedQuery('When does the new bridge open?');
    assert.ok(vector instanceof Float32Array);
    assert.equal(vector.length, 64);
  });

  test('vectors have unit length', async () => {
    const vectors = await embedder.embedDocuments(['The harbour authority approved a new crane for the container terminal.', 'Short.', '']);
    vectors.push(await embedder.embedQuery('crane at the port'));
    for (const vector of vectors) assert.ok(Math.abs(Math.sqrt(dot(vector, vector)) - 1) < 1e-5);
  });

  test('a query and a passage with the same text embed alike when the model has no prefixes', async () => {
    const text = 'Council votes to close the swimming pool for repairs';
    const [asPassage] = await embedder.embedDocuments([text]);
    assert.ok(asPassage);
    assert.deepEqual(await embedder.embedQuery(text), asPassage);
  });

  test('embedding in batches gives the same vectors as one text at a time', async () => {
    const texts = [
      'Police closed the road after the crash.',
      'The school board delayed its budget vote until Thursday, citing missing figures from the county.',
      'Storm warning.',
      'Hospital waiting lists grew for the third month in a row.',
      'Volunteers cleared litter from the beach.',
      'The mayor opened the new library.',
    ];
    const batched = await embedder.embedDocuments(texts);
    assert.equal(batched.length, texts.length);
    for (const [i, text] of texts.entries()) {
      const [single] = await embedder.embedDocuments([text]);
      assert.ok(single && batched[i]);
      assertClose(batched[i], single);
    }
  });

  test("agrees with Transformers.js' own feature-extraction pipeline (mean pooling, normalised)", async () => {
    env.localModelPath = MODELS_DIR;
    env.allowRemoteModels = false;
    const extractor = await pipeline('feature-extraction', TINY, {
      dtype: 'fp32',
      local_files_only: true,
      cache_dir: await tempDir('cache-pipeline'),
    });
    try {
      const text = 'Firefighters rescued two residents from the flooded ward.';
      const output = await extractor(text, { pooling: 'mean', normalize: true });
      assert.deepEqual(output.dims, [1, 64]);
      assertClose(await embedder.embedQuery(text), Float32Array.from(output.data as Float32Array), 1e-5);
    } finally {
      await extractor.dispose();
    }
  });

  test("CLS pooling agrees with the pipeline's, truncating at the given limit", async () => {
    env.localModelPath = MODELS_DIR;
    env.allowRemoteModels = false;
    const extractor = await pipeline('feature-extraction', TINY, {
      dtype: 'fp32',
      local_files_only: true,
      cache_dir: await tempDir('cache-cls'),
    });
    try {
      const texts = ['Firefighters rescued two residents.', 'The ferry sailed late.'];
      const output = await extractor(texts, { pooling: 'cls', normalize: true });
      const vectors = await embedBatch(extractor, texts, { maxTokens: 256, pooling: 'cls', normalize: true });
      for (const [row, vector] of vectors.entries()) {
        assertClose(vector, Float32Array.from((output.data as Float32Array).slice(row * 64, (row + 1) * 64)), 1e-5);
      }
      const long = 'word '.repeat(400);
      const [cut] = await embedBatch(extractor, [long], { maxTokens: 8, pooling: 'mean', normalize: true });
      const [shorter] = await embedBatch(extractor, ['word '.repeat(20)], { maxTokens: 8, pooling: 'mean', normalize: true });
      assert.ok(cut && shorter);
      assertClose(cut, shorter, 1e-5);
    } finally {
      await extractor.dispose();
    }
  });

  test('no texts, no vectors', async () => {
    assert.deepEqual(await embedder.embedDocuments([]), []);
  });

  test('a question lands nearer a passage sharing its words than an unrelated one', async () => {
    const [bridge, storm, election] = await embedder.embedDocuments([
      'The council approved repairs to the old river bridge, which has been closed since the flood.',
      'A heavy storm brought down power lines and trees across the northern suburbs overnight.',
      'Voters go to the polls on Sunday to elect a new mayor and six councillors.',
    ]);
    assert.ok(bridge && storm && election);
    const query = await embedder.embedQuery('When will the bridge repairs be finished?');
    assert.ok(dot(query, bridge) > dot(query, storm));
    assert.ok(dot(query, bridge) > dot(query, election));
    const mayorQuery = await embedder.embedQuery('who is standing for mayor in the election');
    assert.ok(dot(mayorQuery, election) > dot(mayorQuery, bridge));
  });

  test('counts WordPiece tokens without the special tokens', () => {
    assert.equal(embedder.countTokens(''), 0);
    assert.equal(embedder.countTokens('Council budget'), 2);
    // the · councillors · rebuilt · the · bridge · .
    assert.equal(embedder.countTokens('The councillors rebuilt the bridge.'), 6);
    // A word outside the vocabulary splits into pieces: harbour ##m ##a ##s ##t ##er
    assert.equal(embedder.countTokens('Harbourmaster'), 6);
  });

  test('text past the token limit is cut off rather than failing', async () => {
    const words = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 'council' : 'budget'));
    const long = words.join(' ');
    assert.ok(embedder.countTokens(long) > embedder.maxTokens);
    const [cut, cutWithMore] = await embedder.embedDocuments([long, `${long} storm flood hospital`]);
    assert.ok(cut && cutWithMore);
    assertClose(cutWithMore, cut);
  });
});

describe('without MODELS_DIR (download once, then cached)', () => {
  // A hub that counts requests and serves nothing: any attempt to download shows up here.
  let hub: ModelHub;
  before(async () => {
    hub = await startModelHub({ root: await tempDir('empty-hub') });
  });
  after(() => hub.close());

  test('a model already in the cache folder loads without reaching the network', async () => {
    const cacheDir = await tempDir('warm-cache');
    await fs.cp(path.join(MODELS_DIR, 'newsroom'), path.join(cacheDir, 'newsroom'), { recursive: true });
    const embedder = await loadEmbedder({ modelId: TINY, cacheDir, hub: { url: hub.url } });
    assert.equal(embedder.dimensions, 64);
    assert.deepEqual(hub.requests, []);
  });

  test('a model neither cached nor reachable fails with advice to connect once or set MODELS_DIR', async () => {
    const cacheDir = await tempDir('cold-cache');
    await assert.rejects(
      loadEmbedder({ modelId: 'Xenova/all-MiniLM-L6-v2', cacheDir, hub: { url: await closedPortUrl() } }),
      (error: unknown) => {
        assert.ok(error instanceof EmbedderUnavailableError);
        assert.match(error.message, /could not be downloaded/);
        assert.match(error.message, /could not be reached/);
        assert.ok(error.message.includes(cacheDir), 'names the cache folder');
        assert.match(error.message, /MODELS_DIR/);
        return true;
      },
    );
  });
});

describe('when the model cannot be loaded', () => {
  test('a missing model under MODELS_DIR fails with EmbedderUnavailableError saying what to do', async () => {
    const modelsDir = await tempDir('empty-models');
    await assert.rejects(loadEmbedder({ modelId: TINY, cacheDir: await tempDir('cache-missing'), modelsDir }), (error: unknown) => {
      assert.ok(error instanceof EmbedderUnavailableError);
      assert.equal(error.modelId, TINY);
      assert.match(error.message, /MODELS_DIR/);
      assert.match(error.message, /newsroom\/tiny-bert\/config\.json/);
      assert.ok(!error.message.includes('\n    at '), 'no stack trace in the message');
      return true;
    });
  });

  test('a failed load is not remembered: it succeeds once the model folder appears', async () => {
    const modelsDir = await tempDir('late-models');
    const cacheDir = await tempDir('cache-late');
    await assert.rejects(loadEmbedder({ modelId: TINY, cacheDir, modelsDir }), EmbedderUnavailableError);

    await fs.cp(path.join(MODELS_DIR, 'newsroom'), path.join(modelsDir, 'newsroom'), { recursive: true });
    const embedder = await loadEmbedder({ modelId: TINY, cacheDir, modelsDir });
    assert.equal(embedder.dimensions, 64);
    assert.equal((await embedder.embedQuery('bridge')).length, 64);
  });

  test('q8 from a folder with only model.onnx loads the fp32 weights, and says so in the embedder', async () => {
    const modelsDir = await tempDir('fp32-only-models');
    await fs.cp(path.join(MODELS_DIR, TINY), path.join(modelsDir, TINY), { recursive: true });
    await fs.rm(path.join(modelsDir, TINY, 'onnx', 'model_quantized.onnx'));
    const embedder = await loadEmbedder({ modelId: TINY, cacheDir: await tempDir('cache-fp32-only'), modelsDir, dtype: 'q8' });
    assert.equal(embedder.dtype, 'fp32');
    assert.equal((await embedder.embedQuery('bridge')).length, 64);
  });

  test('q8 is the default and loads model_quantized.onnx when the folder has it', async () => {
    const embedder = await loadEmbedder({ modelId: TINY, cacheDir: await tempDir('cache-q8-default'), modelsDir: MODELS_DIR });
    assert.equal(embedder.dtype, 'q8');
  });

  test('asking for weights a folder lacks names the missing file', async () => {
    const modelsDir = await tempDir('no-onnx-models');
    await fs.cp(path.join(MODELS_DIR, TINY), path.join(modelsDir, TINY), { recursive: true });
    await fs.rm(path.join(modelsDir, TINY, 'onnx'), { recursive: true });
    await assert.rejects(loadEmbedder({ modelId: TINY, cacheDir: await tempDir('cache-q8'), modelsDir, dtype: 'q8' }), (error: unknown) => {
      assert.ok(error instanceof EmbedderUnavailableError);
      assert.match(error.message, /model_quantized\.onnx/);
      return true;
    });
  });

  test('a folder whose model gives vectors of the wrong size is refused', async () => {
    // The tiny model's files placed where all-MiniLM-L6-v2 (384 dimensions) is expected.
    const modelsDir = await tempDir('wrong-models');
    await fs.cp(path.join(MODELS_DIR, TINY), path.join(modelsDir, 'Xenova', 'all-MiniLM-L6-v2'), { recursive: true });
    await assert.rejects(
      loadEmbedder({ modelId: 'Xenova/all-MiniLM-L6-v2', cacheDir: await tempDir('cache-wrong'), modelsDir }),
      (error: unknown) => {
        assert.ok(error instanceof EmbedderUnavailableError);
        assert.match(error.message, /64-dimension/);
        assert.match(error.message, /384/);
        return true;
      },
    );
  });
});
