import type Database from 'better-sqlite3';

/*
 * A chunk's text is a span of its article's body (the chunker's contract: body.slice(start, end)
 * is the chunk's text), so the catalog keeps the body once and cuts chunk texts out of it when read:
 * storing both cost about 0.7 GB per million chunks. Offsets are JavaScript string offsets
 * (UTF-16), which SQLite's substr() does not count in, hence the cutting happens here.
 */

/** Rows carrying where their text lies in their article's body. */
export interface ChunkSpan {
  articleKey: number;
  start: number;
  end: number;
}

/** Bodies kept after a read: follow-up questions come back to the same stories, and each read of a deflated body costs 20–60 µs. */
const BODIES_KEPT = 256;

export class ChunkTexts {
  private readonly bodies: Database.Statement<[string], { key: number; body: string }>;
  /**
   * Recently read bodies by article key, oldest first. A key always names the same text: keys are
   * never reused (AUTOINCREMENT), and a changed article is stored under a new key.
   */
  private readonly recent = new Map<number, string>();

  constructor(db: Database.Database) {
    this.bodies = db.prepare('SELECT key, article_text(body) AS body FROM articles WHERE key IN (SELECT value FROM json_each(?))');
  }

  /** `rows` with their text, each article's body read once. */
  withText<T extends ChunkSpan>(rows: T[]): (T & { text: string })[] {
    if (rows.length === 0) return [];
    const keys = [...new Set(rows.map((r) => r.articleKey))];
    const bodies = this.bodiesOf(keys);
    for (const row of rows) (row as T & { text: string }).text = bodies.get(row.articleKey)?.slice(row.start, row.end) ?? '';
    return rows as (T & { text: string })[];
  }

  private bodiesOf(keys: readonly number[]): Map<number, string> {
    const found = new Map<number, string>();
    for (const key of keys) {
      const body = this.recent.get(key);
      if (body === undefined) continue;
      found.set(key, body);
      this.recent.delete(key);
      this.recent.set(key, body);
    }
    const missing = keys.filter((key) => !found.has(key));
    if (missing.length === 0) return found;
    for (const { key, body } of this.bodies.all(JSON.stringify(missing))) {
      found.set(key, body);
      this.recent.set(key, body);
    }
    for (const key of this.recent.keys()) {
      if (this.recent.size <= BODIES_KEPT) break;
      this.recent.delete(key);
    }
    return found;
  }
}

/**
 * Drops the `text` column of a library written before chunk texts were cut from their article
 * (once, on the first writable open; the chunker has kept the contract since the first version).
 * Returns whether there was one. The space it held is reused by later writes; `VACUUM` returns it.
 */
export function dropStoredChunkTexts(db: Database.Database): boolean {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('chunks')").all();
  if (!columns.some((c) => c.name === 'text')) return false;
  db.exec('ALTER TABLE chunks DROP COLUMN text');
  return true;
}
