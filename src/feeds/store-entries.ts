import type { LoadResult } from '../articles/article.ts';
import type { ParsePool } from '../articles/parse-pool.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import { errorMessage } from '../errors.ts';
import { ingest } from '../ingest.ts';
import type { ChunkingOptions } from '../ingest/chunks.ts';
import type { Logger } from '../log.ts';
import { feedText } from '../messages/feeds.ts';
import type { FeedItemRecord, FeedRecord } from '../store/catalog/feed-tables.ts';
import type { Library } from '../store/library.ts';
import { entryKey, newArticleId, resolveEntry, type EntryContext, type EntryOutcome } from './entry-article.ts';
import { mapWithLimit } from './host-limiter.ts';
import type { FeedEntry } from '../articles/feed/types.ts';

/*
 * One feed's entries → stored articles. Entries without an identity, or naming an article a
 * second time, are skipped with a notice; the others are resolved (pages fetched, text
 * extracted: entry-article.ts) a few at a time, and the articles stored through the one ingest
 * path in the feed's collection.
 */

/** Entries of one feed worked on at the same time (their page requests still wait for the host limit). */
const ENTRIES_AT_ONCE = 8;

export interface StoreEntriesContext {
  library: Library;
  /** Null when the model is unavailable: articles are stored keyword-searchable, embedded later. */
  embedder: Embedder | null;
  logger: Logger;
  pool: ParsePool;
  chunking: ChunkingOptions;
  maxBytes: number;
  /** Cancels: no more entries are read and nothing more is stored. */
  signal: AbortSignal | undefined;
  /** This sync's time. */
  now: Date;
  fetchPage: EntryContext['fetchPage'];
}

/** What storing a feed's entries counts and notes (a FeedSyncResult has these fields). */
export interface EntryTally {
  added: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  failed: number;
  skipped: number;
  notices: string[];
  itemFailures: string[];
}

type ArticleOutcome = Extract<EntryOutcome, { kind: 'article' }>;

/** The item records to keep (those stored, unchanged, or failed but stored before), and whether a failure is worth retrying. */
export interface StoredEntries {
  records: FeedItemRecord[];
  /** An entry failed in a way the next sync may not (a page that did not answer, a refused store). */
  retry: boolean;
}

/** Resolves and stores the entries, counting into `tally`. */
export async function storeEntries(
  feed: FeedRecord,
  entries: readonly FeedEntry[],
  tally: EntryTally,
  context: StoreEntriesContext,
): Promise<StoredEntries> {
  const stored = context.library.catalog.feeds.items(feed.id);
  const planned = planEntries(entries, stored, tally);
  const outcomes = await resolveEntries(feed, planned, stored, context);
  const { records, articles } = sortOutcomes(outcomes, tally);
  const retry = outcomes.some((o) => o.kind === 'failed' && !o.permanent);
  if (articles.length === 0 || context.signal?.aborted) return { records, retry };
  const failedBefore = tally.failed;
  const ingested = await ingestArticles(feed, articles, stored, tally, context);
  return { records: [...records, ...ingested], retry: retry || tally.failed > failedBefore };
}

/** The entries worth resolving: each has an identity and names an article no other entry names. */
function planEntries(entries: readonly FeedEntry[], stored: Map<string, FeedItemRecord>, tally: EntryTally): FeedEntry[] {
  const keys = new Set<string>();
  const ids = new Set<string>();
  const planned: FeedEntry[] = [];
  const skip = (notice: string): void => {
    tally.skipped++;
    tally.notices.push(notice);
  };
  for (const entry of entries) {
    const key = entryKey(entry);
    if (key === undefined && entry.unusableLink !== undefined) {
      // Nothing to store it by, nothing to fetch: failed, and failing again would change nothing.
      tally.failed++;
      tally.itemFailures.push(feedText.unusableLink(entry, entry.unusableLink));
      continue;
    }
    if (key === undefined) {
      skip(feedText.noIdentity(entry));
      continue;
    }
    const articleId = stored.get(key)?.articleId ?? newArticleId(entry);
    if (keys.has(key) || ids.has(articleId)) {
      skip(feedText.sameArticleTwice(entry, articleId));
      continue;
    }
    keys.add(key);
    ids.add(articleId);
    planned.push(entry);
  }
  return planned;
}

