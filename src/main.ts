// `npm start`: the Discord bot when DISCORD_TOKEN is set, else the local console.
import 'dotenv/config';
import { openApp, type App, type AppStart } from './app.ts';
import { runChat } from './cli/chat.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { errorMessage } from './errors.ts';
import { startFeedPolling } from './feeds/poller.ts';
import type { IngestSummary } from './ingest.ts';
import { createLogger, type Logger } from './log.ts';
import { startOpsServer, type OpsServer } from './ops/http-server.ts';
import { Metrics } from './ops/metrics.ts';
import { Readiness } from './ops/readiness.ts';
import { semanticSearchMessages } from './messages/semantic-search.ts';
import { logSync, syncArticlesDir, syncReport } from './sync.ts';
import type { FolderWatcher } from './watch/folder-watcher.ts';
import { followArticlesDir } from './watch/follow-articles.ts';

interface Loaded {
  app: App;
  /** What the start-up sync of ARTICLES_DIR did. */
  synced: IngestSummary | null;
  /** Follows ARTICLES_DIR while running (WATCH_ARTICLES); stop it before closing the app. */
  watcher: FolderWatcher | null;
}

/**
 * The ready app with ARTICLES_DIR synced in, and followed from then on: the watch starts before
 * the sync, so a file changed during it is applied right after. `report` hears of each change.
 */
async function loadApp(start: AppStart, report: (summary: IngestSummary) => void): Promise<Loaded> {
  const app = await start.ready;
  let watcher: FolderWatcher | null = null;
  try {
    watcher = followArticlesDir(app, report);
    const synced = await syncArticlesDir(app);
    watcher?.resume();
    return { app, synced, watcher };
  } catch (error) {
    await watcher?.stop();
    app.close();
    throw error;
  }
}

/** Stops following the folder (letting a change in progress finish), then closes the app. */
async function closeLoaded({ app, watcher }: Loaded): Promise<void> {
  await watcher?.stop();
  // A batch of the background embedding in progress is stored before the library closes.
  await app.backgroundEmbedding.stop();
  app.close();
}

/** Whether a sync changed anything worth telling: quiet when every file was unchanged. */
function changedSomething(s: IngestSummary): boolean {
  return s.added + s.updated + s.removed + s.failed + s.duplicates > 0;
}

/** Health, readiness and metrics (HTTP_PORT), started before anything else so a busy port stops start-up at once. */
async function startOps(
  config: Config,
  logger: Logger,
  readiness: Readiness,
): Promise<{ server: OpsServer | null; metrics: Metrics | null }> {
  if (!config.http) return { server: null, metrics: null };
  const metrics = new Metrics();
  const server = await startOpsServer({ ...config.http, metrics, readiness, logger });
  return { server, metrics };
}

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
  const bot = config.discord.token !== null;
  // LOG_LEVEL, unset: info for the bot, warn for the console (config.ts); LOG_FORMAT: readable on a terminal.
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  const cannotStart = (error: unknown): number => {
    if (bot) logger.fatal({ err: error }, errorMessage(error));
    else process.stderr.write(`${errorMessage(error)}\n`);
    return 1;
  };

  const readiness = new Readiness();
  let loaded = false;
  readiness.set('app', () => (loaded ? null : 'starting: the library and the embedding model are loading'));
  let ops: Awaited<ReturnType<typeof startOps>>;
  try {
    ops = await startOps(config, logger, readiness);
  } catch (error) {
    return cannotStart(error);
  }
  try {
    return await serve(config, logger, bot, { readiness, metrics: ops.metrics, onLoaded: () => (loaded = true), cannotStart });
  } finally {
    readiness.set('app', () => 'shutting down');
    await ops.server?.close();
  }
}

interface ServeHooks {
  readiness: Readiness;
  metrics: Metrics | null;
  onLoaded: () => void;
  cannotStart: (error: unknown) => number;
}

