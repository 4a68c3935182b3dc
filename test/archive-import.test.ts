import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { LoadResult } from '../src/articles/article.ts';
import { loadPaths } from '../src/articles/load.ts';
import { parseArticleBuffer } from '../src/articles/parse-buffer.ts';
import { loadEmbedder, unloadEmbedders } from '../src/embeddings/transformers.ts';
import { ingest, WRITE_ARTICLES } from '../src/ingest.ts';
import { embedPending } from '../src/ingest/embed-batches.ts';
import { forgetSource } from '../src/ingest/forget.ts';
import { archiveMessages } from '../src/messages/archive.ts';
import { inspectLibrary } from '../src/store/maintenance/health.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { archiveRecord, writeArchiveJsonl } from './support/archive.ts';
import { TINY_MODEL_ENV } from './support/app.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const CHUNKING = { targetTokens: 200, overlapTokens: 20 };
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  unloadEmbedders();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-archive-'));
  dirs.push(dir);
  return dir;
}

async function collect(results: AsyncIterable<LoadResult>): Promise<LoadResult[]> {
  const all: LoadResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

function tinyEmbedder() {
  return loadEmbedder({ modelId: TINY_MODEL_ENV.EMBEDDING_MODEL, cacheDir: tempDir(), modelsDir: TINY_MODEL_ENV.MODELS_DIR });
}

test('a JSON Lines export larger than the size limit is read record by record: each record as when parsed whole, a record over the limit refused by its line', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'export.jsonl');
  const bytes = writeArchiveJsonl(file, 40);
  const huge = JSON.stringify({ id: 'huge', title: 'Too long', body: 'word '.repeat(20_000) });
  fs.appendFileSync(file, `\n${huge}\n{"id": "broken", "title": \n`);
  fs.appendFileSync(file, `${JSON.stringify({ ...archiveRecord(40, 41), code: undefined })}`);
  const maxBytes = 16 * 1024;
  assert.ok(bytes > maxBytes * 5, 'the file is far over the limit');

  const streamed = await collect(loadPaths([file], { maxBytes }));
  const whole = await parseArticleBuffer('export.jsonl', fs.readFileSync(file), file, { maxBytes: 10 * 1024 * 1024 });
  assert.equal(streamed.length, 43);
  const ok = streamed.filter((r) => r.ok);
  assert.equal(ok.length, 41, 'every well-formed record goes in, the one after the bad lines too');
  // The same ids, sources (file#line) and text as the whole file parsed at once.
  assert.deepEqual(
    ok.map((r) => [r.article.id, r.article.source, r.article.body]),
    whole.flatMap((r) => (r.ok && r.article.id !== 'huge' ? [[r.article.id, r.article.source, r.article.body]] : [])),
  );
  const failures = streamed.flatMap((r) => (r.ok ? [] : [r]));
  assert.equal(failures.length, 2);
  assert.match(failures[0]?.error ?? '', /export\.jsonl line 42 is 98 KB, larger than the 16 KB limit$/);
  assert.equal(failures[0]?.source, `${file}#42`);
  assert.match(failures[1]?.error ?? '', /export\.jsonl line 43 is not valid JSON/);
});

test('an empty JSON Lines file is refused by name', async () => {
  const file = path.join(tempDir(), 'empty.jsonl');
  fs.writeFileSync(file, '\n\n');
  const [result, ...rest] = await collect(loadPaths([file]));
  assert.equal(rest.length, 0);
  assert.equal(result?.ok, false);
  assert.match(result && !result.ok ? result.error : '', /empty\.jsonl/);
});

test('a forget during an archive import waits for one batch, not the import', async () => {
  const library = Library.open({ dataDir: tempDir(), hnsw: HNSW });
  try {
    const total = WRITE_ARTICLES * 4;
    const file = path.join(tempDir(), 'archive.jsonl');
    writeArchiveJsonl(file, total);
    let forgetting: Promise<unknown> | null = null;
    let storedWhenForgotten = -1;
    const importing = ingest({ library, embedder: null }, loadPaths([file]), {
      collection: SHARED_COLLECTION,
      chunking: CHUNKING,
      onProgress: ({ done }) => {
        // The first batch is stored: the legal desk retracts one of its stories.
        if (done === WRITE_ARTICLES + 5 && !forgetting) {
          forgetting = forgetSource({ library, embedder: null, chunking: CHUNKING }, SHARED_COLLECTION, 'story-3').then((forgotten) => {
            storedWhenForgotten = library.counts().articles;
            return forgotten;
          });
        }
      },
    });
    const summary = await importing;
    assert.ok(forgetting, 'the retraction was asked for during the import');
    assert.ok((await forgetting) !== null, 'story-3 was retracted');
    assert.ok(
      storedWhenForgotten > 0 && storedWhenForgotten <= 2 * WRITE_ARTICLES,
      `retracted after at most one more batch (${storedWhenForgotten} stored then)`,
    );
    assert.equal(summary.added, total);
    assert.equal(library.counts().articles, total - 1);
    assert.equal(library.catalog.pendingCount(), library.counts().chunks, 'keyword-only: every chunk awaits its vector');
  } finally {
    library.close();
  }
});

