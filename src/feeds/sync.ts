import { sharedParsePool } from '../articles/parse-pool.ts';
import { errorMessage, isUserError } from '../errors.ts';
import { feedText } from '../messages/feeds.ts';
import { fetchMessages } from '../messages/network.ts';
import type { FeedRecord } from '../store/catalog/feed-tables.ts';
import { effectiveNextAttempt } from './backoff.ts';
import { FEED_PAGES_BUDGET_MS, PASS_BUDGET_MS, PassBudget } from './budget.ts';
import { conditionalHeaders, validatorsOf } from './conditional.ts';
import {
  countedFetch,
  pageFetcher,
  recordFeedFailure,
  type FeedSyncDeps,
  type FeedSyncOptions,
  type Fetcher,
  type PassContext,
} from './feed-fetch.ts';
import { HostLimiter, mapWithLimit } from './host-limiter.ts';
import { revalidatePages } from './revalidate.ts';
import { storeEntries, type StoreEntriesContext } from './store-entries.ts';
import { freshResult, totalReport, type FeedSyncReport, type FeedSyncResult } from './sync-report.ts';
import type { FeedDocument } from '../articles/feed/types.ts';

export { FEED_REQUEST_TIMEOUT_MS, type FeedSyncDeps, type FeedSyncOptions } from './feed-fetch.ts';
export type { FeedSyncReport, FeedSyncResult, FeedSyncStatus } from './sync-report.ts';

/*
 * One pass over the followed feeds. Each feed is fetched conditionally (its ETag and
 * Last-Modified sent back), parsed in a worker, and its newest entries become articles stored
 * through the one ingest path in the feed's collection (store-entries.ts); a feed that answers
 * 304 still has the pages of its stored stories re-asked when they are due (revalidate.ts). A
 * feed that fails is recorded with its error and a time before which it is not fetched again
 * (backoff, Retry-After); it never stops the others. Requests to one host are limited across the
 * whole pass, and the pass and each feed's story pages have a time budget (budget.ts). Network
 * waits happen outside the library's write lock; only the writes take it.
 */

/** Entries read from one feed per sync: the newest by date. */
export const MAX_ITEMS_PER_FEED = 200;
/** Requests in flight to one host. */
export const REQUESTS_PER_HOST = 2;
/** Feeds worked on at the same time. */
const FEEDS_AT_ONCE = 4;

/** What a feed request says it accepts: feeds first, any XML or JSON after. */
export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/json;q=0.8, ' +
  'application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';

/** Syncs every followed feed (or `options.feeds`) once. Never throws for a feed's failure: it is in the report. */
export async function syncFeeds(deps: FeedSyncDeps, options: FeedSyncOptions): Promise<FeedSyncReport> {
  const started = performance.now();
  const context: PassContext = {
    deps,
    options,
    pool: deps.pool ?? sharedParsePool(),
    hosts: new HostLimiter(options.perHost ?? REQUESTS_PER_HOST),
    budget: new PassBudget({
      passMs: options.passBudgetMs ?? PASS_BUDGET_MS,
      pageMs: options.pageBudgetMs ?? FEED_PAGES_BUDGET_MS,
      shutdown: options.signal,
    }),
    now: options.now ?? (() => new Date()),
  };
  const feeds = options.feeds ?? deps.library.catalog.feeds.list();
  // The feeds synced longest ago go first: when a pass runs out of time, the next one starts with
  // those it left. A success recorded "in the future" (the clock ran ahead) counts as now.
  const nowIso = context.now().toISOString();
  const lastSynced = (feed: FeedRecord) => (feed.lastSuccessAt === null ? '' : feed.lastSuccessAt < nowIso ? feed.lastSuccessAt : nowIso);
  const order = feeds.map((feed, index) => ({ feed, index })).sort((a, b) => lastSynced(a.feed).localeCompare(lastSynced(b.feed)));
  const results = new Array<FeedSyncResult>(feeds.length);
  await mapWithLimit(order, FEEDS_AT_ONCE, async ({ feed, index }) => void (results[index] = await syncFeed(feed, context)));
  return totalReport(results, (performance.now() - started) / 1000);
}

async function syncFeed(feed: FeedRecord, context: PassContext): Promise<FeedSyncResult> {
  const started = performance.now();
  const result = freshResult(feed);
  try {
    if (context.budget.passSpent) return Object.assign(result, { status: 'failed', error: feedText.passOutOfTime(context.budget.passMs) });
    return await fetchAndStore(feed, result, context);
  } catch (error) {
    // Not the feed's fault (the library could not be written, the parser could not run): reported
    // for this feed, logged for the operator, and the other feeds go on. Nothing is recorded.
    context.deps.logger.error({ err: error, feedId: feed.id, feed: feed.url }, 'feed sync failed unexpectedly');
    return Object.assign(result, {
      status: 'failed',
      error: isUserError(error) ? error.message : feedText.unexpected(errorMessage(error)),
    });
  } finally {
    result.seconds = (performance.now() - started) / 1000;
  }
}

