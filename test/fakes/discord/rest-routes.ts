import { ApplicationFlags, type APIUser } from 'discord.js';
import type { ChannelMessages } from './channels.ts';
import type { CommandRegistry } from './commands.ts';
import { invalidFormBody } from './form-errors.ts';
import { discordError, type Reply } from './http-body.ts';
import type { InteractionLedger } from './interaction-ledger.ts';
import { Router, type RouteContext } from './router.ts';
import type { FakeGuild } from './world.ts';

export interface RouterDeps {
  applicationId: string;
  bot: APIUser;
  guilds: readonly FakeGuild[];
  token: string;
  ledger: InteractionLedger;
  commandRegistry: CommandRegistry;
  channels: ChannelMessages;
  gatewayUrl: () => string;
}

/** Every REST route the fake serves; anything else is answered 404 and listed as unmatched. */
export function buildRouter(deps: RouterDeps): Router {
  const { applicationId, bot, ledger, commandRegistry, channels } = deps;
  /** Routes that need `Authorization: Bot <token>`. */
  const authed =
    (handler: (context: RouteContext) => Reply) =>
    (context: RouteContext): Reply =>
      context.headers.authorization === `Bot ${deps.token}` ? handler(context) : discordError(401, 0, '401: Unauthorized');
  const ownApplication =
    (handler: (context: RouteContext) => Reply) =>
    (context: RouteContext): Reply =>
      context.params.app === applicationId ? handler(context) : discordError(403, 50001, 'Missing Access');
  const inGuild =
    (handler: (context: RouteContext, guildId: string) => Reply) =>
    (context: RouteContext): Reply => {
      const guildId = context.params.guild ?? '';
      return deps.guilds.some((g) => g.id === guildId) ? handler(context, guildId) : discordError(403, 50001, 'Missing Access');
    };
  const overwrite = (context: RouteContext, guildId: string | null): Reply => {
    const result = commandRegistry.overwrite(guildId, context.body);
    return 'problems' in result ? invalidFormBody(result.problems) : { status: 200, body: result.commands };
  };

  return new Router()
    .add('GET', '/gateway', () => ({ status: 200, body: { url: deps.gatewayUrl() } }))
    .add(
      'GET',
      '/gateway/bot',
      authed(() => ({
        status: 200,
        body: {
          url: deps.gatewayUrl(),
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      })),
    )
    .add(
      'GET',
      '/users/@me',
      authed(() => ({ status: 200, body: bot })),
    )
    .add(
      'GET',
      '/applications/@me',
      authed(() => ({ status: 200, body: applicationObject(applicationId, bot) })),
    )
    .add('GET', '/applications/:app/commands', authed(ownApplication(() => ({ status: 200, body: commandRegistry.list(null) }))))
    .add('PUT', '/applications/:app/commands', authed(ownApplication((context) => overwrite(context, null))))
    .add(
      'GET',
      '/applications/:app/guilds/:guild/commands',
      authed(ownApplication(inGuild((_context, guildId) => ({ status: 200, body: commandRegistry.list(guildId) })))),
    )
    .add('PUT', '/applications/:app/guilds/:guild/commands', authed(ownApplication(inGuild(overwrite))))
    .add('POST', '/interactions/:id/:token/callback', ledger.callback)
    .add('GET', '/webhooks/:app/:token/messages/:message', ledger.webhookMessage)
    .add('PATCH', '/webhooks/:app/:token/messages/:message', ledger.webhookMessage)
    .add('DELETE', '/webhooks/:app/:token/messages/:message', ledger.webhookMessage)
    .add('POST', '/webhooks/:app/:token', ledger.followUp)
    .add('GET', '/channels/:channel', authed(channels.get))
    .add('POST', '/channels/:channel/messages', authed(channels.create));
}

function applicationObject(applicationId: string, bot: APIUser): Record<string, unknown> {
  return {
    id: applicationId,
    name: bot.username,
    icon: null,
    description: 'A stand-in application served by the fake Discord.',
    summary: '',
    type: null,
    bot,
    bot_public: false,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: ApplicationFlags.GatewayMessageContentLimited,
    team: null,
    owner: { id: '200000000000000099', username: 'newsroom.owner', discriminator: '0', global_name: null, avatar: null },
    rpc_origins: [],
    install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' },
    integration_types_config: { '0': {} },
    approximate_guild_count: 1,
  };
}
