import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ParsePool } from '../src/articles/parse-pool.ts';
import { loadConfig } from '../src/config.ts';
import { resultLine } from '../src/cli/feeds.ts';
import { renderAnswer } from '../src/cli/render.ts';
import { isUserError } from '../src/errors.ts';
import { nextAttemptAfter } from '../src/feeds/backoff.ts';
import { isFullText } from '../src/articles/feed/document.ts';
import { FeedPoller } from '../src/feeds/poller.ts';
import { FEED_SYNC_LOCK_FILES, runFeedSync, type FeedSyncRun } from '../src/feeds/run-sync.ts';
import { findFeed, followFeed, unfollowFeed } from '../src/feeds/subscriptions.ts';
import { MAX_ITEMS_PER_FEED, type FeedSyncReport, type FeedSyncResult } from '../src/feeds/sync.ts';
import { USER_AGENT } from '../src/net/safe-fetch.ts';
import { toFtsQuery } from '../src/retrieval/keyword-query.ts';
import type { FeedRecord } from '../src/store/catalog/feed-tables.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { WriteLock } from '../src/store/write-lock.ts';
import {
  atom,
  escapeXml,
  failsThen,
  FURNITURE_WORDS,
  neverAnswers,
  redirectsTo,
  rss,
  servesHtml,
  servesHugeBody,
  servesMalformedXml,
  servesText,
  startNewsroomSite,
  type NewsroomSite,
  type SiteOptions,
  type Story,
} from './fakes/newsroom-site.ts';
import { createTestApp, ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { nodeArgs } from './support/built.ts';
import { newsroomInProcess } from './support/in-process.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** A library with no articles, the tiny model, loopback allowed (as an operator allows an internal CMS), and a stand-in site. */
async function setUp(
  t: TestContext,
  options: { site?: SiteOptions; env?: Record<string, string> } = {},
): Promise<{ app: TestApp; site: NewsroomSite }> {
  const noArticles = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-feeds-none-'));
  const site = await startNewsroomSite(options.site);
  const app = await createTestApp({ FETCH_ALLOWED_HOSTS: '127.0.0.1', ...options.env }, noArticles);
  t.after(async () => {
    app.close();
    await site.close();
    fs.rmSync(noArticles, { recursive: true, force: true });
  });
  return { app, site };
}

/** A story of `paragraphs` sentences about its subject; `long` makes each paragraph long enough to count as the full text. */
function story(slug: string, title: string, facts: string[], extra: Partial<Story> = {}): Story {
  return { slug, title, author: 'Ann Reporter', paragraphs: facts, ...extra };
}

const LONG = (subject: string) =>
  `${subject} was discussed at length by the harbour board, whose members heard from engineers, residents and the port authority ` +
  'about costs, timetables and the risks of delay, before a vote that followed two hours of debate in a packed council chamber.';

async function sync(app: TestApp, options: Parameters<typeof runFeedSync>[1] = {}): Promise<FeedSyncReport> {
  const run: FeedSyncRun = await runFeedSync(app, options);
  assert.ok(run.ran, 'no other sync holds the lock');
  return run.report;
}

function only(report: FeedSyncReport): FeedSyncResult {
  assert.equal(report.feeds.length, 1);
  return report.feeds[0] as FeedSyncResult;
}

async function userError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isUserError(error), `expected a UserError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a UserError');
}

/** A feed followed without fetching it first (the tests of failures need one that fails from the start). */
async function followed(app: TestApp, url: string, collection = SHARED_COLLECTION): Promise<FeedRecord> {
  return app.library.write(async (writer) => writer.feeds.add({ url, collection, title: null, addedAt: new Date().toISOString() }));
}

async function waitFor(probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

const storyRequests = (site: NewsroomSite) => site.takeRequests().filter((r) => r.path.startsWith('/stories/'));

// ---------------------------------------------------------------- parsing

test('RSS 2.0, Atom and JSON Feed are read by the real parser in a worker: titles, links, guids, authors, dates', async () => {
  const site = await startNewsroomSite();
  const pool = new ParsePool({ workers: 1 });
  try {
    site.publish(
      story('dredging-vote', 'Board votes to dredge the harbour', ['The harbour board voted 5-2 on Monday.', 'Work starts in May.']),
    );
    const now = site.stories[0] as Story;
    for (const [name, text, format] of [
      ['rss', rss(site, 'teaser'), 'rss'],
      ['atom', atom(site), 'atom'],
      [
        'json',
        JSON.stringify({
          version: 'https://jsonfeed.org/version/1.1',
          title: 'J',
          items: [
            {
              id: 'j1',
              url: site.url('/stories/dredging-vote'),
              title: now.title,
              date_published: now.published,
              authors: [{ name: 'Ann Reporter' }],
              content_text: 'Para one.\n\nPara two.',
            },
          ],
        }),
        'json',
      ],
    ] as const) {
      const parsed = await pool.parseFeed(`${name} feed`, Buffer.from(text), { maxEntries: 200, baseUrl: site.url('/') });
      assert.ok(parsed.ok, `${name}: ${parsed.ok ? '' : parsed.error}`);
      assert.equal(parsed.value.format, format);
      const entry = parsed.value.entries[0];
      assert.equal(entry?.title, 'Board votes to dredge the harbour', name);
      assert.equal(entry?.link, site.url('/stories/dredging-vote'), name);
      assert.equal(entry?.author, 'Ann Reporter', name);
      assert.ok(entry?.published, name);
      assert.ok(entry?.guid, name);
    }
    // Atom text content is escaped into HTML paragraphs; relative links resolve against the feed's address.
    const relative =
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title type="html">Tide &lt;b&gt;tables&lt;/b&gt;</title><id>urn:t</id><link href="/stories/tides"/><content type="text">High &lt;tide&gt; at noon.</content></entry></feed>';
    const atomEntry = await pool.parseFeed('atom', Buffer.from(relative), { maxEntries: 10, baseUrl: site.url('/atom.xml') });
    assert.ok(atomEntry.ok);
    assert.equal(atomEntry.value.entries[0]?.title, 'Tide tables');
    assert.equal(atomEntry.value.entries[0]?.link, site.url('/stories/tides'));
    assert.equal(atomEntry.value.entries[0]?.contentHtml, '<p>High &lt;tide&gt; at noon.</p>');
  } finally {
    await pool.close();
    await site.close();
  }
});

test('what is not a feed is refused with a message saying what it is', async () => {
  const pool = new ParsePool({ workers: 1 });
  try {
    const read = async (text: string | Buffer, options = {}) => {
      const result = await pool.parseFeed('https://news.example/feed', typeof text === 'string' ? Buffer.from(text) : text, {
        maxEntries: 10,
        ...options,
      });
      assert.ok(!result.ok, 'refused');
      return result.error;
    };
    assert.equal(
      await read(
        '<!DOCTYPE html><html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body>Hi</body></html>',
        { baseUrl: 'https://news.example/' },
      ),
      'https://news.example/feed is a web page, not a feed (RSS, Atom or JSON Feed); the page names its feed at https://news.example/atom.xml: follow that address instead',
    );
    assert.match(
      await read('<html><body>no feed here</body></html>'),
      /is a web page, not a feed .*give the address of the site’s RSS or Atom feed$/,
    );
    assert.match(
      await read('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a</item></channel></rss>'),
      /is not well-formed XML \(line 1: Expected closing tag 'title'/,
    );
    assert.match(
      await read('<?xml version="1.0"?><catalog><book>Moby Dick</book></catalog>'),
      /is not a feed: it holds neither RSS, Atom nor JSON Feed$/,
    );
    assert.match(await read('{"version": 1, "items": '), /is not valid JSON \(/);
    assert.match(await read('{"name": "a config file"}'), /is JSON, but not a JSON Feed/);
    assert.match(await read('Just some words.'), /is not a feed/);
    assert.match(await read(''), /is empty$/);
    assert.match(await read(Buffer.from([0, 1, 2, 3, 0, 9])), /binary file/);
    // Entities are never expanded (a "billion laughs" feed stays small).
    const lol = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><title>&c;</title></channel></rss>`;
    const parsed = await pool.parseFeed('lol', Buffer.from(lol), { maxEntries: 10 });
    assert.ok(!parsed.ok || (parsed.value.title ?? '').length < 100);
  } finally {
    await pool.close();
  }
});

