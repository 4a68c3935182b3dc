import { queryTerms } from '../retrieval/keyword-query.ts';

/** A crude English stemmer: enough to match "closure"/"closed"/"closing" on a shared stem. */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/['’]s$/, '');
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'ures', 'ure', 'ies', 'ied', 'es', 'ed', 'ly', 's', 'e']) {
    if (w.length - suffix.length >= 4 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w;
}

/** The stems of a text's meaningful words (stopwords dropped). */
export function contentStems(text: string): Set<string> {
  return new Set(queryTerms(text).map(stem));
}

/**
 * How much each stem of a question matters: rare words in the library (a name, "population")
 * weigh more than words in every article (the city's name). Inverse document frequency.
 */
export type StemWeights = ReadonlyMap<string, number>;

export function stemWeights(question: string, documentFrequency: (terms: string[]) => Map<string, number>, totalChunks: number): StemWeights {
  const terms = queryTerms(question);
  const df = documentFrequency(terms);
  const weights = new Map<string, number>();
  for (const term of terms) {
    const weight = Math.log(1 + (totalChunks + 1) / ((df.get(term) ?? 0) + 1));
    const s = stem(term);
    weights.set(s, Math.max(weights.get(s) ?? 0, weight));
  }
  return weights;
}

/** Weighted share of the wanted stems that occur in `have` (0 when nothing is wanted). */
export function coverage(wanted: ReadonlySet<string> | StemWeights, have: ReadonlySet<string>): number {
  let total = 0;
  let found = 0;
  const entries: Iterable<[string, number]> =
    wanted instanceof Map ? wanted.entries() : [...(wanted as ReadonlySet<string>)].map((s): [string, number] => [s, 1]);
  for (const [s, weight] of entries) {
    total += weight;
    // "open" is answered by "reopened", "build" by "rebuilt": news reports the re- verbs.
    if (have.has(s) || have.has(`re${s}`)) found += weight;
  }
  return total === 0 ? 0 : found / total;
}
