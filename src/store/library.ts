import fs from 'node:fs';
import path from 'node:path';
import type { Article } from '../articles/article.ts';
import { UserError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { storeMessages } from '../messages.ts';
import { leftoverTempFiles, writeJsonAtomically } from './atomic-file.ts';
import { repairCatalogRows, type CatalogRepairs } from './catalog-repair.ts';
import {
  Catalog,
  type ChunkChanges,
  type ChunkRecord,
  type EmbeddedChunk,
  type PendingChunk,
  type SourceRemoval,
} from './catalog.ts';
import type { FeedReader, FeedTables } from './feed-tables.ts';
import { IndexFileDamage, inspectIndexFile, type IndexFileReport } from './index-file.ts';
import { canWrite, isDiskFullError, isReadOnlyError } from './sqlite-file.ts';
import type { PutOutcome, SearchFilter, StoredArticle } from './types.ts';
import { IndexWriteError, VectorIndex, type HnswParams, type Neighbor } from './vector-index.ts';
import { LEGACY_LOCK_FILE, WriteLock, type LockHolder } from './write-lock.ts';

export interface LibraryOptions {
  dataDir: string;
  hnsw: HnswParams;
  logger?: Logger;
  /** How long a write waits for another process's write to finish (default 5 minutes). */
  lockWaitMs?: number;
  /** Called when a write has to wait for another writer (once per write), e.g. to tell the person waiting. */
  onWriteWait?: (holder: LockHolder | null) => void;
  /** Open read-only even where the folder is writable. Otherwise read-only when it is not. */
  readOnly?: boolean;
}

export const LIBRARY_FILE = 'library.sqlite';
export const INDEX_FILE = 'vectors.hnsw';
export const INDEX_STATE_FILE = 'vectors.json';
const DEFAULT_LOCK_WAIT_MS = 300_000;

/** The catalog generation an index reflects (in memory, or the file's as recorded in vectors.json). */
interface IndexState {
  generation: number;
}

/** An index file as its saver described it. */
export interface SavedIndexFile {
  generation: number;
  checksum: string;
  bytes: number;
}

/**
 * vectors.json. It is written before the new index file is renamed into place, naming the file
 * it replaces as `previous`: after a crash between the two, the file on disk matches one of them.
 * Files written before checksums were recorded hold only `generation`.
 */
export interface SavedIndexState {
  generation: number;
  checksum?: string;
  bytes?: number;
  /** Live points in the saved file. */
  points?: number;
  previous?: SavedIndexFile;
}

/** Reads vectors.json; null when missing or torn (everything is then replayed, which is idempotent). */
export function readIndexState(file: string): SavedIndexState | null {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SavedIndexState>;
    if (typeof value.generation !== 'number') return null;
    const state: SavedIndexState = { generation: value.generation };
    if (typeof value.checksum === 'string' && typeof value.bytes === 'number') {
      state.checksum = value.checksum;
      state.bytes = value.bytes;
    }
    if (typeof value.points === 'number') state.points = value.points;
    const previous = value.previous;
    if (previous && typeof previous.generation === 'number' && typeof previous.checksum === 'string' && typeof previous.bytes === 'number') {
      state.previous = { generation: previous.generation, checksum: previous.checksum, bytes: previous.bytes };
    }
    return state;
  } catch {
    return null;
  }
}

/**
 * The generation of the index file `report` describes, according to the saved state: a number,
 * `unknown` when the state cannot tell (missing, or written before checksums), or `mismatch`
 * when the file is neither the one saved nor the one it replaced (damaged after saving).
 */
export function generationOfIndexFile(state: SavedIndexState | null, report: IndexFileReport): number | 'unknown' | 'mismatch' {
  if (!state) return 'unknown';
  if (state.checksum === undefined) return state.generation;
  if (state.checksum === report.checksum && state.bytes === report.bytes) return state.generation;
  if (state.previous && state.previous.checksum === report.checksum && state.previous.bytes === report.bytes) return state.previous.generation;
  return 'mismatch';
}

export interface ArticleFilterInfo {
  id: string;
  collection: string;
  published: string | null;
}

export type { PutOutcome } from './types.ts';
export type { SourceRemoval } from './catalog.ts';

