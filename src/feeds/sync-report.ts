import type { FeedRecord } from '../store/catalog/feed-tables.ts';

/** What a sync reports, feed by feed and in total (`newsroom feeds sync --json` prints these). */

export type FeedSyncStatus = 'synced' | 'not_modified' | 'failed' | 'waiting';

/** What one feed's sync did. */
export interface FeedSyncResult {
  id: number;
  url: string;
  title: string | null;
  collection: string;
  /**
   * `synced` (read), `not_modified` (the feed answered 304; story pages due a check were asked
   * again), `failed`, `waiting` (backing off after failures, not fetched).
   */
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
  /** Feeds that synced (read or unchanged) with no story failing, and that failed (or still wait out a failure). */
  synced: number;
  failed: number;
  /** Feeds that synced but some of whose stories could not be read (`failedItems` of them in all). */
  partial: number;
  failedItems: number;
  added: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  requests: number;
  bytes: number;
  seconds: number;
}

export function freshResult(feed: FeedRecord): FeedSyncResult {
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

/** A feed read (or unchanged) without a failed story. */
export function fullySynced(result: FeedSyncResult): boolean {
  return (result.status === 'synced' || result.status === 'not_modified') && result.failed === 0;
}

export function totalReport(results: FeedSyncResult[], seconds: number): FeedSyncReport {
  const sum = (pick: (r: FeedSyncResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const read = results.filter((r) => r.status === 'synced' || r.status === 'not_modified');
  return {
    feeds: results,
    synced: read.filter((r) => r.failed === 0).length,
    failed: results.length - read.length,
    partial: read.filter((r) => r.failed > 0).length,
    failedItems: sum((r) => r.failed),
    added: sum((r) => r.added),
    updated: sum((r) => r.updated),
    unchanged: sum((r) => r.unchanged),
    duplicates: sum((r) => r.duplicates),
    requests: sum((r) => r.requests),
    bytes: sum((r) => r.bytes),
    seconds,
  };
}
