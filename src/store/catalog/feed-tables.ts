import type Database from 'better-sqlite3';

/*
 * The library's feed subscriptions (`feeds`) and what each feed's items became (`feed_items`),
 * in library.sqlite beside the articles. The tables are created with the catalog's schema
 * (FEEDS_SCHEMA, created by catalog-schema.ts); a library written before they existed, opened read-only, simply
 * has no feeds.
 */

export const FEEDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS feeds (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL,
  collection TEXT NOT NULL,
  title TEXT,
  -- the feed's validators from its last 200, sent back as If-None-Match / If-Modified-Since
  etag TEXT,
  last_modified TEXT,
  added_at TEXT NOT NULL,
  last_success_at TEXT,
  last_error_at TEXT,
  last_error TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  -- after a failure, not fetched again before this time (backoff, Retry-After)
  next_attempt_at TEXT,
  UNIQUE (collection, url)
);
CREATE TABLE IF NOT EXISTS feed_items (
  feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  -- the item's guid, else its link
  item_key TEXT NOT NULL,
  article_id TEXT NOT NULL,
  link TEXT,
  -- sha256 of the feed's own fields for the item: unchanged means the page alone may have changed
  item_hash TEXT NOT NULL,
  page_etag TEXT,
  page_last_modified TEXT,
  -- when the story page was last asked (200 or 304): unchanged items re-ask it on a schedule by age
  page_checked_at TEXT,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  -- the feed's fields for an item whose story is on its page (JSON); 1 while the feed lists it;
  -- the story's publication date (see FEED_ITEM_COLUMNS)
  entry TEXT,
  in_feed INTEGER NOT NULL DEFAULT 1,
  published_at TEXT,
  PRIMARY KEY (feed_id, item_key)
);
CREATE INDEX IF NOT EXISTS feed_items_article ON feed_items (article_id);
`;

/**
 * Columns added to feed_items after it first shipped, for re-asking story pages while the feed
 * itself answers 304:
 * - entry: the feed's own fields for an item whose story comes from its page (JSON), so that a
 *   changed page can be stored without the feed;
 * - in_feed: 1 while the feed lists the item (as of its last full read);
 * - published_at: the story's publication date, which sets how often its page is re-asked.
 */
const FEED_ITEM_COLUMNS: [string, string][] = [
  ['entry', 'TEXT'],
  ['in_feed', 'INTEGER NOT NULL DEFAULT 1'],
  ['published_at', 'TEXT'],
];

/**
 * Adds the columns a library written before them lacks. Its feeds forget their validators, so
 * that the next sync reads each whole and records its items' entries.
 */
export function migrateFeedTables(db: Database.Database): void {
  const have = new Set((db.prepare('PRAGMA table_info(feed_items)').all() as { name: string }[]).map((c) => c.name));
  const missing = FEED_ITEM_COLUMNS.filter(([name]) => !have.has(name));
  if (missing.length === 0) return;
  db.transaction(() => {
    for (const [name, type] of missing) db.exec(`ALTER TABLE feed_items ADD COLUMN ${name} ${type}`);
    db.exec('UPDATE feeds SET etag = NULL, last_modified = NULL');
  })();
}

/** A subscription as stored. Times are ISO 8601 date-times (UTC). */
export interface FeedRecord {
  id: number;
  url: string;
  collection: string;
  title: string | null;
  etag: string | null;
  lastModified: string | null;
  addedAt: string;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  nextAttemptAt: string | null;
  /** Items of the feed the library knows (each became an article). */
  items: number;
}

/** One feed item and the article it became. */
export interface FeedItemRecord {
  key: string;
  articleId: string;
  link: string | null;
  itemHash: string;
  pageEtag: string | null;
  pageLastModified: string | null;
  pageCheckedAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  /** The feed's fields for the item (JSON), kept when its story comes from its page; else null. */
  entry?: string | null;
  /** Whether the feed listed the item when it was last read whole (default true). */
  inFeed?: boolean;
  /** The story's publication date as stored (ISO), when known. */
  publishedAt?: string | null;
}

/** What reads need: the library hands this out to everyone. */
export interface FeedReader {
  list(collections?: readonly string[]): FeedRecord[];
  get(id: number): FeedRecord | undefined;
  findByUrl(collection: string, url: string): FeedRecord | undefined;
  items(feedId: number): Map<string, FeedItemRecord>;
}

interface FeedRow {
  id: number;
  url: string;
  collection: string;
  title: string | null;
  etag: string | null;
  last_modified: string | null;
  added_at: string;
  last_success_at: string | null;
  last_error_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
  next_attempt_at: string | null;
  items: number;
}

interface ItemRow {
  item_key: string;
  article_id: string;
  link: string | null;
  item_hash: string;
  page_etag: string | null;
  page_last_modified: string | null;
  page_checked_at: string | null;
  first_seen_at: string;
  last_seen_at: string;
  // Absent in a library from before them, opened read-only.
  entry?: string | null;
  in_feed?: number;
  published_at?: string | null;
}

const FEED_SELECT = `SELECT f.*, (SELECT count(*) FROM feed_items i WHERE i.feed_id = f.id) AS items FROM feeds f`;

function toRecord(row: FeedRow): FeedRecord {
  return {
    id: row.id,
    url: row.url,
    collection: row.collection,
    title: row.title,
    etag: row.etag,
    lastModified: row.last_modified,
    addedAt: row.added_at,
    lastSuccessAt: row.last_success_at,
    lastErrorAt: row.last_error_at,
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
    nextAttemptAt: row.next_attempt_at,
    items: row.items,
  };
}

/** Reads and writes of the feed tables. Writes are only reached through LibraryWriter (under the write lock). */
export class FeedTables implements FeedReader {
  private present: boolean | undefined;
  private readonly cache = new Map<string, Database.Statement>();

  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  /** False for a library from before feeds, opened read-only (its schema was never upgraded). */
  private exists(): boolean {
    this.present ??= this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feeds'").get() !== undefined;
    return this.present;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }

  list(collections?: readonly string[]): FeedRecord[] {
    if (!this.exists()) return [];
    const rows = collections
      ? this.statement(`${FEED_SELECT} WHERE f.collection IN (SELECT value FROM json_each(?)) ORDER BY f.id`).all(
          JSON.stringify(collections),
        )
      : this.statement(`${FEED_SELECT} ORDER BY f.id`).all();
    return (rows as FeedRow[]).map(toRecord);
  }

  get(id: number): FeedRecord | undefined {
    if (!this.exists()) return undefined;
    const row = this.statement(`${FEED_SELECT} WHERE f.id = ?`).get(id) as FeedRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  findByUrl(collection: string, url: string): FeedRecord | undefined {
    if (!this.exists()) return undefined;
    const row = this.statement(`${FEED_SELECT} WHERE f.collection = ? AND f.url = ?`).get(collection, url) as FeedRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  items(feedId: number): Map<string, FeedItemRecord> {
    const items = new Map<string, FeedItemRecord>();
    if (!this.exists()) return items;
    for (const row of this.statement('SELECT * FROM feed_items WHERE feed_id = ?').all(feedId) as ItemRow[]) {
      items.set(row.item_key, {
        key: row.item_key,
        articleId: row.article_id,
        link: row.link,
        itemHash: row.item_hash,
        pageEtag: row.page_etag,
        pageLastModified: row.page_last_modified,
        pageCheckedAt: row.page_checked_at,
        firstSeenAt: row.first_seen_at,
        lastSeenAt: row.last_seen_at,
        entry: row.entry ?? null,
        inFeed: row.in_feed !== 0,
        publishedAt: row.published_at ?? null,
      });
    }
    return items;
  }

  // ---------------------------------------------------------------- writes (through LibraryWriter)

  add(feed: { url: string; collection: string; title: string | null; addedAt: string }): FeedRecord {
    const info = this.statement('INSERT INTO feeds (url, collection, title, added_at) VALUES (?, ?, ?, ?)').run(
      feed.url,
      feed.collection,
      feed.title,
      feed.addedAt,
    );
    return this.get(Number(info.lastInsertRowid)) as FeedRecord;
  }

  /** Removes a subscription and its item records (the articles stay). */
  remove(id: number): boolean {
    return this.statement('DELETE FROM feeds WHERE id = ?').run(id).changes > 0;
  }

  /** A fetch that worked (a 200 or a 304): the validators to send next time, failures forgotten. */
  recordSuccess(id: number, success: { at: string; title?: string | null; etag: string | null; lastModified: string | null }): void {
    this.statement(
      `UPDATE feeds SET last_success_at = @at, consecutive_failures = 0, next_attempt_at = NULL,
              title = coalesce(@title, title), etag = @etag, last_modified = @lastModified WHERE id = @id`,
    ).run({ id, at: success.at, title: success.title ?? null, etag: success.etag, lastModified: success.lastModified });
  }

  recordFailure(id: number, failure: { at: string; message: string; consecutiveFailures: number; nextAttemptAt: string | null }): void {
    this.statement(
      `UPDATE feeds SET last_error_at = @at, last_error = @message, consecutive_failures = @consecutiveFailures,
              next_attempt_at = @nextAttemptAt WHERE id = @id`,
    ).run({ id, ...failure });
  }

  /** Adds or replaces item records in one transaction. */
  putItems(feedId: number, items: readonly FeedItemRecord[]): void {
    this.db.transaction(() => this.put(feedId, items))();
  }

  /**
   * The items of a feed read whole: `items` are the ones it lists now; every other item of the
   * feed is marked as no longer listed (its record stays: the article it became stays too).
   */
  putListing(feedId: number, items: readonly FeedItemRecord[]): void {
    this.db.transaction(() => {
      this.statement('UPDATE feed_items SET in_feed = 0 WHERE feed_id = ?').run(feedId);
      this.put(
        feedId,
        items.map((item) => ({ ...item, inFeed: true })),
      );
    })();
  }

  private put(feedId: number, items: readonly FeedItemRecord[]): void {
    const put = this.statement(
      `INSERT INTO feed_items (feed_id, item_key, article_id, link, item_hash, page_etag, page_last_modified, page_checked_at, first_seen_at,
                               last_seen_at, entry, in_feed, published_at)
       VALUES (@feedId, @key, @articleId, @link, @itemHash, @pageEtag, @pageLastModified, @pageCheckedAt, @firstSeenAt, @lastSeenAt,
               @entry, @inFeed, @publishedAt)
       ON CONFLICT (feed_id, item_key) DO UPDATE SET article_id = excluded.article_id, link = excluded.link,
         item_hash = excluded.item_hash, page_etag = excluded.page_etag, page_last_modified = excluded.page_last_modified,
         page_checked_at = excluded.page_checked_at, first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
         entry = excluded.entry, in_feed = excluded.in_feed, published_at = excluded.published_at`,
    );
    for (const item of items)
      put.run({ feedId, ...item, entry: item.entry ?? null, inFeed: item.inFeed === false ? 0 : 1, publishedAt: item.publishedAt ?? null });
  }

  /** A feed's next attempt moved (a time recorded by a clock that was wrong, brought back within reach). */
  setNextAttempt(id: number, nextAttemptAt: string): void {
    this.statement('UPDATE feeds SET next_attempt_at = ? WHERE id = ?').run(nextAttemptAt, id);
  }
}
