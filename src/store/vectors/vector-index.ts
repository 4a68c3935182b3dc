import fs from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { writeFileAtomically } from '../atomic-file.ts';
import { inspectIndexFile, IndexFileDamage, type IndexFileReport } from './index-file.ts';

export interface HnswParams {
  /** Graph degree (hnswlib's M). */
  m: number;
  efConstruction: number;
  /** Search breadth; hnswlib defaults to 10 and resets it on every read, so it is set after each open. */
  efSearch: number;
}

export interface Neighbor {
  id: number;
  /** Cosine distance (1 - cosine similarity). */
  distance: number;
}

const INITIAL_CAPACITY = 1024;

/**
 * Search breadth an index of `points` needs for recall@10 ≥ 0.99: ef 100 keeps recall at 1.000 up
 * to about 250k points, and the breadth needed grows with the square root of the size past that
 * (ef 200 at 1M: recall 0.998 where ef 100 gives 0.982). The configured efSearch is a floor.
 */
export function efForSize(points: number): number {
  return Math.ceil(100 * Math.sqrt(Math.max(1, points / 250_000)));
}

const HEADER_BYTES = 96;
const ABSENT = 0;
const LIVE = 1;
const DELETED = 2;

/** An index save that did not complete; the previous file is still in place. */
export class IndexWriteError extends Error {
  override readonly name = 'IndexWriteError';
  readonly diskFull: boolean;
  /** Bytes free on the file system before the save, when known. */
  readonly freeBytes: number | null;
  /** Bytes the save needs at least. */
  readonly neededBytes: number;

  constructor(message: string, diskFull: boolean, freeBytes: number | null, neededBytes: number) {
    super(message);
    this.diskFull = diskFull;
    this.freeBytes = freeBytes;
    this.neededBytes = neededBytes;
  }
}

