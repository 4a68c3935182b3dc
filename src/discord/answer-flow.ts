import type { RepliableInteraction } from 'discord.js';
import type { AnswerResult, SummaryResult } from '../answering/types.ts';
import { UserError } from '../errors.ts';
import { answerLogMessages } from '../messages/answer-log.ts';
import { discordText } from '../messages/discord.ts';
import { answerButtons } from './answer-buttons.ts';
import type { BotContext } from './context.ts';
import { renderAnswer, renderDraft, renderSummary } from './render.ts';
import { sendMessages } from './respond.ts';
import { ThrottledEditor } from './throttled-editor.ts';

/** Streams the model's draft into the deferred reply, at most one edit per 1.5 s. */
function draftStreamer(interaction: RepliableInteraction, title: string, ctx: BotContext) {
  let draft = '';
  const editor = new ThrottledEditor<string>(
    (text) => interaction.editReply(renderDraft(title, text)),
    1500,
    (error) => ctx.logger.warn({ err: error, interactionId: interaction.id }, 'draft edit failed'),
  );
  return {
    onText: (delta: string) => {
      draft += delta;
      editor.update(draft);
    },
    close: () => editor.close(),
  };
}

function logAnswer(ctx: BotContext, interaction: RepliableInteraction, question: string, result: AnswerResult | SummaryResult) {
  return ctx.app.answerLog.saveAnswer({
    guildId: interaction.guildId,
    userId: interaction.user.id,
    question,
    kind: result.kind,
    mode: result.mode,
    text: result.text,
    citations: result.citations,
  });
}

/**
 * The bot stopped before this answer was done and its model call was aborted: what is left would be
 * a worse answer, so the person is told the bot is restarting and to ask again (the router says it).
 */
function refuseIfStopping(ctx: BotContext): void {
  if (ctx.stopping.aborted) throw new UserError(discordText.shuttingDown);
}

/** An answer the log could not record says so under it (its votes cannot be kept either). */
function withRecordingNotice<T extends AnswerResult | SummaryResult>(result: T, recorded: boolean): T {
  return recorded || result.kind === 'not_found'
    ? result
    : { ...result, notices: [...result.notices, answerLogMessages.answerNotRecorded] };
}

export async function answerQuestion(
  interaction: RepliableInteraction,
  ctx: BotContext,
  request: { question: string; collections: string[]; articleIds?: string[]; history?: string; asOf?: string },
): Promise<void> {
  const stream = draftStreamer(interaction, request.question.slice(0, 200), ctx);
  let result: AnswerResult;
  try {
    result = await ctx.app.answerer.ask({ ...request, onText: stream.onText });
  } finally {
    await stream.close();
  }
  refuseIfStopping(ctx);
  const logged = logAnswer(ctx, interaction, result.question, result);
  await sendMessages(interaction, renderAnswer(withRecordingNotice(result, logged.recorded)), {
    components: result.kind === 'not_found' ? [] : answerButtons(logged.id),
  });
}

export async function sendSummary(
  interaction: RepliableInteraction,
  ctx: BotContext,
  title: string,
  summarize: (onText: (delta: string) => void) => Promise<SummaryResult>,
): Promise<void> {
  const stream = draftStreamer(interaction, title, ctx);
  let result: SummaryResult;
  try {
    result = await summarize(stream.onText);
  } finally {
    await stream.close();
  }
  refuseIfStopping(ctx);
  const logged = logAnswer(ctx, interaction, title, result);
  await sendMessages(interaction, renderSummary(withRecordingNotice(result, logged.recorded)), {
    components: result.kind === 'not_found' ? [] : answerButtons(logged.id),
  });
}
