/** The library on disk: its write lock, its files, backups and disk space (operators). */
import { type WriterNote, count, describeWriter, formatMegabytes } from './format.ts';

export const storeMessages = {
  waitingForWriter: (holder: WriterNote | null) => `Waiting for another writer (${describeWriter(holder)}) to finish…`,
  writerTimeout: (holder: WriterNote | null, seconds: number) =>
    `Another process (${describeWriter(holder)}) is still writing to this library after ${seconds} s of waiting. ` +
    'Try again when it has finished (WRITE_LOCK_WAIT_S sets how long to wait).',
  lockFileDamaged: () =>
    "The library's write lock (write-lock.sqlite in DATA_DIR) is damaged. Stop every newsroom process that uses this DATA_DIR, delete that file, and try again.",
  readOnly: () =>
    'The library is read-only, so it cannot be changed. Searching and answering still work; make DATA_DIR writable to ingest or forget articles.',
  readOnlyNotice: (dir: string) =>
    `the library in ${dir} is read-only: search, articles, ask and summarize work; ingest, forget and reindex are refused, and answers are not logged.`,
  dataDirNotFolder: (dir: string) => `DATA_DIR is ${dir}, which is a file, not a folder. Point DATA_DIR at a folder for the library.`,
  noLibrary: (dir: string) => `There is no library in ${dir} (no library.sqlite), and the folder is read-only, so none can be created.`,
  dataDirUnavailable: (dir: string, code: string) =>
    `The library folder ${dir} does not exist and cannot be created (${code}). Check DATA_DIR.`,
  emptyDatabase: (file: string) =>
    `${file} is empty (0 bytes), so it holds no library. Restore it from a backup, or delete it to start a new, empty library; ` +
    '`npx newsroom check` reports on a library.',
  damagedDatabase: (file: string, detail: string) =>
    `${file} is damaged (${detail}). Restore it from a backup; \`npx newsroom check\` reports what is wrong with it.`,
  unreadableReadOnly: (file: string) =>
    `${file} cannot be read from a read-only folder: SQLite needs its -wal and -shm files beside it. ` +
    'Make the folder writable, or copy the library to a writable folder and point DATA_DIR there.',
  indexNotSaved: (reason: string) =>
    `The change was stored, but the search index could not be saved (${reason}). The previous index file was kept; ` +
    'it is brought up to date from the stored articles when the library next opens.',
  diskFull: (freeBytes: number | null, neededBytes: number) =>
    `the disk holding the library is full: ${freeBytes === null ? 'too little' : formatMegabytes(freeBytes)} free, at least ${formatMegabytes(neededBytes)} needed`,
  diskFullOnOpen: (file: string) => `${file} cannot be opened: the disk holding it is full. Free some space and try again.`,
  databaseFull: () => 'The disk holding the library is full, so nothing more can be stored. Free some space and try again.',
  otherEmbeddingModel: (stored: string, dimensions: number | undefined, configured: string) =>
    `This library was built with the embedding model ${stored} (${dimensions} dimensions), ` +
    `but ${configured} is configured. Set EMBEDDING_MODEL=${stored}, or use another DATA_DIR.`,
} as const;

/** Folders and files this user may not read: said so, not taken for missing, empty or read-only. */
export const accessMessages = {
  dataDirUnreadable: (dir: string, uid: number | null) =>
    `${dir} cannot be read by this user${uid === null ? '' : ` (uid ${uid})`}: permission denied. ` +
    'Run newsroom as the user the bot runs as (e.g. `sudo -u newsroom-bot …`), or give this user read and write access to the folder.',
} as const;

/** A backup that does not fit where it was asked to go. */
export const diskSpaceMessages = {
  backupWontFit: (target: string, free: number, needed: number) =>
    `There is not enough room for the backup in ${target}: ${formatMegabytes(free)} free, about ${formatMegabytes(needed)} needed ` +
    '(the size of the library). Nothing was written; free some space or back up to another disk.',
  backupDiskFull: (target: string, free: number | null) =>
    `The disk holding ${target} filled up during the backup${free === null ? '' : ` (${formatMegabytes(free)} free now)`}. ` +
    'What had been written was removed, so no partial backup is left; free some space or back up to another disk.',
} as const;