test('full text is told from a teaser by length and by how it ends', () => {
  assert.equal(isFullText(undefined), false);
  assert.equal(isFullText('<p>The harbour board voted on Monday.</p>'), false);
  assert.equal(isFullText(`<p>${LONG('Dredging')}</p><p>${LONG('The budget')}</p><p>${LONG('Timing')}</p>`), true);
  assert.equal(isFullText(`<p>${LONG('Dredging')}</p><p>${LONG('The budget')}</p><p>${LONG('Timing')} Read more…</p>`), false);
  assert.equal(isFullText(`<p>${LONG('Dredging')} ${LONG('The budget')} [...]</p>`), false);
});

test('FEED_POLL_SECONDS: 600 by default, 0 turns polling off, a bad value is reported with the other problems', () => {
  assert.equal(loadConfig({}, ROOT).feeds.pollSeconds, 600);
  assert.equal(loadConfig({ FEED_POLL_SECONDS: '0' }, ROOT).feeds.pollSeconds, null);
  assert.equal(loadConfig({ FEED_POLL_SECONDS: '30' }, ROOT).feeds.pollSeconds, 30);
  assert.throws(
    () => loadConfig({ FEED_POLL_SECONDS: 'often', HNSW_M: '1' }, ROOT),
    (error: Error) =>
      /FEED_POLL_SECONDS must be a whole number from 0 to 86400 \(got "often"\)/.test(error.message) && /HNSW_M/.test(error.message),
  );
});

// ---------------------------------------------------------------- following

test('feeds add checks the address is a feed, reads its title, and refuses duplicates, pages, bad XML and private addresses', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('first', 'First story', ['Text.']));
  site.route('/bad/page', servesHtml);
  site.route('/bad/broken.xml', servesMalformedXml);

  const { feed, document } = await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  assert.equal(feed.title, 'The Harbour Gazette');
  assert.equal(document.total, 1);
  assert.equal(app.library.catalog.listArticles().length, 0, 'stories come in with the sync, not when following');

  assert.equal(
    await userError(followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION)),
    `${site.url('/rss.xml')} is already followed in the newsroom-wide archive (shared), as feed ${feed.id} (“The Harbour Gazette”). Nothing was added.`,
  );
  // The same feed in another server's collection is that server's own subscription.
  assert.equal((await followFeed(app, site.url('/rss.xml'), '111111111111111111')).feed.collection, '111111111111111111');
  assert.match(
    await userError(followFeed(app, site.url('/bad/page'), SHARED_COLLECTION)),
    /is a web page, not a feed .* the page names its feed at http:\/\/127\.0\.0\.1:\d+\/rss\.xml/,
  );
  assert.match(await userError(followFeed(app, site.url('/bad/broken.xml'), SHARED_COLLECTION)), /is not well-formed XML \(line 3/);
  assert.match(await userError(followFeed(app, site.url('/missing.xml'), SHARED_COLLECTION)), /missing\.xml was not found \(404\)/);
  assert.match(await userError(followFeed(app, 'ftp://news.example/feed', SHARED_COLLECTION)), /is not an http\(s\) address/);
  assert.equal(app.library.catalog.feeds.list().length, 2, 'nothing refused was added');

  // Without FETCH_ALLOWED_HOSTS a loopback address is refused before anything is sent.
  const strict = await createTestApp({}, fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-feeds-strict-')));
  try {
    site.takeRequests();
    assert.match(
      await userError(followFeed(strict, site.url('/atom.xml'), SHARED_COLLECTION)),
      /leads to this machine \(a loopback address\), which the bot does not fetch\. If it is your newsroom’s own server, an operator can allow it with FETCH_ALLOWED_HOSTS\.$/,
    );
    assert.equal(site.takeRequests().length, 0);
  } finally {
    strict.close();
  }

  // Removing keeps the articles; a feed is found by number or address.
  await sync(app, { feeds: [feed] });
  assert.equal(app.library.catalog.listArticles([SHARED_COLLECTION]).length, 1);
  assert.equal(findFeed(app, String(feed.id)).id, feed.id);
  assert.match(
    await userError(Promise.resolve().then(() => findFeed(app, site.url('/rss.xml')))),
    /is followed in several collections; name the feed by its number/,
  );
  const removed = await unfollowFeed(app, findFeed(app, site.url('/rss.xml'), [SHARED_COLLECTION]));
  assert.equal(removed.items, 1);
  assert.equal(app.library.catalog.feeds.get(feed.id), undefined);
  assert.equal(app.library.catalog.listArticles([SHARED_COLLECTION]).length, 1, 'the article the feed brought in stays');
});