/** Fetches the feed (conditionally), reads it and stores its entries; records how that went. */
async function fetchAndStore(feed: FeedRecord, result: FeedSyncResult, context: PassContext): Promise<FeedSyncResult> {
  const { deps, options } = context;
  const now = context.now();
  const waitUntil = await nextAttempt(feed, context, now);
  if (waitUntil !== null) return Object.assign(result, { status: 'waiting', error: feed.lastError, nextAttemptAt: waitUntil });
  const fetch = countedFetch(result, context);
  const fetched = await fetch(feed.url, { accept: FEED_ACCEPT, ...conditionalHeaders(feed) });
  if (!fetched.ok && fetched.kind === 'aborted' && context.budget.passSpent) {
    return Object.assign(result, { status: 'failed', error: feedText.passOutOfTime(context.budget.passMs) });
  }
  if (!fetched.ok) return await recordFeedFailure(feed, result, context, now, fetched.message, fetched.retryAfterSeconds);

  const validators = validatorsOf(fetched.headers, feed);
  if (fetched.status === 304) {
    await revalidatePages(feed, result, entriesContext(context, fetch, now));
    if (options.signal?.aborted) return Object.assign(result, { status: 'failed', error: fetchMessages.aborted(feed.url) });
    await deps.library.write(async (writer) => writer.feeds.recordSuccess(feed.id, { at: now.toISOString(), ...validators }));
    return Object.assign(result, { status: 'not_modified', consecutiveFailures: 0 });
  }
  const parsed = await context.pool.parseFeed(feed.url, fetched.body, {
    maxEntries: options.maxItems ?? MAX_ITEMS_PER_FEED,
    baseUrl: fetched.url,
    ...(fetched.headers.get('content-type') ? { contentType: fetched.headers.get('content-type') as string } : {}),
  });
  if (!parsed.ok) return await recordFeedFailure(feed, result, context, now, parsed.error);
  const document = parsed.value;
  noteListing(result, document);

  const stored = await storeEntries(feed, document.entries, result, entriesContext(context, fetch, now));
  if (options.signal?.aborted) return Object.assign(result, { status: 'failed', error: fetchMessages.aborted(feed.url) });
  // An item that could not be read (its page not online yet, or not answering) must be tried
  // again: without validators the next sync reads the whole feed instead of taking a 304.
  const keep = stored.retry ? { etag: null, lastModified: null } : validators;
  await deps.library.write(async (writer) => {
    writer.feeds.putListing(feed.id, stored.records);
    writer.feeds.recordSuccess(feed.id, { at: now.toISOString(), title: document.title ?? null, ...keep });
  });
  result.consecutiveFailures = 0;
  return result;
}

/**
 * The time before which a failing feed is not fetched, or null when it may be now. A time set
 * by a clock that ran ahead is brought back to the wait it was given, from now, and stored so.
 */
async function nextAttempt(feed: FeedRecord, context: PassContext, now: Date): Promise<string | null> {
  const next = effectiveNextAttempt(feed, now);
  if (next === null || next.getTime() <= now.getTime()) return null;
  const at = next.toISOString();
  if (feed.nextAttemptAt !== null && next.getTime() < Date.parse(feed.nextAttemptAt)) {
    await context.deps.library.write(async (writer) => writer.feeds.setNextAttempt(feed.id, at));
  }
  return at;
}

function entriesContext(context: PassContext, fetch: Fetcher, now: Date): StoreEntriesContext {
  const { deps, options } = context;
  return {
    library: deps.library,
    // Read when the items are stored: the model may load while pages are being fetched.
    get embedder() {
      return deps.embedder;
    },
    logger: deps.logger,
    pool: context.pool,
    chunking: options.chunking,
    maxBytes: options.maxBytes,
    signal: options.signal,
    now,
    fetchPage: pageFetcher(fetch, context.budget),
  };
}

/** The feed's title, how many entries it lists and how many were read (a notice when it listed more). */
function noteListing(result: FeedSyncResult, document: FeedDocument): void {
  if (document.title !== undefined) result.title = document.title;
  result.listed = document.total;
  result.read = document.entries.length;
  if (document.total > document.entries.length) result.notices.push(feedText.capped(document.total, document.entries.length));
}
