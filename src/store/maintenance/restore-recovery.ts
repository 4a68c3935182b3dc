import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { restoreStateMessages } from '../../messages/restore.ts';
import { isProcessAlive } from '../../process-alive.ts';
import { carryOut, copyIsWhole, readRestoreJournal, undo, type RestoreJournal, type RestorePhase } from './restore-journal.ts';
import { WriteLock, type LockHolder } from '../write-lock.ts';

export const RESTORE_COPY_PREFIX = '.restore-';
export const RESTORE_ASIDE_PREFIX = '.replaced-';

/** What `check` says about restores: one that has not finished, and folders left by one. */
export type RestoreFinding =
  /** A restore's journal, while the restore itself still runs (it holds the write lock): a note. */
  | { kind: 'restore-running'; source: string; pid: number; startedAt: string }
  /** A restore stopped part-way: `--repair` finishes it (or undoes it when its copy is no longer whole). */
  | {
      kind: 'restore-interrupted';
      source: string;
      pid: number;
      startedAt: string;
      phase: RestorePhase;
      aside: string | null;
      whole: boolean;
    }
  | { kind: 'restore-journal-unreadable'; detail: string }
  /** A restore's copy that never moved anything, or an empty set-aside folder: removed by `--repair`. */
  | { kind: 'restore-leftover'; folder: string }
  /** Files an earlier version's restore set aside, with no journal to say more: left to the operator. */
  | { kind: 'restore-set-aside'; folder: string; files: string[]; libraryInPlace: boolean };

export function isRestoreFinding(finding: { kind: string }): finding is RestoreFinding {
  return finding.kind.startsWith('restore-');
}

/** Whether a restore finding makes the library unhealthy. */
export function isRestoreProblem(finding: RestoreFinding): boolean {
  if (finding.kind === 'restore-set-aside') return !finding.libraryInPlace;
  return finding.kind === 'restore-interrupted' || finding.kind === 'restore-journal-unreadable';
}

/** Whether `check --repair` fixes it. */
export function isRestoreRepairable(finding: RestoreFinding): boolean {
  return finding.kind === 'restore-interrupted' || finding.kind === 'restore-leftover';
}

/** Restores that have not finished and what they left, read without changing anything. `lockHeld`: the write lock's state. */
export function inspectRestores(dataDir: string, lockHeld: boolean): RestoreFinding[] {
  const findings: RestoreFinding[] = [];
  const state = readRestoreJournal(dataDir);
  let journal: RestoreJournal | null = null;
  if (state.state === 'unreadable') findings.push({ kind: 'restore-journal-unreadable', detail: state.problem });
  if (state.state === 'found') {
    journal = state.journal;
    const { source, pid, startedAt, phase, aside } = journal;
    // A restore holds the write lock while it moves files; a free lock (or a dead pid) means it died.
    if (lockHeld && isProcessAlive(pid)) findings.push({ kind: 'restore-running', source, pid, startedAt });
    else findings.push({ kind: 'restore-interrupted', source, pid, startedAt, phase, aside, whole: copyIsWhole(dataDir, journal) });
  }
  const mentioned = new Set([journal?.copy, journal?.aside]);
  const libraryInPlace = fs.existsSync(path.join(dataDir, 'library.sqlite'));
  for (const { name, pid } of restoreFolders(dataDir)) {
    // A restore copies and checks the backup before it takes the lock: its folder is in use while it lives.
    if (mentioned.has(name) || (pid !== process.pid && isProcessAlive(pid))) continue;
    const files = fs.readdirSync(path.join(dataDir, name));
    if (name.startsWith(RESTORE_ASIDE_PREFIX) && files.length > 0)
      findings.push({ kind: 'restore-set-aside', folder: name, files, libraryInPlace });
    else findings.push({ kind: 'restore-leftover', folder: name });
  }
  return findings;
}

