import fs from 'node:fs';
import path from 'node:path';
import type { App } from './app.ts';
import { loadPaths } from './articles/load.ts';
import { ingest, type IngestSummary } from './ingest.ts';
import { failureLines, summaryLine } from './ingest-report.ts';
import type { Logger } from './log.ts';
import { cliText } from './messages/cli.ts';
import { SHARED_COLLECTION } from './store/types.ts';

/** Failed items listed one by one under a sync's summary; the rest are counted. */
const LISTED_FAILURES = 20;

/**
 * Brings the shared collection up to date with ARTICLES_DIR (unchanged files are skipped by
 * hash, so this is cheap on every start): text and keyword index first, then the chunks awaiting
 * a vector (these, and any stored while the model was missing) are embedded in the background.
 * A followed folder (WATCH_ARTICLES) is also pruned: what was removed from it while the bot was
 * stopped is retracted. The caller reports the summary: `syncReport` for people, `logSync` for the
 * operator's log.
 */
export async function syncArticlesDir(app: App): Promise<IngestSummary | null> {
  // A read-only library is served as it is.
  if (app.library.readOnly) return null;
  const dir = app.config.articlesDir;
  let summary: IngestSummary | null = null;
  if (dir) summary = await syncPaths(app, [dir], app.config.watchArticles ? [dir] : null);
  app.backgroundEmbedding.kick();
  return summary;
}

/**
 * Ingests `paths` (files or folders under ARTICLES_DIR) into the shared collection; with
 * `pruneRoots`, the sources under them that were not read this time are retracted (a path that
 * failed to load keeps what it had). The start-up sync's and the watched folder's one way in;
 * each run is counted in the `articles_dir` ingest metrics.
 */
export async function syncPaths(app: App, paths: readonly string[], pruneRoots: readonly string[] | null): Promise<IngestSummary> {
  let summary: IngestSummary;
  try {
    summary = await ingest(
      { library: app.library, embedder: app.embedder },
      loadPaths(paths, {
        maxBytes: app.config.maxFileBytes,
        links: app.config.followSymlinks,
        ...(app.config.articlesDir ? { root: app.config.articlesDir } : {}),
      }),
      {
        collection: SHARED_COLLECTION,
        chunking: app.config.chunking,
        embed: 'later',
        ...(pruneRoots ? { prune: { roots: [...pruneRoots] } } : {}),
      },
    );
  } catch (error) {
    app.metrics?.ingestFinished('articles_dir', null);
    throw error;
  } finally {
    // Keyword-searchable now; embedded in the background, newest first.
    app.backgroundEmbedding.kick();
  }
  app.metrics?.ingestFinished('articles_dir', summary);
  return summary;
}

/** Why each item failed, the missing ARTICLES_DIR itself said plainly. */
function reasons(dir: string, summary: IngestSummary): string[] {
  const only = summary.failures[0];
  if (summary.failures.length === 1 && only && path.resolve(only.source) === path.resolve(dir) && !fs.existsSync(dir)) {
    return [`✗ ${cliText.articlesDirMissing(dir)}`];
  }
  return failureLines(summary, LISTED_FAILURES);
}

/** "Articles from <dir>: added … · failed 1 · …" and, under it, why each failed item failed. */
export function syncReport(dir: string, summary: IngestSummary): string {
  return [cliText.syncSummary(dir, summaryLine(summary)), ...reasons(dir, summary).map((line) => `  ${line}`)].join('\n');
}

/** One log line for the sync: info when all went in, warn with the reasons when something failed. */
export function logSync(logger: Logger, dir: string, summary: IngestSummary): void {
  const { added, updated, unchanged, removed, failed, duplicates, chunks } = summary;
  const fields = {
    articlesDir: dir,
    added,
    updated,
    unchanged,
    removed,
    failed,
    duplicates,
    chunks,
    seconds: Number(summary.seconds.toFixed(2)),
  };
  if (failed === 0) logger.info(fields, 'articles synced');
  else
    logger.warn(
      { ...fields, failures: reasons(dir, summary).map((line) => line.replace(/^✗ /, '')) },
      'articles synced; some could not be loaded',
    );
}