// ---------------------------------------------------------------- syncing

test('a teaser feed: each story comes from its page through the HTML loader, furniture left out, the feed’s fields kept', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(
    story('dredging-vote', 'Board votes to dredge the harbour', [
      'The harbour board voted 5-2 on Monday to dredge the main channel.',
      'Dredging will cost 1.2 million and start in May.',
      'The chair said the port could not wait another year.',
    ]),
  );
  site.publish(
    story(
      'ferry-fares',
      'Ferry fares rise by 4 percent',
      ['Ferry fares rise by 4 percent from April, the operator said.', 'Season tickets are frozen until June.'],
      { author: 'Ben Writer' },
    ),
  );
  const { feed } = await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  site.takeRequests();

  const result = only(await sync(app));
  assert.equal(result.status, 'synced');
  assert.deepEqual([result.added, result.updated, result.unchanged, result.failed], [2, 0, 0, 0]);
  assert.equal(result.requests, 3, 'the feed and two story pages');
  const requests = site.takeRequests();
  assert.ok(
    requests.every((r) => r.headers['user-agent'] === USER_AGENT),
    'a clear User-Agent',
  );

  const stored = app.library.catalog.getArticle(SHARED_COLLECTION, '127-0-0-1-stories-ferry-fares');
  assert.ok(stored);
  assert.equal(stored.title, 'Ferry fares rise by 4 percent');
  assert.equal(stored.url, site.url('/stories/ferry-fares'));
  assert.equal(stored.byline, 'Ben Writer');
  assert.equal(Date.parse(stored.published ?? ''), Date.parse((site.stories[0] as Story).published ?? ''), 'the feed’s date');
  const body = app.library.catalog.getBody(SHARED_COLLECTION, stored.articleId) ?? '';
  assert.equal(body, 'Ferry fares rise by 4 percent from April, the operator said.\n\nSeason tickets are frozen until June.');
  for (const article of app.library.catalog.listArticles()) {
    const text = `${article.title}\n${app.library.catalog.getBody(SHARED_COLLECTION, article.articleId)}`;
    for (const word of FURNITURE_WORDS) assert.ok(!text.includes(word), `"${word}" is page furniture, not article text`);
  }
  // The feed remembers its items and its last success.
  const after = app.library.catalog.feeds.get(feed.id);
  assert.equal(after?.items, 2);
  assert.ok(after?.lastSuccessAt);
  assert.equal(after?.lastError, null);
  // And the stories are answerable.
  const answer = await app.answerer.ask({ question: 'How much will dredging the harbour cost?', collections: [SHARED_COLLECTION] });
  assert.equal(answer.kind, 'answer');
  assert.ok(answer.citations.some((c) => c.articleId === '127-0-0-1-stories-dredging-vote'));
});

test('a feed carrying the whole story (content:encoded, Atom content) is used as it is: no page is fetched', async (t) => {
  const { app, site } = await setUp(t);
  const facts = [LONG('The dredging plan'), LONG('The cost of 1.2 million'), LONG('The start in May')];
  site.publish(story('dredging-vote', 'Board votes to dredge the harbour', facts));
  await followFeed(app, site.url('/rss-full.xml'), SHARED_COLLECTION);
  await followFeed(app, site.url('/atom.xml'), '111111111111111111');
  site.takeRequests();
  const report = await sync(app);
  assert.deepEqual(
    report.feeds.map((f) => [f.status, f.added, f.requests]),
    [
      ['synced', 1, 1],
      ['synced', 1, 1],
    ],
  );
  assert.equal(storyRequests(site).length, 0);
  for (const collection of [SHARED_COLLECTION, '111111111111111111']) {
    assert.equal(app.library.catalog.getBody(collection, '127-0-0-1-stories-dredging-vote'), facts.join('\n\n'));
  }
});

test('an unchanged re-sync is one 304; story pages are re-asked conditionally on a schedule by age (a 304 each), the feed 304 or not', async (t) => {
  const { app, site } = await setUp(t);
  for (let i = 0; i < 5; i++)
    site.publish(story(`story-${i}`, `Harbour story number ${i}`, [`Story ${i} says the tide turned at ${i} o'clock.`]));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  // An hour after the last story was published: every story is a few hours old, its page re-asked every 10 minutes.
  const t0 = Date.parse(site.stories[0]?.published ?? '') + 3600_000;
  const at = (minutes: number) => () => new Date(t0 + minutes * 60_000);
  assert.equal(only(await sync(app, { now: at(0) })).added, 5);

  site.takeRequests();
  const again = only(await sync(app, { now: at(5) }));
  assert.equal(again.status, 'not_modified');
  const requests = site.takeRequests();
  assert.deepEqual(
    requests.map((r) => [r.path, r.status]),
    [['/rss.xml', 304]],
  );
  assert.ok(requests[0]?.headers['if-none-match'] && requests[0].headers['if-modified-since'], 'ETag and Last-Modified sent back');

  // Ten minutes on, the feed still answers 304, and each story page is asked again, conditionally: a 304 each.
  const due = only(await sync(app, { now: at(15) }));
  assert.deepEqual([due.status, due.added, due.updated, due.unchanged, due.requests], ['not_modified', 0, 0, 5, 6]);
  const pages = storyRequests(site);
  assert.equal(pages.length, 5);
  assert.ok(
    pages.every((r) => r.status === 304 && r.headers['if-none-match']),
    'every page answered 304 to a conditional request',
  );

  // Older stories are asked less often: at three days old, every three hours.
  assert.equal(only(await sync(app, { now: at(3 * 24 * 60) })).requests, 6);
  site.takeRequests();
  assert.equal(only(await sync(app, { now: at(3 * 24 * 60 + 60) })).requests, 1, 'an hour on, not yet');
  assert.equal(only(await sync(app, { now: at(3 * 24 * 60 + 240) })).requests, 6, 'four hours on, again');

  // A feed without validators is read again, but its unchanged items cost nothing until their pages are due.
  site.validators.feeds = false;
  site.takeRequests();
  const read = only(await sync(app, { now: at(3 * 24 * 60 + 250) }));
  assert.deepEqual([read.status, read.unchanged, read.requests], ['synced', 5, 1]);
  assert.equal(storyRequests(site).length, 0);
});

