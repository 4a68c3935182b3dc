import { env, LogLevel, ModelFileNotFoundError, pipeline } from '@huggingface/transformers';
import type { FeatureExtractionPipeline, Tensor } from '@huggingface/transformers';
import { errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Embedder } from './embedder.ts';
import { getModelSpec, type EmbeddingModelSpec } from './models.ts';
import { poolTokenVectors } from './pooling.ts';

export type EmbeddingDtype = 'fp32' | 'q8';

export interface LoadEmbedderOptions {
  /** Registry id (see models.ts). */
  modelId: string;
  /** Where downloaded models are kept (under DATA_DIR). */
  cacheDir: string;
  /** A folder holding `<modelId>/config.json`, `tokenizer.json`, `onnx/model.onnx`; when set nothing is downloaded. */
  modelsDir?: string;
  /** `fp32` loads onnx/model.onnx, `q8` onnx/model_quantized.onnx (smaller, a little less accurate). */
  dtype?: EmbeddingDtype;
  /** Texts per model call. */
  batchSize?: number;
  logger?: Logger;
}

/** The embedding model could not be loaded; the message says why and what the operator can do. */
export class EmbedderUnavailableError extends Error {
  override readonly name = 'EmbedderUnavailableError';
  readonly modelId: string;

  constructor(modelId: string, message: string, options?: { cause: unknown }) {
    super(message, options);
    this.modelId = modelId;
  }
}

const DEFAULT_BATCH_SIZE = 16;
const DEFAULT_DTYPE: EmbeddingDtype = 'fp32';

/** A loaded model: shared by every embedder made from the same (model, folders, dtype). */
interface LoadedModel {
  extractor: FeatureExtractionPipeline;
  dimensions: number;
  maxTokens: number;
}

interface TokenizerOutput {
  input_ids: Tensor;
  attention_mask: Tensor;
  token_type_ids?: Tensor;
}

const loadedModels = new Map<string, Promise<LoadedModel>>();

/**
 * Transformers.js keeps its settings (model folder, cache folder, downloads allowed) in one
 * global `env`, read while a model loads; loads run one at a time so each sees its own settings.
 */
let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * Loads (once per model, folders and dtype) a Transformers.js feature-extraction model and
 * returns an Embedder over it. Throws EmbedderUnavailableError when the model cannot be loaded;
 * a failed load is forgotten, so a later call tries again.
 */
