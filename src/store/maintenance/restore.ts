import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { errorMessage, UserError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { backupMessages } from '../../messages/store.ts';
import {
  BACKED_UP_DATABASES,
  BACKED_UP_FILES,
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  MANIFEST_FILE,
  feedCounts,
  SQLITE_SIDE_FILES,
  type BackupFile,
  type BackupManifest,
  type BackupProgress,
} from './backup.ts';
import { fsyncPath, writeJsonAtomically } from '../atomic-file.ts';
import { sha256Of } from './file-contents.ts';
import { refuseUnreadableFolder } from '../sqlite-file.ts';
import { isProcessAlive } from '../../process-alive.ts';
import { inspectLibrary } from './health.ts';
import { type LibraryReport } from './report.ts';
import { INDEX_FILE, INDEX_STATE_FILE } from '../vectors/index-state.ts';
import { LIBRARY_FILE } from '../library.ts';
import { carryOut, newJournal, RESTORE_JOURNAL_FILE } from './restore-journal.ts';
import { recoverInterruptedRestore, RESTORE_ASIDE_PREFIX, RESTORE_COPY_PREFIX, type RecoveredRestore } from './restore-recovery.ts';
import { LOCK_FILE, WriteLock, type LockHolder } from '../write-lock.ts';

export interface RestoreOptions {
  /** The backup folder (`newsroom backup <dir>`). */
  source: string;
  dataDir: string;
  /** Replace a library already in dataDir. */
  force: boolean;
  lockWaitMs: number;
  logger?: Logger;
  onWriteWait?: (holder: LockHolder | null) => void;
  onProgress?: (progress: BackupProgress) => void;
}

export interface RestoreResult {
  source: string;
  dataDir: string;
  manifest: BackupManifest;
  /** A library was there and has been replaced. */
  replaced: boolean;
  /** `check` on the restored library. */
  report: LibraryReport;
  seconds: number;
  /** An earlier restore into DATA_DIR that had stopped part-way, finished (or undone) first. */
  recovered: RecoveredRestore | null;
}

const RESTORE_PREFIX = RESTORE_COPY_PREFIX;
const REPLACED_PREFIX = RESTORE_ASIDE_PREFIX;

/**
 * The manifest of the backup in `source`, checked: a folder that is not a backup, a backup from
 * a newer format, or one whose files are missing or of the wrong size is refused with a UserError.
 * Reads only.
 */
export function readBackup(source: string): BackupManifest {
  const dir = path.resolve(source);
  if (!fs.existsSync(dir)) throw new UserError(backupMessages.notABackup(dir, backupMessages.doesNotExist));
  if (!fs.statSync(dir).isDirectory()) throw new UserError(backupMessages.notABackup(dir, backupMessages.notAFolder));
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(
      backupMessages.notABackup(dir, missing ? backupMessages.noManifest : backupMessages.unreadableManifest(errorMessage(error))),
    );
  }
  const manifest = raw as Partial<BackupManifest> | null;
  if (!manifest || typeof manifest !== 'object' || manifest.format !== BACKUP_FORMAT || !Number.isInteger(manifest.formatVersion)) {
    throw new UserError(backupMessages.notABackup(dir, backupMessages.foreignManifest));
  }
  const version = manifest.formatVersion as number;
  if (version > BACKUP_FORMAT_VERSION) {
    throw new UserError(backupMessages.newerBackup(dir, version, String(manifest.appVersion ?? 'unknown'), BACKUP_FORMAT_VERSION));
  }
  const files = Array.isArray(manifest.files) ? manifest.files : [];
  const known = new Set<string>(BACKED_UP_FILES);
  const wellFormed = (f: Partial<BackupFile>) =>
    typeof f.name === 'string' &&
    known.has(f.name) &&
    Number.isInteger(f.bytes) &&
    typeof f.sha256 === 'string' &&
    /^sha256:[0-9a-f]{64}$/.test(f.sha256);
  if (
    !files.every(wellFormed) ||
    !files.some((f) => f.name === LIBRARY_FILE) ||
    typeof manifest.generation !== 'number' ||
    typeof manifest.counts !== 'object'
  ) {
    throw new UserError(backupMessages.notABackup(dir, backupMessages.foreignManifest));
  }
  for (const file of files) {
    let bytes: number;
    try {
      bytes = fs.statSync(path.join(dir, file.name)).size;
    } catch {
      throw new UserError(backupMessages.damagedBackup(dir, backupMessages.fileMissing(file.name)));
    }
    if (bytes !== file.bytes) throw new UserError(backupMessages.damagedBackup(dir, backupMessages.fileSize(file.name, bytes, file.bytes)));
  }
  return manifest as BackupManifest;
}

