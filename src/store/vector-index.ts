import fs from 'node:fs';
import hnswlib from 'hnswlib-node';
import { writeFileAtomically } from './atomic-file.ts';

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
 * hnswlib-node's HierarchicalNSW over chunk ids. Grows its capacity as needed, reuses the slots
 * of deleted points, and saves atomically.
 */
export class VectorIndex {
  /** hnswlib-node takes plain arrays (and copies them): one reused buffer avoids an allocation per call. */
  private readonly scratch: number[];

  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dimensions: number,
    private readonly params: HnswParams,
  ) {
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
    return new VectorIndex(index, dimensions, params);
  }

  static read(file: string, dimensions: number, params: HnswParams): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    index.readIndexSync(file, true);
    return new VectorIndex(index, dimensions, params);
  }

  /** Number of slots in use, deleted points included. */
  get size(): number {
    return this.index.getCurrentCount();
  }

  add(id: number, vector: Float32Array): void {
    if (vector.length !== this.dimensions) {
      throw new Error(`vector has ${vector.length} dimensions, the index ${this.dimensions}`);
    }
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) {
      this.index.resizeIndex(Math.max(INITIAL_CAPACITY, this.index.getMaxElements() * 2));
    }
    this.index.addPoint(this.asArray(vector), id, true);
  }

  /** Marks a point deleted; absent or already deleted points are ignored (replays are idempotent). */
  remove(id: number): void {
    try {
      this.index.markDelete(id);
    } catch {
      // "Label not found" or "already deleted": the point is gone either way.
    }
  }

  search(vector: Float32Array, k: number, accept?: (id: number) => boolean): Neighbor[] {
    const n = Math.min(k, this.index.getMaxElements());
    if (n <= 0 || this.index.getCurrentCount() === 0) return [];
    // hnswlib needs ef ≥ k to return k results.
    if (n > this.params.efSearch) this.index.setEf(n);
    if (vector.length !== this.dimensions) throw new Error(`query has ${vector.length} dimensions, the index ${this.dimensions}`);
    const query = this.asArray(vector);
    const result = accept ? this.index.searchKnn(query, n, accept) : this.index.searchKnn(query, n);
    if (n > this.params.efSearch) this.index.setEf(this.params.efSearch);
    return result.neighbors.map((id, i) => ({ id, distance: result.distances[i] ?? 1 }));
  }

  save(file: string): void {
    writeFileAtomically(file, (temp) => this.index.writeIndexSync(temp));
  }

  static exists(file: string): boolean {
    return fs.existsSync(file);
  }
}
