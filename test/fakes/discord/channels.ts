import { MessageType, type APIMessage, type APIUser } from 'discord.js';
import { asRecord } from './form-errors.ts';
import { discordError, type Reply } from './http-body.ts';
import { buildMessage, type FileHost } from './messages.ts';
import type { RouteContext } from './router.ts';
import type { FakeGuild } from './world.ts';

const unknownChannel = (): Reply => discordError(404, 10003, 'Unknown Channel');
const missingPermissions = (): Reply => discordError(403, 50013, 'Missing Permissions');

/** Guild text channels: reading one, and the bot posting a message in it (where it may send messages). */
export class ChannelMessages {
  private readonly posted = new Map<string, APIMessage[]>();

  private readonly guilds: readonly FakeGuild[];
  private readonly bot: APIUser;
  private readonly applicationId: string;
  private readonly host: FileHost;

  constructor(guilds: readonly FakeGuild[], bot: APIUser, applicationId: string, host: FileHost) {
    this.guilds = guilds;
    this.bot = bot;
    this.applicationId = applicationId;
    this.host = host;
  }

  private find(channelId: string) {
    for (const guild of this.guilds) {
      const channel = guild.channels.find((c) => c.id === channelId);
      if (channel) return { guild, channel };
    }
    return null;
  }

  get = (context: RouteContext): Reply => {
    const found = this.find(context.params.channel ?? '');
    return found ? { status: 200, body: found.channel } : unknownChannel();
  };

  create = (context: RouteContext): Reply => {
    const channelId = context.params.channel ?? '';
    const found = this.find(channelId);
    if (!found) return unknownChannel();
    if (found.guild.unsendableChannels.includes(channelId)) return missingPermissions();
    const built = buildMessage(
      {
        channelId,
        author: this.bot,
        applicationId: this.applicationId,
        type: MessageType.Default,
        body: asRecord(context.body) ?? {},
        files: context.files,
      },
      this.host,
    );
    if ('error' in built) return built.error;
    // A bot's own message, not a webhook's.
    const { webhook_id: _webhook, ...message } = built.message;
    this.posted.set(channelId, [...(this.posted.get(channelId) ?? []), message]);
    return { status: 200, body: message };
  };

  /** Messages the bot posted in a channel, oldest first. */
  messagesIn(channelId: string): APIMessage[] {
    return [...(this.posted.get(channelId) ?? [])];
  }
}