test('a correction made on the story page alone (same guid, same date, the feed unchanged: a 304) comes in at the next check: the old figure is never found again', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(
    story('levy', 'Harbour levy set', [
      'The harbour board set its charges for the summer on Monday.',
      'The mooring levy will be 4.80 dollars a night.',
    ]),
  );
  site.publish(story('tides', 'Tide tables out', ['The tide tables for April are out.']));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  const t0 = Date.parse(site.stories[0]?.published ?? '') + 600_000;
  const at = (minutes: number) => () => new Date(t0 + minutes * 60_000);
  assert.equal(only(await sync(app, { now: at(0) })).added, 2);
  const id = '127-0-0-1-stories-levy';
  const question = { question: 'What is the mooring levy a night?', collections: [SHARED_COLLECTION], asOf: '2026-03-10' };

  // The CMS corrects the page: the figure and a correction line. The feed's item (guid, title, date, teaser) does not change.
  site.correct('levy', {
    paragraphs: [
      'The harbour board set its charges for the summer on Monday.',
      'The mooring levy will be 4.50 dollars a night.',
      'Correction: an earlier version gave the levy as 4.80 dollars.',
    ],
  });
  site.takeRequests();
  const corrected = only(await sync(app, { now: at(30) }));
  assert.equal(site.requests.find((r) => r.path === '/rss.xml')?.status, 304, 'the feed did not change');
  assert.deepEqual([corrected.status, corrected.updated, corrected.unchanged], ['not_modified', 1, 1]);
  assert.match(app.library.catalog.getBody(SHARED_COLLECTION, id) ?? '', /levy will be 4\.50 dollars a night\.\n\nCorrection:/);
  assert.ok(app.library.catalog.getArticle(SHARED_COLLECTION, id)?.updated, 'recorded as updated');
  const chunks = app.library.catalog.chunksOfArticle(SHARED_COLLECTION, id);
  assert.ok(
    chunks.every((c) => !c.text.includes('will be 4.80')),
    'no chunk of the superseded text is left to find or cite',
  );
  const answer = await app.answerer.ask(question);
  assert.ok(
    answer.citations.some((c) => c.excerpt.includes('4.50 dollars')),
    renderAnswer(answer),
  );
  assert.ok(
    answer.citations.every((c) => !c.excerpt.includes('will be 4.80')),
    renderAnswer(answer),
  );
  assert.match(
    resultLine(corrected),
    /^· “The Harbour Gazette” \(.*\): unchanged since the last sync; story pages due a check were asked again: added 0 · updated 1 · unchanged 1 · failed 0/,
  );
});

test('requests to one host are at most 2 at a time across every feed of a sync', async (t) => {
  const { app, site } = await setUp(t);
  for (let i = 0; i < 12; i++)
    site.publish(story(`story-${i}`, `Harbour story number ${i}`, [`Story ${i} says the tide turned at ${i} o'clock.`]));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  await followFeed(app, site.url('/feed.json'), '111111111111111111');
  site.pageDelayMs = 40;
  site.inFlight.max = 0;
  const report = await sync(app);
  assert.equal(report.added, 24);
  assert.equal(report.requests, 26);
  assert.equal(site.inFlight.max, 2);
});

test('a story added, corrected (same guid, new text) and deleted between syncs: added, replaced, kept', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('bridge', 'Bridge reopens', ['The Kestrel bridge reopened on Monday after repairs costing 2 million.']));
  site.publish(story('library', 'Library hours extended', ['The central library will open until 9 pm on weekdays.']));
  site.publish(story('market', 'Market moves to the quay', ['The Saturday market moves to the quay from June.']));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  assert.equal(only(await sync(app)).added, 3);

  site.publish(story('ferry', 'New ferry route to Saltcombe', ['A ferry route to Saltcombe opens in July, the operator said.']));
  site.correct('bridge', {
    paragraphs: ['The Kestrel bridge reopened on Monday after repairs costing 3 million, not 2 million as first reported.'],
  });
  site.remove('market');
  const result = only(await sync(app));
  assert.deepEqual([result.added, result.updated, result.unchanged, result.failed], [1, 1, 1, 0]);

  const bridge = app.library.catalog.getBody(SHARED_COLLECTION, '127-0-0-1-stories-bridge') ?? '';
  assert.match(bridge, /costing 3 million, not 2 million as first reported/);
  const chunks = app.library.catalog.chunksOfArticle(SHARED_COLLECTION, '127-0-0-1-stories-bridge');
  assert.ok(
    chunks.every((c) => c.text.includes('3 million')),
    'no chunk of the superseded text is left to cite',
  );
  assert.ok(
    app.library.catalog.getArticle(SHARED_COLLECTION, '127-0-0-1-stories-market'),
    'a story that left the feed stays in the archive',
  );
  assert.ok(app.library.catalog.getArticle(SHARED_COLLECTION, '127-0-0-1-stories-ferry'));
  assert.equal(app.library.catalog.listArticles().length, 4);
});

