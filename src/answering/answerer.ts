import { UserError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Prompts } from '../llm/prompts.ts';
import type { LlmClient, LlmResult, TokenUsage } from '../llm/types.ts';
import { messages } from '../messages.ts';
import type { Passage } from '../retrieval/passage.ts';
import type { Retriever } from '../retrieval/search.ts';
import type { ChunkRecord } from '../store/catalog.ts';
import type { Library } from '../store/library.ts';
import type { StoredArticle } from '../store/types.ts';
import { countLlmTokens } from '../text/llm-tokens.ts';
import { NOT_IN_ARTICLES, verifyCitations, type VerifiedText } from './citations.ts';
import type { SearchResult } from '../retrieval/search.ts';
import { formatPassage, packPassages } from './context.ts';
import { bestSentences, citeSentences } from './extractive.ts';
import { analyzeQuestion } from './question.ts';
import { EXTRACT_COVERAGE, looksRelevant, MODEL_COVERAGE, weighQuestion } from './relevance.ts';
import { resolveArticle } from './resolve.ts';
import { keySentences } from './summary-sentences.ts';
import type { StemWeights } from './terms.ts';
import type { AnswerResult, ArticleRef, Citation, SummaryLength, SummaryResult, TimeInfo } from './types.ts';

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
  library: Library;
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

const LENGTH_INSTRUCTIONS: Record<SummaryLength, string> = {
  brief: 'Write 2 to 3 sentences.',
  standard: 'Write one paragraph of 4 to 6 sentences.',
  bullets: 'Write 3 to 6 bullet points, each on its own line starting with "- ".',
};

const MAX_ANSWER_TOKENS = 600;
/** Sentences an extract-mode answer quotes at most. */
const MAX_EXTRACT_SENTENCES = 3;
const MAX_SUMMARY_TOKENS = 800;
/** Stories a topic summary draws on. */
const TOPIC_STORIES = 6;

function toPassage(r: ChunkRecord): Passage {
  return { ...r, score: 0, denseRank: null, keywordRank: null, similarity: null };
}

function refOf(a: { articleId?: string; id?: string; title: string; published: string | null; url: string | null }): ArticleRef {
  return { articleId: a.articleId ?? a.id ?? '', title: a.title, published: a.published, url: a.url };
}

function newest(citations: readonly Citation[]): string | null {
  return citations.reduce<string | null>((max, c) => (c.published && (!max || c.published > max) ? c.published : max), null);
}

function addUsage(a: TokenUsage | null, b: TokenUsage | null): TokenUsage | null {
  if (!a) return b;
  if (!b) return a;
  return { prompt: a.prompt + b.prompt, completion: a.completion + b.completion, total: a.total + b.total };
}

