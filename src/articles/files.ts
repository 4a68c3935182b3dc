import { constants } from 'node:fs';
import { open, readdir, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { loadMessages as messages } from '../messages/articles.ts';
import { readJsonLinesFile } from './jsonl-file.ts';
import { formatFor, isSupportedFileName, type NamedResult, type ParseOptions } from './file-formats.ts';
import { sharedParsePool, type ParsePool } from './parse-pool.ts';
import { failure } from './validate.ts';

/**
 * A file to load, or a path that could not be walked. `name` is how messages show it; `target` is the
 * real file a followed symbolic link points to (what is opened), `path` stays the link (the source).
 */
export type PathEntry =
  { kind: 'file'; path: string; name: string; target?: string } | { kind: 'error'; path: string; name: string; error: string };

/**
 * FOLLOW_SYMLINKS: which symbolic links to files met in a folder are read. 'off' (the default): none,
 * each reported; 'inside': those whose real target lies inside the folder walked (or `root`); 'all':
 * any, wherever it points. Links to folders are never followed (they could loop).
 */
export type LinkPolicy = 'off' | 'inside' | 'all';

export interface WalkOptions {
  /** Hears about each file inside a folder that was left out for its unsupported type. */
  onSkip?: (name: string) => void;
  links?: LinkPolicy;
  /**
   * The folder every given path lies in (ARTICLES_DIR, followed by the bot): a given path that is a
   * link is then judged as one met in that folder. Without it, a path named on the command line is
   * read wherever it points (the person named it).
   */
  root?: string;
}

/**
 * Walks files and folders in order: folders recursively (entries sorted by name), leaving
 * out dotfiles and dot-folders, symbolic links to folders (they could loop), and files
 * of unsupported types, which `onSkip` hears about. Symbolic links to files follow `links`.
 * A file named explicitly is always returned, so an unsupported type gets a clear message.
 * Each file appears once.
 */
export async function* walkPaths(paths: readonly string[], options: WalkOptions = {}): AsyncGenerator<PathEntry, void, undefined> {
  const seen = new Set<string>();
  const once = (entry: PathEntry): PathEntry[] => {
    if (entry.kind === 'file') {
      if (seen.has(entry.path)) return [];
      seen.add(entry.path);
    }
    return [entry];
  };
  const root = options.root === undefined ? undefined : path.resolve(options.root);

  for (const given of paths) {
    const absolute = path.resolve(given);
    let stats;
    try {
      stats = await stat(absolute);
    } catch (error) {
      yield { kind: 'error', path: absolute, name: given, error: fileErrorMessage(given, error) };
      continue;
    }
    if (stats.isDirectory()) {
      const walk = { ...options, root: root ?? absolute };
      for await (const entry of walkDirectory(absolute, given, walk)) yield* once(entry);
    } else if (stats.isFile()) {
      yield* once(await namedFile(absolute, given, options.links ?? 'off', root));
    } else {
      yield { kind: 'error', path: absolute, name: given, error: messages.notAFile(given) };
    }
  }
}

/**
 * A file named as a path. Under `root`, one reached through a symbolic link (itself, or a folder on
 * the way) is judged like a link met in the folder; named on the command line, it is read wherever it
 * points, opened by its real path.
 */
async function namedFile(absolute: string, given: string, policy: LinkPolicy, root: string | undefined): Promise<PathEntry> {
  const real = await realpath(absolute).catch(() => absolute);
  if (root === undefined)
    return real === absolute ? { kind: 'file', path: absolute, name: given } : { kind: 'file', path: absolute, name: given, target: real };
  const direct = path.join(await realpath(root).catch(() => root), path.relative(root, absolute));
  return real === direct ? { kind: 'file', path: absolute, name: given } : linkedFile(absolute, given, policy, root);
}

/** A symbolic link to a file, met in the folder `root`: read as its policy says, or refused with the reason. */
async function linkedFile(linkPath: string, name: string, policy: LinkPolicy, root: string): Promise<PathEntry> {
  if (policy === 'off') return { kind: 'error', path: linkPath, name, error: messages.symlinkNotFollowed(name) };
  let target: string;
  try {
    target = await realpath(linkPath);
  } catch (error) {
    return { kind: 'error', path: linkPath, name, error: fileErrorMessage(name, error) };
  }
  if (policy === 'inside') {
    const inside = path.relative(await realpath(root).catch(() => root), target);
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside))
      return { kind: 'error', path: linkPath, name, error: messages.symlinkOutside(name) };
  }
  return { kind: 'file', path: linkPath, name, target };
}

