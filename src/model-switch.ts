import type { CurrentEmbedder } from './embeddings/current.ts';
import type { Embedder } from './embeddings/embedder.ts';
import { embedPending } from './ingest/embed-batches.ts';
import type { Logger } from './log.ts';
import type { Library } from './store/library.ts';

/** What a newly loaded embedding model changes: the app's current embedder, and the library's pending chunks. */
export interface ModelUsers {
  embedding: CurrentEmbedder;
  library: Library;
  logger: Logger;
}

/**
 * The embedding model loaded while the app ran keyword-only: from now on it is used everywhere
 * (hybrid search, new chunks embedded as they are stored), then the chunks stored without
 * vectors meanwhile, by this process or another, are embedded as one write. Returns how many.
 *
 * No ingest can slip between the two: an ingest takes the embedder when it starts and queues its
 * write at once, and writes run in the order they were queued, so one that began keyword-only
 * stores its chunks before the write queued here counts what is pending.
 */
export async function switchToModel(app: ModelUsers, embedder: Embedder): Promise<number> {
  app.embedding.use(embedder);
  app.logger.info(
    { modelId: embedder.modelId, pendingChunks: app.library.catalog.pendingCount() },
    'embedding model loaded: search is hybrid from now on',
  );
  if (app.library.readOnly) return 0;
  const started = performance.now();
  const embedded = await embedPending({ library: app.library, embedder });
  if (embedded > 0) {
    app.logger.info(
      { chunks: embedded, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) },
      'embedded the chunks stored while the model was unavailable',
    );
  }
  return embedded;
}
