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
import { code, joinMarkdown, md, trimAtWord } from '../src/discord/neutralize.ts';
import { renderFeedback, renderGaps } from '../src/discord/reader-reports.ts';
import { groupQuestions } from '../src/readers/question-groups.ts';
import { NO_MENTIONS } from '../src/discord/respond.ts';
import { UserError } from '../src/errors.ts';
import { discordText, messages } from '../src/messages.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';

const PAGE_SIZE = 10;
/** Unanswered questions read for /articles gaps (the newest), and groups shown. */
const GAPS_READ = 20_000;
const GAPS_SHOWN = 20;
const FEEDBACK_SHOWN = 10;
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
    { type: ApplicationCommandOptionType.Subcommand, name: 'gaps', description: 'Questions the archive could not answer, most asked first (editors)' },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'feedback',
      description: 'Readers’ 👍/👎 on answers, newest first (editors)',
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'vote',
          description: 'Only these votes (default: both)',
          choices: [
            { name: '👎 disliked', value: 'down' },
            { name: '👍 liked', value: 'up' },
          ],
        },
      ],
    },
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
    const subcommand = interaction.options.getSubcommand();
    if (subcommand === 'gaps' || subcommand === 'feedback') {
      if (!ctx.isEditor(interaction) || !interaction.guildId) throw new UserError(discordText.editorsOnly);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const guildId = interaction.guildId;
      const log = ctx.app.answerLog;
      let embed: APIEmbed;
      if (subcommand === 'gaps') {
        embed = renderGaps(groupQuestions(log.unansweredQuestions({ guildId, limit: GAPS_READ })).slice(0, GAPS_SHOWN));
      } else {
        const vote = interaction.options.getString('vote');
        const only = vote === 'up' || vote === 'down' ? vote : null;
        embed = renderFeedback(log.feedback({ guildId, limit: FEEDBACK_SHOWN, ...(only ? { vote: only } : {}) }), only);
      }
      await interaction.editReply({ embeds: [embed], allowedMentions: NO_MENTIONS });
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