/** Less than this free after a short write means the disk filled up. */
const NEARLY_FULL_BYTES = 1024 * 1024;

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function freeBytes(dir: string): number | null {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/**
 * hnswlib-node's HierarchicalNSW over chunk ids. Grows its capacity as needed, reuses the slots
 * of deleted points, knows which labels are live (hnswlib does not say), checks a file before
 * loading it, and saves atomically, checking every byte before the old file is replaced.
 */
export class VectorIndex {
  /** hnswlib-node takes plain arrays (and copies them): one reused buffer avoids an allocation per call. */
  private readonly scratch: number[];
  /** What hnswlib holds for each label: ABSENT, LIVE or DELETED (hnswlib itself does not say). */
  private labels = new Uint8Array(INITIAL_CAPACITY);
  private liveTotal = 0;

  private readonly index: hnswlib.HierarchicalNSW;
  readonly dimensions: number;
  private readonly params: HnswParams;

  /** Graph degree of this index (a loaded file keeps the one it was built with). */
  private readonly m: number;
  /** The ef hnswlib was last given. */
  private ef: number;

  private constructor(index: hnswlib.HierarchicalNSW, dimensions: number, params: HnswParams, m: number) {
    this.m = m;
    this.index = index;
    this.dimensions = dimensions;
    this.params = params;
    this.ef = params.efSearch;
    index.setEf(params.efSearch);
    this.scratch = new Array<number>(dimensions).fill(0);
  }

  private asArray(vector: Float32Array): number[] {
    for (let i = 0; i < this.dimensions; i++) this.scratch[i] = vector[i] as number;
    return this.scratch;
  }

  static create(dimensions: number, params: HnswParams, capacity = INITIAL_CAPACITY): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    index.initIndex({ maxElements: capacity, m: params.m, efConstruction: params.efConstruction, allowReplaceDeleted: true });
    return new VectorIndex(index, dimensions, params, params.m);
  }

  /**
   * Loads a file that `inspectIndexFile` found well-formed (`report` is what it found). Throws
   * IndexFileDamage for a file that fails the inspection when `report` is not given.
   */
  static read(
    file: string,
    dimensions: number,
    params: HnswParams,
    report: IndexFileReport = inspectIndexFile(file, dimensions),
  ): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    index.readIndexSync(file, true);
    return VectorIndex.loaded(index, dimensions, params, report);
  }

  /** `read` with hnswlib reading the file on a libuv thread: the main thread goes on meanwhile. */
  static async readInBackground(file: string, dimensions: number, params: HnswParams, report: IndexFileReport): Promise<VectorIndex> {
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    await index.readIndex(file, true);
    return VectorIndex.loaded(index, dimensions, params, report);
  }

  private static loaded(index: hnswlib.HierarchicalNSW, dimensions: number, params: HnswParams, report: IndexFileReport): VectorIndex {
    if (index.getCurrentCount() !== report.slots) {
      throw new IndexFileDamage(`hnswlib read ${index.getCurrentCount()} points where the file holds ${report.slots}`);
    }
    const loaded = new VectorIndex(index, dimensions, params, report.m);
    for (const label of report.deletedLabels) loaded.setLabel(label, DELETED);
    for (const label of report.liveLabels) loaded.setLabel(label, LIVE);
    return loaded;
  }

  /** The ef searches use: the configured one, or more for a large index (efForSize). */
  get searchBreadth(): number {
    return Math.max(this.params.efSearch, efForSize(this.liveTotal));
  }

  /** Number of slots in use, deleted points included. */
  get size(): number {
    return this.index.getCurrentCount();
  }

  /** Number of points not marked deleted. */
  get liveCount(): number {
    return this.liveTotal;
  }

  isLive(id: number): boolean {
    return this.labels[id] === LIVE;
  }

  private setLabel(id: number, state: number): void {
    if (id >= this.labels.length) {
      const grown = new Uint8Array(Math.max(id + 1, this.labels.length * 2));
      grown.set(this.labels);
      this.labels = grown;
    }
    if (this.labels[id] === LIVE) this.liveTotal--;
    if (state === LIVE) this.liveTotal++;
    this.labels[id] = state;
  }

  /** Adds a point, or replaces the vector of a stored one (a replayed write). */
  add(id: number, vector: Float32Array): void {
    if (vector.length !== this.dimensions) {
      throw new Error(`vector has ${vector.length} dimensions, the index ${this.dimensions}`);
    }
    const state = this.labels[id] ?? ABSENT;
    if (state !== ABSENT && this.updateInPlace(id, state, vector)) return;
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) {
      this.index.resizeIndex(Math.max(INITIAL_CAPACITY, this.index.getMaxElements() * 2));
    }
    this.index.addPoint(this.asArray(vector), id, true);
    this.setLabel(id, LIVE);
  }

  /**
   * A label hnswlib already holds keeps its slot: added again "into a free slot", it would sit
   * in two slots, and whichever hnswlib looks up later may be the wrong one.
   */
  private updateInPlace(id: number, state: number, vector: Float32Array): boolean {
    try {
      if (state === DELETED) this.index.unmarkDelete(id);
      this.index.addPoint(this.asArray(vector), id, false);
    } catch {
      // The slot was reused by another point since: store it as a new one.
      this.setLabel(id, ABSENT);
      return false;
    }
    this.setLabel(id, LIVE);
    return true;
  }

  /** Marks a point deleted; absent or already deleted points are ignored (replays are idempotent). */
  remove(id: number): void {
    if (!this.isLive(id)) return;
    this.index.markDelete(id);
    this.setLabel(id, DELETED);
  }

  search(vector: Float32Array, k: number, accept?: (id: number) => boolean): Neighbor[] {
    const n = Math.min(k, this.index.getMaxElements());
    if (n <= 0 || this.index.getCurrentCount() === 0) return [];
    if (vector.length !== this.dimensions) throw new Error(`query has ${vector.length} dimensions, the index ${this.dimensions}`);
    // hnswlib needs ef ≥ k to return k results.
    const ef = Math.max(n, this.searchBreadth);
    if (ef !== this.ef) this.index.setEf((this.ef = ef));
    const query = this.asArray(vector);
    const result = accept ? this.index.searchKnn(query, n, accept) : this.index.searchKnn(query, n);
    return result.neighbors.map((id, i) => ({ id, distance: result.distances[i] ?? 1 }));
  }

  /** Bytes a save needs at least (the level-0 records; upper levels add a few per cent). */
  private minimumFileBytes(): number {
    return HEADER_BYTES + this.size * (4 + 8 * this.m + 4 * this.dimensions + 8);
  }

  /**
   * Saves to `file` atomically. hnswlib's writer reports no error (a full disk leaves a short
   * file), so the written file is read back and inspected before it replaces the old one:
   * that read also yields the checksum, and costs about as much as the write. `beforeReplace`
   * runs with the new file's report after it checked out, before the rename.
   */
  save(file: string, beforeReplace?: (report: IndexFileReport) => void): IndexFileReport {
    // Slots are never freed, so the file being replaced is a floor too.
    const needed = Math.max(this.minimumFileBytes(), fileSize(file));
    const dir = path.dirname(file);
    const free = freeBytes(dir);
    if (free !== null && free < needed) {
      throw new IndexWriteError(`only ${free} bytes are free for an index of at least ${needed} bytes`, true, free, needed);
    }
    let report: IndexFileReport | undefined;
    let fullAfterWrite = false;
    try {
      writeFileAtomically(
        file,
        (temp) => this.index.writeIndexSync(temp),
        (temp) => {
          let written: IndexFileReport;
          try {
            written = inspectIndexFile(temp, this.dimensions);
            if (written.slots !== this.size || written.liveLabels.length !== this.liveTotal) {
              throw new IndexFileDamage(`it holds ${written.liveLabels.length} of ${this.liveTotal} points`);
            }
          } catch (error) {
            // Measured while the short file still takes its space.
            fullAfterWrite = (freeBytes(dir) ?? Infinity) < NEARLY_FULL_BYTES;
            throw error;
          }
          beforeReplace?.(written);
          report = written;
        },
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof IndexFileDamage || code === 'ENOENT') {
        const detail = error instanceof IndexFileDamage ? error.message : 'hnswlib could not create it';
        throw new IndexWriteError(`the written index was incomplete: ${detail}`, fullAfterWrite, free, needed);
      }
      if (code === 'ENOSPC') throw new IndexWriteError('the disk is full', true, free, needed);
      throw error;
    }
    return report as IndexFileReport;
  }

  static exists(file: string): boolean {
    return fs.existsSync(file);
  }
}
