import { pipeline } from '@huggingface/transformers';
import type { FeatureExtractionPipeline, ProgressInfo, Tensor } from '@huggingface/transformers';
import type { EmbeddingDtype } from './model-files.ts';
import type { Pooling } from './models.ts';

interface TokenizerOutput {
  input_ids: Tensor;
  attention_mask: Tensor;
  token_type_ids?: Tensor;
}

/**
 * A Transformers.js feature-extraction pipeline for `modelId`, as the global `env` is set now
 * (see transformers-env.ts): from a folder, or downloaded from the hub into a cache folder.
 */
export function openExtractor(
  modelId: string,
  dtype: EmbeddingDtype,
  options: { localOnly: boolean; threads?: number; cacheDir?: string; onProgress?: (info: ProgressInfo) => void },
): Promise<FeatureExtractionPipeline> {
  return pipeline('feature-extraction', modelId, {
    dtype,
    device: 'cpu',
    // One model call uses every thread given; calls run one at a time, so no inter-op threads.
    ...(options.threads ? { session_options: { intraOpNumThreads: options.threads, interOpNumThreads: 1 } } : {}),
    local_files_only: options.localOnly,
    ...(options.cacheDir ? { cache_dir: options.cacheDir } : {}),
    ...(options.onProgress ? { progress_callback: options.onProgress } : {}),
  });
}

/** The longest input the tokenizer accepts (infinite when it does not say). */
export function tokenizerLimit(extractor: FeatureExtractionPipeline): number {
  const limit: unknown = extractor.tokenizer.model_max_length;
  return typeof limit === 'number' && Number.isFinite(limit) && limit > 0 ? limit : Number.POSITIVE_INFINITY;
}

/** Token vectors and attention mask for a batch of texts, truncated to `maxTokens`. */
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
  const outputs = (await extractor.model(inputs)) as { last_hidden_state?: Tensor };
  const tokens = outputs.last_hidden_state;
  if (tokens === undefined) throw new Error('The embedding model returned no last_hidden_state output');
  return { tokens, mask: inputs.attention_mask };
}

/**
 * One vector per text, pooled and normalised by Transformers.js as its feature-extraction
 * pipeline does. The pipeline's own call is not used because it truncates only at the
 * tokenizer's limit, and the model's spec may set a lower one (`maxTokens`).
 */
export async function embedBatch(
  extractor: FeatureExtractionPipeline,
  texts: string[],
  options: { maxTokens: number; pooling: Pooling; normalize: boolean },
): Promise<Float32Array[]> {
  const { tokens, mask } = await runModel(extractor, texts, options.maxTokens);
  const [rows = 0, length = 0, dimensions = 0] = tokens.dims;
  const hidden = tokens.data as Float32Array;
  const used = mask.data as ArrayLike<bigint | number>;
  return Array.from({ length: rows }, (_, row) => {
    const vector =
      options.pooling === 'cls'
        ? hidden.slice(row * length * dimensions, (row * length + 1) * dimensions)
        : meanOfTokens(hidden, used, row, length, dimensions);
    return options.normalize ? unitLength(vector) : vector;
  });
}

/**
 * The mean of one text's token vectors over the tokens its attention mask keeps (as Transformers.js's
 * mean_pooling computes it). Its own loop reads the mask once per token, where Transformers.js's
 * converts a BigInt mask value for every token and every dimension: 0.37 ms a passage with a
 * 64-dimension model, over 4 ms with a 384-dimension one.
 */
function meanOfTokens(
  hidden: Float32Array,
  mask: ArrayLike<bigint | number>,
  row: number,
  length: number,
  dimensions: number,
): Float32Array {
  const sum = new Float64Array(dimensions);
  let kept = 0;
  for (let token = 0; token < length; token++) {
    if (Number(mask[row * length + token]) === 0) continue;
    kept++;
    const offset = (row * length + token) * dimensions;
    for (let d = 0; d < dimensions; d++) sum[d] = (sum[d] as number) + (hidden[offset + d] as number);
  }
  const mean = new Float32Array(dimensions);
  for (let d = 0; d < dimensions; d++) mean[d] = (sum[d] as number) / kept;
  return mean;
}

/** The vector scaled to length 1 (unchanged when all zero). */
function unitLength(vector: Float32Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const norm = Math.sqrt(squares);
  if (norm > 0) for (let d = 0; d < vector.length; d++) vector[d] = (vector[d] as number) / norm;
  return vector;
}

/** Vector length as the model actually produces it, from one short text. */
export async function measureDimensions(extractor: FeatureExtractionPipeline, maxTokens: number): Promise<number> {
  const { tokens } = await runModel(extractor, ['dimension probe'], maxTokens);
  const dimensions = tokens.dims[2];
  if (tokens.dims.length !== 3 || dimensions === undefined) {
    throw new Error(`The model output has shape [${tokens.dims.join(', ')}], not [batch, sequence, dimensions]`);
  }
  return dimensions;
}