test('a feed story corrected with a later updated date replaces its text: first publication kept, the update recorded and cited, the old text never found; two feeds of one collection name it once', async (t) => {
  const { app, site } = await setUp(t);
  const before = [
    LONG('The dredging plan'),
    'Dredging the main channel will cost 1.2 million, harbour master Orla Brennock said on Monday.',
    LONG('The start in May'),
  ];
  const after = [
    LONG('The dredging plan'),
    'Dredging the main channel will cost 1.9 million, harbour master Orla Brannigan said on Monday.',
    LONG('The start in May'),
  ];
  const first = site.publish(story('dredging-vote', 'Board votes to dredge the harbour', before));
  // The full story in Atom (with its updated date), and the same stories as teasers whose pages are read.
  await followFeed(app, site.url('/atom.xml'), SHARED_COLLECTION);
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  const t0 = Date.now();
  const at = (minutes: number) => () => new Date(t0 + minutes * 60_000);
  const added = await sync(app, { now: at(0) });
  assert.deepEqual(
    added.feeds.map((f) => f.status),
    ['synced', 'synced'],
  );
  assert.deepEqual(
    [added.added, added.updated, added.unchanged],
    [1, 0, 1],
    'the second feed’s copy of the story is the same article, unchanged',
  );
  const id = '127-0-0-1-stories-dredging-vote';
  assert.equal(app.library.catalog.listArticles([SHARED_COLLECTION]).length, 1);
  assert.deepEqual(
    app.library.catalog.sourcesIn(SHARED_COLLECTION).map((s) => [s.sourceId, s.source]),
    [[id, site.url('/stories/dredging-vote')]],
  );
  const stored = app.library.catalog.getArticle(SHARED_COLLECTION, id);
  assert.equal(stored?.updated, null, 'Atom’s updated equal to its published is not an update');
  const question = 'How much will dredging the main channel cost?';
  const oldAnswer = await app.answerer.ask({ question, collections: [SHARED_COLLECTION] });
  assert.ok(
    oldAnswer.citations.some((c) => c.articleId === id && c.excerpt.includes('1.2 million') && c.updated === null),
    renderAnswer(oldAnswer),
  );

  // The correction: new text, the same guid and link, an hour-later updated date in the feed.
  const corrected = site.correct('dredging-vote', { paragraphs: after });
  assert.ok(corrected.updated);
  const report = await sync(app, { now: at(90) });
  assert.ok(report.updated >= 1, JSON.stringify(report.feeds.map((f) => [f.url, f.added, f.updated, f.unchanged, f.failed])));
  assert.equal(report.added, 0);

  const now = app.library.catalog.getArticle(SHARED_COLLECTION, id);
  assert.equal(app.library.catalog.listArticles([SHARED_COLLECTION]).length, 1);
  assert.equal(Date.parse(now?.published ?? ''), Date.parse(first.published ?? ''), 'the first publication date stays');
  assert.equal(Date.parse(now?.updated ?? ''), Date.parse(corrected.updated), 'the feed’s updated date is recorded');
  assert.match(app.library.catalog.getBody(SHARED_COLLECTION, id) ?? '', /1\.9 million, harbour master Orla Brannigan/);
  assert.deepEqual(
    app.library.keywordSearch(toFtsQuery('Brennock') ?? '', 10, { collections: [SHARED_COLLECTION] }),
    [],
    'the superseded name is not found',
  );
  assert.ok(
    app.library.catalog
      .chunksOfArticle(SHARED_COLLECTION, id)
      .every((c) => !c.text.includes('1.2 million') && !c.text.includes('Brennock')),
  );
  const answer = await app.answerer.ask({ question, collections: [SHARED_COLLECTION] });
  assert.equal(answer.kind, 'answer', renderAnswer(answer));
  assert.ok(
    answer.citations.some((c) => c.excerpt.includes('1.9 million')),
    renderAnswer(answer),
  );
  for (const c of answer.citations) {
    assert.ok(!c.excerpt.includes('1.2 million') && !c.excerpt.includes('Brennock'), `superseded text cited: ${c.excerpt}`);
    assert.equal(Date.parse(c.updated ?? ''), Date.parse(corrected.updated));
  }
  // Updated the day it was published: the time says when.
  assert.match(renderAnswer(answer), /Board votes to dredge the harbour \(2026-03-02 · updated 2026-03-02 10:00 · Ann Reporter\)/);

  // Synced again with nothing new: unchanged, and the recorded update stays as it was.
  const again = await sync(app, { now: at(200) });
  assert.deepEqual([again.added, again.updated], [0, 0]);
  assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, id)?.updated, now?.updated);
});

test('a wire story a feed lists twice under two links (a new headline, the same words) is stored once, with both sources, and counted as a duplicate', async (t) => {
  const { app, site } = await setUp(t);
  const wire = [
    LONG('The ferry strike'),
    'Ferry crews walked out at dawn on Tuesday over pay, stranding 3,000 commuters at the quay.',
    LONG('The talks on Friday'),
  ];
  site.publish(story('ferry-strike', 'Ferry crews strike over pay', wire));
  site.publish(story('ferry-strike-wire', 'Commuters stranded as ferry crews walk out', wire));
  await followFeed(app, site.url('/rss-full.xml'), SHARED_COLLECTION);
  const result = only(await sync(app));
  assert.deepEqual([result.added, result.duplicates, result.failed], [1, 1, 0]);
  assert.match(resultLine(result), /added 1 · updated 0 · unchanged 0 · failed 0 · 1 duplicate · /);
  assert.equal(app.library.catalog.listArticles([SHARED_COLLECTION]).length, 1);
  assert.deepEqual(
    app.library.catalog
      .sourcesIn(SHARED_COLLECTION)
      .map((s) => s.source)
      .sort(),
    [site.url('/stories/ferry-strike'), site.url('/stories/ferry-strike-wire')].sort(),
  );
  const again = only(await sync(app));
  assert.equal(again.status, 'not_modified');
});

