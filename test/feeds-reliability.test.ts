import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { resultLine } from '../src/cli/feeds.ts';
import { PassBudget, PROBE_TIMEOUT_MS } from '../src/feeds/budget.ts';
import { runFeedSync, type RunFeedSyncOptions } from '../src/feeds/run-sync.ts';
import { followFeed } from '../src/feeds/subscriptions.ts';
import type { FeedSyncReport, FeedSyncResult } from '../src/feeds/sync.ts';
import { feedText } from '../src/messages/feeds.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { neverAnswers, startNewsroomSite, type NewsroomSite, type Story } from './fakes/newsroom-site.ts';
import { createTestApp } from './support/app.ts';

/*
 * Feeds on a bad day: story pages that never answer or answer slowly (time budgets), a clock that
 * ran ahead once (stored times read against now), and item links that are no web address.
 */

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

async function setUp(t: TestContext): Promise<{ app: TestApp; site: NewsroomSite }> {
  const noArticles = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-feeds-none-'));
  const site = await startNewsroomSite();
  const app = await createTestApp({ FETCH_ALLOWED_HOSTS: '127.0.0.1' }, noArticles);
  t.after(async () => {
    app.close();
    await site.close();
    fs.rmSync(noArticles, { recursive: true, force: true });
  });
  return { app, site };
}

function story(slug: string, title: string, paragraphs: string[], extra: Partial<Story> = {}): Story {
  return { slug, title, author: 'Ann Reporter', paragraphs, ...extra };
}

async function sync(app: TestApp, options: RunFeedSyncOptions = {}): Promise<FeedSyncReport> {
  const run = await runFeedSync(app, options);
  assert.ok(run.ran, 'no other sync holds the lock');
  return run.report;
}

function only(report: FeedSyncReport): FeedSyncResult {
  assert.equal(report.feeds.length, 1);
  return report.feeds[0] as FeedSyncResult;
}

const pageRequests = (site: NewsroomSite) => site.takeRequests().filter((r) => r.path.startsWith('/stories/'));

// ---------------------------------------------------------------- time budgets (issue 15, item 10)

test('ten story pages that never answer: each is a failed story, the sync is not called a success, a page that answers still comes in, and the next sync retries them', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('fine', 'A page that answers', ['The ferry timetable is unchanged this week.']));
  for (let i = 0; i < 10; i++) site.publish(story(`stuck-${i}`, `Stuck story ${i}`, [`Story ${i} never loads.`], { pageHangs: true }));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  site.takeRequests();

  const report = await sync(app, { timeoutMs: 400 });
  const feed = only(report);
  assert.deepEqual([feed.status, feed.added, feed.failed], ['synced', 1, 10]);
  assert.deepEqual(
    [report.synced, report.partial, report.failedItems, report.failed],
    [0, 1, 10, 0],
    'a feed whose stories failed is not counted as synced',
  );
  assert.equal(pageRequests(site).length, 11, 'the page listed after the stuck ones was asked too');
  assert.equal(
    feed.itemFailures.filter((f) => / was not read|did not answer within 0\.4 seconds; skipped until it can be read$/.test(f)).length,
    10,
    feed.itemFailures.join('\n'),
  );
  assert.match(resultLine(feed), /^! “The Harbour Gazette” \(.*\): added 1 · updated 0 · unchanged 0 · failed 10 · /);
  assert.match(feedText.summaryPartly(report), /^feeds: 0 synced · 1 synced with 10 stories failed · 0 failed · /);

  // The pages answer again: the next sync reads the whole feed (its validators were not kept) and stores them.
  for (let i = 0; i < 10; i++) site.correct(`stuck-${i}`, { pageHangs: false });
  site.takeRequests();
  const next = only(await sync(app, { timeoutMs: 400 }));
  assert.deepEqual([next.added, next.failed], [10, 0]);
  assert.equal(site.requests.find((r) => r.path === '/rss.xml')?.status, 200, 'the feed was read whole, not answered 304');
});