function restoreFolders(dataDir: string): { name: string; pid: number }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dataDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(RESTORE_COPY_PREFIX) || n.startsWith(RESTORE_ASIDE_PREFIX))
    .map((name) => ({ name, pid: Number(name.replace(/^\.(?:restore|replaced)-/, '').split('-')[0]) }));
}

export interface RecoveredRestore {
  journal: RestoreJournal;
  outcome: 'finished' | 'undone';
}

/**
 * Finishes a restore that stopped part-way, as its journal says (or undoes it, putting the previous
 * library back, when its copy of the backup is no longer whole), under the write lock: a restore
 * still running holds it, and this waits for it like any writer. Null when there is nothing to do.
 */
export async function recoverInterruptedRestore(
  dataDir: string,
  options: { lockWaitMs: number; logger?: Logger; onWriteWait?: (holder: LockHolder | null) => void },
): Promise<RecoveredRestore | null> {
  if (readRestoreJournal(dataDir).state === 'none') return null;
  const lock = new WriteLock(dataDir, {
    waitMs: options.lockWaitMs,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onWriteWait ? { onWait: options.onWriteWait } : {}),
  });
  try {
    await lock.acquire();
    return recoverLocked(dataDir, options.logger ?? silentLogger);
  } finally {
    lock.close();
  }
}

/** recoverInterruptedRestore for a caller that already holds the write lock. */
export function recoverLocked(dataDir: string, logger: Logger): RecoveredRestore | null {
  const state = readRestoreJournal(dataDir);
  if (state.state === 'none') return null;
  if (state.state === 'unreadable') throw new UserError(restoreStateMessages.journalUnreadable(dataDir, state.problem));
  const { journal } = state;
  const outcome = copyIsWhole(dataDir, journal) ? 'finished' : 'undone';
  if (outcome === 'finished') carryOut(dataDir, journal);
  else undo(dataDir, journal);
  logger.warn({ dataDir, source: journal.source, pid: journal.pid, phase: journal.phase, outcome }, 'an interrupted restore was recovered');
  return { journal, outcome };
}

/** `check --repair`: leftover copies (nothing of them was ever moved in) and empty set-aside folders go. */
export function removeRestoreLeftovers(dataDir: string, findings: readonly RestoreFinding[]): number {
  let removed = 0;
  for (const finding of findings) {
    if (finding.kind !== 'restore-leftover') continue;
    fs.rmSync(path.join(dataDir, finding.folder), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** A journal in DATA_DIR means a restore is running or was interrupted: the library must not be opened until it is done. */
export function refuseWhileRestoring(dataDir: string): void {
  const state = readRestoreJournal(dataDir);
  if (state.state === 'found') throw new UserError(restoreStateMessages.pending(dataDir, state.journal));
  if (state.state === 'unreadable') throw new UserError(restoreStateMessages.journalUnreadable(dataDir, state.problem));
}

/** What `check --repair` did about restores. */
export interface RestoreRepairs {
  restoreRecovered?: { source: string; pid: number; startedAt: string; outcome: 'finished' | 'undone' };
  restoreLeftoversRemoved?: number;
}

/** `check --repair`'s part for restores: an interrupted one finished (or undone), leftover copies removed. */
export async function repairRestores(
  dataDir: string,
  findings: readonly RestoreFinding[],
  options: { lockWaitMs: number; logger?: Logger; onWriteWait?: (holder: LockHolder | null) => void },
): Promise<RestoreRepairs> {
  const repairs: RestoreRepairs = {};
  if (findings.some((f) => f.kind === 'restore-interrupted')) {
    const recovered = await recoverInterruptedRestore(dataDir, options);
    if (recovered) {
      const { source, pid, startedAt } = recovered.journal;
      repairs.restoreRecovered = { source, pid, startedAt, outcome: recovered.outcome };
    }
  }
  const removed = removeRestoreLeftovers(dataDir, findings);
  if (removed > 0) repairs.restoreLeftoversRemoved = removed;
  return repairs;
}
