import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import type { App } from '../src/app.ts';
import { renderAnswer } from '../src/cli/render.ts';
import { renderAnswer as renderForDiscord } from '../src/discord/render.ts';
import { summaryLine } from '../src/ingest-report.ts';
import { forgetSource } from '../src/ingest/forget.ts';
import { toFtsQuery } from '../src/retrieval/keyword-query.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { syncArticlesDir } from '../src/sync.ts';
import { estimatedJaccard, fingerprint, jaccard, NEAR_DUPLICATE_THRESHOLD, shingles } from '../src/text/near-duplicate.ts';
import { sameStory, storyFacts, type StoryFacts } from '../src/text/story-facts.ts';
import { ROOT, createTestApp } from './support/app.ts';
import { paragraphChunks, syntheticArticle } from './support/synthetic.ts';
import { councilStory, storyMarkdown } from './support/templated-stories.ts';

/*
 * Updates, corrections and duplicates through the real ingest path (tiny embedding model, real
 * SQLite, FTS5 and HNSW), as an ARTICLES_DIR sync applies them: a file is changed, copied or
 * removed, the folder is synced, and what readers get is checked.
 */

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function articlesDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-live-'));
  dirs.push(dir);
  return dir;
}

const shared = [SHARED_COLLECTION];
const FIXTURES = path.join(ROOT, 'test/fixtures/live');

function story(fields: Record<string, string>, paragraphs: string[]): string {
  const front = Object.entries(fields)
    .map(([k, v]) => `${k}: "${v}"`)
    .join('\n');
  return `---\n${front}\n---\n\n${paragraphs.join('\n\n')}\n`;
}

const FARES_BEFORE = [
  'Ferry fares on the Eastmoor crossing will rise to 4.80 dollars in June, the harbour authority said on Monday.',
  'Authority spokesman Dario Quillon said the increase would pay for a new landing stage at Alder Pier.',
  'Monthly passes will rise by the same proportion, and children under 12 will still travel free.',
];
const FARES_AFTER = [
  'Ferry fares on the Eastmoor crossing will rise to 4.50 dollars in June, the harbour authority said on Monday.',
  'Authority spokesperson Dara Quinlan said the increase would pay for a new landing stage at Alder Pier.',
  'Monthly passes will rise by the same proportion, and children under 12 will still travel free.',
];

/** Chunk ids the article holds now: anything else a search returns is a superseded version. */
function liveChunkIds(app: App, id: string): Set<number> {
  return new Set(app.library.catalog.chunksOfArticle(SHARED_COLLECTION, id).map((c) => c.chunkId));
}

