import type { App } from '../app.ts';
import type { IngestSummary } from '../ingest.ts';
import { syncPaths } from '../sync.ts';
import { FolderWatcher } from './folder-watcher.ts';

/**
 * Follows ARTICLES_DIR while the bot or console runs (WATCH_ARTICLES): files added or changed
 * there are ingested, removed ones retracted, through the same ingest path as everything else.
 * Returns null when there is nothing to follow (no folder, watching off, a read-only library).
 * Call `resume()` once the start-up sync is done, and `stop()` before closing the app.
 */
export function followArticlesDir(app: App, report: (summary: IngestSummary) => void): FolderWatcher | null {
  const dir = app.config.articlesDir;
  if (!dir || !app.config.watchArticles || app.library.readOnly) return null;
  const watcher = new FolderWatcher({
    dir,
    settleMs: app.config.watchSettleMs,
    // A DATA_DIR inside the folder changes with every write: never read it as articles.
    ignore: [app.config.dataDir],
    logger: app.logger,
    apply: async ({ read, prune }) => report(await syncPaths(app, read, prune)),
    resync: async () => report(await syncPaths(app, [dir], [dir])),
  });
  watcher.start();
  return watcher;
}
