import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { registerArticleText } from '../src/store/catalog/article-body.ts';
import { mergeKeywordIndexesWhenDue } from '../src/store/catalog/keyword-index-merge.ts';
import { Library, LIBRARY_FILE } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { tempDir } from './support/temp-dirs.ts';
import { paragraphChunks, seededVectors, syntheticArticle } from './support/synthetic.ts';

const MODEL = { id: 'test-model', dimensions: 16 };
const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const everything = { collections: [SHARED_COLLECTION] };

test('the keyword indexes are merged once the library has grown enough, searches find the same, freed pages go back to the disk', async () => {
  const dir = tempDir('newsroom-merge-');
  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  for (let batch = 0; batch < 4; batch++) {
    await library.write(async (w) => {
      for (let i = 0; i < 10; i++) {
        const id = `story-${batch}-${i}`;
        const article = syntheticArticle(id, [`The ferry ${id} left pier ${i} at dawn.`, `Tides at pier ${batch} ran high all week.`]);
        w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, seededVectors(batch * 10 + i + 1, 2, MODEL.dimensions)), MODEL);
      }
    });
  }
  const before = library.keywordSearch('"ferry" OR "tides"', 30, everything);
  const wholeBefore = library.articleSearch('"pier" OR "dawn"', 30, everything);
  library.close();

  const db = new Database(path.join(dir, LIBRARY_FILE));
  registerArticleText(db);
  assert.equal(db.pragma('auto_vacuum', { simple: true }), 2, 'a new library is created with incremental auto-vacuum');
  assert.equal(mergeKeywordIndexesWhenDue(db, 1_000), 0, 'not due: too little growth');
  assert.equal(mergeKeywordIndexesWhenDue(db, 10), 80);
  assert.equal(db.pragma('freelist_count', { simple: true }), 0);
  assert.equal(mergeKeywordIndexesWhenDue(db, 10), 0, 'merged: not due again until the library grows by a share of its size');
  // FTS5's own check of the merged indexes: throws when they are damaged.
  db.exec("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 0)");
  db.exec("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 0)");
  db.close();

  const reopened = Library.open({ dataDir: dir, hnsw: HNSW });
  assert.deepEqual(reopened.keywordSearch('"ferry" OR "tides"', 30, everything), before);
  assert.deepEqual(reopened.articleSearch('"pier" OR "dawn"', 30, everything), wholeBefore);
  reopened.close();
});

test('opening a library in use for writing writes nothing to it: another process would fail on a change made outside the write lock', async () => {
  const dir = tempDir('newsroom-open-');
  const first = Library.open({ dataDir: dir, hnsw: HNSW });
  await first.write(async (w) => {
    const article = syntheticArticle('story', ['The ferry left the pier at dawn and came back late.']);
    w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, seededVectors(1, 1, MODEL.dimensions)), MODEL);
  });
  const watcher = new Database(path.join(dir, LIBRARY_FILE), { readonly: true });
  const version = () => watcher.pragma('data_version', { simple: true });
  const before = version();
  const second = Library.open({ dataDir: dir, hnsw: HNSW });
  assert.equal(version(), before);
  second.close();
  first.close();
  watcher.close();
});
