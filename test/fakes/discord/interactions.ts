import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteractionDataOption,
  type APIAttachment,
  type APIBaseInteraction,
  type APIChatInputApplicationCommandInteraction,
  type APIInteractionDataResolved,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIModalSubmitInteraction,
  type APIUser,
  type ChannelFlags,
} from 'discord.js';
import { interactionToken, snowflake } from './ids.ts';
import { defaultUser, guildMember, MEMBER_PERMISSIONS, type FakeGuild } from './world.ts';

/** Who acts, and where. Defaults: the default user, in the first guild's first channel, as an ordinary member. */
export interface InteractionActor {
  user?: APIUser;
  /** A DM with the bot: no guild, `user` instead of `member`. */
  dm?: boolean;
  guildId?: string;
  channelId?: string;
  /** The member's permissions in the channel (a bitfield). */
  permissions?: bigint | string;
  /** Role ids the member has (they should exist in the guild for discord.js to resolve them). */
  roles?: string[];
  /** The bot's own permissions in the channel. */
  appPermissions?: bigint | string;
  locale?: Locale;
}

export interface SlashCommandSpec extends InteractionActor {
  name: string;
  /** Discord's typed option objects, subcommands included. */
  options?: APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommand>[];
  /** Attachments referenced by attachment options (value = attachment id); they go into `resolved.attachments`. */
  attachments?: APIAttachment[];
  /** Other resolved users, members, roles or channels. */
  resolved?: APIInteractionDataResolved;
}

export interface AutocompleteSpec extends InteractionActor {
  name: string;
  /** The options typed so far; for a subcommand put the focused option inside it, with `focused: true`. */
  options?: APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommandAutocomplete>[];
  /** A shortcut for a top-level focused option: the partial value the user is typing. */
  focused?: {
    name: string;
    value: string;
    type?: ApplicationCommandOptionType.String | ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Number;
  };
}

export interface ButtonSpec extends InteractionActor {
  customId: string;
  /** The message the button is on (as the bot sent it, e.g. `fake.originalMessage(token)`). */
  message: APIMessage;
}

/** What the builders need to know about the fake's world. */
export interface InteractionWorld {
  applicationId: string;
  guilds: readonly FakeGuild[];
  commandId(name: string, guildId: string | null): string;
  dmChannelId(userId: string): string;
}

/** Discord's default upload limit for a server without boosts. */
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

type InteractionBase = Omit<APIBaseInteraction<InteractionType, never>, 'type' | 'data' | 'message'> & {
  channel_id: string;
  channel: NonNullable<APIBaseInteraction<InteractionType, never>['channel']>;
};

/**
 * The ONE template every interaction is made from. discord.js reads all of these fields while
 * constructing an interaction; leaving one out throws inside its gateway handler (an
 * unhandledRejection) and the interactionCreate event never fires.
 */
export function baseInteraction(world: InteractionWorld, actor: InteractionActor): InteractionBase {
  const user = actor.user ?? defaultUser;
  const locale = actor.locale ?? Locale.EnglishUS;
  const appPermissions = BigInt(actor.appPermissions ?? MEMBER_PERMISSIONS).toString();
  const common = {
    id: snowflake(),
    application_id: world.applicationId,
    token: interactionToken(),
    version: 1 as const,
    app_permissions: appPermissions,
    locale,
    entitlements: [],
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
  };
  if (actor.dm === true) {
    const channelId = actor.channelId ?? world.dmChannelId(user.id);
    return {
      ...common,
      user,
      channel_id: channelId,
      channel: { id: channelId, type: ChannelType.DM, recipients: [user], last_message_id: null, flags: 0 as ChannelFlags },
      // A guild-installed app used in a DM with the bot reports "0" as the guild.
      authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: '0' },
      context: InteractionContextType.BotDM,
    };
  }
  const guild = findGuild(world, actor.guildId);
  const channel = guild.channels.find((c) => c.id === actor.channelId) ?? guild.channels[0];
  const channelId = actor.channelId ?? channel?.id ?? snowflake();
  const permissions = BigInt(actor.permissions ?? MEMBER_PERMISSIONS).toString();
  return {
    ...common,
    guild_id: guild.id,
    guild: { id: guild.id, locale: Locale.EnglishUS, features: [] },
    guild_locale: Locale.EnglishUS,
    member: { ...guildMember(user, actor.roles ?? [], '2024-01-15T09:00:00.000Z'), permissions, user },
    channel_id: channelId,
    channel: {
      id: channelId,
      type: ChannelType.GuildText,
      guild_id: guild.id,
      name: channel?.id === channelId ? channel.name : 'newsroom',
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
      topic: null,
      rate_limit_per_user: 0,
      last_message_id: null,
      flags: 0 as ChannelFlags,
    },
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guild.id },
    context: InteractionContextType.Guild,
  };
}

