// `npm start`: the Discord bot when DISCORD_TOKEN is set, else the local console.
import 'dotenv/config';
import { openApp, type App, type AppStart } from './app.ts';
import { runChat } from './cli/chat.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { errorMessage } from './errors.ts';
import type { IngestSummary } from './ingest.ts';
import { createLogger } from './log.ts';
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
  app.close();
}

/** Whether a sync changed anything worth telling: quiet when every file was unchanged. */
function changedSomething(s: IngestSummary): boolean {
  return s.added + s.updated + s.removed + s.failed + s.duplicates > 0;
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

  // The library and the prompts open before anything else, the bot's login included: a bot that
  // cannot serve exits now, so a supervisor sees it fail, instead of staying online half-started.
  let start: AppStart;
  try {
    start = openApp(config, logger);
  } catch (error) {
    if (bot) logger.fatal({ err: error }, errorMessage(error));
    else process.stderr.write(`${errorMessage(error)}\n`);
    return 1;
  }

  if (bot) {
    // Loading the embedding model is slow and not fatal (search falls back to keywords): the bot
    // logs in meanwhile and answers "warming up" until it is done.
    const loading = loadApp(start, (summary) => {
      if (config.articlesDir && changedSomething(summary)) logSync(logger, config.articlesDir, summary);
    });
    loading.then(({ synced }) => synced && config.articlesDir && logSync(logger, config.articlesDir, synced), () => undefined);
    const { runBot } = await import('./discord/bot.ts');
    try {
      return await runBot(config, logger, loading.then((l) => l.app));
    } finally {
      await loading.then(closeLoaded, () => undefined);
    }
  }

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
  try {
    if (synced && config.articlesDir) process.stdout.write(`${syncReport(config.articlesDir, synced)}\n`);
    if (app.embedderProblem) process.stdout.write(`Search is keyword-only: ${app.embedderProblem}\n`);
    process.stdout.write(
      `${app.llm ? `Answers are written by ${config.llm.model}.` : 'No OPENAI_API_KEY or OPENAI_BASE_URL: answers quote the articles (extract mode).'}\n` +
        'No DISCORD_TOKEN set, so this is the local console. Set DISCORD_TOKEN and DISCORD_CLIENT_ID in .env to run the Discord bot.\n\n',
    );
    await runChat(app);
    return 0;
  } finally {
    await closeLoaded(loaded);
  }
}

process.exitCode = await main();
