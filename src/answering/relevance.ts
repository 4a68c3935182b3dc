import type { Passage } from '../retrieval/passage.ts';
import type { QuestionAnalysis } from './question.ts';
import { contentStems, coverage, hasStem, type StemWeights } from './terms.ts';

/**
 * Share of a question's weighted words that one passage (with its headline) must hold for extract mode
 * to answer from it.
 */
export const EXTRACT_COVERAGE = 0.5;

/**
 * Before calling a model the bar is lower: the model judges paraphrase far better than word overlap
 * and says NOT_IN_ARTICLES itself; only questions nothing in the archive touches stop here.
 */
export const MODEL_COVERAGE = 0.3;

/**
 * A word that occurs in the archive weighs its inverse document frequency (BM25's), never less than
 * this: in a small archive a story's own subject occurs in every passage, yet still matters.
 */
const MIN_PRESENT_WEIGHT = 0.5;

/**
 * A word the archive never uses weighs this share of the typical weight of the question's other
 * words: "urge" or "currently" missing from a small archive says little (the article may say
 * "called on", "now"), so absent ordinary words must not decide.
 */
const ABSENT_WORD_SHARE = 0.5;

/**
 * A name (or number) the archive never mentions, or the very thing the question asks about ("the
 * population of …"), weighs this multiple of the heaviest word present: a question about "Australia"
 * or "the Mona Lisa" over an archive that never names them is not answered by it, however many of its
 * other words match.
 */
const ABSENT_NAME_FACTOR = 1.5;

/** BM25's inverse document frequency: rare words weigh more than words in every passage. */
function idf(documentFrequency: number, total: number): number {
  return Math.log(1 + (total - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * How much each of a question's words matters, by stem: present words by how rare they are in the
 * archive, absent names heavily, absent ordinary words lightly (see the constants above).
 * `documentFrequency` counts the passages holding each word, stemmed as the keyword index stems.
 */
export function weighQuestion(
  question: QuestionAnalysis,
  documentFrequency: (words: string[]) => Map<string, number>,
  totalPassages: number,
): StemWeights {
  const df = documentFrequency(question.terms.map((t) => t.word));
  const present = question.terms
    .filter((t) => (df.get(t.word) ?? 0) > 0)
    .map((t) => Math.max(MIN_PRESENT_WEIGHT, idf(df.get(t.word) ?? 0, totalPassages)));
  const typical = present.length > 0 ? median(present) : 1;
  const heaviest = present.length > 0 ? Math.max(...present) : 1;
  const weights = new Map<string, number>();
  for (const term of question.terms) {
    const n = df.get(term.word) ?? 0;
    const weight =
      n > 0
        ? Math.max(MIN_PRESENT_WEIGHT, idf(n, totalPassages))
        : term.name || question.required.includes(term.stem)
          ? ABSENT_NAME_FACTOR * heaviest
          : ABSENT_WORD_SHARE * typical;
    weights.set(term.stem, Math.max(weights.get(term.stem) ?? 0, weight));
  }
  return weights;
}

/**
 * Weighted share of the question that one passage, read with its headline, holds; 0 when the question
 * asks for something ("the population of …", "the first president") the passage never mentions.
 */
export function passageCoverage(question: QuestionAnalysis, weights: StemWeights, passage: Pick<Passage, 'title' | 'text'>): number {
  const stems = contentStems(`${passage.title} ${passage.text}`);
  if (question.required.some((s) => !hasStem(stems, s))) return 0;
  return coverage(weights, stems);
}

/**
 * Whether the passages plausibly hold an answer: one of them (with its headline) holds at least
 * `bar` of the question's weight, or the embedding model finds one close enough.
 */
export function looksRelevant(
  question: QuestionAnalysis,
  weights: StemWeights,
  passages: readonly Passage[],
  minSimilarity: number | null,
  bar: number,
): boolean {
  return passages.some(
    (p) => (minSimilarity !== null && p.similarity !== null && p.similarity >= minSimilarity) || passageCoverage(question, weights, p) >= bar,
  );
}
