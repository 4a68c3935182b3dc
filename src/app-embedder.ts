import type { Config } from './config.ts';
import type { Embedder } from './embeddings/embedder.ts';
import { EmbeddingServerError } from './embeddings/errors.ts';
import { EmbedderUnavailableError } from './embeddings/errors.ts';
import type { EmbedLater } from './embed-later.ts';
import { errorMessage } from './errors.ts';
import type { Logger } from './log.ts';
import { embeddingDtypeMessages } from './messages/models.ts';
import { UNRECORDED_DTYPE } from './store/catalog/catalog.ts';
import type { Library } from './store/library.ts';

/**
 * The embedding model EMBEDDING_MODEL names: on the embeddings server EMBEDDINGS_URL names (checked
 * first, see embeddings/server.ts), else from MODELS_DIR or the download cache (downloaded there
 * first when missing, from HF_ENDPOINT). `retryHub` tries the hub even if it could not be reached
 * earlier in this process; `onServerFailure` hears of each failed call to the server. Their modules
 * load here, not with the app: commands that only read what is stored start without Transformers.js.
 */
export async function loadConfiguredEmbedder(
  config: Config,
  logger: Logger,
  options: { retryHub?: boolean; onServerFailure?: () => void } = {},
): Promise<Embedder> {
  const { server } = config.embedding;
  if (server) {
    const { loadServerEmbedder } = await import('./embeddings/server.ts');
    return loadServerEmbedder({
      ...server,
      modelId: config.embedding.model,
      serverModel: server.model,
      local: { modelsDir: config.embedding.modelsDir, cacheDir: config.embedding.cacheDir, dtype: config.embedding.dtype },
      logger,
      ...(options.onServerFailure ? { onFailure: options.onServerFailure } : {}),
    });
  }
  // In a worker thread: a batch takes seconds of CPU, and the bot must keep acknowledging interactions meanwhile.
  const { loadWorkerEmbedder } = await import('./embeddings/worker-embedder.ts');
  return loadWorkerEmbedder({
    modelId: config.embedding.model,
    cacheDir: config.embedding.cacheDir,
    dtype: config.embedding.dtype,
    threads: config.embedding.threads,
    hub: { url: config.embedding.hubUrl },
    logger,
    ...(options.retryHub ? { retryHub: true } : {}),
    ...(config.embedding.modelsDir ? { modelsDir: config.embedding.modelsDir } : {}),
  });
}

export interface UsableEmbedder {
  embedder: Embedder | null;
  problem: string | null;
  /** Trying again later may help (the model was unavailable), unlike a library holding another model's vectors. */
  retryable: boolean;
}

/** Loads the embedding model, or explains why it cannot be used with this library. */
export async function loadUsableEmbedder(
  config: Config,
  library: Library,
  logger: Logger,
  later: EmbedLater,
  retryHub = false,
): Promise<UsableEmbedder> {
  let embedder: Embedder;
  try {
    embedder = await loadConfiguredEmbedder(config, logger, { retryHub, onServerFailure: () => later.schedule() });
  } catch (error) {
    const known = error instanceof EmbedderUnavailableError || error instanceof EmbeddingServerError;
    const problem = known ? error.message : `embedding model failed: ${errorMessage(error)}`;
    logger.warn({ problem }, 'embedding model unavailable; search is keyword-only');
    // A server running another model stays refused until the configuration changes.
    return { embedder: null, problem, retryable: !(error instanceof EmbeddingServerError && error.refused) };
  }
  const stored = library.modelId;
  if (stored !== undefined && stored !== embedder.modelId) {
    const problem =
      `the library was embedded with ${stored}, but EMBEDDING_MODEL is ${embedder.modelId}; ` +
      'run `npx newsroom reindex` to re-embed it with the configured model';
    logger.warn({ stored, configured: embedder.modelId }, 'embedding model differs from the library');
    return { embedder: null, problem, retryable: false };
  }
  const storedDtype = library.embeddingDtype;
  const dtype = embedder.dtype ?? UNRECORDED_DTYPE;
  if (stored !== undefined && storedDtype !== undefined && storedDtype !== dtype) {
    logger.warn({ model: stored, stored: storedDtype, configured: dtype }, 'embedding dtype differs from the library');
    return { embedder: null, problem: embeddingDtypeMessages.dtypeProblem(stored, storedDtype, dtype), retryable: false };
  }
  return { embedder, problem: null, retryable: false };
}
