import type { Passage } from '../retrieval/passage.ts';
import { splitSentences, type Span } from '../text/sentences.ts';
import { contentStems, coverage, stem, type StemWeights } from './terms.ts';
import type { Citation, SummaryLength } from './types.ts';
import { queryTerms } from '../retrieval/keyword-query.ts';

/** A question is answerable from a text when at least this share of its meaningful words occur there. */
export const MIN_TERM_COVERAGE = 0.5;

/**
 * Before calling a model the bar is lower: the model judges paraphrase far better than word
 * overlap and says NOT_IN_ARTICLES itself; only questions nothing in the archive touches stop here.
 */
export const MIN_TERM_COVERAGE_FOR_MODEL = 0.3;

/** Sentences starting this close to the top of an article count as its lead. */
const LEAD_CHARS = 400;

/** A sentence of a stored article, located in its body. */
export interface SentenceRef {
  passage: Passage;
  /** Offsets into the article body. */
  start: number;
  end: number;
  text: string;
  score: number;
}

function sentencesOf(passage: Passage): SentenceRef[] {
  return splitSentences(passage.text).map((s: Span) => ({
    passage,
    start: passage.start + s.start,
    end: passage.start + s.end,
    text: passage.text.slice(s.start, s.end),
    score: 0,
  }));
}

/**
 * Whether the passages plausibly hold an answer: enough of the question's words occur in one
 * passage (with its headline), or the embedding model finds one close enough.
 */
export function looksRelevant(
  question: string,
  passages: readonly Passage[],
  minSimilarity: number | null,
  weights?: StemWeights,
  minCoverage = MIN_TERM_COVERAGE,
): boolean {
  const wanted = weights ?? contentStems(question);
  return passages.some((p) => {
    if (minSimilarity !== null && p.similarity !== null && p.similarity >= minSimilarity) return true;
    const have = contentStems(`${p.title} ${p.text}`);
    return coverage(wanted, have) >= minCoverage;
  });
}

/**
 * The sentences that best answer a question, quoted as they are: up to three, each scoring at
 * least MIN_TERM_COVERAGE (counting the headline as context). Empty when none does.
 */
export function bestSentences(question: string, passages: readonly Passage[], max = 3, weights?: StemWeights): SentenceRef[] {
  const wanted = weights ?? contentStems(question);
  if (wanted.size === 0) return [];
  const dates = passages.map((p) => p.published ?? '').sort();
  const scored: SentenceRef[] = [];
  passages.forEach((passage, rank) => {
    const titleStems = contentStems(passage.title);
    // Ties go to the better-ranked passage, then to the newer article (news ages).
    const recency = dates.length > 1 ? dates.indexOf(passage.published ?? '') / (dates.length - 1) : 0;
    // The headline already says what the story is about; the sentence must add what was asked.
    const beyondTitle = restrict(wanted, (stem) => !titleStems.has(stem));
    for (const sentence of sentencesOf(passage)) {
      const own = contentStems(sentence.text);
      const withTitle = new Set([...own, ...titleStems]);
      // News puts the essentials first; fragments ("I'm glad it's open.") make poor answers.
      const lead = sentence.start < LEAD_CHARS ? 0.1 : 0;
      const brevity = sentence.text.split(/\s+/).length < 8 ? 0.6 : 1;
      const score =
        brevity * (coverage(beyondTitle, own) + 0.5 * coverage(wanted, withTitle)) + lead + 0.05 / (rank + 1) + 0.04 * recency;
      if (coverage(wanted, withTitle) >= MIN_TERM_COVERAGE && coverage(wanted, own) > 0) scored.push({ ...sentence, score });
    }
  });
  scored.sort((a, b) => b.score - a.score);
  const top = scored[0];
  if (!top) return [];
  const chosen: SentenceRef[] = [];
  for (const s of scored) {
    if (chosen.length >= max || s.score < top.score * 0.7) break;
    if (chosen.some((c) => c.passage.articleId === s.passage.articleId && Math.abs(c.start - s.start) < 2)) continue;
    if (chosen.some((c) => c.text === s.text)) continue;
    chosen.push(s);
  }
  return chosen;
}

/** The wanted stems that pass `keep`; all of them when none would. */
function restrict(wanted: ReadonlySet<string> | StemWeights, keep: (stem: string) => boolean): ReadonlySet<string> | StemWeights {
  if (wanted instanceof Map) {
    const kept = new Map([...wanted].filter(([stem]) => keep(stem)));
    return kept.size > 0 ? kept : wanted;
  }
  const kept = new Set([...(wanted as ReadonlySet<string>)].filter(keep));
  return kept.size > 0 ? kept : wanted;
}

const LENGTH_SENTENCES: Record<SummaryLength, number> = { brief: 3, standard: 5, bullets: 5 };

function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem)) {
    if (term.length > 2) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    dot += v * (b.get(k) ?? 0);
  }
  for (const v of b.values()) nb += v * v;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** Sentences that read as statements (not headings, captions or fragments). */
function isStatement(text: string): boolean {
  return /[.!?]["'”’)]*$/.test(text) && text.split(/\s+/).length >= 6;
}

/**
 * Key sentences of one article, in article order: central to the whole text (term overlap with
 * the article) with a bonus for the lead, as news puts the essentials first.
 */
export function keySentences(passages: readonly Passage[], length: SummaryLength, focus?: string): SentenceRef[] {
  const all = passages.flatMap(sentencesOf).filter((s) => isStatement(s.text));
  if (all.length === 0) return [];
  const whole = termFrequencies(passages.map((p) => p.text).join(' '));
  const focusStems = focus ? new Set(queryTerms(focus).map(stem)) : null;
  const scored = all.map((s, i) => {
    const lead = i < 3 ? 0.25 - i * 0.05 : 0;
    const topical = focusStems ? coverage(focusStems, contentStems(s.text)) * 0.5 : 0;
    return { ...s, score: cosine(termFrequencies(s.text), whole) + lead + topical };
  });
  const chosen: SentenceRef[] = [];
  for (const s of [...scored].sort((a, b) => b.score - a.score)) {
    if (chosen.length >= LENGTH_SENTENCES[length]) break;
    if (chosen.some((c) => cosine(termFrequencies(c.text), termFrequencies(s.text)) > 0.8)) continue;
    chosen.push(s);
  }
  return chosen.sort((a, b) => a.passage.articleId.localeCompare(b.passage.articleId) || a.start - b.start);
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
    text.push(`${s.text} [${number}]`);
  }
  return { text, citations };
}
