import type { ChunkChanges } from './article-rows.ts';
import type { Catalog } from './catalog.ts';
import type { SearchFilter } from '../types.ts';

export interface ArticleFilterInfo {
  id: string;
  collection: string;
  published: string | null;
  /** The headline, which story ranking weighs for every candidate. */
  title: string;
}

/** A predicate over chunk ids; undefined admits every stored chunk, NONE admits none (nothing to search). */
type Accept = ((id: number) => boolean) | undefined;

interface Predicates {
  accept: Accept;
  acceptArticle: Accept;
  /** Share (0–1) of the stored articles the filter admits. */
  share: number;
}

/** The predicate of a filter that admits no stored article: searches answer at once, without scanning. */
export const NONE = (): boolean => false;

/**
 * What search filters look at, in memory: chunk id → article key, and each article's id,
 * collection and publication date. A derived copy of the catalog, like the vector index, so a
 * filter costs typed-array lookups while hnswlib walks its graph.
 */
export class ArticleFilters {
  private chunkArticle: Int32Array = new Int32Array(0);
  private articleInfo = new Map<number, ArticleFilterInfo>();
  /** Bumped whenever the tables change: the cached predicate is rebuilt after. */
  private version = 0;
  private cache: (Predicates & { key: string; version: number }) | null = null;

  /** Reads the tables afresh from the catalog. */
  reload(catalog: Catalog): void {
    const tables = catalog.filterTables();
    this.chunkArticle = tables.chunkArticle;
    this.articleInfo = new Map(
      tables.articles.map((a) => [a.key, { id: a.id, collection: a.collection, published: a.published, title: a.title }]),
    );
    this.version++;
  }

  /** Follows a write this process just committed; `article` is what filters see of the article written. */
  apply(changes: ChunkChanges, article: ArticleFilterInfo | null): void {
    if (changes.previousKey !== undefined) this.articleInfo.delete(changes.previousKey);
    for (const id of changes.removed) {
      if (id < this.chunkArticle.length) this.chunkArticle[id] = 0;
    }
    if (changes.articleKey !== undefined && article) this.articleInfo.set(changes.articleKey, article);
    for (const id of changes.inserted) this.setChunkArticle(id, changes.articleKey ?? 0);
    this.version++;
  }

  private setChunkArticle(id: number, articleKey: number): void {
    if (id >= this.chunkArticle.length) {
      const grown = new Int32Array(Math.max(id + 1, this.chunkArticle.length * 2));
      grown.set(this.chunkArticle);
      this.chunkArticle = grown;
    }
    this.chunkArticle[id] = articleKey;
  }

  /** The catalog key of a chunk's article (0 when unknown). */
  articleKeyOf(chunkId: number): number {
    return this.chunkArticle[chunkId] ?? 0;
  }

  articleInfoOf(articleKey: number): ArticleFilterInfo | undefined {
    return this.articleInfo.get(articleKey);
  }

  /** The predicate over chunk ids for hnswlib, or undefined when the filter admits every stored chunk; rebuilt only when the filter or the tables changed. */
  accept(filter: SearchFilter): Accept {
    return this.predicates(filter).accept;
  }

  /**
   * The same filter's predicate over article keys (for whole-article search), and the share of the
   * stored articles it admits (how many matches to rank for enough of them to pass).
   */
  articleFilter(filter: SearchFilter): { accept: Accept; share: number } {
    const { acceptArticle, share } = this.predicates(filter);
    return { accept: acceptArticle, share };
  }

  private predicates(filter: SearchFilter): Predicates {
    const key = JSON.stringify([
      filter.collections,
      filter.articleIds ?? null,
      filter.publishedFrom ?? null,
      filter.publishedTo ?? null,
      filter.asOf ?? null,
    ]);
    const cached = this.cache;
    if (cached && cached.key === key && cached.version === this.version) return cached;
    const { articles, admitted } = this.admittedArticles(filter);
    const chunkArticle = this.chunkArticle;
    // Called by hnswlib for every node it visits: typed-array lookups only.
    const accept = articles === 'none' ? NONE : articles ? (id: number) => articles[chunkArticle[id] ?? 0] === 1 : undefined;
    const acceptArticle = articles === 'none' ? NONE : articles ? (articleKey: number) => articles[articleKey] === 1 : undefined;
    const share = this.articleInfo.size === 0 ? 1 : admitted / this.articleInfo.size;
    this.cache = { key, version: this.version, accept, acceptArticle, share };
    return this.cache;
  }

  /** 1 for each article key the filter admits, undefined when it admits them all, 'none' when it admits none; and how many it admits. */
  private admittedArticles(filter: SearchFilter): { articles: Uint8Array | undefined | 'none'; admitted: number } {
    const collections = new Set(filter.collections);
    let maxKey = 0;
    for (const key of this.articleInfo.keys()) maxKey = Math.max(maxKey, key);
    const allowed = new Uint8Array(maxKey + 1);
    let admitsAll = true;
    let admitted = 0;
    for (const [key, info] of this.articleInfo) {
      if (
        collections.has(info.collection) &&
        (!filter.articleIds || filter.articleIds.includes(info.id)) &&
        publishedWithin(info.published, filter.publishedFrom, filter.publishedTo) &&
        (!filter.asOf || !info.published || info.published.slice(0, 10) <= filter.asOf)
      ) {
        allowed[key] = 1;
        admitted++;
      } else {
        admitsAll = false;
      }
    }
    if (admitsAll) return { articles: undefined, admitted };
    return { articles: admitted === 0 ? 'none' : allowed, admitted };
  }
}

function publishedWithin(published: string | null, from: string | undefined, to: string | undefined): boolean {
  if (!from && !to) return true;
  if (!published) return false;
  if (from && published < from) return false;
  if (to && published.slice(0, to.length) > to) return false;
  return true;
}
