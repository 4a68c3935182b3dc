import type { App } from '../app.ts';
import type { Logger } from '../log.ts';
import { runFeedSync, type FeedSyncRun } from './run-sync.ts';
import type { FeedSyncReport } from './sync.ts';

export interface FeedPollerOptions {
  /** Time from the end of one pass to the start of the next (FEED_POLL_SECONDS). */
  intervalMs: number;
  /** Before the first pass (default: at once). */
  firstDelayMs?: number;
  /** Hears about each pass (tests, the console). */
  onPass?: (run: FeedSyncRun) => void;
}

/** How long stop() waits for a pass in progress to wind down after cancelling it. */
const STOP_WAIT_MS = 10_000;

/**
 * Syncs every followed feed in the background of the running bot or console: one pass at start,
 * then one every interval after the previous pass ended (so passes never overlap here), and never
 * while another process syncs (the feed sync lock). All of it is asynchronous, parsing happens in
 * worker threads, and questions are answered meanwhile. stop() cancels a pass in progress (its
 * requests stop, nothing more is stored) and waits for it to end.
 */
export class FeedPoller {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private stopped = false;
  private readonly cancel = new AbortController();

  private readonly app: App;
  private readonly options: FeedPollerOptions;

  constructor(app: App, options: FeedPollerOptions) {
    this.app = app;
    this.options = options;
  }

  start(): void {
    this.schedule(this.options.firstDelayMs ?? 0);
  }

  /** Stops polling; true when no pass is left running (false: one was still storing after the wait, logged). */
  async stop(): Promise<boolean> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.cancel.abort();
    const pass = this.pass;
    if (!pass) return true;
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      pass.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (!ended) this.app.logger.warn({ waitedMs: STOP_WAIT_MS }, 'feed sync still running at shutdown');
    return ended;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pass = this.runPass().finally(() => {
        this.pass = null;
        this.schedule(this.options.intervalMs);
      });
    }, delayMs);
    // The poller alone never keeps a process alive (the bot's gateway or the console's input does).
    this.timer.unref();
  }

  private async runPass(): Promise<void> {
    const { library, logger } = this.app;
    try {
      if (library.readOnly || library.catalog.feeds.list().length === 0) return;
      const run = await runFeedSync(this.app, { signal: this.cancel.signal });
      if (this.cancel.signal.aborted) return;
      if (run.ran) logFeedSync(logger, run.report);
      else logger.debug({ holder: run.holder }, 'feed sync skipped: another sync is running');
      this.options.onPass?.(run);
    } catch (error) {
      logger.error({ err: error }, 'feed sync failed');
    }
  }
}

/** Starts polling as configured; null when FEED_POLL_SECONDS is 0 or the library is read-only. */
export function startFeedPolling(app: App, options: Partial<FeedPollerOptions> = {}): FeedPoller | null {
  const seconds = app.config.feeds.pollSeconds;
  if (seconds === null || app.library.readOnly) return null;
  const poller = new FeedPoller(app, { intervalMs: seconds * 1000, ...options });
  poller.start();
  return poller;
}

/**
 * The operator's log of a pass: a line per feed that brought something or failed (warn), one for
 * a feed still waiting out its backoff (info), and a summary.
 */
export function logFeedSync(logger: Logger, report: FeedSyncReport): void {
  for (const feed of report.feeds) {
    const fields = { feedId: feed.id, feed: feed.url, collection: feed.collection };
    if (feed.status === 'failed') {
      logger.warn(
        { ...fields, error: feed.error, failures: feed.consecutiveFailures, nextAttemptAt: feed.nextAttemptAt },
        'feed sync failed',
      );
    } else if (feed.status === 'waiting') {
      logger.info(
        { ...fields, lastError: feed.error, failures: feed.consecutiveFailures, nextAttemptAt: feed.nextAttemptAt },
        'feed waiting after failures',
      );
    } else if (feed.added + feed.updated + feed.duplicates + feed.failed > 0 || feed.notices.length > 0) {
      const counts = {
        added: feed.added,
        updated: feed.updated,
        unchanged: feed.unchanged,
        duplicates: feed.duplicates,
        failed: feed.failed,
        requests: feed.requests,
      };
      const line = {
        ...fields,
        ...counts,
        seconds: Number(feed.seconds.toFixed(2)),
        notices: feed.notices,
        itemFailures: feed.itemFailures,
      };
      if (feed.failed > 0) logger.warn(line, 'feed synced; some items could not be read');
      else logger.info(line, 'feed synced');
    }
  }
  const { synced, failed, added, updated, requests, bytes } = report;
  const summary = { synced, failed, added, updated, requests, bytes, seconds: Number(report.seconds.toFixed(2)) };
  // A pass that changed nothing is routine: logged at debug, so a quiet day is a quiet log.
  if (added + updated + failed > 0) logger.info(summary, 'feeds synced');
  else logger.debug(summary, 'feeds synced');
}
