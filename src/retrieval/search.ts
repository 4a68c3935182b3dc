import type { Embedder } from '../embeddings/embedder.ts';
import { UserError } from '../errors.ts';
import { EmbeddingServerError } from '../embeddings/errors.ts';
import { embeddingServerMessages } from '../messages/embedding-server.ts';
import { messages } from '../messages/answers.ts';
import { semanticSearchMessages } from '../messages/semantic-search.ts';
import type { LibraryReader } from '../store/reader.ts';
import type { ChunkRecord, SearchFilter } from '../store/types.ts';
import { keywordQueries, type KeywordQueries } from './keyword-plan.ts';
import { contentStems, queryTerms, stem, toFtsQuery } from './keyword-query.ts';
import type { Passage } from './passage.ts';
import { rankStories, type StorySignals } from './stories.ts';
import { isoDay, timeScopeOf, type TimeScope } from './time-scope.ts';

export interface SearchOptions {
  /** Passages to return. */
  k: number;
  filter: SearchFilter;
  /** Most passages from one article (diversity); defaults to 3. */
  perArticle?: number;
  /** Most distinct stories the passages come from; defaults to k (the best passage of each story first). */
  stories?: number;
  /** Candidates each retriever contributes before ranking; defaults to max(4k, 40). */
  candidates?: number;
  /** The day the question is asked (YYYY-MM-DD; default today): nothing published later is used. */
  asOf?: string;
  /** Filled with the milliseconds each stage took, for benchmarks and diagnostics. */
  timings?: SearchTimings;
}

/** Milliseconds spent in each stage of one search (the query embedding included in `dense`). */
export interface SearchTimings {
  dense: number;
  keyword: number;
  /** Grouping passages by story and ranking the stories (fusion of the signals, recency). */
  stories: number;
  /** Reading the chosen passages (and the chunks of stories found only as a whole). */
  reads: number;
}

export interface SearchResult {
  passages: Passage[];
  /** `hybrid` normally; `keyword` when the embedding model is unavailable. */
  mode: 'hybrid' | 'keyword';
  /** Things the user must be told about these results (e.g. keyword-only search). */
  warnings: string[];
  /** When the question was asked and the publication dates it was read as being about. */
  time: TimeScope;
}

/** Longest query embedded or searched; longer ones are clipped (the model truncates anyway). */
export const MAX_QUERY_CHARS = 2000;

interface CandidatePassage {
  chunkId: number;
  keywordScore: number;
  keywordRank: number | null;
  denseRank: number | null;
  similarity: number | null;
}

/**
 * The question's vector, or null with the warning to show: no model, or an embeddings server that
 * failed (then the search goes on by keywords when the question has words to search for).
 */
async function queryVector(
  embedder: Embedder | null,
  content: string,
  hasWords: boolean,
): Promise<{ vector: Float32Array | null; warning: string | null }> {
  if (!embedder) return { vector: null, warning: messages.keywordOnly };
  try {
    return { vector: await embedder.embedQuery(content), warning: null };
  } catch (error) {
    if (!(error instanceof EmbeddingServerError) || !hasWords) throw error;
    return { vector: null, warning: embeddingServerMessages.keywordOnlyNow };
  }
}

/**
 * Whole-article matches taken as candidate stories, per passage wanted (their passages are then
 * scored). Two lost one question of 251 at hit@1 over 30,000 generated articles; three kept them all
 * for 1–3 ms more at a million chunks (bench:news-scale, bench:1m).
 */
const STORY_POOL_FACTOR = 3;

/**
 * Story-first hybrid retrieval: stories are ranked by BM25 over whole articles, their best passages
 * (dense kNN over the HNSW index and BM25 over FTS5) and recency as of the question's day; then the
 * best passages of the best stories are returned, one story after another, capped per story.
 */
export class Retriever {
  /** The embedding model in use now; null while it is unavailable (keyword search only, with a warning on every result). */
  private readonly currentEmbedder: () => Embedder | null;

  /**
   * `embedder`: a model, null for keyword search only, or a function giving the model in use at
   * the time of each search (the app's, which may load after start-up).
   */
  private readonly library: LibraryReader;

  constructor(library: LibraryReader, embedder: Embedder | null | (() => Embedder | null)) {
    this.library = library;
    this.currentEmbedder = typeof embedder === 'function' ? embedder : () => embedder;
  }

  get mode(): SearchResult['mode'] {
    return this.currentEmbedder() && !this.library.vectorsLoading ? 'hybrid' : 'keyword';
  }