/** What storing one article did (LibraryWriter.storeArticle). */
export interface StoreResult {
  outcome: PutOutcome;
  /** The stored article it belongs to now (its own id, or the story it duplicates). */
  articleId: string;
  /** For a duplicate: the id the stored story it repeats had before this write. */
  duplicateOf?: string;
}

/** What Library.repair did. */
export interface LibraryRepairs extends CatalogRepairs {
  /** Points in the rebuilt vector index; null when it was not rebuilt. */
  indexRebuilt: number | null;
  tempFilesRemoved: number;
  legacyLockRemoved: boolean;
}

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
  /** The saved index could not be used when this object opened the library (the repair is reported by `repair`). */
  private indexRebuiltOnOpen = false;
  private readonly lock: WriteLock;
  private readonly logger: Logger;

  private constructor(
    readonly dataDir: string,
    private readonly catalog: Catalog,
    private readonly hnsw: HnswParams,
    logger: Logger,
    /** True when this process cannot change the library: reads work, writes are refused, nothing is saved. */
    readonly readOnly: boolean,
    options: LibraryOptions,
  ) {
    this.logger = logger;
    this.lock = new WriteLock(dataDir, {
      waitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      logger,
      ...(options.onWriteWait ? { onWait: options.onWriteWait } : {}),
    });
  }

  /**
   * Opens the library in `dataDir`, creating it when absent. A read-only folder (or library file)
   * opens read-only. A damaged or emptied library.sqlite is refused with a UserError naming it; a
   * damaged or incomplete vector index is rebuilt from the embeddings stored in the catalog.
   */
  static open(options: LibraryOptions): Library {
    const logger = options.logger ?? silentLogger;
    const file = path.join(options.dataDir, LIBRARY_FILE);
    ensureFolder(options.dataDir);
    const readOnly = options.readOnly === true || !canWrite(options.dataDir) || !canWrite(file);
    if (readOnly && !fs.existsSync(file)) throw new UserError(storeMessages.noLibrary(options.dataDir));
    const catalog = new Catalog(file, { readonly: readOnly, logger });
    if (readOnly) logger.warn({ dataDir: options.dataDir }, 'library is read-only: writes are refused and the index is not saved');
    const library = new Library(options.dataDir, catalog, options.hnsw, logger, readOnly, options);
    try {
      library.loadIndex();
    } catch (error) {
      library.close();
      throw error;
    }
    return library;
  }

  private get indexFile(): string {
    return path.join(this.dataDir, INDEX_FILE);
  }

  private get stateFile(): string {
    return path.join(this.dataDir, INDEX_STATE_FILE);
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
    const saved = readIndexState(this.stateFile);
    const loaded = this.readIndexFile(dimensions, saved);
    let rebuilt = loaded === null;
    this.index = loaded?.index ?? VectorIndex.create(dimensions, this.hnsw, Math.max(1024, this.catalog.embeddedCount()));
    this.state = { generation: loaded?.generation ?? -1 };
    const replayed = this.catchUp();
    // A file can be whole and still not match the catalog (written by a writer that raced
    // another, or before checksums were recorded): its live points must be the embedded chunks.
    const expected = this.catalog.embeddedCount();
    if (this.index.liveCount !== expected) {
      this.logger.warn(
        { file: this.indexFile, points: this.index.liveCount, embeddedChunks: expected },
        'vector index does not match the catalog; rebuilding it from the stored embeddings',
      );
      this.rebuildIndexInMemory();
      rebuilt = true;
    } else if (replayed > 0) {
      this.logger.info({ replayed }, 'vector index was behind the catalog; repaired from stored embeddings');
    }
    this.indexRebuiltOnOpen = rebuilt;
    if (rebuilt || replayed > 0 || saved?.checksum === undefined) this.trySaveIndex();
  }

  /**
   * The saved index and the generation it reflects, or null when there is none or it cannot be
   * trusted (logged): every byte is checked before hnswlib reads it, since hnswlib trusts them.
   */
  private readIndexFile(dimensions: number, saved: SavedIndexState | null): { index: VectorIndex; generation: number } | null {
    if (!VectorIndex.exists(this.indexFile)) return null;
    let problem: string;
    try {
      const report = inspectIndexFile(this.indexFile, dimensions);
      const generation = generationOfIndexFile(saved, report);
      if (typeof generation === 'number') return { index: VectorIndex.read(this.indexFile, dimensions, this.hnsw, report), generation };
      problem =
        generation === 'mismatch'
          ? `its checksum ${report.checksum} (${report.bytes} bytes) is not the one recorded when it was saved (${saved?.checksum}, ${saved?.bytes} bytes)`
          : 'no record says which writes it holds';
    } catch (error) {
      if (!(error instanceof IndexFileDamage)) throw error;
      problem = error.message;
    }
    this.logger.warn({ file: this.indexFile, problem }, 'vector index damaged or unverifiable; rebuilding it from the stored embeddings');
    return null;
  }

  /** A fresh index holding every stored embedding. */
  private rebuildIndexInMemory(): void {
    const dimensions = this.dimensions;
    if (dimensions === undefined) return;
    this.index = VectorIndex.create(dimensions, this.hnsw, Math.max(1024, this.catalog.embeddedCount()));
    this.state = { generation: -1 };
    this.catchUp();
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

  /**
   * Saves the index if no other process is writing, trying once and never waiting: a reader's
   * repair is then kept for next time. A failure is logged, never thrown (a reader must not fail).
   */
  private trySaveIndex(): void {
    if (this.readOnly) return;
    try {
      if (!this.lock.tryAcquire()) return;
    } catch (error) {
      this.logger.warn({ err: error }, 'write lock unavailable; the repaired index is not saved');
      return;
    }
    try {
      this.saveIndex();
    } catch (error) {
      this.logger.warn({ err: error, file: this.indexFile }, 'could not save the vector index');
    } finally {
      this.lock.release();
    }
  }

  /** Saves the index and its state (under the write lock); throws IndexWriteError keeping the old file. */
  private saveIndex(): void {
    if (!this.index) return;
    for (const leftover of [...leftoverTempFiles(this.indexFile), ...leftoverTempFiles(this.stateFile)]) fs.rmSync(leftover, { force: true });
    const current = readIndexState(this.stateFile);
    const previous: SavedIndexFile | undefined =
      current?.checksum !== undefined && current.bytes !== undefined
        ? { generation: current.generation, checksum: current.checksum, bytes: current.bytes }
        : undefined;
    const generation = this.state.generation;
    this.index.save(this.indexFile, (report) => {
      const state: SavedIndexState = { generation, checksum: report.checksum, bytes: report.bytes, points: report.liveLabels.length };
      if (previous) state.previous = previous;
      writeJsonAtomically(this.stateFile, state);
    });
    this.pointsSinceSave = 0;
  }

  /**
   * What `newsroom check --repair` fixes, under the write lock: the catalog rows (see
   * repairCatalogRows), then the vector index, rebuilt from the stored embeddings when asked to
   * or when it does not hold exactly the embedded chunks, then saved (verified); leftovers of
   * crashed saves and the lock file of older versions are removed.
   */
  async repair(options: { rebuildIndex: boolean }): Promise<LibraryRepairs> {
    return this.write(async () => {
      const catalog = repairCatalogRows(this.catalog.db);
      this.catchUp();
      this.loadFilterTables();
      let indexRebuilt: number | null = null;
      if (this.dimensions !== undefined && (options.rebuildIndex || this.index?.liveCount !== this.catalog.embeddedCount())) {
        this.rebuildIndexInMemory();
        indexRebuilt = this.index?.liveCount ?? 0;
      } else if (this.indexRebuiltOnOpen) {
        indexRebuilt = this.index?.liveCount ?? 0;
      }
      const leftovers = [...leftoverTempFiles(this.indexFile), ...leftoverTempFiles(this.stateFile)];
      for (const file of leftovers) fs.rmSync(file, { force: true });
      const legacyLock = path.join(this.dataDir, LEGACY_LOCK_FILE);
      const legacyLockRemoved = fs.existsSync(legacyLock);
      fs.rmSync(legacyLock, { force: true });
      return { ...catalog, indexRebuilt, tempFilesRemoved: leftovers.length, legacyLockRemoved };
    });
  }

  /** Live points in the in-memory index (after bringing it up to date), and the embedded chunks it should hold. */
  indexCounts(): { points: number; expected: number } {
    this.catchUp();
    return { points: this.index?.liveCount ?? 0, expected: this.catalog.embeddedCount() };
  }

  // ---------------------------------------------------------------- reads

  /** Feed subscriptions and their items, read-only (changes go through LibraryWriter.feeds). */
  get feeds(): FeedReader {
    return this.catalog.feeds;
  }

  /** @internal used by LibraryWriter */
  feedTables(): FeedTables {
    return this.catalog.feeds;
  }

  listArticles(collections?: readonly string[]): StoredArticle[] {
    return this.catalog.listArticles(collections);
  }

  /** The stored article `id` names: its own id, or an alias (another source's id for the same story). */
  getArticle(collection: string, id: string): StoredArticle | undefined {
    return this.catalog.getArticle(collection, id);
  }

  /** The version a source (by the id it gives) last stored: unchanged content is skipped before embedding. */
  sourceVersion(collection: string, sourceId: string): { contentHash: string; source: string; articleId: string } | undefined {
    return this.catalog.sourceVersion(collection, sourceId);
  }

  /**
   * The stored article of `collection` that tells the same story as `body` (identical words, or a
   * near-duplicate: shingle Jaccard ≥ NEAR_DUPLICATE_THRESHOLD), with their similarity; null if none.
   */
  duplicateOf(collection: string, body: string): { articleId: string; similarity: number } | null {
    return this.catalog.duplicateOf(collection, body);
  }

  /** Every source of a collection: the id it gives, where it came from, and the article it resolves to. */
  sourcesIn(collection: string): { sourceId: string; source: string; articleId: string }[] {
    return this.catalog.sourcesIn(collection);
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

  /** What is stored, counted from the catalog (each count reads an index, not the rows). */
  counts(): { articles: number; chunks: number; embeddedChunks: number } {
    return { articles: this.catalog.articleCount(), chunks: this.catalog.chunkCount(), embeddedChunks: this.catalog.embeddedCount() };
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
      if (this.readOnly) throw new UserError(storeMessages.readOnly());
      await this.lock.acquire();
      try {
        this.catchUp();
        this.fingerprintOnce();
        const result = await work(new LibraryWriter(this));
        this.saveIndex();
        return result;
      } catch (error) {
        throw this.explainWriteError(error);
      } finally {
        this.lock.release();
      }
    };
    const result = this.writeQueue.then(run, run);
    this.writeQueue = result.catch(() => undefined);
    return result;
  }

  /** What went wrong in a write, in words for the person writing when it is about the disk. */
  private explainWriteError(error: unknown): unknown {
    if (error instanceof UserError) return error;
    if (error instanceof IndexWriteError) {
      const reason = error.diskFull ? storeMessages.diskFull(error.freeBytes, error.neededBytes) : error.message;
      this.logger.error({ err: error, file: this.indexFile }, 'vector index not saved; the previous file was kept');
      return new UserError(storeMessages.indexNotSaved(reason));
    }
    if (isDiskFullError(error)) return new UserError(storeMessages.databaseFull());
    // A file outside the library (an article being read) that cannot be opened is not about the library.
    const file = (error as NodeJS.ErrnoException).path;
    if (isReadOnlyError(error) && (file === undefined || file.startsWith(this.dataDir))) return new UserError(storeMessages.readOnly());
    return error;
  }

  /** Articles stored before duplicate detection existed get their fingerprints in the first write. */
  private fingerprintOnce(): void {
    if (this.catalog.fingerprintsCurrent()) return;
    const started = performance.now();
    const count = this.catalog.backfillFingerprints();
    if (count > 0) this.logger.info({ articles: count, ms: Math.round(performance.now() - started) }, 'fingerprinted stored articles for duplicate detection');
  }

  /** @internal used by LibraryWriter */
  putArticle(article: Article, collection: string, chunks: EmbeddedChunk[], model: EmbeddingModel | null): StoreResult {
    if (model) this.ensureModel(model);
    const { changes, ...result } = this.catalog.putVersion(article, collection, chunks);
    // No await between the commit above and applyChanges: a search in this process sees the
    // old or the new state, never a half one.
    if (changes) this.applyChanges(changes, this.filterInfo(collection, result.articleId));
    else this.state = { generation: this.catalog.generation() };
    return result;
  }

  /** @internal used by LibraryWriter */
  removeArticle(collection: string, id: string): boolean {
    const changes = this.catalog.removeArticle(collection, id);
    if (changes === null) return false;
    this.applyChanges(changes, null);
    return true;
  }

  /** @internal used by LibraryWriter */
  planSourceRemoval(collection: string, sourceId: string): SourceRemoval {
    return this.catalog.planSourceRemoval(collection, sourceId);
  }

  /** @internal used by LibraryWriter */
  dropSource(collection: string, sourceId: string): 'article' | 'alias' | null {
    const dropped = this.catalog.dropSource(collection, sourceId);
    if (!dropped) return null;
    if (dropped.changes) this.applyChanges(dropped.changes, null);
    else this.state = { generation: this.catalog.generation() };
    return dropped.removed;
  }

  /** @internal used by LibraryWriter */
  promoteSource(collection: string, sourceId: string, next: Article, chunks: EmbeddedChunk[], model: EmbeddingModel | null): void {
    if (model) this.ensureModel(model);
    const changes = this.catalog.promoteSource(collection, sourceId, next, chunks);
    this.applyChanges(changes, this.filterInfo(collection, next.id));
  }

  /** What search filters look at for a stored article (its published date is the stored, first one). */
  private filterInfo(collection: string, id: string): ArticleFilterInfo | null {
    const stored = this.catalog.getArticle(collection, id);
    return stored ? { id: stored.id, collection, published: stored.published } : null;
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
    if (this.pointsSinceSave >= Math.max(CHECKPOINT_EVERY, (index?.size ?? 0) / 2)) this.checkpoint();
  }

  /** A save during a long write; a failure waits for the next one (the write's final save reports it). */
  private checkpoint(): void {
    try {
      this.saveIndex();
    } catch (error) {
      this.logger.warn({ err: error, file: this.indexFile }, 'checkpoint of the vector index failed; the write goes on');
      this.pointsSinceSave = 0;
    }
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
    this.lock.close();
    this.catalog.close();
  }
}

