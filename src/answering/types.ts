import type { TokenUsage } from '../llm/types.ts';
import type { Passage } from '../retrieval/passage.ts';

/** Who wrote the text: the language model, or the extractive fallback quoting the articles. */
export type AnswerMode = 'llm' | 'extractive';

/** A source shown under an answer: an exact span of a stored article. */
export interface Citation {
  /** The number used in the answer text, from 1. */
  number: number;
  articleId: string;
  collection: string;
  title: string;
  url: string | null;
  published: string | null;
  /** When the stored story last changed (a correction or update), or null: shown as "updated …". */
  updated: string | null;
  byline: string | null;
  chunkId: number;
  /** Verbatim: `articleBody.slice(start, end) === excerpt`. */
  excerpt: string;
  start: number;
  end: number;
}

/** When a question was asked and which publication dates it was read as being about. */
export interface TimeInfo {
  /** The day the question is asked (`--as-of`, else today): nothing published later is used. */
  asOf: string;
  /** The publication dates its time words name ("this week" → from/to), or null. */
  window: { from: string; to: string; expression: string } | null;
  /** `latest` when the question asks for the newest state of a story; `recent` otherwise. */
  recency: 'recent' | 'latest';
}

export interface ArticleRef {
  articleId: string;
  title: string;
  published: string | null;
  url: string | null;
}

/**
 * - answer: a sourced answer (every sentence cites at least one excerpt)
 * - not_found: the stored articles do not answer it (`closest` names the nearest articles)
 * - unsupported: the model wrote claims without a valid citation; shown flagged, never as sourced
 */
export type AnswerKind = 'answer' | 'not_found' | 'unsupported';

export interface AnswerResult {
  kind: AnswerKind;
  mode: AnswerMode;
  question: string;
  /** Answer text with [n] markers that refer to `citations`. */
  text: string;
  citations: Citation[];
  /** Passages that were given to the model (or searched, in extractive mode). */
  passages: Passage[];
  closest: ArticleRef[];
  /** Things the reader must know: keyword-only search, the model unavailable, a shortened question, … */
  notices: string[];
  /** Newest publication date among the cited articles: what "now" means in this answer. */
  asOf: string | null;
  /** The question's moment and date window (see TimeInfo). */
  time: TimeInfo;
  model: string | null;
  usage: TokenUsage | null;
  timings: { retrievalMs: number; generationMs: number; totalMs: number };
}

export type SummaryLength = 'brief' | 'standard' | 'bullets';

export interface SummaryResult {
  kind: 'summary' | 'unsupported' | 'not_found';
  mode: AnswerMode;
  /** The article summarized, or null for a topic summary. */
  article: ArticleRef | null;
  topic: string | null;
  length: SummaryLength;
  text: string;
  citations: Citation[];
  passages: Passage[];
  notices: string[];
  asOf: string | null;
  time: TimeInfo;
  model: string | null;
  usage: TokenUsage | null;
  timings: { retrievalMs: number; generationMs: number; totalMs: number };
}
