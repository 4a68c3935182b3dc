import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../log.ts';
import { openSqliteFile } from '../sqlite-file.ts';
import { Checksum, type IndexFileReport } from '../vectors/index-file.ts';
import { generationOfIndexFile, INDEX_FILE, INDEX_STATE_FILE, readIndexState } from '../vectors/index-state.ts';

/*
 * Copying a live library's files for a backup: the vector index with the state that names it,
 * and the databases through SQLite's online backup. Neither takes the write lock.
 */

/** Pages per step of SQLite's online backup (16 MB with the library's 16 KiB pages), so progress can be shown. */
const PAGES_PER_STEP = 1024;

export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Copies of the index taken before giving up on one that matches its state (each a save racing the copy). */
const INDEX_COPY_ATTEMPTS = 5;

/**
 * Copies vectors.hnsw with the vectors.json that describes it, without the write lock (a long
 * ingest holds it for its whole run). The file is opened first and its state read after: a save
 * records the new file's checksum, naming the old one as `previous`, before renaming the new file
 * into place, and never changes a file in place. So the state read names the opened file, unless
 * two saves came in between; the copy's CRC-32 tells, and the copy is taken again. An index whose
 * state never matched is copied without it and rebuilt from the copied embeddings.
 */
export function copyIndex(dataDir: string, target: string, logger: Logger, onCopied: (bytes: number) => void): void {
  const to = path.join(target, INDEX_FILE);
  for (let attempt = 1; attempt <= INDEX_COPY_ATTEMPTS; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(path.join(dataDir, INDEX_FILE), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let copied: { checksum: string; bytes: number };
    let stateText: string | null = null;
    try {
      try {
        stateText = fs.readFileSync(path.join(dataDir, INDEX_STATE_FILE), 'utf8');
      } catch {
        // No state: the copy cannot be verified and is rebuilt in the backup.
      }
      copied = copyFromDescriptor(fd, to, onCopied);
    } finally {
      fs.closeSync(fd);
    }
    if (stateText === null) return;
    const stateFile = path.join(target, INDEX_STATE_FILE);
    fs.writeFileSync(stateFile, stateText);
    const generation = generationOfIndexFile(readIndexState(stateFile), copied as IndexFileReport);
    if (typeof generation === 'number') return;
    fs.rmSync(stateFile);
    logger.info({ attempt }, 'the vector index was saved while it was being copied; copying it again');
  }
  logger.warn('the vector index kept changing while it was copied; the backup rebuilds it from the stored embeddings');
}

/** Copies an open file whole (its size as it is now), returning its CRC-32 as the index state records it. */
function copyFromDescriptor(fd: number, to: string, onCopied: (bytes: number) => void): { checksum: string; bytes: number } {
  const bytes = fs.fstatSync(fd).size;
  const checksum = new Checksum();
  const out = fs.openSync(to, 'w');
  try {
    const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
    let position = 0;
    while (position < bytes) {
      const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, bytes - position), position);
      if (n === 0) throw new Error(`the index file ended after ${position} of ${bytes} bytes`);
      checksum.update(buffer.subarray(0, n));
      fs.writeSync(out, buffer, 0, n);
      position += n;
      onCopied(n);
    }
  } finally {
    fs.closeSync(out);
  }
  return { checksum: checksum.digest(), bytes };
}

/**
 * SQLite's online backup of `from` into `to`: a copy of one consistent moment. It goes in steps
 * (so progress shows); if another connection writes meanwhile, SQLite starts over, and then the
 * rest is copied in one step, which no writer can interrupt (WAL readers never wait for writers).
 */
export async function backupDatabase(from: string, to: string, onProgress: (bytes: number, total: number) => void): Promise<void> {
  const db = openSqliteFile(from, { readOnly: true, refuseEmpty: true });
  try {
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    let previousRemaining = Infinity;
    let oneStep = false;
    await db.backup(to, {
      progress: ({ totalPages, remainingPages }) => {
        if (remainingPages > previousRemaining) oneStep = true;
        previousRemaining = remainingPages;
        onProgress((totalPages - remainingPages) * pageSize, totalPages * pageSize);
        return oneStep ? totalPages : PAGES_PER_STEP;
      },
    });
  } finally {
    db.close();
  }
}
