// `npm start`: the Discord bot when DISCORD_TOKEN is set, else the local console.
import 'dotenv/config';
import { createApp, type App } from './app.ts';
import { runChat } from './cli/chat.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { errorMessage } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import type { IngestSummary } from './ingest.ts';
import { logSync, syncArticlesDir, syncReport } from './sync.ts';

async function loadApp(config: Config, logger: Logger): Promise<{ app: App; synced: IngestSummary | null }> {
  const app = await createApp(config, logger);
  return { app, synced: await syncArticlesDir(app) };
}

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }

  // LOG_LEVEL, unset: info for the bot, warn for the console (config.ts); LOG_FORMAT: readable on a terminal.
  const logger = createLogger(config.logLevel, { format: config.logFormat });
  if (config.discord.token) {
    const loading = loadApp(config, logger);
    loading.then(({ synced }) => synced && config.articlesDir && logSync(logger, config.articlesDir, synced), () => undefined);
    const { runBot } = await import('./discord/bot.ts');
    try {
      return await runBot(config, logger, loading.then((l) => l.app));
    } finally {
      await loading.then(({ app }) => app.close(), () => undefined);
    }
  }

  const { app, synced } = await loadApp(config, logger);
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
    app.close();
  }
}

process.exitCode = await main();
