import { accessMessages } from '../messages/store.ts';
import { checkText } from '../messages/check.ts';
import { restoreStateMessages } from '../messages/restore.ts';
import type { RepairOutcome } from '../store/maintenance/health.ts';
import type { Finding } from '../store/maintenance/report.ts';
import type { RestoreFinding } from '../store/maintenance/restore-recovery.ts';

/** The line `newsroom check` prints for one finding (the same words in `--json`'s `message`). */
export function findingText(finding: Finding): string {
  switch (finding.kind) {
    case 'no-library':
      return checkText.noLibrary;
    case 'database-unreadable':
      return finding.message;
    case 'database-integrity':
      return checkText.integrityFailed(finding.details);
    case 'orphan-chunks':
      return checkText.orphanChunks(finding.count);
    case 'chunk-counts':
      return checkText.chunkCounts(finding.count);
    case 'fts-missing':
      return checkText.ftsMissing(finding.count);
    case 'fts-extra':
      return checkText.ftsExtra(finding.count);
    case 'article-fts':
      return checkText.articleFtsOutOfStep(finding.missing, finding.extra);
    case 'index-missing':
      return checkText.indexMissing(finding.expected);
    case 'index-damaged':
      return checkText.indexDamaged(finding.detail);
    case 'index-checksum':
      return checkText.indexChecksum(finding.actual, finding.recorded);
    case 'index-unverifiable':
      return checkText.indexUnverifiable;
    case 'index-points':
      return checkText.indexPoints(finding.missing, finding.extra);
    case 'index-behind':
      return checkText.indexBehind(finding.writes);
    case 'temp-files':
      return checkText.tempFiles(finding.files.length);
    case 'legacy-lock':
      return checkText.legacyLock;
    case 'data-dir-unreadable':
      return accessMessages.dataDirUnreadable('DATA_DIR', finding.uid);
    case 'answers-unreadable':
      return checkText.answersUnreadable(finding.message);
    case 'answers-integrity':
      return checkText.answersIntegrity(finding.details);
    case 'answers-schema':
      return checkText.answersSchema(finding.missing);
    default:
      return restoreFindingText(finding);
  }
}

function restoreFindingText(f: RestoreFinding): string {
  switch (f.kind) {
    case 'restore-running':
      return restoreStateMessages.running(f);
    case 'restore-interrupted':
      return restoreStateMessages.interrupted(f, f.phase, f.aside, f.whole);
    case 'restore-journal-unreadable':
      return restoreStateMessages.journalUnreadable('DATA_DIR', f.detail);
    case 'restore-leftover':
      return restoreStateMessages.leftover(f.folder);
    case 'restore-set-aside':
      return restoreStateMessages.setAside(f.folder, f.files, f.libraryInPlace);
  }
}

/** What `check --repair` did, one line each, in the order it did it. */
export function repairLines(r: NonNullable<RepairOutcome['repairs']>): string[] {
  const done: string[] = [];
  if (r.restoreRecovered) done.push(restoreStateMessages.recovered(r.restoreRecovered, r.restoreRecovered.outcome));
  if (r.restoreLeftoversRemoved) done.push(restoreStateMessages.leftoversRemoved(r.restoreLeftoversRemoved));
  if (r.answerLogSetAside) done.push(checkText.answerLogSetAside(r.answerLogSetAside));
  if (r.orphanChunks) done.push(checkText.orphanChunksRemoved(r.orphanChunks));
  if (r.chunkCounts) done.push(checkText.chunkCountsCorrected(r.chunkCounts));
  if (r.ftsRebuilt) done.push(checkText.ftsRebuilt(r.ftsRebuilt));
  if (r.articleFtsRebuilt) done.push(checkText.articleFtsRebuilt(r.articleFtsRebuilt));
  if (r.indexRebuilt !== null && r.indexRebuilt !== undefined) done.push(checkText.indexRebuilt(r.indexRebuilt));
  if (r.orphanChunks !== undefined) done.push(checkText.indexSaved);
  if (r.tempFilesRemoved) done.push(checkText.tempFilesRemoved(r.tempFilesRemoved));
  if (r.legacyLockRemoved) done.push(checkText.legacyLockRemoved);
  return done;
}
