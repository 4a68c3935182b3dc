import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../log.ts';
import { leftoverTempFiles, writeJsonAtomically } from '../atomic-file.ts';
import type { ChunkChanges } from '../catalog/article-rows.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { IndexFileDamage, inspectIndexFile } from './index-file.ts';
import { readSavedIndex, type SavedIndexRead } from './index-loader.ts';
import {
  generationOfIndexFile,
  INDEX_FILE,
  INDEX_STATE_FILE,
  readIndexState,
  unusableFile,
  type LoadedIndex,
  type SavedIndexFile,
  type SavedIndexState,
} from './index-state.ts';
import { VectorIndex, type HnswParams, type Neighbor } from './vector-index.ts';
import type { WriteLock } from '../write-lock.ts';

/** Saves the index during long ingests too, so a crash replays at most this many points. */
const CHECKPOINT_EVERY = 20_000;

export interface IndexReplicaOptions {
  dataDir: string;
  hnsw: HnswParams;
  logger: Logger;
  /** Nothing is saved when true. */
  readOnly: boolean;
  /** Taken (never waited for) to save a repair made while reading. */
  lock: WriteLock;
}

/**
 * The HNSW vector index as a derived copy of the catalog's embeddings: loaded from its file
 * (verified), brought up to date from the catalog's change log without re-embedding anything,
 * and saved with a record of the catalog generation it reflects.
 */
export class IndexReplica {
  private index: VectorIndex | null = null;
  /** Set while the saved index is read in the background; a new load or a clear replaces it. */
  private pendingLoad: object | null = null;
  /** The catalog generation the in-memory index reflects (-1: replay everything). */
  private reflects = 0;
  private pointsSinceSave = 0;
  /** The saved index could not be used when it was loaded (the repair is reported by `newsroom check --repair`). */
  rebuiltOnLoad = false;
  readonly indexFile: string;
  readonly stateFile: string;
  private readonly logger: Logger;

  private readonly catalog: Catalog;
  private readonly options: IndexReplicaOptions;

  constructor(catalog: Catalog, options: IndexReplicaOptions) {
    this.catalog = catalog;
    this.options = options;
    this.indexFile = path.join(options.dataDir, INDEX_FILE);
    this.stateFile = path.join(options.dataDir, INDEX_STATE_FILE);
    this.logger = options.logger;
  }

  /** The catalog generation the in-memory index reflects. */
  get generation(): number {
    return this.reflects;
  }

  /** Live points in the in-memory index. */
  get liveCount(): number {
    return this.index?.liveCount ?? 0;
  }

  /**
   * Loads the saved index, replays what the catalog committed since, and rebuilds it from the
   * stored embeddings when it is damaged or does not hold exactly the embedded chunks. A repair
   * is saved when no other process is writing.
   */
  load(): void {
    const dimensions = this.catalog.dimensions();
    if (dimensions === undefined) {
      this.reflects = this.catalog.generation();
      return;
    }
    const saved = readIndexState(this.stateFile);
    this.install(this.readIndexFile(dimensions, saved), saved);
  }

  /** True while `loadInBackground` reads the saved index: searches find nothing by vector meanwhile. */
  get loading(): boolean {
    return this.pendingLoad !== null;
  }

  /**
   * `load`, with the saved file read off the main thread: until it is in, writes are applied to
   * the catalog only (the change log replays them into the loaded index), `search` finds nothing
   * and `loading` is true. `beforeInstall` runs between the read and the replay (tests slow it
   * down). Without a saved file there is nothing slow to wait for: it loads at once. Resolves
   * false when the load was given up (the library closed, or every embedding cleared, meanwhile).
   */
  async loadInBackground(beforeInstall?: () => Promise<void>): Promise<boolean> {
    const dimensions = this.catalog.dimensions();
    if (dimensions === undefined || !VectorIndex.exists(this.indexFile)) {
      this.load();
      return true;
    }
    const token = {};
    this.pendingLoad = token;
    this.reflects = this.catalog.generation();
    let read: SavedIndexRead;
    try {
      read = await readSavedIndex(this.indexFile, this.stateFile, dimensions, this.options.hnsw);
      if (read.problem)
        this.logger.warn(
          { file: this.indexFile, problem: read.problem },
          'vector index damaged or unverifiable; rebuilding it from the stored embeddings',
        );
    } catch (error) {
      this.logger.warn({ err: error, file: this.indexFile }, 'vector index could not be read; rebuilding it from the stored embeddings');
      read = { loaded: null, saved: null, problem: null };
    }
    await beforeInstall?.();
    // Cleared (every embedding forgotten) or closed meanwhile: the file read is no longer wanted.
    if (this.pendingLoad !== token) return false;
    this.pendingLoad = null;
    this.install(read.loaded, read.saved);
    return true;
  }