function resolveEntries(
  feed: FeedRecord,
  planned: readonly FeedEntry[],
  stored: Map<string, FeedItemRecord>,
  context: StoreEntriesContext,
): Promise<EntryOutcome[]> {
  const entryContext: EntryContext = {
    feedUrl: feed.url,
    maxBytes: context.maxBytes,
    pool: context.pool,
    now: context.now.toISOString(),
    fetchPage: context.fetchPage,
  };
  return mapWithLimit(planned, ENTRIES_AT_ONCE, async (entry): Promise<EntryOutcome> => {
    if (context.signal?.aborted) return { kind: 'failed', error: 'cancelled', record: null };
    const key = entryKey(entry) as string;
    try {
      return await resolveEntry(entry, stored.get(key), entryContext);
    } catch (error) {
      // The parse worker itself failing (shut down, could not start) is not the entry's fault: keep what is stored.
      context.logger.error({ err: error, feed: feed.url, entry: entry.link ?? entry.guid }, 'feed entry could not be read');
      return { kind: 'failed', error: feedText.itemFailed(entry, errorMessage(error), stored.has(key)), record: null };
    }
  });
}

/** Counts the entries that need no storing (unchanged, failed), keeping their records; returns the articles to store. */
function sortOutcomes(outcomes: readonly EntryOutcome[], tally: EntryTally): { records: FeedItemRecord[]; articles: ArticleOutcome[] } {
  const records: FeedItemRecord[] = [];
  const articles: ArticleOutcome[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind === 'unchanged') {
      tally.unchanged++;
      records.push(outcome.record);
    } else if (outcome.kind === 'failed') {
      tally.failed++;
      tally.itemFailures.push(outcome.error);
      if (outcome.record) records.push(outcome.record);
    } else {
      articles.push(outcome);
      tally.notices.push(...outcome.notices);
    }
  }
  return { records, articles };
}

/** Stores the articles through ingest(); returns the records of those stored, and of those refused but stored before. */
async function ingestArticles(
  feed: FeedRecord,
  articles: readonly ArticleOutcome[],
  stored: Map<string, FeedItemRecord>,
  tally: EntryTally,
  context: StoreEntriesContext,
): Promise<FeedItemRecord[]> {
  const summary = await ingest(
    { library: context.library, embedder: context.embedder },
    untilAborted(
      articles.map((a): LoadResult => ({ ok: true, article: a.article })),
      context.signal,
    ),
    { collection: feed.collection, chunking: context.chunking },
  );
  // Cancelled part-way: what was stored stays, and its items are seen again (unchanged) next time.
  if (context.signal?.aborted) return [];
  const refused = new Map(summary.failures.map((f) => [f.source, f.error]));
  const records: FeedItemRecord[] = [];
  for (const { article, record } of articles) {
    const error = refused.get(article.source);
    if (error === undefined) {
      records.push(record);
    } else {
      tally.failed++;
      tally.itemFailures.push(error);
      const before = stored.get(record.key);
      if (before) records.push({ ...before, lastSeenAt: record.lastSeenAt });
    }
  }
  tally.added += summary.added;
  tally.updated += summary.updated;
  tally.unchanged += summary.unchanged;
  tally.duplicates += summary.duplicates;
  return records;
}

/** The items, one by one, until the signal says stop (ingest then finishes the few it holds and returns). */
async function* untilAborted<T>(items: readonly T[], signal: AbortSignal | undefined): AsyncGenerator<T, void, undefined> {
  for (const item of items) {
    if (signal?.aborted) return;
    yield item;
  }
}
