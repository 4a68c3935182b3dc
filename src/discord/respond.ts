import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type MessageActionRowComponentBuilder,
  type ModalSubmitInteraction,
} from 'discord.js';
import { discordText } from '../messages.ts';
import { neutralize } from './neutralize.ts';
import type { OutgoingMessage } from './render.ts';

export type RepliableInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/**
 * Nothing the bot sends can ping anyone: a second line of defence, as rendering already makes
 * mention syntax in article, model and user text inert (neutralize.ts).
 */
export const NO_MENTIONS = { parse: [] as never[] };

export type Components = ActionRowBuilder<MessageActionRowComponentBuilder>[];

/** Buttons under an answer: full sources, feedback, and a follow-up question. */
export function answerButtons(answerId: string): Components {
  return [
    new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
      new ButtonBuilder().setCustomId(`nr:sources:${answerId}`).setLabel(discordText.buttonSources).setStyle(ButtonStyle.Secondary),
      new ButtonBuilder().setCustomId(`nr:vote:${answerId}:up`).setEmoji('👍').setStyle(ButtonStyle.Secondary),
      new ButtonBuilder().setCustomId(`nr:vote:${answerId}:down`).setEmoji('👎').setStyle(ButtonStyle.Secondary),
      new ButtonBuilder().setCustomId(`nr:followup:${answerId}`).setLabel(discordText.buttonFollowUp).setStyle(ButtonStyle.Primary),
    ),
  ];
}

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
  await interaction.editReply({
    content: first.content ?? null,
    embeds: first.embeds,
    components: options.components ?? [],
    allowedMentions: NO_MENTIONS,
  });
  for (const message of rest) {
    await interaction.followUp({
      ...(message.content ? { content: message.content } : {}),
      embeds: message.embeds,
      allowedMentions: NO_MENTIONS,
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
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}