async function* walkDirectory(
  directory: string,
  name: string,
  options: WalkOptions & { root: string },
): AsyncGenerator<PathEntry, void, undefined> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    yield { kind: 'error', path: directory, name, error: fileErrorMessage(name, error) };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const childPath = path.join(directory, entry.name);
    const childName = path.join(name, entry.name);
    if (entry.isSymbolicLink()) {
      const target = await stat(childPath).catch(() => undefined);
      // Links to folders are never followed; a link to a file of a supported type follows the policy.
      if (!target?.isFile()) continue;
      if (isSupportedFileName(entry.name)) yield await linkedFile(childPath, childName, options.links ?? 'off', options.root);
      else options.onSkip?.(childName);
    } else if (entry.isDirectory()) {
      yield* walkDirectory(childPath, childName, options);
    } else if (entry.isFile() && isSupportedFileName(entry.name)) {
      yield { kind: 'file', path: childPath, name: childName };
    } else if (entry.isFile()) {
      options.onSkip?.(childName);
    }
  }
}

/**
 * Reads one file and parses it in `pool`. The size is checked on the open file before any byte
 * is read, so an oversized file costs nothing; a file of unsupported type is not read at all.
 * The file is opened without following a link (O_NOFOLLOW): a file swapped for a link after the
 * walk judged it is refused, never read. A JSON Lines file is streamed record by record instead
 * (readJsonLinesFile: the limits apply to each record), read only as its results are taken.
 */
export async function readArticleFile(
  entry: PathEntry,
  maxBytes: number,
  pool: ParsePool = sharedParsePool(),
  parseOptions: Pick<ParseOptions, 'allowCredentials'> = {},
): Promise<NamedResult[] | AsyncIterable<NamedResult>> {
  const fail = (error: string): NamedResult[] => [{ result: failure(entry.path, error), where: entry.name }];
  if (entry.kind === 'error') return fail(entry.error);
  if (!isSupportedFileName(entry.name)) return fail(messages.unsupportedType(entry.name, path.extname(entry.name)));
  if (formatFor(entry.name) === 'jsonl') return streamJsonLines(entry, maxBytes, pool, parseOptions);

  let data: Buffer;
  try {
    const handle = await openArticleFile(entry);
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return fail(messages.notAFile(entry.name));
      if (stats.size > maxBytes) return fail(messages.tooLarge(entry.name, stats.size, maxBytes));
      data = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    return fail(fileErrorMessage(entry.name, error));
  }
  return pool.parse(entry.name, data, entry.path, { maxBytes, ...parseOptions });
}

function openArticleFile(entry: { path: string; target?: string }): Promise<FileHandle> {
  return open(entry.target ?? entry.path, constants.O_RDONLY | constants.O_NOFOLLOW);
}

async function* streamJsonLines(
  entry: PathEntry & { kind: 'file' },
  maxBytes: number,
  pool: ParsePool,
  parseOptions: Pick<ParseOptions, 'allowCredentials'>,
): AsyncGenerator<NamedResult, void, undefined> {
  let handle: FileHandle;
  try {
    handle = await openArticleFile(entry);
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      yield { result: failure(entry.path, messages.notAFile(entry.name)), where: entry.name };
      return;
    }
  } catch (error) {
    yield { result: failure(entry.path, fileErrorMessage(entry.name, error)), where: entry.name };
    return;
  }
  try {
    yield* readJsonLinesFile(handle, entry, maxBytes, pool, parseOptions);
  } catch (error) {
    // A read failing halfway (the disk, the file truncated): what was read stays, the rest is named.
    yield { result: failure(entry.path, fileErrorMessage(entry.name, error)), where: entry.name };
  } finally {
    await handle.close();
  }
}

export function fileErrorMessage(name: string, error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown error';
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return messages.missing(name);
    case 'EACCES':
    case 'EPERM':
      return messages.permissionDenied(name);
    case 'ELOOP':
      return messages.symlinkNotFollowed(name);
    default:
      return messages.unreadable(name, code);
  }
}
