import { Client, Events, GatewayIntentBits, Status } from 'discord.js';
import type { App } from '../app.ts';
import type { Config } from '../config.ts';
import { startFeedPolling, type FeedPoller } from '../feeds/poller.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { Readiness } from '../ops/readiness.ts';
import { watchAcknowledgements } from './acknowledgements.ts';
import type { SlashCommand } from './command.ts';
import { createBotContext, type BotContext } from './context.ts';
import { startDigestScheduler, type DigestScheduler } from './digest.ts';
import { InteractionRouter } from './router.ts';

/**
 * Of the shutdown time (SHUTDOWN_TIMEOUT_S), the share interactions in flight get to finish; then
 * their model calls are aborted, and they get the next share to tell their people to ask again.
 */
const FINISH_SHARE = 0.6;
const TELL_SHARE = 0.25;

export interface Bot {
  client: Client;
  /** Resolves once logged in and the application (library, model) is loaded. */
  ready: Promise<void>;
  /** Whether the gateway session is up now (false while logging in, reconnecting or resuming). */
  gatewayConnected(): boolean;
  stop(): Promise<void>;
}

/** The commands it answers, what the running bot reports to, and the clock of its weekly digest. */
export interface BotOptions {
  /** The slash commands, loaded by the entry point from commands/. */
  commands: readonly SlashCommand[];
  metrics?: Metrics | null;
  /** The bot adds its gateway check (and "shutting down" on stop) for GET /readyz. */
  readiness?: Readiness;
  now?: () => Date;
}

/** What a running bot holds: set as it logs in, loads and stops. */
interface BotState {
  context: BotContext | null;
  poller: FeedPoller | null;
  digest: DigestScheduler | null;
  connectedOnce: boolean;
  stopped: boolean;
  /** Aborted at the shutdown deadline: answers still in flight then give up (BotContext.stopping). */
  stopping: AbortController;
}

function createClient(config: Config): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    // The one place mentions are switched off: discord.js applies it to every send, reply, edit and
    // update, so nothing the bot posts can ping anyone. A second line of defence: rendering already
    // makes mention syntax in article, model and user text inert (neutralize.ts).
    allowedMentions: { parse: [] },
    ...(config.discord.apiUrl ? { rest: { api: config.discord.apiUrl } } : {}),
  });
}

function gatewayConnected(client: Client): boolean {
  return client.ws.status === Status.Ready && client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);
}

/** Operators hear of the gateway's troubles and the client's errors. */
function logClientEvents(client: Client, logger: Logger): void {
  client.on(Events.ShardDisconnect, (event, shardId) => logger.error({ shardId, code: event.code }, 'discord gateway closed for good'));
  client.on(Events.ShardReconnecting, (shardId) => logger.warn({ shardId }, 'discord gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'discord gateway resumed'));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));
}

/** The bot's line in GET /readyz. */
function reportReadiness(readiness: Readiness, client: Client, state: BotState): void {
  readiness.set('discord', () => {
    if (state.stopped) return 'shutting down';
    if (gatewayConnected(client)) return null;
    return state.connectedOnce ? 'discord gateway disconnected' : 'discord gateway not connected yet';
  });
}

function logIn(client: Client, token: string, logger: Logger, state: BotState): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, (c) => {
      if (state.stopped) {
        // stop() ran while logging in: a session opened now would keep answering "restarting" forever.
        void client.destroy();
        reject(new Error('the bot was stopped while logging in'));
        return;
      }
      state.connectedOnce = true;
      logger.info({ user: c.user.tag, guilds: c.guilds.cache.size }, 'logged in to Discord');
      resolve();
    });
    client.login(token).catch(reject);
  });
}

/** Once logged in and loaded: interactions get answers, the digest and feed polling start. */
function startServing(app: App, client: Client, logger: Logger, options: BotOptions, state: BotState): void {
  state.context = createBotContext(app, logger, options.metrics ?? null, state.stopping.signal);
  // Answering goes on without the answer log: /readyz stays ready and names the problem.
  options.readiness?.setDegraded('answer-log', () => app.answerLog.status.reason);
  // An archive being embedded: ready, and saying how much of it semantic search covers so far.
  options.readiness?.setDegraded('embedding', () => app.backgroundEmbedding.coverage());
  logger.info({ mode: app.llm ? 'llm' : 'extractive', search: app.embedder ? 'hybrid' : 'keyword' }, 'bot ready');
  const { digest } = app.config;
  if (digest) {
    state.digest = startDigestScheduler({
      client,
      answerLog: app.answerLog,
      settings: digest,
      logger,
      ...(options.now ? { now: options.now } : {}),
    });
  }
  // Followed feeds are synced in the background from now on (FEED_POLL_SECONDS).
  state.poller = startFeedPolling(app);
}

/**
 * Logs in at once, so interactions arriving while the embedding model loads get "warming up"
 * instead of silence, then serves them through the router until stopped. `app` should come from
 * an app whose library is already open (openApp): a bot that cannot open it must not log in.
 */
export function startBot(config: Config, logger: Logger, app: Promise<App>, options: BotOptions): Bot {
  const token = config.discord.token;
  if (!token) throw new Error('DISCORD_TOKEN is required to start the Discord bot');
  const client = createClient(config);
  const state: BotState = {
    context: null,
    poller: null,
    digest: null,
    connectedOnce: false,
    stopped: false,
    stopping: new AbortController(),
  };
  const metrics = options.metrics ?? null;
  const router = new InteractionRouter({
    context: () => state.context,
    logger,
    commands: options.commands,
    ...(metrics ? { onRefused: (reason) => metrics.refused(reason) } : {}),
  });
  if (metrics) watchAcknowledgements(client, (response, seconds) => metrics.acknowledged(response, seconds));
  if (options.readiness) reportReadiness(options.readiness, client, state);
  logClientEvents(client, logger);
  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));

  const ready = Promise.all([logIn(client, token, logger, state), app]).then(([, loaded]) => {
    if (!state.stopped) startServing(loaded, client, logger, options, state);
  });
  // A bot stopped before it was ready need not be awaited; whoever awaits `ready` still sees why.
  ready.catch(() => undefined);

  return {
    client,
    ready,
    gatewayConnected: () => gatewayConnected(client),
    async stop() {
      state.stopped = true;
      state.digest?.stop();
      // A feed sync in progress is cancelled while interactions in flight finish.
      await Promise.all([finishInFlight(router, state, config.shutdownTimeoutMs, logger), state.poller?.stop()]);
      await client.destroy();
    },
  };
}

/**
 * Lets the interactions in flight finish, for most of the shutdown time; those still running then
 * have their model calls aborted and tell their people the bot is restarting, so that the library
 * is closed only after every one of them has settled, well within the supervisor's limit.
 */
async function finishInFlight(router: InteractionRouter, state: BotState, timeoutMs: number, logger: Logger): Promise<void> {
  if (await router.drain(timeoutMs * FINISH_SHARE)) return;
  logger.warn({ inFlight: router.pending }, 'shutting down: aborting the model calls of answers still in flight');
  state.stopping.abort();
  state.context?.app.abortModelCalls();
  if (!(await router.drain(timeoutMs * TELL_SHARE)))
    logger.error({ inFlight: router.pending }, 'shutting down with interactions still in flight');
}

/** `npm start` with DISCORD_TOKEN: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function runBot(config: Config, logger: Logger, app: Promise<App>, options: BotOptions): Promise<number> {
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
