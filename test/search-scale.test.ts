import assert from 'node:assert/strict';
import { test } from 'node:test';
import { affordableTerms, weightedTerms } from '../src/retrieval/keyword-plan.ts';
import { Retriever } from '../src/retrieval/search.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { efForSize } from '../src/store/vectors/vector-index.ts';
import { tempDir } from './support/temp-dirs.ts';
import { fixedEmbedder, paragraphChunks, seededVectors, syntheticArticle } from './support/synthetic.ts';

const MODEL = { id: 'test-model', dimensions: 16 };
const shared = { collections: [SHARED_COLLECTION] };

function openLibrary(): Library {
  const dir = tempDir('newsroom-scale-');
  return Library.open({ dataDir: dir, hnsw: { m: 16, efConstruction: 100, efSearch: 50 } });
}

async function put(library: Library, id: string, paragraphs: string[], embedded: boolean, extra = {}): Promise<void> {
  const article = syntheticArticle(id, paragraphs, { published: '2026-03-02', ...extra });
  const vectors = embedded ? seededVectors(id.length, paragraphs.length, MODEL.dimensions) : [];
  await library.write(async (w) => w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, vectors), MODEL));
}

test('a story whose chunks are not embedded yet is ranked on its keyword match, not below embedded stories', async () => {
  const library = openLibrary();
  await put(library, 'ferry-embedded', ['The council talked about the harbor ferry timetable.', 'Parking fees go up in May.'], true, {
    title: 'Council notes',
  });
  await put(
    library,
    'ferry-waiting',
    ['The harbor ferry timetable changes on Monday: the harbor ferry runs every 20 minutes.', 'Ferry riders welcomed the new timetable.'],
    false,
    { title: 'Harbor ferry timetable changes' },
  );
  assert.equal(library.isEmbedded(library.catalog.chunksOfArticle(SHARED_COLLECTION, 'ferry-waiting')[0]?.chunkId ?? 0), false);
  const query = seededVectors(7, 1, MODEL.dimensions)[0] as Float32Array;
  const retriever = new Retriever(library, fixedEmbedder(query, MODEL));
  const result = await retriever.search('harbor ferry timetable', { k: 4, filter: shared, asOf: '2026-03-03' });
  assert.equal(result.mode, 'hybrid');
  assert.equal(result.passages[0]?.articleId, 'ferry-waiting', result.passages.map((p) => p.articleId).join(' | '));
  // Once embedded, the same story keeps its place.
  const pending = library.catalog.pendingChunks(10);
  await library.write(async (w) =>
    w.setEmbeddings(
      pending.map((c, i) => ({ id: c.id, embedding: seededVectors(50 + i, 1, MODEL.dimensions)[0] as Float32Array })),
      MODEL,
    ),
  );
  const later = await retriever.search('harbor ferry timetable', { k: 4, filter: shared, asOf: '2026-03-03' });
  assert.equal(later.passages[0]?.articleId, 'ferry-waiting');
  library.close();
});

test('a collection with no articles, or an as-of day before every article, finds nothing', async () => {
  const library = openLibrary();
  await put(library, 'bridge', ['The bridge reopened on Monday.', 'Traffic resumed.'], true);
  const query = seededVectors(3, 1, MODEL.dimensions)[0] as Float32Array;
  const retriever = new Retriever(library, fixedEmbedder(query, MODEL));
  const timings = { dense: 0, keyword: 0, stories: 0, reads: 0 };
  assert.ok((await retriever.search('bridge reopened', { k: 5, filter: shared, asOf: '2026-03-03', timings })).passages.length > 0);
  assert.ok(timings.dense > 0 && timings.keyword > 0, 'stage timings are reported');
  assert.deepEqual((await retriever.search('bridge reopened', { k: 5, filter: { collections: ['empty-server'] } })).passages, []);
  assert.deepEqual((await retriever.search('bridge reopened', { k: 5, filter: shared, asOf: '2001-01-01' })).passages, []);
  assert.deepEqual(library.denseSearch(query, 5, { collections: ['empty-server'] }), []);
  assert.deepEqual(library.keywordSearch('"bridge"', 5, { ...shared, asOf: '2001-01-01' }), []);
  library.close();
});

test('the search breadth grows with the index: ef 100 up to 250k points, 200 at a million', () => {
  assert.equal(efForSize(0), 100);
  assert.equal(efForSize(100_000), 100);
  assert.equal(efForSize(1_000_000), 200);
  assert.ok(efForSize(4_000_000) > efForSize(1_000_000));
});

