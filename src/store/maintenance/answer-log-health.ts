import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { errorMessage } from '../../errors.ts';
import { ANSWER_LOG_TABLES, SCHEMA } from '../answer-log-schema.ts';
import type { Logger } from '../../log.ts';
import { DamagedDatabaseError, openSqliteFile } from '../sqlite-file.ts';
import { WriteLock, type LockHolder } from '../write-lock.ts';

/** The answer log's file in DATA_DIR (src/readers/answer-log.ts). */
export const ANSWER_LOG_FILE = 'answers.sqlite';
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/** What `check` finds wrong with answers.sqlite; each is repaired by setting the file aside. */
export type AnswerLogFinding =
  | { kind: 'answers-unreadable'; message: string }
  | { kind: 'answers-integrity'; details: string[] }
  | { kind: 'answers-schema'; missing: string[] };

export interface AnswerLogReport {
  file: string;
  bytes: number | null;
  integrity: 'ok' | 'damaged' | 'unreadable' | 'absent';
  findings: AnswerLogFinding[];
}

export function isAnswerLogFinding(finding: { kind: string }): finding is AnswerLogFinding {
  return finding.kind.startsWith('answers-');
}

/**
 * answers.sqlite read without changing it: SQLite's integrity check, and the tables and columns
 * the answer log uses. No file is fine (the log is created when first needed), and so are missing
 * tables of an older log (created on open); a table without its columns, or a database with none of
 * the log's tables but others, is not the answer log.
 */
export function inspectAnswerLog(dataDir: string): AnswerLogReport {
  const file = path.join(dataDir, ANSWER_LOG_FILE);
  const report: AnswerLogReport = { file, bytes: null, integrity: 'absent', findings: [] };
  if (!fs.existsSync(file)) return report;
  report.bytes = fs.statSync(file).size;
  let db: Database.Database;
  try {
    db = openSqliteFile(file, { readOnly: true });
  } catch (error) {
    report.integrity = 'unreadable';
    // SQLite's own words ("file is not a database"); the file and what to do are said by check.
    report.findings.push({
      kind: 'answers-unreadable',
      message: errorMessage(error instanceof DamagedDatabaseError ? error.cause : error),
    });
    return report;
  }
  try {
    const integrity = (db.prepare('PRAGMA integrity_check(20)').raw(true).all() as [string][]).map((r) => r[0]);
    if (integrity.length !== 1 || integrity[0] !== 'ok') {
      report.integrity = 'damaged';
      report.findings.push({ kind: 'answers-integrity', details: integrity });
      return report;
    }
    report.integrity = 'ok';
    const missing = missingColumns(db);
    if (missing.length > 0) report.findings.push({ kind: 'answers-schema', missing });
  } catch (error) {
    report.integrity = 'unreadable';
    report.findings.push({ kind: 'answers-unreadable', message: errorMessage(error) });
  } finally {
    db.close();
  }
  return report;
}

/** `table.column` for each column the log needs that is not there; every table when none of them is but others are. */
function missingColumns(db: Database.Database): string[] {
  const tables = new Set(
    (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").raw(true).all() as [string][]).map((r) => r[0]),
  );
  const ours = Object.keys(ANSWER_LOG_TABLES).filter((t) => tables.has(t));
  if (ours.length === 0) return tables.size === 0 ? [] : Object.keys(ANSWER_LOG_TABLES);
  const missing: string[] = [];
  for (const table of ours) {
    const columns = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    for (const column of ANSWER_LOG_TABLES[table] ?? []) if (!columns.has(column)) missing.push(`${table}.${column}`);
  }
  return missing;
}

/**
 * `check --repair` for a damaged answer log: the file (with its side files) is renamed to
 * `answers.sqlite.damaged-<time>` beside it, kept for whoever wants to salvage it, and a new, empty
 * log is created. The caller holds the write lock. Returns the name it was set aside as.
 */
export function setAsideAnswerLog(dataDir: string, now = new Date()): string {
  const file = path.join(dataDir, ANSWER_LOG_FILE);
  const aside = `${ANSWER_LOG_FILE}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const side of ['', ...SIDE_FILES]) {
    if (fs.existsSync(file + side)) fs.renameSync(file + side, path.join(dataDir, aside + side));
  }
  const fresh = openSqliteFile(file, { readOnly: false });
  try {
    fresh.pragma('journal_mode = WAL');
    fresh.exec(SCHEMA);
  } finally {
    fresh.close();
  }
  return aside;
}

/** A damaged answer log is set aside and a new one started, under the write lock (a restore takes it too). */
export async function repairAnswerLog(
  dataDir: string,
  options: { lockWaitMs: number; logger?: Logger; onWriteWait?: (holder: LockHolder | null) => void },
): Promise<{ answerLogSetAside: string }> {
  const lock = new WriteLock(dataDir, {
    waitMs: options.lockWaitMs,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onWriteWait ? { onWait: options.onWriteWait } : {}),
  });
  try {
    await lock.acquire();
    const aside = setAsideAnswerLog(dataDir);
    options.logger?.info({ dataDir, setAside: aside }, 'damaged answer log set aside; a new one was started');
    return { answerLogSetAside: aside };
  } finally {
    lock.close();
  }
}