export async function loadEmbedder(options: LoadEmbedderOptions): Promise<Embedder> {
  const spec = getModelSpec(options.modelId);
  const dtype = options.dtype ?? DEFAULT_DTYPE;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const logger = options.logger ?? silentLogger;
  const key = JSON.stringify([spec.id, options.cacheDir, options.modelsDir ?? null, dtype]);

  let loading = loadedModels.get(key);
  if (loading === undefined) {
    const queued = loadQueue.then(() => loadModel(spec, options, dtype, logger));
    loadQueue = queued.catch(() => undefined);
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
  dtype: EmbeddingDtype,
  logger: Logger,
): Promise<LoadedModel> {
  const startedAt = performance.now();
  const localOnly = options.modelsDir !== undefined;
  configureEnvironment(options);
  let extractor: FeatureExtractionPipeline | undefined;
  try {
    extractor = await pipeline('feature-extraction', spec.id, {
      dtype,
      device: 'cpu',
      cache_dir: options.cacheDir,
      local_files_only: localOnly,
    });
    const maxTokens = Math.min(spec.maxTokens, tokenizerLimit(extractor));
    const dimensions = await measureDimensions(extractor, maxTokens);
    if (dimensions !== spec.dimensions) {
      throw new EmbedderUnavailableError(spec.id,
        `Embedding model "${spec.id}" produces ${dimensions}-dimension vectors, but the model registry ` +
        `says ${spec.dimensions}: the files in its folder belong to another model. Replace them with ${spec.id}.`);
    }
    logger.info({
      modelId: spec.id, dtype, dimensions, maxTokens,
      source: localOnly ? 'models-dir' : 'cache-or-download',
      ms: Math.round(performance.now() - startedAt),
    }, 'embedding model loaded');
    return { extractor, dimensions, maxTokens };
  } catch (error) {
    await extractor?.dispose().catch(() => undefined);
    logger.error({ err: error, modelId: spec.id, dtype, modelsDir: options.modelsDir, cacheDir: options.cacheDir },
      'embedding model failed to load');
    if (error instanceof EmbedderUnavailableError) throw error;
    throw new EmbedderUnavailableError(spec.id, unavailableMessage(spec.id, dtype, options, error), { cause: error });
  }
}

/** Vector length as the model actually produces it, from one short text. */
async function measureDimensions(extractor: FeatureExtractionPipeline, maxTokens: number): Promise<number> {
  const { tokens } = await runModel(extractor, ['dimension probe'], maxTokens);
  const dimensions = tokens.dims[2];
  if (tokens.dims.length !== 3 || dimensions === undefined) {
    throw new Error(`The model output has shape [${tokens.dims.join(', ')}], not [batch, sequence, dimensions]`);
  }
  return dimensions;
}

function configureEnvironment(options: LoadEmbedderOptions): void {
  env.logLevel = LogLevel.ERROR;
  env.cacheDir = options.cacheDir;
  env.useFSCache = true;
  if (options.modelsDir !== undefined) {
    env.localModelPath = options.modelsDir;
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  } else {
    // Cached files (cacheDir) are still used; the library's own bundled-models folder is not.
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
  }
}

function tokenizerLimit(extractor: FeatureExtractionPipeline): number {
  const limit: unknown = extractor.tokenizer.model_max_length;
  return typeof limit === 'number' && Number.isFinite(limit) && limit > 0 ? limit : Number.POSITIVE_INFINITY;
}

async function runModel(
  extractor: FeatureExtractionPipeline,
  texts: string[],
  maxTokens: number,
): Promise<{ tokens: Tensor; mask: Tensor }> {
  const inputs: TokenizerOutput = extractor.tokenizer(texts, {
    padding: true,
    truncation: true,
    max_length: maxTokens,
  });
  const outputs: { last_hidden_state?: Tensor } = await extractor.model(inputs);
  const tokens = outputs.last_hidden_state;
  if (tokens === undefined) throw new Error('The embedding model returned no last_hidden_state output');
  return { tokens, mask: inputs.attention_mask };
}

function createEmbedder(spec: EmbeddingModelSpec, model: LoadedModel, batchSize: number): Embedder {
  const { extractor, dimensions, maxTokens } = model;

  async function embedAll(texts: string[], prefix: string): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = texts.slice(start, start + batchSize).map((text) => prefix + text);
      const { tokens, mask } = await runModel(extractor, batch, maxTokens);
      vectors.push(...poolTokenVectors(tokens, mask, spec.pooling, spec.normalize));
    }
    return vectors;
  }

  return {
    modelId: spec.id,
    dimensions,
    maxTokens,
    embedDocuments: (texts) => embedAll(texts, spec.passagePrefix),
    async embedQuery(text) {
      const [vector] = await embedAll([text], spec.queryPrefix);
      if (vector === undefined) throw new Error('The embedding model returned no vector for the query');
      return vector;
    },
    countTokens: (text) => extractor.tokenizer.encode(text, { add_special_tokens: false }).length,
  };
}

function unavailableMessage(
  modelId: string,
  dtype: EmbeddingDtype,
  options: LoadEmbedderOptions,
  error: unknown,
): string {
  const weights = dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
  const files = `${modelId}/config.json, tokenizer.json, tokenizer_config.json and ${weights}`;
  const reason = describeLoadFailure(error);
  if (options.modelsDir !== undefined) {
    return `Embedding model "${modelId}" is not available: ${reason}. Nothing is downloaded while MODELS_DIR ` +
      `is set ("${options.modelsDir}"): put ${files} in that folder, or unset MODELS_DIR to download ` +
      `the model once into "${options.cacheDir}".`;
  }
  return `Embedding model "${modelId}" could not be loaded: ${reason}. Connect to the internet once so the ` +
    `model downloads into "${options.cacheDir}", or set MODELS_DIR to a folder holding ${files}.`;
}

function describeLoadFailure(error: unknown): string {
  if (error instanceof ModelFileNotFoundError) {
    const path = /"([^"]+)"/.exec(error.message)?.[1];
    return path === undefined ? 'a model file is missing' : `a model file is missing (${path})`;
  }
  const message = firstLine(errorMessage(error));
  const cause = error instanceof Error ? error.cause : undefined;
  if (/fetch failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT|network/i.test(message)) {
    const detail = cause instanceof Error ? `: ${firstLine(cause.message)}` : '';
    return `the model files could not be downloaded (${message}${detail})`;
  }
  return message;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
