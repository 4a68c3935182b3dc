import type { Embedder } from '../embeddings/embedder.ts';
import type { PendingChunk } from '../store/types.ts';
import type { Library } from '../store/library.ts';
import { passageText } from './passage.ts';

/** Chunks embedded per write: a batch holds the write lock only to store its vectors (milliseconds). */
export const EMBED_BATCH_CHUNKS = 64;

export interface EmbedBatchesOptions {
  batchChunks?: number;
  /** Stops after the batch in progress. */
  signal?: AbortSignal;
  /** After each stored batch: chunks stored so far by this call, and chunks still awaiting (library-wide). */
  onBatch?: (done: number, remaining: number) => void;
  /** Asked before each batch: true to read the order again (new articles were stored, so newer ones may wait). */
  replan?: () => boolean;
}

/**
 * Embeds the chunks stored without a vector, newest story first, until none is left (or `signal`).
 * The model runs outside the write lock; each batch's vectors are then stored in a write of their
 * own, so a retraction, a feed sync or an ingest waits at most one batch. A chunk embedded or
 * removed meanwhile keeps what it has (never embedded twice); a kill loses at most the batch in
 * flight, which the next run computes again. Returns how many chunks it stored.
 */
export async function embedPendingInBatches(
  deps: { library: Library; embedder: Embedder },
  options: EmbedBatchesOptions = {},
): Promise<number> {
  const { library, embedder } = deps;
  const model = { id: embedder.modelId, dimensions: embedder.dimensions, dtype: embedder.dtype };
  const queue = new PendingQueue(library, options.batchChunks ?? EMBED_BATCH_CHUNKS);
  let done = 0;
  try {
    while (!options.signal?.aborted) {
      if (options.replan?.()) queue.replan();
      const batch = queue.next();
      if (batch === null) break;
      const vectors = await embedder.embedDocuments(batch.map((c) => passageText(c.title, c.text)));
      const items = batch.flatMap((c, i) => {
        const embedding = vectors[i];
        return embedding ? [{ id: c.id, embedding }] : [];
      });
      // The first batch saves the index (so one exists to catch up from after a kill), later ones at checkpoints.
      const stored = await library.write(async (writer) => writer.setEmbeddings(items, model), {
        saveIndex: done === 0 ? 'always' : 'when-due',
      });
      queue.stored(stored);
      done += stored;
      options.onBatch?.(done, library.catalog.pendingCount());
    }
  } finally {
    // The batches saved the index only at checkpoints: one save at the end leaves nothing behind.
    if (done > 0) await library.write(async () => undefined);
  }
  return done;
}

/**
 * The pending chunks in the order they are embedded: article by article, newest first, read from
 * the catalog as it goes (an article updated or retracted meanwhile yields its current chunks or
 * none). When the list runs out it is read again, for chunks stored meanwhile; a pass that stored
 * nothing ends it, so a chunk the model gives no vector cannot loop forever.
 */
class PendingQueue {
  private articles: number[] = [];
  private nextArticle = 0;
  private carry: PendingChunk[] = [];
  private storedThisPass = 0;
  private passes = 0;

  private readonly library: Library;
  private readonly batchChunks: number;

  constructor(library: Library, batchChunks: number) {
    this.library = library;
    this.batchChunks = batchChunks;
  }

  replan(): void {
    this.articles = this.library.pendingByArticle.articles();
    this.nextArticle = 0;
    this.carry = [];
    this.storedThisPass = 0;
    this.passes++;
  }

  stored(count: number): void {
    this.storedThisPass += count;
  }

  /** The next batch, or null when nothing is left to embed. */
  next(): PendingChunk[] | null {
    for (;;) {
      const batch = this.fill();
      if (batch.length > 0) return batch;
      if (this.passes > 0 && this.storedThisPass === 0) return null;
      this.replan();
      if (this.articles.length === 0) return null;
    }
  }

  private fill(): PendingChunk[] {
    const pending = this.library.pendingByArticle;
    while (this.carry.length < this.batchChunks && this.nextArticle < this.articles.length) {
      this.carry.push(...pending.chunksOf(this.articles[this.nextArticle++] as number));
    }
    return this.carry.splice(0, this.batchChunks);
  }
}

/**
 * Embeds the chunks stored without a vector (the model was unavailable, an archive imported
 * keyword-first, a model change), newest stories first, a batch to a write (embedPendingInBatches),
 * until none is left. Returns how many.
 */
export async function embedPending(
  deps: { library: Library; embedder: Embedder },
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<number> {
  const { onProgress, batchSize, signal } = options;
  return embedPendingInBatches(deps, {
    ...(batchSize ? { batchChunks: batchSize } : {}),
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onBatch: (done: number, remaining: number) => onProgress(done, done + remaining) } : {}),
  });
}
