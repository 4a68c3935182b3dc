import { Client, Events, GatewayIntentBits, PermissionFlagsBits, Status, type Interaction } from 'discord.js';
import type { App } from '../app.ts';
import type { Config } from '../config.ts';
import { UserError } from '../errors.ts';
import { startFeedPolling, type FeedPoller } from '../feeds/poller.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { Readiness } from '../ops/readiness.ts';
import { discordText } from '../messages.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { watchAcknowledgements } from './acknowledgements.ts';
import { ArticleIndex } from './article-index.ts';
import type { BotContext } from './context.ts';
import { startDigestScheduler, type DigestScheduler } from './digest.ts';
import { RateLimiter } from './rate-limit.ts';
import { InteractionRouter } from './router.ts';

/** How long shutdown waits for interactions in flight. */
const DRAIN_MS = 10_000;
/** Questions waiting for the model beyond this many per LLM slot get "try again". */
const QUEUE_PER_SLOT = 3;

export interface Bot {
  client: Client;
  /** Resolves once logged in and the application (library, model) is loaded. */
  ready: Promise<void>;
  /** Whether the gateway session is up now (false while logging in, reconnecting or resuming). */
  gatewayConnected(): boolean;
  stop(): Promise<void>;
}

/** What the running bot reports to, and the clock of its weekly digest. */
export interface BotOptions {
  metrics?: Metrics | null;
  /** The bot adds its gateway check (and "shutting down" on stop) for GET /readyz. */
  readiness?: Readiness;
  now?: () => Date;
}

function memberRoles(interaction: Interaction): string[] {
  const roles = interaction.member?.roles;
  if (!roles) return [];
  return Array.isArray(roles) ? roles : [...roles.cache.keys()];
}

function createContext(app: App, logger: Logger, metrics: Metrics | null): BotContext {
  const { discord } = app.config;
  const articles = new ArticleIndex(app.library);
  const questions = new RateLimiter(discord.questionsPerMinute);
  const maxWaiting = app.config.llm.maxConcurrent * QUEUE_PER_SLOT;
  let waiting = 0;
  return {
    app,
    articles,
    questions,
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
  };
}

/**
 * Logs in at once, so interactions arriving while the embedding model loads get "warming up"
 * instead of silence, then serves them through the router until stopped. `app` should come from
 * an app whose library is already open (openApp): a bot that cannot open it must not log in.
 */
export function startBot(config: Config, logger: Logger, app: Promise<App>, options: BotOptions = {}): Bot {
  const metrics = options.metrics ?? null;
  const token = config.discord.token;
  if (!token) throw new Error('DISCORD_TOKEN is required to start the Discord bot');
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    ...(config.discord.apiUrl ? { rest: { api: config.discord.apiUrl } } : {}),
  });
  let context: BotContext | null = null;
  let poller: FeedPoller | null = null;
  let stopped = false;
  let digest: DigestScheduler | null = null;
  const router = new InteractionRouter(() => context, logger, undefined, metrics ? (reason) => metrics.refused(reason) : undefined);
  if (metrics) watchAcknowledgements(client, (response, seconds) => metrics.acknowledged(response, seconds));

  let connectedOnce = false;
  const gatewayConnected = (): boolean =>
    client.ws.status === Status.Ready && client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);
  options.readiness?.set('discord', () => {
    if (stopped) return 'shutting down';
    if (gatewayConnected()) return null;
    return connectedOnce ? 'discord gateway disconnected' : 'discord gateway not connected yet';
  });
  client.on(Events.ShardDisconnect, (event, shardId) => logger.error({ shardId, code: event.code }, 'discord gateway closed for good'));
  client.on(Events.ShardReconnecting, (shardId) => logger.warn({ shardId }, 'discord gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'discord gateway resumed'));

  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));

  const loggedIn = new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, (c) => {
      if (stopped) {
        // stop() ran while logging in: a session opened now would keep answering "restarting" forever.
        void client.destroy();
        reject(new Error('the bot was stopped while logging in'));
        return;
      }
      connectedOnce = true;
      logger.info({ user: c.user.tag, guilds: c.guilds.cache.size }, 'logged in to Discord');
      resolve();
    });
    client.login(token).catch(reject);
  });
  const ready = Promise.all([loggedIn, app]).then(([, loaded]) => {
    if (stopped) return;
    context = createContext(loaded, logger, metrics);
    logger.info({ mode: loaded.llm ? 'llm' : 'extractive', search: loaded.embedder ? 'hybrid' : 'keyword' }, 'bot ready');
    if (config.digest) {
      digest = startDigestScheduler({
        client,
        answerLog: loaded.answerLog,
        settings: config.digest,
        logger,
        ...(options.now ? { now: options.now } : {}),
      });
    }
    // Followed feeds are synced in the background from now on (FEED_POLL_SECONDS).
    poller = startFeedPolling(loaded);
  });
  // A bot stopped before it was ready need not be awaited; whoever awaits `ready` still sees why.
  ready.catch(() => undefined);

  return {
    client,
    ready,
    gatewayConnected,
    async stop() {
      stopped = true;
      digest?.stop();
      // A feed sync in progress is cancelled while interactions in flight finish.
      await Promise.all([router.drain(DRAIN_MS), poller?.stop()]);
      await client.destroy();
    },
  };
}

/** `npm start` with DISCORD_TOKEN: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function runBot(config: Config, logger: Logger, app: Promise<App>, options: BotOptions = {}): Promise<number> {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const bot = startBot(config, logger, app, options);
  try {
    await bot.ready;
  } catch (error) {
    logger.fatal({ err: error }, 'could not start the Discord bot');
    await bot.stop();
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('shutting down: finishing interactions in flight');
  await bot.stop();
  return 0;
}
