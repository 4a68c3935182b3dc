import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { openSqliteFile } from '../sqlite-file.ts';

/** Rows in each of `tables` that the database has (one written by an older version may lack some). */
export function rowCounts(file: string, tables: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  if (!fs.existsSync(file)) return counts;
  const db = openSqliteFile(file, { readOnly: true });
  try {
    for (const table of tables) {
      if (tableExists(db, table)) counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
  } finally {
    db.close();
  }
  return counts;
}

function tableExists(db: Database.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/** The file's SHA-256 as `sha256:<hex>`, read in 8 MiB pieces (`onRead` is told each piece's size). */
export function sha256Of(file: string, onRead?: (bytes: number) => void): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      onRead?.(n);
    }
  } finally {
    fs.closeSync(fd);
  }
  return `sha256:${hash.digest('hex')}`;
}
