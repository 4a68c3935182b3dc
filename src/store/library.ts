import fs from 'node:fs';
import path from 'node:path';
import type { Article } from '../articles/article.ts';
import { UserError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { writeJsonAtomically } from './atomic-file.ts';
import { Catalog, type ChunkChanges, type ChunkRecord, type EmbeddedChunk, type PendingChunk } from './catalog.ts';
import type { SearchFilter, StoredArticle } from './types.ts';
import { VectorIndex, type HnswParams, type Neighbor } from './vector-index.ts';
import { WriteLock } from './write-lock.ts';

export interface LibraryOptions {
  dataDir: string;
  hnsw: HnswParams;
  logger?: Logger;
}

/** What the saved index file reflects; written after the index, so it may only lag behind it. */
interface IndexState {
  generation: number;
}

export interface ArticleFilterInfo {
  id: string;
  collection: string;
  published: string | null;
}

export type PutOutcome = 'added' | 'updated' | 'unchanged';

/** The model that produced a write's embeddings; the library refuses to mix models. */
export interface EmbeddingModel {
  id: string;
  dimensions: number;
}

/** Saves the index during long ingests too, so a crash replays at most this many points. */
const CHECKPOINT_EVERY = 20_000;

/**
 * The articles library: the SQLite catalog (source of truth, with embeddings) plus the HNSW
 * vector index derived from it. The index may lag the catalog after a crash or another
 * process's write; every read first brings it up to date from the catalog's generation log,
 * without re-embedding anything.
 */
export class Library {
  private index: VectorIndex | null = null;
  private state: IndexState = { generation: 0 };
  private chunkArticle: Int32Array = new Int32Array(0);
  private articleInfo = new Map<number, ArticleFilterInfo>();
  private writeQueue: Promise<unknown> = Promise.resolve();
  private pointsSinceSave = 0;
  private readonly lock: WriteLock;
  private readonly logger: Logger;

  private constructor(
    readonly dataDir: string,
    private readonly catalog: Catalog,
    private readonly hnsw: HnswParams,
    logger: Logger,
  ) {
    this.logger = logger;
    this.lock = new WriteLock(path.join(dataDir, 'write.lock'));
  }

  static open(options: LibraryOptions): Library {
    fs.mkdirSync(options.dataDir, { recursive: true });
    const catalog = new Catalog(path.join(options.dataDir, 'library.sqlite'));
    const library = new Library(options.dataDir, catalog, options.hnsw, options.logger ?? silentLogger);
    library.loadIndex();
    return library;
  }

  private get indexFile(): string {
    return path.join(this.dataDir, 'vectors.hnsw');
  }

  private get stateFile(): string {
    return path.join(this.dataDir, 'vectors.json');
  }

  /** Embedding model the stored vectors came from, or undefined for an empty library. */
  get modelId(): string | undefined {
    return this.catalog.getMeta('model');
  }

  get dimensions(): number | undefined {
    const value = this.catalog.getMeta('dimensions');
    return value === undefined ? undefined : Number(value);
  }

  private loadIndex(): void {
    this.loadFilterTables();
    const dimensions = this.dimensions;
    if (dimensions === undefined) {
      this.state = { generation: this.catalog.generation() };
      return;
    }
    const saved = this.readState();
    let replayFrom: IndexState = saved ?? { generation: -1 };
    try {
      this.index = VectorIndex.exists(this.indexFile)
        ? VectorIndex.read(this.indexFile, dimensions, this.hnsw)
        : null;
    } catch (error) {
      this.logger.warn({ err: error, file: this.indexFile }, 'vector index unreadable; rebuilding it from stored embeddings');
      this.index = null;
    }
    if (!this.index) {
      this.index = VectorIndex.create(dimensions, this.hnsw, Math.max(1024, this.catalog.chunkCount()));
      replayFrom = { generation: -1 };
    }
    this.state = replayFrom;
    const replayed = this.catchUp();
    if (replayed > 0 || saved === null) {
      this.logger.info({ replayed }, 'vector index was behind the catalog; repaired from stored embeddings');
      this.trySaveIndex();
    }
  }

  private readState(): IndexState | null {
    try {
      const value = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as Partial<IndexState>;
      if (typeof value.generation === 'number') return { generation: value.generation };
    } catch {
      // Missing or torn: replay everything, which is idempotent.
    }
    return null;
  }

  private loadFilterTables(): void {
    const tables = this.catalog.filterTables();
    this.chunkArticle = tables.chunkArticle;
    this.articleInfo = new Map(tables.articles.map((a) => [a.key, { id: a.id, collection: a.collection, published: a.published }]));
  }

  /**
   * Applies what the catalog committed since this object last looked (another process's write,
   * or a crash before the index was saved). Returns the points replayed.
   */
  private catchUp(): number {
    const generation = this.catalog.generation();
    if (generation === this.state.generation) return 0;
    if (!this.index && this.dimensions !== undefined) {
      // Another process stored the first embeddings since this one opened the library.
      this.index = VectorIndex.create(this.dimensions, this.hnsw);
      this.state = { generation: -1 };
    }
    let replayed = 0;
    if (this.index) {
      const delta = this.catalog.deltaSince(this.state.generation);
      for (const { id, embedding } of delta.added) this.index.add(id, embedding);
      for (const id of delta.removed) this.index.remove(id);
      replayed = delta.added.length + delta.removed.length;
      this.state = { generation: delta.generation };
    } else {
      this.state = { generation };
    }
    // Articles may have come or gone: what collection filters look at must follow.
    this.loadFilterTables();
    return replayed;
  }

  /** Saves the index if no other process is writing; a reader's repair is then kept for next time. */
  private trySaveIndex(): void {
    try {
      this.lock.acquire();
    } catch {
      return;
    }
    try {
      this.saveIndex();
    } finally {
      this.lock.release();
    }
  }

  private saveIndex(): void {
    if (!this.index) return;
    this.index.save(this.indexFile);
    writeJsonAtomically(this.stateFile, this.state);
    this.pointsSinceSave = 0;
  }

  // ---------------------------------------------------------------- reads

  listArticles(collections?: readonly string[]): StoredArticle[] {
    return this.catalog.listArticles(collections);
  }

  getArticle(collection: string, id: string): StoredArticle | undefined {
    return this.catalog.getArticle(collection, id);
  }

  getBody(collection: string, id: string): string | undefined {
    return this.catalog.getBody(collection, id);
  }

  chunksOfArticle(collection: string, id: string): ChunkRecord[] {
    return this.catalog.chunksOfArticle(collection, id);
  }

  chunkRecords(ids: readonly number[]): ChunkRecord[] {
    return this.catalog.chunkRecords(ids);
  }

  chunkCount(): number {
    return this.catalog.chunkCount();
  }

  publicationRange(collections: readonly string[]): { articles: number; undated: number; earliest: string | null } {
    return this.catalog.publicationRange(collections);
  }

  /** The catalog key of a chunk's article, from memory (0 when unknown): lets callers group before fetching. */
  articleKeyOf(chunkId: number): number {
    return this.chunkArticle[chunkId] ?? 0;
  }

  /** Changes with every committed write, from any process: a cheap way to notice new articles. */
  generation(): number {
    return this.catalog.generation();
  }

  documentFrequencies(terms: readonly string[]): Map<string, number> {
    return this.catalog.documentFrequencies(terms);
  }

  /** Nearest chunks to `vector` among those the filter admits, closest first. */
  denseSearch(vector: Float32Array, k: number, filter: SearchFilter): Neighbor[] {
    this.catchUp();
    if (!this.index) return [];
    if (vector.length !== this.index.dimensions) {
      throw new Error(`query vector has ${vector.length} dimensions; the library stores ${this.index.dimensions}`);
    }
    return this.index.search(vector, k, this.acceptFunction(filter));
  }

  /** BM25 over chunk text and titles; `match` is a prepared FTS5 expression. */
  keywordSearch(match: string, k: number, filter: SearchFilter): { chunkId: number; score: number }[] {
    this.catchUp();
    return this.catalog.keywordSearch(match, k, filter, this.acceptFunction(filter) === undefined);
  }

  /** What filters know of an article, from memory: its id, collection and publication date. */
  articleInfoOf(articleKey: number): ArticleFilterInfo | undefined {
    return this.articleInfo.get(articleKey);
  }

  private filterCache: { key: string; generation: number; accept: ((id: number) => boolean) | undefined } | null = null;

  /** The predicate over chunk ids for hnswlib, or undefined when the filter admits every stored chunk. */
  private acceptFunction(filter: SearchFilter): ((id: number) => boolean) | undefined {
    return this.cachedFilter(filter).accept;
  }

  /** The filter's predicate, rebuilt only when the filter or the library changed. */
  private cachedFilter(filter: SearchFilter) {
    const key = JSON.stringify([filter.collections, filter.articleIds ?? null, filter.publishedFrom ?? null, filter.publishedTo ?? null, filter.asOf ?? null]);
    const cached = this.filterCache;
    if (cached && cached.key === key && cached.generation === this.state.generation) return cached;
    const articles = this.buildAdmittedArticles(filter);
    const chunkArticle = this.chunkArticle;
    // Called by hnswlib for every node it visits: typed-array lookups only.
    const accept = articles ? (id: number) => articles[chunkArticle[id] ?? 0] === 1 : undefined;
    this.filterCache = { key, generation: this.state.generation, accept };
    return this.filterCache;
  }

  private buildAdmittedArticles(filter: SearchFilter): Uint8Array | undefined {
    const collections = new Set(filter.collections);
    let maxKey = 0;
    for (const key of this.articleInfo.keys()) maxKey = Math.max(maxKey, key);
    const allowed = new Uint8Array(maxKey + 1);
    let admitsAll = true;
    for (const [key, info] of this.articleInfo) {
      if (
        collections.has(info.collection) &&
        (!filter.articleIds || filter.articleIds.includes(info.id)) &&
        publishedWithin(info.published, filter.publishedFrom, filter.publishedTo) &&
        (!filter.asOf || !info.published || info.published.slice(0, 10) <= filter.asOf)
      ) {
        allowed[key] = 1;
      } else {
        admitsAll = false;
      }
    }
    return admitsAll ? undefined : allowed;
  }

  // ---------------------------------------------------------------- writes

  /**
   * Runs `work` as the only writer: in this process (queued) and across processes (lock file).
   * The index is brought up to date first and saved at the end.
   */
  async write<T>(work: (writer: LibraryWriter) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.lock.acquire();
      try {
        this.catchUp();
        const result = await work(new LibraryWriter(this));
        this.saveIndex();
        return result;
      } finally {
        this.lock.release();
      }
    };
    const result = this.writeQueue.then(run, run);
    this.writeQueue = result.catch(() => undefined);
    return result;
  }

  /** @internal used by LibraryWriter */
  putArticle(article: Article, collection: string, chunks: EmbeddedChunk[], model: EmbeddingModel | null): void {
    if (model) this.ensureModel(model);
    const changes = this.catalog.putArticle(article, collection, chunks);
    // No await between the commit above and applyChanges: a search in this process sees the
    // old or the new state, never a half one.
    this.applyChanges(changes, { id: article.id, collection, published: article.published ?? null });
  }

  /** @internal used by LibraryWriter */
  removeArticle(collection: string, id: string): boolean {
    const changes = this.catalog.removeArticle(collection, id);
    if (changes === null) return false;
    this.applyChanges(changes, null);
    return true;
  }

  private applyChanges(changes: ChunkChanges, article: ArticleFilterInfo | null): void {
    const index = this.index;
    if (changes.previousKey !== undefined) this.articleInfo.delete(changes.previousKey);
    for (const id of changes.removed) {
      index?.remove(id);
      if (id < this.chunkArticle.length) this.chunkArticle[id] = 0;
    }
    if (changes.articleKey !== undefined && article) this.articleInfo.set(changes.articleKey, article);
    for (const id of changes.inserted) this.setChunkArticle(id, changes.articleKey ?? 0);
    for (const { id, embedding } of changes.added) index?.add(id, embedding);
    this.state = { generation: this.catalog.generation() };
    this.pointsSinceSave += changes.added.length;
    // Each checkpoint rewrites the whole index: space them in proportion to its size.
    if (this.pointsSinceSave >= Math.max(CHECKPOINT_EVERY, (index?.size ?? 0) / 2)) this.saveIndex();
  }

  private setChunkArticle(id: number, articleKey: number): void {
    if (id >= this.chunkArticle.length) {
      const grown = new Int32Array(Math.max(id + 1, this.chunkArticle.length * 2));
      grown.set(this.chunkArticle);
      this.chunkArticle = grown;
    }
    this.chunkArticle[id] = articleKey;
  }

  /** @internal used by LibraryWriter */
  setEmbeddings(items: { id: number; embedding: Float32Array }[], model: EmbeddingModel): void {
    this.ensureModel(model);
    this.applyChanges(this.catalog.setEmbeddings(items), null);
  }

  /** @internal used by LibraryWriter */
  clearEmbeddings(): void {
    this.catalog.clearEmbeddings();
    this.index = null;
    fs.rmSync(this.indexFile, { force: true });
    fs.rmSync(this.stateFile, { force: true });
    this.state = { generation: this.catalog.generation() };
  }

  pendingChunks(limit: number): PendingChunk[] {
    return this.catalog.pendingChunks(limit);
  }

  pendingCount(): number {
    return this.catalog.pendingCount();
  }

  private ensureModel(model: EmbeddingModel): void {
    const stored = this.modelId;
    if (stored === undefined) {
      this.catalog.setMeta('model', model.id);
      this.catalog.setMeta('dimensions', String(model.dimensions));
    } else if (stored !== model.id || this.dimensions !== model.dimensions) {
      throw new UserError(
        `This library was built with the embedding model ${stored} (${this.dimensions} dimensions), ` +
          `but ${model.id} is configured. Set EMBEDDING_MODEL=${stored}, or use another DATA_DIR.`,
      );
    }
    if (!this.index) {
      this.index = VectorIndex.create(model.dimensions, this.hnsw);
      this.state = { generation: -1 };
      this.catchUp();
    }
  }

  close(): void {
    this.catalog.close();
  }
}

/** The write side handed out by Library.write(): only valid inside that call. */
export class LibraryWriter {
  constructor(private readonly library: Library) {}

  /** Stores an article unless the same content is already there. */
  putArticle(
    article: Article,
    collection: string,
    chunks: EmbeddedChunk[],
    model: EmbeddingModel | null,
  ): PutOutcome {
    const existing = this.library.getArticle(collection, article.id);
    if (existing?.contentHash === article.contentHash) return 'unchanged';
    this.library.putArticle(article, collection, chunks, model);
    return existing ? 'updated' : 'added';
  }

  removeArticle(collection: string, id: string): boolean {
    return this.library.removeArticle(collection, id);
  }

  setEmbeddings(items: { id: number; embedding: Float32Array }[], model: EmbeddingModel): void {
    this.library.setEmbeddings(items, model);
  }

  clearEmbeddings(): void {
    this.library.clearEmbeddings();
  }
}

function publishedWithin(published: string | null, from: string | undefined, to: string | undefined): boolean {
  if (!from && !to) return true;
  if (!published) return false;
  if (from && published < from) return false;
  if (to && published.slice(0, to.length) > to) return false;
  return true;
}