test('keyword search in a narrow filter finds its matches below many better ones outside it', async () => {
  const library = openLibrary();
  await library.write(async (w) => {
    for (let i = 0; i < 60; i++) {
      const article = syntheticArticle(
        `ferry-${i}`,
        [
          `Ferry ferry ferry: timetable ${i} of the ferry to island number ${i * 7919}.`,
          `The ferry to pier ${i * 104729} runs every ${i + 3} minutes.`,
        ],
        { published: '2026-03-02' },
      );
      w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, seededVectors(i + 1, 2, MODEL.dimensions)), MODEL);
    }
    const own = syntheticArticle('guild-ferry', ['A long note about parking, buses, trains and, once, a ferry.'], {
      published: '2019-05-01',
    });
    w.putArticle(own, 'guild-a', paragraphChunks(own, seededVectors(99, 1, MODEL.dimensions)), MODEL);
  });
  const inGuild = library.keywordSearch('"ferry"', 5, { collections: ['guild-a'] });
  assert.equal(inGuild.length, 1);
  const both = { collections: [SHARED_COLLECTION, 'guild-a'] };
  assert.equal(library.keywordSearch('"ferry"', 5, both).length, 5);
  const early = library.keywordSearch('"ferry"', 5, { ...both, asOf: '2020-01-01' });
  assert.deepEqual(
    early.map((r) => r.chunkId),
    inGuild.map((r) => r.chunkId),
  );
  // Whole-article search ranks as many matches as the filter's share of the articles calls for, then more.
  const guildKey = library.articleKeyOf(inGuild[0]?.chunkId ?? 0);
  assert.deepEqual(
    library.articleSearch('"ferry"', 3, { collections: ['guild-a'] }).map((r) => r.articleKey),
    [guildKey],
  );
  assert.equal(library.articleSearch('"ferry"', 5, both).length, 5);
  assert.deepEqual(
    library.articleSearch('"ferry"', 5, { ...both, asOf: '2020-01-01' }).map((r) => r.articleKey),
    [guildKey],
  );
  library.close();
});

test('keyword search within chosen stories scores their chunks only, in the order a search of every chunk gives them', async () => {
  const library = openLibrary();
  await library.write(async (w) => {
    for (let i = 0; i < 30; i++) {
      const article = syntheticArticle(`tram-${i}`, [
        `The tram ${'tram '.repeat(i % 5)}line ${i} reopened after repairs to the depot.`,
        `Council papers put the cost of the depot at ${i + 2} million.`,
      ]);
      w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, seededVectors(i + 1, 2, MODEL.dimensions)), MODEL);
    }
  });
  const match = '"tram" OR "depot"';
  const everything = library.keywordSearch(match, 100, shared);
  const chosen = [3, 11, 17, 24].map((i) => library.catalog.chunksOfArticle(SHARED_COLLECTION, `tram-${i}`)[0]?.articleKey ?? 0);
  const within = library.keywordSearchInArticles(match, 100, chosen);
  assert.deepEqual(
    within,
    everything.filter((r) => chosen.includes(library.articleKeyOf(r.chunkId))),
  );
  assert.equal(within.length, 8);
  assert.deepEqual(library.keywordSearchInArticles(match, 3, chosen), within.slice(0, 3));
  assert.deepEqual(library.keywordSearchInArticles(match, 10, []), []);
  library.close();
});

test('keyword search leaves out words that are costly to score in a large archive, and keeps every word of a small one', async () => {
  // One million chunks: "city" and "council" are each in half, "ferry" in 2,000.
  assert.deepEqual(affordableTerms(['city', 'council', 'ferry'], [500_000, 450_000, 2_000], 1_000_000), ['ferry']);
  assert.deepEqual(affordableTerms(['city', 'council', 'monday'], [500_000, 450_000, 300_000], 1_000_000), ['council', 'monday']);
  // 20 % of 10,000 chunks costs little to score: kept.
  assert.deepEqual(affordableTerms(['city', 'ferry'], [9_000, 20], 10_000), ['city', 'ferry']);

  const library = openLibrary();
  await library.write(async (w) => {
    for (let i = 0; i < 10; i++) {
      const text =
        i === 3 ? `The city council met about the harbor ferry, item ${i}.` : `The city council met on Monday about budget item ${i * 37}.`;
      const article = syntheticArticle(`council-${i}`, [text], { published: '2026-03-02' });
      w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, seededVectors(i + 1, 1, MODEL.dimensions)), MODEL);
    }
  });
  const tokens = ['citi', 'ferri', 'zeppelin'];
  assert.deepEqual(library.catalog.tokenCounts(tokens), { chunks: 10, articles: 10, counts: [10, 1, 0] });
  assert.deepEqual(library.catalog.articleTokenCounts(tokens), [10, 1, 0]);
  const retriever = new Retriever(library, null);
  const found = await retriever.search('the city council said on Monday about the ferry', { k: 20, filter: shared, asOf: '2026-03-03' });
  assert.equal(found.passages[0]?.articleId, 'council-3');
  assert.equal(found.passages.length, 10, 'a small archive searches every word');

  // Counts are kept between searches, and read afresh after a write.
  await library.write(async (w) => {
    const article = syntheticArticle('zeppelin', ['A zeppelin flew over the ferry terminal.'], { published: '2026-03-02' });
    w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, seededVectors(99, 1, MODEL.dimensions)), MODEL);
  });
  assert.deepEqual(library.catalog.tokenCounts(tokens), { chunks: 11, articles: 11, counts: [10, 2, 1] });
  assert.deepEqual(library.catalog.articleTokenCounts(tokens), [10, 2, 1]);
  library.close();
});

test('whole-article search leaves out the words BM25 gives no weight there, once they are costly to score', () => {
  const terms = ['city', 'council', 'ferry'];
  // 50,000 articles: "city" is in 30,000 (over half: no weight), "council" in 20,000, "ferry" in 40.
  assert.deepEqual(weightedTerms(terms, terms, [30_000, 20_000, 40], 50_000), ['council', 'ferry']);
  // A query of such words only keeps them: something must be searched.
  assert.deepEqual(weightedTerms(['city'], terms, [30_000, 20_000, 40], 50_000), ['city']);
  // A small archive keeps them: scoring them costs little, and their stories stay candidates.
  assert.deepEqual(weightedTerms(terms, terms, [8, 3, 1], 10), terms);
});
