import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';
import type { Embedder } from '../src/embeddings/embedder.ts';
import { cosineSimilarity, PROBE_PASSAGES } from '../src/embeddings/server-check.ts';
import { loadServerEmbedder, type LoadServerEmbedderOptions } from '../src/embeddings/server.ts';
import { EmbeddingServerError } from '../src/embeddings/errors.ts';
import { loadEmbedder } from '../src/embeddings/transformers.ts';
import { countLlmTokens } from '../src/text/llm-tokens.ts';
import { startFakeEmbeddingsServer, type FakeEmbeddingsServer } from './fakes/embeddings-server.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';

const MODEL = 'newsroom/tiny-bert';
const API_KEY = 'emb-test-key-0123456789';
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-embserver-'));
let local: Embedder;
let fake: FakeEmbeddingsServer;

before(async () => {
  local = await loadEmbedder({ modelId: MODEL, cacheDir, modelsDir: TINY_MODEL_ENV.MODELS_DIR });
  // The stand-in runs the same model as this machine: its vectors agree with the local ones.
  fake = await startFakeEmbeddingsServer(async (texts) => (await local.embedDocuments(texts)).map((v) => Array.from(v)));
});

after(async () => {
  await fake.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

function options(overrides: Partial<LoadServerEmbedderOptions> = {}): LoadServerEmbedderOptions {
  return {
    url: fake.url,
    apiKey: API_KEY,
    modelId: MODEL,
    batchSize: 2,
    maxConcurrent: 2,
    timeoutMs: 2_000,
    maxRetries: 2,
    backoffBaseMs: 10,
    local: { modelsDir: TINY_MODEL_ENV.MODELS_DIR, cacheDir, dtype: 'fp32' },
    ...overrides,
  };
}

/** A server that passed its checks, then misbehaves as scripted for the next requests. */
async function checkedEmbedder(overrides: Partial<LoadServerEmbedderOptions> = {}): Promise<Embedder> {
  fake.setDefault({});
  return loadServerEmbedder(options(overrides));
}

async function expectServerError(promise: Promise<unknown>, cause: RegExp, refused = false): Promise<EmbeddingServerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof EmbeddingServerError, `expected EmbeddingServerError, got ${String(error)}`);
  assert.ok(error.message.includes(fake.url), `the message names the server: ${error.message}`);
  assert.match(error.message, cause);
  assert.equal(error.refused, refused);
  assert.ok(!error.message.includes(API_KEY), 'the API key never appears');
  return error;
}

const TEXTS = [
  'Council passes the budget.',
  'The bridge reopens.',
  'Power is back.',
  'Schools start later.',
  'Cargo record at the harbour.',
];

test('a server running the same model embeds in batches, concurrently, with the key, as the local model would', async () => {
  const embedder = await checkedEmbedder();
  assert.equal(embedder.modelId, MODEL);
  assert.equal(embedder.dimensions, 64);
  const sentBefore = fake.requests.length;
  const vectors = await embedder.embedDocuments(TEXTS);
  const expected = await local.embedDocuments(TEXTS);
  assert.equal(vectors.length, TEXTS.length);
  vectors.forEach((v, i) => assert.ok(cosineSimilarity(v, expected[i] ?? new Float32Array()) > 0.9999));
  const sent = fake.requests.slice(sentBefore);
  assert.deepEqual(
    sent.map((r) => r.input.length),
    [2, 2, 1],
  );
  assert.ok(sent.every((r) => r.authorization === `Bearer ${API_KEY}` && r.model === MODEL && r.encoding_format === 'base64'));
  assert.ok(fake.maxInFlight <= 2);
  // The model's own tokenizer counts tokens (its files are under MODELS_DIR), so chunks match the local model's.
  assert.equal(embedder.countTokens('Kestrel Street Bridge'), local.countTokens('Kestrel Street Bridge'));
  assert.equal(embedder.maxTokens, local.maxTokens);
});