test('a host that leaves two story pages unanswered in a row (or its first) gets a short wait for its other pages, until one answers again', () => {
  const budget = new PassBudget({ passMs: 60_000, pageMs: 60_000, shutdown: undefined });
  const url = 'http://cms.harbour.example/stories/a';
  const timedOut = { ok: false, kind: 'timeout', message: 'did not answer' } as const;
  const answered = { ok: true, status: 200, url, headers: new Headers(), body: Buffer.alloc(0) } as const;
  assert.equal(budget.timeoutFor(url, 15_000), 15_000);
  budget.answered(url, timedOut, null);
  assert.equal(budget.timeoutFor(url, 15_000), PROBE_TIMEOUT_MS, 'its first page did not answer, and none has yet');
  assert.equal(budget.timeoutFor('http://other.example/stories/b', 15_000), 15_000, 'another host is not affected');
  budget.answered(url, answered, null);
  assert.equal(budget.timeoutFor(url, 15_000), 15_000, 'it answers again');
  budget.answered(url, timedOut, null);
  assert.equal(budget.timeoutFor(url, 15_000), 15_000, 'one page of a host that answers may be slow');
  budget.answered(url, timedOut, null);
  assert.equal(budget.timeoutFor(url, 15_000), PROBE_TIMEOUT_MS, 'two in a row');
});

test('slow story pages: the feed’s page budget ends the wait, the pages not read are failed stories, and the next sync picks them up', async (t) => {
  const { app, site } = await setUp(t);
  for (let i = 0; i < 12; i++) site.publish(story(`slow-${i}`, `Slow story ${i}`, [`Story ${i} loads slowly.`]));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  site.pageDelayMs = 300;

  const first = only(await sync(app, { pageBudgetMs: 500 }));
  assert.equal(first.added + first.failed, 12);
  assert.ok(first.failed > 0, 'twelve pages at 300 ms, two at a time, do not fit in half a second');
  assert.ok(
    first.itemFailures.every((f) =>
      /was not read: this feed’s story pages had 0\.5 seconds in this sync, and the time ran out; skipped until it can be read$/.test(f),
    ),
    first.itemFailures.join('\n'),
  );

  site.pageDelayMs = 0;
  const second = only(await sync(app));
  assert.deepEqual([second.added, second.unchanged, second.failed], [first.failed, first.added, 0]);
  assert.equal(app.library.catalog.listArticles().length, 12);
});

test('a pass that runs out of time reports the feed it did not finish and records no failure against it', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('bridge', 'Bridge reopens', ['The Kestrel bridge reopened on Monday.']));
  site.route('/silent.xml', neverAnswers);
  const silent = await app.library.write(async (w) =>
    w.feeds.add({ url: site.url('/silent.xml'), collection: SHARED_COLLECTION, title: null, addedAt: new Date().toISOString() }),
  );

  const feed = only(await sync(app, { passBudgetMs: 300, timeoutMs: 10_000 }));
  assert.equal(feed.status, 'failed');
  assert.equal(feed.error, 'not synced: the sync’s 0.3 seconds ran out before this feed’s turn; it goes first at the next sync');
  const record = app.library.catalog.feeds.get(silent.id);
  assert.deepEqual([record?.consecutiveFailures, record?.lastError, record?.nextAttemptAt], [0, null, null], 'not the feed’s failure');
});

// ---------------------------------------------------------------- a clock that was wrong (issue 15, item 12)

test('a failure recorded while the clock ran a year ahead waits only the backoff it was given, from now', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('bridge', 'Bridge reopens', ['The Kestrel bridge reopened on Monday.']));
  const { feed } = await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  const now = Date.parse('2026-12-07T10:00:00Z');
  const skewed = now + 365 * 86_400_000;
  await app.library.write(async (w) =>
    w.feeds.recordFailure(feed.id, {
      at: new Date(skewed).toISOString(),
      message: 'http://… answered 503',
      consecutiveFailures: 9,
      nextAttemptAt: new Date(skewed + 6 * 3600_000).toISOString(),
    }),
  );

  const waiting = only(await sync(app, { now: () => new Date(now) }));
  assert.equal(waiting.status, 'waiting');
  assert.equal(waiting.nextAttemptAt, new Date(now + 6 * 3600_000).toISOString(), 'six hours from now, not a year');
  assert.equal(app.library.catalog.feeds.get(feed.id)?.nextAttemptAt, waiting.nextAttemptAt, 'and stored so');
  assert.match(resultLine(waiting), /waits until 2026-12-07 16:00 UTC/);

  const synced = only(await sync(app, { now: () => new Date(now + 6 * 3600_000 + 1000) }));
  assert.deepEqual([synced.status, synced.added], ['synced', 1]);
});

