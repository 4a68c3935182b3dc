import { seededRandom } from './vectors.ts';

/**
 * Synthetic chunk and query text with the statistics BM25 cares about: word frequencies follow
 * Zipf's law over a large vocabulary (a few words in every chunk, most words rare), and each
 * cluster of the vector space has its own topic words, so keyword and dense search broadly agree
 * the way they do on real news. The most frequent ranks play the part of stopwords: queries never
 * use them, chunks are full of them.
 */

const CONSONANTS = 'bcdfghklmnprstvz';
const VOWELS = 'aeiou';
const SYLLABLES = [...CONSONANTS].flatMap((c) => [...VOWELS].map((v) => c + v));

/** The word of a given frequency rank: a unique pronounceable string of two or more syllables. */
export function wordOfRank(rank: number): string {
  let n = rank + SYLLABLES.length;
  let word = '';
  while (n > 0) {
    word = (SYLLABLES[n % SYLLABLES.length] as string) + word;
    n = Math.floor(n / SYLLABLES.length);
  }
  return word;
}

export interface WordsOptions {
  vocabulary: number;
  /** Zipf exponent; ≈ 1 for English. */
  exponent: number;
  /** Topic words per cluster. */
  topicWords: number;
  /** Share of a chunk's words taken from its cluster's topic words. */
  topicShare: number;
  /** Ranks below this act as stopwords: never in queries or topics. */
  commonRanks: number;
  seed: number;
}

export const DEFAULT_WORDS: WordsOptions = {
  vocabulary: 50_000,
  exponent: 1.0,
  topicWords: 24,
  topicShare: 0.12,
  commonRanks: 100,
  seed: 7,
};

export class SyntheticWords {
  private readonly words: string[];
  private readonly cdf: Float64Array;
  private readonly topics: Int32Array;

  readonly clusters: number;
  readonly options: WordsOptions;

  constructor(clusters: number, options: WordsOptions = DEFAULT_WORDS) {
    this.clusters = clusters;
    this.options = options;
    const { vocabulary, exponent, topicWords, commonRanks, seed } = options;
    this.words = Array.from({ length: vocabulary }, (_, rank) => wordOfRank(rank));
    this.cdf = new Float64Array(vocabulary);
    let total = 0;
    for (let r = 0; r < vocabulary; r++) {
      total += 1 / Math.pow(r + 1, exponent);
      this.cdf[r] = total;
    }
    for (let r = 0; r < vocabulary; r++) this.cdf[r] = (this.cdf[r] as number) / total;
    const random = seededRandom(seed);
    this.topics = new Int32Array(clusters * topicWords);
    for (let i = 0; i < this.topics.length; i++) {
      this.topics[i] = commonRanks + Math.floor(random() * (vocabulary - commonRanks));
    }
  }

  private zipfRank(random: () => number): number {
    const u = random();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private topicWord(cluster: number, random: () => number): string {
    const { topicWords } = this.options;
    const rank = this.topics[cluster * topicWords + Math.floor(random() * topicWords)] as number;
    return this.words[rank] as string;
  }

  /** Text of chunk `i` (deterministic: the same i always gives the same text). */
  chunk(i: number, cluster: number): string {
    const random = seededRandom(Math.imul(i + 1, 0x9e3779b1) ^ this.options.seed);
    const length = 100 + Math.floor(random() * 61);
    const out: string[] = [];
    for (let w = 0; w < length; w++) {
      out.push(random() < this.options.topicShare ? this.topicWord(cluster, random) : (this.words[this.zipfRank(random)] as string));
      // Sentence breaks, so the text reads like prose to anything that looks for them.
      if (w % 17 === 16) out[out.length - 1] += '.';
    }
    return out.join(' ');
  }

  /** A headline from the topic words of a cluster. */
  title(i: number, cluster: number): string {
    const random = seededRandom(Math.imul(i + 1, 0x85ebca6b) ^ this.options.seed);
    return Array.from({ length: 4 }, () => this.topicWord(cluster, random)).join(' ');
  }

  /** A question about a cluster: three of its topic words and one less common general word. */
  query(q: number, cluster: number): string {
    const random = seededRandom(Math.imul(q + 1, 0xc2b2ae35) ^ this.options.seed);
    const words = [this.topicWord(cluster, random), this.topicWord(cluster, random), this.topicWord(cluster, random)];
    let rank = this.zipfRank(random);
    while (rank < this.options.commonRanks) rank = this.zipfRank(random);
    words.splice(Math.floor(random() * 4), 0, this.words[rank] as string);
    return words.join(' ');
  }
}
