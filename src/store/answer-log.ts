import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Citation } from '../answering/types.ts';
import { silentLogger, type Logger } from '../log.ts';
import { isReadOnlyError, openSqliteFile } from './sqlite-file.ts';

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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS answers (
  id TEXT PRIMARY KEY, guild_id TEXT, user_id TEXT NOT NULL, question TEXT NOT NULL, kind TEXT NOT NULL,
  mode TEXT NOT NULL, text TEXT NOT NULL, citations TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
  answer_id TEXT NOT NULL REFERENCES answers (id), user_id TEXT NOT NULL, vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
  created_at TEXT NOT NULL, PRIMARY KEY (answer_id, user_id)
);
CREATE TABLE IF NOT EXISTS unanswered (
  id INTEGER PRIMARY KEY AUTOINCREMENT, guild_id TEXT, question TEXT NOT NULL, closest TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS unanswered_guild ON unanswered (guild_id, created_at);
CREATE INDEX IF NOT EXISTS unanswered_created ON unanswered (created_at);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at);
CREATE TABLE IF NOT EXISTS digests (
  slot TEXT PRIMARY KEY, channel_id TEXT NOT NULL, posted_at TEXT NOT NULL
);
`;

interface FeedbackRow {
  answer_id: string;
  question: string;
  text: string;
  vote: 'up' | 'down';
  user_id: string;
  created_at: string;
  guild_id: string | null;
  kind: string;
  mode: string;
  citations: string;
  answered_at: string;
}

interface AnswerRow {
  id: string;
  guild_id: string | null;
  user_id: string;
  question: string;
  kind: string;
  mode: string;
  text: string;
  citations: string;
  created_at: string;
}

export interface AnswerLogOptions {
  /** The library folder cannot be written: nothing is logged (said once), what is there can still be read. */
  readOnly?: boolean;
  logger?: Logger;
}

/**
 * What readers asked and how they rated the answers: a separate SQLite file beside the library
 * (answers.sqlite), so the article catalog stays the articles' alone. In a read-only library
 * nothing is logged, with one warning.
 */
export class AnswerLog {
  /** Null when there is nothing to read (read-only, and no log file could be opened). */
  private readonly db: Database.Database | null;
  private writable: boolean;
  private readonly logger: Logger;
  private warned = false;

  constructor(dataDir: string, options: AnswerLogOptions = {}) {
    const file = path.join(dataDir, 'answers.sqlite');
    this.logger = options.logger ?? silentLogger;
    this.writable = !options.readOnly;
    if (this.writable) {
      this.db = openSqliteFile(file, { readOnly: false, logger: this.logger });
      this.db.pragma('journal_mode = WAL');
      this.db.exec(SCHEMA);
      return;
    }
    let db: Database.Database | null = null;
    try {
      if (fs.existsSync(file)) db = openSqliteFile(file, { readOnly: true, logger: this.logger });
    } catch (error) {
      this.logger.warn({ err: error, file }, 'answer log unreadable; earlier answers and gaps are not shown');
    }
    this.db = db;
  }

  /** Runs a write, or skips it (warning once) when the log cannot be written. Says whether it was written. */
  private tryWrite(write: (db: Database.Database) => void): boolean {
    if (this.writable && this.db) {
      try {
        write(this.db);
        return true;
      } catch (error) {
        if (!isReadOnlyError(error)) throw error;
        this.writable = false;
      }
    }
    if (!this.warned) {
      this.warned = true;
      this.logger.warn('answers.sqlite cannot be written (read-only library): answers, feedback and unanswered questions are not logged');
    }
    return false;
  }

  /** Whether this log can be written (false for a read-only library). */
  get canWrite(): boolean {
    return this.writable && this.db !== null;
  }

  saveAnswer(answer: Omit<LoggedAnswer, 'id' | 'createdAt'>): LoggedAnswer {
    const logged: LoggedAnswer = { ...answer, id: randomUUID().replaceAll('-', '').slice(0, 20), createdAt: new Date().toISOString() };
    this.tryWrite((db) =>
      db
        .prepare('INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(logged.id, logged.guildId, logged.userId, logged.question, logged.kind, logged.mode, logged.text, JSON.stringify(logged.citations), logged.createdAt),
    );
    return logged;
  }

  getAnswer(id: string): LoggedAnswer | undefined {
    if (!this.db) return undefined;
    const row = this.db.prepare<[string], AnswerRow>('SELECT * FROM answers WHERE id = ?').get(id);
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
  recordFeedback(answerId: string, userId: string, vote: 'up' | 'down'): boolean {
    if (!this.getAnswer(answerId)) return false;
    this.tryWrite((db) =>
      db
        .prepare(
          `INSERT INTO feedback VALUES (?, ?, ?, ?)
           ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at`,
        )
        .run(answerId, userId, vote, new Date().toISOString()),
    );
    return true;
  }

  /** Votes on answers with the answers themselves, newest vote first. */
  feedback(query: FeedbackQuery = {}): Feedback[] {
    if (!this.db) return [];
    const rows = this.db
      .prepare<[{ since: string | null; guild: string | null; vote: string | null; limit: number }], FeedbackRow>(
        `SELECT f.answer_id, a.question, a.text, f.vote, f.user_id, f.created_at, a.guild_id, a.kind, a.mode, a.citations,
                a.created_at AS answered_at
           FROM feedback f JOIN answers a ON a.id = f.answer_id
          WHERE f.created_at >= coalesce(@since, '') AND (@guild IS NULL OR a.guild_id = @guild) AND (@vote IS NULL OR f.vote = @vote)
          ORDER BY f.created_at DESC, f.rowid DESC LIMIT @limit`,
      )
      .all({ since: query.since ?? null, guild: query.guildId ?? null, vote: query.vote ?? null, limit: query.limit ?? 50 });
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

  recordUnanswered(question: string, guildId: string | null, closest: string[]): void {
    this.tryWrite((db) =>
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
    if (!this.db) return [];
    const rows = this.db
      .prepare<
        [{ since: string | null; guild: string | null; limit: number }],
        { question: string; guild_id: string | null; closest: string; created_at: string }
      >(
        `SELECT question, guild_id, closest, created_at FROM unanswered
          WHERE created_at >= coalesce(@since, '') AND (@guild IS NULL OR guild_id = @guild) ORDER BY id DESC LIMIT @limit`,
      )
      .all({ since: query.since ?? null, guild: query.guildId ?? null, limit: query.limit ?? -1 });
    return rows.map((r) => ({ question: r.question, guildId: r.guild_id, closest: JSON.parse(r.closest) as string[], createdAt: r.created_at }));
  }

  /** Whether the digest for this week (`slot`, an ISO instant) was posted, by this process or an earlier one. */
  digestPosted(slot: string): boolean {
    if (!this.db) return false;
    const table = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'digests'").get();
    if (!table) return false;
    return this.db.prepare<[string], { slot: string }>('SELECT slot FROM digests WHERE slot = ?').get(slot) !== undefined;
  }

  /** Remembers that the digest for `slot` was posted; false when the log cannot be written (read-only). */
  recordDigest(slot: string, channelId: string, postedAt: Date): boolean {
    return this.tryWrite((db) =>
      db.prepare('INSERT OR REPLACE INTO digests (slot, channel_id, posted_at) VALUES (?, ?, ?)').run(slot, channelId, postedAt.toISOString()),
    );
  }

  close(): void {
    if (this.db?.open) this.db.close();
  }
}

/** Logged citations; those logged before citations carried `updated` read as not updated. */
function parseCitations(json: string): Citation[] {
  return (JSON.parse(json) as Array<Omit<Citation, 'updated'> & { updated?: string | null }>).map((c) => ({ ...c, updated: c.updated ?? null }));
}
