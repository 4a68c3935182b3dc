import fs from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isSupportedFileName } from '../articles/file-formats.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';

/*
 * Follows a folder of article files: Node's own recursive fs.watch (inotify on Linux, FSEvents on
 * macOS) says *where* something changed; what changed is read from the disk when a batch is
 * applied, so a missed, merged or reordered event never leaves a wrong state behind, and a folder
 * removed or moved as a whole is handled like a file.
 *
 * - Debounced: a batch starts once no event has come for `debounceMs`; a burst of writes is one batch.
 * - Settled: a file is read only when its size and modification time held still for `settleMs`
 *   (checked by two looks that far apart), so a file still being written is never read half.
 * - Ignored: hidden files and folders, editor and download temp files, unsupported types.
 * - One batch at a time; events meanwhile make the next one.
 */

export interface FolderBatch {
  /** Settled files to read (supported types only). */
  read: string[];
  /** Paths whose stored sources are pruned when not read this time: the files read, and paths gone. */
  prune: string[];
}

export interface FolderWatcherOptions {
  dir: string;
  /** How long a file's size and modification time must hold still before it is read. */
  settleMs: number;
  /** Quiet time after the last event before a batch is applied (default: a third of settleMs, at most 300 ms). */
  debounceMs?: number;
  /** Folders inside `dir` never looked at (the library's own DATA_DIR, should it be there). */
  ignore?: readonly string[];
  logger: Logger;
  /** Applies one batch (ingest and prune); a failure is logged and the paths are tried again later. */
  apply: (batch: FolderBatch) => Promise<void>;
  /** A full pass over the folder, after the watch itself failed and was restarted (events may have been lost). */
  resync: () => Promise<void>;
}

/** Temp files of editors (vim, emacs, office) and downloads, and partial copies. */
const TEMP_NAME = /(?:~|\.swp|\.swx|\.swo|\.tmp|\.temp|\.part|\.partial|\.crdownload|\.download)$|^#.*#$|^~\$/i;

/** Whether a path relative to the watched folder is never an article: hidden, or a temp file. */
export function isIgnoredPath(relative: string): boolean {
  const parts = relative.split(/[\\/]/).filter(Boolean);
  const name = parts[parts.length - 1] ?? '';
  return parts.some((part) => part.startsWith('.')) || TEMP_NAME.test(name);
}

interface Look {
  size: number;
  mtimeMs: number;
}

/** How long the watch waits before trying again after it failed (the folder gone, a watch limit reached). */
const RESTART_MS = 5_000;
/**
 * How often the folder itself is checked: a watch follows the folder it was given, so one
 * replaced by another of the same name (a deployment swapping it) would otherwise go unnoticed.
 */
const FOLDER_CHECK_MS = 10_000;

export class FolderWatcher {
  private watcher: fs.FSWatcher | null = null;
  /** Paths an event named since they were last applied. */
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private paused = true;
  private stopped = false;
  private needsResync = false;
  private failures = 0;
  /** The watched folder's inode: another folder under the same name means watching afresh. */
  private watchedIno: number | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private readonly debounceMs: number;

  private readonly options: FolderWatcherOptions;

  constructor(options: FolderWatcherOptions) {
    this.options = options;
    this.debounceMs = options.debounceMs ?? Math.min(300, Math.ceil(options.settleMs / 3));
  }

  /** Starts watching; events are collected, and applied once `resume` is called. */
  start(): void {
    this.openWatch();
    this.checkTimer = setInterval(() => {
      if (!this.running && !this.paused && !this.stopped && folderIno(this.options.dir) !== this.watchedIno) this.schedule(0);
    }, FOLDER_CHECK_MS);
    this.checkTimer.unref();
  }

  /** Starts applying batches (after the start-up sync, so a change made during it is not lost). */
  resume(): void {
    this.paused = false;
    if (this.pending.size > 0 || this.needsResync) this.schedule(0);
  }

