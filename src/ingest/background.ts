import type { Embedder } from '../embeddings/embedder.ts';
import type { Logger } from '../log.ts';
import { archiveMessages } from '../messages/archive.ts';
import type { Library } from '../store/library.ts';
import { embedPendingInBatches } from './embed-batches.ts';

/** The embedding rate is the chunks stored over this last stretch of time. */
const RATE_WINDOW_MS = 60_000;
/** After a failure (the model, a full disk), the next try waits this long unless kicked sooner. */
const RETRY_MS = 60_000;

export interface BackgroundEmbedderDeps {
  library: Library;
  /** The model in use now (it may arrive while the app runs); nothing is embedded while null. */
  embedder: () => Embedder | null;
  logger: Logger;
  batchChunks?: number;
  /** Told of each failed run (besides the retry after RETRY_MS), e.g. to retry an embeddings server sooner. */
  onFailure?: (error: unknown) => void;
}

/**
 * Embeds the chunks stored without a vector in the background, newest stories first, a batch to
 * a write (see embedPendingInBatches): what the bot does after start-up and after each ingest or
 * feed sync, so an archive imported keyword-first turns hybrid story by story while the bot serves.
 * One loop at a time; a kick while it runs makes it look for newer stories before its next batch.
 */
export class BackgroundEmbedder {
  readonly #deps: BackgroundEmbedderDeps;
  #running: Promise<void> | null = null;
  #kicked = false;
  #stop = new AbortController();
  #retry: NodeJS.Timeout | null = null;
  /** Stored batches of the last RATE_WINDOW_MS: when, and how many chunks. */
  readonly #recent: { at: number; chunks: number }[] = [];
  /** When the loop now running started. */
  #started: number | null = null;

  constructor(deps: BackgroundEmbedderDeps) {
    this.#deps = deps;
  }

  /** Starts embedding what awaits, unless the loop runs already (it then reads the order again). */
  kick(): void {
    if (this.#stop.signal.aborted) return;
    this.#kicked = true;
    if (this.#running) return;
    const embedder = this.#deps.embedder();
    if (!embedder || this.#deps.library.readOnly) return;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#running = this.#run(embedder).then((finished) => {
      this.#running = null;
      // Kicked after the loop last looked for newer stories: look again.
      if (finished && this.#kicked) this.kick();
    });
  }

  /** Resolves when no loop runs (at once when idle). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Chunks stored per second over the last minute of this run (0 when idle). */
  rate(now = performance.now()): number {
    if (!this.#running || this.#started === null) return 0;
    const since = Math.max(this.#started, now - RATE_WINDOW_MS);
    while ((this.#recent[0]?.at ?? Infinity) < since) this.#recent.shift();
    const seconds = (now - since) / 1000;
    return seconds > 0 ? this.#recent.reduce((n, batch) => n + batch.chunks, 0) / seconds : 0;
  }

  /**
   * How much of the archive semantic search covers, in words ("hybrid search covers 37 % of the
   * archive; the rest is keyword-only …"), or null when every passage is embedded.
   */
  coverage(): string | null {
    const { chunks, embeddedChunks } = this.#deps.library.counts();
    return archiveMessages.coverage(chunks, embeddedChunks);
  }

  /** Stops after the batch in progress (shutdown). */
  async stop(): Promise<void> {
    this.#stop.abort();
    if (this.#retry) clearTimeout(this.#retry);
    await this.idle();
  }

  /** One loop until nothing awaits; false when it stopped on a failure (tried again after RETRY_MS) or for shutdown. */
  async #run(embedder: Embedder): Promise<boolean> {
    const { library, logger, batchChunks } = this.#deps;
    const started = performance.now();
    this.#started = started;
    let last = 0;
    try {
      const done = await embedPendingInBatches(
        { library, embedder },
        {
          signal: this.#stop.signal,
          ...(batchChunks ? { batchChunks } : {}),
          replan: () => {
            const kicked = this.#kicked;
            this.#kicked = false;
            return kicked;
          },
          onBatch: (count) => {
            this.#recent.push({ at: performance.now(), chunks: count - last });
            last = count;
          },
        },
      );
      if (done > 0) {
        const seconds = (performance.now() - started) / 1000;
        logger.info(
          { chunks: done, seconds: Number(seconds.toFixed(1)), awaiting: library.catalog.pendingCount() },
          'background embedding done',
        );
      }
      return !this.#stop.signal.aborted;
    } catch (error) {
      // Stopped for shutdown: the library may be closed under the batch in flight, which the next start embeds again.
      if (this.#stop.signal.aborted) return false;
      logger.error({ err: error }, 'background embedding stopped; it is tried again later');
      this.#deps.onFailure?.(error);
      this.#retry = setTimeout(() => this.kick(), RETRY_MS);
      this.#retry.unref();
      return false;
    } finally {
      this.#started = null;
    }
  }
}
