import { utcTime } from './format.ts';

/** A restore's journal as messages name it. */
interface RestoreNote {
  source: string;
  pid: number;
  startedAt: string;
}

const RESTORE_STEPS = {
  'set-aside': 'setting the previous library aside',
  'move-in': "moving the backup's files in",
  'clean-up': 'cleaning up',
} as const;

function restoreLabel(r: RestoreNote): string {
  return `from ${r.source} (pid ${r.pid}, started ${utcTime(r.startedAt)})`;
}

/** Restores that have not finished (restore-journal.json in DATA_DIR) and folders left by them, to operators. */
export const restoreStateMessages = {
  pending: (dataDir: string, r: RestoreNote) =>
    `A restore into ${dataDir} ${restoreLabel(r)} has not finished, so the library cannot be opened now. ` +
    'If that restore is still running, wait for it; if it was stopped, `newsroom check --repair` (or the next restore) finishes it.',
  journalUnreadable: (dataDir: string, problem: string) =>
    `${dataDir}/restore-journal.json, which says what an interrupted restore moved where, cannot be read (${problem}). ` +
    "The previous library's files are in a .replaced-* folder in DATA_DIR and the backup's copy in a .restore-* folder: " +
    'move the files of the library you want back into DATA_DIR, then delete the journal and those folders (or restore the backup again).',
  running: (r: RestoreNote) => `A restore ${restoreLabel(r)} is moving files into place right now.`,
  interrupted: (r: RestoreNote, phase: 'set-aside' | 'move-in' | 'clean-up', aside: string | null, whole: boolean) =>
    `A restore ${restoreLabel(r)} was stopped while ${RESTORE_STEPS[phase]}` +
    (aside ? `; the previous library's files are in ${aside}` : '') +
    (whole
      ? '. `--repair` (or the next restore) finishes it; nothing was lost.'
      : '. Its copy of the backup is no longer whole, so `--repair` undoes it and puts the previous library back.'),
  leftover: (folder: string) =>
    `${folder} is left from a restore that stopped before moving anything; nothing in it is used (removed by --repair).`,
  setAside: (folder: string, files: readonly string[], libraryInPlace: boolean) =>
    `${folder} holds files an interrupted restore of an earlier version set aside (${files.slice(0, 6).join(', ')}). ` +
    (files.includes('library.sqlite') && !libraryInPlace
      ? 'DATA_DIR has no library: that was it. Move those files back into DATA_DIR.'
      : 'Delete the folder once it is not needed.'),
  recovered: (r: RestoreNote, outcome: 'finished' | 'undone') =>
    outcome === 'finished'
      ? `finished the restore ${restoreLabel(r)} that had been stopped part-way`
      : `undid the restore ${restoreLabel(r)} that had been stopped part-way (its copy of the backup was no longer whole) and put the previous library back`,
  leftoversRemoved: (n: number) => `removed ${n === 1 ? 'a folder' : `${n} folders`} left by restores that never moved anything`,
} as const;
