import { fileURLToPath } from 'node:url';
import { Answerer } from './answering/answerer.ts';
import type { AnswerResult, SummaryResult } from './answering/types.ts';
import type { Config } from './config.ts';
import { findModelSpec } from './embeddings/models.ts';
import { createLlmClient } from './llm/client.ts';
import { loadPrompts, type Prompts } from './llm/prompts.ts';
import type { LlmClient, LlmResult } from './llm/types.ts';
import type { Embedder } from './embeddings/embedder.ts';
import { CurrentEmbedder } from './embeddings/current.ts';
import { Backoff, MODEL_RETRY, type BackoffOptions } from './embeddings/retry.ts';
import { EmbeddingServerError } from './embeddings/errors.ts';
import { loadUsableEmbedder, type UsableEmbedder } from './app-embedder.ts';
import { EmbedLater } from './embed-later.ts';
import { switchToModel } from './model-switch.ts';
import { BackgroundEmbedder } from './ingest/background.ts';
import { sharedParsePool } from './articles/parse-pool.ts';
import { errorMessage, isUserError, UserError } from './errors.ts';
import type { Logger } from './log.ts';
import { modelMessages } from './messages/models.ts';
import { startupMessages } from './messages/startup.ts';
import type { AnswerLogFailure, Metrics } from './ops/metrics.ts';
import { Retriever } from './retrieval/search.ts';
import { AnswerLog } from './readers/answer-log.ts';
import { Library } from './store/library.ts';
import { SHARED_COLLECTION } from './store/types.ts';
import type { LockHolder } from './store/write-lock.ts';

/** The application object every front end (CLI, console, Discord) is a thin adapter over. */
export interface App {
  config: Config;
  logger: Logger;
  library: Library;
  /** The embedding model in use, which can change while the app runs (see retryModelInBackground). */
  embedding: CurrentEmbedder;
  /**
   * `embedding.embedder`, read live: null when the embedding model cannot be used (search is then
   * keyword-only, with a warning). Read it when needed; a copy (`{ ...app }`) would not follow a change.
   */
  readonly embedder: Embedder | null;
  /** Why `embedder` is null, in words an operator can act on (live, like `embedder`). */
  readonly embedderProblem: string | null;
  retriever: Retriever;
  /** Null when no OPENAI_API_KEY / OPENAI_BASE_URL is set: answers are extractive. */
  llm: LlmClient | null;
  answerer: Answerer;
  /** Answers shown, feedback on them, and questions the archive could not answer. */
  answerLog: AnswerLog;
  /**
   * Embeds the chunks stored without a vector, newest stories first, a batch to a write: kicked after
   * start-up, each ingest and feed sync, and when the model arrives. Stopped by close().
   */
  backgroundEmbedding: BackgroundEmbedder;
  /**
   * For long-running front ends (the bot, the console): while the model is unavailable, keeps
   * trying to load it with a growing wait (1 min up to 30 min); once it loads, search turns hybrid
   * and the chunks stored meanwhile are embedded. Does nothing when the model is in use or when
   * only `newsroom reindex` can help (the library holds another model's vectors). With an
   * embeddings server, chunks it failed to embed are likewise embedded once it answers again.
   */
  retryModelInBackground(): void;
  /**
   * Prometheus metrics, when the front end serves them (HTTP_PORT, bot and console only); null
   * otherwise. Code where something worth counting happens reports here: `app.metrics?.…`.
   */
  metrics: Metrics | null;
  /**
   * Aborts every language model call in flight and refuses later ones (they fail as `aborted`):
   * the bot's shutdown, when answers in flight would not finish in time.
   */
  abortModelCalls(): void;
  /** Stops the background retry and closes the library and the answer log. */
  close(): void;
}

/** Prompt templates ship with the code, next to src/. */
export const PROMPTS_DIR = fileURLToPath(new URL('../prompts', import.meta.url));

/** Longest question answered; Discord allows 6,000-character options, embedders far fewer tokens. */
export const MAX_QUESTION_CHARS = 1000;

function createLlm(config: Config, logger: Logger, metrics: Metrics | null, stop: AbortSignal): LlmClient | null {
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
    stop,
    ...(metrics ? { onCall: (result: LlmResult) => metrics.llmCall(result) } : {}),
  });
}

/**
 * Why the app cannot start at all (its library or its prompt templates cannot be opened): the
 * message says what is wrong and what to do. The bot exits 1 with it before logging in to Discord.
 */
export class StartupError extends UserError {}

