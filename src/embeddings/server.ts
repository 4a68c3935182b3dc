import { silentLogger, type Logger } from '../log.ts';
import type { Embedder } from './embedder.ts';
import { missingModelFiles, type EmbeddingDtype } from './model-files.ts';
import { getModelSpec } from './models.ts';
import { EmbeddingServer, type EmbeddingServerOptions } from './server-client.ts';
import { type EmbeddingServerError } from './errors.ts';
import { checkServer } from './server-check.ts';
import { createServerEmbedder } from './server-embedder.ts';
import { loadTokenCounter } from './server-tokens.ts';
import { loadEmbedder } from './transformers.ts';

export interface LoadServerEmbedderOptions extends Omit<EmbeddingServerOptions, 'model'> {
  /** Registry id of the model the server must run (EMBEDDING_MODEL): what the library records. */
  modelId: string;
  /** The server's own name for it (EMBEDDINGS_MODEL); default `modelId`. */
  serverModel?: string | null;
  /** Texts per request. */
  batchSize: number;
  /** Where the local model may be (its tokenizer counts tokens; the whole model checks the server's vectors). */
  local: { modelsDir: string | null; cacheDir: string; dtype: EmbeddingDtype };
  onFailure?: (error: EmbeddingServerError) => void;
  logger?: Logger;
}

/**
 * An Embedder over an OpenAI-compatible embeddings server, checked before use: the probe texts
 * are embedded through it (the reply must name the model, and hold finite vectors of its length),
 * and when the local model's files are on this machine, the local model embeds them too and every
 * vector must agree (cosine ≥ 0.99). Throws EmbeddingServerError: `refused` when the server runs
 * another model, otherwise when it cannot be used now (down, timing out, answering errors).
 */
export async function loadServerEmbedder(options: LoadServerEmbedderOptions): Promise<Embedder> {
  const spec = getModelSpec(options.modelId);
  const logger = options.logger ?? silentLogger;
  const { local } = options;
  const roots = local.modelsDir ? [local.modelsDir] : [local.cacheDir];
  const server = new EmbeddingServer({ ...options, model: options.serverModel ?? spec.id });
  const tokens = await loadTokenCounter(spec, roots);
  const embedder = createServerEmbedder({
    server,
    spec,
    tokens,
    batchSize: options.batchSize,
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
  });
  const localModel = await localEmbedder(spec.id, roots, local).catch((error: unknown) => {
    logger.warn(
      { err: error, modelId: spec.id },
      'the local model could not be loaded to compare with the embeddings server; its vectors are checked by name and length only',
    );
    return null;
  });
  try {
    await checkServer(embedder, server.label, localModel);
  } catch (error) {
    // The caller says what this means for search (keyword-only, retried or not); here, the details.
    logger.debug({ err: error, server: server.label, model: server.model }, 'embeddings server check failed');
    throw error;
  }
  logger.info(
    {
      server: server.label,
      model: server.model,
      modelId: spec.id,
      dimensions: spec.dimensions,
      tokenizer: tokens.source,
      probeCompared: localModel !== null,
    },
    'embeddings server checked: passages and questions are embedded there',
  );
  return embedder;
}

/**
 * The local model when all its files are on this machine (nothing is downloaded for the check), else
 * null. Its fp32 file is preferred when present: servers run the model unquantized, and q8's own
 * small drift should not count against the server.
 */
async function localEmbedder(modelId: string, roots: string[], local: LoadServerEmbedderOptions['local']): Promise<Embedder | null> {
  const [root] = roots;
  if (root === undefined) return null;
  const dtype = (['fp32', local.dtype] as const).find((d) => missingModelFiles(root, modelId, d).length === 0);
  if (dtype === undefined) return null;
  return loadEmbedder({
    modelId,
    cacheDir: local.cacheDir,
    dtype,
    ...(local.modelsDir ? { modelsDir: local.modelsDir } : {}),
  });
}