test('a server that sends JSON numbers although base64 was asked for is read all the same', async () => {
  const embedder = await checkedEmbedder();
  fake.respondWith({ ignoreEncoding: true });
  const [vector] = await embedder.embedDocuments(['The bridge reopens.']);
  const [expected] = await local.embedDocuments(['The bridge reopens.']);
  assert.ok(vector && expected && cosineSimilarity(vector, expected) > 0.9999);
});

test('a server that knows only JSON numbers (422 to base64) is asked for numbers from then on', async () => {
  fake.setDefault({ refuseBase64: true });
  try {
    const embedder = await loadServerEmbedder(options());
    const sentBefore = fake.requests.length;
    assert.equal((await embedder.embedDocuments(['The bridge reopens.'])).length, 1);
    assert.deepEqual(
      fake.requests.slice(sentBefore).map((r) => r.encoding_format),
      ['float'],
    );
  } finally {
    fake.setDefault({});
  }
});

test('the checks embed the probe texts both ways before the server is used', async () => {
  const sentBefore = fake.requests.length;
  await checkedEmbedder();
  const probes = fake.requests.slice(sentBefore).flatMap((r) => r.input);
  for (const probe of PROBE_PASSAGES) assert.ok(probes.includes(probe));
});

test("a server running another model is refused, saying why: another model's vectors", async () => {
  // The same length, other numbers: what a different model of the same size returns.
  fake.setDefault({ transform: (vectors) => vectors.map((v) => v.map((x, i) => (i % 2 === 0 ? -x : x + 0.3))) });
  await expectServerError(loadServerEmbedder(options()), /do not match newsroom\/tiny-bert run on this machine: cosine/, true);
  fake.setDefault({});
});

test('a server naming another model, or making vectors of another length, is refused', async () => {
  fake.setDefault({ model: 'nomic-embed-text' });
  await expectServerError(loadServerEmbedder(options()), /answers with model "nomic-embed-text", not "newsroom\/tiny-bert"/, true);
  fake.setDefault({ transform: (vectors) => vectors.map((v) => [...v, ...v]) });
  await expectServerError(loadServerEmbedder(options()), /vector of 128 numbers, but newsroom\/tiny-bert makes vectors of 64/, true);
  fake.setDefault({});
});

test('the server may call the model by its own name (EMBEDDINGS_MODEL), or by the same name under another owner', async () => {
  fake.setDefault({ model: 'BAAI/tiny-bert' });
  await loadServerEmbedder(options());
  fake.setDefault({});
  const sentBefore = fake.requests.length;
  await loadServerEmbedder(options({ serverModel: 'tiny' }));
  assert.ok(fake.requests.slice(sentBefore).every((r) => r.model === 'tiny'));
});