  /** Forgets a load in progress (the library is closing). */
  cancelLoad(): void {
    this.pendingLoad = null;
  }

  /** Replays onto `loaded` what the catalog committed since its file was saved, or rebuilds it; saves a repair. */
  private install(loaded: LoadedIndex | null, saved: SavedIndexState | null): void {
    const dimensions = this.catalog.dimensions();
    if (dimensions === undefined) return;
    let rebuilt = loaded === null;
    this.index = loaded?.index ?? this.emptyIndex(dimensions);
    this.reflects = loaded?.generation ?? -1;
    const replayed = this.catchUp(this.catalog.generation());
    // A file can be whole and still not match the catalog (written by a writer that raced
    // another, or before checksums were recorded): its live points must be the embedded chunks.
    const expected = this.catalog.embeddedCount();
    if (this.index.liveCount !== expected) {
      this.logger.warn(
        { file: this.indexFile, points: this.index.liveCount, embeddedChunks: expected },
        'vector index does not match the catalog; rebuilding it from the stored embeddings',
      );
      this.rebuild();
      rebuilt = true;
    } else if (replayed > 0) {
      this.logger.info({ replayed }, 'vector index was behind the catalog; repaired from stored embeddings');
    }
    this.rebuiltOnLoad = rebuilt;
    if (rebuilt || replayed > 0 || saved?.checksum === undefined) this.trySave();
  }

  private emptyIndex(dimensions: number): VectorIndex {
    return VectorIndex.create(dimensions, this.options.hnsw, Math.max(1024, this.catalog.embeddedCount()));
  }

  /**
   * The saved index and the generation it reflects, or null when there is none or it cannot be
   * trusted (logged): every byte is checked before hnswlib reads it, since hnswlib trusts them.
   */
  private readIndexFile(dimensions: number, saved: SavedIndexState | null): LoadedIndex | null {
    if (!VectorIndex.exists(this.indexFile)) return null;
    let problem: string;
    try {
      const report = inspectIndexFile(this.indexFile, dimensions);
      const generation = generationOfIndexFile(saved, report);
      if (typeof generation === 'number')
        return { index: VectorIndex.read(this.indexFile, dimensions, this.options.hnsw, report), generation };
      problem = unusableFile(generation, report, saved);
    } catch (error) {
      if (!(error instanceof IndexFileDamage)) throw error;
      problem = error.message;
    }
    this.logger.warn({ file: this.indexFile, problem }, 'vector index damaged or unverifiable; rebuilding it from the stored embeddings');
    return null;
  }

  /** A fresh index holding every stored embedding. */
  rebuild(): void {
    const dimensions = this.catalog.dimensions();
    if (dimensions === undefined) return;
    this.index = this.emptyIndex(dimensions);
    this.reflects = -1;
    this.catchUp(this.catalog.generation());
  }

  /**
   * Applies what the catalog committed after the generation this copy reflects, up to
   * `generation` or later (another process's write, or a crash before the index was saved).
   * Returns the points replayed.
   */
  catchUp(generation: number): number {
    if (generation === this.reflects) return 0;
    if (this.pendingLoad) {
      // The loaded index replays everything since its file was saved, this too.
      this.reflects = generation;
      return 0;
    }
    const dimensions = this.catalog.dimensions();
    if (!this.index && dimensions !== undefined) {
      // Another process stored the first embeddings since this one opened the library.
      this.index = VectorIndex.create(dimensions, this.options.hnsw);
      this.reflects = -1;
    }
    if (!this.index) {
      this.reflects = generation;
      return 0;
    }
    const delta = this.catalog.changes.since(this.reflects);
    for (const { id, embedding } of delta.added) this.index.add(id, embedding);
    for (const id of delta.removed) this.index.remove(id);
    this.reflects = delta.generation;
    return delta.added.length + delta.removed.length;
  }

