import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { registerArticleText } from '../src/store/catalog/article-body.ts';
import { blobToEmbedding, embeddingToBlob, fromHalf, toHalf } from '../src/store/catalog/embedding-blob.ts';
import { Library, LIBRARY_FILE } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { tempDir } from './support/temp-dirs.ts';
import { paragraphChunks, seededVectors, syntheticArticle } from './support/synthetic.ts';

const MODEL = { id: 'test-model', dimensions: 16 };
const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const everything = { collections: [SHARED_COLLECTION] };

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  });
  return dot / Math.sqrt(na * nb);
}

/** Stores `count` one-paragraph articles with seeded vectors; returns the vectors by chunk id. */
async function fill(library: Library, count: number, first = 0): Promise<Map<number, Float32Array>> {
  const byChunk = new Map<number, Float32Array>();
  await library.write(async (w) => {
    for (let i = first; i < first + count; i++) {
      const article = syntheticArticle(`story-${i}`, [`Story number ${i} about the harbor, pier ${i * 31}.`]);
      const vectors = seededVectors(i + 1, 1, MODEL.dimensions);
      w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, vectors), MODEL);
    }
  });
  for (let i = first; i < first + count; i++) {
    const id = library.catalog.chunksOfArticle(SHARED_COLLECTION, `story-${i}`)[0]?.chunkId ?? 0;
    byChunk.set(id, seededVectors(i + 1, 1, MODEL.dimensions)[0] as Float32Array);
  }
  return byChunk;
}

function blobLengths(dir: string): number[] {
  const db = new Database(path.join(dir, LIBRARY_FILE), { readonly: true });
  const rows = db.prepare('SELECT length(embedding) AS n FROM chunks WHERE embedding IS NOT NULL').all() as { n: number }[];
  db.close();
  return [...new Set(rows.map((r) => r.n))];
}

function nearestIsItself(library: Library, vectors: Map<number, Float32Array>): number {
  let hits = 0;
  for (const [id, vector] of vectors) if (library.denseSearch(vector, 1, everything)[0]?.id === id) hits++;
  return hits / vectors.size;
}

test('half precision: exact values, rounding, subnormals and overflow', () => {
  assert.deepEqual([1, 0.5, -2, 65504, 0].map(toHalf), [0x3c00, 0x3800, 0xc000, 0x7bff, 0]);
  assert.equal(toHalf(1e6), 0x7c00);
  assert.equal(toHalf(1e-9), 0);
  for (const x of [0.1, -0.033, 6e-5, 3e-7, 0.18])
    assert.ok(Math.abs(fromHalf(toHalf(x)) - x) <= Math.abs(x) * 2 ** -11 + 2 ** -25, String(x));
});

test('embeddings are stored as float16, half of float32, and read back within rounding', async () => {
  for (const vector of seededVectors(5, 20, 384)) {
    const blob = embeddingToBlob(vector);
    assert.equal(blob.byteLength, 384 * 2);
    assert.ok(cosine(vector, blobToEmbedding(blob, 384)) > 0.999999);
  }
  assert.deepEqual(Array.from(blobToEmbedding(embeddingToBlob(new Float32Array(4)), 4)), [0, 0, 0, 0]);
  assert.throws(() => blobToEmbedding(Buffer.alloc(10), 384), /10 bytes/);
  const dir = tempDir('newsroom-float16-');
  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  const vectors = await fill(library, 40);
  assert.deepEqual(blobLengths(dir), [MODEL.dimensions * 2]);
  // An index rebuilt from the stored float16 embeddings finds every chunk by its own vector.
  await library.repair({ rebuildIndex: true });
  assert.equal(nearestIsItself(library, vectors), 1);
  library.close();
});

test('a library of float32 embeddings (earlier versions) is read as it is and rewritten as float16 by its first write', async () => {
  const dir = tempDir('newsroom-float16-');
  const first = Library.open({ dataDir: dir, hnsw: HNSW });
  const vectors = await fill(first, 30);
  first.close();
  // What an earlier version wrote: float32 blobs, no format recorded.
  const db = new Database(path.join(dir, LIBRARY_FILE));
  const update = db.prepare('UPDATE chunks SET embedding = ? WHERE id = ?');
  for (const [id, v] of vectors) update.run(Buffer.from(v.buffer, v.byteOffset, v.byteLength), id);
  db.prepare("DELETE FROM meta WHERE key = 'embedding_format'").run();
  db.close();
  fs.rmSync(path.join(dir, 'vectors.hnsw'));
  assert.deepEqual(blobLengths(dir), [MODEL.dimensions * 4]);

  const reopened = Library.open({ dataDir: dir, hnsw: HNSW });
  assert.equal(nearestIsItself(reopened, vectors), 1, 'the index is rebuilt from float32 embeddings');
  const more = await fill(reopened, 5, 30);
  assert.deepEqual(blobLengths(dir), [MODEL.dimensions * 2], 'every embedding is float16 after the first write');
  await reopened.repair({ rebuildIndex: true });
  assert.equal(nearestIsItself(reopened, new Map([...vectors, ...more])), 1);
  assert.equal(reopened.counts().embeddedChunks, 35);
  reopened.close();
});

