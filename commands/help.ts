import { MessageFlags, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { defineCommand } from '../src/discord/command.ts';
import { discordText } from '../src/messages/discord.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';

const data = {
  name: 'help',
  description: 'What this bot can do, where its answers come from, and how it is answering now',
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const help = defineCommand({
  data,
  defer: 'none',
  async execute({ interaction, ctx }) {
    const { app } = ctx;
    const mode = app.llm ? discordText.helpModeLlm(app.config.llm.model) : discordText.helpModeExtract;
    const coverage = app.embedder ? app.backgroundEmbedding.coverage() : null;
    const search = app.embedder
      ? `${discordText.helpSearchHybrid(app.embedder.modelId)}${coverage ? `; ${coverage}` : ''}`
      : discordText.helpSearchKeywords;
    const server = interaction.guildId ? ctx.articles.count(interaction.guildId) : 0;
    await interaction.reply({
      content: discordText.help(mode, search, server, ctx.articles.count(SHARED_COLLECTION)),
      flags: MessageFlags.Ephemeral,
    });
  },
});
