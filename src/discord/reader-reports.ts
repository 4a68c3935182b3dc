import type { APIEmbed } from 'discord.js';
import { discordText } from '../messages/discord.ts';
import type { Digest, DislikedAnswer } from '../readers/digest.ts';
import type { QuestionGroup } from '../readers/question-groups.ts';
import type { Feedback } from '../readers/answer-log.ts';
import { stripMarkers } from '../text/markers.ts';
import { code, joinMarkdown, md, neutralizeWithin, trimAtWord, type Markdown } from './neutralize.ts';
import { LIMITS, packEmbeds, type OutgoingMessage } from './render.ts';

/**
 * What readers asked and how they rated answers, for editors: `/articles gaps`, `/articles
 * feedback` and the weekly digest. Questions and answers are readers' and models' text: rendered
 * inert, within Discord's limits.
 */

const COLOR = 0xc05621;
/** Room kept under the description limit for the separators between entries. */
const DESCRIPTION_BUDGET = LIMITS.description - 96;

function day(iso: string): string {
  return iso.slice(0, 10);
}

function minute(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** Whole entries, in order, as many as fit in `max` characters; the rest are left out. */
function fitting(entries: readonly Markdown[], separator: string, max: number = DESCRIPTION_BUDGET): Markdown {
  const kept: Markdown[] = [];
  let size = 0;
  for (const entry of entries) {
    const next = size + entry.length + (kept.length > 0 ? separator.length : 0);
    if (next > max) break;
    kept.push(entry);
    size = next;
  }
  return joinMarkdown(kept, separator);
}

function questionLine(g: QuestionGroup, max = 180): Markdown {
  return md`**${g.count}×** ${neutralizeWithin(g.question.replace(/\s+/g, ' '), max)} · ${code(day(g.lastAskedAt))}`;
}

/** `/articles gaps`: groups of unanswered questions, most asked first. */
export function renderGaps(groups: readonly QuestionGroup[]): APIEmbed {
  const description =
    groups.length > 0
      ? fitting(
          groups.map((g) => questionLine(g)),
          '\n',
        )
      : md`${discordText.noGaps}`;
  return { title: discordText.gapsTitle, description: description.toString(), color: COLOR, footer: { text: discordText.gapsFooter } };
}

function sourcesLine(sources: readonly { title: string }[]): Markdown {
  if (sources.length === 0) return md`${discordText.noSourcesCited}`;
  return md`${discordText.feedbackSources} ${joinMarkdown(
    sources.slice(0, 3).map((s) => neutralizeWithin(trimAtWord(s.title, 80), 100)),
    '; ',
  )}`;
}

/** The answer as readers saw it, without its [n] markers, on one line. */
function answerPreview(answer: string, max: number): Markdown {
  return neutralizeWithin(stripMarkers(answer).replace(/\s+/g, ' ').trim(), max);
}

/** `/articles feedback`: votes on answers, newest first, each with its question, answer and sources. */
export function renderFeedback(entries: readonly Feedback[], vote: 'up' | 'down' | null): APIEmbed {
  const blocks = entries.map((f) => {
    const sources = [...new Map(f.citations.map((c) => [c.articleId, c])).values()];
    return md`${f.vote === 'up' ? '👍' : '👎'} ${code(minute(f.createdAt))} **${neutralizeWithin(f.question.replace(/\s+/g, ' '), 200)}**\n> ${answerPreview(f.answer, 240)}\n${sourcesLine(sources)}`;
  });
  const description = blocks.length > 0 ? fitting(blocks, '\n\n') : md`${discordText.noFeedback}`;
  return { title: discordText.feedbackTitle(vote), description: description.toString(), color: COLOR };
}

function dislikedBlock(d: DislikedAnswer): Markdown {
  return md`**${discordText.digestDownVotes(d.downVotes)}** ${neutralizeWithin(d.question.replace(/\s+/g, ' '), 160)}\n> ${answerPreview(d.answer, 180)}\n${sourcesLine(d.sources)}`;
}

/**
 * The weekly digest: the most-asked unanswered questions, then the disliked answers, each section
 * in its own embed (and its own message if both would not fit in one).
 */
export function renderDigest(digest: Digest): OutgoingMessage[] {
  const questions =
    digest.unanswered.length > 0
      ? fitting(
          digest.unanswered.map((g) => questionLine(g, 160)),
          '\n',
          2400,
        )
      : md`${discordText.digestNoUnanswered}`;
  const disliked =
    digest.disliked.length > 0 ? fitting(digest.disliked.map(dislikedBlock), '\n\n', 3000) : md`${discordText.digestNoDisliked}`;
  const embeds: APIEmbed[] = [
    {
      title: discordText.digestTitle(day(digest.from), day(digest.to)),
      description: md`**${discordText.digestUnansweredHeading(digest.unansweredAsked)}**\n${questions}`.toString(),
      color: COLOR,
    },
    {
      title: discordText.digestDislikedHeading,
      description: disliked.toString(),
      color: COLOR,
      footer: { text: discordText.digestFooter },
    },
  ];
  return packEmbeds(embeds);
}
