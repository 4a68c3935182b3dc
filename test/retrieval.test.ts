import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadPaths } from '../src/articles/load.ts';
import type { Article } from '../src/articles/article.ts';
import { UserError } from '../src/errors.ts';
import { ingest } from '../src/ingest.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { chunkText } from '../src/text/chunker.ts';
import { createTestApp, ROOT } from './support/app.ts';

let app: Awaited<ReturnType<typeof createTestApp>>;
const shared = { collections: [SHARED_COLLECTION] };

before(async () => {
  app = await createTestApp();
});
after(() => app.close());

async function sampleArticles(): Promise<Article[]> {
  const articles: Article[] = [];
  for await (const item of loadPaths([path.join(ROOT, 'articles')])) {
    assert.ok(item.ok, item.ok ? '' : item.error);
    articles.push(item.article);
  }
  return articles;
}

test('every chunk of every sample article is an exact span of its body', async () => {
  const articles = await sampleArticles();
  assert.ok(articles.length >= 8);
  assert.ok(
    articles.some((a) => a.body.split(/\s+/).length >= 5000),
    'one long article of 5,000+ words',
  );
  const embedder = app.embedder;
  assert.ok(embedder);
  for (const article of articles) {
    const chunks = chunkText(article.body, { targetTokens: 120, overlapTokens: 20, countTokens: (s) => embedder.countTokens(s) });
    assert.ok(chunks.length > 0);
    for (const c of chunks) assert.equal(article.body.slice(c.start, c.end), c.text);
    // And what the library stored keeps the same invariant.
    const body = app.library.catalog.getBody(SHARED_COLLECTION, article.id) ?? '';
    for (const c of app.library.catalog.chunksOfArticle(SHARED_COLLECTION, article.id)) assert.equal(body.slice(c.start, c.end), c.text);
  }
});

test('the question set answers are sentences of their articles', async () => {
  const set = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/questions.json'), 'utf8')) as {
    answerable: { id: string; articleId: string; answer: string }[];
    unanswerable: { id: string }[];
  };
  assert.ok(set.answerable.length >= 30);
  assert.ok(set.unanswerable.length >= 10);
  for (const q of set.answerable) {
    const body = app.library.catalog.getBody(SHARED_COLLECTION, q.articleId);
    assert.ok(body, `${q.id}: no article ${q.articleId}`);
    assert.ok(body.includes(q.answer), `${q.id}: answer not in ${q.articleId}`);
  }
});

test('hybrid search finds the story and returns metadata, offsets and scores', async () => {
  const result = await app.retriever.search('Kestrel Street Bridge reopening', { k: 5, filter: shared });
  assert.equal(result.mode, 'hybrid');
  assert.ok(result.passages.length > 0);
  // The tiny test model checks plumbing, not meaning: ask only that the story is among the first.
  const top = result.passages.slice(0, 3).find((p) => /Kestrel Street Bridge/.test(p.title));
  assert.ok(top, result.passages.map((p) => p.title).join(' | '));
  assert.ok(top.published && top.url && top.byline);
  assert.equal(app.library.catalog.getBody(top.collection, top.articleId)?.slice(top.start, top.end), top.text);
  assert.ok(result.passages.every((p, i, all) => i === 0 || (all[i - 1]?.score ?? 0) >= p.score));
  const perArticle = new Map<string, number>();
  for (const p of (await app.retriever.search('bridge', { k: 20, filter: shared, perArticle: 2 })).passages) {
    perArticle.set(p.articleId, (perArticle.get(p.articleId) ?? 0) + 1);
  }
  assert.ok(
    [...perArticle.values()].every((n) => n <= 2),
    'at most 2 passages per article',
  );
});