test('stored keyword-first, embedded newest story first, a batch to a write; nothing embedded twice', async () => {
  const embedder = await tinyEmbedder();
  const library = Library.open({ dataDir: tempDir(), hnsw: HNSW });
  try {
    const file = path.join(tempDir(), 'archive.jsonl');
    writeArchiveJsonl(file, 30);
    const summary = await ingest({ library, embedder }, loadPaths([file]), {
      collection: SHARED_COLLECTION,
      chunking: CHUNKING,
      embed: 'later',
    });
    assert.equal(summary.added, 30);
    assert.equal(summary.pendingEmbeddings, summary.chunks);
    assert.equal(library.counts().embeddedChunks, 0, 'keyword-searchable, no vector yet');

    // The first batch: the newest story's chunks (story-29, published last), before any older one.
    const newest = library.catalog.chunksOfArticle(SHARED_COLLECTION, 'story-29').length;
    const oldest = library.catalog.chunksOfArticle(SHARED_COLLECTION, 'story-0').length;
    const stop = new AbortController();
    await embedPending({ library, embedder }, { batchSize: newest, signal: stop.signal, onProgress: () => stop.abort() });
    assert.equal(library.counts().embeddedChunks, newest);
    assert.ok(
      library.catalog
        .chunksOfArticle(SHARED_COLLECTION, 'story-29')
        .every((c) => library.pendingByArticle.chunksOf(0).every((p) => p.id !== c.chunkId)),
    );
    assert.equal(library.pendingByArticle.articles().length, 29, 'the newest story is embedded, the 29 others wait');

    const rest = await embedPending({ library, embedder }, { batchSize: 16 });
    assert.equal(rest, summary.chunks - newest, 'the rest, each chunk once');
    assert.equal(library.catalog.pendingCount(), 0);
    assert.ok(oldest > 0);
    assert.equal(await embedPending({ library, embedder }), 0, 'nothing left: nothing embedded again');
    const report = inspectLibrary(library.dataDir);
    assert.equal(report.healthy, true, JSON.stringify(report.findings));
  } finally {
    library.close();
  }
});

test('a full disk stops an import with a message; what was stored stays and the library is healthy', async () => {
  const dataDir = tempDir();
  Library.open({ dataDir, hnsw: HNSW }).close();
  const library = Library.open({ dataDir, hnsw: HNSW, maxBytes: fs.statSync(path.join(dataDir, 'library.sqlite')).size + 400 * 1024 });
  const file = path.join(tempDir(), 'archive.jsonl');
  writeArchiveJsonl(file, 300);
  try {
    await assert.rejects(
      ingest({ library, embedder: null }, loadPaths([file]), { collection: SHARED_COLLECTION, chunking: CHUNKING }),
      /full/i,
    );
    const stored = library.counts().articles;
    assert.ok(stored > 0 && stored < 300, `stopped partway (${stored} stored)`);
  } finally {
    library.close();
  }
  assert.equal(inspectLibrary(dataDir).healthy, true);
  // With room again, the import goes on from there.
  const roomy = Library.open({ dataDir, hnsw: HNSW });
  try {
    const summary = await ingest({ library: roomy, embedder: null }, loadPaths([file]), {
      collection: SHARED_COLLECTION,
      chunking: CHUNKING,
    });
    assert.equal(summary.unchanged + summary.added, 300);
    assert.equal(roomy.counts().articles, 300);
  } finally {
    roomy.close();
  }
});

test('coverage in words: a share of the archive, rounded down, none once all is embedded', () => {
  assert.equal(
    archiveMessages.coverage(1000, 374),
    'hybrid search covers 37 % of the archive; the rest is keyword-only (626 passages await embedding)',
  );
  assert.match(archiveMessages.coverage(1000, 999) ?? '', /covers 99 %/);
  assert.equal(archiveMessages.coverage(1000, 1000), null);
  assert.equal(archiveMessages.coverage(0, 0), null);
});
