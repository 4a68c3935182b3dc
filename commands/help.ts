import { MessageFlags, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { SlashCommand } from '../src/discord/context.ts';
import { discordText } from '../src/messages.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';

const data = {
  name: 'help',
  description: 'What this bot can do, where its answers come from, and how it is answering now',
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const help: SlashCommand = {
  data,
  defersItself: true,
  async execute(interaction, ctx) {
    const { app } = ctx;
    const mode = app.llm
      ? `answers written by ${app.config.llm.model}, every excerpt checked against the stored text`
      : 'extract mode: no language model is configured, so answers quote the articles directly';
    const search = app.embedder ? `hybrid (meaning + keywords, model ${app.embedder.modelId})` : 'keywords only (the embedding model is unavailable)';
    const server = interaction.guildId ? ctx.articles.count(interaction.guildId) : 0;
    await interaction.reply({
      content: discordText.help(mode, search, server, ctx.articles.count(SHARED_COLLECTION)),
      flags: MessageFlags.Ephemeral,
      allowedMentions: { parse: [] },
    });
  },
};
