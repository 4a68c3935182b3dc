import type { Passage } from '../retrieval/passage.ts';
import { defuseMarkers } from '../text/markers.ts';
import { splitSentences } from '../text/sentences.ts';
import { answerShapeScore, asksForWords, reportsSpeech } from './answer-shape.ts';
import type { QuestionAnalysis } from './question.ts';
import { contentStems, coverage, hasStem, type StemWeights } from './terms.ts';
import type { Citation } from './types.ts';

/** A sentence of a stored article, located in its body. */
export interface SentenceRef {
  passage: Passage;
  /** Offsets into the article body. */
  start: number;
  end: number;
  text: string;
  score: number;
}

/*
 * Extract mode picks the sentences that answer a question. Each candidate sentence is scored on:
 * how much of the question it holds itself, and read with its headline (and, when it opens with
 * "He", "The …", with the sentence before it, which names who or what it means); whether it holds the kind of answer
 * asked for (answer-shape.ts); whether it is about the question's named subject; and whether it is
 * the story's lede, where news puts its essentials. These weights say how much each counts.
 */
export const EXTRACT_WEIGHTS = {
  /** Question weight held by the sentence itself. */
  own: 1,
  /** Question weight held by the sentence with its headline and previous sentence. */
  context: 0.5,
  /** Holding an answer of the asked-for kind (0–1 from answerShapeScore). */
  shape: 0.45,
  /** Being the story's first sentence. */
  lede: 0.15,
  /** Coming from the best-ranked story (divided by the story's rank). */
  storyRank: 0.08,
  /** Below this share of the question's names, a sentence is about another subject: its score is scaled down. */
  subjectFloor: 0.35,
  /** Further sentences are quoted only when they score at least this share of the best one. */
  runnerUp: 0.8,
  /**
   * Least share of the question a sentence (with its context) must hold to be quoted. Lower than the
   * passage-level bar (relevance.ts), which has already decided that the story answers the question:
   * a single sentence rarely repeats all of it.
   */
  sentenceCoverage: 0.35,
} as const;

/** The lede is the first full sentence starting this close to the top of the body. */
const LEDE_CHARS = 600;

/** Sentences that read as statements: not headings, captions, fragments, nor questions. */
export function isStatement(text: string): boolean {
  return /[.!]["'”’)]*$/.test(text) && !/\?["'”’)]*\s*$/.test(text) && text.split(/\s+/).length >= 5;
}

/** The sentences of a passage, as offsets into the article body. */
export function sentencesOf(passage: Passage): SentenceRef[] {
  return splitSentences(passage.text).map((s) => ({
    passage,
    start: passage.start + s.start,
    end: passage.start + s.end,
    text: passage.text.slice(s.start, s.end),
    score: 0,
  }));
}

/** Sentences opening with a pronoun or "the …" refer back to the sentence before. */
const REFERS_BACK = /^["“]?(?:He|She|It|They|His|Her|Its|Their|The|This|That|These|Those|Both|Such)\b/;

/** Weighted share of the question's names (and numbers) that `stems` holds; 1 when it names none. */
function subjectCoverage(question: QuestionAnalysis, weights: StemWeights, stems: ReadonlySet<string>): number {
  const names = question.terms.filter((t) => t.name);
  if (names.length === 0) return 1;
  let total = 0;
  let found = 0;
  for (const { stem } of names) {
    const weight = weights.get(stem) ?? 1;
    total += weight;
    if (hasStem(stems, stem)) found += weight;
  }
  return total === 0 ? 1 : found / total;
}

/**
 * The sentences that best answer a question, quoted as they are: the best one, and up to `max - 1`
 * more that score nearly as well. Empty when no sentence holds enough of the question.
 */
export function bestSentences(
  question: QuestionAnalysis,
  questionText: string,
  weights: StemWeights,
  passages: readonly Passage[],
  max = 3,
): SentenceRef[] {
  if (weights.size === 0) return [];
  const w = EXTRACT_WEIGHTS;
  const storyRank = new Map<string, number>();
  for (const p of passages) if (!storyRank.has(p.articleId)) storyRank.set(p.articleId, storyRank.size);
  const wantsWords = asksForWords(questionText);
  const scored: SentenceRef[] = [];
  for (const passage of passages) {
    const titleStems = contentStems(passage.title);
    const sentences = sentencesOf(passage);
    let previous: ReadonlySet<string> = new Set();
    let seenStatement = false;
    for (const sentence of sentences) {
      const own = contentStems(sentence.text);
      const lede = !seenStatement && passage.start === 0 && sentence.start - passage.start < LEDE_CHARS && isStatement(sentence.text);
      if (isStatement(sentence.text)) seenStatement = true;
      const refersBack = REFERS_BACK.test(sentence.text);
      const context = new Set([...own, ...titleStems, ...(refersBack ? previous : [])]);
      const before = previous;
      previous = own;
      if (!isStatement(sentence.text)) continue;
      const ownShare = coverage(weights, own);
      const contextShare = coverage(weights, context);
      if (ownShare === 0 || contextShare < w.sentenceCoverage) continue;
      // "What is the population of …" is answered only by a sentence that speaks of a population.
      if (question.attribute !== null && !hasStem(context, question.attribute)) continue;
      // The subject may be named in the sentence, in the one it refers back to, or (for the lede) the headline.
      const subjectStems = new Set([...own, ...(refersBack ? before : []), ...(lede ? titleStems : [])]);
      const subject = subjectCoverage(question, weights, subjectStems);
      const shape = wantsWords && question.type === 'other' ? (reportsSpeech(sentence.text) ? 1 : 0.2) : answerShapeScore(sentence.text, question, own);
      const score =
        (w.own * ownShare + w.context * contextShare + w.shape * shape + (lede ? w.lede : 0) + w.storyRank / ((storyRank.get(passage.articleId) ?? 0) + 1)) *
        (subject < w.subjectFloor ? 0.5 + subject : 1);
      scored.push({ ...sentence, score });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  const top = scored[0];
  if (!top) return [];
  const chosen: SentenceRef[] = [];
  for (const s of scored) {
    if (chosen.length >= max || s.score < top.score * w.runnerUp) break;
    if (chosen.some((c) => c.text === s.text || (c.passage.articleId === s.passage.articleId && c.start === s.start))) continue;
    chosen.push(s);
  }
  return chosen;
}

/** Turns chosen sentences into numbered citations (verbatim: checked against the stored body). */
export function citeSentences(
  sentences: readonly SentenceRef[],
  bodyOf: (passage: Passage) => string | undefined,
): { text: string[]; citations: Citation[] } {
  const citations: Citation[] = [];
  const text: string[] = [];
  for (const s of sentences) {
    const body = bodyOf(s.passage);
    if (body === undefined || body.slice(s.start, s.end) !== s.text) continue;
    const number = citations.length + 1;
    citations.push({
      number,
      articleId: s.passage.articleId,
      collection: s.passage.collection,
      title: s.passage.title,
      url: s.passage.url,
      published: s.passage.published,
      byline: s.passage.byline,
      chunkId: s.passage.chunkId,
      excerpt: s.text,
      start: s.start,
      end: s.end,
    });
    text.push(`${defuseMarkers(s.text)} [${number}]`);
  }
  return { text, citations };
}
