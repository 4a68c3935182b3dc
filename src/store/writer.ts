import type { Article } from '../articles/article.ts';
import { UserError } from '../errors.ts';
import { embeddingDtypeMessages } from '../messages/models.ts';
import { storeMessages } from '../messages/store.ts';
import type { ArticleFilterInfo, ArticleFilters } from './catalog/article-filters.ts';
import type { ChunkChanges, EmbeddedChunk } from './catalog/article-rows.ts';
import type { CatalogWriter, SourceRemoval } from './catalog/catalog-writer.ts';
import { UNRECORDED_DTYPE, type Catalog } from './catalog/catalog.ts';
import type { FeedTables } from './catalog/feed-tables.ts';
import type { IndexReplica } from './vectors/index-replica.ts';
import type { PutOutcome } from './types.ts';

/** The model that produced a write's embeddings; the library refuses to mix models. */
export interface EmbeddingModel {
  id: string;
  dimensions: number;
  /** The weights' precision (`fp32`, `q8`); absent means fp32. */
  dtype?: string | undefined;
}

/** What storing one article did (LibraryWriter.storeArticle). */
export interface StoreResult {
  outcome: PutOutcome;
  /** The stored article it belongs to now (its own id, or the story it duplicates). */
  articleId: string;
  /** For a duplicate: the id the stored story it repeats had before this write. */
  duplicateOf?: string;
}

/** What a writer changes: the catalog, and this process's derived copies that follow each commit. */
export interface WriteTarget {
  catalog: Catalog;
  edits: CatalogWriter;
  replica: IndexReplica;
  filters: ArticleFilters;
}

/**
 * The only way to change a library: handed out by Library.write() and valid only inside that
 * call (under the write lock). Each change commits to the catalog, then the in-memory index and
 * filters follow it with no await in between: a search in this process sees the old or the new
 * state, never a half one.
 */
export class LibraryWriter {
  private target: WriteTarget | null;

  constructor(target: WriteTarget) {
    this.target = target;
  }

  /** Ends the write: the writer refuses every change after. */
  revoke(): void {
    this.target = null;
  }

  private get open(): WriteTarget {
    if (!this.target) throw new Error('this LibraryWriter was used after its Library.write() ended');
    return this.target;
  }

  /** Stores an article unless the same content is already there; see storeArticle. */
  putArticle(article: Article, collection: string, chunks: EmbeddedChunk[], model: EmbeddingModel | null): PutOutcome {
    return this.storeArticle(article, collection, chunks, model).outcome;
  }

  /**
   * Stores one source's version of a story (CatalogWriter.putVersion): unchanged, a new article, an
   * update that replaces the stored text atomically, or a duplicate of a stored story (stored
   * once, both sources recorded, the newer version cited). `chunks` are the article's own.
   */
  storeArticle(article: Article, collection: string, chunks: EmbeddedChunk[], model: EmbeddingModel | null): StoreResult {
    const { edits } = this.open;
    if (model) this.ensureModel(model);
    const { changes, ...result } = edits.putVersion(article, collection, chunks);
    this.follow(changes, changes ? this.filterInfo(collection, result.articleId) : null);
    return result;
  }

  /** Retracts an article (by its id or an alias) with all its sources. */
  removeArticle(collection: string, id: string): boolean {
    const changes = this.open.edits.removeArticle(collection, id);
    if (changes === null) return false;
    this.follow(changes, null);
    return true;
  }

  /** What removing one source would do; a `promote` needs the next version's chunks (promoteSource). */
  planSourceRemoval(collection: string, sourceId: string): SourceRemoval {
    return this.open.edits.planSourceRemoval(collection, sourceId);
  }

  /** Removes a source that is not the cited version of a story with others (see planSourceRemoval). */
  dropSource(collection: string, sourceId: string): 'article' | 'alias' | null {
    const dropped = this.open.edits.dropSource(collection, sourceId);
    if (!dropped) return null;
    this.follow(dropped.changes, null);
    return dropped.removed;
  }

  /** Removes the cited version's source, citing `next` (the newest remaining version) in its place. */
  promoteSource(collection: string, sourceId: string, next: Article, chunks: EmbeddedChunk[], model: EmbeddingModel | null): void {
    const { edits } = this.open;
    if (model) this.ensureModel(model);
    const changes = edits.promoteSource(collection, sourceId, next, chunks);
    this.follow(changes, this.filterInfo(collection, next.id));
  }

  /** Stores embeddings computed later for chunks stored without one; returns how many were stored (not embedded meanwhile, nor gone). */
  setEmbeddings(items: { id: number; embedding: Float32Array }[], model: EmbeddingModel): number {
    const { edits } = this.open;
    this.ensureModel(model);
    const changes = edits.setEmbeddings(items);
    this.follow(changes, null);
    return changes.added.length;
  }

  /** Forgets every embedding, the model they came from and the vector index (before re-embedding with another model). */
  clearEmbeddings(): void {
    const { catalog, edits, replica } = this.open;
    edits.clearEmbeddings();
    replica.clear(catalog.generation());
  }

  /** Feed subscriptions and item records, writable while this write lasts. */
  get feeds(): FeedTables {
    return this.open.catalog.feeds;
  }

  /** Brings the in-memory copies to the catalog's new generation after a commit (`changes` null: nothing to search changed). */
  private follow(changes: ChunkChanges | null, article: ArticleFilterInfo | null): void {
    const { catalog, replica, filters } = this.open;
    if (!changes) {
      replica.advanceTo(catalog.generation());
      return;
    }
    filters.apply(changes, article);
    replica.apply(changes, catalog.generation());
  }

  /** What search filters look at for a stored article (its published date is the stored, first one). */
  private filterInfo(collection: string, id: string): ArticleFilterInfo | null {
    const stored = this.open.catalog.getArticle(collection, id);
    return stored ? { id: stored.articleId, collection, published: stored.published, title: stored.title } : null;
  }

  /** Records the model (and its dtype) of the first embeddings, and refuses another one after. */
  private ensureModel(model: EmbeddingModel): void {
    const { catalog, edits, replica, filters } = this.open;
    const stored = catalog.getMeta('model');
    const dimensions = catalog.dimensions();
    const dtype = model.dtype ?? UNRECORDED_DTYPE;
    if (stored === undefined) {
      edits.setModel(model.id, model.dimensions, dtype);
    } else if (stored !== model.id || dimensions !== model.dimensions) {
      throw new UserError(storeMessages.otherEmbeddingModel(stored, dimensions, model.id));
    } else if (catalog.embeddingDtype() !== dtype) {
      throw new UserError(embeddingDtypeMessages.otherDtype(stored, catalog.embeddingDtype() ?? UNRECORDED_DTYPE, dtype));
    }
    if (replica.ensureIndex(model.dimensions)) {
      replica.catchUp(catalog.generation());
      filters.reload(catalog);
    }
  }
}
