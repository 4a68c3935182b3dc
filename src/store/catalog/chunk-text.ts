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

export class ChunkTexts {
  private readonly bodies: Database.Statement<[string], { key: number; body: string }>;

  constructor(db: Database.Database) {
    this.bodies = db.prepare('SELECT key, article_text(body) AS body FROM articles WHERE key IN (SELECT value FROM json_each(?))');
  }

  /** `rows` with their text, each article's body read once. */
  withText<T extends ChunkSpan>(rows: T[]): (T & { text: string })[] {
    if (rows.length === 0) return [];
    const keys = [...new Set(rows.map((r) => r.articleKey))];
    const bodies = new Map(this.bodies.all(JSON.stringify(keys)).map((r) => [r.key, r.body]));
    for (const row of rows) (row as T & { text: string }).text = bodies.get(row.articleKey)?.slice(row.start, row.end) ?? '';
    return rows as (T & { text: string })[];
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