export interface AppStart {
  /**
   * The app, once the embedding model is loaded (or found unusable, leaving search keyword-only):
   * the slow part of start-up, which a front end may wait for while already serving ("warming up").
   */
  ready: Promise<App>;
  /** The library, open already (its vector index may still be loading: `vectorsLoading`). */
  library: Library;
}

/**
 * Opens at once what the app cannot run without (prompt templates, then the library and its answer
 * log) and throws StartupError if one cannot be opened; the embedding model then loads in `ready`.
 */
export interface AppHooks {
  /** A write waits for another process's write to finish (the CLI tells the person waiting). */
  onWriteWait?: (holder: LockHolder | null) => void;
  /** The background retry's waits (default MODEL_RETRY: 1 minute, doubling up to 30); tests shorten them. */
  modelRetry?: BackoffOptions;
  /** Counts what the app does (answers, model calls) and reads its size and modes at scrape time. */
  metrics?: Metrics;
  /** Caps answers.sqlite's size (SQLite's max_page_count; past it writes fail as on a full disk): tests fill it up. */
  answerLogMaxBytes?: number;
  /**
   * `background` for the bot and the console: the library serves keyword search at once while its
   * vector index loads. The CLI's one-shot commands leave it out and wait for the index (`now`).
   */
  indexLoad?: 'now' | 'background';
  /** `none`: the app never loads the embedding model (commands that only read what is stored). Default `load`. */
  model?: ModelUse;
}

export type ModelUse = 'load' | 'none';

/** The app of a command that does not use the model: no model, and nothing to retry. */
const NO_MODEL: UsableEmbedder = { embedder: null, problem: null, retryable: false };

export function openApp(config: Config, logger: Logger, hooks: AppHooks = {}): AppStart {
  sharedParsePool().setTimeLimit(config.parseTimeoutMs);
  // Prompts first: a broken template must stop start-up before anything is opened.
  const prompts = openPrompts();
  const metrics = hooks.metrics ?? null;
  const stopModel = new AbortController();
  const llm = createLlm(config, logger, metrics, stopModel.signal);
  const { library, answerLog } = openLibrary(config, logger, hooks);
  const later = new EmbedLater(hooks.modelRetry ?? MODEL_RETRY, logger);
  const ready = (async (): Promise<App> => {
    const first = hooks.model === 'none' ? NO_MODEL : await loadUsableEmbedder(config, library, logger, later);
    const app = assembleApp({ config, logger, library, answerLog, llm, prompts, metrics, first, hooks, stopModel, later });
    metrics?.watch({
      generation: () => library.catalog.generation(),
      counts: () => library.counts(),
      // Read from the app each time: the embedding model may arrive after start-up.
      searchMode: () => app.retriever.mode,
      answerMode: () => (app.llm ? 'llm' : 'extractive'),
      embeddingRate: () => app.backgroundEmbedding.rate(),
    });
    return app;
  })();
  // Nobody gets an App to close when loading fails, so close what was opened here.
  ready.catch(() => {
    answerLog.close();
    library.close();
  });
  return { ready, library };
}

function openPrompts(): Prompts {
  try {
    return loadPrompts(PROMPTS_DIR);
  } catch (error) {
    throw new StartupError(startupMessages.promptsInvalid(errorMessage(error)), { cause: error });
  }
}

interface AppParts {
  config: Config;
  logger: Logger;
  library: Library;
  answerLog: AnswerLog;
  llm: LlmClient | null;
  prompts: Prompts;
  metrics: Metrics | null;
  /** The embedding model as start-up found it. */
  first: UsableEmbedder;
  hooks: AppHooks;
  /** Aborts the model calls (App.abortModelCalls). */
  stopModel: AbortController;
  /** Embeds, in the background, the chunks the embeddings server failed to embed. */
  later: EmbedLater;
}

