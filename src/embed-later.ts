import type { Embedder } from './embeddings/embedder.ts';
import { Backoff, type BackoffOptions } from './embeddings/retry.ts';
import { embedPending } from './ingest/embed-batches.ts';
import type { Logger } from './log.ts';
import { embeddingServerMessages } from './messages/embedding-server.ts';
import type { Library } from './store/library.ts';

/** What the background work reads of the app: its current embedder and its library. */
export interface EmbeddingUsers {
  readonly embedder: Embedder | null;
  readonly library: Library;
}

/**
 * After the embeddings server failed (its chunks were stored without vectors, keyword-searchable),
 * embeds what was left for later once the server answers again: tried after a wait that grows
 * (BackoffOptions) until it works. Only for the long-running front ends (the bot, the console),
 * once `enable` is called; a one-off CLI command leaves the chunks to the next run.
 */
export class EmbedLater {
  readonly #options: BackoffOptions;
  readonly #logger: Logger;
  #app: EmbeddingUsers | null = null;
  #backoff: Backoff | null = null;
  #enabled = false;
  #stopped = false;
  /** A failure came before `enable`: the first try is scheduled then. */
  #wanted = false;

  constructor(options: BackoffOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
  }

  /** Allows the background work, for `app`. */
  enable(app: EmbeddingUsers): void {
    this.#app = app;
    this.#enabled = true;
    if (this.#wanted) this.schedule();
  }

  /** The server failed: try again later, unless a try is already scheduled or running. */
  schedule(): void {
    this.#wanted = true;
    if (!this.#enabled || this.#stopped || this.#backoff?.active) return;
    this.#backoff = new Backoff(
      () => this.#attempt(),
      this.#options,
      (error, nextInMs) =>
        this.#logger.warn(
          { err: error, nextInSeconds: Math.round(nextInMs / 1000) },
          'embeddings server still failing; chunks left for later wait',
        ),
    );
    this.#backoff.start();
  }

  stop(): void {
    this.#stopped = true;
    this.#backoff?.stop();
  }

  /** True when nothing is left to do (or nothing can be done here); throws while the server still fails. */
  async #attempt(): Promise<boolean> {
    const app = this.#app;
    const embedder = app?.embedder;
    if (!app || !embedder || this.#stopped || app.library.readOnly) return true;
    if (app.library.catalog.pendingCount() === 0) return true;
    const embedded = await embedPending({ library: app.library, embedder });
    this.#logger.info({ chunks: embedded }, embeddingServerMessages.resumed(embedded));
    return true;
  }
}
