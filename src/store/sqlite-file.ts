import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { accessMessages, storeMessages } from '../messages/store.ts';

export interface OpenSqliteOptions {
  readOnly: boolean;
  /** A zero-length file is refused instead of becoming a new, empty database (the library must not vanish silently). */
  refuseEmpty?: boolean;
  logger?: Logger;
}

/** Largest database copied into memory when a read-only folder keeps SQLite from reading it in place. */
const MAX_IN_MEMORY_BYTES = 2 * 1024 ** 3;

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** A database file that is not (or no longer) a whole SQLite database: its message names the file and what to do. */
export class DamagedDatabaseError extends UserError {}

/** A database that cannot be opened because the disk holding it is full. */
export class DiskFullError extends UserError {}

/** Errors that mean the file is not (or no longer) a whole SQLite database. */
export function isDamagedDatabaseError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}

/** Errors that mean the file or its folder cannot be written by this process. */
export function isReadOnlyError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
}

/** Errors that mean the disk is full. */
export function isDiskFullError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

/**
 * Whether this process can list and open what is in the folder `dir` (read and search permission);
 * true for a folder that does not exist yet.
 */
export function canReadFolder(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** A DATA_DIR this user may not read is said to be so, not taken for an empty or a read-only one. */
export function refuseUnreadableFolder(dir: string): void {
  if (!canReadFolder(dir)) throw new UserError(accessMessages.dataDirUnreadable(dir, process.getuid?.() ?? null));
}

/**
 * Whether this process can write `file` and create files beside it. fs.access asks the kernel,
 * so it answers for root too: EROFS on a read-only mount, where chmod bits would not stop root.
 */
export function canWrite(target: string): boolean {
  try {
    fs.accessSync(target, fs.constants.W_OK);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && canWrite(path.dirname(target));
  }
}

/**
 * Opens a SQLite file, turning what a damaged, emptied or unreachable file does into a UserError
 * that names the file and what to do, and reading a WAL database out of a read-only folder.
 */
export function openSqliteFile(file: string, options: OpenSqliteOptions): Database.Database {
  let size: number | null = null;
  try {
    size = fs.statSync(file).size;
  } catch {
    // Absent: created below unless read-only.
  }
  if (size === 0 && options.refuseEmpty) throw new UserError(storeMessages.emptyDatabase(file));
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: options.readOnly, fileMustExist: options.readOnly });
    db.pragma('busy_timeout = 5000');
    // Reads page 1: "file is not a database" shows here rather than at some later query.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (error) {
    db?.close();
    if (isDamagedDatabaseError(error))
      throw new DamagedDatabaseError(storeMessages.damagedDatabase(file, (error as Error).message), { cause: error });
    if (isDiskFullFailure(error, path.dirname(file))) {
      throw new DiskFullError(storeMessages.diskFullOnOpen(file));
    }
    if (options.readOnly && size !== null && cannotOpenWal(error)) return openCopyInMemory(file, size, options.logger ?? silentLogger);
    throw error;
  }
}

/**
 * A full disk, as SQLite reports it: SQLITE_FULL, or a plain I/O error (creating its -shm file, or
 * appending to its -wal file) while the disk holding `dir` has next to nothing free.
 */
export function isDiskFullFailure(error: unknown, dir: string): boolean {
  return isDiskFullError(error) || (sqliteCode(error).startsWith('SQLITE_IOERR') && diskNearlyFull(dir));
}

function diskNearlyFull(dir: string): boolean {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize < 1024 * 1024;
  } catch {
    return false;
  }
}

function cannotOpenWal(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY_CANTINIT';
}

/**
 * A WAL-mode database whose -wal and -shm files are gone (its last user closed it cleanly)
 * cannot be read in place from a read-only folder: SQLite must create them first. With no -wal
 * file the main file holds every committed change, so a copy of it in memory, marked as a
 * rollback-journal database, reads the same content. Changes made later by others are not seen.
 */
function openCopyInMemory(file: string, size: number, logger: Logger): Database.Database {
  if (fs.existsSync(`${file}-wal`) || size > MAX_IN_MEMORY_BYTES) throw new UserError(storeMessages.unreadableReadOnly(file));
  const bytes = fs.readFileSync(file);
  // Header bytes 18 and 19: file format read and write versions, 2 = WAL, 1 = rollback journal.
  if (bytes.length > 19) bytes[18] = bytes[19] = 1;
  let db: Database.Database | undefined;
  try {
    db = new Database(bytes, { readonly: true });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    db?.close();
    if (isDamagedDatabaseError(error))
      throw new DamagedDatabaseError(storeMessages.damagedDatabase(file, (error as Error).message), { cause: error });
    throw error;
  }
  logger.info({ file, bytes: size }, 'read-only folder: reading a copy of the database in memory');
  return db;
}
