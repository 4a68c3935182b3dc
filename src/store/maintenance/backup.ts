import fs from 'node:fs';
import path from 'node:path';
import packageJson from '../../../package.json' with { type: 'json' };
import { errorMessage, UserError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { backupMessages } from '../../messages/store.ts';
import { fsyncFile, writeJsonAtomically } from '../atomic-file.ts';
import { asDiskFull, requireRoomFor } from './backup-space.ts';
import { rowCounts, sha256Of } from './file-contents.ts';
import { inspectLibrary } from './health.ts';
import { isProblem, type LibraryReport } from './report.ts';
import { INDEX_FILE, INDEX_STATE_FILE } from '../vectors/index-state.ts';
import { backupDatabase, copyIndex, fileSize } from './backup-copy.ts';
import { Library, LIBRARY_FILE } from '../library.ts';
import { openSqliteFile, refuseUnreadableFolder } from '../sqlite-file.ts';
import type { HnswParams } from '../vectors/vector-index.ts';
import { HOLDER_FILE, LOCK_FILE } from '../write-lock.ts';

/** The answer log (src/readers/answer-log.ts) beside the library. */
export const ANSWERS_FILE = 'answers.sqlite';
export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_FORMAT = 'newsroom-backup';
/** Raise it when a backup's layout changes in a way older versions cannot read; they then refuse it. */
export const BACKUP_FORMAT_VERSION = 1;

/** The SQLite databases of a library, copied with SQLite's online backup API. */
const DATABASES = [LIBRARY_FILE, ANSWERS_FILE] as const;
/** Every file a backup may hold besides its manifest, in the order a restore moves them into place. */
const LIBRARY_FILES = [LIBRARY_FILE, INDEX_STATE_FILE, INDEX_FILE, ANSWERS_FILE] as const;
/** What SQLite keeps beside a database while it is open or after a crash; moved together with it. */
const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

export interface BackupFile {
  name: string;
  bytes: number;
  /** `sha256:` and 64 hex digits: `sha256sum` on the file prints the same digits. */
  sha256: string;
}

/** manifest.json: what a backup holds. Written last: a folder without it is not a (complete) backup. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  appVersion: string;
  createdAt: string;
  /** DATA_DIR it was taken from. */
  source: string;
  /** The catalog generation the whole backup reflects (databases and vector index alike). */
  generation: number;
  model: string | null;
  dimensions: number | null;
  /** `feeds`: subscriptions, `feedItems`: their items the library knows (both in library.sqlite). */
  counts: {
    articles: number;
    chunks: number;
    embeddedChunks: number;
    feeds: number;
    feedItems: number;
    answers: number;
    feedback: number;
    unanswered: number;
  };
  files: BackupFile[];
}

export type BackupPhase = 'copying' | 'checking';

export interface BackupProgress {
  phase: BackupPhase;
  /** Bytes done and to do in this phase. */
  done: number;
  total: number;
}

export interface BackupOptions {
  dataDir: string;
  /** A folder that does not exist yet, or an empty one. */
  target: string;
  hnsw: HnswParams;
  logger?: Logger;
  onProgress?: (progress: BackupProgress) => void;
}

export interface BackupResult {
  dir: string;
  manifest: BackupManifest;
  bytes: number;
  seconds: number;
}

/**
 * Copies the library in `dataDir` into `target`, consistently, while the bot may be running and
 * ingesting, and without waiting for writers (nor making them wait):
 *
 * 1. The vector index file is copied with the state that names its generation (see copyIndex).
 * 2. The databases are copied with SQLite's online backup, a snapshot of one moment, taken after
 *    the index: the catalog's generation G is at least the index's.
 * 3. The copy is opened as a library, which replays the writes the index lacks from the copied
 *    catalog (its generation log) and saves it: index and catalog both reflect generation G.
 * 4. It must pass `check`; then every file's SHA-256 goes into manifest.json, written last.
 *
 * A failure removes what was written. The live library is only read.
 */
export async function backupLibrary(options: BackupOptions): Promise<BackupResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const dataDir = path.resolve(options.dataDir);
  const target = path.resolve(options.target);
  refuseUnreadableFolder(dataDir);
  if (!fs.existsSync(path.join(dataDir, LIBRARY_FILE))) throw new UserError(backupMessages.noLibrary(dataDir));
  if (target === dataDir || isInside(target, dataDir)) throw new UserError(backupMessages.targetInsideLibrary(target, dataDir));
  requireRoomFor(target, libraryBytes(dataDir));
  const created = prepareTarget(target);
  try {
    await copyLibrary(dataDir, target, options, logger);
    const report = bringIndexToCatalog(target, options.hnsw, logger);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      appVersion: packageJson.version,
      createdAt: new Date().toISOString(),
      source: dataDir,
      generation: report.generation,
      model: report.model,
      dimensions: report.dimensions,
      counts: {
        articles: report.articles,
        chunks: report.chunks,
        embeddedChunks: report.embeddedChunks,
        ...feedCounts(target),
        ...answerCounts(target),
      },
      files: checksums(target, presentFiles(target), options.onProgress),
    };
    for (const file of manifest.files) fsyncFile(path.join(target, file.name));
    writeJsonAtomically(path.join(target, MANIFEST_FILE), manifest);
    const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    const seconds = (performance.now() - started) / 1000;
    logger.info(
      { dir: target, generation: manifest.generation, articles: manifest.counts.articles, bytes, seconds: Number(seconds.toFixed(2)) },
      'library backed up',
    );
    return { dir: target, manifest, bytes, seconds };
  } catch (error) {
    removeWritten(target, created);
    throw asDiskFull(error, target);
  }
}

