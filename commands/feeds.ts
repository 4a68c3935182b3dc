import {
  ApplicationCommandOptionType,
  InteractionContextType,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type Interaction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { App } from '../src/app.ts';
import { defineCommandWithSubcommands, subcommand } from '../src/discord/command.ts';
import type { BotContext } from '../src/discord/context.ts';
import { code, joinMarkdown, md, neutralize, neutralizeWithin, plainText, trimAtWord, type Markdown } from '../src/discord/neutralize.ts';
import { UserError } from '../src/errors.ts';
import { feedAddress, findFeed, followFeed, unfollowFeed } from '../src/feeds/subscriptions.ts';
import { discordText, feedDiscordText } from '../src/messages/discord.ts';
import { feedText } from '../src/messages/feeds.ts';
import type { FeedRecord } from '../src/store/catalog/feed-tables.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';

/** Feeds shown by /feeds list; the embed's description holds 4,096 characters. */
const LISTED = 15;

const data = {
  name: 'feeds',
  description: 'The newsroom feeds this server follows (editors)',
  default_member_permissions: String(PermissionFlagsBits.ManageMessages),
  contexts: [InteractionContextType.Guild],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'add',
      description: 'Follow a feed (RSS, Atom or JSON Feed): its stories join this server’s archive',
      options: [
        { type: ApplicationCommandOptionType.String, name: 'url', description: 'The feed’s address', required: true, max_length: 2000 },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'Feeds this server follows: last sync, last error' },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'remove',
      description: 'Stop following a feed (the stories it brought in stay)',
      options: [{ type: ApplicationCommandOptionType.String, name: 'feed', description: 'The feed', required: true, autocomplete: true }],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The server's collection: feeds are followed per server. */
function serverCollection(ctx: BotContext, interaction: Interaction): string {
  const collection = ctx.writableCollection(interaction);
  if (!collection) throw new UserError(discordText.serverOnly);
  return collection;
}

const add = subcommand(data, 'add', {
  defer: 'ephemeral',
  check({ interaction, ctx, args }) {
    const collection = serverCollection(ctx, interaction);
    const url = feedAddress(args.url);
    const existing = ctx.app.library.catalog.feeds.findByUrl(collection, url);
    if (existing) throw new UserError(feedDiscordText.alreadyFollowed(existing.title ?? existing.url));
    return { collection, url };
  },
  // Fetching and checking the feed can take seconds: it runs after the deferral.
  async execute({ interaction, ctx: { app }, checked: { collection, url } }) {
    const { feed, document } = await followFeed(app, url, collection);
    await reply(interaction, neutralize(feedDiscordText.added(feed.title ?? feed.url, document.total, app.config.feeds.pollSeconds)));
  },
});

const remove = subcommand(data, 'remove', {
  defer: 'ephemeral',
  check: ({ interaction, ctx, args }) => findFeedOfServer(ctx.app, args.feed, serverCollection(ctx, interaction)),
  async execute({ interaction, ctx: { app }, checked: feed }) {
    await unfollowFeed(app, feed);
    await reply(interaction, neutralize(feedDiscordText.removed(feed.title ?? feed.url, feed.items)));
  },
});

const list = subcommand(data, 'list', {
  defer: 'ephemeral',
  check: ({ interaction, ctx }) => serverCollection(ctx, interaction),
  async execute({ interaction, ctx: { app }, checked: collection }) {
    const followed = app.library.catalog.feeds.list([collection]);
    const shared = app.library.catalog.feeds.list([SHARED_COLLECTION]).length;
    const lines = followed.slice(0, LISTED).map(feedLines);
    if (followed.length > LISTED) lines.push(md`${feedText.moreItemProblems(followed.length - LISTED)}`);
    if (shared > 0) lines.push(md`${feedDiscordText.sharedNote(shared)}`);
    const description = followed.length === 0 ? joinMarkdown([md`${feedDiscordText.none}`, ...lines], '\n\n') : joinMarkdown(lines, '\n\n');
    await interaction.editReply({
      embeds: [{ title: feedDiscordText.listTitle(followed.length), description: description.toString(), color: 0x2f855a }],
    });
  },
});

export const feeds = defineCommandWithSubcommands({
  data,
  access: 'editors',
  subcommands: [add, list, remove],
  async autocomplete(interaction, ctx) {
    const collection = ctx.writableCollection(interaction);
    if (!collection) return void (await interaction.respond([]));
    const typed = interaction.options.getFocused().toLowerCase();
    const choices = ctx.app.library.catalog.feeds
      .list([collection])
      .filter((f) => `${f.title ?? ''} ${f.url}`.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((f) => ({ name: plainText(f.title ? `${f.title} — ${f.url}` : f.url, 100), value: String(f.id) }));
    await interaction.respond(choices);
  },
});

function reply(interaction: ChatInputCommandInteraction, content: Markdown) {
  return interaction.editReply({ content: content.toString() });
}

/** The server's own feed by its number (what autocomplete sends) or address; never another server's. */
function findFeedOfServer(app: App, reference: string, collection: string): FeedRecord {
  try {
    return findFeed(app, reference, [collection]);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(feedDiscordText.notFound);
    throw error;
  }
}

/** A feed in /feeds list: its title, address (inert, in code), items, last sync and last error. */
function feedLines(feed: FeedRecord): Markdown {
  const status = [feedText.items(feed.items), feed.lastSuccessAt ? feedText.lastSuccess(feed.lastSuccessAt) : feedText.neverSynced].join(
    ' · ',
  );
  const parts = [md`**${trimAtWord(feed.title ?? feed.url, 120)}**\n\u2003${code(trimAtWord(feed.url, 200))}\n\u2003${status}`];
  if (feed.lastErrorAt && feed.lastError) {
    const failing = feed.consecutiveFailures > 0 ? ` — ${feedText.failingSince(feed.consecutiveFailures, feed.nextAttemptAt)}` : '';
    parts.push(md`\u2003${neutralizeWithin(`${feedText.lastError(feed.lastErrorAt, feed.lastError)}${failing}`, 400)}`);
  }
  return joinMarkdown(parts, '\n');
}
