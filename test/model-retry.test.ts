import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, test } from 'node:test';
import { openApp, type App } from '../src/app.ts';
import { runChat } from '../src/cli/chat.ts';
import { loadConfig } from '../src/config.ts';
import { loadEmbedder, unloadEmbedders } from '../src/embeddings/transformers.ts';
import { runFeedSync } from '../src/feeds/run-sync.ts';
import { createLogger, silentLogger } from '../src/log.ts';
import { startOpsServer } from '../src/ops/http-server.ts';
import { Metrics } from '../src/ops/metrics.ts';
import { Readiness } from '../src/ops/readiness.ts';
import { inspectLibrary } from '../src/store/maintenance/health.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { switchToModel } from '../src/model-switch.ts';
import { syncArticlesDir, syncPaths } from '../src/sync.ts';
import { startModelHub } from './fakes/model-hub.ts';
import { startNewsroomSite } from './fakes/newsroom-site.ts';
import { ROOT } from './support/app.ts';
import { get, metricValue } from './support/metrics.ts';
import { closedPortUrl } from './support/network.ts';
import { articleVectors, paragraphChunks, syntheticArticle } from './support/synthetic.ts';

const TINY = 'newsroom/tiny-bert';
const FIXTURE_MODELS = path.join(ROOT, 'test/fixtures/models');
const ARTICLES = path.join(ROOT, 'articles');
const shared = { collections: [SHARED_COLLECTION] };
const RETRY = { firstDelayMs: 20, maxDelayMs: 80 };
const dirs: string[] = [];
after(async () => {
  await unloadEmbedders();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-retry-'));
  dirs.push(dir);
  return dir;
}

/** A logger whose JSON lines the test can wait for. */
function recordingLogger() {
  const lines: { msg?: string }[] = [];
  const waiters: { msg: string; resolve: () => void }[] = [];
  const logger = createLogger('info', {
    format: 'json',
    stream: {
      write(text: string) {
        const line = JSON.parse(text) as { msg?: string };
        lines.push(line);
        for (const w of waiters.filter((w) => w.msg === line.msg)) w.resolve();
      },
    },
  });
  const logged = (msg: string, times = 1) =>
    lines.filter((l) => l.msg === msg).length >= times
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const check = () => (lines.filter((l) => l.msg === msg).length >= times ? resolve() : waiters.push({ msg, resolve: check }));
          waiters.push({ msg, resolve: check });
        });
  return { logger, lines, logged };
}

/** An app whose model cannot load, with the sample articles stored keyword-only (none with `articles: false`). */
async function keywordOnlyApp(env: Record<string, string>, logger = silentLogger, articles = true, metrics?: Metrics): Promise<App> {
  const config = loadConfig({ EMBEDDING_MODEL: TINY, DATA_DIR: tempDir(), ARTICLES_DIR: articles ? ARTICLES : '', ...env }, ROOT);
  const app = await openApp(config, logger, { modelRetry: RETRY, ...(metrics ? { metrics } : {}) }).ready;
  await syncArticlesDir(app);
  assert.equal(app.embedder, null);
  assert.equal(app.library.catalog.pendingCount() > 0, articles, 'articles stored without vectors');
  return app;
}

async function consoleHelp(app: App): Promise<string> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (data: Buffer) => (text += data.toString()));
  await runChat(app, { input: Readable.from(['/help\n']), output });
  return text;
}

