import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ANSWER_LOG_FILE, inspectAnswerLog, isAnswerLogFinding, repairAnswerLog } from './answer-log-health.ts';
import { leftoverTempFiles } from '../atomic-file.ts';
import { inspectRestores, isRestoreFinding, repairRestores, type RestoreRepairs } from './restore-recovery.ts';
import { CATALOG_QUERIES } from './catalog-repair.ts';
import { hasArticleFts } from '../catalog/article-fts.ts';
import { isProblem, isRepairable, type EditorialFinding, type LibraryReport } from './report.ts';
import { registerArticleText } from '../catalog/article-body.ts';
import { UNRECORDED_DTYPE } from '../catalog/catalog.ts';
import { IndexFileDamage, inspectIndexFile } from '../vectors/index-file.ts';
import { UserError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { storeMessages } from '../../messages/store.ts';
import { generationOfIndexFile, INDEX_FILE, INDEX_STATE_FILE, readIndexState } from '../vectors/index-state.ts';
import { InstructionFindings, sourceLineOf } from '../catalog/instruction-findings.ts';
import { Library, LIBRARY_FILE, type LibraryRepairs } from '../library.ts';
import { canReadFolder, canWrite, openSqliteFile } from '../sqlite-file.ts';
import type { HnswParams } from '../vectors/vector-index.ts';
import { LEGACY_LOCK_FILE, LOCK_FILE, WriteLock, type LockHolder } from '../write-lock.ts';

function count(db: Database.Database, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

function ids(db: Database.Database, sql: string, ...params: unknown[]): number[] {
  return (
    db
      .prepare(sql)
      .raw(true)
      .all(...params) as [number][]
  ).map((r) => r[0]);
}

/** A report of nothing checked yet: every count zero, every file state unknown or absent. */
function emptyReport(dataDir: string): LibraryReport {
  const file = path.join(dataDir, LIBRARY_FILE);
  const indexFile = path.join(dataDir, INDEX_FILE);
  const readOnly = !canWrite(dataDir) || !canWrite(file);
  return {
    dataDir,
    healthy: false,
    readOnly,
    database: { file, bytes: null, integrity: 'absent' },
    articles: 0,
    chunks: 0,
    embeddedChunks: 0,
    awaitingEmbeddings: 0,
    model: null,
    dtype: null,
    dimensions: null,
    generation: 0,
    index: {
      file: indexFile,
      present: fs.existsSync(indexFile),
      bytes: null,
      checksum: null,
      checksumState: null,
      writesBehind: null,
      points: null,
      expectedPoints: 0,
    },
    fts: { rows: 0, chunks: 0 },
    lock: inspectLock(dataDir, readOnly),
    answers: { file: path.join(dataDir, ANSWER_LOG_FILE), bytes: null, integrity: 'absent' },
    findings: [],
    editorial: [],
  };
}

/**
 * Everything `newsroom check` reports, read without changing anything and without taking the
 * write lock: the database (SQLite's integrity_check), the counts, the index file checked as it
 * would be on open and its points compared one by one with the embedded chunks, the keyword
 * index against the chunks, orphans, leftovers, and who holds the write lock.
 */
export function inspectLibrary(dataDir: string): LibraryReport {
  const report = emptyReport(dataDir);
  const { file } = report.database;
  const findings = report.findings;
  // Nothing in a folder this user may not read can be checked; it is neither empty nor read-only.
  if (!canReadFolder(dataDir)) {
    findings.push({ kind: 'data-dir-unreadable', uid: process.getuid?.() ?? null });
    return finish({ ...report, readOnly: false, lock: { state: 'unknown', holder: null } });
  }
  addAnswerLogAndRestores(report);
  addLeftovers(report);
  if (!fs.existsSync(file)) {
    // Mid-restore, the library is where the journal says, not missing.
    if (!findings.some((f) => f.kind === 'restore-interrupted' || f.kind === 'restore-running')) findings.push({ kind: 'no-library' });
    return finish(report);
  }
  report.database.bytes = fs.statSync(file).size;

  let db: Database.Database;
  try {
    db = openSqliteFile(file, { readOnly: true, refuseEmpty: true });
    registerArticleText(db);
  } catch (error) {
    report.database.integrity = 'unreadable';
    findings.push({ kind: 'database-unreadable', message: (error as Error).message });
    return finish(report);
  }
  try {
    const integrity = (db.prepare('PRAGMA integrity_check(20)').raw(true).all() as [string][]).map((r) => r[0]);
    report.database.integrity = integrity.length === 1 && integrity[0] === 'ok' ? 'ok' : 'damaged';
    if (report.database.integrity === 'damaged') {
      findings.push({ kind: 'database-integrity', details: integrity });
      return finish(report);
    }
    inspectCatalog(db, report);
    inspectIndex(db, report);
    report.editorial = inspectEditorial(db);
  } catch (error) {
    report.database.integrity = 'unreadable';
    findings.push({ kind: 'database-unreadable', message: (error as Error).message });
  } finally {
    db.close();
  }
  return finish(report);
}

/**
 * answers.sqlite and restores that have not finished are checked whatever state the library is in
 * (during a restore, it may not be there at all).
 */
function addAnswerLogAndRestores(report: LibraryReport): void {
  const { findings, ...answers } = inspectAnswerLog(report.dataDir);
  report.answers = answers;
  report.findings.push(...findings, ...inspectRestores(report.dataDir, report.lock.state === 'held'));
}

/** Temporary files of interrupted index saves, and an earlier version's lock file. */
function addLeftovers(report: LibraryReport): void {
  const { findings, dataDir } = report;
  for (const leftover of [...leftoverTempFiles(report.index.file), ...leftoverTempFiles(path.join(dataDir, INDEX_STATE_FILE))]) {
    const last = findings.at(-1);
    if (last?.kind === 'temp-files') last.files.push(leftover);
    else findings.push({ kind: 'temp-files', files: [leftover] });
  }
  if (fs.existsSync(path.join(dataDir, LEGACY_LOCK_FILE)))
    findings.push({ kind: 'legacy-lock', file: path.join(dataDir, LEGACY_LOCK_FILE) });
}

function finish(report: LibraryReport): LibraryReport {
  report.healthy = !report.findings.some(isProblem);
  return report;
}

function inspectLock(dataDir: string, readOnly: boolean): LibraryReport['lock'] {
  if (readOnly) return { state: 'unknown', holder: null };
  // No writer ever ran here: nothing to hold, and nothing to create by looking.
  if (!fs.existsSync(path.join(dataDir, LOCK_FILE))) return { state: 'free', holder: null };
  const lock = new WriteLock(dataDir, { waitMs: 0 });
  try {
    const probe = lock.probe();
    return probe.free ? { state: 'free', holder: null } : { state: 'held', holder: probe.holder };
  } catch {
    return { state: 'unknown', holder: null };
  } finally {
    lock.close();
  }
}

function inspectCatalog(db: Database.Database, report: LibraryReport): void {
  const meta = (key: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  report.model = meta('model') ?? null;
  report.dtype = report.model === null ? null : (meta('dtype') ?? UNRECORDED_DTYPE);
  const dimensions = meta('dimensions');
  report.dimensions = dimensions === undefined ? null : Number(dimensions);
  report.generation = Number(meta('generation') ?? '0');
  report.articles = count(db, 'SELECT count(*) AS n FROM articles');
  report.chunks = count(db, 'SELECT count(*) AS n FROM chunks');
  report.embeddedChunks = count(db, 'SELECT count(*) AS n FROM chunks WHERE embedded_in > 0');
  report.awaitingEmbeddings = report.chunks - report.embeddedChunks;
  report.index.expectedPoints = report.embeddedChunks;
  report.fts = { rows: count(db, 'SELECT count(*) AS n FROM chunks_fts'), chunks: report.chunks };

  const orphans = ids(db, CATALOG_QUERIES.orphanChunks).length;
  if (orphans > 0) report.findings.push({ kind: 'orphan-chunks', count: orphans });
  const wrongCounts = ids(db, CATALOG_QUERIES.wrongChunkCounts).length;
  if (wrongCounts > 0) report.findings.push({ kind: 'chunk-counts', count: wrongCounts });
  const ftsMissing = count(db, CATALOG_QUERIES.ftsMissing);
  if (ftsMissing > 0) report.findings.push({ kind: 'fts-missing', count: ftsMissing });
  const ftsExtra = count(db, CATALOG_QUERIES.ftsExtra);
  if (ftsExtra > 0) report.findings.push({ kind: 'fts-extra', count: ftsExtra });
  if (hasArticleFts(db)) {
    const missing = count(db, CATALOG_QUERIES.articleFtsMissing);
    const extra = count(db, CATALOG_QUERIES.articleFtsExtra);
    if (missing > 0 || extra > 0) report.findings.push({ kind: 'article-fts', missing, extra });
  }
}

/** The stored articles' paragraphs addressed to an AI, each naming its article and line. */
function inspectEditorial(db: Database.Database): EditorialFinding[] {
  return new InstructionFindings(db)
    .list()
    .map(({ kind, ...f }) => ({ kind: 'ai-instructions', ...f, instruction: kind, sourceLine: sourceLineOf(f.source, f.excerpt) }));
}

function inspectIndex(db: Database.Database, report: LibraryReport): void {
  const { index, findings } = report;
  if (report.dimensions === null) return;
  if (!index.present) {
    if (report.embeddedChunks > 0) findings.push({ kind: 'index-missing', expected: report.embeddedChunks });
    return;
  }
  index.bytes = fs.statSync(index.file).size;
  let fileReport;
  try {
    fileReport = inspectIndexFile(index.file, report.dimensions);
  } catch (error) {
    if (!(error instanceof IndexFileDamage)) throw error;
    findings.push({ kind: 'index-damaged', detail: error.message });
    return;
  }
  index.checksum = fileReport.checksum;
  const state = readIndexState(path.join(report.dataDir, INDEX_STATE_FILE));
  const generation = generationOfIndexFile(state, fileReport);
  if (generation === 'mismatch') {
    index.checksumState = 'mismatch';
    findings.push({ kind: 'index-checksum', recorded: state?.checksum ?? '', actual: fileReport.checksum });
    return;
  }
  if (generation === 'unknown') {
    index.checksumState = 'unknown';
    findings.push({ kind: 'index-unverifiable' });
    return;
  }
  index.checksumState = state?.checksum === undefined ? 'unrecorded' : state.checksum === fileReport.checksum ? 'ok' : 'previous';
  index.writesBehind = Math.max(0, report.generation - generation);
  if (index.writesBehind > 0) findings.push({ kind: 'index-behind', writes: index.writesBehind });

  // The file's live points with the catalog's later writes applied, against the embedded chunks.
  const live = new Set<number>(fileReport.liveLabels);
  for (const id of ids(db, 'SELECT id FROM chunks WHERE embedded_in > ?', generation)) live.add(id);
  for (const id of ids(db, 'SELECT chunk_id FROM tombstones WHERE generation > ?', generation)) live.delete(id);
  index.points = live.size;
  let missing = 0;
  for (const id of ids(db, 'SELECT id FROM chunks WHERE embedded_in > 0')) {
    if (!live.delete(id)) missing++;
  }
  const extra = live.size;
  if (missing > 0 || extra > 0) findings.push({ kind: 'index-points', missing, extra });
}

export interface RepairOutcome {
  before: LibraryReport;
  /** What was done; null when nothing was attempted (nothing to fix, or only a backup can fix it). */
  repairs: (Partial<LibraryRepairs> & { answerLogSetAside?: string } & RestoreRepairs) | null;
  after: LibraryReport;
}

/**
 * `newsroom check --repair`: fixes what can be fixed, as a writer (waiting for the write lock like
 * any other), and inspects the library again. A damaged database is left alone: only a backup
 * restores it.
 */
export async function repairLibrary(
  dataDir: string,
  options: { hnsw: HnswParams; lockWaitMs: number; logger?: Logger; onWriteWait?: (holder: LockHolder | null) => void },
): Promise<RepairOutcome> {
  const before = inspectLibrary(dataDir);
  const blocked = (report: LibraryReport) => report.findings.some((f) => isProblem(f) && !isRepairable(f));
  if (!before.findings.some(isRepairable) || blocked(before)) return { before, repairs: null, after: before };
  if (before.readOnly) throw new UserError(storeMessages.readOnly());
  // A restore stopped part-way first: what else is wrong can only be seen once its files are in place.
  const restores = await repairRestores(dataDir, before.findings.filter(isRestoreFinding), options);
  const current = restores.restoreRecovered ? inspectLibrary(dataDir) : before;
  const answerLog = current.findings.some(isAnswerLogFinding) ? await repairAnswerLog(dataDir, options) : {};
  const rest = current.findings.filter((f) => isRepairable(f) && !isAnswerLogFinding(f) && !isRestoreFinding(f));
  if (rest.length === 0 || blocked(current)) return { before, repairs: { ...restores, ...answerLog }, after: inspectLibrary(dataDir) };
  const library = Library.open({
    dataDir,
    hnsw: options.hnsw,
    lockWaitMs: options.lockWaitMs,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onWriteWait ? { onWriteWait: options.onWriteWait } : {}),
  });
  let repairs: LibraryRepairs;
  try {
    repairs = await library.repair({ rebuildIndex: current.findings.some((f) => f.kind === 'index-points') });
  } finally {
    library.close();
  }
  return { before, repairs: { ...restores, ...answerLog, ...repairs }, after: inspectLibrary(dataDir) };
}