function assembleApp(parts: AppParts): App {
  const { config, logger, library, answerLog, llm, metrics, first, hooks } = parts;
  const embedding = new CurrentEmbedder(first);
  const retriever = new Retriever(library, () => embedding.embedder);
  // An embeddings server that failed is tried again on EmbedLater's schedule, sooner than the general retry.
  const onFailure = (error: unknown) => (error instanceof EmbeddingServerError ? parts.later.schedule() : undefined);
  const backgroundEmbedding = new BackgroundEmbedder({ library, embedder: () => embedding.embedder, logger, onFailure });
  let retry: Backoff | null = null;
  let closed = false;
  const app: App = {
    config,
    logger,
    library,
    embedding,
    get embedder() {
      return embedding.embedder;
    },
    get embedderProblem() {
      return embedding.problem;
    },
    retriever,
    llm,
    answerer: createAnswerer(parts, retriever),
    answerLog,
    backgroundEmbedding,
    retryModelInBackground() {
      parts.later.enable(app);
      if (retry || closed || embedding.embedder || !first.retryable) return;
      retry = modelRetry(app, hooks, parts.later, () => closed);
      retry.start();
      const { maxDelayMs } = hooks.modelRetry ?? MODEL_RETRY;
      logger.info({ modelId: config.embedding.model }, modelMessages.retrying(config.embedding.model, Math.round(maxDelayMs / 60_000)));
    },
    metrics,
    abortModelCalls: () => parts.stopModel.abort(new Error('shutting down')),
    close: () => {
      closed = true;
      retry?.stop();
      parts.later.stop();
      void backgroundEmbedding.stop();
      answerLog.close();
      library.close();
    },
  };
  return app;
}

function createAnswerer({ config, library, llm, prompts, logger, answerLog, metrics }: AppParts, retriever: Retriever): Answerer {
  return new Answerer({
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
    ...(metrics
      ? { onResult: (command: 'ask' | 'summarize', result: AnswerResult | SummaryResult) => metrics.answered(command, result) }
      : {}),
    options: {
      k: config.search.k,
      perArticle: config.search.perArticle,
      contextTokens: config.llm.contextTokens,
      // The only model that can ever be in use is EMBEDDING_MODEL's, and while none is, passages
      // carry no similarity for this threshold to judge: so it follows the model as it loads.
      minSimilarity: findModelSpec(config.embedding.model)?.relevantSimilarity ?? null,
      maxQuestionChars: MAX_QUESTION_CHARS,
    },
  });
}

/** Tries to load the embedding model until it loads (then switches the app to hybrid) or cannot ever be used. */
function modelRetry(app: App, hooks: AppHooks, later: EmbedLater, closed: () => boolean): Backoff {
  const { config, library, logger } = app;
  return new Backoff(
    async () => {
      const loaded = await loadUsableEmbedder(config, library, logger, later, true);
      if (closed()) return true;
      if (!loaded.embedder) {
        if (!loaded.retryable) {
          logger.warn({ problem: loaded.problem }, 'embedding model loaded but cannot be used with this library; no more retries');
          return true;
        }
        throw new Error(loaded.problem ?? 'embedding model unavailable');
      }
      await switchToModel(app, loaded.embedder);
      return true;
    },
    hooks.modelRetry ?? MODEL_RETRY,
    (_error, nextInMs) =>
      logger.warn({ nextInMinutes: Math.round(nextInMs / 6000) / 10 }, 'embedding model still unavailable; trying again later'),
  );
}

function openLibrary(config: Config, logger: Logger, hooks: AppHooks): { library: Library; answerLog: AnswerLog } {
  // The library's own messages (a damaged or empty database, a full disk) already name the file and what to do.
  const cannotOpen = (error: unknown): StartupError =>
    new StartupError(isUserError(error) ? error.message : startupMessages.libraryUnavailable(config.dataDir, errorMessage(error)), {
      cause: error,
    });
  let library: Library;
  try {
    library = Library.open({
      dataDir: config.dataDir,
      hnsw: config.hnsw,
      logger,
      lockWaitMs: config.writeLockWaitMs,
      ...(hooks.onWriteWait ? { onWriteWait: hooks.onWriteWait } : {}),
      ...(hooks.indexLoad ? { indexLoad: hooks.indexLoad } : {}),
    });
  } catch (error) {
    throw cannotOpen(error);
  }
  try {
    const { metrics, answerLogMaxBytes } = hooks;
    const answerLog = new AnswerLog(config.dataDir, {
      readOnly: library.readOnly,
      logger,
      ...(metrics ? { onWriteFailed: (failure: AnswerLogFailure) => metrics.answerLogWriteFailed(failure) } : {}),
      ...(answerLogMaxBytes ? { maxBytes: answerLogMaxBytes } : {}),
    });
    return { library, answerLog };
  } catch (error) {
    library.close();
    throw cannotOpen(error);
  }
}

/** The whole app, model included (the CLI and tests): openApp, then wait for it to be ready. */
export async function createApp(config: Config, logger: Logger, hooks: AppHooks = {}): Promise<App> {
  return openApp(config, logger, hooks).ready;
}
