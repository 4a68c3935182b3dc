import type { Passage } from '../retrieval/passage.ts';
import type { CatalogReader } from '../store/reader.ts';
import { asksForWords } from './answer-shape.ts';
import { analyzeQuestion, type QuestionAnalysis } from './question.ts';
import { contentStems, coverage, hasStem, type StemWeights } from './terms.ts';
import { RELEVANCE } from './weights.ts';

/** A question read for scoring: what it asks for, and how much each of its words matters in this archive. */
export interface QuestionReading {
  /** The question as searched (its time words taken out). */
  text: string;
  analysis: QuestionAnalysis;
  weights: StemWeights;
}

/** BM25's inverse document frequency: rare words weigh more than words in every passage. */
function idf(documentFrequency: number, total: number): number {
  return Math.log(1 + (total - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

type ArchiveCounts = Pick<CatalogReader, 'documentFrequencies' | 'chunkCount'>;

/**
 * How much each of a question's words matters, by stem: present words by how rare they are in the
 * archive, absent names heavily, absent ordinary words lightly (see RELEVANCE). The library counts the
 * passages holding each word, stemmed as the keyword index stems.
 */
function weighQuestion(question: QuestionAnalysis, library: ArchiveCounts): StemWeights {
  const { minPresentWeight, absentNameFactor, absentWordShare } = RELEVANCE;
  const totalPassages = library.chunkCount();
  const df = library.documentFrequencies(question.terms.map((t) => t.word));
  const present = question.terms
    .filter((t) => (df.get(t.word) ?? 0) > 0)
    .map((t) => Math.max(minPresentWeight, idf(df.get(t.word) ?? 0, totalPassages)));
  const typical = present.length > 0 ? median(present) : 1;
  const heaviest = present.length > 0 ? Math.max(...present) : 1;
  const weights = new Map<string, number>();
  for (const term of question.terms) {
    const n = df.get(term.word) ?? 0;
    const weight =
      n > 0
        ? Math.max(minPresentWeight, idf(n, totalPassages))
        : term.name || question.required.includes(term.stem)
          ? absentNameFactor * heaviest
          : absentWordShare * typical;
    weights.set(term.stem, Math.max(weights.get(term.stem) ?? 0, weight));
  }
  return weights;
}

/** Reads a question (as searched) for scoring against this archive. */
export function readQuestion(text: string, library: ArchiveCounts): QuestionReading {
  const analysis = analyzeQuestion(text);
  return { text, analysis, weights: weighQuestion(analysis, library) };
}

/**
 * Weighted share of the question that one passage, read with its headline, holds; 0 when the question
 * asks for something ("the population of …", "the first president") the passage never mentions.
 */
function passageCoverage({ analysis, weights }: QuestionReading, passage: Pick<Passage, 'title' | 'text'>): number {
  const stems = contentStems(`${passage.title} ${passage.text}`);
  if (analysis.required.some((s) => !hasStem(stems, s))) return 0;
  return coverage(weights, stems);
}

/**
 * Whether the passages share with the question a single word, an ordinary one (no name or number),
 * that tells nothing about its subject: the question's other words outweigh it, and it is common in
 * the archive (RELEVANCE.commonWordIdf) or the question names something none of the passages mention.
 * "What is the capital of Australia?" over a story on "the Turkish capital Ankara" shares "capital".
 */
export function sharesOnlyACommonWord(
  { analysis, weights }: QuestionReading,
  passages: readonly Pick<Passage, 'title' | 'text'>[],
): boolean {
  const held = passages.map((p) => contentStems(`${p.title} ${p.text}`));
  const matched = analysis.terms.filter((t) => held.some((stems) => hasStem(stems, t.stem)));
  const stems = new Set(matched.map((t) => t.stem));
  const [only] = matched;
  if (stems.size !== 1 || !only || matched.some((t) => t.name)) return false;
  // "Say", "tell", "warn" are answered by reported speech ("said", a quote), not by the word itself.
  const unmatched = analysis.terms.filter((t) => !stems.has(t.stem) && !asksForWords(t.word));
  const weight = weights.get(only.stem) ?? 0;
  const asked = new Map([...weights].filter(([s]) => stems.has(s) || unmatched.some((t) => t.stem === s)));
  if (unmatched.length === 0 || coverage(asked, stems) > 0.5) return false;
  const namesMissing = unmatched.some((t) => t.name) || analysis.required.some((s) => !stems.has(s));
  return namesMissing || weight < RELEVANCE.commonWordIdf;
}

/**
 * Whether the passages plausibly hold an answer: one of them (with its headline) holds at least
 * `bar` of the question's weight (RELEVANCE), or the embedding model finds one close enough; never
 * when all they share with the question is one common word (sharesOnlyACommonWord).
 */
export function looksRelevant(question: QuestionReading, passages: readonly Passage[], minSimilarity: number | null, bar: number): boolean {
  if (sharesOnlyACommonWord(question, passages)) return false;
  return passages.some(
    (p) => (minSimilarity !== null && p.similarity !== null && p.similarity >= minSimilarity) || passageCoverage(question, p) >= bar,
  );
}
