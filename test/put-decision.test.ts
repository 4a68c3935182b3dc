import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Article } from '../src/articles/article.ts';
import type { ArticleRow } from '../src/store/catalog/article-rows.ts';
import type { SourceRow } from '../src/store/catalog/article-sources.ts';
import { decidePut, type PutFacts, type SameStoryFacts } from '../src/store/catalog/put-decision.ts';
import type { DuplicateMatch } from '../src/store/catalog/same-story.ts';

// The duplicate policy of storing a story, decided from plain facts: no database involved.

const NOW = '2026-03-10T12:00:00.000Z';

function article(extra: Partial<Article> = {}): Article {
  return {
    id: 'harbor',
    title: 'Harbor reopens',
    body: 'The harbor reopened on Monday.',
    tags: [],
    source: '/a/harbor.md',
    contentHash: 'h2',
    ...extra,
  };
}

function row(extra: Partial<ArticleRow> = {}): ArticleRow {
  return {
    key: 7,
    id: 'harbor',
    collection: 'shared',
    title: 'Harbor reopens',
    url: null,
    published: '2026-03-01',
    updated: null,
    byline: null,
    section: null,
    tags: '[]',
    source: '/a/harbor.md',
    content_hash: 'h1',
    chunk_count: 1,
    ingested_at: '2026-03-02T08:00:00.000Z',
    ...extra,
  };
}

function source(extra: Partial<SourceRow> = {}): SourceRow {
  return {
    collection: 'shared',
    sourceId: 'harbor',
    articleId: 'harbor',
    source: '/a/harbor.md',
    contentHash: 'h1',
    version: {
      title: 'Harbor reopens',
      body: null,
      url: null,
      published: '2026-03-01',
      updated: null,
      byline: null,
      section: null,
      tags: [],
    },
    firstSeen: '2026-03-02T08:00:00.000Z',
    lastChanged: '2026-03-02T08:00:00.000Z',
    ...extra,
  };
}

function match(extra: Partial<DuplicateMatch> = {}): DuplicateMatch {
  return { row: row({ id: 'wire-harbor', key: 9 }), sameWords: false, similarity: 0.9, incomingCovers: true, storedCovers: true, ...extra };
}

/** Facts whose lookups count their calls: the decision must look up only what it needs. */
function facts(
  previous: SourceRow | undefined,
  own: ArticleRow | undefined,
  same: SameStoryFacts | null,
  ownBody = 'The harbor was closed.',
) {
  const calls = { own: 0, sameStory: 0 };
  const value: PutFacts = {
    now: NOW,
    previous,
    own: () => (calls.own++, own && { row: own, body: ownBody }),
    sameStory: () => (calls.sameStory++, same),
  };
  return { value, calls };
}

test('the same version again is unchanged, moved when it comes from elsewhere, and nothing else is looked up', () => {
  const f = facts(source({ contentHash: 'h2' }), row(), null);
  assert.deepEqual(decidePut(article(), f.value), { kind: 'unchanged', articleId: 'harbor', moved: false });
  assert.deepEqual(decidePut(article({ source: '/b/harbor.md' }), f.value), { kind: 'unchanged', articleId: 'harbor', moved: true });
  assert.deepEqual(f.calls, { own: 0, sameStory: 0 });
});

test('a changed version of the stored article replaces it where it stands: updated now when its words changed, never matched as a duplicate', () => {
  const f = facts(source(), row(), null);
  const decision = decidePut(article({ published: '2026-03-05' }), f.value);
  assert.deepEqual(decision, {
    kind: 'replace',
    own: row(),
    dates: { published: '2026-03-01', updated: NOW },
    firstSeen: '2026-03-02T08:00:00.000Z',
  });
  assert.equal(f.calls.sameStory, 0);
});

test("a replaced version keeps `updated` when only details changed, and takes the source's own later update date", () => {
  const same = 'The harbor reopened on Monday.';
  const detailsOnly = decidePut(article({ tags: ['ports'] }), facts(undefined, row({ updated: '2026-03-03' }), null, same).value);
  assert.equal(detailsOnly.kind === 'replace' && detailsOnly.dates.updated, '2026-03-03');
  assert.equal(detailsOnly.kind === 'replace' && detailsOnly.firstSeen, '2026-03-02T08:00:00.000Z', 'first seen when first ingested');
  const ownDate = decidePut(article({ updated: '2026-03-04' }), facts(source(), row(), null, same).value);
  assert.equal(ownDate.kind === 'replace' && ownDate.dates.updated, '2026-03-04');
});

test('a new story is added; an alias that no longer matches its story is stored as its own, updated', () => {
  const added = decidePut(article({ published: '2026-03-09', updated: '2026-03-09T10:00:00Z' }), facts(undefined, undefined, null).value);
  assert.deepEqual(added, {
    kind: 'add',
    outcome: 'added',
    dates: { published: '2026-03-09', updated: '2026-03-09T10:00:00Z' },
    firstSeen: NOW,
    dropPrevious: false,
  });
  const alias = source({ articleId: 'wire-harbor' });
  const left = decidePut(article(), facts(alias, undefined, null).value);
  assert.deepEqual(left, {
    kind: 'add',
    outcome: 'updated',
    dates: { published: null, updated: null },
    firstSeen: alias.firstSeen,
    dropPrevious: true,
  });
});

test('the same story stays cited when the incoming version would lose a fact, or is older and adds none', () => {
  const lacking = facts(undefined, undefined, { match: match({ incomingCovers: false }), cited: undefined });
  assert.deepEqual(decidePut(article(), lacking.value), { kind: 'alias', stored: match().row, firstSeen: NOW, dropPrevious: false });
  const older = { match: match(), cited: source({ version: { ...source().version, updated: '2026-03-09' } }) };
  assert.equal(decidePut(article({ published: '2026-03-01' }), facts(undefined, undefined, older).value).kind, 'alias');
});

test('a newer version of the same story is cited from now on, with the first publication date and when it changed', () => {
  const stored = { match: match(), cited: source({ sourceId: 'wire-harbor', articleId: 'wire-harbor' }) };
  const decision = decidePut(article({ published: '2026-03-08' }), facts(undefined, undefined, stored).value);
  assert.deepEqual(decision, {
    kind: 'supersede',
    stored: match().row,
    dates: { published: '2026-03-01', updated: '2026-03-08' },
    firstSeen: NOW,
    keepCitedBody: true,
    dropPrevious: false,
  });
  const sameWords = decidePut(article(), facts(undefined, undefined, { match: match({ sameWords: true }), cited: undefined }).value);
  assert.equal(sameWords.kind === 'supersede' && sameWords.dates.updated, null, 'the same words: not an update');
  assert.equal(sameWords.kind === 'supersede' && sameWords.keepCitedBody, false);
  const undated = decidePut(article(), facts(undefined, undefined, stored).value);
  assert.equal(undated.kind === 'supersede' && undated.dates.updated, NOW, 'an undated newer version changed the story now');
});
