import path from 'node:path';
import type Database from 'better-sqlite3';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { answerLogMessages } from '../messages/answer-log.ts';
import fs from 'node:fs';
import { SCHEMA } from '../store/answer-log-schema.ts';
import {
  DamagedDatabaseError,
  DiskFullError,
  isDamagedDatabaseError,
  isDiskFullFailure,
  isReadOnlyError,
  openSqliteFile,
} from '../store/sqlite-file.ts';

/**
 * Why answers are not being recorded: the library is read-only (by design, lasting), the file is
 * damaged (lasting until `check --repair` or a restore, and a restart), the disk is full or a write
 * failed otherwise (each later write tries again, and the first to succeed ends it).
 */
export type AnswerLogProblem = 'read_only' | 'damaged' | 'disk_full' | 'write_failed';

/** A log write that could not be made, by cause (read-only libraries skip writes instead: not counted). */
export type LogWriteFailure = Exclude<AnswerLogProblem, 'read_only'>;

export interface AnswerLogStatus {
  /** Whether answers, votes and unanswered questions are being recorded now. */
  recording: boolean;
  problem: AnswerLogProblem | null;
  /** The problem in words an operator can act on; null while recording. */
  reason: string | null;
}

/**
 * Runs the answer log's writes so that none of them can fail an answer: a write that fails is
 * logged (once per problem, not once per write), counted through `onFailed`, and reported as not
 * made; the log's status says why until a write succeeds again.
 */
export class LogWrites {
  private problem: AnswerLogProblem | null = null;
  private detail = '';
  private warnedReadOnly = false;
  private readonly file: string;
  private readonly logger: Logger;
  private readonly onFailed: ((failure: LogWriteFailure) => void) | undefined;

  constructor(opened: OpenedLog, file: string, logger: Logger, onFailed?: (failure: LogWriteFailure) => void) {
    this.file = file;
    this.logger = logger;
    this.onFailed = onFailed;
    if (opened.problem === 'damaged') this.markDamaged(opened.error);
    else if (opened.problem === 'disk_full') this.noteFailure('disk_full', opened.error);
    else this.problem = opened.problem;
  }

  get status(): AnswerLogStatus {
    return {
      recording: this.problem === null,
      problem: this.problem,
      reason: this.problem && answerLogMessages.problem(this.problem, this.detail),
    };
  }

  /** The file turned out damaged (at open, or when a read hit a damaged page): nothing more is written. */
  markDamaged(error: unknown): void {
    if (this.problem === 'damaged') return;
    this.problem = 'damaged';
    this.detail = errorMessage(error);
    this.logger.error({ file: this.file, err: error }, answerLogMessages.damagedLog(this.file));
  }

  /** Runs `write` on `db`; false when it could not be made (nothing thrown). */
  run(db: Database.Database | null, write: (db: Database.Database) => void): boolean {
    if (this.problem === 'read_only') {
      if (!this.warnedReadOnly) this.logger.warn({ file: this.file }, answerLogMessages.readOnlyLog);
      this.warnedReadOnly = true;
      return false;
    }
    // No file to write to (damaged, or the disk was full when it was opened): nothing to try again.
    if (this.problem === 'damaged' || !db) {
      this.onFailed?.(this.problem ?? 'write_failed');
      return false;
    }
    try {
      write(db);
    } catch (error) {
      this.failed(error);
      return false;
    }
    if (this.problem !== null) {
      this.logger.info({ file: this.file, was: this.problem }, 'answer log recording again');
      this.problem = null;
    }
    return true;
  }

  private failed(error: unknown): void {
    if (isReadOnlyError(error)) {
      this.problem = 'read_only';
      this.warnedReadOnly = true;
      this.logger.warn({ file: this.file }, answerLogMessages.readOnlyLog);
      return;
    }
    if (isDamagedDatabaseError(error)) {
      this.markDamaged(error);
      this.onFailed?.('damaged');
      return;
    }
    const failure: LogWriteFailure = isDiskFullFailure(error, path.dirname(this.file)) ? 'disk_full' : 'write_failed';
    this.onFailed?.(failure);
    this.noteFailure(failure, error);
  }

  /** Logs a new problem once (not every write it fails). */
  private noteFailure(failure: LogWriteFailure, error: unknown): void {
    if (this.problem === failure) return;
    this.problem = failure;
    this.detail = errorMessage(error);
    this.logger.error({ file: this.file, err: error, problem: failure }, answerLogMessages.writeFailed(failure));
  }
}

export interface OpenedLog {
  db: Database.Database | null;
  problem: AnswerLogProblem | null;
  error?: unknown;
}

/**
 * Opens answers.sqlite (creating it when writable): a damaged file or a full disk leaves the log off
 * instead of failing start-up, a read-only library reads what is there.
 */
export function openAnswerLogFile(file: string, options: { readOnly: boolean; logger: Logger; maxBytes?: number }): OpenedLog {
  return options.readOnly ? openForReading(file, options.logger) : openForWriting(file, options.maxBytes);
}

function openForWriting(file: string, maxBytes: number | undefined): OpenedLog {
  let db: Database.Database | null = null;
  try {
    db = openSqliteFile(file, { readOnly: false });
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
    if (maxBytes !== undefined)
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(maxBytes / Number(db.pragma('page_size', { simple: true }))))}`);
    return { db, problem: null };
  } catch (error) {
    db?.close();
    if (error instanceof DamagedDatabaseError || isDamagedDatabaseError(error)) return { db: null, problem: 'damaged', error };
    if (error instanceof DiskFullError || isDiskFullFailure(error, path.dirname(file))) return { db: null, problem: 'disk_full', error };
    throw error;
  }
}

/** A read-only library's log: read if it can be, never written. */
function openForReading(file: string, logger: Logger): OpenedLog {
  try {
    if (fs.existsSync(file)) return { db: openSqliteFile(file, { readOnly: true, logger }), problem: 'read_only' };
  } catch (error) {
    if (error instanceof DamagedDatabaseError) return { db: null, problem: 'damaged', error };
    logger.warn({ err: error, file }, 'answer log unreadable; earlier answers and gaps are not shown');
  }
  return { db: null, problem: 'read_only' };
}
