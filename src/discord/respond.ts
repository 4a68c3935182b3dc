import { MessageFlags, type RepliableInteraction } from 'discord.js';
import type { Components } from './answer-buttons.ts';
import { neutralize } from './neutralize.ts';
import type { OutgoingMessage } from './render.ts';

// No call here sets allowedMentions: the client's default (bot.ts) keeps every message from pinging anyone.

/**
 * Sends rendered messages for a deferred interaction: the first replaces the deferred reply,
 * the rest follow (same visibility). Components go under the first message.
 */
export async function sendMessages(
  interaction: RepliableInteraction,
  outgoing: OutgoingMessage[],
  options: { components?: Components; ephemeral?: boolean } = {},
): Promise<void> {
  const [first, ...rest] = outgoing;
  if (!first) return;
  await interaction.editReply({ content: first.content ?? null, embeds: first.embeds, components: options.components ?? [] });
  for (const message of rest) {
    await interaction.followUp({
      ...(message.content ? { content: message.content } : {}),
      embeds: message.embeds,
      ...(options.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
    });
  }
}

/**
 * A short private message, whatever state the interaction is in. `text` is a sentence shown as
 * written: a UserError's message may quote a title or what someone typed, so it is rendered inert.
 */
export async function replyPrivately(interaction: RepliableInteraction, text: string): Promise<void> {
  const content = neutralize(text).toString();
  if (interaction.deferred || interaction.replied) {
    if (interaction.deferred && !interaction.ephemeral) await interaction.deleteReply().catch(() => undefined);
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}
