import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { storeMessages } from '../messages/store.ts';
import { ArticleFilters, NONE, type ArticleFilterInfo } from './catalog/article-filters.ts';
import { repairCatalogRows, type CatalogRepairs } from './maintenance/catalog-repair.ts';
import { CatalogWriter } from './catalog/catalog-writer.ts';
import { Catalog } from './catalog/catalog.ts';
import { PendingChunks } from './catalog/pending.ts';
import { IndexReplica } from './vectors/index-replica.ts';
import { refuseWhileRestoring } from './maintenance/restore-recovery.ts';
import { canWrite, isDiskFullError, isReadOnlyError, refuseUnreadableFolder } from './sqlite-file.ts';
import type { CatalogReader, LibraryReader } from './reader.ts';
import type { SearchFilter } from './types.ts';
import { IndexWriteError, type HnswParams, type Neighbor } from './vectors/vector-index.ts';
import { LEGACY_LOCK_FILE, WriteLock, type LockHolder } from './write-lock.ts';
import { mergeKeywordIndexes, upgradeStoredData } from './upgrades.ts';
import { LibraryWriter } from './writer.ts';

/*
 * SQLite's page cache, in KiB (negative pragma values). A write touches the chunk rows, both
 * keyword indexes and the duplicate-detection bands at scattered places: with SQLite's default
 * 2 MB it read the same pages again and again (the catalog's share of a 20,000-chunk build took
 * 6.2 s instead of 10.5 with 64 MB). Readers keep the default, so the bot's memory stays as it was.
 */
const WRITE_CACHE = -65_536;
const READ_CACHE = -2_000;

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
  /** Caps library.sqlite's size (SQLite's max_page_count; past it writes fail as on a full disk): tests fill it up. */
  maxBytes?: number;
  /**
   * `background`: open returns before the saved vector index is read (off the main thread);
   * keyword search serves meanwhile, `vectorsLoading` says so, and `vectorsReady()` resolves when
   * it is in. `now` (the default): open reads it first.
   */
  indexLoad?: 'now' | 'background';
  /** Awaited between the background read and its replay into use (tests slow the load down with it). */
  beforeIndexInstalled?: () => Promise<void>;
}

export const LIBRARY_FILE = 'library.sqlite';
const DEFAULT_LOCK_WAIT_MS = 300_000;

export type { ArticleFilterInfo } from './catalog/article-filters.ts';
export type { SourceRemoval } from './catalog/catalog-writer.ts';
export type { CatalogReader, LibraryReader } from './reader.ts';
export type { PutOutcome } from './types.ts';
export type { EmbeddingModel, LibraryWriter, StoreResult } from './writer.ts';

/** What Library.repair did. */
export interface LibraryRepairs extends CatalogRepairs {
  /** Points in the rebuilt vector index; null when it was not rebuilt. */
  indexRebuilt: number | null;
  tempFilesRemoved: number;
  legacyLockRemoved: boolean;
}

/**
 * The articles library: the SQLite catalog (source of truth, with embeddings) plus the HNSW
 * vector index and the search filters derived from it. The derived copies may lag the catalog
 * after a crash or another process's write; every search first brings them up to date from the
 * catalog's change log, without re-embedding anything. The catalog's reads are `catalog`, the
 * searches methods here (together a LibraryReader); every change goes through the LibraryWriter
 * handed to `write()`.
 */
export class Library implements LibraryReader {
  private readonly replica: IndexReplica;
  private readonly filters = new ArticleFilters();
  /** The catalog's write side, made by the first write (a read-only library never has one). */
  private edits: CatalogWriter | undefined;
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readonly lock: WriteLock;
  private readonly logger: Logger;
  private indexLoaded: Promise<void> = Promise.resolve();

  readonly dataDir: string;
  /** The catalog's reads (articles, chunks, sources, feeds, findings), for everyone. */
  readonly catalog: CatalogReader;
  /** The same catalog with what only the library and its writer use: the database, the change log. */
  private readonly sql: Catalog;
  /** True when this process cannot change the library: reads work, writes are refused, nothing is saved. */
  readonly readOnly: boolean;

