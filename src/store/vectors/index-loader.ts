import fs from 'node:fs';
import { spawnWorker } from '../../threads/start-worker.ts';
import { IndexFileDamage, type IndexFileReport } from './index-file.ts';
import { generationOfIndexFile, readIndexState, unusableFile, type LoadedIndex, type SavedIndexState } from './index-state.ts';
import { VectorIndex, type HnswParams } from './vector-index.ts';

type InspectReply = { report: IndexFileReport } | { error: { damage: boolean; message: string; code?: string } };

/**
 * `inspectIndexFile` in a worker thread: reading and checking every byte of a large index takes
 * seconds, which the main thread spends serving keyword search meanwhile.
 */
function inspectInWorker(file: string, dimensions: number): Promise<IndexFileReport> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker('./inspect-worker', import.meta.url, { workerData: { file, dimensions } });
    let settled = false;
    worker.once('message', (reply: InspectReply) => {
      settled = true;
      if ('report' in reply) return resolve(reply.report);
      const error = reply.error.damage
        ? new IndexFileDamage(reply.error.message)
        : Object.assign(new Error(reply.error.message), { code: reply.error.code });
      reject(error);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the index inspection worker exited with code ${code} before answering`));
    });
  });
}

/** Which file a path names now (another process's save renames a new one into place). */
function fileIdentity(file: string): string {
  const stats = fs.statSync(file);
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

/** An index read in the background, with what the inspection found in its file. */
interface BackgroundRead {
  index: VectorIndex;
  report: IndexFileReport;
}

/** Tries before giving up when another process keeps saving a new index while this one reads it. */
const ATTEMPTS = 3;

/**
 * Reads the index file off the main thread: inspected in a worker, then loaded by hnswlib on a
 * libuv thread. Read again when another process replaced the file meanwhile, so the report, the
 * loaded points and (read after) vectors.json all describe the same file.
 */
async function readIndexInBackground(file: string, dimensions: number, params: HnswParams): Promise<BackgroundRead> {
  for (let attempt = 1; ; attempt++) {
    const before = fileIdentity(file);
    const report = await inspectInWorker(file, dimensions);
    const index = await VectorIndex.readInBackground(file, dimensions, params, report);
    if (fileIdentity(file) === before) return { index, report };
    if (attempt === ATTEMPTS) throw new Error(`the vector index file was replaced ${ATTEMPTS} times while it was read`);
  }
}

/** What readSavedIndex found: the index (null when unusable, with the problem in words) and vectors.json. */
export interface SavedIndexRead {
  loaded: LoadedIndex | null;
  saved: SavedIndexState | null;
  problem: string | null;
}

/** The saved index, read off the main thread, and the generation vectors.json says it reflects. */
export async function readSavedIndex(
  indexFile: string,
  stateFile: string,
  dimensions: number,
  params: HnswParams,
): Promise<SavedIndexRead> {
  let problem: string;
  try {
    const { index, report } = await readIndexInBackground(indexFile, dimensions, params);
    // Read after the file: it names the file in place now, or the one that file replaced.
    const saved = readIndexState(stateFile);
    const generation = generationOfIndexFile(saved, report);
    if (typeof generation === 'number') return { loaded: { index, generation }, saved, problem: null };
    problem = unusableFile(generation, report, saved);
  } catch (error) {
    if (!(error instanceof IndexFileDamage)) throw error;
    problem = error.message;
  }
  return { loaded: null, saved: null, problem };
}
