import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  type APIEmbed,
  type ButtonInteraction,
  type MessageActionRowComponentBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { defineCommandWithSubcommands, subcommand, type CommandCall } from '../src/discord/command.ts';
import { onButton, type ComponentCall } from '../src/discord/component.ts';
import type { BotContext } from '../src/discord/context.ts';
import { defineCustomId, integer, oneOf, restOfId } from '../src/discord/custom-id.ts';
import { code, joinMarkdown, md, trimAtWord } from '../src/discord/neutralize.ts';
import { renderFeedback, renderGaps } from '../src/discord/reader-reports.ts';
import { UserError } from '../src/errors.ts';
import { messages } from '../src/messages/answers.ts';
import { discordText } from '../src/messages/discord.ts';
import { groupQuestions } from '../src/readers/question-groups.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';

const PAGE_SIZE = 10;
/** Unanswered questions read for /articles gaps (the newest), and groups shown. */
const GAPS_READ = 20_000;
const GAPS_SHOWN = 20;
const FEEDBACK_SHOWN = 10;

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
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'gaps',
      description: 'Questions the archive could not answer, most asked first (editors)',
    },
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

const SCOPES = ['all', 'server', 'shared'] as const;
type Scope = (typeof SCOPES)[number];

/** The article list's buttons: `nr:articles-page:<offset>:<scope>:<search>` (search is at most 50 characters). */
const pageId = defineCustomId('nr:articles-page', { offset: integer, scope: oneOf(...SCOPES), search: restOfId });

/**
 * Buttons on lists posted before custom ids had one format: `cmd:articles:<offset>:<scope>:<search>`,
 * the Next button's with ":n" appended. Still in channels, so still read.
 */
const oldPageId = defineCustomId('cmd:articles', {
  offset: integer,
  scope: oneOf(...SCOPES),
  search: { ...restOfId, decode: (text: string) => text.replace(/:n$/, '') },
});

function collectionsFor(visible: string[], scope: Scope): string[] {
  if (scope === 'shared') return [SHARED_COLLECTION];
  if (scope === 'server') return visible.filter((c) => c !== SHARED_COLLECTION);
  return visible;
}

/** One page of the list, from `offset` (kept within the list), with Previous and Next buttons. */
function page(ctx: BotContext, visible: string[], offset: number, scope: Scope, search: string) {
  const found = ctx.articles.search(search, collectionsFor(visible, scope), Number.MAX_SAFE_INTEGER);
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
  const to = (offset: number) => pageId.encode({ offset, scope, search });
  const row = new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(to(start - PAGE_SIZE))
      .setLabel(discordText.previous)
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(start === 0),
    new ButtonBuilder()
      .setCustomId(to(start + PAGE_SIZE))
      .setLabel(discordText.next)
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(start + PAGE_SIZE >= found.length),
  );
  return { content: null, embeds: [embed], components: [row] };
}

/** Previous / Next: the same list, another page, in the same message. */
async function turnPage({ interaction, ctx, args }: ComponentCall<ButtonInteraction, { offset: number; scope: Scope; search: string }>) {
  await interaction.update(page(ctx, ctx.collectionsFor(interaction) ?? [], args.offset, args.scope, args.search));
}

/** The editor-only subcommands: refused before anything is deferred, like a command for editors. */
function editorsServer({ interaction, ctx }: CommandCall<unknown>): string {
  if (!ctx.isEditor(interaction) || !interaction.guildId) throw new UserError(discordText.editorsOnly);
  return interaction.guildId;
}

const list = subcommand(data, 'list', {
  defer: 'public',
  async execute({ interaction, ctx, args }) {
    await interaction.editReply(page(ctx, ctx.collectionsFor(interaction) ?? [], 0, args.collection ?? 'all', args.search ?? ''));
  },
});

const gaps = subcommand(data, 'gaps', {
  defer: 'ephemeral',
  check: editorsServer,
  async execute({ interaction, ctx, checked: guildId }) {
    const groups = groupQuestions(ctx.app.answerLog.unansweredQuestions({ guildId, limit: GAPS_READ }));
    await interaction.editReply({ embeds: [renderGaps(groups.slice(0, GAPS_SHOWN))] });
  },
});

const feedback = subcommand(data, 'feedback', {
  defer: 'ephemeral',
  check: editorsServer,
  async execute({ interaction, ctx, args: { vote }, checked: guildId }) {
    const entries = ctx.app.answerLog.feedback({ guildId, limit: FEEDBACK_SHOWN, ...(vote ? { vote } : {}) });
    await interaction.editReply({ embeds: [renderFeedback(entries, vote)] });
  },
});

export const articles = defineCommandWithSubcommands({
  data,
  subcommands: [list, gaps, feedback],
  components: [onButton(pageId, turnPage), onButton(oldPageId, turnPage)],
});
