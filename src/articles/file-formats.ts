import path from 'node:path';
import type { LoadResult } from './article.ts';
import type { IdRegistry } from './duplicates.ts';

/*
 * Which files are articles, in which format, and the options of a parse: what the main thread
 * needs to pick files and send them to the parse workers, apart from the parsers themselves
 * (parse.ts), which only the workers load.
 */

export type ArticleFormat = 'text' | 'markdown' | 'html' | 'json' | 'jsonl';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

const FORMAT_BY_EXTENSION: Readonly<Record<string, ArticleFormat>> = {
  '.txt': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.json': 'json',
  '.jsonl': 'jsonl',
};

const FORMAT_BY_MEDIA_TYPE: Readonly<Record<string, ArticleFormat>> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/json': 'json',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/jsonlines': 'jsonl',
};

export interface ParseOptions {
  /** Parse as this format whatever the name says (a fetched page is HTML even at ".../story.md"). */
  format?: ArticleFormat;
  /** A Content-Type (of a Discord attachment or a response): picks the format when the name has no known extension, and the character set. */
  contentType?: string;
  /** Refuse data larger than this many bytes (default 10 MiB). */
  maxBytes?: number;
  /** HTML: the page's address, against which a relative canonical link is resolved. */
  baseUrl?: string;
  /** HTML: record this url (e.g. the final URL of a fetched page) instead of the canonical link. */
  url?: string;
  /** The id when the source gives none (default: a slug of the file name). */
  fallbackId?: string;
  /** Ids taken by earlier calls in the same batch; pass one registry to several calls to catch duplicates across them. */
  ids?: IdRegistry;
  /** Store text that looks like a credential (an editor's `ingest --allow-secrets`); refused otherwise. */
  allowCredentials?: boolean;
  /**
   * The data is line `n` of the JSON Lines file `file`, read alone (a streamed record): it is parsed
   * as JSONL and named, numbered and identified as in the whole file.
   */
  line?: { file: string; n: number };
}

/** A parsed item and the name messages use for it. */
export interface NamedResult {
  result: LoadResult;
  where: string;
}

/** The format a file name (or, failing that, a Content-Type) stands for. */
export function formatFor(name: string, contentType?: string): ArticleFormat | undefined {
  const byExtension = FORMAT_BY_EXTENSION[path.extname(name).toLowerCase()];
  if (byExtension) return byExtension;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType ? FORMAT_BY_MEDIA_TYPE[mediaType] : undefined;
}

export function isSupportedFileName(name: string): boolean {
  return FORMAT_BY_EXTENSION[path.extname(name).toLowerCase()] !== undefined;
}
