import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.ts';
import { diskSpaceMessages } from '../../messages/store.ts';
import { isDiskFullFailure } from '../sqlite-file.ts';

/** Room kept free beyond the library's size: the copy's index is saved once more, and SQLite needs a journal. */
const MARGIN = 1.1;
const MARGIN_BYTES = 4 * 1024 * 1024;

/** Bytes free for this user on the disk holding `dir` (or its nearest existing parent); null when unknown. */
export function freeBytes(dir: string): number | null {
  let at = dir;
  for (;;) {
    try {
      const stats = fs.statfsSync(at);
      return stats.bavail * stats.bsize;
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return null;
      at = parent;
    }
  }
}

/** Refuses, before anything is written, a backup that cannot fit on the disk it would go to. */
export function requireRoomFor(target: string, libraryBytes: number): void {
  const free = freeBytes(target);
  const needed = Math.ceil(libraryBytes * MARGIN) + MARGIN_BYTES;
  if (free !== null && free < needed) throw new UserError(diskSpaceMessages.backupWontFit(target, free, needed));
}

/** A disk that filled up during a backup, said as such (the partial copy has been removed); other errors as they are. */
export function asDiskFull(error: unknown, target: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || isDiskFullFailure(error, target)) {
    return new UserError(diskSpaceMessages.backupDiskFull(target, freeBytes(target)), { cause: error });
  }
  return error;
}