test('the background retry switches a running app to hybrid search once the model appears in MODELS_DIR, embedding what was stored meanwhile', async () => {
  const modelsDir = tempDir();
  const { logger, lines, logged } = recordingLogger();
  // The operator's view, served as `npm start` serves it with HTTP_PORT (src/main.ts): ready once loaded.
  const metrics = new Metrics({ processMetrics: false });
  const readiness = new Readiness();
  const app = await keywordOnlyApp({ MODELS_DIR: modelsDir }, logger, true, metrics);
  readiness.set('app', () => null);
  const ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics, readiness, logger: silentLogger });
  try {
    assert.match(app.embedderProblem ?? '', /MODELS_DIR/);
    const keywordScrape = (await get(`${ops.url}/metrics`)).body;
    assert.equal(metricValue(keywordScrape, 'newsroom_search_mode', { mode: 'keyword' }), 1);
    assert.equal(metricValue(keywordScrape, 'newsroom_search_mode', { mode: 'hybrid' }), 0);
    assert.ok((metricValue(keywordScrape, 'newsroom_chunks_awaiting_embedding') ?? 0) > 0);
    assert.equal((await get(`${ops.url}/readyz`)).status, 200, 'keyword-only search is still ready to serve');
    const before = await app.retriever.search('Kestrel Street Bridge reopening', { k: 3, filter: shared });
    assert.equal(before.mode, 'keyword');
    assert.match(await consoleHelp(app), /Search: keyword only/);

    const switched = new Promise((resolve) => app.embedding.onChange(resolve));
    app.retryModelInBackground();
    assert.ok(lines.some((l) => /tried again in the background/.test(l.msg ?? '')));
    await logged('embedding model still unavailable; trying again later', 2);
    fs.cpSync(path.join(FIXTURE_MODELS, 'newsroom'), path.join(modelsDir, 'newsroom'), { recursive: true });
    await switched;
    await logged('embedded the chunks stored while the model was unavailable');

    assert.equal(app.embedder?.modelId, TINY);
    assert.equal(app.embedderProblem, null);
    assert.equal(app.embedding.mode, 'hybrid');
    assert.equal(app.library.catalog.pendingCount(), 0);
    const after = await app.retriever.search('Kestrel Street Bridge reopening', { k: 3, filter: shared });
    assert.equal(after.mode, 'hybrid');
    assert.deepEqual(after.warnings, []);
    assert.ok(
      after.passages.some((p) => p.similarity !== null),
      'dense search takes part',
    );
    const answer = await app.answerer.ask({ question: 'When did the Kestrel Street Bridge reopen?', collections: shared.collections });
    assert.ok(!answer.notices.some((n) => /keyword/i.test(n)), answer.notices.join(' | '));
    assert.doesNotMatch(await consoleHelp(app), /keyword only/);
    const report = inspectLibrary(app.config.dataDir);
    assert.equal(report.index.points, report.chunks, 'every stored chunk is in the vector index');

    // /metrics reads the app at each scrape: the gauges follow the switch without a restart.
    const hybridScrape = (await get(`${ops.url}/metrics`)).body;
    assert.equal(metricValue(hybridScrape, 'newsroom_search_mode', { mode: 'hybrid' }), 1);
    assert.equal(metricValue(hybridScrape, 'newsroom_search_mode', { mode: 'keyword' }), 0);
    assert.equal(metricValue(hybridScrape, 'newsroom_chunks_awaiting_embedding'), 0);
    assert.equal(metricValue(hybridScrape, 'newsroom_chunks'), report.chunks);
    const ready = await get(`${ops.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.body), { ready: true });
  } finally {
    await ops.close();
    app.close();
  }
});

test('the background retry downloads the model once the hub can be reached', async () => {
  const hubUrl = await closedPortUrl();
  const { logger, logged } = recordingLogger();
  const app = await keywordOnlyApp({ HF_ENDPOINT: hubUrl }, logger);
  try {
    assert.match(app.embedderProblem ?? '', /could not be reached/);
    const switched = new Promise((resolve) => app.embedding.onChange(resolve));
    app.retryModelInBackground();
    await logged('embedding model still unavailable; trying again later');
    const late = await startModelHub({ root: FIXTURE_MODELS, port: Number(new URL(hubUrl).port) });
    try {
      await switched;
      await logged('embedded the chunks stored while the model was unavailable');
      assert.equal(app.embedding.mode, 'hybrid');
      assert.equal(app.library.catalog.pendingCount(), 0);
      assert.ok(fs.existsSync(path.join(app.config.embedding.cacheDir, 'newsroom', 'tiny-bert', 'onnx', 'model_quantized.onnx')));
    } finally {
      await late.close();
    }
  } finally {
    app.close();
  }
});

test('an ingest that began keyword-only just before the switch has its chunks embedded too', async () => {
  // Nothing pending when the switch comes: the ingest's chunks are stored only after it.
  const app = await keywordOnlyApp({ MODELS_DIR: tempDir() }, silentLogger, false);
  try {
    const embedder = await loadEmbedder({ modelId: TINY, cacheDir: tempDir(), modelsDir: FIXTURE_MODELS });
    const extra = tempDir();
    fs.writeFileSync(
      path.join(extra, 'late.md'),
      '# Harbour crane arrives\n\nThe new crane reached the container terminal on Tuesday after a week at sea.\n',
    );
    // Takes the embedder (none) now and queues its write; the switch comes while it waits its turn.
    const ingesting = syncPaths(app, [extra], null);
    const embedded = switchToModel(app, embedder);
    const [summary] = await Promise.all([ingesting, embedded]);
    assert.equal(summary.added, 1);
    assert.ok(summary.pendingEmbeddings > 0, 'the ingest stored its chunks without vectors');
    // The sync kicked the background embedding when it ended: its chunks are embedded by it.
    await app.backgroundEmbedding.idle();
    assert.equal(app.library.catalog.pendingCount(), 0);
  } finally {
    app.close();
  }
});

test('a feed sync that began keyword-only stores its stories embedded when the model loads while it fetches them', async () => {
  const site = await startNewsroomSite();
  const app = await keywordOnlyApp({ MODELS_DIR: tempDir(), FETCH_ALLOWED_HOSTS: '127.0.0.1' }, silentLogger, false);
  try {
    site.publish({
      slug: 'crane',
      title: 'Harbour crane arrives',
      author: 'Ann Reporter',
      paragraphs: ['The new crane reached the container terminal on Tuesday after a week at sea.'],
    });
    await app.library.write(async (writer) =>
      writer.feeds.add({ url: site.url('/rss.xml'), collection: SHARED_COLLECTION, title: null, addedAt: new Date().toISOString() }),
    );
    site.pageDelayMs = 300;
    const syncing = runFeedSync(app);
    // The pass has read the feed and waits for the story page: the model loads now.
    while (!site.requests.some((r) => r.path.startsWith('/stories/'))) await new Promise((r) => setTimeout(r, 10));
    const embedder = await loadEmbedder({ modelId: TINY, cacheDir: tempDir(), modelsDir: FIXTURE_MODELS });
    await switchToModel(app, embedder);
    const run = await syncing;
    assert.ok(run.ran);
    assert.equal(run.report.added, 1);
    assert.equal(app.library.catalog.pendingCount(), 0, 'the story was embedded as it was stored, not left for the next start');
    const report = inspectLibrary(app.config.dataDir);
    assert.equal(report.index.points, report.chunks);
  } finally {
    app.close();
    await site.close();
  }
});

test("a library holding another model's vectors is not retried: only reindex helps", async () => {
  const { logger, lines } = recordingLogger();
  const dataDir = tempDir();
  const library = Library.open({ dataDir, hnsw: { m: 16, efConstruction: 100, efSearch: 50 } });
  await library.write(async (writer) => {
    const article = syntheticArticle('other-model', ['First paragraph.', 'Second paragraph.', 'Third.']);
    writer.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, articleVectors('other-model')), {
      id: 'test-model',
      dimensions: 16,
    });
  });
  library.close();
  const config = loadConfig({ EMBEDDING_MODEL: TINY, MODELS_DIR: FIXTURE_MODELS, DATA_DIR: dataDir, ARTICLES_DIR: '' }, ROOT);
  const app = await openApp(config, logger, { modelRetry: RETRY }).ready;
  try {
    assert.equal(app.embedder, null);
    assert.match(app.embedderProblem ?? '', /reindex/);
    app.retryModelInBackground();
    assert.ok(!lines.some((l) => /tried again in the background/.test(l.msg ?? '')), 'no retry was started');
  } finally {
    app.close();
  }
});
