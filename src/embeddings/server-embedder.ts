import { setMaxListeners } from 'node:events';
import { embeddingServerMessages as say } from '../messages/embedding-server.ts';
import type { Embedder } from './embedder.ts';
import type { EmbeddingModelSpec } from './models.ts';
import { type EmbeddingServer } from './server-client.ts';
import { EmbeddingServerError } from './errors.ts';
import type { TokenCounter } from './server-tokens.ts';

export interface ServerEmbedderParts {
  server: EmbeddingServer;
  /** The registry's model the server must run: its id is what the library records. */
  spec: EmbeddingModelSpec;
  tokens: TokenCounter;
  /** Texts per request. */
  batchSize: number;
  /** Told about every failed call (the app then embeds what was left for later once the server is back). */
  onFailure?: (error: EmbeddingServerError) => void;
}

/**
 * An Embedder over an embeddings server: texts go in batches of `batchSize`, sent concurrently
 * (the server client caps how many at once). Each vector is checked (its length, finite values,
 * not all zeros) and scaled to unit length as the local model would; a reply naming another model
 * is refused. One bad batch fails the call: no vector of it is returned.
 */
export function createServerEmbedder(parts: ServerEmbedderParts): Embedder {
  const { server, spec, tokens, batchSize } = parts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);

  async function embedBatch(texts: string[], signal: AbortSignal): Promise<Float32Array[]> {
    const reply = await server.embed(texts, signal);
    if (reply.model !== '' && !sameModel(reply.model, server.model, spec.id)) {
      throw new EmbeddingServerError(server.label, say.otherModelName(reply.model, server.model, spec.id), true);
    }
    return reply.vectors.map((values) => checkedVector(values, spec, server.label));
  }

  async function embedAll(texts: string[], prefix: string): Promise<Float32Array[]> {
    const stop = new AbortController();
    // Every batch of a long call listens to it (while waiting for a turn and while in flight).
    setMaxListeners(0, stop.signal);
    const batches: Promise<Float32Array[]>[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = texts.slice(start, start + batchSize).map((text) => prefix + text);
      // The first failure stops the batches still waiting for a turn.
      batches.push(
        embedBatch(batch, stop.signal).catch((error: unknown) => {
          stop.abort(error);
          throw error;
        }),
      );
    }
    try {
      return (await Promise.all(batches)).flat();
    } catch (error) {
      await Promise.allSettled(batches);
      if (error instanceof EmbeddingServerError) parts.onFailure?.(error);
      throw error;
    }
  }

  return {
    modelId: spec.id,
    dimensions: spec.dimensions,
    maxTokens: tokens.maxTokens,
    embedDocuments: (texts) => embedAll(texts, spec.passagePrefix),
    async embedQuery(text) {
      const [vector] = await embedAll([text], spec.queryPrefix);
      if (vector === undefined) throw new EmbeddingServerError(server.label, say.fewerVectors(0, 1));
      return vector;
    },
    countTokens: (text) => tokens.countTokens(text),
  };
}

/**
 * Whether the model a server reports is the one asked for: the same name (any case), or the same
 * last part of it (`BAAI/bge-small-en-v1.5` runs what `Xenova/bge-small-en-v1.5` is converted from).
 */
export function sameModel(reported: string, requested: string, registryId: string): boolean {
  const name = (id: string): string => id.toLowerCase().split('/').at(-1) ?? '';
  const r = reported.toLowerCase();
  return r === requested.toLowerCase() || r === registryId.toLowerCase() || name(reported) === name(registryId);
}

/** `values` as a unit-length vector of the model's length, or EmbeddingServerError saying what is wrong. */
export function checkedVector(values: ArrayLike<unknown>, spec: EmbeddingModelSpec, label: string): Float32Array {
  // Another length is another model: refused, not retried.
  if (values.length !== spec.dimensions)
    throw new EmbeddingServerError(label, say.wrongLength(values.length, spec.dimensions, spec.id), true);
  const vector = new Float32Array(values.length);
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new EmbeddingServerError(label, say.notFinite(String(value)));
    vector[i] = value;
    squares += value * value;
  }
  const norm = Math.sqrt(squares);
  if (!(norm > 0) || !Number.isFinite(norm)) throw new EmbeddingServerError(label, say.zeroVector());
  if (spec.normalize) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}