/** Creates the library folder when absent; a folder that cannot be created is a UserError naming it. */
function ensureFolder(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new UserError(storeMessages.dataDirNotFolder(dir));
    return;
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserError(storeMessages.dataDirUnavailable(dir, (error as NodeJS.ErrnoException).code ?? 'error'));
  }
}

/** The write side handed out by Library.write(): only valid inside that call. */
export class LibraryWriter {
  constructor(private readonly library: Library) {}

  /** Stores an article unless the same content is already there; see storeArticle. */
  putArticle(
    article: Article,
    collection: string,
    chunks: EmbeddedChunk[],
    model: EmbeddingModel | null,
  ): PutOutcome {
    return this.storeArticle(article, collection, chunks, model).outcome;
  }

  /**
   * Stores one source's version of a story (Catalog.putVersion): unchanged, a new article, an
   * update that replaces the stored text atomically, or a duplicate of a stored story (stored
   * once, both sources recorded, the newer version cited). `chunks` are the article's own.
   */
  storeArticle(article: Article, collection: string, chunks: EmbeddedChunk[], model: EmbeddingModel | null): StoreResult {
    return this.library.putArticle(article, collection, chunks, model);
  }

  /** Retracts an article (by its id or an alias) with all its sources. */
  removeArticle(collection: string, id: string): boolean {
    return this.library.removeArticle(collection, id);
  }

