import { UserError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { messages } from '../messages/answers.ts';
import type { Passage } from '../retrieval/passage.ts';
import type { SearchResult } from '../retrieval/search.ts';
import { bodyFrom, citeSentences, type BodyOf } from './cite.ts';
import { verifyReply } from './verify.ts';
import { bestSentences } from './extractive.ts';
import { generate, MAX_ANSWER_TOKENS, saysNotInArticles } from './model.ts';
import { numberedPassages, packPassages } from './prompt-passages.ts';
import { looksRelevant, readQuestion, type QuestionReading } from './relevance.ts';
import { answerResult, articleRef, notFound, Stopwatch, type Outcome } from './result.ts';
import { emptyReason, timeInfo } from './time.ts';
import { withoutInstructions } from './untrusted.ts';
import { cpuTurn } from '../threads/cpu-turns.ts';
import type { AnswererDeps, AnswerResult, ArticleRef, AskRequest } from './types.ts';
import { RELEVANCE } from './weights.ts';

/*
 * Answering a question, step by step:
 *   retrieve → judge relevance → generate (model) or extract → verify citations → build result.
 */

/** Sentences an extract-mode answer quotes at most. */
const MAX_EXTRACT_SENTENCES = 3;
/** Articles named as the closest when the answer is not there. */
const CLOSEST_ARTICLES = 3;

export async function answerQuestion(deps: AnswererDeps, request: AskRequest): Promise<AnswerResult> {
  const stopwatch = new Stopwatch();
  const { question, notices } = clipQuestion(request.question, deps.options.maxQuestionChars);
  await cpuTurn();
  const found = await retrieve(deps, question, request);
  const screened = withoutInstructions(deps.library.catalog, found.passages);
  const search = { ...found, passages: screened.passages };
  notices.push(...searchNotices(search), ...(screened.withheld > 0 ? [messages.instructionsWithheld(screened.withheld)] : []));
  stopwatch.retrieved();
  await cpuTurn();
  const outcome = await findAnswer(deps, request, question, search, notices);
  const closest = outcome.kind === 'not_found' ? closestArticles(search.passages) : [];
  if (outcome.kind === 'not_found') deps.onUnanswered?.(question, request.collections, closest);
  return answerResult(outcome, { question, closest, time: timeInfo(search) }, stopwatch);
}

/** Judges whether the passages found can answer, then has the model answer from them, or quotes them. */
async function findAnswer(
  deps: AnswererDeps,
  request: AskRequest,
  question: string,
  search: SearchResult,
  notices: string[],
): Promise<Outcome> {
  // Judge relevance: nothing found, or nothing that holds enough of the question, is not found.
  const mode = deps.llm ? 'llm' : 'extractive';
  if (search.passages.length === 0) {
    const reason = emptyReason(search, deps.library.catalog, request.collections);
    return notFound(mode, search.passages, reason ? [...notices, reason] : notices);
  }
  const reading = readQuestion(search.time.query, deps.library.catalog);
  const bar = deps.llm ? RELEVANCE.modelBar : RELEVANCE.extractBar;
  if (!looksRelevant(reading, search.passages, deps.options.minSimilarity, bar)) return notFound(mode, search.passages, notices);

  const passages = packPassages(search.passages, deps.options.contextTokens);
  const bodyOf = bodyFrom(deps.library.catalog);
  // Generate, then verify the model's citations; extract when there is no model or it fails.
  if (deps.llm) {
    const prompt = deps.prompts.render('answer', {
      question,
      passages: numberedPassages(passages),
      today: search.time.asOf,
      history: request.history ?? '',
    });
    const generated = await generate(deps.llm, deps.logger ?? silentLogger, {
      messages: prompt,
      maxTokens: MAX_ANSWER_TOKENS,
      onText: request.onText,
    });
    if (generated.ok) {
      const { reply } = generated;
      await cpuTurn();
      return saysNotInArticles(reply) ? notFound('llm', passages, notices, reply) : verifyReply(reply, passages, notices, bodyOf);
    }
    notices.push(generated.reason);
  }
  return extractAnswer(reading, search, passages, notices, bodyOf);
}

/** The question to answer, clipped to `max` characters with a notice saying so. */
function clipQuestion(text: string, max: number): { question: string; notices: string[] } {
  const question = text.trim();
  if (!question) throw new UserError(messages.emptyQuery);
  if (question.length <= max) return { question, notices: [] };
  return { question: question.slice(0, max), notices: [messages.questionClipped(max)] };
}

function retrieve(deps: AnswererDeps, question: string, request: AskRequest): Promise<SearchResult> {
  const { k, perArticle } = deps.options;
  return deps.retriever.search(question, {
    k,
    perArticle,
    // The answer comes from the best few stories, read more deeply, rather than one passage of many.
    stories: Math.ceil(k / 2),
    filter: { collections: request.collections, ...(request.articleIds ? { articleIds: request.articleIds } : {}) },
    ...(request.asOf ? { asOf: request.asOf } : {}),
  });
}

/** What the search tells the reader: its warnings, and the dates its time words were read as. */
function searchNotices(search: SearchResult): string[] {
  const { window } = timeInfo(search);
  return [...search.warnings, ...(window && search.passages.length > 0 ? [messages.windowUsed(window)] : [])];
}

/** Extract mode: the sentences that best answer the question, quoted as they are. */
function extractAnswer(reading: QuestionReading, search: SearchResult, passages: Passage[], notices: string[], bodyOf: BodyOf): Outcome {
  // "The latest on …" is answered from the newest story on the subject, which search put first.
  const newestStory = passages.filter((p) => p.articleId === passages[0]?.articleId);
  const fromNewest = search.time.recency === 'latest' ? bestSentences(reading, newestStory, MAX_EXTRACT_SENTENCES) : [];
  const sentences = fromNewest.length > 0 ? fromNewest : bestSentences(reading, passages, MAX_EXTRACT_SENTENCES);
  if (sentences.length === 0) return notFound('extractive', search.passages, notices);
  const { text, citations } = citeSentences(sentences, bodyOf);
  return { kind: 'grounded', mode: 'extractive', text: text.join('\n'), citations, passages, notices, reply: null };
}

/** The distinct articles of the nearest passages, to name when the answer is not there. */
function closestArticles(passages: readonly Passage[]): ArticleRef[] {
  const seen = new Set<string>();
  const refs: ArticleRef[] = [];
  for (const p of passages) {
    if (seen.has(p.articleId)) continue;
    seen.add(p.articleId);
    refs.push(articleRef(p));
    if (refs.length >= CLOSEST_ARTICLES) break;
  }
  return refs;
}
