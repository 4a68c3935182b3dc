import 'dotenv/config';
import { createApp, type App } from './app.ts';
import { articlesCommand } from './cli/articles.ts';
import { askCommand } from './cli/ask.ts';
import { checkCommand } from './cli/check.ts';
import { forgetCommand, gapsCommand } from './cli/editorial.ts';
import { runChat } from './cli/chat.ts';
import { summarizeCommand } from './cli/summarize.ts';
import type { CommandContext } from './cli/context.ts';
import { ingestCommand } from './cli/ingest.ts';
import { reindexCommand } from './cli/reindex.ts';
import { searchCommand } from './cli/search.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { errorMessage, isUserError } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import { storeMessages } from './messages.ts';
import { warn } from './cli/context.ts';

const USAGE = `newsroom — question answering over a newsroom's stored articles

Usage:
  newsroom ingest <paths...> [--collection ID] [--prune]
  newsroom search "<query>" [--k N] [--collection ID] [--json]
  newsroom articles [--collection ID] [--json]
  newsroom ask "<question>" [--collection ID] [--json]
  newsroom summarize <article id | "title words"> [--length brief|standard|bullets] [--json]
  newsroom summarize --topic "<query>" [--length ...] [--json]
  newsroom chat                         interactive local console (as in Discord)
  newsroom forget <article id> [--collection ID]    retract an article: never cited again
  newsroom gaps [--json]                questions the archive could not answer
  newsroom reindex                      re-embed every stored chunk with EMBEDDING_MODEL
  newsroom check [--json] [--repair]    the library's health; --repair fixes what can be fixed
  newsroom deploy-commands              register the Discord slash commands
  newsroom help

Settings come from the environment or .env (see .env.example); DATA_DIR chooses the library folder.`;

type Command = (ctx: CommandContext) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  ingest: ingestCommand,
  search: searchCommand,
  articles: articlesCommand,
  reindex: reindexCommand,
  check: checkCommand,
  ask: askCommand,
  summarize: summarizeCommand,
  chat: async (ctx) => {
    await runChat(await ctx.app());
    return 0;
  },
  'deploy-commands': async (ctx) => {
    const { deployCommands } = await import('./discord/deploy.ts');
    const result = await deployCommands(ctx.config);
    process.stdout.write(`registered ${result.count} commands for ${result.scope}\n`);
    return 0;
  },
  forget: forgetCommand,
  gaps: gapsCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${USAGE}\n`);
    return 1;
  }
  let config: Config;
  try {
    config = loadConfig({ LOG_LEVEL: 'fatal', ...process.env });
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
  const logger = createLogger(config.logLevel);
  let app: App | undefined;
  try {
    return await command({
      args,
      config,
      app: async () => (app ??= await openApp(config, logger)),
    });
  } catch (error) {
    if (isUserError(error) || isArgumentError(error)) {
      process.stderr.write(`${errorMessage(error)}\n`);
      return 1;
    }
    logger.error({ err: error, command: name }, 'command failed');
    process.stderr.write(`Unexpected error: ${errorMessage(error)}\n`);
    return 1;
  } finally {
    app?.close();
  }
}

/** The application, telling the person at the terminal when a write waits and when the library is read-only. */
async function openApp(config: Config, logger: Logger): Promise<App> {
  const app = await createApp(config, logger, { onWriteWait: (holder) => warn(storeMessages.waitingForWriter(holder)) });
  if (app.library.readOnly) warn(storeMessages.readOnlyNotice(config.dataDir));
  return app;
}

function isArgumentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

process.exitCode = await main(process.argv.slice(2));
