import fs from 'node:fs';
import type { IndexFileReport } from './index-file.ts';
import type { VectorIndex } from './vector-index.ts';

/** The vector index file and the record of what it holds (vectors.json), in the data folder. */
export const INDEX_FILE = 'vectors.hnsw';
export const INDEX_STATE_FILE = 'vectors.json';

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
    if (
      previous &&
      typeof previous.generation === 'number' &&
      typeof previous.checksum === 'string' &&
      typeof previous.bytes === 'number'
    ) {
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
  if (state.previous && state.previous.checksum === report.checksum && state.previous.bytes === report.bytes)
    return state.previous.generation;
  return 'mismatch';
}

/** An index read from its file, and the catalog generation the file reflects. */
export interface LoadedIndex {
  index: VectorIndex;
  generation: number;
}

/** Why a whole index file cannot be used: its checksum is not the one recorded, or nothing says what it holds. */
export function unusableFile(generation: 'mismatch' | 'unknown', report: IndexFileReport, saved: SavedIndexState | null): string {
  return generation === 'mismatch'
    ? `its checksum ${report.checksum} (${report.bytes} bytes) is not the one recorded when it was saved (${saved?.checksum}, ${saved?.bytes} bytes)`
    : 'no record says which writes it holds';
}
