import type { Embedder } from './embedder.ts';

export type SearchMode = 'hybrid' | 'keyword';

export interface EmbedderState {
  /** Null while the model cannot be used: search is keyword-only. */
  embedder: Embedder | null;
  /** Why `embedder` is null, in words an operator can act on. */
  problem: string | null;
}

/**
 * The one owner of "the embedding model in use". Everything that embeds or reports the search
 * mode (the Retriever, ingests, /help, logs, metrics) reads it here when it needs it, so a model
 * that loads later (the background retry) is seen everywhere at once. A reader that takes the
 * embedder once per operation (a search, an ingest) keeps one model for that whole operation.
 */
export class CurrentEmbedder {
  private state: EmbedderState;
  private readonly listeners = new Set<(state: EmbedderState) => void>();

  constructor(initial: EmbedderState) {
    this.state = { ...initial };
  }

  get embedder(): Embedder | null {
    return this.state.embedder;
  }

  get problem(): string | null {
    return this.state.problem;
  }

  get mode(): SearchMode {
    return this.state.embedder ? 'hybrid' : 'keyword';
  }

  /** The model loaded: from now on searches are hybrid and new chunks are embedded as they are stored. */
  use(embedder: Embedder): void {
    this.state = { embedder, problem: null };
    for (const listener of this.listeners) listener(this.state);
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: (state: EmbedderState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
