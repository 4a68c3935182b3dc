import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { UserError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { storeMessages } from '../messages/store.ts';

/** Who holds the write lock, as the holder wrote it down (for messages only; never trusted for the lock itself). */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export interface WriteLockOptions {
  /** How long `acquire` waits for another writer before giving up. */
  waitMs: number;
  logger?: Logger;
  /** Called once per `acquire` that has to wait, with the holder when known. */
  onWait?: (holder: LockHolder | null) => void;
  /** Another lock over the same folder (e.g. the feed sync's), in its own pair of files. Default: the write lock's. */
  files?: { lock: string; holder: string };
}

/** The lock database and the holder's note, in DATA_DIR. */
export const LOCK_FILE = 'write-lock.sqlite';
export const HOLDER_FILE = 'write-lock.json';
/** The lock file of earlier versions: never consulted; `check --repair` removes it. */
export const LEGACY_LOCK_FILE = 'write.lock';

const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * The one-writer-at-a-time lock over a data directory, shared by every process (CLI ingest, the
 * bot, `check --repair`) and by every Library object within one.
 *
 * It is an exclusive transaction on a small SQLite database: SQLite takes it with an fcntl lock,
 * which the operating system drops the moment its process dies, however it dies, so a lock is
 * never stale and never has to be guessed at from a pid or a host name. The transaction writes
 * nothing. The holder also writes its pid to `write-lock.json`, only so that waiting writers can
 * say whom they wait for.
 *
 * Never open, copy or delete write-lock.sqlite from this process by other means: closing any
 * descriptor of a file drops every fcntl lock this process holds on it.
 */
export class WriteLock {
  private db: Database.Database | null = null;
  private configured = false;
  private held = false;
  private readonly logger: Logger;

  private readonly dataDir: string;
  private readonly options: WriteLockOptions;

  constructor(dataDir: string, options: WriteLockOptions) {
    this.dataDir = dataDir;
    this.options = options;
    this.logger = options.logger ?? silentLogger;
  }

  private get lockFile(): string {
    return path.join(this.dataDir, this.options.files?.lock ?? LOCK_FILE);
  }

  private get holderFile(): string {
    return path.join(this.dataDir, this.options.files?.holder ?? HOLDER_FILE);
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** One attempt, never waiting: true when this object now holds the lock. */
  tryAcquire(): boolean {
    if (this.held) throw new Error('write lock already held by this object');
    try {
      const db = (this.db ??= new Database(this.lockFile));
      if (!this.configured) {
        // Polling, not SQLite's busy handler: that one sleeps on the event loop.
        db.pragma('busy_timeout = 0');
        // No journal file: the transaction never writes.
        db.pragma('journal_mode = MEMORY');
        this.configured = true;
      }
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      if (isBusy(error)) return false;
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new UserError(storeMessages.lockFileDamaged());
      throw error;
    }
    this.held = true;
    this.writeHolder();
    return true;
  }

  /**
   * Takes the lock, waiting (without blocking the event loop) while another writer holds it;
   * says so once, and gives up with a UserError after `waitMs`.
   */
  async acquire(): Promise<void> {
    if (this.tryAcquire()) return;
    const started = Date.now();
    const holder = this.holder();
    if (this.options.waitMs <= 0) throw new UserError(storeMessages.writerTimeout(holder, 0));
    this.logger.warn({ holder, waitMs: this.options.waitMs }, 'waiting for another writer');
    this.options.onWait?.(holder);
    let delay = FIRST_POLL_MS;
    for (;;) {
      if (Date.now() - started >= this.options.waitMs) {
        throw new UserError(storeMessages.writerTimeout(this.holder() ?? holder, Math.round(this.options.waitMs / 1000)));
      }
      // A little jitter keeps several waiting writers from polling in step.
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, MAX_POLL_MS);
      if (this.tryAcquire()) {
        this.logger.info({ waitedMs: Date.now() - started }, 'write lock taken after waiting');
        return;
      }
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    // The note goes first, so the next holder's note is never the one removed.
    fs.rmSync(this.holderFile, { force: true });
    if (this.db?.inTransaction) this.db.exec('ROLLBACK');
  }

  /** Whether another process (or Library object) holds the lock right now; takes and drops it when free. */
  probe(): { free: true } | { free: false; holder: LockHolder | null } {
    if (this.held) return { free: false, holder: this.holder() };
    if (this.tryAcquire()) {
      this.release();
      return { free: true };
    }
    return { free: false, holder: this.holder() };
  }

  /** The holder's note, or null when absent or unreadable. */
  holder(): LockHolder | null {
    try {
      const value = JSON.parse(fs.readFileSync(this.holderFile, 'utf8')) as Partial<LockHolder>;
      if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.since === 'string') {
        return { pid: value.pid, host: value.host, since: value.since };
      }
    } catch {
      // Missing, or caught between the holder's write and rename.
    }
    return null;
  }

  private writeHolder(): void {
    const holder: LockHolder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    const temp = `${this.holderFile}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temp, JSON.stringify(holder));
      fs.renameSync(temp, this.holderFile);
    } catch (error) {
      // Only messages depend on the note; the lock itself is held.
      this.logger.warn({ err: error }, 'could not write the write-lock note');
    }
  }

  close(): void {
    this.release();
    this.db?.close();
    this.db = null;
    this.configured = false;
  }
}
