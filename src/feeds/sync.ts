import { sharedParsePool, type ParsePool } from '../articles/parse-pool.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import { errorMessage, isUserError } from '../errors.ts';
import type { ChunkingOptions } from '../ingest.ts';
import type { Logger } from '../log.ts';
import { feedText, fetchMessages } from '../messages.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import { fetchSafely, type FetchOptions, type FetchResult, type Resolver } from '../net/safe-fetch.ts';
import type { FeedRecord } from '../store/feed-tables.ts';
import type { Library } from '../store/library.ts';
import { nextAttemptAfter } from './backoff.ts';
import { conditionalHeaders, validatorsOf } from './conditional.ts';
import { STORY_PAGE_TYPES } from './entry-article.ts';
import { HostLimiter, mapWithLimit } from './host-limiter.ts';
import { storeEntries } from './store-entries.ts';
import type { FeedDocument } from './types.ts';

/*
 * One pass over the followed feeds. Each feed is fetched conditionally (its ETag and
 * Last-Modified sent back), parsed in a worker, and its newest entries become articles stored
 * through the one ingest path in the feed's collection (store-entries.ts). A feed that
 * fails is recorded with its error and a time before which it is not fetched again (backoff,
 * Retry-After); it never stops the others. Requests to one host are limited across the whole
 * pass. Network waits happen outside the library's write lock; only the writes take it.
 */

/** Entries read from one feed per sync: the newest by date. */
export const MAX_ITEMS_PER_FEED = 200;
/** Requests in flight to one host. */
export const REQUESTS_PER_HOST = 2;
/** One request (redirects and body included) must finish within this. */
export const FEED_REQUEST_TIMEOUT_MS = 15_000;
/** Feeds worked on at the same time. */
const FEEDS_AT_ONCE = 4;

/** What a feed request says it accepts: feeds first, any XML or JSON after. */
export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/json;q=0.8, ' +
  'application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';

export interface FeedSyncDeps {
  library: Library;
  /** Null when the model is unavailable: articles are stored keyword-searchable, embedded later. */
  embedder: Embedder | null;
  logger: Logger;
  pool?: ParsePool;
}

export interface FeedSyncOptions {
  policy: AddressPolicy;
  /** Largest feed or page accepted (MAX_FILE_MB). */
  maxBytes: number;
  chunking: ChunkingOptions;
  timeoutMs?: number;
  maxItems?: number;
  perHost?: number;
  /** The clock (tests move it past a backoff). */
  now?: () => Date;
  /** Cancels the pass (shutdown): requests stop, nothing more is stored, no failure is recorded. */
  signal?: AbortSignal;
  resolve?: Resolver;
  /** Only these feeds (default: every followed feed). */
  feeds?: readonly FeedRecord[];
}

export type FeedSyncStatus = 'synced' | 'not_modified' | 'failed' | 'waiting';

