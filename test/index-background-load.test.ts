import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PROMPTS_DIR } from '../src/app.ts';
import { Answerer } from '../src/answering/answerer.ts';
import { loadPrompts } from '../src/llm/prompts.ts';
import { silentLogger } from '../src/log.ts';
import { semanticSearchMessages } from '../src/messages/semantic-search.ts';
import { startOpsServer } from '../src/ops/http-server.ts';
import { Metrics } from '../src/ops/metrics.ts';
import { Readiness } from '../src/ops/readiness.ts';
import { Retriever } from '../src/retrieval/search.ts';
import { Library } from '../src/store/library.ts';
import { inspectLibrary } from '../src/store/maintenance/health.ts';
import { isProblem } from '../src/store/maintenance/report.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { INDEX_FILE } from '../src/store/vectors/index-state.ts';
import { tempDir } from './support/temp-dirs.ts';
import { fixedEmbedder, paragraphChunks, seededVectors, syntheticArticle } from './support/synthetic.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const MODEL = { id: 'test-model', dimensions: 16 };
const everywhere = { collections: [SHARED_COLLECTION] };

async function put(library: Library, id: string, paragraphs: string[], seed: number): Promise<Float32Array[]> {
  const article = syntheticArticle(id, paragraphs, { published: '2026-03-02' });
  const vectors = seededVectors(seed, paragraphs.length, MODEL.dimensions);
  await library.write(async (w) => w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, vectors), MODEL));
  return vectors;
}

/** A library of a few embedded stories whose index file is saved. */
async function savedLibrary(): Promise<{ dir: string; harbor: Float32Array[] }> {
  const dir = tempDir('newsroom-bgload-');
  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  const harbor = await put(library, 'harbor', ['The harbor ferry reopened on Monday.', 'Crews worked overnight on the pier.'], 1);
  await put(library, 'budget', ['The council passed the budget.', 'Parking fees go up in May.'], 2);
  library.close();
  assert.ok(fs.existsSync(path.join(dir, INDEX_FILE)));
  return { dir, harbor };
}

/** Opens in the background; the index stays out until `release` is called. */
function openHeld(dir: string): { library: Library; release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const library = Library.open({ dataDir: dir, hnsw: HNSW, indexLoad: 'background', beforeIndexInstalled: () => held });
  return { library, release };
}

test('while the index loads, search and answers are keyword-only and say so; /readyz names it; then hybrid', async () => {
  const { dir, harbor } = await savedLibrary();
  const { library, release } = openHeld(dir);
  const readiness = new Readiness();
  readiness.setDegraded('semantic-search', () => (library.vectorsLoading ? semanticSearchMessages.loadingStatus : null));
  const server = await startOpsServer({ host: '127.0.0.1', port: 0, metrics: new Metrics(), readiness, logger: silentLogger });
  try {
    const retriever = new Retriever(library, fixedEmbedder(harbor[1] as Float32Array, MODEL));
    assert.equal(library.vectorsLoading, true);
    const early = await retriever.search('harbor ferry', { k: 3, filter: everywhere, asOf: '2026-03-10' });
    assert.equal(early.mode, 'keyword');
    assert.deepEqual(early.warnings, [semanticSearchMessages.loading]);
    assert.equal(early.passages[0]?.articleId, 'harbor');
    assert.ok(early.passages.every((p) => p.denseRank === null));
    const loadingStatus = (await (await fetch(`${server.url}/readyz`)).json()) as { ready: boolean; degraded?: string[] };
    assert.deepEqual(loadingStatus, { ready: true, degraded: [semanticSearchMessages.loadingStatus] });
    const answerer = new Answerer({
      library,
      retriever,
      llm: null,
      prompts: loadPrompts(PROMPTS_DIR),
      options: { k: 3, perArticle: 3, contextTokens: 2000, minSimilarity: null, maxQuestionChars: 1000 },
    });
    const answer = await answerer.ask({ question: 'When did the harbor ferry reopen?', collections: [SHARED_COLLECTION] });
    assert.equal(answer.kind, 'answer');
    assert.ok(answer.notices.includes(semanticSearchMessages.loading), answer.notices.join(' | '));

    release();
    await library.vectorsReady();
    assert.equal(library.vectorsLoading, false);
    const later = await retriever.search('harbor ferry', { k: 3, filter: everywhere, asOf: '2026-03-10' });
    assert.equal(later.mode, 'hybrid');
    assert.deepEqual(later.warnings, []);
    // The query's vector is the pier paragraph's own: dense search ranks it first.
    assert.equal(later.passages.find((p) => p.text === 'Crews worked overnight on the pier.')?.denseRank, 1);
    assert.deepEqual(await (await fetch(`${server.url}/readyz`)).json(), { ready: true });
  } finally {
    await server.close();
    library.close();
  }
});

test('a story written while the index loads is in the index afterwards, and check finds the library healthy', async () => {
  const { dir } = await savedLibrary();
  const { library, release } = openHeld(dir);
  const late = await put(library, 'late', ['A late story about the tram depot.', 'The depot opens in June.'], 3);
  // Removed while loading too: the replay must take it out of the loaded index.
  await library.write(async (w) => w.removeArticle(SHARED_COLLECTION, 'budget'));
  assert.deepEqual(library.denseSearch(late[0] as Float32Array, 1, everywhere), []);
  release();
  await library.vectorsReady();
  const lateChunk = library.catalog.chunksOfArticle(SHARED_COLLECTION, 'late')[0]?.chunkId;
  assert.equal(library.denseSearch(late[0] as Float32Array, 1, everywhere)[0]?.id, lateChunk);
  assert.deepEqual(library.indexCounts(), { points: 4, expected: 4 });
  library.close();

  const report = inspectLibrary(dir);
  assert.deepEqual(report.findings.filter(isProblem), []);
  // Reopened the usual way, the saved file holds the late story without a rebuild.
  const reopened = Library.open({ dataDir: dir, hnsw: HNSW });
  try {
    assert.equal(
      reopened.denseSearch(late[1] as Float32Array, 1, everywhere)[0]?.id,
      reopened.catalog.chunksOfArticle(SHARED_COLLECTION, 'late')[1]?.chunkId,
    );
    assert.equal(reopened.indexCounts().points, 4);
  } finally {
    reopened.close();
  }
});

test('a library closed while its index loads stays as it was', async () => {
  const { dir, harbor } = await savedLibrary();
  const { library, release } = openHeld(dir);
  library.close();
  release();
  await library.vectorsReady();
  const reopened = Library.open({ dataDir: dir, hnsw: HNSW, indexLoad: 'background' });
  try {
    await reopened.vectorsReady();
    assert.equal(reopened.denseSearch(harbor[0] as Float32Array, 1, everywhere).length, 1);
  } finally {
    reopened.close();
  }
});

test('a damaged index file found by the background load is rebuilt from the stored embeddings', async () => {
  const { dir, harbor } = await savedLibrary();
  const file = path.join(dir, INDEX_FILE);
  fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
  const library = Library.open({ dataDir: dir, hnsw: HNSW, indexLoad: 'background' });
  try {
    await library.vectorsReady();
    assert.equal(library.vectorsLoading, false);
    assert.deepEqual(library.indexCounts(), { points: 4, expected: 4 });
    assert.equal(
      library.denseSearch(harbor[0] as Float32Array, 1, everywhere)[0]?.id,
      library.catalog.chunksOfArticle(SHARED_COLLECTION, 'harbor')[0]?.chunkId,
    );
  } finally {
    library.close();
  }
  assert.deepEqual(inspectLibrary(dir).findings.filter(isProblem), []);
});
