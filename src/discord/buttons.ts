import {
  ActionRowBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ModalActionRowComponentBuilder,
  type ModalSubmitInteraction,
} from 'discord.js';
import { UserError } from '../errors.ts';
import { discordText } from '../messages.ts';
import { stripMarkers } from '../text/markers.ts';
import { answerQuestion } from './answer-flow.ts';
import type { BotContext } from './context.ts';
import { renderFullSources } from './render.ts';
import { replyPrivately, sendMessages } from './respond.ts';

const FOLLOW_UP_INPUT = 'question';

function loggedAnswer(ctx: BotContext, id: string) {
  const answer = ctx.app.answerLog.getAnswer(id);
  if (!answer) throw new UserError(discordText.answerGone);
  return answer;
}

/** The buttons under an answer: `nr:sources:<id>`, `nr:vote:<id>:<up|down>`, `nr:followup:<id>`. */
export async function handleAnswerButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const [, action, id = '', vote] = interaction.customId.split(':');
  switch (action) {
    case 'sources': {
      const answer = loggedAnswer(ctx, id);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await sendMessages(interaction, renderFullSources(answer.citations), { ephemeral: true });
      return;
    }
    case 'vote': {
      if (vote !== 'up' && vote !== 'down') return;
      if (!ctx.app.answerLog.recordFeedback(id, interaction.user.id, vote)) throw new UserError(discordText.answerGone);
      await replyPrivately(interaction, discordText.feedbackThanks(vote));
      return;
    }
    case 'followup': {
      loggedAnswer(ctx, id);
      const input = new TextInputBuilder()
        .setCustomId(FOLLOW_UP_INPUT)
        .setLabel(discordText.followUpLabel)
        .setStyle(TextInputStyle.Paragraph)
        .setMaxLength(4000)
        .setRequired(true);
      await interaction.showModal(
        new ModalBuilder()
          .setCustomId(`nr:followup-modal:${id}`)
          .setTitle(discordText.followUpTitle)
          .addComponents(new ActionRowBuilder<ModalActionRowComponentBuilder>().addComponents(input)),
      );
      return;
    }
    default:
      return;
  }
}

/** The earlier question and answer as context for a follow-up; its [n] markers meant other passages. */
export function historyOf(question: string, answer: string): string {
  return `Question: ${question}\nAnswer: ${stripMarkers(answer)}`;
}

/** A follow-up question typed in the modal: answered with the previous exchange as context. */
export async function handleFollowUp(interaction: ModalSubmitInteraction, ctx: BotContext): Promise<void> {
  const id = interaction.customId.split(':')[2] ?? '';
  const previous = loggedAnswer(ctx, id);
  await interaction.deferReply();
  await answerQuestion(interaction, ctx, {
    question: interaction.fields.getTextInputValue(FOLLOW_UP_INPUT),
    collections: ctx.collectionsFor(interaction) ?? [],
    history: historyOf(previous.question, previous.text),
  });
}
