// `npm start`: the Discord bot when DISCORD_TOKEN is set, else the local console.
import 'dotenv/config';
import { createApp, type App } from './app.ts';
import { runChat } from './cli/chat.ts';
import { summaryLine } from './cli/ingest.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { errorMessage } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import { syncArticlesDir } from './sync.ts';

async function loadApp(config: Config, logger: Logger): Promise<{ app: App; synced: string | null }> {
  const app = await createApp(config, logger);
  const summary = await syncArticlesDir(app);
  return { app, synced: summary ? `Articles from ${config.articlesDir}: ${summaryLine(summary)}` : null };
}

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }

  if (config.discord.token) {
    const logger = createLogger(config.logLevel);
    const loading = loadApp(config, logger);
    loading.then(({ synced }) => synced && logger.info(synced), () => undefined);
    const { runBot } = await import('./discord/bot.ts');
    try {
      return await runBot(config, logger, loading.then((l) => l.app));
    } finally {
      await loading.then(({ app }) => app.close(), () => undefined);
    }
  }

  const { app, synced } = await loadApp(config, createLogger('fatal'));
  try {
    if (synced) process.stdout.write(`${synced}\n`);
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
