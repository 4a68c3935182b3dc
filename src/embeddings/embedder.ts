import type { EmbeddingDtype } from './model-files.ts';

/**
 * Turns text into unit-length vectors. Documents (passages) and queries may be embedded
 * differently (per-model prefixes), so the two calls stay separate.
 */
export interface Embedder {
  /** Registry id of the model, e.g. `Xenova/bge-small-en-v1.5`; stored with the index. */
  readonly modelId: string;
  /**
   * The weights' precision (`fp32`, `q8`), stored with the index next to the model id: vectors of
   * one precision are not mixed with the other's. Absent means fp32.
   */
  readonly dtype?: EmbeddingDtype;
  /** Vector length. */
  readonly dimensions: number;
  /** Largest input the model accepts, in its own tokens. */
  readonly maxTokens: number;
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
  /** Number of model tokens in `text` (without special tokens). */
  countTokens(text: string): number;
}
