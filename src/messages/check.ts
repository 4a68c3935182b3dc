import { count, describeWriter, formatMegabytes, truncate } from './format.ts';

/** `newsroom check`: what it found and what `--repair` did. */
export const checkText = {
  heading: (dir: string) => `Library in ${dir}`,
  readOnly: 'read-only (checked without changing anything; --repair needs write access)',
  database: (file: string, bytes: number | null, integrity: string) =>
    `${file}${bytes === null ? '' : `, ${formatMegabytes(bytes)}`}: ${integrity === 'ok' ? 'SQLite integrity check passed' : integrity}`,
  contents: (articles: number, chunks: number, awaiting: number, model: string | null, dimensions: number | null) =>
    `${count(articles, 'article')}, ${count(chunks, 'chunk')} (${count(awaiting, 'chunk')} awaiting embeddings)` +
    (model ? `, embedded with ${model} (${dimensions}-d)` : ', no embeddings yet'),
  index: (
    file: string,
    bytes: number | null,
    checksum: string | null,
    state: string | null,
    points: number | null,
    expected: number,
    behind: number | null,
  ) =>
    `${file}${bytes === null ? '' : `, ${formatMegabytes(bytes)}`}` +
    (checksum ? `, checksum ${checksum} ${indexChecksumStates[state ?? 'unknown'] ?? state}` : '') +
    (points === null ? '' : `; ${points.toLocaleString('en-US')} of ${count(expected, 'embedded chunk')} in the index`) +
    (behind ? `; ${count(behind, 'write')} behind the catalog (replayed on open)` : ''),
  noIndex: 'no vector index needed yet (nothing is embedded)',
  keyword: (rows: number, chunks: number) => `${rows.toLocaleString('en-US')} keyword-index rows for ${count(chunks, 'chunk')}`,
  lock: (state: 'free' | 'held' | 'unknown', holder: { pid: number; host: string; since: string } | null) =>
    state === 'free' ? 'free' : state === 'held' ? `held by another writer (${describeWriter(holder)})` : 'not checked (read-only)',
  healthy: 'Healthy.',
  unhealthy: (problems: number) => `${count(problems, 'problem')} found.`,
  runRepair: 'Run `npx newsroom check --repair` to fix what can be fixed.',
  needsBackup: 'The database itself is damaged: restore library.sqlite from a backup (the vector index is rebuilt from it on open).',
  nothingToRepair: 'Nothing to repair.',
  repairedHeading: 'Repaired:',
  findingsHeading: 'Problems:',
  notesHeading: 'Notes:',
  // One line per finding (src/cli/check-findings.ts picks the line for each kind).
  noLibrary: 'There is no library here yet (no library.sqlite). `npx newsroom ingest` creates one.',
  integrityFailed: (details: readonly string[]) => `SQLite's integrity check failed: ${details.slice(0, 5).join('; ')}`,
  orphanChunks: (n: number) => `Chunks that belong to no stored article: ${n.toLocaleString('en-US')} (removed by --repair).`,
  chunkCounts: (n: number) => `Articles that record the wrong number of chunks: ${n.toLocaleString('en-US')} (corrected by --repair).`,
  ftsMissing: (n: number) => `Chunks missing from the keyword index: ${n.toLocaleString('en-US')} (rebuilt by --repair).`,
  ftsExtra: (n: number) => `The keyword index has ${count(n, 'row')} for chunks that no longer exist (rebuilt by --repair).`,
  articleFtsOutOfStep: (missing: number, extra: number) =>
    `The whole-article keyword index lacks ${count(missing, 'article')} and has ${count(extra, 'row')} for removed ones (rebuilt by --repair).`,
  indexMissing: (expected: number) =>
    `vectors.hnsw is missing; ${count(expected, 'embedded chunk')} should be in it (rebuilt from the stored embeddings on open or by --repair).`,
  indexDamaged: (detail: string) => `vectors.hnsw is damaged: ${detail} (rebuilt from the stored embeddings on open or by --repair).`,
  indexChecksum: (actual: string, recorded: string) =>
    `vectors.hnsw changed after it was saved: checksum ${actual}, recorded ${recorded} (rebuilt on open or by --repair).`,
  indexUnverifiable:
    'vectors.json is missing or unreadable, so nothing says which writes vectors.hnsw holds (rebuilt on open or by --repair).',
  indexPoints: (missing: number, extra: number) =>
    `The vector index lacks ${count(missing, 'embedded chunk')} and holds ${count(extra, 'point')} with no chunk (rebuilt by --repair).`,
  indexBehind: (writes: number) =>
    `vectors.hnsw is ${count(writes, 'write')} behind the catalog; they are replayed from the stored embeddings on open (saved by --repair).`,
  tempFiles: (n: number) => `Temporary files left by interrupted saves: ${n.toLocaleString('en-US')} (removed by --repair).`,
  legacyLock: 'write.lock, the lock file of an earlier version, is left over; it blocks nothing (removed by --repair).',
  answersUnreadable: (message: string) => `answers.sqlite, the answer log, cannot be read (${message}). ${ANSWER_LOG_REPAIR}`,
  answersIntegrity: (details: readonly string[]) =>
    `answers.sqlite, the answer log, is damaged: SQLite's integrity check failed (${details.slice(0, 3).join('; ')}). ${ANSWER_LOG_REPAIR}`,
  answersSchema: (missing: readonly string[]) =>
    `answers.sqlite is not an answer log this version can use (missing ${missing.slice(0, 6).join(', ')}). ${ANSWER_LOG_REPAIR}`,

  // What `--repair` did, one line each.
  answerLogSetAside: (file: string) =>
    `set the damaged answers.sqlite aside as ${file} and started a new, empty answer log (restart the bot to record answers again)`,
  orphanChunksRemoved: (n: number) => `removed ${count(n, 'chunk')} that belonged to no article`,
  chunkCountsCorrected: (n: number) => `corrected the chunk count of ${count(n, 'article')}`,
  ftsRebuilt: (n: number) => `rebuilt the keyword index (${count(n, 'chunk')})`,
  articleFtsRebuilt: (n: number) => `rebuilt the whole-article keyword index (${count(n, 'article')})`,
  indexRebuilt: (n: number) => `rebuilt the vector index from the stored embeddings (${count(n, 'point')})`,
  indexSaved: 'saved the vector index, checked byte for byte',
  tempFilesRemoved: (n: number) => `removed ${count(n, 'temporary file')}`,
  legacyLockRemoved: 'removed the old write.lock file',
  editorialHeading: 'For editors (the library is healthy either way):',
  aiInstructions: (f: {
    collection: string;
    articleId: string;
    title: string;
    line: number;
    instruction: string;
    excerpt: string;
    source: string;
    sourceLine: number | null;
  }) =>
    `${f.articleId}${f.collection === 'shared' ? '' : ` (collection ${f.collection})`} “${truncate(f.title, 60)}”, line ${f.line} of its text` +
    `${f.sourceLine === null ? '' : ` (line ${f.sourceLine} of ${f.source.replace(/#\d+$/, '')})`}, ` +
    `is addressed to an AI (${instructionKinds[f.instruction] ?? f.instruction}): “${f.excerpt}”. It is never given to the model or cited; ` +
    'correct the article and ingest it again, or forget it.',
} as const;

/** What `check` says about answers.sqlite; `--repair` sets a damaged one aside and starts a new log. */
const ANSWER_LOG_REPAIR =
  'Answers are not recorded meanwhile; `--repair` sets it aside (kept beside it) and starts a new, empty log, or restore it from a backup.';

const instructionKinds: Record<string, string> = {
  override: 'it tells the model to ignore its instructions',
  role: 'it poses as a system or assistant message',
  persona: 'it tells the model who it is',
  markup: 'it holds chat-prompt markup',
};

const indexChecksumStates: Record<string, string> = {
  ok: 'matches the one recorded',
  previous: 'matches the previous save (a save was interrupted; the writes since are replayed on open)',
  unrecorded: 'not recorded yet (saved by an earlier version; recorded at the next save)',
  mismatch: 'does not match',
  unknown: 'cannot be checked',
};
