import { EmbedderUnavailableError } from './errors.ts';
import os from 'node:os';
import { ModelFileNotFoundError } from '@huggingface/transformers';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import { errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { modelMessages } from '../messages/models.ts';
import type { Embedder } from './embedder.ts';
import { embedBatch, measureDimensions, openExtractor, tokenizerLimit } from './extractor.ts';
import { modelHub, type HubSettings } from './hub.ts';
import { missingModelFiles, modelFiles, type EmbeddingDtype } from './model-files.ts';
import { inLengthBatches } from './length-batches.ts';
import { DEFAULT_HUB_URL, getModelSpec, type EmbeddingModelSpec } from './models.ts';
import { downloadModel, ModelPullError } from './pull.ts';
import { exclusively, readFromFolder } from './transformers-env.ts';

export type { EmbeddingDtype };

export interface LoadEmbedderOptions {
  /** Registry id (see models.ts). */
  modelId: string;
  /** Where downloaded models are kept (under DATA_DIR), laid out as `<owner>/<name>/…`. */
  cacheDir: string;
  /** A folder holding `<modelId>/config.json`, `tokenizer.json`, `onnx/model.onnx`; when set nothing is downloaded. */
  modelsDir?: string;
  /**
   * `q8` (default) loads onnx/model_quantized.onnx (int8: about 2× faster on a CPU, a little less
   * accurate), `fp32` onnx/model.onnx. A models folder holding only model.onnx is loaded as fp32.
   */
  dtype?: EmbeddingDtype;
  /** Texts per model call; texts are grouped by length first, so a batch holds texts of like length. */
  batchSize?: number;
  /** ONNX Runtime's threads for one model call (intra-op); default: every core. */
  threads?: number;
  /** Where a model missing from the cache is downloaded from (default: the Hugging Face hub). */
  hub?: HubSettings;
  /**
   * Try the hub even though it could not be reached earlier in this process (the background
   * retry). Otherwise a load gives up at once, so one run waits for the network at most once.
   */
  retryHub?: boolean;
  logger?: Logger;
}

const DEFAULT_BATCH_SIZE = 16;
export const DEFAULT_DTYPE: EmbeddingDtype = 'q8';

/** A loaded model: shared by every embedder made from the same (model, folders, dtype, threads). */
interface LoadedModel {
  extractor: FeatureExtractionPipeline;
  dimensions: number;
  maxTokens: number;
  /** The weights loaded: the dtype asked for, or fp32 where a models folder has no quantized file. */
  dtype: EmbeddingDtype;
}

const loadedModels = new Map<string, Promise<LoadedModel>>();

/**
 * Loads (once per model, folders and dtype) a Transformers.js feature-extraction model and
 * returns an Embedder over it. Models are read from disk only: from MODELS_DIR when set, else
 * from the download cache, where a missing model is first downloaded whole (see pull.ts).
 * Throws EmbedderUnavailableError when the model cannot be loaded; a failed load is forgotten,
 * so a later call tries again.
 */
export async function loadEmbedder(options: LoadEmbedderOptions): Promise<Embedder> {
  const spec = getModelSpec(options.modelId);
  const dtype = options.dtype ?? DEFAULT_DTYPE;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const logger = options.logger ?? silentLogger;
  const key = JSON.stringify([spec.id, options.cacheDir, options.modelsDir ?? null, dtype, threads]);

  let loading = loadedModels.get(key);
  if (loading === undefined) {
    const queued = exclusively(() => loadModel(spec, options, { dtype, threads }, logger));
    loading = queued;
    loadedModels.set(key, loading);
    loading.catch(() => {
      if (loadedModels.get(key) === queued) loadedModels.delete(key);
    });
  }
  const model = await loading;
  return createEmbedder(spec, model, batchSize);
}

/** Releases every loaded model (ONNX sessions); later loadEmbedder calls load again. */
export async function unloadEmbedders(): Promise<void> {
  const loads = [...loadedModels.values()];
  loadedModels.clear();
  const settled = await Promise.allSettled(loads);
  for (const result of settled) {
    if (result.status === 'fulfilled') await result.value.extractor.dispose();
  }
}

async function loadModel(
  spec: EmbeddingModelSpec,
  options: LoadEmbedderOptions,
  run: { dtype: EmbeddingDtype; threads: number },
  logger: Logger,
): Promise<LoadedModel> {
  const startedAt = performance.now();
  const fromModelsDir = options.modelsDir !== undefined;
  const root = options.modelsDir ?? options.cacheDir;
  const { dtype, downloaded } = await ensureFiles(spec, options, run.dtype, logger);

  let extractor: FeatureExtractionPipeline | undefined;
  try {
    readFromFolder(root);
    extractor = await openExtractor(spec.id, dtype, { localOnly: true, threads: run.threads });
    const maxTokens = Math.min(spec.maxTokens, tokenizerLimit(extractor));
    const dimensions = await measureDimensions(extractor, maxTokens);
    if (dimensions !== spec.dimensions) {
      throw new EmbedderUnavailableError(spec.id, modelMessages.wrongDimensions(spec.id, dimensions, spec.dimensions));
    }
    logger.info(
      {
        modelId: spec.id,
        dtype,
        threads: run.threads,
        dimensions,
        maxTokens,
        source: fromModelsDir ? 'models-dir' : downloaded ? 'downloaded' : 'cache',
        ms: Math.round(performance.now() - startedAt),
      },
      'embedding model loaded',
    );
    return { extractor, dimensions, maxTokens, dtype };
  } catch (error) {
    await extractor?.dispose().catch(() => undefined);
    // An explained failure reaches the person through its message (the app warns with it); the
    // stack is logged only for what nothing explained.
    if (error instanceof EmbedderUnavailableError) throw error;
    logger.error(
      { err: error, modelId: spec.id, dtype, modelsDir: options.modelsDir, cacheDir: options.cacheDir },
      'embedding model failed to load',
    );
    throw new EmbedderUnavailableError(spec.id, modelMessages.unreadable(spec.id, root, describeLoadFailure(error)), { cause: error });
  }
}

/**
 * Makes sure the model's files for `requested` are on disk (downloading them into the cache when
 * missing) and says which dtype will load. Throws EmbedderUnavailableError when they cannot be had.
 * A worker-thread embedder calls it on the main thread first, so that the hub's state (reached or
 * not, earlier in this run) is the process's own.
 */
export function ensureModelFiles(options: LoadEmbedderOptions): Promise<{ dtype: EmbeddingDtype; downloaded: boolean }> {
  const spec = getModelSpec(options.modelId);
  return exclusively(() => ensureFiles(spec, options, options.dtype ?? DEFAULT_DTYPE, options.logger ?? silentLogger));
}

async function ensureFiles(
  spec: EmbeddingModelSpec,
  options: LoadEmbedderOptions,
  requested: EmbeddingDtype,
  logger: Logger,
): Promise<{ dtype: EmbeddingDtype; downloaded: boolean }> {
  const fromModelsDir = options.modelsDir !== undefined;
  const root = options.modelsDir ?? options.cacheDir;
  const dtype = fromModelsDir ? availableDtype(root, spec.id, requested, logger) : requested;
  try {
    const missing = missingModelFiles(root, spec.id, dtype);
    if (missing.length === 0) return { dtype, downloaded: false };
    if (fromModelsDir)
      throw new EmbedderUnavailableError(spec.id, modelMessages.missingFromModelsDir(spec.id, root, missing, options.cacheDir));
    await download(spec, options, dtype, logger);
    return { dtype, downloaded: true };
  } catch (error) {
    if (!(error instanceof EmbedderUnavailableError)) {
      logger.error(
        { err: error, modelId: spec.id, dtype, modelsDir: options.modelsDir, cacheDir: options.cacheDir },
        'embedding model failed to load',
      );
    }
    throw error;
  }
}

/**
 * q8 from a models folder that has model.onnx but no model_quantized.onnx is loaded as fp32 (with
 * a warning): a folder laid out before q8 became the default keeps working.
 */
function availableDtype(root: string, modelId: string, dtype: EmbeddingDtype, logger: Logger): EmbeddingDtype {
  if (dtype !== 'q8' || missingModelFiles(root, modelId, 'q8').length === 0 || missingModelFiles(root, modelId, 'fp32').length > 0)
    return dtype;
  logger.warn(
    { modelId, modelsDir: root },
    'the models folder has no onnx/model_quantized.onnx for this model: loading the fp32 onnx/model.onnx',
  );
  return 'fp32';
}

/**
 * Downloads a model missing from the cache, unless the hub could not be reached earlier in this
 * run (then it fails at once, saying when that was).
 */
async function download(spec: EmbeddingModelSpec, options: LoadEmbedderOptions, dtype: EmbeddingDtype, logger: Logger): Promise<void> {
  const hub = modelHub(options.hub ?? { url: DEFAULT_HUB_URL });
  const files = filesText(spec.id, dtype);
  const earlier = hub.unreachable;
  if (earlier && !options.retryHub) {
    throw new EmbedderUnavailableError(spec.id, modelMessages.hubDownEarlier(spec.id, hub.url, earlier, options.cacheDir, files));
  }
  try {
    await downloadModel(spec, { modelId: spec.id, root: options.cacheDir, dtype, hub, logger });
  } catch (error) {
    const reason = error instanceof ModelPullError ? error.reason : errorMessage(error);
    throw new EmbedderUnavailableError(spec.id, modelMessages.notDownloaded(spec.id, reason, options.cacheDir, files), { cause: error });
  }
}

function filesText(modelId: string, dtype: EmbeddingDtype): string {
  const files = modelFiles(dtype);
  return `${modelId}/${files.slice(0, -1).join(', ')} and ${files.at(-1)}`;
}

function createEmbedder(spec: EmbeddingModelSpec, model: LoadedModel, batchSize: number): Embedder {
  const { extractor, dimensions, maxTokens } = model;
  const countTokens = (text: string): number => extractor.tokenizer.encode(text, { add_special_tokens: false }).length;

  function embedAll(texts: string[], prefix: string): Promise<Float32Array[]> {
    const inputs = texts.map((text) => prefix + text);
    // Grouped by token length: grouping by characters instead saved tokenizing each text once more,
    // but doubled the padding (5.8 → 11.1 % on real passages) and cost a real model more than it saved.
    return inLengthBatches(inputs, countTokens, batchSize, (batch) =>
      embedBatch(extractor, batch, { maxTokens, pooling: spec.pooling, normalize: spec.normalize }),
    );
  }

  return {
    modelId: spec.id,
    dtype: model.dtype,
    dimensions,
    maxTokens,
    embedDocuments: (texts) => embedAll(texts, spec.passagePrefix),
    async embedQuery(text) {
      const [vector] = await embedAll([text], spec.queryPrefix);
      if (vector === undefined) throw new Error('The embedding model returned no vector for the query');
      return vector;
    },
    countTokens,
  };
}

function describeLoadFailure(error: unknown): string {
  if (error instanceof ModelFileNotFoundError) {
    const path = /"([^"]+)"/.exec(error.message)?.[1];
    return path === undefined ? 'a model file is missing' : `a model file is missing (${path})`;
  }
  return firstLine(errorMessage(error));
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
