import type { SlashCommand } from '../src/discord/context.ts';
import { articles } from './articles.ts';
import { ask } from './ask.ts';
import { feeds } from './feeds.ts';
import { forget } from './forget.ts';
import { help } from './help.ts';
import { ingest } from './ingest.ts';
import { summarize } from './summarize.ts';

/** Every slash command the bot registers and answers. */
export const commands: readonly SlashCommand[] = [ask, summarize, articles, ingest, forget, feeds, help];