test('a corrected file replaces its text everywhere: the old version is never found or cited; first publication kept, the update recorded and shown', async () => {
  const dir = articlesDir();
  const file = path.join(dir, 'ferry-fares.md');
  fs.writeFileSync(file, story({ title: 'Ferry fares to rise in June', published: '2026-03-02' }, FARES_BEFORE));
  const app = await createTestApp({}, dir);
  try {
    const question = 'How much will ferry fares on the Eastmoor crossing rise to in June?';
    const first = await app.answerer.ask({ question, collections: shared, asOf: '2026-03-10' });
    assert.ok(
      first.citations.some((c) => c.excerpt.includes('4.80 dollars')),
      renderAnswer(first),
    );
    assert.ok(
      first.citations.every((c) => c.updated === null),
      'a story never changed shows no update',
    );
    const oldVector = await (app.embedder ?? assert.fail('the test model loads')).embedQuery(FARES_BEFORE.join(' '));

    // The correction: republished the next day with the right figure and the right name.
    fs.writeFileSync(file, story({ title: 'Ferry fares to rise in June', published: '2026-03-03' }, FARES_AFTER));
    const synced = await syncArticlesDir(app);
    assert.equal(synced?.updated, 1);

    const stored = app.library.catalog.getArticle(SHARED_COLLECTION, 'ferry-fares');
    assert.equal(stored?.published, '2026-03-02', 'the first publication date stays');
    assert.ok(
      stored?.updated && Date.now() - Date.parse(stored.updated) < 600_000,
      `updated is the time of the ingest that changed it: ${stored?.updated}`,
    );

    // Keyword search: the removed name is nowhere; dense search: only the current chunks come back.
    assert.deepEqual(app.library.keywordSearch(toFtsQuery('Quillon') ?? '', 10, { collections: shared }), []);
    const live = liveChunkIds(app, 'ferry-fares');
    for (const hit of app.library.denseSearch(oldVector, 20, { collections: shared })) {
      assert.ok(live.has(hit.id), `dense search returned chunk ${hit.id} of the superseded version`);
    }
    const search = await app.retriever.search('Dario Quillon spokesman fares', {
      k: 10,
      filter: { collections: shared },
      asOf: '2026-03-10',
    });
    assert.ok(search.passages.every((p) => !p.text.includes('Quillon') && !p.text.includes('4.80')));

    const second = await app.answerer.ask({ question, collections: shared, asOf: '2026-03-10' });
    assert.equal(second.kind, 'answer', renderAnswer(second));
    assert.ok(
      second.citations.some((c) => c.excerpt.includes('4.50 dollars')),
      renderAnswer(second),
    );
    for (const c of second.citations) {
      assert.ok(!c.excerpt.includes('4.80') && !c.excerpt.includes('Quillon'), `superseded text cited: ${c.excerpt}`);
      assert.equal(c.published, '2026-03-02');
      assert.equal(c.updated, stored?.updated);
    }
    assert.match(renderAnswer(second), /Ferry fares to rise in June \(2026-03-02 · updated \d{4}-\d{2}-\d{2}\)/);
    const sources = renderForDiscord(second)
      .flatMap((m) => m.embeds)
      .map((e) => e.description ?? '')
      .join('\n');
    assert.match(sources, /Ferry fares to rise in June.* · 2026-03-02 · updated \d{4}-\d{2}-\d{2}/);

    // A version that says when it was updated: that date is recorded.
    fs.writeFileSync(
      file,
      story({ title: 'Ferry fares to rise in June', published: '2026-03-02', updated: '2026-03-05T09:30:00Z' }, [
        ...FARES_AFTER,
        'The authority board approved the new fares on Thursday.',
      ]),
    );
    assert.equal((await syncArticlesDir(app))?.updated, 1);
    const again = app.library.catalog.getArticle(SHARED_COLLECTION, 'ferry-fares');
    assert.equal(again?.updated, '2026-03-05T09:30:00Z');
    assert.equal(again?.published, '2026-03-02');
    assert.equal((await syncArticlesDir(app))?.unchanged, 1, 'the same version again is unchanged');

    // Details changed, not the words (a section added, the updated date left out): stored, but not an update.
    fs.writeFileSync(
      file,
      story({ title: 'Ferry fares to rise in June', published: '2026-03-02', section: 'Transport' }, [
        ...FARES_AFTER,
        'The authority board approved the new fares on Thursday.',
      ]),
    );
    assert.equal((await syncArticlesDir(app))?.updated, 1);
    const details = app.library.catalog.getArticle(SHARED_COLLECTION, 'ferry-fares');
    assert.equal(details?.section, 'Transport');
    assert.equal(details?.updated, '2026-03-05T09:30:00Z', 'readers are not told of an update that changed no words');
  } finally {
    app.close();
  }
});

