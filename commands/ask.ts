import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { answerComponents } from '../src/discord/answer-components.ts';
import { answerQuestion } from '../src/discord/answer-flow.ts';
import { defineCommand } from '../src/discord/command.ts';
import { asOfOption, asOfRequest } from './as-of.ts';

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

export const ask = defineCommand({
  data,
  asksModel: true,
  defer: (args) => (args.private ? 'ephemeral' : 'public'),
  async execute({ interaction, ctx, args }) {
    await answerQuestion(interaction, ctx, {
      ...asOfRequest(args.as_of),
      question: args.question,
      collections: ctx.collectionsFor(interaction) ?? [],
      ...(args.article ? { articleIds: [args.article] } : {}),
    });
  },
  async autocomplete(interaction, ctx) {
    await interaction.respond(ctx.articles.choices(interaction.options.getFocused(), ctx.collectionsFor(interaction) ?? []));
  },
  components: answerComponents,
});