/** What one feed's sync did (`newsroom feeds sync --json` prints these). */
export interface FeedSyncResult {
  id: number;
  url: string;
  title: string | null;
  collection: string;
  /** `synced` (read), `not_modified` (the feed answered 304), `failed`, `waiting` (backing off after failures, not fetched). */
  status: FeedSyncStatus;
  /** Entries the feed lists, and how many of them were read (the newest MAX_ITEMS_PER_FEED). */
  listed: number;
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Entries that were a story already stored in the collection under another id (stored once: see ingest's duplicates). */
  duplicates: number;
  /** Entries that could not be stored this time (each in `itemFailures`). */
  failed: number;
  /** Entries left out on purpose (each in `notices`). */
  skipped: number;
  requests: number;
  /** Bytes of response bodies received (after decompression). */
  bytes: number;
  seconds: number;
  /** Why the feed failed (status failed or waiting). */
  error: string | null;
  consecutiveFailures: number;
  nextAttemptAt: string | null;
  /** What the report must say: the cap, entries skipped, dates taken from elsewhere. */
  notices: string[];
  itemFailures: string[];
}

export interface FeedSyncReport {
  feeds: FeedSyncResult[];
  /** Feeds that synced (read or unchanged) and that failed (or still wait out a failure). */
  synced: number;
  failed: number;
  added: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  requests: number;
  bytes: number;
  seconds: number;
}

interface PassContext {
  deps: FeedSyncDeps;
  options: FeedSyncOptions;
  pool: ParsePool;
  hosts: HostLimiter;
  now: () => Date;
}

/** Syncs every followed feed (or `options.feeds`) once. Never throws for a feed's failure: it is in the report. */
export async function syncFeeds(deps: FeedSyncDeps, options: FeedSyncOptions): Promise<FeedSyncReport> {
  const started = performance.now();
  const context: PassContext = {
    deps,
    options,
    pool: deps.pool ?? sharedParsePool(),
    hosts: new HostLimiter(options.perHost ?? REQUESTS_PER_HOST),
    now: options.now ?? (() => new Date()),
  };
  const feeds = options.feeds ?? deps.library.feeds.list();
  const results = await mapWithLimit(feeds, FEEDS_AT_ONCE, (feed) => syncFeed(feed, context));
  const sum = (pick: (r: FeedSyncResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  return {
    feeds: results,
    synced: results.filter((r) => r.status === 'synced' || r.status === 'not_modified').length,
    failed: results.filter((r) => r.status === 'failed' || r.status === 'waiting').length,
    added: sum((r) => r.added),
    updated: sum((r) => r.updated),
    unchanged: sum((r) => r.unchanged),
    duplicates: sum((r) => r.duplicates),
    requests: sum((r) => r.requests),
    bytes: sum((r) => r.bytes),
    seconds: (performance.now() - started) / 1000,
  };
}

async function syncFeed(feed: FeedRecord, context: PassContext): Promise<FeedSyncResult> {
  const started = performance.now();
  const result = freshResult(feed);
  try {
    return await fetchAndStore(feed, result, context);
  } catch (error) {
    // Not the feed's fault (the library could not be written, the parser could not run): reported
    // for this feed, logged for the operator, and the other feeds go on. Nothing is recorded.
    context.deps.logger.error({ err: error, feedId: feed.id, feed: feed.url }, 'feed sync failed unexpectedly');
    return Object.assign(result, { status: 'failed', error: isUserError(error) ? error.message : feedText.unexpected(errorMessage(error)) });
  } finally {
    result.seconds = (performance.now() - started) / 1000;
  }
}

function freshResult(feed: FeedRecord): FeedSyncResult {
  return {
    id: feed.id,
    url: feed.url,
    title: feed.title,
    collection: feed.collection,
    status: 'synced',
    listed: 0,
    read: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    duplicates: 0,
    failed: 0,
    skipped: 0,
    requests: 0,
    bytes: 0,
    seconds: 0,
    error: null,
    consecutiveFailures: feed.consecutiveFailures,
    nextAttemptAt: null,
    notices: [],
    itemFailures: [],
  };
}

/** Fetches the feed (conditionally), reads it and stores its entries; records how that went. */
async function fetchAndStore(feed: FeedRecord, result: FeedSyncResult, context: PassContext): Promise<FeedSyncResult> {
  const { deps, options } = context;
  const now = context.now();
  if (feed.nextAttemptAt !== null && Date.parse(feed.nextAttemptAt) > now.getTime()) {
    return Object.assign(result, { status: 'waiting', error: feed.lastError, nextAttemptAt: feed.nextAttemptAt });
  }
  const fetch = countedFetch(result, context);
  const fetched = await fetch(feed.url, { accept: FEED_ACCEPT, ...conditionalHeaders(feed) });
  if (!fetched.ok) return await failed(feed, result, context, now, fetched.message, fetched.retryAfterSeconds);

  const validators = validatorsOf(fetched.headers, feed);
  if (fetched.status === 304) {
    await deps.library.write(async (writer) => writer.feeds.recordSuccess(feed.id, { at: now.toISOString(), ...validators }));
    return Object.assign(result, { status: 'not_modified', consecutiveFailures: 0 });
  }
  const parsed = await context.pool.parseFeed(feed.url, fetched.body, {
    maxEntries: options.maxItems ?? MAX_ITEMS_PER_FEED,
    baseUrl: fetched.url,
    ...(fetched.headers.get('content-type') ? { contentType: fetched.headers.get('content-type') as string } : {}),
  });
  if (!parsed.ok) return await failed(feed, result, context, now, parsed.error);
  const document = parsed.feed;
  noteListing(result, document);

  const records = await storeEntries(feed, document.entries, result, {
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
    fetchPage: (url, headers) => fetch(url, headers, STORY_PAGE_TYPES),
  });
  if (options.signal?.aborted) return Object.assign(result, { status: 'failed', error: fetchMessages.aborted(feed.url) });
  // An item that could not be read (its page not online yet, say) must be tried again: without
  // validators the next sync reads the whole feed instead of taking a 304 for "nothing new".
  const keep = result.failed > 0 ? { etag: null, lastModified: null } : validators;
  await deps.library.write(async (writer) => {
    writer.feeds.putItems(feed.id, records);
    writer.feeds.recordSuccess(feed.id, { at: now.toISOString(), title: document.title ?? null, ...keep });
  });
  result.consecutiveFailures = 0;
  return result;
}

/** The feed's title, how many entries it lists and how many were read (a notice when it listed more). */
function noteListing(result: FeedSyncResult, document: FeedDocument): void {
  if (document.title !== undefined) result.title = document.title;
  result.listed = document.total;
  result.read = document.entries.length;
  if (document.total > document.entries.length) result.notices.push(feedText.capped(document.total, document.entries.length));
}

type Fetcher = (url: string, headers: Record<string, string>, accept?: FetchOptions['accept']) => Promise<FetchResult>;

/** Fetches through the network boundary, within the host limit, counting requests and bytes into `result`. */
function countedFetch(result: FeedSyncResult, context: PassContext): Fetcher {
  const { options } = context;
  return (url, headers, accept) =>
    context.hosts.run(url, async () => {
      if (options.signal?.aborted) return { ok: false, kind: 'aborted', message: fetchMessages.aborted(url) };
      result.requests++;
      const fetched = await fetchSafely(url, {
        policy: options.policy,
        timeoutMs: options.timeoutMs ?? FEED_REQUEST_TIMEOUT_MS,
        maxBytes: options.maxBytes,
        headers,
        ...(accept ? { accept } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.resolve ? { resolve: options.resolve } : {}),
      });
      if (fetched.ok) result.bytes += fetched.body.length;
      return fetched;
    });
}

/** Records a feed's failure and when to try it again; a cancelled sync records nothing. */
async function failed(
  feed: FeedRecord,
  result: FeedSyncResult,
  context: PassContext,
  now: Date,
  message: string,
  retryAfterSeconds?: number,
): Promise<FeedSyncResult> {
  if (context.options.signal?.aborted) return Object.assign(result, { status: 'failed', error: message });
  const failures = feed.consecutiveFailures + 1;
  const nextAttemptAt = nextAttemptAfter(now, failures, retryAfterSeconds).toISOString();
  await context.deps.library.write(async (writer) =>
    writer.feeds.recordFailure(feed.id, { at: now.toISOString(), message, consecutiveFailures: failures, nextAttemptAt }),
  );
  return Object.assign(result, { status: 'failed', error: message, consecutiveFailures: failures, nextAttemptAt });
}
