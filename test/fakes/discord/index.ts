/**
 * A stand-in Discord on 127.0.0.1 for the real discord.js Client: REST (interaction callbacks,
 * webhook edits and follow-ups, command deploys), the gateway (READY, GUILD_CREATE, heartbeats,
 * resume, INTERACTION_CREATE) and a small CDN for attachments.
 *
 *   const fake = await startFakeDiscord({ guilds: [{ id: '300000000000000001', name: 'Desk' }] });
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restApi } });
 *   const ready = once(client, Events.ClientReady); // listen before login: it can fire before login resolves
 *   await client.login(fake.token); await ready;
 *   const { token } = fake.slashCommand({ name: 'ask', options: [...] });
 *   await fake.waitForRequest((r) => r.method === 'PATCH' && r.route.includes(token));
 *   fake.originalMessage(token)?.embeds[0]?.description;
 *   await client.destroy(); await fake.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GatewayDispatchEvents,
  type APIApplicationCommand,
  type APIAttachment,
  type APIInteraction,
  type APIMessage,
  type APIUser,
} from 'discord.js';
import { AttachmentHost, ATTACHMENTS_PATH, type ServeOptions } from './attachments.ts';
import { ChannelMessages } from './channels.ts';
import { CommandRegistry } from './commands.ts';
import { FakeGateway, GATEWAY_PATH, type GatewayReceived } from './gateway.ts';
import { BadBodyError, discordError, parseBody, readRaw, writeReply, type Reply } from './http-body.ts';
import { botToken as makeBotToken, snowflake } from './ids.ts';
import { InteractionLedger, type InteractionRecord } from './interaction-ledger.ts';
import {
  autocompletePayload,
  buttonPayload,
  modalSubmitPayload,
  slashCommandPayload,
  type AutocompleteSpec,
  type ButtonSpec,
  type InteractionWorld,
  type ModalSubmitSpec,
  type SlashCommandSpec,
} from './interactions.ts';
import { RateLimiter } from './rate-limits.ts';
import { describeRequest, EventLog, type RecordedFile, type RecordedRequest, type RequestPredicate } from './recorder.ts';
import type { RouteContext } from './router.ts';
import { buildRouter } from './rest-routes.ts';
import { botUser, makeGuild, type FakeGuild, type FakeGuildSpec } from './world.ts';

export type { AutocompleteSpec, ButtonSpec, ModalSubmitSpec, SlashCommandSpec, InteractionActor } from './interactions.ts';
export type { RecordedFile, RecordedRequest, RequestPredicate } from './recorder.ts';
export type { GatewayReceived } from './gateway.ts';
export type { ServeOptions } from './attachments.ts';
export type { FakeGuild, FakeGuildSpec } from './world.ts';
export type { InteractionRecord } from './interaction-ledger.ts';
export { MEMBER_PERMISSIONS, defaultUser } from './world.ts';

export interface FakeDiscordOptions {
  applicationId?: string;
  /** Guilds the bot is in; one guild ("Fake Newsroom") when left out, none for []. */
  guilds?: FakeGuildSpec[];
  /** The token the bot must log in with; a realistic random one when left out. */
  botToken?: string;
  /** Gateway heartbeat interval (Discord's is about 41 s). */
  heartbeatIntervalMs?: number;
  /**
   * Answer callbacks that arrive later than this after the interaction was sent with 404 Unknown
   * interaction, as Discord does after 3 s. Off unless set, so slow machines do not make tests flaky.
   */
  ackDeadlineMs?: number;
}

/** An interaction the fake sent over the gateway. */
export interface SentInteraction {
  id: string;
  token: string;
  payload: APIInteraction;
}

export interface FakeDiscord {
  /** For `new Client({ rest: { api: fake.restApi } })`: 'http://127.0.0.1:PORT/api'. */
  readonly restApi: string;
  /** http://127.0.0.1:PORT */
  readonly baseUrl: string;
  readonly gatewayUrl: string;
  /** The only token login accepts (others get 401 from /gateway/bot and 4004 on Identify). */
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly guilds: readonly FakeGuild[];

  /** Every HTTP request received, in order (REST and attachment downloads). */
  readonly requests: readonly RecordedRequest[];
  /** Requests no route served (answered 404): calls the bot should not have made. */
  unmatchedRequests(): RecordedRequest[];
  waitForRequest(predicate: RequestPredicate, timeoutMs?: number): Promise<RecordedRequest>;
  /** Accepted (2xx) initial responses to an interaction. */
  callbacksFor(interactionId: string): RecordedRequest[];
  /** Accepted (2xx) edits of an interaction's messages (@original and follow-ups). */
  editsFor(token: string): RecordedRequest[];
  /** Accepted (2xx) follow-up posts for an interaction. */
  followUpsFor(token: string): RecordedRequest[];

