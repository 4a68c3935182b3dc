import fs from 'node:fs';
import os from 'node:os';
import { UserError } from '../errors.ts';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function readOwner(file: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The one-writer-at-a-time lock over a data directory, shared by every process (CLI ingest,
 * the bot). A lock left by a process that died is taken over.
 */
export class WriteLock {
  private held = false;

  constructor(private readonly file: string) {}

  acquire(): void {
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(this.file, JSON.stringify(owner), { flag: 'wx' });
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const current = readOwner(this.file);
        const stale = current === null || (current.host === owner.host && !isAlive(current.pid));
        if (!stale) {
          throw new UserError(
            `Another process (pid ${current.pid}, since ${current.since}) is writing to this library. ` +
              'Wait for it to finish, then try again.',
          );
        }
        fs.rmSync(this.file, { force: true });
      }
    }
    throw new UserError('Could not take the library write lock; try again.');
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    const current = readOwner(this.file);
    if (current?.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}