  /** Creates the index for the first embeddings of a `dimensions` model; true when it was absent. */
  ensureIndex(dimensions: number): boolean {
    if (this.index || this.pendingLoad) return false;
    this.index = VectorIndex.create(dimensions, this.options.hnsw);
    this.reflects = -1;
    return true;
  }

  /** Nearest chunks to `vector` among those `accept` admits, closest first. */
  search(vector: Float32Array, k: number, accept: ((id: number) => boolean) | undefined): Neighbor[] {
    if (!this.index) return [];
    if (vector.length !== this.index.dimensions) {
      throw new Error(`query vector has ${vector.length} dimensions; the library stores ${this.index.dimensions}`);
    }
    return this.index.search(vector, k, accept);
  }

  isLive(id: number): boolean {
    return this.index?.isLive(id) ?? false;
  }

  /** Applies a write this process just committed (catalog now at `generation`), with a checkpoint save when due. */
  apply(changes: ChunkChanges, generation: number): void {
    const index = this.index;
    for (const id of changes.removed) index?.remove(id);
    for (const { id, embedding } of changes.added) index?.add(id, embedding);
    this.reflects = generation;
    this.pointsSinceSave += changes.added.length;
    if (this.saveDue()) this.checkpoint();
  }

  /** Each checkpoint rewrites the whole index: space them in proportion to its size. */
  private saveDue(): boolean {
    return this.pointsSinceSave >= Math.max(CHECKPOINT_EVERY, (this.index?.size ?? 0) / 2);
  }

  /** Saves (as save() does) only when enough was added since the last save; else the saved file stays behind. */
  saveIfDue(): void {
    if (this.saveDue()) this.save();
  }

  /** Follows a committed write that changed nothing the index holds. */
  advanceTo(generation: number): void {
    this.reflects = generation;
  }

  /** Forgets the index and its files (every embedding was cleared, catalog now at `generation`). */
  clear(generation: number): void {
    this.pendingLoad = null;
    this.index = null;
    fs.rmSync(this.indexFile, { force: true });
    fs.rmSync(this.stateFile, { force: true });
    this.reflects = generation;
  }

  /** Removes what crashed saves left behind; returns how many files. */
  removeLeftovers(): number {
    const leftovers = [...leftoverTempFiles(this.indexFile), ...leftoverTempFiles(this.stateFile)];
    for (const file of leftovers) fs.rmSync(file, { force: true });
    return leftovers.length;
  }

  /** A save during a long write; a failure waits for the next one (the write's final save reports it). */
  private checkpoint(): void {
    try {
      this.save();
    } catch (error) {
      this.logger.warn({ err: error, file: this.indexFile }, 'checkpoint of the vector index failed; the write goes on');
      this.pointsSinceSave = 0;
    }
  }

  /**
   * Saves the index if no other process is writing, trying once and never waiting: a reader's
   * repair is then kept for next time. A failure is logged, never thrown (a reader must not fail).
   */
  private trySave(): void {
    const lock = this.options.lock;
    // A write of this process holds it: that write saves the index when it ends.
    if (this.options.readOnly || lock.isHeld) return;
    try {
      if (!lock.tryAcquire()) return;
    } catch (error) {
      this.logger.warn({ err: error }, 'write lock unavailable; the repaired index is not saved');
      return;
    }
    try {
      this.save();
    } catch (error) {
      this.logger.warn({ err: error, file: this.indexFile }, 'could not save the vector index');
    } finally {
      lock.release();
    }
  }

  /** Saves the index and its state (under the write lock); throws IndexWriteError keeping the old file. */
  save(): void {
    if (!this.index) return;
    this.removeLeftovers();
    const current = readIndexState(this.stateFile);
    const previous: SavedIndexFile | undefined =
      current?.checksum !== undefined && current.bytes !== undefined
        ? { generation: current.generation, checksum: current.checksum, bytes: current.bytes }
        : undefined;
    const generation = this.reflects;
    this.index.save(this.indexFile, (report) => {
      const state: SavedIndexState = { generation, checksum: report.checksum, bytes: report.bytes, points: report.liveLabels.length };
      if (previous) state.previous = previous;
      writeJsonAtomically(this.stateFile, state);
    });
    this.pointsSinceSave = 0;
  }
}