test('two files with identical text are one article with two sources, cited once; re-reading either is unchanged; removing one keeps the story', async () => {
  const dir = articlesDir();
  const text = story({ title: 'Harbour notice: night crossings suspended' }, [
    'Night crossings between Alder Harbour and Eastmoor are suspended from Friday while the landing stage at Alder Pier is rebuilt.',
    'The last sailing each evening will leave Eastmoor at 8.15 p.m. until the work ends in late September.',
  ]);
  fs.writeFileSync(path.join(dir, 'harbour-notice.md'), text);
  fs.writeFileSync(
    path.join(dir, 'night-crossings-suspended.md'),
    text.replace('Harbour notice: night crossings suspended', 'Night crossings suspended'),
  );
  const app = await createTestApp({}, dir);
  try {
    const articles = app.library.catalog.listArticles(shared);
    assert.equal(articles.length, 1, articles.map((a) => a.articleId).join(', '));
    const [article] = articles;
    assert.deepEqual(article?.sources.map((s) => s.id).sort(), ['harbour-notice', 'night-crossings-suspended']);
    assert.ok(article?.sources.every((s) => path.dirname(s.source) === dir));
    // Both ids resolve to the one stored story.
    assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, 'harbour-notice')?.articleId, article?.articleId);
    assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, 'night-crossings-suspended')?.articleId, article?.articleId);

    const answer = await app.answerer.ask({ question: 'When does the last sailing leave Eastmoor?', collections: shared });
    assert.equal(answer.kind, 'answer', renderAnswer(answer));
    assert.equal(new Set(answer.citations.map((c) => c.excerpt)).size, answer.citations.length, 'the same sentence cited twice');
    assert.equal(new Set(answer.citations.map((c) => c.articleId)).size, 1);

    const resync = await syncArticlesDir(app);
    assert.deepEqual(
      { unchanged: resync?.unchanged, added: resync?.added, duplicates: resync?.duplicates },
      { unchanged: 2, added: 0, duplicates: 0 },
    );

    // The cited copy's file goes: the story stays, from the other source, under its id.
    const cited = article?.articleId ?? '';
    fs.rmSync(path.join(dir, `${cited}.md`));
    const pruned = await syncArticlesDir(app);
    assert.equal(pruned?.removed, 1);
    const left = app.library.catalog.listArticles(shared);
    assert.equal(left.length, 1);
    assert.equal(left[0]?.sources.length, 1);
    assert.notEqual(left[0]?.articleId, cited);
    const stillAnswered = await app.answerer.ask({ question: 'When does the last sailing leave Eastmoor?', collections: shared });
    assert.equal(stillAnswered.kind, 'answer');
    assert.ok(stillAnswered.citations.every((c) => c.articleId === left[0]?.articleId));

    // The last source goes: the story is retracted.
    fs.rmSync(path.join(dir, `${left[0]?.articleId}.md`));
    assert.equal((await syncArticlesDir(app))?.removed, 1);
    assert.deepEqual(app.library.catalog.listArticles(shared), []);
  } finally {
    app.close();
  }
});

test('a lightly edited wire copy with a new headline is merged and the newer version is cited; the old id resolves; stories on the same subject stay apart', async () => {
  const dir = articlesDir();
  fs.copyFileSync(path.join(FIXTURES, 'ferry-wire.md'), path.join(dir, 'ferry-wire.md'));
  for (const name of ['kestrel-bridge-closure-announced.md', 'kestrel-bridge-reopens.md', 'kestrel-bridge-repair-costs-rise.md']) {
    fs.copyFileSync(path.join(ROOT, 'articles', name), path.join(dir, name));
  }
  const app = await createTestApp({}, dir);
  try {
    assert.equal(app.library.catalog.listArticles(shared).length, 4, 'three stories on the Kestrel Street Bridge are three articles');

    fs.copyFileSync(path.join(FIXTURES, 'ferry-wire-republished.md'), path.join(dir, 'ferry-wire-republished.md'));
    const synced = await syncArticlesDir(app);
    assert.equal(synced?.duplicates, 1);
    assert.match(
      summaryLine(synced ?? assert.fail()),
      /^added 0 · updated 0 · unchanged 4 · removed 0 · failed 0 · 1 duplicate · \d+ chunks/,
    );
    assert.deepEqual(
      synced?.merged.map((m) => [m.id, m.article]),
      [['ferry-wire-republished', 'ferry-wire-republished']],
    );
    assert.equal(synced?.added, 0);

    const articles = app.library.catalog.listArticles(shared);
    assert.equal(articles.length, 4);
    const ferry = app.library.catalog.getArticle(SHARED_COLLECTION, 'ferry-wire');
    assert.equal(ferry?.articleId, 'ferry-wire-republished', 'the old id is an alias of the newer version');
    assert.equal(ferry?.title, 'Eastmoor crossing to go electric as ferry firm buys two new ships');
    assert.equal(ferry?.published, '2026-05-04T08:00:00Z', 'first published when the wire story was');
    assert.equal(ferry?.updated, '2026-05-04T14:30:00Z', 'updated when the newer version was published');
    assert.deepEqual(
      ferry?.sources.map((s) => s.id),
      ['ferry-wire', 'ferry-wire-republished'],
    );

    // The newer text is what is cited: its added sentence is found, the trimmed one is not.
    const answer = await app.answerer.ask({
      question: 'Will ferry fares change on the Eastmoor crossing?',
      collections: shared,
      asOf: '2026-05-05',
    });
    assert.ok(answer.citations.every((c) => c.articleId === 'ferry-wire-republished' || !c.articleId.startsWith('ferry')));
    assert.deepEqual(app.library.keywordSearch(toFtsQuery('retrained') ?? '', 5, { collections: shared }), []);

    // Summarize by the old id still works.
    const summary = await app.answerer.summarize({ article: 'ferry-wire', length: 'brief', collections: shared, asOf: '2026-05-05' });
    assert.equal(summary.article?.articleId, 'ferry-wire-republished');

    // Reading both again: unchanged.
    const again = await syncArticlesDir(app);
    assert.deepEqual(
      { unchanged: again?.unchanged, duplicates: again?.duplicates, updated: again?.updated },
      { unchanged: 5, duplicates: 0, updated: 0 },
    );

    // forget <old id> removes that source only; the story stays.
    const forgotten = await forgetSource(
      { library: app.library, embedder: app.embedder, chunking: app.config.chunking },
      SHARED_COLLECTION,
      'ferry-wire',
    );
    assert.equal(forgotten?.outcome, 'alias');
    assert.equal(forgotten?.after?.articleId, 'ferry-wire-republished');
    assert.deepEqual(
      forgotten?.after?.sources.map((s) => s.id),
      ['ferry-wire-republished'],
    );
    assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, 'ferry-wire'), undefined);
  } finally {
    app.close();
  }
});