test('an undated story first seen while the clock ran ahead is dated now once the clock is right, and its page is checked at once', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(
    story('quay-lights', 'Quay lights fixed', ['The quay lights work again after the storm.'], { feedDate: null, pageDate: false }),
  );
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  const id = '127-0-0-1-stories-quay-lights';
  const right = Date.parse('2026-03-05T09:30:00Z');
  assert.equal(only(await sync(app, { now: () => new Date(right + 365 * 86_400_000) })).added, 1);
  assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, id)?.published, '2027-03-05T09:30:00Z', 'dated by the clock as it was');

  site.takeRequests();
  const corrected = only(await sync(app, { now: () => new Date(right) }));
  assert.equal(corrected.updated, 1);
  assert.equal(pageRequests(site).length, 1, 'a check recorded in the future is due now');
  assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, id)?.published, '2026-03-05T09:30:00Z');
  const answer = await app.answerer.ask({
    question: 'Do the quay lights work again?',
    collections: [SHARED_COLLECTION],
    asOf: '2026-03-06',
  });
  assert.equal(answer.kind, 'answer', 'visible to a question asked today');
});

// ---------------------------------------------------------------- links that are no web address (issue 15, item 15)

const LONG = (subject: string) =>
  `${subject} was discussed at length by the harbour board, whose members heard from engineers, residents and the port authority ` +
  'about costs, timetables and the risks of delay, before a vote that followed two hours of debate in a packed council chamber.';

test('an item whose link is not http(s) is a failed story with the reason, never a teaser-only article; with the whole story in the feed it is stored from that', async (t) => {
  const { app, site } = await setUp(t);
  const links = ['javascript:alert(1)', 'mailto:desk@harbour.example', 'ftp://files.harbour.example/levy.txt', 'http://exa mple/levy'];
  links.forEach((link, i) =>
    site.publish(story(`odd-${i}`, `Odd link ${i}`, [LONG(`Odd link story ${i}`), LONG('The levy'), LONG('The vote')], { link })),
  );
  site.publish(story('no-guid', 'No guid either', ['Only a teaser.'], { link: 'javascript:void(0)', guid: null }));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);

  const teasers = only(await sync(app));
  assert.deepEqual([teasers.added, teasers.failed], [0, 5]);
  assert.ok(
    teasers.itemFailures.includes(
      '“Odd link 0”: its link "javascript:alert(1)" is not a web page address (http or https), and the feed does not carry the story itself; not stored',
    ),
    teasers.itemFailures.join('\n'),
  );
  assert.ok(teasers.itemFailures.some((f) => f.startsWith('“No guid either”: its link "javascript:void(0)"')));
  assert.equal(app.library.catalog.listArticles().length, 0, 'no teaser-only article');

  const collection = '111111111111111111';
  await followFeed(app, site.url('/rss-full.xml'), collection);
  const full = (await sync(app)).feeds.find((f) => f.collection === collection);
  assert.deepEqual([full?.added, full?.failed], [4, 1], 'the four with a guid are stored from the feed’s own text');
  const stored = app.library.catalog.listArticles([collection]);
  assert.ok(
    stored.every((a) => a.url === null || /^https?:/.test(a.url)),
    'no article links anywhere but the web',
  );
  assert.match(app.library.catalog.getBody(collection, stored[0]?.articleId ?? '') ?? '', /discussed at length by the harbour board/);
});
