import {
  ApplicationCommandOptionType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { App } from '../src/app.ts';
import type { SlashCommand } from '../src/discord/context.ts';
import { code, joinMarkdown, md, neutralize, neutralizeWithin, plainText, trimAtWord, type Markdown } from '../src/discord/neutralize.ts';
import { NO_MENTIONS } from '../src/discord/respond.ts';
import { UserError } from '../src/errors.ts';
import { feedAddress, findFeed, followFeed, unfollowFeed } from '../src/feeds/subscriptions.ts';
import { discordText, feedDiscordText, feedText } from '../src/messages.ts';
import type { FeedRecord } from '../src/store/feed-tables.ts';
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
      options: [{ type: ApplicationCommandOptionType.String, name: 'url', description: 'The feed’s address', required: true, max_length: 2000 }],
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

export const feeds: SlashCommand = {
  data,
  editorsOnly: true,
  defersItself: true,
  async execute(interaction, ctx) {
    const collection = ctx.writableCollection(interaction);
    if (!collection) throw new UserError(discordText.serverOnly);
    const { app } = ctx;
    const reply = (content: Markdown) => interaction.editReply({ content: content.toString(), allowedMentions: NO_MENTIONS });

    switch (interaction.options.getSubcommand()) {
      case 'add': {
        const url = feedAddress(interaction.options.getString('url', true));
        const existing = app.library.feeds.findByUrl(collection, url);
        if (existing) throw new UserError(feedDiscordText.alreadyFollowed(existing.title ?? existing.url));
        // Fetching and checking the feed can take seconds: acknowledge first.
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const { feed, document } = await followFeed(app, url, collection);
        await reply(neutralize(feedDiscordText.added(feed.title ?? feed.url, document.total, app.config.feeds.pollSeconds)));
        return;
      }
      case 'remove': {
        const feed = findFeedOfServer(ctx.app, interaction.options.getString('feed', true), collection);
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await unfollowFeed(app, feed);
        await reply(neutralize(feedDiscordText.removed(feed.title ?? feed.url, feed.items)));
        return;
      }
      default: {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const followed = app.library.feeds.list([collection]);
        const shared = app.library.feeds.list([SHARED_COLLECTION]).length;
        const lines = followed.slice(0, LISTED).map(feedLines);
        if (followed.length > LISTED) lines.push(md`${feedText.moreItemProblems(followed.length - LISTED)}`);
        if (shared > 0) lines.push(md`${feedDiscordText.sharedNote(shared)}`);
        await interaction.editReply({
          embeds: [
            {
              title: feedDiscordText.listTitle(followed.length),
              description: (followed.length === 0 ? joinMarkdown([md`${feedDiscordText.none}`, ...lines], '\n\n') : joinMarkdown(lines, '\n\n')).toString(),
              color: 0x2f855a,
            },
          ],
          allowedMentions: NO_MENTIONS,
        });
      }
    }
  },
  async autocomplete(interaction, ctx) {
    const collection = ctx.writableCollection(interaction);
    if (!collection) return void (await interaction.respond([]));
    const typed = interaction.options.getFocused().toLowerCase();
    const choices = ctx.app.library.feeds
      .list([collection])
      .filter((f) => `${f.title ?? ''} ${f.url}`.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((f) => ({ name: plainText(f.title ? `${f.title} — ${f.url}` : f.url, 100), value: String(f.id) }));
    await interaction.respond(choices);
  },
};

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
  const status = [feedText.items(feed.items), feed.lastSuccessAt ? feedText.lastSuccess(feed.lastSuccessAt) : feedText.neverSynced].join(' · ');
  const parts = [md`**${trimAtWord(feed.title ?? feed.url, 120)}**\n\u2003${code(trimAtWord(feed.url, 200))}\n\u2003${status}`];
  if (feed.lastErrorAt && feed.lastError) {
    const failing = feed.consecutiveFailures > 0 ? ` — ${feedText.failingSince(feed.consecutiveFailures, feed.nextAttemptAt)}` : '';
    parts.push(md`\u2003${neutralizeWithin(`${feedText.lastError(feed.lastErrorAt, feed.lastError)}${failing}`, 400)}`);
  }
  return joinMarkdown(parts, '\n');
}
