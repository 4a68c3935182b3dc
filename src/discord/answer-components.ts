import {
  ActionRowBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ModalActionRowComponentBuilder,
} from 'discord.js';
import { UserError } from '../errors.ts';
import { answerLogMessages } from '../messages/answer-log.ts';
import { discordText } from '../messages/discord.ts';
import { stripMarkers } from '../text/markers.ts';
import { answerIds } from './answer-buttons.ts';
import { answerQuestion } from './answer-flow.ts';
import { onButton, onModal, type ComponentHandler } from './component.ts';
import type { BotContext } from './context.ts';
import { renderFullSources } from './render.ts';
import { replyPrivately, sendMessages } from './respond.ts';

const FOLLOW_UP_INPUT = 'question';

function loggedAnswer(ctx: BotContext, id: string) {
  const answer = ctx.app.answerLog.getAnswer(id);
  if (!answer) throw new UserError(discordText.answerGone);
  return answer;
}

/** "Show sources": every source of the answer in full, privately. */
const showSources = onButton(answerIds.sources, async ({ interaction, ctx, args }) => {
  const answer = loggedAnswer(ctx, args.answerId);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await sendMessages(interaction, renderFullSources(answer.citations), { ephemeral: true });
});

/** 👍 / 👎: kept with the answer for editors (/articles feedback, the weekly digest). */
const recordVote = onButton(answerIds.vote, async ({ interaction, ctx, args }) => {
  const outcome = ctx.app.answerLog.recordFeedback(args.answerId, interaction.user.id, args.vote);
  if (outcome === 'unknown_answer') throw new UserError(discordText.answerGone);
  await replyPrivately(interaction, outcome === 'recorded' ? discordText.feedbackThanks(args.vote) : answerLogMessages.voteNotRecorded);
});

/** "Ask a follow-up": a modal to type the question in. */
const openFollowUp = onButton(answerIds.followUp, async ({ interaction, ctx, args }) => {
  loggedAnswer(ctx, args.answerId);
  const input = new TextInputBuilder()
    .setCustomId(FOLLOW_UP_INPUT)
    .setLabel(discordText.followUpLabel)
    .setStyle(TextInputStyle.Paragraph)
    .setMaxLength(4000)
    .setRequired(true);
  await interaction.showModal(
    new ModalBuilder()
      .setCustomId(answerIds.followUpModal.encode(args))
      .setTitle(discordText.followUpTitle)
      .addComponents(new ActionRowBuilder<ModalActionRowComponentBuilder>().addComponents(input)),
  );
});

/** The earlier question and answer as context for a follow-up; its [n] markers meant other passages. */
function historyOf(question: string, answer: string): string {
  return `Question: ${question}\nAnswer: ${stripMarkers(answer)}`;
}

/** A follow-up question typed in the modal: answered with the previous exchange as context. */
const answerFollowUp = onModal(
  answerIds.followUpModal,
  async ({ interaction, ctx, args }) => {
    const previous = loggedAnswer(ctx, args.answerId);
    await interaction.deferReply();
    await answerQuestion(interaction, ctx, {
      question: interaction.fields.getTextInputValue(FOLLOW_UP_INPUT),
      collections: ctx.collectionsFor(interaction) ?? [],
      history: historyOf(previous.question, previous.text),
    });
  },
  { asksModel: true },
);

/** What the buttons under an answer do; registered by the commands that answer (/ask, /summarize). */
export const answerComponents: readonly ComponentHandler[] = [showSources, recordVote, openFollowUp, answerFollowUp];