  /** Stops watching; a batch in progress finishes first (it holds the library's write lock). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.timer = this.restartTimer = this.checkTimer = null;
    await this.running;
  }

  private openWatch(): void {
    const { dir, logger } = this.options;
    try {
      this.watchedIno = fs.statSync(dir).ino;
      const watcher = fs.watch(dir, { recursive: true }, (_event, name) => this.noticed(name));
      watcher.on('error', (error) => this.watchFailed(error));
      this.watcher = watcher;
      if (this.failures > 0) logger.info({ dir }, 'watching the articles folder again');
      this.failures = 0;
    } catch (error) {
      this.watchFailed(error);
    }
  }

  private watchFailed(error: unknown): void {
    if (this.stopped) return;
    // Said once at warn level; while it goes on failing, at debug.
    const level = this.failures++ === 0 ? 'warn' : 'debug';
    this.options.logger[level](
      { dir: this.options.dir, err: errorMessage(error), retryInMs: RESTART_MS },
      'cannot watch the articles folder; trying again',
    );
    this.watcher?.close();
    this.watcher = null;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.openWatch();
      if (this.watcher) {
        // Events were lost while it was down: one full pass brings the archive level with the folder.
        this.needsResync = true;
        if (!this.paused) this.schedule(0);
      }
    }, RESTART_MS);
    this.restartTimer.unref();
  }

  private noticed(name: string | Buffer | null): void {
    if (this.stopped) return;
    if (name === null) {
      // The platform could not say where: look at everything.
      this.needsResync = true;
    } else {
      const relative = name.toString();
      const absolute = path.join(this.options.dir, relative);
      if (isIgnoredPath(relative) || this.isIgnoredFolder(absolute)) return;
      this.pending.add(absolute);
    }
    if (!this.paused) this.schedule(this.debounceMs);
  }

  private isIgnoredFolder(p: string): boolean {
    return (this.options.ignore ?? []).some((folder) => {
      const relative = path.relative(folder, p);
      return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  private async flush(): Promise<void> {
    if (this.running || this.paused || this.stopped) return;
    let failed = false;
    this.running = this.applyPending()
      .catch((error: unknown) => {
        // (Its paths are pending again: tried later, not lost.)
        failed = true;
        this.options.logger.error(
          { err: error, dir: this.options.dir, retryInMs: RESTART_MS },
          'articles folder change could not be applied',
        );
      })
      .finally(() => {
        this.running = null;
        if (this.pending.size > 0 || this.needsResync) this.schedule(failed ? RESTART_MS : this.debounceMs);
      });
    await this.running;
  }

  private async applyPending(): Promise<void> {
    const { dir, settleMs, logger } = this.options;
    const ino = folderIno(dir);
    if (ino === null) {
      // The whole folder is gone (an unmounted share, a rename): retracting everything would be wrong.
      logger.warn({ dir }, 'the articles folder is gone; nothing is retracted until it is back');
      this.pending.clear();
      if (!this.restartTimer) this.watchFailed(new Error('folder missing'));
      return;
    }
    if (ino !== this.watchedIno && !this.restartTimer) {
      // Another folder now has its name: watch that one, and bring the archive level with it.
      logger.info({ dir }, 'the articles folder was replaced; watching the new one');
      this.watcher?.close();
      this.openWatch();
      this.needsResync = true;
    }
    if (this.needsResync) {
      this.needsResync = false;
      this.pending.clear();
      try {
        await this.options.resync();
      } catch (error) {
        this.needsResync = true;
        throw error;
      }
      return;
    }
    const paths = [...this.pending];
    this.pending.clear();

    // What each path is now: files (a folder stands for the files in it) and paths gone.
    const first = new Map<string, Look>();
    const gone: string[] = [];
    for (const p of paths) {
      const files = await filesAt(p, dir);
      if (files === null) gone.push(p);
      else for (const [file, look] of files) if (!this.isIgnoredFolder(file)) first.set(file, look);
    }
    // Files still being written are looked at again later.
    if (first.size > 0) await delay(settleMs);
    if (this.stopped) return;
    const read: string[] = [];
    for (const [file, look] of first) {
      const again = await lookAt(file);
      if (again && again.size === look.size && again.mtimeMs === look.mtimeMs) read.push(file);
      else this.pending.add(file);
    }
    if (read.length === 0 && gone.length === 0) return;
    read.sort();
    try {
      await this.options.apply({ read, prune: [...read, ...gone] });
    } catch (error) {
      for (const p of [...read, ...gone]) this.pending.add(p);
      throw error;
    }
  }
}

/** The supported, not ignored files at `p` (itself, or under it if a folder) with their looks; null when `p` is gone. */
async function filesAt(p: string, root: string): Promise<Map<string, Look> | null> {
  let stats: fs.Stats;
  try {
    stats = await stat(p);
  } catch {
    return null;
  }
  const out = new Map<string, Look>();
  if (stats.isFile()) {
    if (isSupportedFileName(p) && !isIgnoredPath(path.relative(root, p))) out.set(p, { size: stats.size, mtimeMs: stats.mtimeMs });
    return out;
  }
  if (!stats.isDirectory()) return out;
  let entries: fs.Dirent[];
  try {
    entries = await readdir(p, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const childPath = path.join(p, entry.name);
    // Links to files are passed on, for the sync to read or refuse as FOLLOW_SYMLINKS says (a refusal is
    // reported); links to folders are not followed (they could loop).
    if (entry.isSymbolicLink() && !(await lookAt(childPath))) continue;
    const child = await filesAt(childPath, root);
    if (child) for (const [file, look] of child) out.set(file, look);
  }
  return out;
}

async function lookAt(file: string): Promise<Look | null> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : null;
  } catch {
    return null;
  }
}

function folderIno(dir: string): number | null {
  try {
    const stats = fs.statSync(dir);
    return stats.isDirectory() ? stats.ino : null;
  } catch {
    return null;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