/**
 * Restores the backup in `source` into `dataDir`, which must hold no library unless `force`
 * (its model cache and anything else in it stay). Nothing in dataDir changes until the backup
 * has been read whole (every SHA-256), copied into a folder inside dataDir, and found healthy
 * there with the counts its manifest records; then, under the write lock, the files are renamed
 * into place (the old library's first set aside, and removed once the new one is in). Refused
 * while another process has the library open (stop the bot first). Ends with `check`.
 */
// eslint-disable-next-line max-lines-per-function -- the restore's steps in their one safe order (read, copy, check, swap under the lock), kept together so the order is visible
export async function restoreLibrary(options: RestoreOptions): Promise<RestoreResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const source = path.resolve(options.source);
  const dataDir = path.resolve(options.dataDir);
  const manifest = readBackup(source);
  if (source === dataDir) throw new UserError(backupMessages.restoreIntoItself(source));
  refuseUnreadableFolder(dataDir);
  verifyChecksums(source, manifest, options.onProgress);
  // A restore that stopped part-way is finished (or undone) before anything else looks at DATA_DIR.
  const recovered = await recoverInterruptedRestore(dataDir, {
    lockWaitMs: options.lockWaitMs,
    logger,
    ...(options.onWriteWait ? { onWriteWait: options.onWriteWait } : {}),
  });

  const existing = libraryFilesIn(dataDir);
  if (existing.length > 0 && !options.force) throw new UserError(backupMessages.dataDirHoldsLibrary(dataDir, existing));
  if (existing.length > 0) refuseIfInUse(dataDir);
  const dataDirExisted = fs.existsSync(dataDir);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new UserError(backupMessages.dataDirUnwritable(dataDir, (error as NodeJS.ErrnoException).code ?? errorMessage(error)));
  }
  removeAbandoned(dataDir, RESTORE_PREFIX);

  let temp: string;
  try {
    temp = fs.mkdtempSync(path.join(dataDir, `${RESTORE_PREFIX}${process.pid}-`));
  } catch (error) {
    throw new UserError(backupMessages.dataDirUnwritable(dataDir, (error as NodeJS.ErrnoException).code ?? errorMessage(error)));
  }
  let replaced = false;
  // Once the journal is written the copy belongs to it: a failure from then on leaves it for recovery.
  const moving = { started: false };
  try {
    copyInto(source, temp, manifest, options.onProgress);
    checkCopy(temp, source, manifest);
    const lock = new WriteLock(dataDir, {
      waitMs: options.lockWaitMs,
      logger,
      ...(options.onWriteWait ? { onWait: options.onWriteWait } : {}),
    });
    try {
      await lock.acquire();
      const now = libraryFilesIn(dataDir);
      if (now.length > 0 && !options.force) throw new UserError(backupMessages.dataDirHoldsLibrary(dataDir, now));
      if (now.length > 0) refuseIfOpenElsewhere(dataDir);
      replaced = swap(dataDir, { temp, source }, now, manifest, moving);
    } finally {
      lock.close();
    }
  } catch (error) {
    if (!moving.started) {
      fs.rmSync(temp, { recursive: true, force: true });
      // Refused (e.g. the copy did not check out): a DATA_DIR made for the restore goes too.
      if (!dataDirExisted) removeIfEmpty(dataDir);
    }
    throw error;
  }
  const report = inspectLibrary(dataDir);
  const seconds = (performance.now() - started) / 1000;
  logger.info(
    { source, dataDir, generation: manifest.generation, replaced, healthy: report.healthy, seconds: Number(seconds.toFixed(2)) },
    'library restored',
  );
  return { source, dataDir, manifest, replaced, report, seconds, recovered };
}

function verifyChecksums(source: string, manifest: BackupManifest, onProgress?: (progress: BackupProgress) => void): void {
  const total = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  let done = 0;
  for (const file of manifest.files) {
    const actual = sha256Of(path.join(source, file.name), (n) => onProgress?.({ phase: 'checking', done: (done += n), total }));
    if (actual !== file.sha256) throw new UserError(backupMessages.damagedBackup(source, backupMessages.checksumMismatch(file.name)));
  }
}

/** The library's files in `dataDir` (databases with their side files, the index and its state). */
function libraryFilesIn(dataDir: string): string[] {
  const names: string[] = [];
  for (const name of BACKED_UP_FILES) {
    if (fs.existsSync(path.join(dataDir, name))) names.push(name);
    if ((BACKED_UP_DATABASES as readonly string[]).includes(name)) {
      for (const side of SQLITE_SIDE_FILES) if (fs.existsSync(path.join(dataDir, name + side))) names.push(name + side);
    }
  }
  return names;
}