  async search(query: string, options: SearchOptions): Promise<SearchResult> {
    // One model for the whole search, even if another becomes current meanwhile.
    const embedder = this.currentEmbedder();
    const text = query.trim().slice(0, MAX_QUERY_CHARS);
    if (text.length === 0) throw new UserError(messages.emptyQuery);
    const time = timeScopeOf(text, options.asOf ?? isoDay(new Date()));
    const content = toFtsQuery(time.query) ? time.query : text;
    const keywords = keywordQueries(this.library.catalog, content);
    // While the vector index loads after a restart, the question is not embedded: there is nothing to compare it with yet.
    const loading = embedder !== null && this.library.vectorsLoading;
    if ((!embedder || loading) && keywords === null) throw new UserError(messages.queryWithoutWords);
    const timings = options.timings ?? { dense: 0, keyword: 0, stories: 0, reads: 0 };
    let started = performance.now();
    const dense = loading
      ? { vector: null, warning: semanticSearchMessages.loading }
      : await queryVector(embedder, content, keywords !== null);
    timings.dense = performance.now() - started;
    const warnings = dense.warning ? [dense.warning] : [];
    const empty: SearchResult = { passages: [], mode: dense.vector ? 'hybrid' : 'keyword', warnings, time };
    if (options.filter.collections.length === 0 || time.window?.future) return empty;

    const filter: SearchFilter = {
      ...options.filter,
      asOf: options.filter.asOf && options.filter.asOf < time.asOf ? options.filter.asOf : time.asOf,
      ...(time.window ? { publishedFrom: time.window.from, publishedTo: time.window.to } : {}),
    };
    const k = options.k;
    const { passagesByStory, wholeArticleScores } = this.candidates(
      dense.vector,
      keywords,
      options.candidates ?? Math.max(k * 4, 40),
      filter,
      timings,
    );
    started = performance.now();
    const signals = this.storySignals(passagesByStory, wholeArticleScores, keywords, content, dense.vector !== null);
    const ranked = rankStories(signals, time.asOf, time.recency, dense.vector !== null).slice(0, options.stories ?? k);
    timings.stories = performance.now() - started;
    started = performance.now();
    const cap = options.perArticle ?? 3;
    const lists = ranked.map((story) => this.passageOrder(story.articleKey, passagesByStory.get(story.articleKey) ?? [], content, cap));
    const picked = roundRobin(lists, k);
    // Records of the chosen chunks, read in one query (stories found only as a whole were read already).
    const wanted = picked.flatMap(({ entry }) => ('record' in entry ? [] : [entry.chunkId]));
    const records = new Map(this.library.catalog.chunkRecords(wanted).map((r) => [r.chunkId, r]));
    const passages = picked.flatMap(({ list, entry }) => {
      const record = 'record' in entry ? entry.record : records.get(entry.chunkId);
      const score = ranked[list]?.score ?? 0;
      return record ? [{ ...toPassage(record, 'record' in entry ? NOT_RANKED : entry), score }] : [];
    });
    timings.reads = performance.now() - started;
    return { ...empty, passages };
  }

  /**
   * What rankStories weighs of each candidate story: its passages' scores, whole-article BM25,
   * headline words, dense rank, date. Whole-article scores not known from the search for stories
   * (stories found by meaning only) are read here.
   */
  private storySignals(
    passagesByStory: Map<number, CandidatePassage[]>,
    wholeArticleScores: Map<number, number>,
    keywords: KeywordQueries | null,
    content: string,
    dense: boolean,
  ): StorySignals[] {
    const unscored = [...passagesByStory.keys()].filter((key) => !wholeArticleScores.has(key));
    if (keywords && unscored.length > 0) {
      for (const { articleKey, score } of this.library.catalog.articleScores(keywords.wholeArticles, unscored)) {
        wholeArticleScores.set(articleKey, score);
      }
    }
    const words = queryTerms(content).map(stem);
    const headlineShare = (title: string | undefined) => {
      if (!title || words.length === 0) return 0;
      const inTitle = contentStems(title);
      return words.filter((w) => inTitle.has(w)).length / words.length;
    };
    return [...passagesByStory].map(([articleKey, found]) => {
      const ranks = found.map((c) => c.denseRank).filter((r): r is number => r !== null);
      const whole = wholeArticleScores.get(articleKey);
      return {
        articleKey,
        published: this.library.articleInfoOf(articleKey)?.published ?? null,
        passageScores: found
          .map((c) => c.keywordScore)
          .filter((score) => score > 0)
          .sort((a, b) => b - a),
        articleScore: whole ?? 0,
        headlineShare: whole !== undefined ? headlineShare(this.library.articleInfoOf(articleKey)?.title) : 0,
        denseRank: ranks.length > 0 ? Math.min(...ranks) : null,
        embedded: dense && found.some((c) => c.denseRank !== null || this.library.isEmbedded(c.chunkId)),
      };
    });
  }