test('without the local model, vectors are checked by name and length, and a stand-in tokenizer counts tokens', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-nomodels-'));
  try {
    const embedder = await loadServerEmbedder(options({ local: { modelsDir: empty, cacheDir, dtype: 'fp32' } }));
    assert.equal(embedder.countTokens('Kestrel Street Bridge reopens'), countLlmTokens('Kestrel Street Bridge reopens'));
    assert.ok(embedder.maxTokens < 256, 'the stand-in keeps a margin below the model limit');
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('bad vectors fail the call with a clear error and none of them is returned', async (t) => {
  const embedder = await checkedEmbedder();
  const cases: [string, Parameters<FakeEmbeddingsServer['respondWith']>[0], RegExp, boolean][] = [
    [
      'wrong length',
      { transform: (vs) => vs.map((v) => v.slice(0, 10)) },
      /vector of 10 numbers, but newsroom\/tiny-bert makes vectors of 64/,
      true,
    ],
    [
      'NaN (in base64 float32s)',
      { transform: (vs) => vs.map((v) => v.map((x, i) => (i === 3 ? Number.NaN : x))) },
      /holding NaN, not a finite number/,
      false,
    ],
    [
      'null (NaN as JSON servers write it)',
      { transform: (vs) => vs.map((v) => v.map((x, i) => (i === 3 ? null : x))) },
      /holding null, not a finite number/,
      false,
    ],
    ['infinity', { body: infinityBody() }, /holding Infinity, not a finite number/, false],
    [
      'NaN written as Python does',
      { body: '{"object":"list","model":"newsroom/tiny-bert","data":[{"index":0,"embedding":[NaN]}]}' },
      /not valid JSON/,
      false,
    ],
    ['fewer vectors than texts', { transform: (vs) => vs.slice(1) }, /returned 1 vectors for 2 texts/, false],
    ['all zeros', { transform: (vs) => vs.map((v) => v.map(() => 0)) }, /vector of zeros/, false],
    ['another model mid-run', { model: 'other/model' }, /answers with model "other\/model"/, true],
  ];
  for (const [name, reply, cause, refused] of cases) {
    await t.test(name, async () => {
      fake.respondWith(reply);
      await expectServerError(embedder.embedDocuments(TEXTS.slice(0, 2)), cause, refused);
    });
  }
});

function infinityBody(): string {
  const values = Array.from({ length: 64 }, (_, i) => (i === 5 ? '1e999' : '0.1')).join(',');
  const item = (index: number) => `{"object":"embedding","index":${index},"embedding":[${values}]}`;
  return `{"object":"list","model":"newsroom/tiny-bert","data":[${item(0)},${item(1)}]}`;
}

test('500s are retried, and after the allowed retries fail naming the status', async () => {
  const embedder = await checkedEmbedder();
  fake.respondWith({ status: 503 }, { status: 500 });
  assert.equal((await embedder.embedDocuments(TEXTS.slice(0, 2))).length, 2);
  fake.respondWith({ status: 500 }, { status: 500 }, { status: 500 });
  await expectServerError(embedder.embedDocuments(TEXTS.slice(0, 2)), /HTTP 500: .*\(after 3 attempts\)/);
});

test('a 429 is retried after the wait its Retry-After asks for; a wait too long is not waited for', async () => {
  const embedder = await checkedEmbedder();
  const sentBefore = fake.requests.length;
  fake.respondWith({ status: 429, retryAfter: 1 });
  const started = Date.now();
  assert.equal((await embedder.embedDocuments(['one text'])).length, 1);
  assert.equal(fake.requests.length - sentBefore, 2);
  assert.ok(Date.now() - started >= 950, 'the retry came after the wait the server asked for');
  fake.respondWith({ status: 429, retryAfter: 3600 });
  await expectServerError(embedder.embedDocuments(['one text']), /HTTP 429: .*asked to wait 3600000 ms/);
});

test('a server that hangs fails the call at the timeout, and 4xx are not retried', async () => {
  const embedder = await checkedEmbedder({ timeoutMs: 300 });
  fake.respondWith({ hang: true });
  await expectServerError(embedder.embedQuery('When does the bridge reopen?'), /No reply within 300 ms/);
  const sentBefore = fake.requests.length;
  fake.respondWith({ status: 401 });
  await expectServerError(embedder.embedQuery('When does the bridge reopen?'), /HTTP 401/);
  assert.equal(fake.requests.length - sentBefore, 1);
});

test('EMBEDDINGS_URL that is not an http(s) URL is a configuration error listed with the others; private addresses are fine', () => {
  const error = (() => {
    try {
      loadConfig({ ...TINY_MODEL_ENV, EMBEDDINGS_URL: 'ftp://gpu-box/v1', LLM_MAX_RETRIES: 'lots' }, ROOT);
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(error instanceof ConfigError);
  assert.ok(error.problems.some((p) => p.includes('EMBEDDINGS_URL must be an http(s) URL (got "ftp://gpu-box/v1")')));
  assert.ok(error.problems.some((p) => p.includes('LLM_MAX_RETRIES')));
  const config = loadConfig({ ...TINY_MODEL_ENV, EMBEDDINGS_URL: 'http://10.0.0.5:8080/v1/', EMBEDDINGS_API_KEY: 'k' }, ROOT);
  assert.equal(config.embedding.server?.url, 'http://10.0.0.5:8080/v1');
  assert.equal(config.embedding.server?.apiKey, 'k');
  assert.equal(loadConfig({ ...TINY_MODEL_ENV }, ROOT).embedding.server, null);
});
