import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { toFtsQuery } from '../src/retrieval/keyword-query.ts';
import { Retriever } from '../src/retrieval/search.ts';
import { recencyScale } from '../src/retrieval/stories.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { tempDir } from './support/temp-dirs.ts';
import { paragraphChunks, syntheticArticle } from './support/synthetic.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const shared = { collections: [SHARED_COLLECTION] };

function dataDir(): string {
  const dir = tempDir('newsroom-article-index-');
  return dir;
}

function put(library: Library, id: string, paragraphs: string[], extra: Parameters<typeof syntheticArticle>[2] = {}) {
  return library.write(async (w) => {
    const article = syntheticArticle(id, paragraphs, extra);
    return w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, []), null);
  });
}

/** The ids of the articles a whole-article search for `words` finds. */
function wholeArticleIds(library: Library, words: string): string[] {
  return library.articleSearch(toFtsQuery(words) ?? '', 10, shared).map((r) => library.articleInfoOf(r.articleKey)?.id ?? '?');
}

test('the whole-article index follows every add, update, merge and removal, and is filled for a library that predates it', async () => {
  const dir = dataDir();
  let library = Library.open({ dataDir: dir, hnsw: HNSW });
  try {
    await put(library, 'tram', ['The Orlen tramway opened its northern branch on Monday.', 'Riders praised the quiet Varga-built cars.'], {
      title: 'Northern tram branch opens',
    });
    await put(library, 'school', ['Pupils at Maple Row school planted an orchard of forty trees.'], { title: 'School orchard planted' });
    assert.deepEqual(wholeArticleIds(library, 'Varga tramway'), ['tram']);
    // Headline words are searchable as a whole too.
    assert.deepEqual(wholeArticleIds(library, 'orchard school'), ['school']);

    await put(library, 'tram', ['The Orlen tramway opened its northern branch on Monday.', 'Riders praised the quiet Kessel-built cars.'], {
      title: 'Northern tram branch opens',
    });
    assert.deepEqual(wholeArticleIds(library, 'Varga'), [], 'the old text is gone after an update');
    assert.deepEqual(wholeArticleIds(library, 'Kessel'), ['tram']);

    // A copy of a stored story merges with it: one article found, the one the merge keeps.
    assert.equal(
      await put(library, 'school-copy', ['Pupils at Maple Row school planted an orchard of forty trees.'], {
        title: 'Orchard for Maple Row pupils',
      }),
      'duplicate',
    );
    const school = library.catalog.getArticle(SHARED_COLLECTION, 'school')?.articleId ?? '?';
    assert.deepEqual(wholeArticleIds(library, 'orchard'), [school]);

    await library.write(async (w) => w.removeArticle(SHARED_COLLECTION, 'tram'));
    assert.deepEqual(wholeArticleIds(library, 'Kessel tramway'), []);
    assert.deepEqual(wholeArticleIds(library, 'orchard'), [school]);
    library.close();

    // A library written before the index existed: it is created and filled when opened writable.
    const db = new Database(path.join(dir, 'library.sqlite'));
    db.exec(
      'DROP TRIGGER articles_fts_insert; DROP TRIGGER articles_fts_delete; DROP TRIGGER articles_fts_update; DROP TABLE articles_fts',
    );
    db.close();
    library = Library.open({ dataDir: dir, hnsw: HNSW });
    assert.deepEqual(wholeArticleIds(library, 'orchard'), [school]);
    await put(library, 'ferry', ['The island ferry resumed sailings after repairs.'], { title: 'Ferry back in service' });
    assert.deepEqual(wholeArticleIds(library, 'ferry'), ['ferry']);
  } finally {
    library.close();
  }
});

test('a story headlined on the subject outranks one mentioning it in passing, both the same day', async () => {
  const library = Library.open({ dataDir: dataDir(), hnsw: HNSW });
  try {
    const day = '2026-05-04';
    await put(
      library,
      'budget',
      [
        'The city budget for next year passed by nine votes to four after a long debate about road repairs.',
        'Also noted: the Lumen Bay desalination plant.',
        'Parking charges will rise by ten cents an hour in the centre from July.',
      ],
      { title: 'City budget passes after road repair debate', published: day },
    );
    await put(
      library,
      'plant',
      [
        'Engineers began testing pumps this week at the new coastal desalination works, the water board said, after months of delays caused by storms, a shortage of parts and a dispute with the contractor over the intake pipe.',
        'The plant will supply a fifth of the region with drinking water once it runs at full capacity.',
        'Construction started two years ago and cost 310 million dollars.',
      ],
      { title: 'Lumen Bay desalination plant starts pump tests', published: day },
    );
    const retriever = new Retriever(library, null);
    const result = await retriever.search('Lumen Bay desalination plant', { k: 5, filter: shared, asOf: day });
    assert.equal(result.passages[0]?.articleId, 'plant', result.passages.map((p) => `${p.articleId}: ${p.text}`).join('\n'));
  } finally {
    library.close();
  }
});

test('recency counts more when many stories match closely', () => {
  assert.equal(recencyScale([1]), 1);
  assert.equal(recencyScale([1, 0.3, 0.2]), 1, 'one close match: no change');
  assert.ok(recencyScale([1, 0.95, 0.9, 0.85]) > 1);
  assert.ok(recencyScale(Array.from({ length: 64 }, () => 1)) <= 2);
  assert.equal(recencyScale([]), 1);
});
