import { articlesCommand } from './articles.ts';
import { askCommand } from './ask.ts';
import { backupCommand, restoreCommand } from './backup.ts';
import { checkCommand } from './check.ts';
import { runChat } from './chat.ts';
import { defineCommand, JSON_OPTION, type Command } from './command.ts';
import { print, printJson } from './context.ts';
import { forgetCommand, gapsCommand } from './editorial.ts';
import { feedbackCommand } from './feedback.ts';
import { feedsCommand } from './feeds.ts';
import { embedCommand } from './embed.ts';
import { ingestCommand } from './ingest.ts';
import { modelsCommand } from './models.ts';
import { reindexCommand } from './reindex.ts';
import { searchCommand } from './search.ts';
import { summarizeCommand } from './summarize.ts';

const chatCommand = defineCommand({
  name: 'chat',
  summary: 'the interactive local console: questions and commands as in Discord',
  usage: ['chat'],
  options: {},
  maxArguments: 0,
  run: async (ctx) => {
    const app = await ctx.app();
    app.retryModelInBackground();
    await runChat(app);
    return 0;
  },
});

const deployCommandsCommand = defineCommand({
  name: 'deploy-commands',
  summary: 'register the Discord slash commands (DISCORD_TOKEN, DISCORD_CLIENT_ID)',
  usage: ['deploy-commands [--json]'],
  options: { json: JSON_OPTION },
  maxArguments: 0,
  notes: ['With DISCORD_GUILD_ID the commands appear in that server at once; without it they register globally.'],
  run: async (ctx, { values }) => {
    const [{ deployCommands }, { commands }] = await Promise.all([import('../discord/deploy.ts'), import('../../commands/index.ts')]);
    const result = await deployCommands(ctx.config, commands);
    if (values.json) printJson({ count: result.count, scope: result.scope });
    else print(`registered ${result.count} commands for ${result.scope}`);
    return 0;
  },
});

/**
 * Every `newsroom` command, in the order `newsroom help` lists them. A new command is one
 * `defineCommand({...})` in its own file under src/cli/ and one entry here.
 */
export const COMMANDS: readonly Command[] = [
  ingestCommand,
  embedCommand,
  searchCommand,
  articlesCommand,
  askCommand,
  summarizeCommand,
  chatCommand,
  forgetCommand,
  gapsCommand,
  feedbackCommand,
  feedsCommand,
  reindexCommand,
  checkCommand,
  backupCommand,
  restoreCommand,
  modelsCommand,
  deployCommandsCommand,
];
