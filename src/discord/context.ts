import { PermissionFlagsBits, type Interaction } from 'discord.js';
import type { App } from '../app.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { discordText } from '../messages/discord.ts';
import type { Metrics } from '../ops/metrics.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { ArticleIndex } from './article-index.ts';
import { RateLimiter } from './rate-limit.ts';

/** Questions waiting for the model beyond this many per LLM slot get "try again". */
const QUEUE_PER_SLOT = 3;

/** What every command handler gets: the application and the bot's own bookkeeping. */
export interface BotContext {
  app: App;
  articles: ArticleIndex;
  logger: Logger;
  /** Collections this interaction may read: its server's and the shared one; null when refused (DMs). */
  collectionsFor(interaction: Interaction): string[] | null;
  /** The collection a server's editors write to. */
  writableCollection(interaction: Interaction): string | null;
  isEditor(interaction: Interaction): boolean;
  /** Counts a model-backed job in flight; throws a UserError when the bot is saturated. */
  admitQuestion(interaction: Interaction): void;
  releaseQuestion(): void;
  /** Aborted when the bot stops before the answers in flight finished (their model calls are aborted too). */
  stopping: AbortSignal;
}

function memberRoles(interaction: Interaction): string[] {
  const roles = interaction.member?.roles;
  if (!roles) return [];
  return Array.isArray(roles) ? roles : [...roles.cache.keys()];
}

/** The context of a bot whose application has loaded. */
export function createBotContext(
  app: App,
  logger: Logger,
  metrics: Metrics | null,
  stopping: AbortSignal = new AbortController().signal,
): BotContext {
  const { discord } = app.config;
  const articles = new ArticleIndex(app.library);
  const questions = new RateLimiter(discord.questionsPerMinute);
  const maxWaiting = app.config.llm.maxConcurrent * QUEUE_PER_SLOT;
  let waiting = 0;
  return {
    app,
    articles,
    logger,
    collectionsFor: (i) => (i.guildId ? [i.guildId, SHARED_COLLECTION] : discord.dmPolicy === 'shared' ? [SHARED_COLLECTION] : null),
    writableCollection: (i) => i.guildId ?? null,
    isEditor(i) {
      if (!i.inGuild()) return false;
      const permissions = i.memberPermissions;
      if (permissions?.has(PermissionFlagsBits.Administrator)) return true;
      if (discord.editorRoleId) return memberRoles(i).includes(discord.editorRoleId);
      return permissions?.has(PermissionFlagsBits.ManageMessages) ?? false;
    },
    admitQuestion(i) {
      const wait = questions.take(i.user.id);
      if (wait > 0) {
        metrics?.refused('rate_limited');
        throw new UserError(discordText.rateLimited(wait));
      }
      if (waiting >= maxWaiting) {
        metrics?.refused('busy');
        throw new UserError(discordText.busy(10));
      }
      waiting++;
    },
    releaseQuestion() {
      waiting = Math.max(0, waiting - 1);
    },
    stopping,
  };
}
