import { messages } from '../messages/answers.ts';
import type { Passage } from '../retrieval/passage.ts';
import type { ModelReply } from './model.ts';
import { newestPublished } from './time.ts';
import type { AnswerMode, AnswerResult, ArticleRef, SummaryLength, SummaryResult, TimeInfo } from './types.ts';
import type { Citation } from '../store/types.ts';

/*
 * The build-result step, the same for answers and summaries: whichever way a pipeline ended (the
 * model's checked reply, an extract, nothing found), it ends as an Outcome, made into the result here.
 */

/** How a pipeline ended, before it becomes an AnswerResult or a SummaryResult. */
export interface Outcome {
  /** grounded: every sentence cites a verified excerpt; unsupported: the model cited nothing valid; not_found: nothing to say. */
  kind: 'grounded' | 'unsupported' | 'not_found';
  mode: AnswerMode;
  text: string;
  citations: Citation[];
  /** The passages the text was drawn from (given to the model, or quoted from). */
  passages: Passage[];
  notices: string[];
  /** The model's reply the text came from, or null (extract mode, nothing asked). */
  reply: ModelReply | null;
}

/** The stored articles do not answer it. `reply`: the model said so. */
export function notFound(
  mode: AnswerMode,
  passages: readonly Passage[],
  notices: readonly string[],
  reply: ModelReply | null = null,
): Outcome {
  return { kind: 'not_found', mode, text: messages.notInArticles, citations: [], passages: [...passages], notices: [...notices], reply };
}

/** Times a pipeline: from its start, retrieval until `retrieved()`, the model's time from its reply. */
export class Stopwatch {
  private readonly started = performance.now();
  private retrievalMs = 0;

  retrieved(): void {
    this.retrievalMs = performance.now() - this.started;
  }

  timings(outcome: Outcome): AnswerResult['timings'] {
    return { retrievalMs: this.retrievalMs, generationMs: outcome.reply?.ms ?? 0, totalMs: performance.now() - this.started };
  }
}

export function articleRef(a: ArticleRef): ArticleRef {
  return { articleId: a.articleId, title: a.title, published: a.published, url: a.url };
}

/**
 * Every result, answer or summary, is made here: its kind, what it is about (`subject`), and the
 * fields they share. `article`: the one article a summary is of.
 */
function buildResult<K extends string, S extends object>(
  kind: K,
  subject: S,
  outcome: Outcome,
  time: TimeInfo,
  stopwatch: Stopwatch,
  article: ArticleRef | null,
) {
  return {
    kind,
    mode: outcome.mode,
    ...subject,
    text: outcome.text,
    citations: outcome.citations,
    passages: outcome.passages,
    notices: outcome.notices,
    // What "now" means in the result: the newest article cited, or the one article summarized.
    asOf: outcome.kind === 'not_found' ? null : article ? article.published : newestPublished(outcome.citations),
    time,
    model: outcome.reply?.model ?? null,
    usage: outcome.reply?.usage ?? null,
    timings: stopwatch.timings(outcome),
  };
}

export interface AnswerAbout {
  question: string;
  /** The nearest articles, named when the answer is not found. */
  closest: ArticleRef[];
  time: TimeInfo;
}

export function answerResult(outcome: Outcome, about: AnswerAbout, stopwatch: Stopwatch): AnswerResult {
  const { question, closest, time } = about;
  return buildResult(outcome.kind === 'grounded' ? 'answer' : outcome.kind, { question, closest }, outcome, time, stopwatch, null);
}

export interface SummaryAbout {
  /** The article summarized, or null for a topic summary. */
  article: ArticleRef | null;
  topic: string | null;
  length: SummaryLength;
  time: TimeInfo;
}

export function summaryResult(outcome: Outcome, about: SummaryAbout, stopwatch: Stopwatch): SummaryResult {
  const { article, topic, length, time } = about;
  return buildResult(outcome.kind === 'grounded' ? 'summary' : outcome.kind, { article, topic, length }, outcome, time, stopwatch, article);
}
