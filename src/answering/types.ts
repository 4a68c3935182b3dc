import type { Logger } from '../log.ts';
import type { Prompts } from '../llm/prompts.ts';
import type { LlmClient, TokenUsage } from '../llm/types.ts';
import type { Passage } from '../retrieval/passage.ts';
import type { Retriever } from '../retrieval/search.ts';
import type { LibraryReader } from '../store/reader.ts';
import type { ArticleHeader } from '../store/types.ts';
import type { Citation } from '../store/types.ts';

/*
 * The vocabulary of answering: what an Answerer is built from, what it is asked, and what it returns.
 */

export interface AnswererOptions {
  /** Passages retrieved per question. */
  k: number;
  perArticle: number;
  /** Token budget for passages in one prompt. */
  contextTokens: number;
  /** Dense similarity above which a passage counts as relevant (model-specific), or null. */
  minSimilarity: number | null;
  /** Longest question answered; longer ones are clipped with a notice. */
  maxQuestionChars: number;
}

export interface AnswererDeps {
  library: LibraryReader;
  retriever: Retriever;
  /** Null: no LLM configured, answers are extractive. */
  llm: LlmClient | null;
  prompts: Prompts;
  options: AnswererOptions;
  logger?: Logger;
  now?: () => Date;
  /** Told about every question the articles could not answer (editors review them). */
  onUnanswered?: (question: string, collections: readonly string[], closest: ArticleRef[]) => void;
  /** Told about every result returned (metrics): questions as `ask`, article and topic summaries as `summarize`. */
  onResult?: (command: 'ask' | 'summarize', result: AnswerResult | SummaryResult) => void;
}

export interface AskRequest {
  question: string;
  collections: readonly string[];
  /** Restrict to one article (e.g. Discord's article option). */
  articleIds?: readonly string[];
  /** Earlier question and answer in a follow-up thread. */
  history?: string;
  /** Streams the model's draft text as it arrives (not yet verified). */
  onText?: (delta: string) => void;
  /** Answer as if today were this day (YYYY-MM-DD): later articles are not used. Default: today. */
  asOf?: string;
}

export interface SummarizeRequest {
  article: string;
  length: SummaryLength;
  collections: readonly string[];
  onText?: (delta: string) => void;
  /** As if today were this day: an article published later cannot be summarized. */
  asOf?: string;
}

export interface TopicRequest {
  topic: string;
  length: SummaryLength;
  collections: readonly string[];
  onText?: (delta: string) => void;
  asOf?: string;
}

/** Who wrote the text: the language model, or the extractive fallback quoting the articles. */
export type AnswerMode = 'llm' | 'extractive';

/** When a question was asked and which publication dates it was read as being about. */
export interface TimeInfo {
  /** The day the question is asked (`--as-of`, else today): nothing published later is used. */
  asOf: string;
  /** The publication dates its time words name ("this week" → from/to), or null. */
  window: { from: string; to: string; expression: string } | null;
  /** `latest` when the question asks for the newest state of a story; `recent` otherwise. */
  recency: 'recent' | 'latest';
}

/** The article an answer or a summary names (`closest`, `article` in `--json`). */
export type ArticleRef = Pick<ArticleHeader, 'articleId' | 'title' | 'published' | 'url'>;

/**
 * - answer: a sourced answer (every sentence cites at least one excerpt)
 * - not_found: the stored articles do not answer it (`closest` names the nearest articles)
 * - unsupported: the model wrote claims without a valid citation; shown flagged, never as sourced
 */
export type AnswerKind = 'answer' | 'not_found' | 'unsupported';

/** What answers and summaries carry alike (built in one place: result.ts). */
interface GroundedResult {
  mode: AnswerMode;
  /** Text with [n] markers that refer to `citations`. */
  text: string;
  citations: Citation[];
  /** Passages that were given to the model (or searched, in extractive mode). */
  passages: Passage[];
  /** Things the reader must know: keyword-only search, the model unavailable, a shortened question, … */
  notices: string[];
  /** Newest publication date among the cited articles (a summary of one article: its date): what "now" means in it. */
  asOf: string | null;
  /** The question's moment and date window (see TimeInfo). */
  time: TimeInfo;
  model: string | null;
  usage: TokenUsage | null;
  timings: { retrievalMs: number; generationMs: number; totalMs: number };
}

export interface AnswerResult extends GroundedResult {
  kind: AnswerKind;
  question: string;
  closest: ArticleRef[];
}

export type SummaryLength = 'brief' | 'standard' | 'bullets';

export interface SummaryResult extends GroundedResult {
  kind: 'summary' | 'unsupported' | 'not_found';
  /** The article summarized, or null for a topic summary. */
  article: ArticleRef | null;
  topic: string | null;
  length: SummaryLength;
}
