import type { App } from '../app.ts';
import { sharedParsePool } from '../articles/parse-pool.ts';
import { UserError } from '../errors.ts';
import { feedText } from '../messages/feeds.ts';
import { fetchMessages } from '../messages/network.ts';
import { storeMessages } from '../messages/store.ts';
import { fetchSafely, type Resolver } from '../net/safe-fetch.ts';
import type { FeedRecord } from '../store/catalog/feed-tables.ts';
import { FEED_ACCEPT, FEED_REQUEST_TIMEOUT_MS, MAX_ITEMS_PER_FEED } from './sync.ts';
import type { FeedDocument } from '../articles/feed/types.ts';

/*
 * Following and unfollowing feeds: what `newsroom feeds add|remove` and Discord's /feeds do.
 * Following fetches the feed once (through the network boundary, parsed in a worker) to check it
 * is a feed and to read its title; its stories come in with the next sync.
 */

/** An absolute http(s) address as stored and compared ("HTTPS://News.Example" → "https://news.example/"). */
export function feedAddress(address: string): string {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    throw new UserError(fetchMessages.notHttp(address));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(fetchMessages.notHttp(address));
  if (url.username !== '' || url.password !== '') {
    url.username = '';
    url.password = '';
    throw new UserError(fetchMessages.credentials(url.href));
  }
  url.hash = '';
  return url.href;
}

export interface Followed {
  feed: FeedRecord;
  /** The feed as it was read when followed. */
  document: FeedDocument;
}

/** Follows the feed at `address` in `collection`; a UserError says why not (already followed, not a feed, unreachable…). */
export async function followFeed(app: App, address: string, collection: string, options: { resolve?: Resolver } = {}): Promise<Followed> {
  const url = feedAddress(address);
  const existing = app.library.catalog.feeds.findByUrl(collection, url);
  if (existing) throw new UserError(feedText.alreadyFollowed(existing));
  if (app.library.readOnly) throw new UserError(storeMessages.readOnly());

  const fetched = await fetchSafely(url, {
    policy: app.config.fetch.policy,
    timeoutMs: FEED_REQUEST_TIMEOUT_MS,
    maxBytes: app.config.maxFileBytes,
    headers: { accept: FEED_ACCEPT },
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  if (!fetched.ok) throw new UserError(fetched.message);
  const contentType = fetched.headers.get('content-type');
  const parsed = await sharedParsePool().parseFeed(url, fetched.body, {
    maxEntries: MAX_ITEMS_PER_FEED,
    baseUrl: fetched.url,
    ...(contentType ? { contentType } : {}),
  });
  if (!parsed.ok) throw new UserError(parsed.error);

  const feed = await app.library.write(async (writer) => {
    // Another editor or process may have followed it while this one was fetching.
    const again = writer.feeds.findByUrl(collection, url);
    if (again) throw new UserError(feedText.alreadyFollowed(again));
    return writer.feeds.add({ url, collection, title: parsed.value.title ?? null, addedAt: new Date().toISOString() });
  });
  return { feed, document: parsed.value };
}

/**
 * The followed feed `reference` names: its number in `feeds list`, or its address. `collections`
 * limits where it is looked for; an address followed in several of them must be named by number.
 */
export function findFeed(app: App, reference: string, collections?: readonly string[]): FeedRecord {
  const text = reference.trim();
  if (/^\d+$/.test(text)) {
    const feed = app.library.catalog.feeds.get(Number(text));
    if (feed && (!collections || collections.includes(feed.collection))) return feed;
    throw new UserError(feedText.notFound(text));
  }
  let url: string;
  try {
    url = feedAddress(text);
  } catch {
    throw new UserError(feedText.notFound(text));
  }
  const matches = app.library.catalog.feeds.list(collections).filter((f) => f.url === url);
  const [only] = matches;
  if (!only) throw new UserError(feedText.notFound(text));
  if (matches.length > 1) throw new UserError(feedText.ambiguous(url, matches));
  return only;
}

/** Stops following a feed. The articles it brought in stay (retract them with forget). */
export async function unfollowFeed(app: App, feed: FeedRecord): Promise<FeedRecord> {
  await app.library.write(async (writer) => writer.feeds.remove(feed.id));
  return feed;
}
