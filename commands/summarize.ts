import {
  ApplicationCommandOptionType,
  type APIApplicationCommandStringOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { answerComponents } from '../src/discord/answer-components.ts';
import { sendSummary } from '../src/discord/answer-flow.ts';
import { defineCommandWithSubcommands, subcommand } from '../src/discord/command.ts';
import { discordText } from '../src/messages/discord.ts';
import { asOfOption, asOfRequest } from './as-of.ts';

const lengthOption = {
  type: ApplicationCommandOptionType.String,
  name: 'length',
  description: 'How long (default: standard)',
  choices: [
    { name: 'brief (2–3 sentences)', value: 'brief' },
    { name: 'standard (one paragraph)', value: 'standard' },
    { name: 'bullets (3–6 key points)', value: 'bullets' },
  ],
} as const satisfies APIApplicationCommandStringOption;

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
        {
          type: ApplicationCommandOptionType.String,
          name: 'topic',
          description: 'What the story is about',
          required: true,
          max_length: 500,
        },
        lengthOption,
        asOfOption,
      ],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const ofArticle = subcommand(data, 'article', {
  defer: 'public',
  async execute({ interaction, ctx, args }) {
    const request = {
      article: args.article,
      length: args.length ?? 'standard',
      collections: ctx.collectionsFor(interaction) ?? [],
      ...asOfRequest(args.as_of),
    };
    await sendSummary(interaction, ctx, discordText.summaryOf(args.article), (onText) =>
      ctx.app.answerer.summarize({ ...request, onText }),
    );
  },
});

const ofTopic = subcommand(data, 'topic', {
  defer: 'public',
  async execute({ interaction, ctx, args }) {
    const request = {
      topic: args.topic,
      length: args.length ?? 'standard',
      collections: ctx.collectionsFor(interaction) ?? [],
      ...asOfRequest(args.as_of),
    };
    await sendSummary(interaction, ctx, discordText.storySoFar(args.topic), (onText) =>
      ctx.app.answerer.summarizeTopic({ ...request, onText }),
    );
  },
});

export const summarize = defineCommandWithSubcommands({
  data,
  asksModel: true,
  subcommands: [ofArticle, ofTopic],
  async autocomplete(interaction, ctx) {
    await interaction.respond(ctx.articles.choices(interaction.options.getFocused(), ctx.collectionsFor(interaction) ?? []));
  },
  components: answerComponents,
});
