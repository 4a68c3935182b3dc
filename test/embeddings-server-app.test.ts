import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Embedder } from '../src/embeddings/embedder.ts';
import { loadEmbedder } from '../src/embeddings/transformers.ts';
import { forgetSource } from '../src/ingest/forget.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { syncPaths } from '../src/sync.ts';
import { startFakeEmbeddingsServer, type FakeEmbeddingsServer, type EmbeddingsReply } from './fakes/embeddings-server.ts';
import { createTestApp, TINY_MODEL_ENV } from './support/app.ts';
import { newsroomInProcess } from './support/in-process.ts';
import { waitUntil } from './support/wait.ts';
import { Library } from '../src/store/library.ts';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-embserver-app-'));
let local: Embedder;
let fake: FakeEmbeddingsServer;
const SHORT_RETRY = { modelRetry: { firstDelayMs: 50, maxDelayMs: 200 } };

before(async () => {
  local = await loadEmbedder({ modelId: TINY_MODEL_ENV.EMBEDDING_MODEL, cacheDir, modelsDir: TINY_MODEL_ENV.MODELS_DIR });
  fake = await startFakeEmbeddingsServer(async (texts) => (await local.embedDocuments(texts)).map((v) => Array.from(v)));
});

after(async () => {
  await fake.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

function serverApp() {
  fake.setDefault({});
  return createTestApp(
    { EMBEDDINGS_URL: fake.url, EMBEDDINGS_API_KEY: 'k', EMBEDDINGS_BATCH_SIZE: '8', EMBEDDINGS_MAX_RETRIES: '1' },
    undefined,
    SHORT_RETRY,
  );
}

/** A folder with one new story, ingested into the running app as the watched folder would. */
function newStory(dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.md`);
  // Each story its own words, so that no two are taken for the same story.
  const words = [...name].map((c) => `${c}${name}${c.charCodeAt(0)}`);
  const paragraphs = words.map(
    (w, i) => `Dredging crews at the ${name} basin reached marker ${i * 7 + name.length}, the ${w} survey said, near the ferry terminal.`,
  );
  fs.writeFileSync(
    file,
    `---\nid: ${name}\ntitle: "Dredging of the ${name} basin begins"\npublished: 2026-05-02\n---\n\n${paragraphs.join('\n\n').repeat(3)}\n`,
  );
  return file;
}

test('ingest, search and ask work end to end with the passages and questions embedded by the server', async () => {
  const app = await serverApp();
  try {
    const sentBefore = fake.requests.length;
    assert.equal(app.embedderProblem, null);
    assert.equal(app.library.modelId, 'newsroom/tiny-bert');
    const counts = app.library.counts();
    assert.ok(counts.chunks > 0 && counts.embeddedChunks === counts.chunks, 'every sample chunk was embedded through the server');
    const result = await app.retriever.search('When did the Kestrel Street Bridge reopen?', {
      k: 4,
      filter: { collections: [SHARED_COLLECTION] },
    });
    assert.equal(result.mode, 'hybrid');
    assert.ok(result.passages.some((p) => p.articleId === 'kestrel-bridge-reopens'));
    assert.ok(fake.requests.length > sentBefore, 'the question was embedded by the server');
    const answer = await app.answerer.ask({ question: 'When did the Kestrel Street Bridge reopen?', collections: [SHARED_COLLECTION] });
    assert.ok(answer.citations.length > 0);
  } finally {
    app.close();
  }
});

const FAILURES: [string, EmbeddingsReply][] = [
  ['500s', { status: 500 }],
  ['vectors of the wrong length', { transform: (vs) => vs.map((v) => v.slice(1)) }],
  ['NaN values', { transform: (vs) => vs.map((v) => v.map(() => null)) }],
  ['fewer vectors than texts', { transform: (vs) => vs.slice(1) }],
];

for (const [name, failure] of FAILURES) {
  test(`a server answering with ${name} during an ingest: stored keyword-searchable, no vector stored, embedded later by itself`, async () => {
    const app = await serverApp();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-incoming-'));
    try {
      const before = app.library.counts();
      app.retryModelInBackground();
      fake.setDefault(failure);
      newStory(dir, 'eastmoor');
      const summary = await syncPaths(app, [dir], null);
      assert.equal(summary.added, 1);
      assert.equal(summary.failed, 0);
      assert.ok(summary.pendingEmbeddings > 0);
      // Folder syncs store keyword-first: the background embedding meets the failing server, not the sync.
      assert.equal(summary.embeddingError, null);
      const after = app.library.counts();
      assert.equal(after.embeddedChunks, before.embeddedChunks, 'no vector of the bad reply was stored');
      assert.equal(app.library.catalog.pendingCount(), summary.pendingEmbeddings);
      const found = await app.library.keywordSearch('dredging', 5, { collections: [SHARED_COLLECTION] });
      assert.ok(found.length > 0, 'the story is keyword-searchable at once');

      fake.setDefault({});
      await waitUntil(() => app.library.catalog.pendingCount() === 0, 20_000, 'the chunks left for later to be embedded');
      assert.equal(app.library.counts().embeddedChunks, after.chunks);
    } finally {
      app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a hanging server: the ingest stops asking it after the first timeout, and a forget does not wait for it', async () => {
  const app = await createTestApp(
    { EMBEDDINGS_URL: fake.url, EMBEDDINGS_TIMEOUT_MS: '300', EMBEDDINGS_MAX_RETRIES: '0' },
    undefined,
    SHORT_RETRY,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-incoming-'));
  try {
    fake.setDefault({ hang: true });
    for (const name of ['north', 'south', 'west', 'east', 'centre']) newStory(dir, name);
    const sentBefore = fake.requests.length;
    const summary = await syncPaths(app, [dir], null);
    assert.equal(summary.added, 5);
    assert.equal(summary.embeddingError, null, 'a folder sync stores keyword-first, without waiting on the server');
    assert.ok(fake.requests.length - sentBefore <= 3, 'at most the stories embedded ahead asked the hanging server');
    const forgotten = await forgetSource(
      { library: app.library, embedder: app.embedder, chunking: app.config.chunking },
      SHARED_COLLECTION,
      'north',
    );
    assert.equal(forgotten?.outcome, 'article');
  } finally {
    fake.setDefault({});
    app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a server running another model is refused at start: search is keyword-only and says why', async () => {
  fake.setDefault({ transform: (vs) => vs.map((v) => v.map((x, i) => (i % 2 === 0 ? -x : x + 0.3))) });
  const app = await createTestApp({ EMBEDDINGS_URL: fake.url });
  try {
    assert.equal(app.embedder, null);
    assert.match(
      app.embedderProblem ?? '',
      new RegExp(`embeddings server at ${fake.url} is not used: its vectors do not match newsroom/tiny-bert`),
    );
    assert.equal(app.library.counts().embeddedChunks, 0);
  } finally {
    fake.setDefault({});
    app.close();
  }
});

test('a question the server cannot embed is answered from keyword search, saying so', async () => {
  const app = await serverApp();
  try {
    fake.setDefault({ status: 503 });
    const result = await app.retriever.search('When did the Kestrel Street Bridge reopen?', {
      k: 4,
      filter: { collections: [SHARED_COLLECTION] },
    });
    assert.equal(result.mode, 'keyword');
    assert.match(result.warnings.join(' '), /embeddings server did not answer/);
    assert.ok(result.passages.some((p) => p.articleId === 'kestrel-bridge-reopens'));
  } finally {
    fake.setDefault({});
    app.close();
  }
});

test('a server down at start: keyword-only, saying why; once it answers, search turns hybrid and the backlog is embedded', async () => {
  fake.setDefault({ status: 503 });
  const app = await createTestApp({ EMBEDDINGS_URL: fake.url, EMBEDDINGS_MAX_RETRIES: '0' }, undefined, SHORT_RETRY);
  try {
    assert.equal(app.embedder, null);
    assert.match(app.embedderProblem ?? '', new RegExp(`embeddings server at ${fake.url} failed: HTTP 503`));
    assert.ok(app.library.catalog.pendingCount() > 0, 'the sample articles are stored, waiting for vectors');
    app.retryModelInBackground();
    fake.setDefault({});
    await waitUntil(() => app.embedder !== null && app.library.catalog.pendingCount() === 0, 20_000, 'the server to be used');
    assert.equal(app.retriever.mode, 'hybrid');
  } finally {
    fake.setDefault({});
    app.close();
  }
});

test('`newsroom ingest` while the server fails: stored, exit 0, says why and what happens next; the next ingest embeds them', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-embserver-cli-'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-incoming-'));
  const env = { ...TINY_MODEL_ENV, DATA_DIR: dataDir, ARTICLES_DIR: '', EMBEDDINGS_URL: fake.url, EMBEDDINGS_MAX_RETRIES: '0' };
  try {
    newStory(dir, 'harbour');
    // The checks at start (the probe passages, then the probe question) pass; then the server fails.
    fake.setDefault({ status: 500 });
    fake.respondWith({ status: undefined }, { status: undefined });
    const failed = await newsroomInProcess(['ingest', dir, '--json'], env);
    assert.equal(failed.code, 0, failed.stderr);
    const summary = JSON.parse(failed.stdout) as { added: number; pendingEmbeddings: number; embeddingError?: string };
    assert.equal(summary.added, 1);
    assert.ok(summary.pendingEmbeddings > 0);
    assert.match(summary.embeddingError ?? '', new RegExp(`The embeddings server at ${fake.url} failed: HTTP 500`));
    assert.match(failed.stderr, /will be embedded when the server answers again/);

    fake.setDefault({});
    const again = await newsroomInProcess(['ingest', dir, '--json'], env);
    assert.equal(again.code, 0, again.stderr);
    const library = Library.open({ dataDir, hnsw: { m: 16, efConstruction: 200, efSearch: 100 } });
    try {
      assert.equal(library.catalog.pendingCount(), 0);
      assert.equal(library.counts().embeddedChunks, summary.pendingEmbeddings);
    } finally {
      library.close();
    }
  } finally {
    fake.setDefault({});
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