test('an older copy arriving after the newer one is recorded as a source without replacing the cited text', async () => {
  const dir = articlesDir();
  fs.copyFileSync(path.join(FIXTURES, 'ferry-wire-republished.md'), path.join(dir, 'ferry-wire-republished.md'));
  const app = await createTestApp({}, dir);
  try {
    fs.copyFileSync(path.join(FIXTURES, 'ferry-wire.md'), path.join(dir, 'ferry-wire.md'));
    const synced = await syncArticlesDir(app);
    assert.equal(synced?.duplicates, 1);
    assert.equal(synced?.chunks, 0, 'nothing re-embedded');
    const ferry = app.library.catalog.getArticle(SHARED_COLLECTION, 'ferry-wire');
    assert.equal(ferry?.articleId, 'ferry-wire-republished');
    assert.equal(ferry?.published, '2026-05-04T14:30:00Z');
    assert.deepEqual(ferry?.sources.map((s) => s.id).sort(), ['ferry-wire', 'ferry-wire-republished']);

    // The cited (newer) copy is removed: the older version is cited in its place, under its own id.
    fs.rmSync(path.join(dir, 'ferry-wire-republished.md'));
    assert.equal((await syncArticlesDir(app))?.removed, 1);
    const left = app.library.catalog.getArticle(SHARED_COLLECTION, 'ferry-wire');
    assert.equal(left?.articleId, 'ferry-wire');
    assert.equal(left?.title, 'Harbour ferry operator orders two battery-electric vessels');
    assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, 'ferry-wire-republished'), undefined);
    assert.equal(app.library.keywordSearch(toFtsQuery('retrained') ?? '', 5, { collections: shared }).length > 0, true);
    assert.deepEqual(
      app.library.keywordSearch(toFtsQuery('Gazette') ?? '', 5, { collections: shared }),
      [],
      'the removed copy is not citable',
    );
  } finally {
    app.close();
  }
});

