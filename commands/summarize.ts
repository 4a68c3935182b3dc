import {
  ApplicationCommandOptionType,
  type APIApplicationCommandStringOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { SummaryLength } from '../src/answering/types.ts';
import { sendSummary } from '../src/discord/answer-flow.ts';
import type { SlashCommand } from '../src/discord/context.ts';
import { discordText } from '../src/messages.ts';
import { asOfOption, readAsOf } from './as-of.ts';

const lengthOption: APIApplicationCommandStringOption = {
  type: ApplicationCommandOptionType.String,
  name: 'length',
  description: 'How long (default: standard)',
  choices: [
    { name: 'brief (2–3 sentences)', value: 'brief' },
    { name: 'standard (one paragraph)', value: 'standard' },
    { name: 'bullets (3–6 key points)', value: 'bullets' },
  ],
};

const data = {
  name: 'summarize',
  description: 'Summarize a story, with cited excerpts',
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'article',
      description: 'Summarize one stored article',
      options: [
        { type: ApplicationCommandOptionType.String, name: 'article', description: 'The article', required: true, autocomplete: true },
        lengthOption,
        asOfOption,
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'topic',
      description: 'The story so far, across articles, in date order',
      options: [
        { type: ApplicationCommandOptionType.String, name: 'topic', description: 'What the story is about', required: true, max_length: 500 },
        lengthOption,
        asOfOption,
      ],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const summarize: SlashCommand = {
  data,
  asksModel: true,
  async execute(interaction, ctx) {
    const length = (interaction.options.getString('length') ?? 'standard') as SummaryLength;
    const collections = ctx.collectionsFor(interaction) ?? [];
    const asOf = readAsOf(interaction);
    const when = asOf ? { asOf } : {};
    if (interaction.options.getSubcommand() === 'topic') {
      const topic = interaction.options.getString('topic', true);
      await sendSummary(interaction, ctx, discordText.storySoFar(topic), (onText) =>
        ctx.app.answerer.summarizeTopic({ topic, length, collections, onText, ...when }),
      );
      return;
    }
    const article = interaction.options.getString('article', true);
    await sendSummary(interaction, ctx, discordText.summaryOf(article), (onText) =>
      ctx.app.answerer.summarize({ article, length, collections, onText, ...when }),
    );
  },
  async autocomplete(interaction, ctx) {
    await interaction.respond(ctx.articles.choices(interaction.options.getFocused(), ctx.collectionsFor(interaction) ?? []));
  },
};