  /** Payloads received on the gateway (identify, resume, heartbeats). */
  readonly gatewayReceived: readonly GatewayReceived[];
  waitForGateway(predicate: (payload: GatewayReceived) => boolean, timeoutMs?: number): Promise<GatewayReceived>;

  slashCommand(spec: SlashCommandSpec): SentInteraction;
  autocomplete(spec: AutocompleteSpec): SentInteraction;
  button(spec: ButtonSpec): SentInteraction;
  modalSubmit(spec: ModalSubmitSpec): SentInteraction;
  /** Sends any dispatch event; returns its sequence number. */
  dispatch(event: string, data: unknown): number;

  /** The interaction's response message as it stands now (after edits). */
  originalMessage(token: string): APIMessage | undefined;
  followUpMessages(token: string): APIMessage[];
  message(id: string): APIMessage | undefined;
  interaction(idOrToken: string): InteractionRecord | undefined;
  /** Commands as registered by bulk overwrite (global, or one guild's). */
  commands(guildId?: string): APIApplicationCommand[];

  /** Later webhook calls for this token answer 404 Unknown Webhook (10015), callbacks 404 Unknown interaction (10062). */
  expireToken(token: string): void;
  /** The next `times` requests matching answer 429; see RateLimiter.limitNext for the pattern. */
  rateLimitNext(pattern: string | RegExp, retryAfterSeconds: number, times?: number): void;
  /** Serves a file on the fake CDN; returns its URL. */
  serveFile(filename: string, data: Buffer | string, contentType: string, options?: ServeOptions): string;
  /** A served file as an attachment object, for attachment options of slashCommand. */
  attachment(filename: string, data: Buffer | string, contentType: string, options?: ServeOptions): APIAttachment;
  /** Closes the client's gateway socket with a resumable code (4000); discord.js resumes. */
  disconnectClient(code?: number): Promise<void>;
  /** New gateway connections are accepted but get no Hello until releaseGateway(): the client stays connecting. */
  holdGateway(): void;
  releaseGateway(): void;
  /** Messages the bot posted in a guild channel (POST /channels/:id/messages), oldest first. */
  channelMessages(channelId: string): APIMessage[];
  close(): Promise<void>;
}