/** Answers and summaries over the library: the logic every front end shares. */
export class Answerer {
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(private readonly deps: AnswererDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => new Date());
  }

  get mode(): 'llm' | 'extractive' {
    return this.deps.llm ? 'llm' : 'extractive';
  }

  private weightsFor(question: ReturnType<typeof analyzeQuestion>): StemWeights {
    const library = this.deps.library;
    return weighQuestion(question, (words) => library.documentFrequencies(words), library.chunkCount());
  }

  private today(): string {
    return this.now().toISOString().slice(0, 10);
  }

  /** Why a search found nothing, when time explains it: a window after the as-of day, an empty window, nothing published yet. */
  private emptyReason(search: SearchResult, collections: readonly string[]): string | null {
    const { window, asOf } = search.time;
    if (window?.future) return messages.windowInFuture(window, asOf);
    if (window) return messages.windowEmpty(window);
    const range = this.deps.library.publicationRange(collections);
    if (range.articles > 0 && range.undated === 0 && range.earliest !== null && range.earliest > asOf) {
      return messages.nothingPublishedBy(asOf, range.earliest);
    }
    return null;
  }

  private bodyOf = (p: { collection: string; articleId: string }): string | undefined =>
    this.deps.library.getBody(p.collection, p.articleId);

  private notices(text: string[], verified: VerifiedText | null): string[] {
    if (!verified) return text;
    const n = verified.notices;
    return [
      ...text,
      ...(n.truncated ? [messages.answerTruncated] : []),
      ...(n.fabricatedQuotes > 0 ? [messages.quotesRemoved(n.fabricatedQuotes)] : []),
      ...(n.uncitedSentences > 0 && verified.sourced ? [messages.uncitedRemoved(n.uncitedSentences)] : []),
    ];
  }

  /** Calls the model; on failure (after its retries) returns the reason to fall back. */
  private async generate(messagesToSend: Parameters<LlmClient['complete']>[0]['messages'], maxTokens: number, onText?: (d: string) => void) {
    const llm = this.deps.llm;
    if (!llm) return { ok: false as const, reason: null };
    const result: LlmResult = await llm.complete({ messages: messagesToSend, maxTokens, temperature: 0, ...(onText ? { onText } : {}) });
    if (!result.ok) {
      this.logger.warn({ kind: result.error.kind, message: result.error.message }, 'LLM call failed; answering extractively');
      return { ok: false as const, reason: messages.llmUnavailable };
    }
    if (!result.text.trim()) {
      this.logger.warn({ model: result.model }, 'LLM returned an empty reply; answering extractively');
      return { ok: false as const, reason: messages.llmEmpty };
    }
    return { ok: true as const, result };
  }

  async ask(request: AskRequest): Promise<AnswerResult> {
    return this.reported('ask', await this.answer(request));
  }

  /** Summary of one stored article, found by id or by words of its title. */
  async summarize(request: SummarizeRequest): Promise<SummaryResult> {
    return this.reported('summarize', await this.summarizeArticle(request));
  }

  /**
   * "The story so far": passages across the stories on a topic, in date order, always including the
   * newest relevant story, and saying as of when.
   */
  async summarizeTopic(request: TopicRequest): Promise<SummaryResult> {
    return this.reported('summarize', await this.storySoFar(request));
  }

  private reported<R extends AnswerResult | SummaryResult>(command: 'ask' | 'summarize', result: R): R {
    this.deps.onResult?.(command, result);
    return result;
  }

  private async answer(request: AskRequest): Promise<AnswerResult> {
    const started = performance.now();
    const notices: string[] = [];
    let question = request.question.trim();
    if (!question) throw new UserError(messages.emptyQuery);
    const max = this.deps.options.maxQuestionChars;
    if (question.length > max) {
      question = question.slice(0, max);
      notices.push(messages.questionClipped(max));
    }
    const { k, perArticle } = this.deps.options;
    const search = await this.deps.retriever.search(question, {
      k,
      perArticle,
      // The answer comes from the best few stories, read more deeply, rather than one passage of many.
      stories: Math.ceil(k / 2),
      filter: { collections: request.collections, ...(request.articleIds ? { articleIds: request.articleIds } : {}) },
      ...(request.asOf ? { asOf: request.asOf } : {}),
    });
    notices.push(...search.warnings);
    const time = timeInfo(search);
    if (time.window && search.passages.length > 0) notices.push(messages.windowUsed(time.window));
    const retrievalMs = performance.now() - started;
    const base = {
      question,
      passages: search.passages,
      model: null,
      usage: null,
      closest: [] as ArticleRef[],
      time,
    };
    const finish = (r: Omit<AnswerResult, 'timings' | 'question' | 'asOf' | 'time'> & { generationMs?: number }): AnswerResult => ({
      ...r,
      question,
      asOf: newest(r.citations),
      time,
      timings: { retrievalMs, generationMs: r.generationMs ?? 0, totalMs: performance.now() - started },
    });
    const notFound = (mode: AnswerResult['mode'], extra: Partial<AnswerResult> = {}) => {
      const closest = closestArticles(search.passages);
      this.deps.onUnanswered?.(question, request.collections, closest);
      return finish({
        ...base,
        kind: 'not_found',
        mode,
        text: messages.notInArticles,
        citations: [],
        notices,
        closest,
        ...extra,
      });
    };

    if (search.passages.length === 0) {
      const reason = this.emptyReason(search, request.collections);
      if (reason) notices.push(reason);
      return notFound(this.mode);
    }
    const analysis = analyzeQuestion(search.time.query);
    const weights = this.weightsFor(analysis);
    const bar = this.deps.llm ? MODEL_COVERAGE : EXTRACT_COVERAGE;
    if (!looksRelevant(analysis, weights, search.passages, this.deps.options.minSimilarity, bar)) return notFound(this.mode);

    const passages = packPassages(search.passages, this.deps.options.contextTokens);
    if (this.deps.llm) {
      const generationStarted = performance.now();
      const prompt = this.deps.prompts.render('answer', {
        question,
        passages: passages.map((p, i) => formatPassage(i + 1, p)).join('\n\n'),
        today: time.asOf,
        history: request.history ?? '',
      });
      const generated = await this.generate(prompt, MAX_ANSWER_TOKENS, request.onText);
      const generationMs = performance.now() - generationStarted;
      if (generated.ok) {
        const { result } = generated;
        const llmInfo = { model: result.model, usage: result.usage, generationMs };
        if (result.text.trim().startsWith(NOT_IN_ARTICLES)) return notFound('llm', { ...llmInfo, passages });
        const checked = this.check(result.text, result.finishReason === 'length', passages, notices);
        return finish({
          ...base,
          ...llmInfo,
          passages,
          kind: checked.sourced ? 'answer' : 'unsupported',
          mode: 'llm',
          text: checked.text,
          citations: checked.citations,
          notices: checked.notices,
        });
      }
      if (generated.reason) notices.push(generated.reason);
    }

    // "The latest on …" is answered from the newest story on the subject, which search put first.
    const newestStory = passages.filter((p) => p.articleId === passages[0]?.articleId);
    const fromNewest = time.recency === 'latest' ? bestSentences(analysis, search.time.query, weights, newestStory, MAX_EXTRACT_SENTENCES) : [];
    const sentences = fromNewest.length > 0 ? fromNewest : bestSentences(analysis, search.time.query, weights, passages, MAX_EXTRACT_SENTENCES);
    if (sentences.length === 0) return notFound('extractive');
    const { text, citations } = citeSentences(sentences, this.bodyOf);
    return finish({ ...base, passages, kind: 'answer', mode: 'extractive', text: text.join('\n'), citations, notices });
  }

  private async summarizeArticle(request: SummarizeRequest): Promise<SummaryResult> {
    const started = performance.now();
    const asOf = request.asOf ?? this.today();
    const article = resolveArticle(this.deps.library, request.article, request.collections);
    if (article.published && article.published.slice(0, 10) > asOf) {
      throw new UserError(messages.articleAfterAsOf(article.title, article.published, asOf));
    }
    const passages = this.deps.library.chunksOfArticle(article.collection, article.id).map(toPassage);
    const time: TimeInfo = { asOf, window: null, recency: 'recent' };
    const summary = new SummaryBuilder({ article: refOf(article), topic: null, length: request.length, passages, time }, started);
    summary.asOf = article.published;

    if (this.deps.llm) {
      const generated = await this.summarizeWithLlm(article, passages, request.length, asOf, request.onText);
      if (generated.ok) return summary.fromModel(this.check(generated.text, generated.truncated, passages, summary.notices), generated);
      if (generated.reason) summary.notices.push(generated.reason);
    }
    return summary.extract(citeSentences(keySentences(passages, request.length), this.bodyOf));
  }

  /**
   * Single prompt when the article fits the context budget; otherwise map-reduce: notes per
   * group of chunks (keeping the article-wide passage numbers), then one merged summary.
   */
  private async summarizeWithLlm(article: StoredArticle, passages: Passage[], length: SummaryLength, today: string, onText?: (d: string) => void) {
    const budget = this.deps.options.contextTokens;
    const formatted = passages.map((p, i) => formatPassage(i + 1, p));
    const groups: string[][] = [[]];
    let used = 0;
    for (const text of formatted) {
      const cost = countLlmTokens(text) + 1;
      if (used + cost > budget && (groups.at(-1) as string[]).length > 0) {
        groups.push([]);
        used = 0;
      }
      (groups.at(-1) as string[]).push(text);
      used += cost;
    }
    const header = {
      title: article.title,
      published: article.published?.slice(0, 10) ?? 'date not recorded',
      byline: article.byline ?? 'not credited',
      today,
    };
    if (groups.length === 1) {
      const prompt = this.deps.prompts.render('summarize', {
        ...header,
        length_instructions: LENGTH_INSTRUCTIONS[length],
        passages: formatted.join('\n\n'),
      });
      const generated = await this.generate(prompt, MAX_SUMMARY_TOKENS, onText);
      if (!generated.ok) return generated;
      const r = generated.result;
      return { ok: true as const, text: r.text, truncated: r.finishReason === 'length', model: r.model, usage: r.usage };
    }
    let usage: TokenUsage | null = null;
    const notes: string[] = [];
    for (const group of groups) {
      const prompt = this.deps.prompts.render('summarize', {
        ...header,
        length_instructions: LENGTH_INSTRUCTIONS.bullets,
        passages: group.join('\n\n'),
      });
      const generated = await this.generate(prompt, MAX_SUMMARY_TOKENS);
      if (!generated.ok) return generated;
      usage = addUsage(usage, generated.result.usage);
      notes.push(generated.result.text.trim());
    }
    const prompt = this.deps.prompts.render('summarize-reduce', {
      title: article.title,
      length_instructions: LENGTH_INSTRUCTIONS[length],
      notes: notes.join('\n\n'),
      today,
    });
    const generated = await this.generate(prompt, MAX_SUMMARY_TOKENS, onText);
    if (!generated.ok) return generated;
    const r = generated.result;
    return { ok: true as const, text: r.text, truncated: r.finishReason === 'length', model: r.model, usage: addUsage(usage, r.usage) };
  }

  private async storySoFar(request: TopicRequest): Promise<SummaryResult> {
    const started = performance.now();
    const topic = request.topic.trim().slice(0, this.deps.options.maxQuestionChars);
    if (!topic) throw new UserError(messages.emptyTopic);
    const search = await this.deps.retriever.search(topic, {
      k: TOPIC_STORIES * 2,
      perArticle: 2,
      stories: TOPIC_STORIES,
      filter: { collections: request.collections },
      ...(request.asOf ? { asOf: request.asOf } : {}),
    });
    const analysis = analyzeQuestion(search.time.query);
    const weights = this.weightsFor(analysis);
    const relevant = search.passages.filter((p) => looksRelevant(analysis, weights, [p], this.deps.options.minSimilarity, EXTRACT_COVERAGE));
    const byDate = (a: Passage, b: Passage) => (a.published ?? '').localeCompare(b.published ?? '') || a.start - b.start;
    const passages = packPassages(newestFirst(relevant), this.deps.options.contextTokens).sort(byDate);
    const time = timeInfo(search);
    const summary = new SummaryBuilder({ article: null, topic, length: request.length, passages, time }, started);
    summary.notices.push(...search.warnings);
    if (passages.length === 0) {
      const reason = search.passages.length === 0 ? this.emptyReason(search, request.collections) : null;
      if (reason) summary.notices.push(reason);
      return summary.notFound(this.mode, null);
    }
    const latest = passages.reduce<string | null>((max, p) => (p.published && (!max || p.published > max) ? p.published : max), null);
    if (latest) summary.notices.push(messages.topicAsOf(latest.slice(0, 10)));

    if (this.deps.llm) {
      const prompt = this.deps.prompts.render('topic', {
        query: topic,
        passages: passages.map((p, i) => formatPassage(i + 1, p)).join('\n\n'),
        length_instructions: LENGTH_INSTRUCTIONS[request.length],
        today: time.asOf,
      });
      const generated = await this.generate(prompt, MAX_SUMMARY_TOKENS, request.onText);
      if (generated.ok) {
        const r = generated.result;
        if (r.text.trim().startsWith(NOT_IN_ARTICLES)) return summary.notFound('llm', r);
        const checked = this.check(r.text, r.finishReason === 'length', passages, summary.notices);
        summary.asOf = newest(checked.citations);
        return summary.fromModel(checked, r);
      }
      if (generated.reason) summary.notices.push(generated.reason);
    }
    // The key sentence of each story, newest stories first when space is short, told in date order.
    const perStory = new Map<string, Passage[]>();
    for (const p of newestFirst(passages)) perStory.set(p.articleId, [...(perStory.get(p.articleId) ?? []), p]);
    const count = request.length === 'brief' ? 3 : 6;
    const sentences = [...perStory.values()]
      .slice(0, count)
      .flatMap((story) => bestSentences(analysis, search.time.query, weights, story, 1))
      .sort((a, b) => (a.passage.published ?? '').localeCompare(b.passage.published ?? '') || a.start - b.start);
    const extract = citeSentences(sentences, this.bodyOf);
    summary.asOf = newest(extract.citations);
    return summary.extract(extract);
  }

  /** Verifies a model's reply against the passages it was given (see citations.ts). */
  private check(reply: string, truncated: boolean, passages: readonly Passage[], notices: readonly string[]): CheckedText {
    const verified = verifyCitations(reply, passages, { truncated, bodyOf: this.bodyOf });
    return {
      sourced: verified.sourced,
      text: verified.text,
      citations: verified.citations,
      notices: this.notices(verified.sourced ? [...notices] : [...notices, messages.unsupported], verified),
    };
  }
}

