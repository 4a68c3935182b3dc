import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorMessage } from '../../errors.ts';
import { fsyncPath, writeJsonAtomically } from '../atomic-file.ts';

/**
 * The restore journal: written into DATA_DIR before a restore moves any file, it says what moves
 * where, and how far the moving has come. A restore that stops part-way (killed, power lost) is
 * finished from it (or undone) by `check --repair` or the next restore, never guessed from names.
 */
export const RESTORE_JOURNAL_FILE = 'restore-journal.json';

/**
 * set-aside: the previous library's files are being moved into `aside`; move-in: the backup's are
 * being moved from `copy` into DATA_DIR; clean-up: everything is in place, the leftovers go.
 */
export type RestorePhase = 'set-aside' | 'move-in' | 'clean-up';

export interface RestoreJournal {
  journal: 'newsroom-restore';
  version: 1;
  pid: number;
  host: string;
  startedAt: string;
  /** The backup folder restored from (for messages). */
  source: string;
  /** Folder inside DATA_DIR holding the checked copy of the backup. */
  copy: string;
  /** Folder inside DATA_DIR the previous library's files go to; null when there was none. */
  aside: string | null;
  /** The previous library's files, in the order they are set aside. */
  previous: string[];
  /** The backup's files with their sizes, in the order they are moved in. */
  restored: { name: string; bytes: number }[];
  phase: RestorePhase;
}

/** What a journal found in DATA_DIR says; `unreadable` when the file is there but cannot be read. */
export type JournalState = { state: 'none' } | { state: 'found'; journal: RestoreJournal } | { state: 'unreadable'; problem: string };

export function readRestoreJournal(dataDir: string): JournalState {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, RESTORE_JOURNAL_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none' };
    return { state: 'unreadable', problem: errorMessage(error) };
  }
  try {
    const journal = JSON.parse(text) as Partial<RestoreJournal> | null;
    if (!isJournal(journal)) return { state: 'unreadable', problem: 'not a restore journal this version writes' };
    return { state: 'found', journal };
  } catch (error) {
    return { state: 'unreadable', problem: errorMessage(error) };
  }
}

function isJournal(value: Partial<RestoreJournal> | null): value is RestoreJournal {
  const inside = (name: unknown) => typeof name === 'string' && name !== '' && !name.includes('/') && !name.includes('\\') && name !== '..';
  return (
    value !== null &&
    typeof value === 'object' &&
    value.journal === 'newsroom-restore' &&
    value.version === 1 &&
    inside(value.copy) &&
    (value.aside === null || inside(value.aside)) &&
    Array.isArray(value.previous) &&
    value.previous.every(inside) &&
    Array.isArray(value.restored) &&
    value.restored.every((f) => inside(f.name) && Number.isInteger(f.bytes)) &&
    ['set-aside', 'move-in', 'clean-up'].includes(value.phase as string)
  );
}

export function newJournal(fields: Omit<RestoreJournal, 'journal' | 'version' | 'pid' | 'host' | 'startedAt' | 'phase'>): RestoreJournal {
  return {
    journal: 'newsroom-restore',
    version: 1,
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    phase: 'set-aside',
    ...fields,
  };
}

function record(dataDir: string, journal: RestoreJournal, phase: RestorePhase): void {
  journal.phase = phase;
  writeJsonAtomically(path.join(dataDir, RESTORE_JOURNAL_FILE), journal);
}

/** Whether every file of the backup is still there, in the copy or already in place, whole. */
export function copyIsWhole(dataDir: string, journal: RestoreJournal): boolean {
  const size = (file: string): number | null => {
    try {
      return fs.statSync(file).size;
    } catch {
      return null;
    }
  };
  return journal.restored.every(
    ({ name, bytes }) => size(path.join(dataDir, journal.copy, name)) === bytes || size(path.join(dataDir, name)) === bytes,
  );
}

/**
 * Carries out a journal from its phase to the end: sets the previous files aside, moves the
 * backup's in, removes what is left over and the journal. Every step can be run again after a
 * crash (a file already moved is skipped), so a restore and its recovery are the same code. The
 * caller holds the write lock.
 */
export function carryOut(dataDir: string, journal: RestoreJournal): void {
  const at = (...parts: string[]) => path.join(dataDir, ...parts);
  if (journal.phase === 'set-aside') {
    for (const name of journal.previous) {
      if (journal.aside && fs.existsSync(at(name))) fs.renameSync(at(name), at(journal.aside, name));
    }
    if (journal.aside) fsyncPath(at(journal.aside));
    fsyncPath(dataDir);
    record(dataDir, journal, 'move-in');
  }
  if (journal.phase === 'move-in') {
    for (const { name } of journal.restored) {
      if (fs.existsSync(at(journal.copy, name))) fs.renameSync(at(journal.copy, name), at(name));
    }
    fsyncPath(dataDir);
    record(dataDir, journal, 'clean-up');
  }
  finish(dataDir, journal);
}

/**
 * Undoes a journal whose copy is no longer whole (someone removed part of it): the backup's files
 * already moved in go back into the copy, the previous library's come back, and the copy, the
 * emptied aside folder and the journal go. The caller holds the write lock.
 */
export function undo(dataDir: string, journal: RestoreJournal): void {
  const at = (...parts: string[]) => path.join(dataDir, ...parts);
  if (journal.phase !== 'set-aside') {
    fs.mkdirSync(at(journal.copy), { recursive: true });
    for (const { name } of journal.restored) if (fs.existsSync(at(name))) fs.renameSync(at(name), at(journal.copy, name));
  }
  for (const name of journal.previous) {
    if (journal.aside && fs.existsSync(at(journal.aside, name))) fs.renameSync(at(journal.aside, name), at(name));
  }
  fsyncPath(dataDir);
  finish(dataDir, journal);
}

function finish(dataDir: string, journal: RestoreJournal): void {
  if (journal.aside) fs.rmSync(path.join(dataDir, journal.aside), { recursive: true, force: true });
  fs.rmSync(path.join(dataDir, journal.copy), { recursive: true, force: true });
  fs.rmSync(path.join(dataDir, RESTORE_JOURNAL_FILE), { force: true });
  fsyncPath(dataDir);
}
