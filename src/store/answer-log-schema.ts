import type { Citation } from './types.ts';

/** The answer log's tables; every one is created if missing, so an older log gains the newer ones. */
export const SCHEMA = `
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

export interface FeedbackRow {
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

export interface AnswerRow {
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

/** The tables (with their columns) `check` expects in answers.sqlite. */
export const ANSWER_LOG_TABLES: Readonly<Record<string, readonly string[]>> = {
  answers: ['id', 'guild_id', 'user_id', 'question', 'kind', 'mode', 'text', 'citations', 'created_at'],
  feedback: ['answer_id', 'user_id', 'vote', 'created_at'],
  unanswered: ['id', 'guild_id', 'question', 'closest', 'created_at'],
};

/** Logged citations; those logged before citations carried `updated` read as not updated. */
export function parseCitations(json: string): Citation[] {
  return (JSON.parse(json) as Array<Omit<Citation, 'updated'> & { updated?: string | null }>).map((c) => ({
    ...c,
    updated: c.updated ?? null,
  }));
}