test('a library stored before sources and fingerprints existed reads as it is read-only, and is migrated when opened to write', async () => {
  const dataDir = articlesDir();
  const hnsw = { m: 16, efConstruction: 100, efSearch: 50 };
  const put = (library: Library, id: string, paragraphs: string[]) =>
    library.write(async (w) => {
      const article = syntheticArticle(id, paragraphs, { published: '2026-01-05' });
      return w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, []), null);
    });
  const storm = [
    'Gales closed the Eastmoor crossing for most of Sunday.',
    'Sailings resumed at 6 p.m. once the wind dropped below 40 knots.',
  ];
  const first = Library.open({ dataDir, hnsw });
  await put(first, 'storm-closes-crossing', storm);
  await put(first, 'quay-lights', ['New lights were fitted along the Eastmoor quay on Wednesday.']);
  first.close();
  // What an earlier version left: no sources, no fingerprints, no `updated` column.
  const db = new Database(path.join(dataDir, 'library.sqlite'));
  db.exec(
    "DROP TABLE article_sources; DROP TABLE article_fingerprints; DROP TABLE article_bands; ALTER TABLE articles DROP COLUMN updated; DELETE FROM meta WHERE key IN ('fingerprints', 'sources_backfilled')",
  );
  db.close();

  const readOnly = Library.open({ dataDir, hnsw, readOnly: true });
  const listed = readOnly.catalog.listArticles([SHARED_COLLECTION]);
  assert.deepEqual(
    listed.map((a) => [a.articleId, a.updated, a.sources.map((s) => s.id)]),
    [
      ['quay-lights', null, ['quay-lights']],
      ['storm-closes-crossing', null, ['storm-closes-crossing']],
    ],
  );
  const hits = readOnly.keywordSearch(toFtsQuery('gales') ?? '', 5, { collections: shared });
  assert.equal(readOnly.catalog.chunkRecords(hits.map((h) => h.chunkId))[0]?.updated, null);
  readOnly.close();

  const writable = Library.open({ dataDir, hnsw });
  assert.deepEqual(
    writable.catalog.getArticle(SHARED_COLLECTION, 'storm-closes-crossing')?.sources.map((s) => s.id),
    ['storm-closes-crossing'],
  );
  // The same text under a new id, in the first write after the upgrade: found against the old article.
  assert.equal(await put(writable, 'crossing-closed-by-gales', storm), 'duplicate');
  assert.equal(writable.catalog.listArticles([SHARED_COLLECTION]).length, 2);
  assert.equal(writable.catalog.getArticle(SHARED_COLLECTION, 'storm-closes-crossing')?.articleId, 'crossing-closed-by-gales');
  writable.close();
});

test('the detector: identical words match whatever the punctuation and spacing; an edited copy clears the threshold, another story on the subject does not', () => {
  const wire = fs.readFileSync(path.join(FIXTURES, 'ferry-wire.md'), 'utf8').split('---')[2] ?? '';
  const copy = fs.readFileSync(path.join(FIXTURES, 'ferry-wire-republished.md'), 'utf8').split('---')[2] ?? '';
  assert.equal(fingerprint(wire).textHash, fingerprint(wire.replace(/,/g, ' ,').replace(/\n\n/g, '\n\n\n').toUpperCase()).textHash);
  assert.notEqual(fingerprint(wire).textHash, fingerprint(copy).textHash);
  const similarity = jaccard(shingles(wire), shingles(copy));
  assert.ok(similarity >= NEAR_DUPLICATE_THRESHOLD, `edited copy scored ${similarity}`);
  // The signature estimates the exact similarity (90 values: within about ±0.15).
  assert.ok(Math.abs(estimatedJaccard(fingerprint(wire).minhash, fingerprint(copy).minhash) - similarity) < 0.15);
  const [closure, reopens] = ['kestrel-bridge-closure-announced.md', 'kestrel-bridge-reopens.md'].map(
    (name) => fs.readFileSync(path.join(ROOT, 'articles', name), 'utf8').split('---')[2] ?? '',
  );
  assert.ok(jaccard(shingles(closure ?? ''), shingles(reopens ?? '')) < 0.1);
});

test('forty templated council stories sharing boilerplate stay forty articles, in one batch or several: each code word finds its own story', async () => {
  const dir = articlesDir();
  const write = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const s = councilStory(i);
      fs.writeFileSync(path.join(dir, `${s.id}.md`), storyMarkdown(s));
    }
  };
  write(0, 40);
  const app = await createTestApp({}, dir);
  try {
    assert.equal(app.library.catalog.listArticles(shared).length, 40);
    write(40, 61);
    const second = await syncArticlesDir(app);
    assert.deepEqual(
      [second?.added, second?.duplicates],
      [21, 0],
      'a later batch is compared with the stored stories, and none is the same',
    );
    for (let i = 0; i < 61; i++) {
      const s = councilStory(i);
      const hits = app.library.keywordSearch(toFtsQuery(s.code) ?? '', 10, { collections: shared });
      const found = new Set(app.library.catalog.chunkRecords(hits.map((h) => h.chunkId)).map((c) => c.articleId));
      assert.deepEqual([...found], [s.id], `${s.code} finds its own story`);
    }
    const answer = await app.answerer.ask({
      question: `How much did the council approve under reference ${councilStory(17).code}?`,
      collections: shared,
    });
    assert.ok(
      answer.citations.some((c) => c.excerpt.includes(councilStory(17).amount)),
      renderAnswer(answer),
    );
  } finally {
    app.close();
  }
});

