import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { readMeta, writeMeta } from './meta.ts';

/*
 * Article bodies are stored deflated: the body is the largest thing the catalog keeps once
 * embeddings are float16 and chunk texts are cut from it (782 MiB of text per million chunks,
 * about 0.4 of that deflated). A body is a TEXT value when it was stored before compression or
 * is too short to gain from it, a BLOB otherwise; both read back as the same string.
 *
 * SQL reads bodies through `article_text(body)`, a function every catalog connection registers
 * (the whole-article index's triggers use it too), so no query sees the stored form.
 */

/** Below this many UTF-8 bytes a body is kept as text: deflate's own overhead eats the gain. */
const SMALLEST_DEFLATED = 256;
const LEVEL = 6;

/** The stored form of a body: deflated when that is smaller, else the text itself. */
export function encodeBody(text: string): string | Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length < SMALLEST_DEFLATED) return text;
  const deflated = deflateRawSync(bytes, { level: LEVEL });
  return deflated.length < bytes.length ? deflated : text;
}

/** The text of a stored body, whichever form it has. */
export function decodeBody(stored: string | Buffer | null): string {
  if (stored === null) return '';
  return typeof stored === 'string' ? stored : inflateRawSync(stored).toString('utf8');
}

/** Makes `article_text(body)` available to SQL on this connection (reads and triggers). */
export function registerArticleText(db: Database.Database): void {
  db.function('article_text', { deterministic: true }, (stored: unknown) =>
    decodeBody(typeof stored === 'string' || Buffer.isBuffer(stored) ? stored : null),
  );
}

const FORMAT_KEY = 'body_format';
const CURRENT_FORMAT = 'deflate';
const BATCH = 500;

/**
 * Deflates the bodies of a library written before they were compressed, a batch per
 * transaction, and records that it is done (meta `body_format`). The text does not change, so
 * the whole-article index is left as it is (its update trigger compares texts). The space freed
 * is reused by later writes; `VACUUM` returns it to the disk. Returns the bodies rewritten.
 */
export function compressBodiesOnce(db: Database.Database): number {
  if (readMeta(db, FORMAT_KEY) === CURRENT_FORMAT) return 0;
  const next = db.prepare<[number], { key: number; body: string }>(
    `SELECT key, body FROM articles WHERE key > ? AND typeof(body) = 'text' AND length(body) >= ${SMALLEST_DEFLATED} ORDER BY key LIMIT ${BATCH}`,
  );
  const rewrite = db.prepare('UPDATE articles SET body = ? WHERE key = ?');
  let rewritten = 0;
  const batch = db.transaction((rows: { key: number; body: string }[]) => {
    for (const row of rows) {
      const stored = encodeBody(row.body);
      if (typeof stored === 'string') continue;
      rewrite.run(stored, row.key);
      rewritten++;
    }
  });
  for (let after = 0; ;) {
    const rows = next.all(after);
    if (rows.length === 0) break;
    batch(rows);
    after = rows[rows.length - 1]?.key ?? after;
  }
  writeMeta(db, FORMAT_KEY, CURRENT_FORMAT);
  return rewritten;
}