/**
 * Another process has the library open (the bot, a running command): its files must not be
 * swapped under it. A writer holds the write lock; any process with a database open keeps its
 * -wal file, which the last connection to close removes, so opening and closing one here tells.
 */
function refuseIfInUse(dataDir: string): void {
  if (fs.existsSync(path.join(dataDir, LOCK_FILE))) {
    const lock = new WriteLock(dataDir, { waitMs: 0 });
    try {
      const probe = lock.probe();
      if (!probe.free) throw new UserError(backupMessages.libraryInUse(dataDir, probe.holder));
    } finally {
      lock.close();
    }
  }
  refuseIfOpenElsewhere(dataDir);
}

function refuseIfOpenElsewhere(dataDir: string): void {
  for (const name of BACKED_UP_DATABASES) {
    const file = path.join(dataDir, name);
    if (!fs.existsSync(`${file}-wal`)) continue;
    try {
      const db = new Database(file);
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
      db.close();
    } catch {
      // A damaged database (the reason for restoring, perhaps): nobody can be using it either.
      continue;
    }
    if (fs.existsSync(`${file}-wal`)) throw new UserError(backupMessages.libraryInUse(dataDir, null));
  }
}

function copyInto(source: string, temp: string, manifest: BackupManifest, onProgress?: (progress: BackupProgress) => void): void {
  const total = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  let done = 0;
  for (const file of manifest.files) {
    fs.copyFileSync(path.join(source, file.name), path.join(temp, file.name));
    fsyncPath(path.join(temp, file.name));
    onProgress?.({ phase: 'copying', done: (done += file.bytes), total });
  }
}

/** The copy must pass `check` and hold what the manifest says; otherwise nothing is changed. */
function checkCopy(temp: string, source: string, manifest: BackupManifest): void {
  const report = inspectLibrary(temp);
  const feeds = feedCounts(temp);
  // Feed counts are compared when the manifest has them (backups made before feeds existed do not).
  const recorded: Partial<BackupManifest['counts']> = manifest.counts;
  const feedsDiffer = (['feeds', 'feedItems'] as const).some((key) => recorded[key] !== undefined && recorded[key] !== feeds[key]);
  const mismatch =
    report.generation !== manifest.generation ||
    report.articles !== manifest.counts.articles ||
    report.chunks !== manifest.counts.chunks ||
    feedsDiffer;
  if (!report.healthy || mismatch) {
    const problems = report.findings.map((f) => f.kind);
    throw new UserError(
      backupMessages.backupFailsCheck(
        source,
        problems,
        { generation: report.generation, articles: report.articles, feeds: feeds.feeds },
        {
          generation: manifest.generation,
          counts: { articles: manifest.counts.articles, ...(recorded.feeds === undefined ? {} : { feeds: recorded.feeds }) },
        },
      ),
    );
  }
}

/**
 * Renames the restored files into place, as a journal written first says: the old library's files
 * are set aside (its catalog last: until then it stays whole, a missing index being rebuilt from the
 * catalog), the new catalog goes in first, and the set-aside files are removed once every new file
 * is in. A restore stopped anywhere in between is finished from the journal (restore-recovery.ts).
 */
function swap(
  dataDir: string,
  from: { temp: string; source: string },
  existing: readonly string[],
  manifest: BackupManifest,
  moving: { started: boolean },
): boolean {
  const aside = existing.length > 0 ? fs.mkdtempSync(path.join(dataDir, `${REPLACED_PREFIX}${process.pid}-`)) : null;
  const order = [INDEX_FILE, INDEX_STATE_FILE];
  const rest = existing.filter((n) => !order.includes(n));
  const catalogLast = [
    ...order.filter((n) => existing.includes(n)),
    ...rest.filter((n) => !n.startsWith(LIBRARY_FILE)),
    ...rest.filter((n) => n.startsWith(LIBRARY_FILE)),
  ];
  const journal = newJournal({
    source: from.source,
    copy: path.basename(from.temp),
    aside: aside && path.basename(aside),
    previous: catalogLast,
    restored: BACKED_UP_FILES.flatMap((name) => manifest.files.filter((f) => f.name === name).map((f) => ({ name, bytes: f.bytes }))),
  });
  writeJsonAtomically(path.join(dataDir, RESTORE_JOURNAL_FILE), journal);
  moving.started = true;
  carryOut(dataDir, journal);
  return existing.length > 0;
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Not empty (another process wrote there meanwhile): left as it is.
  }
}

/** Removes `<prefix><pid>-*` folders left by a restore whose process is gone. */
function removeAbandoned(dataDir: string, prefix: string): void {
  for (const name of fs.readdirSync(dataDir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessAlive(pid)) continue;
    fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
  }
}
