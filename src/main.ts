// `npm start`: the Discord bot when DISCORD_TOKEN is set, else the local console.
import 'dotenv/config';
import { openApp, type App, type AppStart } from './app.ts';
import { runChat } from './cli/chat.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { errorMessage } from './errors.ts';
import type { IngestSummary } from './ingest.ts';
import { createLogger } from './log.ts';
import { logSync, syncArticlesDir, syncReport } from './sync.ts';

/** The ready app with ARTICLES_DIR synced in, and what the sync did. */
async function loadApp(start: AppStart): Promise<{ app: App; synced: IngestSummary | null }> {
  const app = await start.ready;
  try {
    return { app, synced: await syncArticlesDir(app) };
  } catch (error) {
    app.close();
    throw error;
  }
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
    const loading = loadApp(start);
    loading.then(({ app, synced }) => {
      if (synced && config.articlesDir) logSync(logger, config.articlesDir, synced);
      app.retryModelInBackground();
    }, () => undefined);
    const { runBot } = await import('./discord/bot.ts');
    try {
      return await runBot(config, logger, loading.then((l) => l.app));
    } finally {
      await loading.then(({ app }) => app.close(), () => undefined);
    }
  }

  let loaded: { app: App; synced: IngestSummary | null };
  try {
    loaded = await loadApp(start);
  } catch (error) {
    process.stderr.write(`Could not start: ${errorMessage(error)}\n`);
    return 1;
  }
  const { app, synced } = loaded;
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
    app.close();
  }
}

process.exitCode = await main();