function findGuild(world: InteractionWorld, guildId: string | undefined): FakeGuild {
  const guild = guildId === undefined ? world.guilds[0] : world.guilds.find((g) => g.id === guildId);
  if (!guild) {
    throw new Error(
      guildId === undefined
        ? 'fake Discord: no guild configured; pass guilds to startFakeDiscord or use dm: true'
        : `fake Discord: unknown guild ${guildId}`,
    );
  }
  return guild;
}

export function slashCommandPayload(world: InteractionWorld, spec: SlashCommandSpec): APIChatInputApplicationCommandInteraction {
  const base = baseInteraction(world, spec);
  const resolved: APIInteractionDataResolved = { ...spec.resolved };
  if (spec.attachments && spec.attachments.length > 0) {
    resolved.attachments = { ...resolved.attachments, ...Object.fromEntries(spec.attachments.map((a) => [a.id, a])) };
  }
  const data: APIChatInputApplicationCommandInteraction['data'] = {
    id: world.commandId(spec.name, base.guild_id ?? null),
    name: spec.name,
    type: ApplicationCommandType.ChatInput,
  };
  if (spec.options) data.options = spec.options;
  if (Object.keys(resolved).length > 0) data.resolved = resolved;
  return { ...base, type: InteractionType.ApplicationCommand, data };
}

export function autocompletePayload(world: InteractionWorld, spec: AutocompleteSpec): APIApplicationCommandAutocompleteInteraction {
  const base = baseInteraction(world, spec);
  const options = [...(spec.options ?? [])];
  if (spec.focused) options.push(focusedOption(spec.focused));
  return {
    ...base,
    type: InteractionType.ApplicationCommandAutocomplete,
    data: {
      id: world.commandId(spec.name, base.guild_id ?? null),
      name: spec.name,
      type: ApplicationCommandType.ChatInput,
      options,
    },
  };
}

function focusedOption(
  focused: NonNullable<AutocompleteSpec['focused']>,
): APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommandAutocomplete> {
  const type = focused.type ?? ApplicationCommandOptionType.String;
  // Autocomplete sends what the user typed so far as a string, even for number options.
  return { type, name: focused.name, value: focused.value, focused: true };
}

export interface ModalSubmitSpec extends InteractionActor {
  customId: string;
  /** Text input values by their custom id. */
  values: Record<string, string>;
  /** The message whose button opened the modal, when there is one. */
  message?: APIMessage;
}

/** A submitted modal (type 5) with one text input per row, as Discord sends it. */
export function modalSubmitPayload(world: InteractionWorld, spec: ModalSubmitSpec): APIModalSubmitInteraction {
  const channelId = spec.channelId ?? spec.message?.channel_id;
  const base = baseInteraction(world, { ...spec, ...(channelId ? { channelId } : {}) });
  return {
    ...base,
    type: InteractionType.ModalSubmit,
    data: {
      custom_id: spec.customId,
      components: Object.entries(spec.values).map(([custom_id, value]) => ({
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, custom_id, value }],
      })),
    },
    ...(spec.message ? { message: spec.message } : {}),
  } as APIModalSubmitInteraction;
}

export function buttonPayload(world: InteractionWorld, spec: ButtonSpec): APIMessageComponentButtonInteraction {
  const base = baseInteraction(world, { ...spec, channelId: spec.channelId ?? spec.message.channel_id });
  return {
    ...base,
    type: InteractionType.MessageComponent,
    data: { custom_id: spec.customId, component_type: ComponentType.Button },
    message: spec.message,
  };
}
