import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import type { Embedder } from './embedder.ts';
import { loadEmbedder } from './transformers.ts';
import { packVectors } from './vector-pack.ts';
import type { EmbedReply, EmbedRequest } from './worker-embedder.ts';

/*
 * The worker thread of a WorkerEmbedder: loads the model here and runs every embedding call, so
 * ONNX Runtime's work (seconds per batch) never holds the main thread, which must keep
 * acknowledging Discord interactions.
 */

if (!parentPort) throw new Error('embed-worker.ts runs as a worker thread started by worker-embedder.ts');
const port = parentPort;

/** Nice value of this thread and the ONNX Runtime threads it starts: the main thread gets the CPU first. */
const EMBED_THREAD_NICE = 5;

function yieldCpuToMainThread(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, EMBED_THREAD_NICE);
  } catch {
    // Not Linux: embedding runs at normal priority, still off the main thread.
  }
}

yieldCpuToMainThread();

let embedder: Embedder | undefined;

async function handle(request: EmbedRequest): Promise<EmbedReply> {
  if (request.kind === 'load') {
    embedder = await loadEmbedder(request.options);
    return {
      kind: 'loaded',
      modelId: embedder.modelId,
      dimensions: embedder.dimensions,
      maxTokens: embedder.maxTokens,
      dtype: embedder.dtype ?? 'fp32',
    };
  }
  if (!embedder) throw new Error('the embedding worker has no model loaded');
  const vectors = request.query ? [await embedder.embedQuery(request.texts[0] ?? '')] : await embedder.embedDocuments(request.texts);
  return { kind: 'vectors', id: request.id, data: packVectors(vectors), count: vectors.length };
}

port.on('message', (request: EmbedRequest) => {
  handle(request).then(
    (reply) => port.postMessage(reply, reply.kind === 'vectors' ? [reply.data.buffer as ArrayBuffer] : []),
    (error: unknown) =>
      port.postMessage({
        kind: 'failed',
        id: request.kind === 'embed' ? request.id : 0,
        message: errorMessage(error),
      } satisfies EmbedReply),
  );
});