test('the same story is what a copy keeps: a new headline and a trimmed ending merge; another amount, date or name, or a dropped figure, do not lose a story', async () => {
  const library = Library.open({ dataDir: articlesDir(), hnsw: { m: 16, efConstruction: 100, efSearch: 50 } });
  const put = (id: string, paragraphs: string[], extra: Parameters<typeof syntheticArticle>[2] = {}) =>
    library.write(async (w) => {
      const article = syntheticArticle(id, paragraphs, extra);
      return w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, []), null);
    });
  try {
    const original = councilStory(3);
    const paragraphs = original.body.split('\n\n');
    assert.equal(await put(original.id, paragraphs, { title: original.title, published: '2026-03-02' }), 'added');
    // A wire copy: another headline, the last paragraph trimmed, published later: the same story, the newer cited.
    assert.equal(
      await put('copy', paragraphs.slice(0, -1), { title: 'Harbour council money for project', published: '2026-03-03' }),
      'duplicate',
    );
    assert.deepEqual(
      library.catalog
        .getArticle(SHARED_COLLECTION, original.id)
        ?.sources.map((s) => s.id)
        .sort(),
      ['copy', original.id].sort(),
    );
    // …but the trimmed paragraph held names and figures the copy lacks: the fuller version stays cited, so they are still found.
    assert.equal(library.catalog.getArticle(SHARED_COLLECTION, 'copy')?.articleId, original.id);
    assert.equal(library.keywordSearch(toFtsQuery('Wexcombe bicycle') ?? '', 5, { collections: shared }).length, 1);

    // The template filled in again: one fact changed is another story.
    const lede = paragraphs[0] ?? '';
    const variants: [string, string][] = [
      ['another-amount', lede.replace(original.amount, '7.5 million dollars')],
      ['another-date', lede.replace(original.date, 'September 30')],
      ['another-ward', lede.replace(/ in \w+ on /, ' in Kingsbridge on ')],
    ];
    for (const [id, changed] of variants) {
      assert.notEqual(changed, lede);
      assert.equal(await put(id, [changed, ...paragraphs.slice(1)], { title: original.title, published: '2026-03-04' }), 'added', id);
    }
    assert.equal(library.catalog.listArticles(shared).length, 4);
    assert.ok(library.keywordSearch(toFtsQuery('Kingsbridge') ?? '', 5, { collections: shared }).length > 0);
  } finally {
    library.close();
  }
});

test('story facts: figures, dates and names inside sentences; a wire dateline is not part of the story', () => {
  const facts = storyFacts(
    'Any headline',
    'LONDON (Wire) — The Alder Harbour council met on Tuesday. It approved 1,200 places, said Ines Okafor.\n\n“We are pleased,” she said in March.',
  );
  assert.deepEqual([...facts.facts.keys()].sort(), ['1200', 'alder', 'harbour', 'ines', 'march', 'okafor', 'tuesday']);
  const wire = storyFacts(
    'Harbour ferry operator orders two battery-electric vessels',
    fs.readFileSync(path.join(FIXTURES, 'ferry-wire.md'), 'utf8').split('---')[2] ?? '',
  );
  const copy = storyFacts(
    'Eastmoor crossing to go electric as ferry firm buys two new ships',
    fs.readFileSync(path.join(FIXTURES, 'ferry-wire-republished.md'), 'utf8').split('---')[2] ?? '',
  );
  assert.deepEqual(sameStory(copy, wire), { same: true, aCoversB: true, bCoversA: false }, 'the republication adds a name and drops none');
  const [a, b] = [councilStory(1), councilStory(2)].map((s) => storyFacts(s.title, s.body));
  assert.equal(sameStory(a as StoryFacts, b as StoryFacts).same, false);
  assert.ok(
    jaccard(shingles(councilStory(1).body), shingles(councilStory(2).body)) >= NEAR_DUPLICATE_THRESHOLD,
    'the wording alone would have merged them',
  );
});

