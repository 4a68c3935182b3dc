// `npm start`: the Discord bot when DISCORD_TOKEN is set, else the local console.
import 'dotenv/config';
import { createApp } from './app.ts';
import { runChat } from './cli/chat.ts';
import { summaryLine } from './cli/ingest.ts';
import { ConfigError, loadConfig } from './config.ts';
import { errorMessage } from './errors.ts';
import { createLogger } from './log.ts';
import { syncArticlesDir } from './sync.ts';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
  const logger = createLogger(config.discord.token ? config.logLevel : 'warn');
  const app = await createApp(config, logger);
  try {
    const summary = await syncArticlesDir(app);
    if (config.discord.token) {
      const { runBot } = await import('./discord/bot.ts');
      return await runBot(app);
    }
    if (summary) process.stdout.write(`Articles from ${config.articlesDir}: ${summaryLine(summary)}\n`);
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
