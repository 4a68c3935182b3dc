import type { App } from './app.ts';
import { loadPaths } from './articles/load.ts';
import { embedPending, ingest, type IngestSummary } from './ingest.ts';
import { SHARED_COLLECTION } from './store/types.ts';

/**
 * Brings the shared collection up to date with ARTICLES_DIR (unchanged files are skipped by
 * hash, so this is cheap on every start) and embeds chunks stored while the model was missing.
 */
export async function syncArticlesDir(app: App): Promise<IngestSummary | null> {
  // A read-only library is served as it is.
  if (app.library.readOnly) return null;
  const dir = app.config.articlesDir;
  let summary: IngestSummary | null = null;
  if (dir) {
    summary = await ingest(
      { library: app.library, embedder: app.embedder },
      loadPaths([dir], { maxBytes: app.config.maxFileBytes }),
      { collection: SHARED_COLLECTION, chunking: app.config.chunking },
    );
    for (const failure of summary.failures) app.logger.warn({ source: failure.source, error: failure.error }, 'article not loaded');
  }
  if (app.embedder && app.library.pendingCount() > 0) {
    await embedPending({ library: app.library, embedder: app.embedder });
  }
  return summary;
}
