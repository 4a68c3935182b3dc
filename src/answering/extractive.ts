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
  /** Question weight held by the sentence itself, each word weighed by how specific it is within its story. */
  own: 1,
  /**
   * Within a story, question words its headline (and, for later sentences, its lede) already hold count
   * this much toward a sentence's own share: they say which story, not which detail was asked.
   */
  frame: 0.4,
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

/**
 * Weighted share of the question's names (and numbers) the sentence is about: named in `stems`, or (at
 * half weight) in the headline `title`, which names the story's subject; 1 when the question names none.
 */
function subjectCoverage(question: QuestionAnalysis, weights: StemWeights, stems: ReadonlySet<string>, title: ReadonlySet<string>): number {
  const names = question.terms.filter((t) => t.name);
  if (names.length === 0) return 1;
  let total = 0;
  let found = 0;
  for (const { stem } of names) {
    const weight = weights.get(stem) ?? 1;
    total += weight;
    if (hasStem(stems, stem)) found += weight;
    else if (hasStem(title, stem)) found += weight / 2;
  }
  return total === 0 ? 1 : found / total;
}

interface Candidate extends SentenceRef {
  own: Set<string>;
  /** Stems of the headline, and for every sentence but the lede, of the lede too: what the story has established. */
  frame: Set<string>;
  /** Stems of the headline, and of the sentence before when this one refers back to it. */
  context: Set<string>;
  /** Stems that may name the sentence's subject: its own, the one it refers back to, the headline for the lede. */
  subject: Set<string>;
  title: Set<string>;
  lede: boolean;
  storyRank: number;
}

/** The statements of the passages, once each (chunks overlap), with what scoring needs. */
function candidates(passages: readonly Passage[]): Candidate[] {
  const storyRank = new Map<string, number>();
  const seen = new Set<string>();
  const out: Candidate[] = [];
  const ledeStems = new Map<string, Set<string>>();
  for (const passage of passages) {
    if (!storyRank.has(passage.articleId)) storyRank.set(passage.articleId, storyRank.size);
    const titleStems = contentStems(passage.title);
    let previous: ReadonlySet<string> = new Set();
    let seenStatement = false;
    for (const sentence of sentencesOf(passage)) {
      const own = contentStems(sentence.text);
      const statement = isStatement(sentence.text);
      const lede = !seenStatement && passage.start === 0 && sentence.start < LEDE_CHARS && statement;
      seenStatement ||= statement;
      const before = previous;
      previous = own;
      const key = `${passage.collection}\u0000${passage.articleId}\u0000${sentence.start}`;
      if (!statement || seen.has(key)) continue;
      seen.add(key);
      const refersBack = REFERS_BACK.test(sentence.text);
      if (lede) ledeStems.set(passage.articleId, own);
      out.push({
        ...sentence,
        own,
        frame: new Set(titleStems),
        context: new Set([...titleStems, ...(refersBack ? before : [])]),
        subject: new Set([...own, ...(refersBack ? before : []), ...(lede ? titleStems : [])]),
        title: titleStems,
        lede,
        storyRank: storyRank.get(passage.articleId) ?? 0,
      });
    }
  }
  for (const c of out) if (!c.lede) for (const s of ledeStems.get(c.passage.articleId) ?? []) c.frame.add(s);
  return out;
}

/** The weights with every stem in `frame` scaled by `factor`. */
function discounted(weights: StemWeights, frame: ReadonlySet<string>, factor: number): StemWeights {
  return new Map([...weights].map(([s, weight]) => [s, hasStem(frame, s) ? weight * factor : weight]));
}

/**
 * The question's weights as they matter inside one story: a word the story repeats in many sentences
 * (its topic, already established by the headline and lede) tells its sentences apart less than a
 * word only a few of them hold (the detail asked about). Scaled by 1 / (1 + ln(sentences holding it)).
 */
function storyWeights(weights: StemWeights, sentences: readonly Candidate[]): StemWeights {
  const local = new Map<string, number>();
  for (const [s, weight] of weights) {
    const holding = sentences.filter((c) => hasStem(c.own, s)).length;
    local.set(s, weight / (1 + Math.log(Math.max(1, holding))));
  }
  return local;
}

const TYPED = new Set(['name', 'number', 'date', 'place']);

/** A candidate sentence with the parts of its score (see EXTRACT_WEIGHTS). */
export interface ScoredSentence extends SentenceRef {
  parts: { own: number; context: number; shape: number; subject: number; lede: boolean; storyRank: number };
}

/** Every statement of the passages that holds enough of the question, scored, best first. */
export function scoreSentences(
  question: QuestionAnalysis,
  questionText: string,
  weights: StemWeights,
  passages: readonly Passage[],
): ScoredSentence[] {
  if (weights.size === 0) return [];
  const w = EXTRACT_WEIGHTS;
  const wantsWords = asksForWords(questionText);
  const byStory = new Map<string, Candidate[]>();
  for (const c of candidates(passages)) byStory.set(c.passage.articleId, [...(byStory.get(c.passage.articleId) ?? []), c]);
  const scored: ScoredSentence[] = [];
  for (const story of byStory.values()) {
    const local = storyWeights(weights, story);
    for (const c of story) {
      const own = coverage(discounted(local, c.frame, w.frame), c.own);
      const context = new Set([...c.own, ...c.context]);
      const contextShare = coverage(weights, context);
      if (own === 0 || contextShare < w.sentenceCoverage) continue;
      // "What is the population of …" is answered only by a sentence that speaks of a population (see QuestionAnalysis.required).
      if (question.required.some((s) => !hasStem(context, s))) continue;
      const subject = subjectCoverage(question, weights, c.subject, c.title);
      const shape = wantsWords && question.type === 'other' ? (reportsSpeech(c.text) ? 1 : 0.2) : answerShapeScore(c.text, question, c.own);
      const score =
        (w.own * own + w.context * contextShare + w.shape * shape + (c.lede ? w.lede : 0) + w.storyRank / (c.storyRank + 1)) *
        (subject < w.subjectFloor ? 0.5 + subject : 1);
      scored.push({
        passage: c.passage,
        start: c.start,
        end: c.end,
        text: c.text,
        score,
        parts: { own, context: contextShare, shape, subject, lede: c.lede, storyRank: c.storyRank },
      });
    }
  }
  return scored.sort((a, b) => b.score - a.score);
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
  // "Who …?", "How many …?", "When …?", "Where …?" are answered only by a sentence holding a name, number, date or place.
  const scored = scoreSentences(question, questionText, weights, passages).filter((s) => !TYPED.has(question.type) || s.parts.shape > 0);
  const top = scored[0];
  if (!top) return [];
  const chosen: SentenceRef[] = [];
  for (const { parts: _parts, ...s } of scored) {
    if (chosen.length >= max || s.score < top.score * EXTRACT_WEIGHTS.runnerUp) break;
    if (chosen.some((c) => c.text === s.text)) continue;
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
      updated: s.passage.updated,
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
