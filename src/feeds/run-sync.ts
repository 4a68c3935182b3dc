import type { App } from '../app.ts';
import { UserError } from '../errors.ts';
import { storeMessages } from '../messages/store.ts';
import type { Resolver } from '../net/safe-fetch.ts';
import type { FeedRecord } from '../store/catalog/feed-tables.ts';
import { WriteLock, type LockHolder } from '../store/write-lock.ts';
import { syncFeeds, type FeedSyncReport } from './sync.ts';

/**
 * The feed sync's own lock, beside the library's write lock in DATA_DIR: held for a whole pass, so
 * a cron `newsroom feeds sync` and the running bot's poller never sync at the same time. Like the
 * write lock it is an SQLite transaction, released by the operating system if its holder dies.
 */
export const FEED_SYNC_LOCK_FILES = { lock: 'feed-sync-lock.sqlite', holder: 'feed-sync-lock.json' } as const;

export type FeedSyncRun = { ran: true; report: FeedSyncReport } | { ran: false; holder: LockHolder | null };

export interface RunFeedSyncOptions {
  signal?: AbortSignal;
  now?: () => Date;
  resolve?: Resolver;
  feeds?: readonly FeedRecord[];
  /** Per request (default FEED_REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
  /** The pass's and each feed's story pages' time (default PASS_BUDGET_MS, FEED_PAGES_BUDGET_MS). */
  passBudgetMs?: number;
  pageBudgetMs?: number;
}

/**
 * One sync of every followed feed with the app's settings, unless another one is running (in this
 * process or another): then nothing is done and the holder is returned. Never waits.
 */
export async function runFeedSync(app: App, options: RunFeedSyncOptions = {}): Promise<FeedSyncRun> {
  if (app.library.readOnly) throw new UserError(storeMessages.readOnly());
  const lock = new WriteLock(app.config.dataDir, { waitMs: 0, logger: app.logger, files: FEED_SYNC_LOCK_FILES });
  try {
    if (!lock.tryAcquire()) return { ran: false, holder: lock.holder() };
    try {
      const report = await syncFeeds(
        {
          library: app.library,
          // Read when the pass stores its items, not when it starts: the model may load meanwhile
          // (the background retry), and chunks stored keyword-only after the switch embedded its
          // pending ones would stay unembedded until the next start.
          get embedder() {
            return app.embedder;
          },
          logger: app.logger,
        },
        {
          policy: app.config.fetch.policy,
          maxBytes: app.config.maxFileBytes,
          chunking: app.config.chunking,
          ...options,
        },
      );
      for (const feed of report.feeds) app.metrics?.feedSynced(feed.status);
      const failedItems = report.feeds.reduce((n, feed) => n + feed.failed, 0);
      app.metrics?.ingestFinished('feed', {
        added: report.added,
        updated: report.updated,
        unchanged: report.unchanged,
        removed: 0,
        failed: failedItems,
      });
      // Stories stored without a vector (the model was missing) are embedded in the background.
      app.backgroundEmbedding.kick();
      return { ran: true, report };
    } finally {
      lock.release();
    }
  } finally {
    lock.close();
  }
}
