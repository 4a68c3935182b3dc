import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type MessageActionRowComponentBuilder } from 'discord.js';
import { discordText } from '../messages/discord.ts';
import { defineCustomId, oneOf, token } from './custom-id.ts';

/**
 * The buttons under an answer or summary, and the follow-up modal. Their ids are the ones answers
 * have carried from the start (`nr:sources:<answer id>`…), so buttons on old answers still work.
 */
export const answerIds = {
  sources: defineCustomId('nr:sources', { answerId: token }),
  vote: defineCustomId('nr:vote', { answerId: token, vote: oneOf('up', 'down') }),
  followUp: defineCustomId('nr:followup', { answerId: token }),
  followUpModal: defineCustomId('nr:followup-modal', { answerId: token }),
};

export type Components = ActionRowBuilder<MessageActionRowComponentBuilder>[];

/** Buttons under an answer: full sources, feedback, and a follow-up question. */
export function answerButtons(answerId: string): Components {
  return [
    new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
      new ButtonBuilder()
        .setCustomId(answerIds.sources.encode({ answerId }))
        .setLabel(discordText.buttonSources)
        .setStyle(ButtonStyle.Secondary),
      new ButtonBuilder()
        .setCustomId(answerIds.vote.encode({ answerId, vote: 'up' }))
        .setEmoji('👍')
        .setStyle(ButtonStyle.Secondary),
      new ButtonBuilder()
        .setCustomId(answerIds.vote.encode({ answerId, vote: 'down' }))
        .setEmoji('👎')
        .setStyle(ButtonStyle.Secondary),
      new ButtonBuilder()
        .setCustomId(answerIds.followUp.encode({ answerId }))
        .setLabel(discordText.buttonFollowUp)
        .setStyle(ButtonStyle.Primary),
    ),
  ];
}