/** `newsroom backup` and `newsroom restore`. */
export const backupMessages = {
  targetMissing: 'Name the folder to back up into: newsroom backup <dir> (a new or empty folder).',
  sourceMissing: 'Name the backup to restore: newsroom restore <backup dir>.',
  noLibrary: (dir: string) => `There is no library in ${dir} (no library.sqlite) to back up. Check DATA_DIR.`,
  targetInsideLibrary: (target: string, dataDir: string) =>
    `${target} is inside the library folder ${dataDir}; back up into a folder outside DATA_DIR.`,
  targetIsFile: (target: string) => `${target} is a file; name a new folder for the backup.`,
  targetNotEmpty: (target: string) =>
    `${target} already exists and is not empty; back up into a new or empty folder (for example one named after the date).`,
  targetUnwritable: (target: string, code: string) => `The backup folder ${target} cannot be created (${code}).`,
  copyFailsCheck: (problems: readonly string[]) =>
    `The copy of the library did not pass the check (${problems.join(', ')}), so no backup was kept. ` +
    'Run `npx newsroom check` on DATA_DIR to see what is wrong with the library.',

  notABackup: (dir: string, why: string) => `${dir} is not a newsroom-bot backup: ${why}. Nothing was changed.`,
  doesNotExist: 'it does not exist',
  notAFolder: 'it is not a folder',
  noManifest: 'it has no manifest.json (a backup that was interrupted has none either)',
  unreadableManifest: (detail: string) => `its manifest.json cannot be read (${detail})`,
  foreignManifest: 'its manifest.json does not describe a newsroom-bot backup',
  newerBackup: (dir: string, version: number, appVersion: string, supported: number) =>
    `${dir} was made by a newer newsroom-bot (${appVersion}, backup format ${version}); this version reads backup format ${supported}` +
    `${supported > 1 ? ' and older' : ''}. Upgrade newsroom-bot, then restore. Nothing was changed.`,
  damagedBackup: (dir: string, why: string) => `The backup in ${dir} is damaged: ${why}. Nothing was changed; restore another backup.`,
  fileMissing: (name: string) => `${name} is missing`,
  fileSize: (name: string, bytes: number, expected: number) =>
    `${name} is ${bytes.toLocaleString('en-US')} bytes, not the ${expected.toLocaleString('en-US')} it was backed up with`,
  checksumMismatch: (name: string) => `${name} is not the file that was backed up (its SHA-256 differs)`,
  backupFailsCheck: (
    dir: string,
    problems: readonly string[],
    found: { generation: number; articles: number; feeds: number },
    manifest: { generation: number; counts: { articles: number; feeds?: number } },
  ) => {
    const feeds = (n: number | undefined) => (n === undefined ? '' : ` and ${count(n, 'followed feed')}`);
    return (
      `The backup in ${dir} does not check out (${problems.length > 0 ? `problems: ${problems.join(', ')}` : 'no problems'}; ` +
      `generation ${found.generation} with ${count(found.articles, 'article')}${feeds(manifest.counts.feeds === undefined ? undefined : found.feeds)}, ` +
      `where the manifest says generation ${manifest.generation} with ${count(manifest.counts.articles, 'article')}${feeds(manifest.counts.feeds)}). ` +
      'Nothing was changed; restore another backup.'
    );
  },
  restoreIntoItself: (dir: string) => `${dir} is the backup itself; point DATA_DIR at the library folder to restore into.`,
  dataDirHoldsLibrary: (dataDir: string, files: readonly string[]) =>
    `DATA_DIR (${dataDir}) already holds a library (${files.join(', ')}). Restore into an empty DATA_DIR, or add --force to ` +
    'replace it: the current library stays in place until the restored one has been copied and checked. Nothing was changed.',
  dataDirUnwritable: (dataDir: string, code: string) =>
    `DATA_DIR (${dataDir}) cannot be created or written (${code}). Nothing was changed.`,
  libraryInUse: (dataDir: string, holder: WriterNote | null) =>
    `The library in ${dataDir} is in use by another process${holder ? ` (${describeWriter(holder)})` : ''}: stop the bot ` +
    '(`sudo systemctl stop newsroom-bot`) and any running `newsroom` command, then restore. Nothing was changed.',

  backedUp: (dir: string, articles: number, chunks: number, generation: number, bytes: number, seconds: number) =>
    `backed up ${count(articles, 'article')} (${count(chunks, 'chunk')}, generation ${generation}) into ${dir}: ` +
    `${formatMegabytes(bytes)} in ${seconds.toFixed(1)} s`,
  restored: (articles: number, chunks: number, generation: number, createdAt: string, source: string, replaced: boolean) =>
    `restored ${count(articles, 'article')} (${count(chunks, 'chunk')}, generation ${generation}) backed up ` +
    `${createdAt.slice(0, 16).replace('T', ' ')} UTC, from ${source}${replaced ? ', replacing the library that was there' : ''}`,
} as const;
