import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  type APIEmbed,
  type MessageActionRowComponentBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext, SlashCommand } from '../src/discord/context.ts';
import { code, joinMarkdown, md, neutralizeWithin, trimAtWord } from '../src/discord/neutralize.ts';
import { NO_MENTIONS } from '../src/discord/respond.ts';
import { UserError } from '../src/errors.ts';
import { discordText, messages } from '../src/messages.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';

const PAGE_SIZE = 10;
type Scope = 'all' | 'server' | 'shared';

const data = {
  name: 'articles',
  description: 'The stored articles, and what readers asked that they could not answer',
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'list',
      description: 'Stored articles, newest first',
      options: [
        { type: ApplicationCommandOptionType.String, name: 'search', description: 'Words in the title', max_length: 50 },
        {
          type: ApplicationCommandOptionType.String,
          name: 'collection',
          description: 'Which articles (default: all you can see)',
          choices: [
            { name: 'this server', value: 'server' },
            { name: 'newsroom-wide archive', value: 'shared' },
          ],
        },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'gaps', description: 'Questions the archive could not answer (editors)' },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

function collectionsFor(ctx: BotContext, visible: string[], scope: Scope): string[] {
  if (scope === 'shared') return [SHARED_COLLECTION];
  if (scope === 'server') return visible.filter((c) => c !== SHARED_COLLECTION);
  return visible;
}

function page(ctx: BotContext, visible: string[], offset: number, scope: Scope, search: string) {
  const found = ctx.articles.search(search, collectionsFor(ctx, visible, scope), Number.MAX_SAFE_INTEGER);
  if (found.length === 0) return { content: discordText.noArticles, embeds: [], components: [] };
  const start = Math.min(Math.max(0, offset), Math.floor((found.length - 1) / PAGE_SIZE) * PAGE_SIZE);
  const shown = found.slice(start, start + PAGE_SIZE);
  const embed: APIEmbed = {
    title: discordText.articlesPage(start + 1, start + shown.length, found.length),
    description: joinMarkdown(
      shown.map((a) => {
        const updated = a.updated ? md` · ${messages.updatedOn(a.published, a.updated)}` : md``;
        const aliases = a.aliases.length > 0 ? md` · ${messages.alsoAs(a.aliases.slice(0, 3))}` : md``;
        return md`${code(a.published?.slice(0, 10) ?? 'undated   ')} **${trimAtWord(a.title, 150)}**\n\u2003id: ${code(a.id)}${updated}${aliases}`;
      }),
      '\n',
    ).toString(),
    color: 0x2b6cb0,
  };
  const args = (to: number) => `cmd:articles:${to}:${scope}:${search}`.slice(0, 100);
  const row = new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder().setCustomId(args(start - PAGE_SIZE)).setLabel(discordText.previous).setStyle(ButtonStyle.Secondary).setDisabled(start === 0),
    new ButtonBuilder()
      .setCustomId(`${args(start + PAGE_SIZE)}:n`.slice(0, 100))
      .setLabel(discordText.next)
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(start + PAGE_SIZE >= found.length),
  );
  return { content: null, embeds: [embed], components: [row] };
}

export const articles: SlashCommand = {
  data,
  defersItself: true,
  async execute(interaction, ctx) {
    const visible = ctx.collectionsFor(interaction) ?? [];
    if (interaction.options.getSubcommand() === 'gaps') {
      if (!ctx.isEditor(interaction)) throw new UserError(discordText.editorsOnly);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const gaps = ctx.app.answerLog.unanswered(interaction.guildId, 20);
      const lines = gaps.map((g) => md`${code(g.createdAt.slice(0, 10))} ${neutralizeWithin(g.question.replace(/\s+/g, ' '), 180)}`);
      const description = lines.length > 0 ? joinMarkdown(lines, '\n') : md`${discordText.noGaps}`;
      await interaction.editReply({
        embeds: [{ title: discordText.gapsTitle, description: description.toString(), color: 0xc05621 }],
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    await interaction.deferReply();
    const scope = (interaction.options.getString('collection') ?? 'all') as Scope;
    await interaction.editReply({ ...page(ctx, visible, 0, scope, interaction.options.getString('search') ?? ''), allowedMentions: NO_MENTIONS });
  },
  async button(interaction, ctx, args) {
    const [offset = '0', scope = 'all', ...rest] = args.split(':');
    const search = rest.join(':').replace(/:n$/, '');
    await interaction.update({
      ...page(ctx, ctx.collectionsFor(interaction) ?? [], Number(offset), scope as Scope, search),
      allowedMentions: NO_MENTIONS,
    });
  },
};
