import { fileURLToPath } from 'node:url';
import { Answerer } from './answering/answerer.ts';
import type { Config } from './config.ts';
import { findModelSpec } from './embeddings/models.ts';
import { createLlmClient } from './llm/client.ts';
import { loadPrompts } from './llm/prompts.ts';
import type { LlmClient } from './llm/types.ts';
import type { Embedder } from './embeddings/embedder.ts';
import { EmbedderUnavailableError, loadEmbedder } from './embeddings/transformers.ts';
import { errorMessage } from './errors.ts';
import type { Logger } from './log.ts';
import { Retriever } from './retrieval/search.ts';
import { AnswerLog } from './store/answer-log.ts';
import { Library } from './store/library.ts';
import { SHARED_COLLECTION } from './store/types.ts';
import type { LockHolder } from './store/write-lock.ts';

/** The application object every front end (CLI, console, Discord) is a thin adapter over. */
export interface App {
  config: Config;
  logger: Logger;
  library: Library;
  /** Null when the embedding model cannot be used: search is then keyword-only, with a warning. */
  embedder: Embedder | null;
  /** Why `embedder` is null, in words an operator can act on. */
  embedderProblem: string | null;
  retriever: Retriever;
  /** Null when no OPENAI_API_KEY / OPENAI_BASE_URL is set: answers are extractive. */
  llm: LlmClient | null;
  answerer: Answerer;
  /** Answers shown, feedback on them, and questions the archive could not answer. */
  answerLog: AnswerLog;
  close(): void;
}

/** Prompt templates ship with the code, next to src/. */
export const PROMPTS_DIR = fileURLToPath(new URL('../prompts', import.meta.url));

/** Longest question answered; Discord allows 6,000-character options, embedders far fewer tokens. */
export const MAX_QUESTION_CHARS = 1000;

function createLlm(config: Config, logger: Logger): LlmClient | null {
  const { apiKey, baseURL } = config.llm;
  if (!apiKey && !baseURL) return null;
  return createLlmClient({
    apiKey,
    baseURL,
    model: config.llm.model,
    timeoutMs: config.llm.timeoutMs,
    maxRetries: config.llm.maxRetries,
    maxConcurrent: config.llm.maxConcurrent,
    logger,
  });
}

/** The embedding model EMBEDDING_MODEL names, from MODELS_DIR or the download cache. */
export function loadConfiguredEmbedder(config: Config, logger: Logger): Promise<Embedder> {
  return loadEmbedder({
    modelId: config.embedding.model,
    cacheDir: config.embedding.cacheDir,
    dtype: config.embedding.dtype,
    logger,
    ...(config.embedding.modelsDir ? { modelsDir: config.embedding.modelsDir } : {}),
  });
}

/** Loads the embedding model, or explains why it cannot be used with this library. */
async function loadUsableEmbedder(
  config: Config,
  library: Library,
  logger: Logger,
): Promise<{ embedder: Embedder | null; problem: string | null }> {
  let embedder: Embedder;
  try {
    embedder = await loadConfiguredEmbedder(config, logger);
  } catch (error) {
    const problem = error instanceof EmbedderUnavailableError ? error.message : `embedding model failed: ${errorMessage(error)}`;
    logger.warn({ problem }, 'embedding model unavailable; search is keyword-only');
    return { embedder: null, problem };
  }
  const stored = library.modelId;
  if (stored !== undefined && stored !== embedder.modelId) {
    const problem =
      `the library was embedded with ${stored}, but EMBEDDING_MODEL is ${embedder.modelId}; ` +
      'run `npx newsroom reindex` to re-embed it with the configured model';
    logger.warn({ stored, configured: embedder.modelId }, 'embedding model differs from the library');
    return { embedder: null, problem };
  }
  return { embedder, problem: null };
}

export interface AppHooks {
  /** A write waits for another process's write to finish (the CLI tells the person waiting). */
  onWriteWait?: (holder: LockHolder | null) => void;
}

export async function createApp(config: Config, logger: Logger, hooks: AppHooks = {}): Promise<App> {
  // Prompts first: a broken template must stop start-up before anything is opened.
  const prompts = loadPrompts(PROMPTS_DIR);
  const llm = createLlm(config, logger);
  const library = Library.open({
    dataDir: config.dataDir,
    hnsw: config.hnsw,
    logger,
    lockWaitMs: config.writeLockWaitMs,
    ...(hooks.onWriteWait ? { onWriteWait: hooks.onWriteWait } : {}),
  });
  const { embedder, problem } = await loadUsableEmbedder(config, library, logger);
  const retriever = new Retriever(library, embedder);
  const answerLog = new AnswerLog(config.dataDir, { readOnly: library.readOnly, logger });
  const answerer = new Answerer({
    library,
    retriever,
    llm,
    prompts,
    logger,
    onUnanswered: (question, collections, closest) =>
      answerLog.recordUnanswered(
        question,
        collections.find((c) => c !== SHARED_COLLECTION) ?? null,
        closest.map((a) => a.articleId),
      ),
    options: {
      k: config.search.k,
      perArticle: config.search.perArticle,
      contextTokens: config.llm.contextTokens,
      minSimilarity: embedder ? (findModelSpec(embedder.modelId)?.relevantSimilarity ?? null) : null,
      maxQuestionChars: MAX_QUESTION_CHARS,
    },
  });
  return {
    config,
    logger,
    library,
    embedder,
    embedderProblem: problem,
    retriever,
    llm,
    answerer,
    answerLog,
    close: () => {
      answerLog.close();
      library.close();
    },
  };
}
