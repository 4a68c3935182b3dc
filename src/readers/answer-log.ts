import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Citation } from '../store/types.ts';
import { UserError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { answerLogMessages } from '../messages/answer-log.ts';
import { LogWrites, openAnswerLogFile, type AnswerLogStatus, type LogWriteFailure } from './answer-log-state.ts';
import { parseCitations, type AnswerRow, type FeedbackRow } from '../store/answer-log-schema.ts';
import { isDamagedDatabaseError } from '../store/sqlite-file.ts';

/** An answer as it was shown, kept for feedback, "Show sources" and follow-up questions. */
export interface LoggedAnswer {
  id: string;
  guildId: string | null;
  userId: string;
  question: string;
  kind: string;
  mode: string;
  text: string;
  citations: Citation[];
  createdAt: string;
}

/** One person's 👍/👎 on an answer, with the answer as it was shown. */
export interface Feedback {
  answerId: string;
  question: string;
  answer: string;
  vote: 'up' | 'down';
  userId: string;
  /** When the vote was given (or last changed). */
  createdAt: string;
  /** The Discord server the answer was given in; null for direct messages. */
  guildId: string | null;
  kind: string;
  mode: string;
  citations: Citation[];
  answeredAt: string;
}

export interface FeedbackQuery {
  /** Votes given at or after this instant (ISO 8601). */
  since?: string;
  /** One server's answers only; left out: every server and direct messages. */
  guildId?: string;
  vote?: 'up' | 'down';
  /** Newest first, at most this many (default 50). */
  limit?: number;
}

export interface UnansweredQuestion {
  question: string;
  guildId: string | null;
  closest: string[];
  createdAt: string;
}

export interface UnansweredQuery {
  /** Asked at or after this instant (ISO 8601). */
  since?: string;
  /** One server's questions only; left out: every server, direct messages and the command line. */
  guildId?: string;
  /** Newest first, at most this many. */
  limit?: number;
}

export type { AnswerLogStatus } from './answer-log-state.ts';

/** An answer as saveAnswer kept it: `recorded` is false when the log could not be written. */
export type SavedAnswer = LoggedAnswer & { recorded: boolean };

/** What became of a vote: kept, not kept (the log cannot be written now), or on an answer the log does not know. */
export type VoteOutcome = 'recorded' | 'not_recorded' | 'unknown_answer';

export interface AnswerLogOptions {
  /** The library folder cannot be written: nothing is logged (said once), what is there can still be read. */
  readOnly?: boolean;
  logger?: Logger;
  /** Told of every write that could not be made (a full disk, a damaged file…), for the metrics. */
  onWriteFailed?: (failure: LogWriteFailure) => void;
  /**
   * Largest the file may grow, in bytes (SQLite's max_page_count): past it, writes fail with
   * SQLITE_FULL exactly as on a full disk. Unset: as large as the disk allows.
   */
  maxBytes?: number;
}

/** Answers that could not be recorded are still kept in memory (the newest this many), for their buttons. */
const UNRECORDED_KEPT = 500;

/**
 * What readers asked and how they rated the answers: a separate SQLite file beside the library
 * (answers.sqlite), so the article catalog stays the articles' alone. Answering never depends on
 * it: in a read-only library nothing is logged, and a damaged file, a full disk or a failed write
 * stops only the recording (see `status`), never the answer.
 */
export class AnswerLog {
  /** Null when there is nothing to read (read-only without a log file, damaged, or unopenable). */
  private readonly db: Database.Database | null;
  private readonly writes: LogWrites;
  private readonly unrecorded = new Map<string, LoggedAnswer>();

  constructor(dataDir: string, options: AnswerLogOptions = {}) {
    const file = path.join(dataDir, 'answers.sqlite');
    const logger = options.logger ?? silentLogger;
    const opened = openAnswerLogFile(file, {
      readOnly: options.readOnly === true,
      logger,
      ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
    });
    this.db = opened.db;
    this.writes = new LogWrites(opened, file, logger, options.onWriteFailed);
  }

  /** Whether answers are being recorded now, and if not, why. */
  get status(): AnswerLogStatus {
    return this.writes.status;
  }

  /** Whether this log can be written (false for a read-only library, a damaged file, a full disk). */
  get canWrite(): boolean {
    return this.db !== null && this.writes.status.recording;
  }

  /** Keeps the answer; when it cannot be recorded it is kept in memory for a while (its buttons still work). */
  saveAnswer(answer: Omit<LoggedAnswer, 'id' | 'createdAt'>): SavedAnswer {
    const logged: LoggedAnswer = { ...answer, id: randomUUID().replaceAll('-', '').slice(0, 20), createdAt: new Date().toISOString() };
    const recorded = this.writes.run(this.db, (db) =>
      db
        .prepare('INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(
          logged.id,
          logged.guildId,
          logged.userId,
          logged.question,
          logged.kind,
          logged.mode,
          logged.text,
          JSON.stringify(logged.citations),
          logged.createdAt,
        ),
    );
    if (!recorded) {
      this.unrecorded.set(logged.id, logged);
      if (this.unrecorded.size > UNRECORDED_KEPT) this.unrecorded.delete(this.unrecorded.keys().next().value as string);
    }
    return { ...logged, recorded };
  }

  getAnswer(id: string): LoggedAnswer | undefined {
    const kept = this.unrecorded.get(id);
    if (kept) return kept;
    const row = this.read(undefined, (db) => db.prepare<[string], AnswerRow>('SELECT * FROM answers WHERE id = ?').get(id), {
      quiet: true,
    });
    if (!row) return undefined;
    return {
      id: row.id,
      guildId: row.guild_id,
      userId: row.user_id,
      question: row.question,
      kind: row.kind,
      mode: row.mode,
      text: row.text,
      citations: parseCitations(row.citations),
      createdAt: row.created_at,
    };
  }

  /** One vote per person and answer; voting again replaces the earlier vote. */
  recordFeedback(answerId: string, userId: string, vote: 'up' | 'down'): VoteOutcome {
    if (this.unrecorded.has(answerId)) return 'not_recorded';
    if (!this.getAnswer(answerId)) return this.db && this.writes.status.problem !== 'damaged' ? 'unknown_answer' : 'not_recorded';
    const recorded = this.writes.run(this.db, (db) =>
      db
        .prepare(
          `INSERT INTO feedback VALUES (?, ?, ?, ?)
           ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at`,
        )
        .run(answerId, userId, vote, new Date().toISOString()),
    );
    return recorded ? 'recorded' : 'not_recorded';
  }

  /** Votes on answers with the answers themselves, newest vote first. */
  feedback(query: FeedbackQuery = {}): Feedback[] {
    const rows = this.read([], (db) =>
      db
        .prepare<[{ since: string | null; guild: string | null; vote: string | null; limit: number }], FeedbackRow>(
          `SELECT f.answer_id, a.question, a.text, f.vote, f.user_id, f.created_at, a.guild_id, a.kind, a.mode, a.citations,
                  a.created_at AS answered_at
             FROM feedback f JOIN answers a ON a.id = f.answer_id
            WHERE f.created_at >= coalesce(@since, '') AND (@guild IS NULL OR a.guild_id = @guild) AND (@vote IS NULL OR f.vote = @vote)
            ORDER BY f.created_at DESC, f.rowid DESC LIMIT @limit`,
        )
        .all({ since: query.since ?? null, guild: query.guildId ?? null, vote: query.vote ?? null, limit: query.limit ?? 50 }),
    );
    return rows.map((r) => ({
      answerId: r.answer_id,
      question: r.question,
      answer: r.text,
      vote: r.vote,
      userId: r.user_id,
      createdAt: r.created_at,
      guildId: r.guild_id,
      kind: r.kind,
      mode: r.mode,
      citations: parseCitations(r.citations),
      answeredAt: r.answered_at,
    }));
  }

  /** Says whether the question was recorded (false: the log cannot be written now). */
  recordUnanswered(question: string, guildId: string | null, closest: string[]): boolean {
    return this.writes.run(this.db, (db) =>
      db
        .prepare('INSERT INTO unanswered (guild_id, question, closest, created_at) VALUES (?, ?, ?, ?)')
        .run(guildId, question, JSON.stringify(closest), new Date().toISOString()),
    );
  }

  /** Questions the archive could not answer, newest first; null guild = every server and DMs. */
  unanswered(guildId: string | null, limit = 25): UnansweredQuestion[] {
    return this.unansweredQuestions({ ...(guildId === null ? {} : { guildId }), limit });
  }

  /** Questions the archive could not answer, newest first, as asked (see src/readers for grouping them). */
  unansweredQuestions(query: UnansweredQuery = {}): UnansweredQuestion[] {
    const rows = this.read([], (db) =>
      db
        .prepare<
          [{ since: string | null; guild: string | null; limit: number }],
          { question: string; guild_id: string | null; closest: string; created_at: string }
        >(
          `SELECT question, guild_id, closest, created_at FROM unanswered
            WHERE created_at >= coalesce(@since, '') AND (@guild IS NULL OR guild_id = @guild) ORDER BY id DESC LIMIT @limit`,
        )
        .all({ since: query.since ?? null, guild: query.guildId ?? null, limit: query.limit ?? -1 }),
    );
    return rows.map((r) => ({
      question: r.question,
      guildId: r.guild_id,
      closest: JSON.parse(r.closest) as string[],
      createdAt: r.created_at,
    }));
  }

  /** Whether the digest for this week (`slot`, an ISO instant) was posted, by this process or an earlier one. */
  digestPosted(slot: string): boolean {
    return this.read(false, (db) => {
      const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'digests'").get();
      if (!table) return false;
      return db.prepare<[string], { slot: string }>('SELECT slot FROM digests WHERE slot = ?').get(slot) !== undefined;
    });
  }

  /** Remembers that the digest for `slot` was posted; false when the log cannot be written (read-only, full disk…). */
  recordDigest(slot: string, channelId: string, postedAt: Date): boolean {
    return this.writes.run(this.db, (db) =>
      db
        .prepare('INSERT OR REPLACE INTO digests (slot, channel_id, posted_at) VALUES (?, ?, ?)')
        .run(slot, channelId, postedAt.toISOString()),
    );
  }

  close(): void {
    if (this.db?.open) this.db.close();
  }

  /**
   * A read of the log. A damaged log turns the recording off and is refused with a UserError that
   * says how to repair it (or, `quiet`, reads as empty: a button on an old answer); no log reads as empty.
   */
  private read<T>(empty: T, query: (db: Database.Database) => T, options: { quiet?: boolean } = {}): T {
    const damaged = this.writes.status.problem === 'damaged';
    if (!this.db || damaged) {
      if (damaged && !options.quiet) throw new UserError(answerLogMessages.damagedRead);
      return empty;
    }
    try {
      return query(this.db);
    } catch (error) {
      if (!isDamagedDatabaseError(error)) throw error;
      this.writes.markDamaged(error);
      if (options.quiet) return empty;
      throw new UserError(answerLogMessages.damagedRead, { cause: error });
    }
  }
}