const API_PREFIX = '/api/v10';

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const applicationId = options.applicationId ?? snowflake();
  const bot = botUser(applicationId);
  const token = options.botToken ?? makeBotToken(applicationId);
  const guilds = (options.guilds ?? [{ id: snowflake(), name: 'Fake Newsroom' }]).map((spec) => makeGuild(spec, '200000000000000099'));
  let baseUrl = '';

  const log = new EventLog<RecordedRequest>('request', describeRequest);
  const attachments = new AttachmentHost(() => baseUrl);
  const ledger = new InteractionLedger(
    applicationId,
    bot,
    (name, data, type) => attachments.serve(name, data, type),
    options.ackDeadlineMs ?? null,
  );
  const commandRegistry = new CommandRegistry(applicationId);
  const rateLimiter = new RateLimiter();
  const gateway = new FakeGateway({
    botToken: token,
    bot,
    applicationId,
    guilds,
    baseUrl: () => baseUrl.replace(/^http/, 'ws'),
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
  });
  const channels = new ChannelMessages(guilds, bot, applicationId, (name, data, type) => attachments.serve(name, data, type));
  const router = buildRouter({ applicationId, bot, guilds, token, ledger, commandRegistry, channels, gatewayUrl: () => gateway.url });

  const dmChannels = new Map<string, string>();
  const world: InteractionWorld = {
    applicationId,
    guilds,
    commandId: (name, guildId) => commandRegistry.idFor(name, guildId),
    dmChannelId: (userId) => {
      const id = dmChannels.get(userId) ?? snowflake();
      dmChannels.set(userId, id);
      return id;
    },
  };

  const server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent) writeReply(response, { status: 500, body: { message: String(error), code: 0 } });
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = safeDecode(url.pathname);
    const raw = await readRaw(request);
    const entry: RecordedRequest = {
      method,
      path,
      route: path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) : path,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body: null,
      files: [],
      status: null,
      matched: true,
      time: Date.now(),
    };
    if (url.pathname.startsWith(`${ATTACHMENTS_PATH}/`)) {
      serveAttachment(entry, url.pathname, response);
      return;
    }
    let reply: Reply;
    try {
      const parsed = await parseBody(request.headers['content-type'], raw);
      entry.body = parsed.json;
      entry.files = parsed.files;
      reply = await route(entry, url.searchParams, parsed.files);
    } catch (error) {
      // A bug in the fake itself still answers (500) and is recorded, so the test that hit it can see it.
      reply =
        error instanceof BadBodyError
          ? discordError(400, 50109, error.message)
          : discordError(500, 0, `fake Discord failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    entry.status = reply.status;
    log.add(entry);
    writeReply(response, reply);
  }

  async function route(entry: RecordedRequest, query: URLSearchParams, files: RecordedFile[]): Promise<Reply> {
    if (!entry.path.startsWith(`${API_PREFIX}/`)) {
      entry.matched = false;
      return discordError(404, 0, '404: Not Found');
    }
    const limited = rateLimiter.take(entry.method, entry.route);
    if (limited) return limited;
    const found = router.match(entry.method, entry.route);
    if (!found) {
      entry.matched = false;
      return discordError(404, 0, '404: Not Found');
    }
    const context: RouteContext = {
      method: entry.method,
      route: entry.route,
      params: found.params,
      query,
      headers: entry.headers,
      body: entry.body,
      files,
    };
    return found.handler(context);
  }

  function serveAttachment(entry: RecordedRequest, rawPath: string, response: ServerResponse): void {
    const served = attachments.replyFor(entry.method, rawPath);
    if (served === 'hang') {
      log.add(entry);
      attachments.hang(response);
      return;
    }
    const { reply, options: serveOptions } = served;
    entry.status = reply.status;
    entry.matched = reply.status !== 404 || serveOptions.status === 404;
    log.add(entry);
    const send = (): void => {
      if (serveOptions.bodyDelayMs === undefined || reply.status !== 200) {
        writeReply(response, reply);
        return;
      }
      response.writeHead(reply.status, reply.headers);
      response.flushHeaders();
      attachments.later(serveOptions.bodyDelayMs, () => response.end(reply.body));
    };
    if (serveOptions.delayMs === undefined) send();
    else attachments.later(serveOptions.delayMs, send);
  }

  server.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === GATEWAY_PATH || path.startsWith(`${GATEWAY_PATH}/`)) gateway.handleUpgrade(request, socket, head);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const successful = (predicate: RequestPredicate) => (): RecordedRequest[] =>
    log.entries.filter((r) => r.status !== null && r.status >= 200 && r.status < 300 && predicate(r));

  function send(payload: APIInteraction, message?: APIMessage): SentInteraction {
    const channelId = payload.channel?.id ?? payload.channel_id ?? '';
    // Same tick: the bot cannot answer before the interaction is registered.
    gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    ledger.register({ id: payload.id, token: payload.token, type: payload.type, channelId, ...(message ? { message } : {}) });
    return { id: payload.id, token: payload.token, payload };
  }

  let closed = false;
  return {
    restApi: `${baseUrl}/api`,
    baseUrl,
    gatewayUrl: gateway.url,
    token,
    applicationId,
    botUser: bot,
    guilds,
    get requests() {
      return log.entries;
    },
    unmatchedRequests: () => log.entries.filter((r) => !r.matched),
    waitForRequest: (predicate, timeoutMs = 5_000) => log.waitFor(predicate, timeoutMs),
    callbacksFor: (interactionId) => successful((r) => r.method === 'POST' && r.route.startsWith(`/interactions/${interactionId}/`))(),
    editsFor: (interactionToken) =>
      successful((r) => r.method === 'PATCH' && r.route.startsWith(`/webhooks/${applicationId}/${interactionToken}/messages/`))(),
    followUpsFor: (interactionToken) =>
      successful((r) => r.method === 'POST' && r.route === `/webhooks/${applicationId}/${interactionToken}`)(),
    get gatewayReceived() {
      return gateway.received.entries;
    },
    waitForGateway: (predicate, timeoutMs = 5_000) => gateway.received.waitFor(predicate, timeoutMs),
    slashCommand: (spec) => send(slashCommandPayload(world, spec)),
    autocomplete: (spec) => send(autocompletePayload(world, spec)),
    button: (spec) => send(buttonPayload(world, spec), spec.message),
    modalSubmit: (spec) => send(modalSubmitPayload(world, spec), spec.message),
    dispatch: (event, data) => gateway.dispatch(event, data),
    originalMessage: (interactionToken) => ledger.originalMessage(interactionToken),
    followUpMessages: (interactionToken) => ledger.followUpMessages(interactionToken),
    message: (id) => ledger.messages.get(id),
    interaction: (idOrToken) => ledger.interaction(idOrToken),
    commands: (guildId) => commandRegistry.list(guildId ?? null),
    expireToken: (interactionToken) => ledger.expire(interactionToken),
    rateLimitNext: (pattern, retryAfterSeconds, times = 1) => rateLimiter.limitNext(pattern, retryAfterSeconds, times),
    serveFile: (filename, data, contentType, serveOptions) => attachments.serve(filename, data, contentType, serveOptions),
    attachment: (filename, data, contentType, serveOptions) => attachments.attachment(filename, data, contentType, serveOptions),
    disconnectClient: (code) => gateway.disconnectClients(code),
    holdGateway: () => gateway.hold(),
    releaseGateway: () => gateway.release(),
    channelMessages: (channelId) => channels.messagesIn(channelId),
    async close() {
      if (closed) return;
      closed = true;
      log.rejectAll('fake Discord closed');
      attachments.close();
      await gateway.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
    },
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
