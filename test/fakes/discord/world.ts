import {
  ApplicationFlags,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  PermissionFlagsBits,
  type APIGuildMember,
  type ChannelFlags,
  type GuildMemberFlags,
  type RoleFlags,
  type APIRole,
  type APITextChannel,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GatewayReadyDispatchData,
} from 'discord.js';
import { snowflake } from './ids.ts';

/** What a test says about a guild; everything else gets realistic defaults. */
export interface FakeGuildSpec {
  id: string;
  name: string;
  /** Extra roles (the @everyone role always exists, with id = guild id). */
  roles?: { id: string; name: string; permissions?: bigint | string }[];
  /**
   * Text channels; one called `newsroom` is made when none are given. The first is the default for
   * interactions. `botCanSend: false` makes the bot's posts there fail with 403 Missing Permissions.
   */
  channels?: { id: string; name: string; botCanSend?: boolean }[];
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: APIRole[];
  channels: APITextChannel[];
  /** Channels the bot may not send messages in. */
  unsendableChannels: string[];
}

/** What an ordinary member may do in a text channel (and what the bot may do, unless a test says otherwise). */
export const MEMBER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

export function botUser(id: string): APIUser {
  return {
    id,
    username: 'Newsroom Fake Bot',
    discriminator: '0000',
    global_name: null,
    avatar: null,
    bot: true,
    verified: true,
    mfa_enabled: false,
  };
}

/** The person using slash commands when a test does not say who. */
export const defaultUser: APIUser = {
  id: '200000000000000001',
  username: 'desk.editor',
  discriminator: '0',
  global_name: 'Desk Editor',
  avatar: null,
};

export function makeGuild(spec: FakeGuildSpec, ownerId: string): FakeGuild {
  const everyone = role(spec.id, '@everyone', MEMBER_PERMISSIONS, 0);
  const extraRoles = (spec.roles ?? []).map((r, index) => role(r.id, r.name, BigInt(r.permissions ?? MEMBER_PERMISSIONS), index + 1));
  const channelSpecs = spec.channels ?? [{ id: snowflake(), name: 'newsroom' }];
  return {
    id: spec.id,
    name: spec.name,
    ownerId,
    roles: [everyone, ...extraRoles],
    channels: channelSpecs.map((c, index) => textChannel(spec.id, c.id, c.name, index)),
    unsendableChannels: channelSpecs.filter((c) => 'botCanSend' in c && c.botCanSend === false).map((c) => c.id),
  };
}

function role(id: string, name: string, permissions: bigint, position: number): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

function textChannel(guildId: string, id: string, name: string, position: number): APITextChannel {
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name,
    position,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    rate_limit_per_user: 0,
    last_message_id: null,
    flags: 0 as ChannelFlags,
  };
}

export function guildMember(user: APIUser, roles: string[], joinedAt: string): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

export function readyData(options: {
  bot: APIUser;
  applicationId: string;
  guilds: FakeGuild[];
  sessionId: string;
  resumeUrl: string;
}): GatewayReadyDispatchData {
  return {
    v: 10,
    user: options.bot,
    guilds: options.guilds.map((g) => ({ id: g.id, unavailable: true })),
    session_id: options.sessionId,
    resume_gateway_url: options.resumeUrl,
    shard: [0, 1],
    application: {
      id: options.applicationId,
      flags: ApplicationFlags.GatewayMessageContentLimited,
      flags_new: String(ApplicationFlags.GatewayMessageContentLimited),
    },
  };
}

export function guildCreateData(guild: FakeGuild, bot: APIUser, joinedAt: string): GatewayGuildCreateDispatchData {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles: guild.roles,
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: guild.channels[0]?.id ?? null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    max_members: 500_000,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: joinedAt,
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [guildMember(bot, [], joinedAt)],
    channels: guild.channels,
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
