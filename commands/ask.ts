import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { answerQuestion } from '../src/discord/answer-flow.ts';
import type { SlashCommand } from '../src/discord/context.ts';
import { asOfOption, readAsOf } from './as-of.ts';
import { MessageFlags } from 'discord.js';

const data = {
  name: 'ask',
  description: 'Ask about a story; the answer cites excerpts copied word for word from the articles',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'question', description: 'Your question', required: true, max_length: 6000 },
    { type: ApplicationCommandOptionType.String, name: 'article', description: 'Only this article', autocomplete: true },
    { type: ApplicationCommandOptionType.Boolean, name: 'private', description: 'Only you see the answer' },
    asOfOption,
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const ask: SlashCommand = {
  data,
  asksModel: true,
  defersItself: true,
  async execute(interaction, ctx) {
    const isPrivate = interaction.options.getBoolean('private') ?? false;
    await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});
    const article = interaction.options.getString('article');
    const asOf = readAsOf(interaction);
    await answerQuestion(interaction, ctx, {
      ...(asOf ? { asOf } : {}),
      question: interaction.options.getString('question', true),
      collections: ctx.collectionsFor(interaction) ?? [],
      ...(article ? { articleIds: [article] } : {}),
    });
  },
  async autocomplete(interaction, ctx) {
    const typed = interaction.options.getFocused();
    await interaction.respond(ctx.articles.choices(typed, ctx.collectionsFor(interaction) ?? []));
  },
};
