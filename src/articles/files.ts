import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadMessages as messages } from '../messages.ts';
import { isSupportedFileName, type NamedResult } from './parse.ts';
import { sharedParsePool, type ParsePool } from './parse-pool.ts';
import { failure } from './validate.ts';

/** A file to load, or a path that could not be walked. `name` is how messages show it. */
export type PathEntry =
  | { kind: 'file'; path: string; name: string }
  | { kind: 'error'; path: string; name: string; error: string };

/**
 * Walks files and folders in order: folders recursively (entries sorted by name), leaving
 * out dotfiles and dot-folders, symbolic links to folders (they could loop), and files
 * of unsupported types, which `onSkip` hears about. A file named explicitly is always
 * returned, so an unsupported type gets a clear message. Each file appears once.
 */
export async function* walkPaths(
  paths: readonly string[],
  onSkip?: (name: string) => void,
): AsyncGenerator<PathEntry, void, undefined> {
  const seen = new Set<string>();
  const once = (entry: PathEntry): PathEntry[] => {
    if (entry.kind === 'file') {
      if (seen.has(entry.path)) return [];
      seen.add(entry.path);
    }
    return [entry];
  };

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
      for await (const entry of walkDirectory(absolute, given, onSkip)) yield* once(entry);
    } else if (stats.isFile()) {
      yield* once({ kind: 'file', path: absolute, name: given });
    } else {
      yield { kind: 'error', path: absolute, name: given, error: messages.notAFile(given) };
    }
  }
}

async function* walkDirectory(
  directory: string,
  name: string,
  onSkip: ((name: string) => void) | undefined,
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
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(childPath).catch(() => undefined);
      isDirectory = false;
      isFile = target?.isFile() ?? false;
    }
    if (isDirectory) {
      yield* walkDirectory(childPath, childName, onSkip);
    } else if (isFile && isSupportedFileName(entry.name)) {
      yield { kind: 'file', path: childPath, name: childName };
    } else if (isFile) {
      onSkip?.(childName);
    }
  }
}

/**
 * Reads one file and parses it in `pool`. The size is checked on the open file before any byte
 * is read, so an oversized file costs nothing; a file of unsupported type is not read at all.
 */
export async function readArticleFile(entry: PathEntry, maxBytes: number, pool: ParsePool = sharedParsePool()): Promise<NamedResult[]> {
  const fail = (error: string): NamedResult[] => [{ result: failure(entry.path, error), where: entry.name }];
  if (entry.kind === 'error') return fail(entry.error);
  if (!isSupportedFileName(entry.name)) return fail(messages.unsupportedType(entry.name, path.extname(entry.name)));

  let data: Buffer;
  try {
    const handle = await open(entry.path, 'r');
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
  return pool.parse(entry.name, data, entry.path, { maxBytes });
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
    default:
      return messages.unreadable(name, code);
  }
}