interface CheckedText {
  sourced: boolean;
  text: string;
  citations: Citation[];
  notices: string[];
}

/** Assembles a SummaryResult the same way for every path (model, extract, nothing found). */
class SummaryBuilder {
  readonly notices: string[] = [];
  asOf: string | null = null;
  private readonly retrievalMs: number;

  constructor(
    private readonly base: Pick<SummaryResult, 'article' | 'topic' | 'length' | 'passages' | 'time'>,
    private readonly started: number,
  ) {
    this.retrievalMs = performance.now() - started;
  }

  private timings(generated: boolean) {
    const totalMs = performance.now() - this.started;
    return { retrievalMs: this.retrievalMs, generationMs: generated ? totalMs - this.retrievalMs : 0, totalMs };
  }

  fromModel(checked: CheckedText, reply: { model: string; usage: TokenUsage | null }): SummaryResult {
    return {
      ...this.base,
      kind: checked.sourced ? 'summary' : 'unsupported',
      mode: 'llm',
      text: checked.text,
      citations: checked.citations,
      notices: checked.notices,
      asOf: this.asOf,
      model: reply.model,
      usage: reply.usage,
      timings: this.timings(true),
    };
  }

  extract(extract: { text: string[]; citations: Citation[] }): SummaryResult {
    return {
      ...this.base,
      kind: 'summary',
      mode: 'extractive',
      text: this.base.length === 'bullets' ? extract.text.map((t) => `- ${t}`).join('\n') : extract.text.join(' '),
      citations: extract.citations,
      notices: this.notices,
      asOf: this.asOf,
      model: null,
      usage: null,
      timings: this.timings(false),
    };
  }