test('filters: collections it is not given, articles and dates', async () => {
  assert.deepEqual((await app.retriever.search('bridge', { k: 5, filter: { collections: ['some-other-server'] } })).passages, []);
  const only = await app.retriever.search('bridge', { k: 10, filter: { ...shared, articleIds: ['kestrel-bridge-reopens'] } });
  assert.ok(only.passages.length > 0 && only.passages.every((p) => p.articleId === 'kestrel-bridge-reopens'));
  const dated = await app.retriever.search('bridge', {
    k: 10,
    filter: { ...shared, publishedFrom: '2026-01-01', publishedTo: '2026-12-31' },
  });
  assert.ok(dated.passages.length > 0 && dated.passages.every((p) => (p.published ?? '') >= '2026-01-01'));
});

test('bad queries: empty is refused; long, punctuation-only, non-Latin and FTS5 syntax are safe', async () => {
  await assert.rejects(app.retriever.search('   ', { k: 5, filter: shared }), UserError);
  const queries = [
    'x'.repeat(10_000),
    'bridge '.repeat(1500),
    '?!…—',
    'جسر الميناء',
    '港の橋はいつ開通しますか',
    'мост',
    '"',
    '*',
    'NEAR(',
    'OR',
    'bridge" OR "x',
    'a AND NOT b',
    '^bridge',
  ];
  for (const q of queries) {
    const result = await app.retriever.search(q, { k: 5, filter: shared });
    assert.ok(Array.isArray(result.passages), q.slice(0, 20));
  }
  assert.equal(app.library.catalog.listArticles().length, 10, 'nothing stored changed');
});

test('without the embedding model, search is keyword-only and says so every time', async () => {
  const keywordOnly = await createTestApp({ EMBEDDING_MODEL: 'Xenova/all-MiniLM-L6-v2' });
  try {
    assert.equal(keywordOnly.embedder, null);
    assert.match(keywordOnly.embedderProblem ?? '', /MODELS_DIR/);
    const result = await keywordOnly.retriever.search('Kestrel Street Bridge', { k: 3, filter: shared });
    assert.equal(result.mode, 'keyword');
    assert.ok(result.passages.length > 0);
    assert.match(result.warnings.join(' '), /keyword search only/);
    await assert.rejects(keywordOnly.retriever.search('?!', { k: 3, filter: shared }), UserError);
    // Stored while the model was missing: pending embeddings, embedded once the model is back.
    assert.ok(keywordOnly.library.catalog.pendingCount() > 0);
  } finally {
    keywordOnly.close();
  }
});

test('re-ingest: unchanged skipped, changed replaced, prune removes what is gone and nothing else', async () => {
  const dir = fs.mkdtempSync(path.join(ROOT, '.tmp-ingest-'));
  try {
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
    write('one.md', '---\ntitle: Ferry one\n---\n\nThe first ferry story.\n');
    write('two.md', '---\ntitle: Ferry two\n---\n\nThe second ferry story.\n');
    const run = (prune: boolean) =>
      ingest({ library: app.library, embedder: app.embedder }, loadPaths([dir]), {
        collection: 'desk',
        chunking: app.config.chunking,
        ...(prune ? { prune: { roots: [dir] } } : {}),
      });
    assert.deepEqual(pick(await run(false)), { added: 2, updated: 0, unchanged: 0, removed: 0, failed: 0 });
    write('two.md', '---\ntitle: Ferry two\n---\n\nThe second ferry story, corrected.\n');
    write('bad.json', '{ not json');
    assert.deepEqual(pick(await run(false)), { added: 0, updated: 1, unchanged: 1, removed: 0, failed: 1 });
    fs.rmSync(path.join(dir, 'one.md'));
    assert.deepEqual(pick(await run(true)), { added: 0, updated: 0, unchanged: 1, removed: 1, failed: 1 });
    assert.deepEqual(
      app.library.catalog.listArticles(['desk']).map((a) => a.articleId),
      ['two'],
    );
    assert.equal(app.library.catalog.listArticles([SHARED_COLLECTION]).length, 10, 'other collections untouched');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function pick(s: { added: number; updated: number; unchanged: number; removed: number; failed: number }) {
  return { added: s.added, updated: s.updated, unchanged: s.unchanged, removed: s.removed, failed: s.failed };
}
