import { UserError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { messages } from '../messages/answers.ts';
import type { Passage } from '../retrieval/passage.ts';
import type { SearchResult } from '../retrieval/search.ts';
import { bodyFrom, citeSentences, type BodyOf } from './cite.ts';
import { verifyReply } from './verify.ts';
import { bestSentences } from './extractive.ts';
import { generate, LENGTH_INSTRUCTIONS, MAX_SUMMARY_TOKENS, saysNotInArticles } from './model.ts';
import { numberedPassages, packPassages } from './prompt-passages.ts';
import { looksRelevant, readQuestion, type QuestionReading } from './relevance.ts';
import { notFound, Stopwatch, summaryResult, type Outcome } from './result.ts';
import { extractSummaryText } from './summary-sentences.ts';
import { emptyReason, newestPublished, timeInfo } from './time.ts';
import type { AnswererDeps, SummaryLength, SummaryResult, TopicRequest } from './types.ts';
import { RELEVANCE } from './weights.ts';
import { withoutInstructions } from './untrusted.ts';
import { cpuTurn } from '../threads/cpu-turns.ts';

/*
 * "The story so far" on a topic: passages across the stories on it, in date order, always including
 * the newest relevant story, and saying as of when. Step by step:
 *   retrieve → judge relevance (passage by passage) → generate (model) or extract → verify citations → build result.
 */

/** Stories a topic summary draws on. */
const TOPIC_STORIES = 6;
/** Stories an extract-mode topic summary quotes, one key sentence each. */
const EXTRACT_STORIES: Record<SummaryLength, number> = { brief: 3, standard: 6, bullets: 6 };

export async function summarizeTopic(deps: AnswererDeps, request: TopicRequest): Promise<SummaryResult> {
  const stopwatch = new Stopwatch();
  const topic = request.topic.trim().slice(0, deps.options.maxQuestionChars);
  if (!topic) throw new UserError(messages.emptyTopic);
  await cpuTurn();
  const search = await deps.retriever.search(topic, {
    k: TOPIC_STORIES * 2,
    perArticle: 2,
    stories: TOPIC_STORIES,
    filter: { collections: request.collections },
    ...(request.asOf ? { asOf: request.asOf } : {}),
  });
  const reading = readQuestion(search.time.query, deps.library.catalog);
  const screened = withoutInstructions(deps.library.catalog, search.passages);
  const passages = relevantInDateOrder(deps, reading, screened.passages);
  stopwatch.retrieved();
  const outcome = await tellStory(deps, request, topic, reading, search, passages);
  if (screened.withheld > 0) outcome.notices.push(messages.instructionsWithheld(screened.withheld));
  return summaryResult(outcome, { article: null, topic, length: request.length, time: timeInfo(search) }, stopwatch);
}

/** The passages that each hold enough of the topic, the newest stories kept first within the budget, in date order. */
function relevantInDateOrder(deps: AnswererDeps, reading: QuestionReading, found: readonly Passage[]): Passage[] {
  const relevant = found.filter((p) => looksRelevant(reading, [p], deps.options.minSimilarity, RELEVANCE.extractBar));
  const byDate = (a: Passage, b: Passage) => (a.published ?? '').localeCompare(b.published ?? '') || a.start - b.start;
  return packPassages(newestFirst(relevant), deps.options.contextTokens).sort(byDate);
}

/** The model's checked summary of the passages, or their key sentences when there is no model or it fails. */
async function tellStory(
  deps: AnswererDeps,
  request: TopicRequest,
  topic: string,
  reading: QuestionReading,
  search: SearchResult,
  passages: Passage[],
): Promise<Outcome> {
  const notices = [...search.warnings];
  if (passages.length === 0) {
    const reason = search.passages.length === 0 ? emptyReason(search, deps.library.catalog, request.collections) : null;
    return notFound(deps.llm ? 'llm' : 'extractive', passages, reason ? [...notices, reason] : notices);
  }
  const latest = newestPublished(passages);
  if (latest) notices.push(messages.topicAsOf(latest.slice(0, 10)));
  const bodyOf = bodyFrom(deps.library.catalog);
  // Generate, then verify the model's citations; extract when there is no model or it fails.
  if (deps.llm) {
    const prompt = deps.prompts.render('topic', {
      query: topic,
      passages: numberedPassages(passages),
      length_instructions: LENGTH_INSTRUCTIONS[request.length],
      today: search.time.asOf,
    });
    const generated = await generate(deps.llm, deps.logger ?? silentLogger, {
      messages: prompt,
      maxTokens: MAX_SUMMARY_TOKENS,
      onText: request.onText,
    });
    if (generated.ok) {
      const { reply } = generated;
      await cpuTurn();
      return saysNotInArticles(reply) ? notFound('llm', passages, notices, reply) : verifyReply(reply, passages, notices, bodyOf);
    }
    notices.push(generated.reason);
  }
  return extractStory(reading, passages, request.length, notices, bodyOf);
}

/** Extract mode: the key sentence of each story, newest stories first when space is short, told in date order. */
function extractStory(
  reading: QuestionReading,
  passages: readonly Passage[],
  length: SummaryLength,
  notices: string[],
  bodyOf: BodyOf,
): Outcome {
  const perStory = new Map<string, Passage[]>();
  for (const p of newestFirst(passages)) perStory.set(p.articleId, [...(perStory.get(p.articleId) ?? []), p]);
  const sentences = [...perStory.values()]
    .slice(0, EXTRACT_STORIES[length])
    .flatMap((story) => bestSentences(reading, story, 1))
    .sort((a, b) => (a.passage.published ?? '').localeCompare(b.passage.published ?? '') || a.start - b.start);
  const { text, citations } = citeSentences(sentences, bodyOf);
  return {
    kind: 'grounded',
    mode: 'extractive',
    text: extractSummaryText(text, length),
    citations,
    passages: [...passages],
    notices,
    reply: null,
  };
}

/** Passages of the newest stories first (undated last), keeping their order within a story. */
function newestFirst(passages: readonly Passage[]): Passage[] {
  return [...passages].sort((a, b) => (b.published ?? '').localeCompare(a.published ?? ''));
}