test('feeds that fail (HTML, bad XML, 50 MB, a redirect loop, a 404, silence) are reported one by one; the others still sync', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('bridge', 'Bridge reopens', ['The Kestrel bridge reopened on Monday.']));
  site.route('/bad/page', servesHtml);
  site.route('/bad/broken.xml', servesMalformedXml);
  site.route('/bad/huge.xml', servesHugeBody(50));
  site.route('/bad/loop-a', redirectsTo('/bad/loop-b'));
  site.route('/bad/loop-b', redirectsTo('/bad/loop-a'));
  site.route('/bad/silent.xml', neverAnswers);
  const good = await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  const bad = ['/bad/page', '/bad/broken.xml', '/bad/huge.xml', '/bad/loop-a', '/bad/gone.xml', '/bad/silent.xml'];
  for (const p of bad) await followed(app, site.url(p));

  const report = await sync(app, { timeoutMs: 1500 });
  assert.equal(report.synced, 1);
  assert.equal(report.failed, bad.length);
  assert.equal(report.feeds.find((f) => f.id === good.feed.id)?.added, 1);
  const errors = Object.fromEntries(report.feeds.filter((f) => f.status === 'failed').map((f) => [new URL(f.url).pathname, f.error]));
  assert.match(errors['/bad/page'] ?? '', /is a web page, not a feed/);
  assert.match(errors['/bad/broken.xml'] ?? '', /is not well-formed XML/);
  assert.match(errors['/bad/huge.xml'] ?? '', /is larger than the 10 MB limit/);
  assert.match(errors['/bad/loop-a'] ?? '', /redirects in a loop/);
  assert.match(errors['/bad/gone.xml'] ?? '', /was not found \(404\)/);
  assert.match(errors['/bad/silent.xml'] ?? '', /did not answer within 1\.5 seconds/);
  // Each failure is kept for `feeds list` and /feeds list, with when the feed is tried next.
  const listed = app.library.catalog.feeds.list().find((f) => f.url === site.url('/bad/gone.xml'));
  assert.equal(listed?.consecutiveFailures, 1);
  assert.match(listed?.lastError ?? '', /was not found \(404\)/);
  assert.ok(listed?.lastErrorAt && listed.nextAttemptAt);
  assert.equal(app.library.catalog.listArticles().length, 1);
});

test('a 500 then success: the feed waits out its backoff (Retry-After when longer), never blocking the others, then syncs', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('bridge', 'Bridge reopens', ['The Kestrel bridge reopened on Monday.']));
  site.route(
    '/flaky.xml',
    failsThen(2, 500, 300, (req, res, s) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(s, 'teaser'))),
  );
  const flaky = await followed(app, site.url('/flaky.xml'));
  await followFeed(app, site.url('/atom.xml'), SHARED_COLLECTION);

  const t0 = Date.parse('2026-03-03T10:00:00Z');
  const at = (seconds: number) => () => new Date(t0 + seconds * 1000);
  const first = await sync(app, { now: at(0) });
  const failed = first.feeds.find((f) => f.id === flaky.id);
  assert.equal(failed?.status, 'failed');
  assert.match(failed?.error ?? '', /answered 500 Internal Server Error.*asks to wait 5 minutes/);
  assert.equal(failed?.nextAttemptAt, new Date(t0 + 300_000).toISOString(), 'Retry-After (300 s) is longer than the first backoff (60 s)');
  assert.equal(first.synced, 1, 'the other feed synced');

  site.takeRequests();
  const waiting = await sync(app, { now: at(200) });
  assert.equal(waiting.feeds.find((f) => f.id === flaky.id)?.status, 'waiting');
  assert.ok(!site.takeRequests().some((r) => r.path === '/flaky.xml'), 'a waiting feed is not asked');

  const second = (await sync(app, { now: at(301) })).feeds.find((f) => f.id === flaky.id);
  assert.equal(second?.status, 'failed');
  assert.equal(second?.consecutiveFailures, 2);
  assert.equal(
    second?.nextAttemptAt,
    new Date(t0 + 601_000).toISOString(),
    'Retry-After again (300 s), still longer than the second backoff (120 s)',
  );

  const third = (await sync(app, { now: at(602) })).feeds.find((f) => f.id === flaky.id);
  assert.equal(third?.status, 'synced');
  assert.equal(third?.consecutiveFailures, 0);
  const record = app.library.catalog.feeds.get(flaky.id);
  assert.equal(record?.consecutiveFailures, 0);
  assert.equal(record?.nextAttemptAt, null);
  assert.match(record?.lastError ?? '', /500/, 'the last error stays on record beside the newer success');
  assert.ok(Date.parse(record?.lastSuccessAt ?? '') > Date.parse(record?.lastErrorAt ?? ''));
});

test('backoff doubles from a minute up to six hours; Retry-After is honoured up to a day', () => {
  const now = new Date('2026-03-03T10:00:00Z');
  const wait = (failures: number, retryAfter?: number) => (nextAttemptAfter(now, failures, retryAfter).getTime() - now.getTime()) / 1000;
  assert.deepEqual(
    [1, 2, 3, 4, 10, 30].map((n) => wait(n)),
    [60, 120, 240, 480, 21_600, 21_600],
  );
  assert.equal(wait(1, 3600), 3600);
  assert.equal(wait(5, 30), 960);
  assert.equal(wait(1, 10 * 86_400), 86_400);
});

