import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../threads/start-worker.ts';
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { silentLogger } from '../log.ts';
import type { Embedder } from './embedder.ts';
import type { EmbeddingDtype } from './model-files.ts';
import { ensureModelFiles, type LoadEmbedderOptions } from './transformers.ts';
import { EmbedderUnavailableError } from './errors.ts';
import { splitVectors } from './vector-pack.ts';
import { exclusively, readFromFolder } from './transformers-env.ts';

/*
 * An Embedder whose model runs in a worker thread (embed-worker.ts): embedding a batch takes
 * seconds of CPU, and the main thread must stay free to acknowledge Discord interactions and serve
 * /metrics meanwhile. Calls are queued in the worker and answered in order. Token counting
 * (needed synchronously by the chunker) uses the model's tokenizer, loaded here too.
 */

/** LoadEmbedderOptions as a worker receives them (a logger cannot cross threads). */
export type WorkerLoadOptions = Omit<LoadEmbedderOptions, 'logger'>;

export type EmbedRequest = { kind: 'load'; options: WorkerLoadOptions } | { kind: 'embed'; id: number; texts: string[]; query: boolean };

export type EmbedReply =
  | { kind: 'loaded'; modelId: string; dimensions: number; maxTokens: number; dtype: EmbeddingDtype }
  /** The vectors end to end in one array (see vector-pack.ts). */
  | { kind: 'vectors'; id: number; data: Float32Array; count: number }
  | { kind: 'failed'; id: number; message: string };

interface Pending {
  resolve(vectors: Float32Array[]): void;
  reject(error: Error): void;
}

const workers = new Set<Worker>();
const started = new Map<string, Promise<Embedder>>();

/**
 * Loads `options.modelId` in a worker thread (one per model, folders, dtype, threads and batch
 * size, shared by later calls) and returns an Embedder over it; rejects (and stops the worker)
 * with EmbedderUnavailableError as loadEmbedder does when the model cannot be loaded, and a later
 * call tries again.
 */
export function loadWorkerEmbedder(options: LoadEmbedderOptions): Promise<Embedder> {
  const { modelId, cacheDir, modelsDir, dtype, threads, batchSize } = options;
  const key = JSON.stringify([modelId, cacheDir, modelsDir ?? null, dtype ?? null, threads ?? null, batchSize ?? null]);
  let loading = started.get(key);
  if (loading === undefined) {
    const attempt = startWorker(options);
    loading = attempt;
    started.set(key, attempt);
    attempt.catch(() => {
      if (started.get(key) === attempt) started.delete(key);
    });
  }
  return loading;
}

/** One worker thread running one model: requests are answered in the order they were posted. */
class ModelThread {
  private readonly worker = spawnWorker('./embed-worker', import.meta.url);
  private readonly pending = new Map<number, Pending>();
  private loaded: ((reply: EmbedReply) => void) | undefined;
  private failure: Error | undefined;
  private nextId = 1;

  constructor() {
    workers.add(this.worker);
    this.worker.on('message', (reply: EmbedReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.failAll(new Error(`the embedding worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => this.failAll(new Error(`the embedding worker exited with code ${code}`)));
  }

  async load(options: WorkerLoadOptions): Promise<Extract<EmbedReply, { kind: 'loaded' }>> {
    const reply = await new Promise<EmbedReply>((resolve) => {
      this.loaded = resolve;
      this.worker.postMessage({ kind: 'load', options } satisfies EmbedRequest);
    });
    this.loaded = undefined;
    if (reply.kind === 'loaded') {
      // An idle worker must not keep the CLI or a test process alive; a busy one is ref'd while it works.
      this.worker.unref();
      return reply;
    }
    workers.delete(this.worker);
    await this.worker.terminate();
    throw new EmbedderUnavailableError(
      options.modelId,
      reply.kind === 'failed' ? reply.message : 'unexpected reply from the embedding worker',
    );
  }

  embed(texts: string[], query: boolean): Promise<Float32Array[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (texts.length === 0) return Promise.resolve([]);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ kind: 'embed', id, texts, query } satisfies EmbedRequest);
    });
  }

  private onReply(reply: EmbedReply): void {
    if (reply.kind === 'loaded' || (reply.kind === 'failed' && reply.id === 0)) {
      this.loaded?.(reply);
      return;
    }
    const job = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.kind === 'vectors') job?.resolve(splitVectors(reply.data, reply.count));
    else job?.reject(new Error(reply.message));
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    workers.delete(this.worker);
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
    this.loaded?.({ kind: 'failed', id: 0, message: error.message });
  }
}

async function startWorker(options: LoadEmbedderOptions): Promise<Embedder> {
  const { logger = silentLogger, ...workerOptions } = options;
  const startedAt = performance.now();
  // Downloads happen here, so "the hub could not be reached earlier in this run" is this process's.
  await ensureModelFiles(options);
  const thread = new ModelThread();
  const model = await thread.load(workerOptions);
  const tokenizer = await loadTokenizer(options);
  logger.info(
    {
      modelId: model.modelId,
      dtype: model.dtype,
      dimensions: model.dimensions,
      maxTokens: model.maxTokens,
      thread: 'worker',
      ms: Math.round(performance.now() - startedAt),
    },
    'embedding model loaded',
  );
  return {
    modelId: model.modelId,
    dtype: model.dtype,
    dimensions: model.dimensions,
    maxTokens: model.maxTokens,
    embedDocuments: (texts) => thread.embed(texts, false),
    async embedQuery(text) {
      const [vector] = await thread.embed([text], true);
      if (vector === undefined) throw new Error('The embedding model returned no vector for the query');
      return vector;
    },
    countTokens: (text) => tokenizer.encode(text, { add_special_tokens: false }).length,
  };
}

/** The model's tokenizer, from the folder the worker loaded the model from (present by now). */
function loadTokenizer(options: LoadEmbedderOptions): Promise<PreTrainedTokenizer> {
  return exclusively(() => {
    readFromFolder(options.modelsDir ?? options.cacheDir);
    return AutoTokenizer.from_pretrained(options.modelId, { local_files_only: true });
  });
}

/** Stops every embedding worker (their models are unloaded with them). */
export async function stopWorkerEmbedders(): Promise<void> {
  const running = [...workers];
  workers.clear();
  started.clear();
  await Promise.all(running.map((worker) => worker.terminate()));
}
