import type { LoadResult } from './article.ts';
import { IdRegistry } from './duplicates.ts';
import type { ParseOptions } from './file-formats.ts';
import { sharedParsePool, type ParsePool } from './parse-pool.ts';

export interface ParseBufferOptions extends ParseOptions {
  /** Parse in this pool instead of the process-wide one. */
  pool?: ParsePool;
}

/**
 * Parses one file's bytes (a file, a Discord attachment, a fetched page) into articles, in a
 * worker thread with a time and nesting limit (see parse-pool.ts). `name` is the file name as
 * the user knows it (it picks the format and appears in messages); `source` is recorded on each
 * article. A JSON/JSONL file yields one result per record, a bad record failing alone. Never
 * rejects for bad input.
 */
export async function parseArticleBuffer(
  name: string,
  data: Uint8Array,
  source: string,
  opts: ParseBufferOptions = {},
): Promise<LoadResult[]> {
  const { pool = sharedParsePool(), ...parseOptions } = opts;
  const ids = opts.ids ?? new IdRegistry();
  const named = await pool.parse(name, data, source, parseOptions);
  return named.map(({ result, where }) => ids.claim(result, where));
}