test('bad items: no link or guid, a page that 404s, odd and missing dates; each said, nothing stored lost', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('no-identity', 'An item nobody can follow', ['Text.'], { link: null, guid: null }));
  site.publish(story('odd-date', 'Tide tables published', ['The tide tables for April are out.'], { feedDate: 'yesterday afternoon' }));
  site.publish(story('no-date', 'Lighthouse repainted', ['The lighthouse was repainted in red.'], { feedDate: null }));
  site.publish(story('no-date-anywhere', 'Quay lights fixed', ['The quay lights work again.'], { feedDate: null, pageDate: false }));
  site.publish(story('dead-link', 'Story whose page is gone', ['This page will 404.'], { pageStatus: 404 }));
  site.publish(story('kept', 'Harbour master retires', ['The harbour master retires after 30 years.']));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);

  const now = new Date('2026-03-05T09:30:00Z');
  const result = only(await sync(app, { now: () => now }));
  assert.equal(result.status, 'synced', 'bad items never fail the feed');
  assert.deepEqual([result.added, result.failed, result.skipped], [4, 1, 1]);
  assert.ok(
    result.notices.includes(
      '“An item nobody can follow” has neither a link nor a guid, so it cannot be told apart from the others; skipped',
    ),
  );
  assert.ok(
    result.notices.includes('“Tide tables published”: the feed’s date "yesterday afternoon" is not a date; used the page’s (2026-03-02)'),
    result.notices.join('\n'),
  );
  assert.ok(result.notices.includes('“Lighthouse repainted”: no date in the feed; used the page’s (2026-03-02)'));
  assert.ok(
    result.notices.includes('“Quay lights fixed”: no date in the feed; none on its page either, so dated when first seen (2026-03-05)'),
  );
  assert.deepEqual(result.itemFailures, [
    `“Story whose page is gone”: ${site.url('/stories/dead-link')} was not found (404); skipped until it can be read`,
  ]);
  assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, '127-0-0-1-stories-no-date-anywhere')?.published, '2026-03-05T09:30:00Z');

  // A story whose page was not online yet is tried again at the next sync, although the feed did not change.
  site.correct('dead-link', { pageStatus: 200 });
  site.takeRequests();
  const retried = only(await sync(app, { now: () => now }));
  assert.equal(retried.added, 1);
  assert.deepEqual(retried.itemFailures, []);
  assert.equal(site.takeRequests().find((r) => r.path === '/rss.xml')?.status, 200, 'the whole feed was read again, not a 304');
  assert.equal(only(await sync(app, { now: () => now })).status, 'not_modified', 'then, with nothing left to retry, a 304 again');

  // The first-seen date is kept: a later sync does not redate the story.
  site.correct('no-date-anywhere', { paragraphs: ['The quay lights work again after a week.'] });
  const later = only(await sync(app, { now: () => new Date('2026-03-06T12:00:00Z') }));
  assert.equal(later.updated, 1);
  assert.equal(app.library.catalog.getArticle(SHARED_COLLECTION, '127-0-0-1-stories-no-date-anywhere')?.published, '2026-03-05T09:30:00Z');

  // A stored story whose page starts failing keeps its stored copy.
  site.correct('kept', { pageStatus: 404, paragraphs: ['The harbour master retires after 31 years.'] });
  const broken = only(await sync(app));
  assert.ok(
    broken.itemFailures.includes(`“Harbour master retires”: ${site.url('/stories/kept')} was not found (404); the stored copy is kept`),
  );
  assert.match(app.library.catalog.getBody(SHARED_COLLECTION, '127-0-0-1-stories-kept') ?? '', /after 30 years/);
});

const NOTICE_WORDS =
  'harbour quay ferry tide board council notice terms objection planning permit dredging channel pier landing levy grant survey tender contract mooring licence berth slipway warden rates vessel cargo crane tanker pilot lock sluice basin marina wharf buoy beacon jetty dock'.split(
    ' ',
  );

/**
 * A notice's full text, about 650 characters, its words drawn from a seeded sequence: every notice
 * is its own text (a templated one differing by its number alone would be one story, a duplicate).
 */
function noticeText(i: number): string {
  let x = (i * 2654435761 + 1) >>> 0;
  const words = Array.from({ length: 96 }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return NOTICE_WORDS[(x >>> 16) % NOTICE_WORDS.length] as string;
  });
  const sentences: string[] = [];
  for (let k = 0; k < words.length; k += 12) sentences.push(`${words.slice(k, k + 12).join(' ')}.`);
  return `Notice ${i}: ${sentences.join(' ')}`;
}

