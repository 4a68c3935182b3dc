import type { Embedder } from '../embeddings/embedder.ts';
import { UserError } from '../errors.ts';
import { messages } from '../messages.ts';
import type { Library } from '../store/library.ts';
import type { SearchFilter } from '../store/types.ts';
import { capPerGroup, reciprocalRankFusion } from './fusion.ts';
import { toFtsQuery } from './keyword-query.ts';
import type { Passage } from './passage.ts';

export interface SearchOptions {
  /** Passages to return. */
  k: number;
  filter: SearchFilter;
  /** Most passages from one article (diversity); defaults to 3. */
  perArticle?: number;
  /** Candidates each retriever contributes before fusion; defaults to max(4k, 40). */
  candidates?: number;
}

export interface SearchResult {
  passages: Passage[];
  /** `hybrid` normally; `keyword` when the embedding model is unavailable. */
  mode: 'hybrid' | 'keyword';
  /** Things the user must be told about these results (e.g. keyword-only search). */
  warnings: string[];
}

/** Longest query embedded or searched; longer ones are clipped (the model truncates anyway). */
export const MAX_QUERY_CHARS = 2000;

/**
 * Hybrid retrieval: dense kNN over the HNSW index and BM25 over FTS5, fused by reciprocal rank,
 * capped per article, with article metadata attached.
 */
export class Retriever {
  constructor(
    private readonly library: Library,
    /** Null when the model is unavailable: keyword search only, with a warning on every result. */
    private readonly embedder: Embedder | null,
  ) {}

  get mode(): SearchResult['mode'] {
    return this.embedder ? 'hybrid' : 'keyword';
  }

  async search(query: string, options: SearchOptions): Promise<SearchResult> {
    const text = query.trim().slice(0, MAX_QUERY_CHARS);
    const ftsQuery = toFtsQuery(text);
    if (text.length === 0) throw new UserError(messages.emptyQuery);
    if (options.filter.collections.length === 0) return { passages: [], mode: this.mode, warnings: [] };

    const candidates = options.candidates ?? Math.max(options.k * 4, 40);
    const warnings: string[] = [];
    let denseIds: number[] = [];
    const similarity = new Map<number, number>();
    if (this.embedder) {
      const vector = await this.embedder.embedQuery(text);
      for (const n of this.library.denseSearch(vector, candidates, options.filter)) {
        denseIds.push(n.id);
        similarity.set(n.id, 1 - n.distance);
      }
    } else {
      warnings.push(messages.keywordOnly);
    }
    if (!this.embedder && ftsQuery === null) throw new UserError(messages.queryWithoutWords);
    const keywordIds = ftsQuery ? this.library.keywordSearch(ftsQuery, candidates, options.filter).map((r) => r.chunkId) : [];
    denseIds = denseIds.slice(0, candidates);

    // Cap per article before fetching: only the passages that can be returned are read.
    const perArticle = options.perArticle ?? 3;
    const fused = capPerGroup(reciprocalRankFusion([denseIds, keywordIds]), (f) => {
      const key = this.library.articleKeyOf(f.id);
      return key === 0 ? `chunk:${f.id}` : String(key);
    }, perArticle).slice(0, options.k * 2);
    const records = new Map(this.library.chunkRecords(fused.map((f) => f.id)).map((r) => [r.chunkId, r]));
    const allowed = new Set(options.filter.collections);
    const passages: Passage[] = [];
    for (const f of fused) {
      const r = records.get(f.id);
      if (!r || !allowed.has(r.collection)) continue;
      passages.push({
        chunkId: r.chunkId,
        articleId: r.articleId,
        collection: r.collection,
        title: r.title,
        url: r.url,
        published: r.published,
        byline: r.byline,
        text: r.text,
        start: r.start,
        end: r.end,
        score: f.score,
        denseRank: f.ranks[0] ?? null,
        keywordRank: f.ranks[1] ?? null,
        similarity: similarity.get(f.id) ?? null,
      });
    }
    return { passages: passages.slice(0, options.k), mode: this.mode, warnings };
  }
}