  notFound(mode: SummaryResult['mode'], reply: { model: string; usage: TokenUsage | null } | null): SummaryResult {
    return {
      ...this.base,
      kind: 'not_found',
      mode,
      text: messages.notInArticles,
      citations: [],
      notices: this.notices,
      asOf: null,
      model: reply?.model ?? null,
      usage: reply?.usage ?? null,
      timings: this.timings(reply !== null),
    };
  }
}

function timeInfo(search: SearchResult): TimeInfo {
  const { asOf, window, recency } = search.time;
  return { asOf, window: window ? { from: window.from, to: window.to, expression: window.expression } : null, recency };
}

/** Passages of the newest stories first (undated last), keeping their order within a story. */
function newestFirst(passages: readonly Passage[]): Passage[] {
  return [...passages].sort((a, b) => (b.published ?? '').localeCompare(a.published ?? ''));
}

/** The distinct articles of the nearest passages, to name when the answer is not there. */
function closestArticles(passages: readonly Passage[], max = 3): ArticleRef[] {
  const seen = new Set<string>();
  const refs: ArticleRef[] = [];
  for (const p of passages) {
    if (seen.has(p.articleId)) continue;
    seen.add(p.articleId);
    refs.push(refOf(p));
    if (refs.length >= max) break;
  }
  return refs;
}