  /** The passages dense and keyword search found, grouped by story (article key); stories matching best as a whole join with no passage yet. */
  private candidates(
    vector: Float32Array | null,
    keywords: KeywordQueries | null,
    count: number,
    filter: SearchFilter,
    timings: SearchTimings,
  ): { passagesByStory: Map<number, CandidatePassage[]>; wholeArticleScores: Map<number, number> } {
    const byStory = new Map<number, CandidatePassage[]>();
    const wholeArticleScores = new Map<number, number>();
    const add = (chunkId: number, found: Partial<CandidatePassage>) => {
      const key = this.library.articleKeyOf(chunkId);
      let list = byStory.get(key);
      if (!list) byStory.set(key, (list = []));
      let entry = list.find((c) => c.chunkId === chunkId);
      if (!entry) list.push((entry = { chunkId, keywordScore: 0, keywordRank: null, denseRank: null, similarity: null }));
      Object.assign(entry, found);
    };
    let started = performance.now();
    if (vector) {
      this.library.denseSearch(vector, count, filter).forEach((n, rank) => add(n.id, { denseRank: rank, similarity: 1 - n.distance }));
    }
    timings.dense += performance.now() - started;
    started = performance.now();
    if (keywords) {
      // Stories first: the best whole-article matches join the dense ones, then passages are scored
      // within those stories only (scoring every chunk that holds a query word took most of a search
      // at a million chunks).
      for (const { articleKey, score } of this.library.articleSearch(keywords.wholeArticles, count * STORY_POOL_FACTOR, filter)) {
        wholeArticleScores.set(articleKey, score);
        if (!byStory.has(articleKey)) byStory.set(articleKey, []);
      }
      byStory.delete(0);
      this.library
        .keywordSearchInArticles(keywords.passages, count, [...byStory.keys()])
        .forEach((r, rank) => add(r.chunkId, { keywordScore: r.score, keywordRank: rank }));
    }
    timings.keyword = performance.now() - started;
    byStory.delete(0);
    return { passagesByStory: byStory, wholeArticleScores };
  }

  /**
   * A story's passages, best first: those the retrievers found, ranked by their keyword score and
   * dense rank; a story found only by its whole-article match gets the chunks holding most of the
   * query's words (read here, with their records).
   */
  private passageOrder(articleKey: number, found: CandidatePassage[], query: string, cap: number): PassageChoice[] {
    if (found.length > 0) {
      const bestKeyword = Math.max(0, ...found.map((c) => c.keywordScore));
      const value = (c: CandidatePassage) =>
        (bestKeyword > 0 ? c.keywordScore / bestKeyword : 0) + (c.denseRank === null ? 0 : 1 / (1 + c.denseRank / 5));
      return [...found].sort((a, b) => value(b) - value(a) || a.chunkId - b.chunkId).slice(0, cap);
    }
    const info = this.library.articleInfoOf(articleKey);
    if (!info) return [];
    const wanted = contentStems(query);
    const overlap = (r: ChunkRecord) => [...contentStems(r.text)].filter((s) => wanted.has(s)).length;
    return this.library.catalog
      .chunksOfArticle(info.collection, info.id)
      .map((record, position) => ({ record, position, overlap: overlap(record) }))
      .sort((a, b) => b.overlap - a.overlap || a.position - b.position)
      .slice(0, cap)
      .map(({ record }) => ({ record }));
  }
}

/** The first entry of each list in list order, then the second of each, and so on, up to `k`. */
function roundRobin<T>(lists: readonly (readonly T[])[], k: number): { list: number; entry: T }[] {
  const picked: { list: number; entry: T }[] = [];
  for (let round = 0; picked.length < k; round++) {
    const before = picked.length;
    lists.forEach((items, list) => {
      const entry = items[round];
      if (entry !== undefined && picked.length < k) picked.push({ list, entry });
    });
    if (picked.length === before) break;
  }
  return picked;
}

/** A passage chosen for a story: a chunk the retrievers found (record read later), or a record already read. */
type PassageChoice = CandidatePassage | { record: ChunkRecord };

const NOT_RANKED = { denseRank: null, similarity: null, keywordRank: null } as const;

function toPassage(record: ChunkRecord, found: Pick<CandidatePassage, 'denseRank' | 'similarity' | 'keywordRank'>): Omit<Passage, 'score'> {
  const { articleKey: _articleKey, ...chunk } = record;
  return {
    ...chunk,
    denseRank: found.denseRank === null ? null : found.denseRank + 1,
    keywordRank: found.keywordRank === null ? null : found.keywordRank + 1,
    similarity: found.similarity,
  };
}
