import type { Weekday } from '../config.ts';
import { WEEKDAYS } from '../config.ts';
import type { AnswerLog } from './answer-log.ts';
import { groupQuestions, type QuestionGroup } from './question-groups.ts';

const DAY_MS = 86_400_000;
export const DIGEST_PERIOD_MS = 7 * DAY_MS;

/** An answer readers voted down, with how many did. */
export interface DislikedAnswer {
  answerId: string;
  question: string;
  answer: string;
  /** The articles it cited, in citation order, each once. */
  sources: { articleId: string; title: string }[];
  downVotes: number;
  lastVotedAt: string;
  answeredAt: string;
}

/** What readers asked and disliked over one period: what the newsroom could write or fix. */
export interface Digest {
  /** ISO instants: questions asked and votes given from `from` (inclusive) to `to`. */
  from: string;
  to: string;
  /** Groups of questions the archive could not answer, most asked first. */
  unanswered: QuestionGroup[];
  /** Unanswered questions asked in the period, all groups counted. */
  unansweredAsked: number;
  /** Answers voted down, most votes first. */
  disliked: DislikedAnswer[];
}

export interface DigestOptions {
  /** The end of the period. */
  now: Date;
  /** One server's questions and answers only; left out: all of them. */
  guildId?: string;
  maxQuestions?: number;
  maxAnswers?: number;
}

/** Questions and votes older than this many are not read for one digest (a week's worth, many times over). */
const MAX_ROWS = 20_000;

/** The past week's most-asked unanswered questions and its disliked answers. */
export function weeklyDigest(log: AnswerLog, options: DigestOptions): Digest {
  const to = options.now.toISOString();
  const from = new Date(options.now.getTime() - DIGEST_PERIOD_MS).toISOString();
  const scope = options.guildId ? { guildId: options.guildId } : {};
  const asked = log.unansweredQuestions({ since: from, limit: MAX_ROWS, ...scope }).filter((q) => q.createdAt <= to);
  const votes = log.feedback({ since: from, vote: 'down', limit: MAX_ROWS, ...scope }).filter((v) => v.createdAt <= to);

  const byAnswer = new Map<string, DislikedAnswer>();
  for (const v of votes) {
    const seen = byAnswer.get(v.answerId);
    if (seen) {
      seen.downVotes++;
      continue;
    }
    const sources = new Map(v.citations.map((c) => [c.articleId, { articleId: c.articleId, title: c.title }]));
    byAnswer.set(v.answerId, {
      answerId: v.answerId,
      question: v.question,
      answer: v.answer,
      sources: [...sources.values()],
      downVotes: 1,
      lastVotedAt: v.createdAt,
      answeredAt: v.answeredAt,
    });
  }
  const disliked = [...byAnswer.values()].sort((a, b) => b.downVotes - a.downVotes || b.lastVotedAt.localeCompare(a.lastVotedAt));
  return {
    from,
    to,
    unanswered: groupQuestions(asked).slice(0, options.maxQuestions ?? 10),
    unansweredAsked: asked.length,
    disliked: disliked.slice(0, options.maxAnswers ?? 10),
  };
}

/**
 * The week's digest moment at or before `now`: the latest `day` at `hourUtc`:00 UTC. A digest is
 * due when the one for this moment has not been posted yet.
 */
export function digestSlot(now: Date, day: Weekday, hourUtc: number): Date {
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  const back = (now.getUTCDay() - WEEKDAYS.indexOf(day) + 7) % 7;
  slot.setUTCDate(slot.getUTCDate() - back);
  if (slot.getTime() > now.getTime()) slot.setUTCDate(slot.getUTCDate() - 7);
  return slot;
}
