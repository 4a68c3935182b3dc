import type Database from 'better-sqlite3';

/*
 * The catalog's `meta` table: one value per key (the embedding model, the change log's generation,
 * which one-time upgrades are done). Read and written here, not with a statement of each caller's own.
 */

/** The value stored under `key`, or undefined. */
export function readMeta(db: Database.Database, key: string): string | undefined {
  return db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value;
}

/** Stores `value` under `key`, replacing what was there. */
export function writeMeta(db: Database.Database, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
