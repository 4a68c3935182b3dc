import type { Feedback } from '../readers/answer-log.ts';
import { messages } from '../messages/answers.ts';
import { cliText } from '../messages/cli.ts';
import { parseIsoDay } from '../retrieval/time-scope.ts';
import { stripMarkers } from '../text/markers.ts';
import { UsageError } from './args.ts';
import { defineCommand, JSON_OPTION } from './command.ts';
import { positiveInteger, print, printJson } from './context.ts';
import { oneLine } from './format.ts';

/** `--since YYYY-MM-DD`: from the start of that day (UTC); a usage error when it is not a real day. */
export function sinceOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const day = parseIsoDay(value);
  if (!day) throw new UsageError(messages.invalidAsOf('--since', value));
  return `${day}T00:00:00.000Z`;
}

function voteOption(value: string | undefined): 'up' | 'down' | undefined {
  if (value === undefined || value === 'up' || value === 'down') return value;
  throw new UsageError(cliText.invalidVote(value));
}

/** One vote for `--json`: the answer as shown, its citations whole; who voted is left out. */
function asJson(f: Feedback) {
  return {
    answerId: f.answerId,
    vote: f.vote,
    question: f.question,
    answer: f.answer,
    citations: f.citations,
    guildId: f.guildId,
    kind: f.kind,
    mode: f.mode,
    votedAt: f.createdAt,
    answeredAt: f.answeredAt,
  };
}

function asText(f: Feedback): string {
  const when = `${f.createdAt.slice(0, 16).replace('T', ' ')} UTC`;
  const where = f.guildId ? cliText.server(f.guildId) : cliText.noServer;
  const sources = [...new Map(f.citations.map((c) => [c.articleId, c])).values()];
  return [
    `${f.vote === 'up' ? '👍' : '👎'} ${when} · ${where} · answer ${f.answerId}`,
    `  Q: ${oneLine(f.question, 200)}`,
    `  A: ${oneLine(stripMarkers(f.answer), 300)}`,
    ...(sources.length > 0 ? sources.map((c) => `  • ${oneLine(c.title, 90)} (${c.articleId})`) : [`  • ${cliText.noSourcesCited}`]),
  ].join('\n');
}

export const feedbackCommand = defineCommand({
  name: 'feedback',
  summary: 'what readers thought of the answers: 👍/👎 with the question, answer and sources, newest first',
  usage: ['feedback [--since YYYY-MM-DD] [--vote up|down] [--limit N] [--json]'],
  options: {
    since: { type: 'string', value: 'YYYY-MM-DD', description: 'votes given on or after that day (UTC)' },
    vote: { type: 'string', value: 'up|down', description: 'only 👍 (up) or only 👎 (down)' },
    limit: { type: 'string', value: 'N', description: 'how many to show, 1–1000 (default: 50)' },
    json: JSON_OPTION,
  },
  maxArguments: 0,
  notes: [
    '--json prints {"feedback": [{"answerId", "vote", "question", "answer", "citations", "guildId", "kind", "mode", "votedAt", "answeredAt"}]}.',
    'Votes are given with the 👍/👎 buttons under answers in Discord; one per person and answer (the latest counts).',
  ],
  run: async (ctx, { values }) => {
    const since = sinceOption(values.since);
    const vote = voteOption(values.vote);
    const limit = positiveInteger(values.limit, '--limit', 50, 1000);
    const app = await ctx.app('none');
    const entries = app.answerLog.feedback({ limit, ...(since ? { since } : {}), ...(vote ? { vote } : {}) });
    if (values.json) {
      printJson({ feedback: entries.map(asJson) });
      return 0;
    }
    if (entries.length === 0) {
      print(values.since ? cliText.noFeedbackSince(values.since) : cliText.noFeedback);
      return 0;
    }
    print(entries.map(asText).join('\n\n'));
    const up = entries.filter((e) => e.vote === 'up').length;
    print(`\n${cliText.feedbackCount(entries.length, up, entries.length - up)}`);
    return 0;
  },
});
