import type { LoadResult } from './article.ts';
import { IdRegistry } from './duplicates.ts';
import { readArticleFile, walkPaths, type LinkPolicy } from './files.ts';
import { mapOrdered } from './ordered-pool.ts';
import { DEFAULT_MAX_BYTES } from './file-formats.ts';
import { sharedParsePool, type ParsePool } from './parse-pool.ts';

export const DEFAULT_CONCURRENCY = 16;

export interface LoadPathsOptions {
  /** Files larger than this are refused before reading (default 10 MiB). */
  maxBytes?: number;
  /** Files read at the same time (default 16): bounds open file descriptors and memory. */
  concurrency?: number;
  /** Hears about each file inside a folder that was left out for its unsupported type. */
  onSkip?: (name: string) => void;
  /** Ids already taken in this batch (e.g. by attachments loaded alongside). */
  ids?: IdRegistry;
  /** Parse in this pool instead of the process-wide one. */
  pool?: ParsePool;
  /** Symbolic links to files met in folders (FOLLOW_SYMLINKS; default 'off': none followed). */
  links?: LinkPolicy;
  /** The folder every path lies in (ARTICLES_DIR): a path reached through a link is judged by `links` too. */
  root?: string;
  /** Store text that looks like a credential (an editor's `ingest --allow-secrets`); refused otherwise. */
  allowCredentials?: boolean;
}

/**
 * Loads articles from files and folders as a stream, in a stable order (paths as given,
 * folder entries sorted), parsing them in worker threads. Every problem is a `{ ok: false }` result naming the file and
 * the rest of the batch still loads; an id used twice fails the second time.
 */
export async function* loadPaths(paths: readonly string[], opts: LoadPathsOptions = {}): AsyncGenerator<LoadResult, void, undefined> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const ids = opts.ids ?? new IdRegistry();
  const pool = opts.pool ?? sharedParsePool();
  const files = walkPaths(paths, {
    ...(opts.onSkip ? { onSkip: opts.onSkip } : {}),
    ...(opts.links ? { links: opts.links } : {}),
    ...(opts.root !== undefined ? { root: opts.root } : {}),
  });
  const parseOptions = opts.allowCredentials ? { allowCredentials: true } : {};
  for await (const items of mapOrdered(files, opts.concurrency ?? DEFAULT_CONCURRENCY, (entry) =>
    readArticleFile(entry, maxBytes, pool, parseOptions),
  )) {
    // A JSON Lines file comes as a stream of its records, read as they are taken.
    for await (const { result, where } of items) yield ids.claim(result, where);
  }
}

/** The files loadPaths would read, for a progress total (unreadable paths are left out). */
export async function listArticleFiles(paths: readonly string[], links: LinkPolicy = 'off'): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of walkPaths(paths, { links })) if (entry.kind === 'file') files.push(entry.path);
  return files;
}