/** What a copy of the library takes: its databases (with their write-ahead logs) and the index. */
function libraryBytes(dataDir: string): number {
  return [...DATABASES.flatMap((name) => [name, `${name}-wal`]), INDEX_FILE, INDEX_STATE_FILE].reduce(
    (sum, name) => sum + fileSize(path.join(dataDir, name)),
    0,
  );
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Creates the target folder, or accepts an empty one; returns whether it was created here. */
function prepareTarget(target: string): boolean {
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) throw new UserError(backupMessages.targetIsFile(target));
    if (fs.readdirSync(target).length > 0) throw new UserError(backupMessages.targetNotEmpty(target));
    return false;
  }
  try {
    fs.mkdirSync(target, { recursive: true });
  } catch (error) {
    throw new UserError(backupMessages.targetUnwritable(target, (error as NodeJS.ErrnoException).code ?? errorMessage(error)));
  }
  return true;
}

function removeWritten(target: string, created: boolean): void {
  if (created) {
    fs.rmSync(target, { recursive: true, force: true });
    return;
  }
  for (const name of fs.readdirSync(target)) fs.rmSync(path.join(target, name), { recursive: true, force: true });
}

async function copyLibrary(dataDir: string, target: string, options: BackupOptions, logger: Logger): Promise<void> {
  const databases = DATABASES.filter((name) => fs.existsSync(path.join(dataDir, name)));
  const indexBytes = fileSize(path.join(dataDir, INDEX_FILE));
  let total = indexBytes + databases.reduce((sum, name) => sum + fileSize(path.join(dataDir, name)), 0);
  let done = 0;
  const report = () => options.onProgress?.({ phase: 'copying', done, total: Math.max(total, done) });
  if (indexBytes > 0) {
    copyIndex(dataDir, target, logger, (n) => {
      done += n;
      report();
    });
  }
  for (const name of databases) {
    const before = done;
    const expected = fileSize(path.join(dataDir, name));
    const totalBefore = total;
    await backupDatabase(path.join(dataDir, name), path.join(target, name), (copied, dbTotal) => {
      // The database may have grown since its size was read.
      total = totalBefore + Math.max(0, dbTotal - expected);
      done = before + copied;
      report();
    });
    done = before + fileSize(path.join(target, name));
    report();
  }
}

/**
 * Opens the copy as a library: its index is brought up to the copied catalog's generation from
 * the stored embeddings (or rebuilt from them if it cannot be trusted) and saved, checked byte
 * for byte. Then the copy must pass `check`. Returns check's report.
 */
function bringIndexToCatalog(target: string, hnsw: HnswParams, logger: Logger): LibraryReport {
  const library = Library.open({ dataDir: target, hnsw, logger, lockWaitMs: 0 });
  library.close();
  // The copy's own lock files: a backup holds the library, not a lock.
  for (const name of [LOCK_FILE, HOLDER_FILE]) fs.rmSync(path.join(target, name), { force: true });
  for (const name of DATABASES) if (fs.existsSync(path.join(target, name))) toSingleFile(path.join(target, name));
  const report = inspectLibrary(target);
  const problems = report.findings.filter((f) => isProblem(f) || f.kind === 'index-behind');
  if (problems.length > 0) throw new UserError(backupMessages.copyFailsCheck(problems.map((f) => f.kind)));
  return report;
}

/**
 * Switches a copied database from WAL to a rollback journal, which folds the WAL into the file:
 * each database is then one self-contained file, readable in place even from read-only media
 * (a WAL database needs its -wal and -shm files beside it). The library switches back to WAL
 * when it is next opened for writing.
 */
function toSingleFile(file: string): void {
  const db = openSqliteFile(file, { readOnly: false });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

/** Feed subscriptions and their items in the copied catalog: a restored library follows the same feeds. */
export function feedCounts(dir: string): { feeds: number; feedItems: number } {
  const rows = rowCounts(path.join(dir, LIBRARY_FILE), ['feeds', 'feed_items']);
  return { feeds: rows.feeds ?? 0, feedItems: rows.feed_items ?? 0 };
}

function answerCounts(dir: string): { answers: number; feedback: number; unanswered: number } {
  const rows = rowCounts(path.join(dir, ANSWERS_FILE), ['answers', 'feedback', 'unanswered']);
  return { answers: rows.answers ?? 0, feedback: rows.feedback ?? 0, unanswered: rows.unanswered ?? 0 };
}

function presentFiles(dir: string): string[] {
  return LIBRARY_FILES.filter((name) => fs.existsSync(path.join(dir, name)));
}

/** SHA-256 of each file, reading each once. */
function checksums(dir: string, names: readonly string[], onProgress?: (progress: BackupProgress) => void): BackupFile[] {
  const total = names.reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
  let done = 0;
  return names.map((name) => {
    const bytes = fs.statSync(path.join(dir, name)).size;
    const sha256 = sha256Of(path.join(dir, name), (n) => onProgress?.({ phase: 'checking', done: (done += n), total }));
    return { name, bytes, sha256 };
  });
}

export { DATABASES as BACKED_UP_DATABASES, LIBRARY_FILES as BACKED_UP_FILES, SQLITE_SIDE_FILES };