async function serve(config: Config, logger: Logger, bot: boolean, hooks: ServeHooks): Promise<number> {
  const { readiness, metrics } = hooks;
  // The library and the prompts open before anything else, the bot's login included: a bot that
  // cannot serve exits now, so a supervisor sees it fail, instead of staying online half-started.
  let start: AppStart;
  try {
    // Neither the bot nor the console waits for the vector index: keyword search serves while it loads.
    start = openApp(config, logger, { indexLoad: 'background', ...(metrics ? { metrics } : {}) });
  } catch (error) {
    return hooks.cannotStart(error);
  }
  const { library } = start;
  readiness.setDegraded('semantic-search', () => (library.vectorsLoading ? semanticSearchMessages.loadingStatus : null));

  return bot ? serveBot(config, logger, start, hooks) : serveConsole(config, logger, start, hooks);
}

/** The Discord bot: it logs in while the embedding model loads, answering "warming up" until then. */
async function serveBot(config: Config, logger: Logger, start: AppStart, hooks: ServeHooks): Promise<number> {
  const { readiness, metrics } = hooks;
  // Loading the embedding model is slow and not fatal (search falls back to keywords): the bot
  // logs in meanwhile and answers "warming up" until it is done.
  const loading = loadApp(start, (summary) => {
    if (config.articlesDir && changedSomething(summary)) logSync(logger, config.articlesDir, summary);
  });
  loading.then(
    ({ app, synced }) => {
      hooks.onLoaded();
      if (synced && config.articlesDir) logSync(logger, config.articlesDir, synced);
      app.retryModelInBackground();
    },
    () => undefined,
  );
  const [{ runBot }, { commands }] = await Promise.all([import('./discord/bot.ts'), import('../commands/index.ts')]);
  try {
    return await runBot(
      config,
      logger,
      loading.then((l) => l.app),
      { commands, metrics, readiness },
    );
  } finally {
    readiness.set('app', () => 'shutting down');
    await loading.then(closeLoaded, () => undefined);
  }
}

/** The local console (no DISCORD_TOKEN): questions typed on stdin. */
async function serveConsole(config: Config, logger: Logger, start: AppStart, hooks: ServeHooks): Promise<number> {
  const { readiness } = hooks;
  let loaded: Loaded;
  try {
    loaded = await loadApp(start, (summary) => {
      if (config.articlesDir && changedSomething(summary)) process.stdout.write(`${syncReport(config.articlesDir, summary)}\n`);
    });
  } catch (error) {
    process.stderr.write(`Could not start: ${errorMessage(error)}\n`);
    return 1;
  }
  const { app, synced } = loaded;
  hooks.onLoaded();
  // Answering goes on without the answer log: /readyz stays ready and names the problem (the bot does the same).
  hooks.readiness.setDegraded('answer-log', () => app.answerLog.status.reason);
  // An archive being embedded: ready, and saying how much of it semantic search covers so far.
  hooks.readiness.setDegraded('embedding', () => app.backgroundEmbedding.coverage());
  // Followed feeds are synced in the background while the console runs (FEED_POLL_SECONDS).
  const poller = startFeedPolling(app);
  try {
    if (synced && config.articlesDir) process.stdout.write(`${syncReport(config.articlesDir, synced)}\n`);
    if (app.embedderProblem) process.stdout.write(`Search is keyword-only: ${app.embedderProblem}\n`);
    app.retryModelInBackground();
    process.stdout.write(
      `${app.llm ? `Answers are written by ${config.llm.model}.` : 'No OPENAI_API_KEY or OPENAI_BASE_URL: answers quote the articles (extract mode).'}\n` +
        'No DISCORD_TOKEN set, so this is the local console. Set DISCORD_TOKEN and DISCORD_CLIENT_ID in .env to run the Discord bot.\n\n',
    );
    await runChat(app);
    return 0;
  } finally {
    readiness.set('app', () => 'shutting down');
    await poller?.stop();
    await closeLoaded(loaded);
  }
}

process.exitCode = await main();