  private constructor(dataDir: string, catalog: Catalog, hnsw: HnswParams, logger: Logger, readOnly: boolean, options: LibraryOptions) {
    this.dataDir = dataDir;
    this.sql = catalog;
    this.catalog = catalog;
    this.readOnly = readOnly;
    this.logger = logger;
    this.lock = new WriteLock(dataDir, {
      waitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      logger,
      ...(options.onWriteWait ? { onWait: options.onWriteWait } : {}),
    });
    this.replica = new IndexReplica(catalog, { dataDir, hnsw, logger, readOnly, lock: this.lock });
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
    refuseUnreadableFolder(options.dataDir);
    refuseWhileRestoring(options.dataDir);
    const readOnly = options.readOnly === true || !canWrite(options.dataDir) || !canWrite(file);
    if (readOnly && !fs.existsSync(file)) throw new UserError(storeMessages.noLibrary(options.dataDir));
    const catalog = new Catalog(file, { readonly: readOnly, logger });
    if (options.maxBytes)
      catalog.db.pragma(`max_page_count = ${Math.floor(options.maxBytes / Number(catalog.db.pragma('page_size', { simple: true })))}`);
    if (readOnly) logger.warn({ dataDir: options.dataDir }, 'library is read-only: writes are refused and the index is not saved');
    const library = new Library(options.dataDir, catalog, options.hnsw, logger, readOnly, options);
    try {
      if (options.indexLoad === 'background') library.loadIndexInBackground(options.beforeIndexInstalled);
      else library.replica.load();
      library.filters.reload(catalog);
    } catch (error) {
      library.close();
      throw error;
    }
    return library;
  }

  private loadIndexInBackground(beforeInstall: (() => Promise<void>) | undefined): void {
    const started = performance.now();
    this.indexLoaded = this.replica.loadInBackground(beforeInstall).then(
      (installed) => {
        if (installed)
          this.logger.info(
            { points: this.replica.liveCount, ms: Math.round(performance.now() - started) },
            'vector index loaded; search is hybrid',
          );
      },
      (error: unknown) => this.logger.error({ err: error, file: this.replica.indexFile }, 'vector index could not be loaded'),
    );
  }

  /** True while the vector index loads in the background: dense search finds nothing meanwhile. */
  get vectorsLoading(): boolean {
    return this.replica.loading;
  }

  /** Resolves once the vector index is loaded (at once when it was loaded by open). */
  vectorsReady(): Promise<void> {
    return this.indexLoaded;
  }

  /** Embedding model the stored vectors came from, or undefined for an empty library. */
  get modelId(): string | undefined {
    return this.sql.getMeta('model');
  }

  /** Precision of the weights the stored vectors came from (`fp32`, `q8`), or undefined for an empty library. */
  get embeddingDtype(): string | undefined {
    return this.sql.embeddingDtype();
  }

  get dimensions(): number | undefined {
    return this.sql.dimensions();
  }

  /**
   * Brings the vector index and the filters up to date with what the catalog committed since
   * this object last looked. Returns the points replayed.
   */
  private catchUp(): number {
    const generation = this.sql.generation();
    if (generation === this.replica.generation) return 0;
    const replayed = this.replica.catchUp(generation);
    // Articles may have come or gone: what collection filters look at must follow.
    this.filters.reload(this.sql);
    return replayed;
  }

  /**
   * What `newsroom check --repair` fixes, under the write lock: the catalog rows (see
   * repairCatalogRows), then the vector index, rebuilt from the stored embeddings when asked to
   * or when it does not hold exactly the embedded chunks, then saved (verified); leftovers of
   * crashed saves and the lock file of older versions are removed.
   */
  async repair(options: { rebuildIndex: boolean }): Promise<LibraryRepairs> {
    await this.indexLoaded;
    return this.write(async () => {
      const catalog = repairCatalogRows(this.sql.db);
      this.catchUp();
      this.filters.reload(this.sql);
      let indexRebuilt: number | null = null;
      if (this.sql.dimensions() !== undefined && (options.rebuildIndex || this.replica.liveCount !== this.sql.embeddedCount())) {
        this.replica.rebuild();
        indexRebuilt = this.replica.liveCount;
      } else if (this.replica.rebuiltOnLoad) {
        indexRebuilt = this.replica.liveCount;
      }
      const tempFilesRemoved = this.replica.removeLeftovers();
      const legacyLock = path.join(this.dataDir, LEGACY_LOCK_FILE);
      const legacyLockRemoved = fs.existsSync(legacyLock);
      fs.rmSync(legacyLock, { force: true });
      return { ...catalog, indexRebuilt, tempFilesRemoved, legacyLockRemoved };
    });
  }

  /** Live points in the in-memory index (after bringing it up to date), and the embedded chunks it should hold. */
  indexCounts(): { points: number; expected: number } {
    this.catchUp();
    return { points: this.replica.liveCount, expected: this.sql.embeddedCount() };
  }