  /** What removing one source would do; a `promote` needs the next version's chunks (promoteSource). */
  planSourceRemoval(collection: string, sourceId: string): SourceRemoval {
    return this.library.planSourceRemoval(collection, sourceId);
  }

  /** Removes a source that is not the cited version of a story with others (see planSourceRemoval). */
  dropSource(collection: string, sourceId: string): 'article' | 'alias' | null {
    return this.library.dropSource(collection, sourceId);
  }

  /** Removes the cited version's source, citing `next` (the newest remaining version) in its place. */
  promoteSource(collection: string, sourceId: string, next: Article, chunks: EmbeddedChunk[], model: EmbeddingModel | null): void {
    this.library.promoteSource(collection, sourceId, next, chunks, model);
  }

  setEmbeddings(items: { id: number; embedding: Float32Array }[], model: EmbeddingModel): void {
    this.library.setEmbeddings(items, model);
  }

  clearEmbeddings(): void {
    this.library.clearEmbeddings();
  }

  /** Feed subscriptions and item records, writable while this write lasts. */
  get feeds(): FeedTables {
    return this.library.feedTables();
  }
}

function publishedWithin(published: string | null, from: string | undefined, to: string | undefined): boolean {
  if (!from && !to) return true;
  if (!published) return false;
  if (from && published < from) return false;
  if (to && published.slice(0, to.length) > to) return false;
  return true;
}