test('chunk texts are cut from their article, stored once: an older library with a text column loses it on its first writable open', async () => {
  const dir = tempDir('newsroom-chunk-text-');
  const first = Library.open({ dataDir: dir, hnsw: HNSW });
  await fill(first, 3);
  // Offsets count UTF-16 code units: a story with characters outside the BMP reads back exactly.
  const emoji = syntheticArticle('story-emoji', ['The 🎉 parade crossed the 𝒽arbor bridge.', 'Then the pier 🚢 closed for the night.']);
  await first.write(async (w) => {
    w.putArticle(emoji, SHARED_COLLECTION, paragraphChunks(emoji, seededVectors(99, 2, MODEL.dimensions)), MODEL);
  });
  const expected = first.catalog.chunksOfArticle(SHARED_COLLECTION, 'story-emoji').map((r) => r.text);
  assert.deepEqual(expected, ['The 🎉 parade crossed the 𝒽arbor bridge.', 'Then the pier 🚢 closed for the night.']);
  first.close();
  const columns = (file: string) =>
    (new Database(file, { readonly: true }).prepare("SELECT name FROM pragma_table_info('chunks')").all() as { name: string }[]).map(
      (c) => c.name,
    );
  assert.ok(!columns(path.join(dir, LIBRARY_FILE)).includes('text'));

  // What an earlier version wrote: each chunk's text stored beside its offsets.
  const db = new Database(path.join(dir, LIBRARY_FILE));
  registerArticleText(db);
  db.exec("ALTER TABLE chunks ADD COLUMN text TEXT NOT NULL DEFAULT ''");
  const spans = db
    .prepare('SELECT c.id, article_text(a.body) AS body, c.start, c.end FROM chunks c JOIN articles a ON a.key = c.article_key')
    .all() as {
    id: number;
    body: string;
    start: number;
    end: number;
  }[];
  for (const c of spans) db.prepare('UPDATE chunks SET text = ? WHERE id = ?').run(c.body.slice(c.start, c.end), c.id);
  db.close();
  const readOnly = Library.open({ dataDir: dir, hnsw: HNSW, readOnly: true });
  assert.deepEqual(
    readOnly.catalog.chunksOfArticle(SHARED_COLLECTION, 'story-emoji').map((r) => r.text),
    expected,
  );
  readOnly.close();
  assert.ok(columns(path.join(dir, LIBRARY_FILE)).includes('text'), 'a read-only open changes nothing');

  const reopened = Library.open({ dataDir: dir, hnsw: HNSW });
  assert.ok(!columns(path.join(dir, LIBRARY_FILE)).includes('text'));
  const found = reopened.keywordSearch('"parade"', 5, everything);
  assert.deepEqual(
    reopened.catalog.chunkRecords(found.map((r) => r.chunkId)).map((r) => r.text),
    ['The 🎉 parade crossed the 𝒽arbor bridge.'],
  );
  assert.equal(reopened.catalog.chunksOfArticle(SHARED_COLLECTION, 'story-1')[0]?.text, 'Story number 1 about the harbor, pier 31.');
  reopened.close();
});

test('search filters map every chunk to its article, read a range per article, and chunk by chunk where ids are not consecutive', async () => {
  const dir = tempDir('newsroom-chunk-ranges-');
  const first = Library.open({ dataDir: dir, hnsw: HNSW });
  await first.write(async (w) => {
    for (const id of ['story-a', 'story-b', 'story-c']) {
      const paragraphs = [`The ${id} council met on Monday.`, `The ${id} budget passed.`, `The ${id} mayor left early.`];
      const article = syntheticArticle(id, paragraphs);
      w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, seededVectors(id.charCodeAt(6), 3, MODEL.dimensions)), MODEL);
    }
  });
  const keyOf = (library: Library, id: string) =>
    library.catalog.chunksOfArticle(SHARED_COLLECTION, id).map((r) => [r.chunkId, r.articleKey, library.articleKeyOf(r.chunkId)]);
  const expected = ['story-a', 'story-b', 'story-c'].map((id) => keyOf(first, id));
  first.close();
  // story-b's middle chunk moved past the others (an id range broken, as an older repair could leave it).
  const db = new Database(path.join(dir, LIBRARY_FILE));
  const middle = expected[1]?.[1]?.[0] as number;
  db.prepare('UPDATE chunks SET id = 1000 WHERE id = ?').run(middle);
  db.close();
  const reopened = Library.open({ dataDir: dir, hnsw: HNSW, readOnly: true });
  for (const [i, id] of ['story-a', 'story-b', 'story-c'].entries()) {
    const rows = keyOf(reopened, id);
    assert.equal(rows.length, 3);
    for (const [chunkId, articleKey, mapped] of rows) assert.equal(mapped, articleKey, `${id} chunk ${chunkId}`);
    assert.equal(rows[0]?.[1], expected[i]?.[0]?.[1]);
  }
  assert.equal(reopened.articleKeyOf(middle), 0, 'the id no chunk has any more maps to no article');
  reopened.close();
});
