import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { decodeBody, encodeBody, registerArticleText } from '../src/store/catalog/article-body.ts';
import { inspectLibrary } from '../src/store/maintenance/health.ts';
import { Library, LIBRARY_FILE } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { tempDir } from './support/temp-dirs.ts';
import { paragraphChunks, seededVectors, syntheticArticle } from './support/synthetic.ts';

const MODEL = { id: 'test-model', dimensions: 16 };
const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const everything = { collections: [SHARED_COLLECTION] };

const PARAGRAPHS = [
  'The harbor board voted 5–2 on Tuesday to close the 🚢 north pier for repairs, its chair said.',
  'Repairs to the north pier will take eleven weeks and cost $2.4 million, according to the board’s engineer.',
  'Ferry passengers will board at the south terminal meanwhile; the 7:15 crossing is cancelled until March.',
  'The board’s chair, Ana Whitlock, said the 𝒽arbor’s oldest pilings had rotted through after the winter storms.',
];

function storedForms(dir: string): { id: string; type: string }[] {
  const db = new Database(path.join(dir, LIBRARY_FILE), { readonly: true });
  try {
    return db.prepare('SELECT id, typeof(body) AS type FROM articles ORDER BY id').all() as { id: string; type: string }[];
  } finally {
    db.close();
  }
}

/** The texts of the 'pier' story's chunks, cut from its stored body. */
const pierTexts = (library: Library) => library.catalog.chunksOfArticle(SHARED_COLLECTION, 'pier').map((c) => c.text);

async function store(library: Library, id: string, paragraphs: string[]): Promise<void> {
  const article = syntheticArticle(id, paragraphs, { title: `Pier ${id}` });
  await library.write(async (w) => {
    w.putArticle(
      article,
      SHARED_COLLECTION,
      paragraphChunks(article, seededVectors(id.length, paragraphs.length, MODEL.dimensions)),
      MODEL,
    );
  });
}

test('a body is deflated when that is smaller and reads back exactly, short ones stay text', () => {
  const long = PARAGRAPHS.join('\n\n');
  const stored = encodeBody(long);
  assert.ok(Buffer.isBuffer(stored) && stored.length < Buffer.byteLength(long) * 0.8);
  assert.equal(decodeBody(stored), long);
  assert.equal(encodeBody('A short brief.'), 'A short brief.');
  assert.equal(decodeBody('A short brief.'), 'A short brief.');
});

test('stored bodies are deflated; chunk texts, whole-article search, forgetting and check read them as text', async () => {
  const dir = tempDir('newsroom-body-');
  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  await store(library, 'pier', PARAGRAPHS);
  await store(library, 'brief', ['Pier closed.']);
  assert.deepEqual(storedForms(dir), [
    { id: 'brief', type: 'text' },
    { id: 'pier', type: 'blob' },
  ]);
  assert.deepEqual(pierTexts(library), PARAGRAPHS);
  assert.equal(library.articleSearch('"pilings" AND "whitlock"', 5, everything)[0]?.articleKey !== undefined, true);
  assert.deepEqual(
    library.keywordSearch('"pilings"', 5, everything).map((r) => library.catalog.chunkRecords([r.chunkId])[0]?.text),
    [PARAGRAPHS[3]],
  );
  await library.write(async (w) => {
    w.removeArticle(SHARED_COLLECTION, 'pier');
  });
  assert.deepEqual(library.articleSearch('"pilings"', 5, everything), []);
  library.close();
});

test('a library of text bodies (earlier versions) is read as it is, deflated by its first write, its whole-article index untouched', async () => {
  const dir = tempDir('newsroom-body-old-');
  const first = Library.open({ dataDir: dir, hnsw: HNSW });
  await store(first, 'pier', PARAGRAPHS);
  first.close();

  // What an earlier version wrote: the body as text, triggers entering new.body as it is.
  const db = new Database(path.join(dir, LIBRARY_FILE));
  registerArticleText(db);
  db.exec("UPDATE articles SET body = article_text(body); DELETE FROM meta WHERE key = 'body_format'");
  db.exec(`DROP TRIGGER articles_fts_insert; DROP TRIGGER articles_fts_update;
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
      INSERT INTO articles_fts (rowid, title, body) VALUES (new.key, new.title, new.body); END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
      DELETE FROM articles_fts WHERE rowid = old.key;
      INSERT INTO articles_fts (rowid, title, body) VALUES (new.key, new.title, new.body); END;`);
  db.close();
  assert.deepEqual(storedForms(dir), [{ id: 'pier', type: 'text' }]);

  const readOnly = Library.open({ dataDir: dir, hnsw: HNSW, readOnly: true });
  assert.deepEqual(pierTexts(readOnly), PARAGRAPHS);
  readOnly.close();
  assert.deepEqual(storedForms(dir), [{ id: 'pier', type: 'text' }], 'a read-only open changes nothing');

  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  await store(
    library,
    'ferry',
    PARAGRAPHS.slice(1).map((p) => p.replace('pier', 'ferry slip')),
  );
  assert.deepEqual(storedForms(dir), [
    { id: 'ferry', type: 'blob' },
    { id: 'pier', type: 'blob' },
  ]);
  assert.deepEqual(pierTexts(library), PARAGRAPHS);
  const pilings = library.articleSearch('"pilings"', 5, everything).map((r) => r.articleKey);
  assert.equal(pilings.length, 2, 'both stories found by whole-article search, the rewritten one and the new one');
  library.close();
  const report = inspectLibrary(dir);
  assert.equal(report.healthy, true, JSON.stringify(report.findings));
});