test('a library that merged templated stories on shared wording alone gets them back apart at the next read of their sources', async () => {
  const dir = articlesDir();
  const [kept, lost] = [councilStory(5), councilStory(6)];
  for (const s of [kept, lost]) fs.writeFileSync(path.join(dir, `${s.id}.md`), storyMarkdown(s));
  const app = await createTestApp({}, dir);
  try {
    // What the earlier rule left: `lost` an alias of `kept`, its text kept with its source only.
    const db = new Database(path.join(app.dataDir, 'library.sqlite'));
    db.prepare("UPDATE article_sources SET article_id = ?, version = json_set(version, '$.body', ?) WHERE source_id = ?").run(
      kept.id,
      lost.body,
      lost.id,
    );
    db.close();
    await app.library.write(async (w) => w.removeArticle(SHARED_COLLECTION, lost.id));
    const again = new Database(path.join(app.dataDir, 'library.sqlite'));
    again.exec("DELETE FROM meta WHERE key = 'merges_checked'");
    again.close();
    const search = (code: string) => app.library.keywordSearch(toFtsQuery(code) ?? '', 5, { collections: shared }).length;
    assert.equal(search(lost.code), 0, 'the merged story is not searchable');
    assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, lost.id)?.articleId, kept.id);

    const synced = await syncArticlesDir(app);
    assert.deepEqual([synced?.updated, synced?.unchanged, synced?.duplicates], [1, 1, 0]);
    assert.ok(search(lost.code) > 0);
    assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, lost.id)?.articleId, lost.id);
    assert.deepEqual(
      app.library.catalog.getArticle(SHARED_COLLECTION, kept.id)?.sources.map((s) => s.id),
      [kept.id],
    );
  } finally {
    app.close();
  }
});

test('removing the cited version hands the story to a remaining version that holds the others’ facts, not merely the newest', async () => {
  const library = Library.open({ dataDir: articlesDir(), hnsw: { m: 16, efConstruction: 100, efSearch: 50 } });
  const put = (id: string, paragraphs: string[], published: string) =>
    library.write(async (w) => {
      const article = syntheticArticle(id, paragraphs, { title: 'Ferry levy set', published });
      return w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, []), null);
    });
  try {
    const full = [
      'The harbour board set the ferry levy at 2.40 dollars a crossing on Monday.',
      'Board chair Mira Castell said the money would pay for a new landing stage at Alder Pier.',
      'The levy starts on June 1 and will be reviewed after 12 months by the Eastmoor council.',
    ];
    assert.equal(await put('wire', full, '2026-03-02T08:00:00Z'), 'added');
    // A newer copy with the last paragraph cut: merged, the fuller wire story stays cited.
    assert.equal(await put('trimmed', full.slice(0, 2), '2026-03-02T12:00:00Z'), 'duplicate');
    // A copy with a paragraph of its own: it holds every fact of the others, so it is cited.
    assert.equal(await put('local', [...full, 'The Gazette asked passengers what they thought.'], '2026-03-02T10:00:00Z'), 'duplicate');
    assert.equal(library.catalog.getArticle(SHARED_COLLECTION, 'wire')?.articleId, 'local');

    // The cited copy goes: the wire story (all the facts left) takes its place, not the newer trimmed one.
    await library.write(async (w) => {
      const plan = w.planSourceRemoval(SHARED_COLLECTION, 'local');
      assert.equal(plan.kind, 'promote');
      if (plan.kind === 'promote') w.promoteSource(SHARED_COLLECTION, 'local', plan.next, paragraphChunks(plan.next, []), null);
    });
    assert.equal(library.catalog.getArticle(SHARED_COLLECTION, 'trimmed')?.articleId, 'wire');
    assert.ok(
      library.keywordSearch(toFtsQuery('Eastmoor council') ?? '', 5, { collections: shared }).length > 0,
      'the trimmed paragraph is still found',
    );
  } finally {
    library.close();
  }
});