test('a feed with 10,000 items: the newest 200 are read, newest first by date, and the report says so', async (t) => {
  const { app, site } = await setUp(t);
  const base = Date.parse('2025-01-01T00:00:00Z');
  // The feed lists them oldest first, to show the cap goes by date, not by position.
  const items = Array.from({ length: 10_000 }, (_, i) => {
    const date = new Date(base + i * 3600_000).toUTCString();
    return `<item><title>Notice ${i}</title><link>${site.url(`/notices/${i}`)}</link><pubDate>${date}</pubDate><description>${escapeXml(noticeText(i))}</description></item>`;
  });
  site.route(
    '/big.xml',
    servesText(
      'application/rss+xml',
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Notices</title>${items.join('')}</channel></rss>`,
    ),
  );
  await followFeed(app, site.url('/big.xml'), SHARED_COLLECTION);
  site.takeRequests();
  const result = only(await sync(app));
  assert.equal(site.takeRequests().length, 1, 'the feed carries the full text: no page is fetched');
  assert.equal(result.listed, 10_000);
  assert.equal(result.read, MAX_ITEMS_PER_FEED);
  assert.equal(result.added, MAX_ITEMS_PER_FEED);
  assert.ok(result.notices.includes('the feed lists 10,000 items; only the newest 200 were read'));
  const titles = new Set(app.library.catalog.listArticles().map((a) => a.title));
  assert.ok(titles.has('Notice 9999') && titles.has('Notice 9800') && !titles.has('Notice 9799'));
});

test('a sync never runs twice at once: in one process, and beside another process (the CLI exits 0 saying so)', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('bridge', 'Bridge reopens', ['The Kestrel bridge reopened on Monday.']));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  const [a, b] = await Promise.all([runFeedSync(app), runFeedSync(app)]);
  assert.deepEqual([a.ran, b.ran].sort(), [false, true]);

  // Another holder of the feed-sync lock (what a running bot's poller holds during a pass).
  const holder = new WriteLock(app.dataDir, { waitMs: 0, files: FEED_SYNC_LOCK_FILES });
  assert.ok(holder.tryAcquire());
  try {
    const cli = await spawnedNewsroom(['feeds', 'sync'], app.dataDir);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(
      cli.stderr,
      new RegExp(`^A feed sync is already running \\(pid ${process.pid} on .*\\), so this one did nothing\\.$`, 'm'),
    );
  } finally {
    holder.close();
  }
});

test('the poller syncs in the background and stop() cancels a pass waiting on a silent server: its request ends, no failure is recorded', async (t) => {
  const { app, site } = await setUp(t);
  site.publish(story('bridge', 'Bridge reopens', ['The Kestrel bridge reopened on Monday.']));
  await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
  const passes: FeedSyncRun[] = [];
  const poller = new FeedPoller(app, { intervalMs: 60_000, onPass: (run) => passes.push(run) });
  poller.start();
  await waitFor(() => passes.length === 1);
  assert.ok(app.library.catalog.getArticle(SHARED_COLLECTION, '127-0-0-1-stories-bridge'), 'the first pass ran at start');
  assert.equal(await poller.stop(), true);

  site.route('/silent.xml', neverAnswers);
  const silent = await followed(app, site.url('/silent.xml'));
  const second = new FeedPoller(app, { intervalMs: 60_000 });
  site.takeRequests();
  second.start();
  await waitFor(() => site.requests.some((r) => r.path === '/silent.xml'));
  assert.equal(await second.stop(), true, 'the pass ended once cancelled (the request gives up only after 15 s)');
  await waitFor(() => site.inFlight.now === 0);
  assert.equal(app.library.catalog.feeds.get(silent.id)?.lastError, null, 'a cancelled sync is not the feed’s failure');
  assert.equal(app.library.catalog.feeds.get(silent.id)?.consecutiveFailures, 0);
});

test('newsroom feeds: add, list, sync and remove from the command line, with --json and exit statuses for cron', async (t) => {
  const site = await startNewsroomSite();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-feeds-cli-'));
  t.after(async () => {
    await site.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  site.publish(story('bridge', 'Bridge reopens', ['The Kestrel bridge reopened on Monday after repairs.']));
  // A feed that works when it is added and is gone by the sync.
  site.route('/gone.xml', (_req, res, s) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(s, 'teaser')));

  const added = await newsroom(['feeds', 'add', site.url('/rss.xml'), '--json'], dataDir);
  assert.equal(added.code, 0, added.stderr);
  const addedJson = JSON.parse(added.stdout) as { added: Record<string, unknown> };
  assert.deepEqual(Object.keys(addedJson.added), [
    'id',
    'url',
    'title',
    'collection',
    'items',
    'addedAt',
    'lastSuccessAt',
    'lastError',
    'consecutiveFailures',
    'nextAttemptAt',
    'listed',
  ]);
  assert.equal((await newsroom(['feeds', 'add', site.url('/gone.xml')], dataDir)).code, 0);
  site.route('/gone.xml', (_req, res) => void res.writeHead(404).end());
  const duplicate = await newsroom(['feeds', 'add', site.url('/rss.xml')], dataDir);
  assert.equal(duplicate.code, 1);
  assert.match(duplicate.stderr, /is already followed in the newsroom-wide archive \(shared\), as feed 1/);

  const failing = await newsroom(['feeds', 'sync'], dataDir);
  assert.equal(failing.code, 1, 'a feed failed');
  assert.match(
    failing.stdout,
    /^✓ “The Harbour Gazette” \(http:\/\/127\.0\.0\.1:\d+\/rss\.xml\): added 1 · updated 0 · unchanged 0 · failed 0 · 2 requests · \d+ KB · \d+\.\d s$/m,
  );
  assert.match(
    failing.stderr,
    /^✗ “The Harbour Gazette” \(http:\/\/127\.0\.0\.1:\d+\/gone\.xml\): http:\/\/127\.0\.0\.1:\d+\/gone\.xml was not found \(404\) — 1st failure in a row; next try after \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m,
  );
  assert.match(failing.stdout, /^feeds: 1 synced · 1 failed · added 1 · updated 0 · /m);

  const list = await newsroom(['feeds', 'list'], dataDir);
  assert.match(
    list.stdout,
    /^ {2}1 {2}The Harbour Gazette {2}http:\/\/127\.0\.0\.1:\d+\/rss\.xml\n {5}shared · 1 item · last synced \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m,
  );
  assert.match(list.stdout, /^ {5}last error .* UTC: .*gone\.xml was not found \(404\) — 1 failure in a row; next try after .* UTC$/m);
  const listJson = JSON.parse((await newsroom(['feeds', 'list', '--json'], dataDir)).stdout) as {
    feeds: { lastError: { message: string } | null; items: number }[];
  };
  assert.equal(listJson.feeds[0]?.items, 1);
  assert.match(listJson.feeds[1]?.lastError?.message ?? '', /404/);

  const removed = await newsroom(['feeds', 'remove', '1'], dataDir);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(
    removed.stdout,
    /^Stopped following “The Harbour Gazette” \(.*\)\. The article it brought in stays in the archive; retract it with `newsroom forget <id>`\.$/m,
  );
  const library = Library.open({ dataDir, hnsw: { m: 16, efConstruction: 100, efSearch: 50 }, readOnly: true });
  try {
    assert.equal(library.catalog.listArticles().length, 1, 'the article stays');
    assert.equal(library.catalog.feeds.list().length, 1);
  } finally {
    library.close();
  }

  const usage = await newsroom(['feeds', 'watch'], dataDir);
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /Unknown feeds action "watch": use add, list, remove or sync\./);
});

const cliEnv = (dataDir: string) => ({ ...TINY_MODEL_ENV, DATA_DIR: dataDir, FETCH_ALLOWED_HOSTS: '127.0.0.1' });

/** The CLI run in this process (the stand-in site answers from here too). */
function newsroom(args: string[], dataDir: string) {
  return newsroomInProcess(args, cliEnv(dataDir));
}

/** The real CLI in a child process, beside a lock this process holds (asynchronously: the stand-in site answers from this process). */
function spawnedNewsroom(args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs('src/cli.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...cliEnv(dataDir) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