  // ---------------------------------------------------------------- reads

  /** What is stored, counted from the catalog (each count reads an index, not the rows). */
  counts(): { articles: number; chunks: number; embeddedChunks: number } {
    return { articles: this.sql.articleCount(), chunks: this.sql.chunkCount(), embeddedChunks: this.sql.embeddedCount() };
  }

  articleKeyOf(chunkId: number): number {
    return this.filters.articleKeyOf(chunkId);
  }

  articleInfoOf(articleKey: number): ArticleFilterInfo | undefined {
    return this.filters.articleInfoOf(articleKey);
  }

  /** Nearest chunks to `vector` among those the filter admits, closest first. */
  denseSearch(vector: Float32Array, k: number, filter: SearchFilter): Neighbor[] {
    this.catchUp();
    const accept = this.filters.accept(filter);
    return accept === NONE ? [] : this.replica.search(vector, k, accept);
  }

  /**
   * BM25 over every chunk the filter admits. Search scores passages within candidate stories
   * instead (keywordSearchInArticles); benchmarks and tests compare against this search of every chunk.
   */
  keywordSearch(match: string, k: number, filter: SearchFilter): { chunkId: number; score: number }[] {
    this.catchUp();
    const accept = this.filters.accept(filter);
    return accept === NONE ? [] : this.sql.keywordSearch(match, k, accept);
  }

  /** BM25 among the chunks of articles already chosen (they passed the search's filter), best first. */
  keywordSearchInArticles(match: string, k: number, articleKeys: readonly number[]): { chunkId: number; score: number }[] {
    this.catchUp();
    return this.sql.keywordSearchInArticles(match, k, articleKeys);
  }

  /** BM25 over whole articles (headline and body), among the articles the filter admits, best first. */
  articleSearch(match: string, k: number, filter: SearchFilter): { articleKey: number; score: number }[] {
    this.catchUp();
    const { accept, share } = this.filters.articleFilter(filter);
    return accept === NONE ? [] : this.sql.articleSearch(match, k, accept, share);
  }

  /** Whether a chunk's embedding is in the vector index (false while it waits for the model). */
  isEmbedded(chunkId: number): boolean {
    return this.replica.isLive(chunkId);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Runs `work` as the only writer: in this process (queued) and across processes (lock file).
   * The index is brought up to date first and saved at the end; with `saveIndex: 'when-due'` (one
   * batch of a long import) only at the checkpoints its growth calls for, since the catalog holds
   * every vector and a lagging index catches up from it on the next open.
   */
  async write<T>(work: (writer: LibraryWriter) => Promise<T>, options: { saveIndex?: 'always' | 'when-due' } = {}): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.readOnly) throw new UserError(storeMessages.readOnly());
      await this.lock.acquire();
      try {
        this.catchUp();
        const edits = (this.edits ??= new CatalogWriter(this.sql));
        // Each step reads its mark in the catalog and does nothing once done.
        upgradeStoredData(this.sql, edits, this.logger);
        const writer = new LibraryWriter({ catalog: this.sql, edits, replica: this.replica, filters: this.filters });
        this.sql.db.pragma(`cache_size = ${WRITE_CACHE}`);
        try {
          const result = await work(writer);
          mergeKeywordIndexes(this.sql, this.logger);
          if (options.saveIndex === 'when-due') this.replica.saveIfDue();
          else this.replica.save();
          return result;
        } finally {
          writer.revoke();
          this.sql.db.pragma(`cache_size = ${READ_CACHE}`);
        }
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
      this.logger.error({ err: error, file: this.replica.indexFile }, 'vector index not saved; the previous file was kept');
      return new UserError(storeMessages.indexNotSaved(reason));
    }
    if (isDiskFullError(error)) return new UserError(storeMessages.databaseFull());
    // A file outside the library (an article being read) that cannot be opened is not about the library.
    const file = (error as NodeJS.ErrnoException).path;
    if (isReadOnlyError(error) && (file === undefined || file.startsWith(this.dataDir))) return new UserError(storeMessages.readOnly());
    return error;
  }

  private pending: PendingChunks | undefined;

  /** Chunks awaiting an embedding, read article by article, newest story first (see PendingChunks). */
  get pendingByArticle(): PendingChunks {
    return (this.pending ??= new PendingChunks(this.sql.db, this.sql.texts));
  }

  close(): void {
    this.replica.cancelLoad();
    this.lock.close();
    this.sql.close();
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
