import type { AnswerLogFinding, AnswerLogReport } from './answer-log-health.ts';
import { isRestoreFinding, isRestoreProblem, isRestoreRepairable, type RestoreFinding } from './restore-recovery.ts';
import type { StoredInstructionFinding } from '../catalog/instruction-findings.ts';
import type { LockHolder } from '../write-lock.ts';

/*
 * What `newsroom check` reports: the findings, the report's shape, and which findings are problems
 * or repairable. The inspection and the repairs are in health.ts.
 */

/** What `newsroom check` found wrong. Problems make the library unhealthy; notes do not. */
export type Finding =
  | { kind: 'no-library' }
  | { kind: 'database-unreadable'; message: string }
  | { kind: 'database-integrity'; details: string[] }
  | { kind: 'orphan-chunks'; count: number }
  | { kind: 'chunk-counts'; count: number }
  | { kind: 'fts-missing'; count: number }
  | { kind: 'fts-extra'; count: number }
  /** The whole-article keyword index lacks articles or holds rows of removed ones. */
  | { kind: 'article-fts'; missing: number; extra: number }
  | { kind: 'index-missing'; expected: number }
  | { kind: 'index-damaged'; detail: string }
  | { kind: 'index-checksum'; recorded: string; actual: string }
  | { kind: 'index-unverifiable' }
  | { kind: 'index-points'; missing: number; extra: number }
  | { kind: 'data-dir-unreadable'; uid: number | null }
  | AnswerLogFinding
  | RestoreFinding
  // Notes: harmless, tidied by --repair.
  | { kind: 'index-behind'; writes: number }
  | { kind: 'temp-files'; files: string[] }
  | { kind: 'legacy-lock'; file: string };

const NOTES = new Set<Finding['kind']>(['index-behind', 'temp-files', 'legacy-lock']);

export function isProblem(finding: Finding): boolean {
  if (isRestoreFinding(finding)) return isRestoreProblem(finding);
  return !NOTES.has(finding.kind);
}

/** Whether `check --repair` can fix it (the database itself cannot be: that needs a backup). */
export function isRepairable(finding: Finding): boolean {
  if (isRestoreFinding(finding)) return isRestoreRepairable(finding);
  return !['no-library', 'database-unreadable', 'database-integrity', 'data-dir-unreadable'].includes(finding.kind);
}

export type ChecksumState = 'ok' | 'previous' | 'mismatch' | 'unrecorded' | 'unknown';

export interface LibraryReport {
  dataDir: string;
  healthy: boolean;
  readOnly: boolean;
  database: { file: string; bytes: number | null; integrity: 'ok' | 'damaged' | 'unreadable' | 'absent' };
  articles: number;
  chunks: number;
  embeddedChunks: number;
  awaitingEmbeddings: number;
  model: string | null;
  /** Precision of the model's weights the vectors came from (`fp32`, `q8`); null before the first embedding. */
  dtype: string | null;
  dimensions: number | null;
  generation: number;
  index: {
    file: string;
    present: boolean;
    bytes: number | null;
    checksum: string | null;
    checksumState: ChecksumState | null;
    /** Catalog writes the saved file lacks (replayed from the catalog on open). */
    writesBehind: number | null;
    /** Live points once those writes are replayed; null when the file cannot be read. */
    points: number | null;
    expectedPoints: number;
  };
  fts: { rows: number; chunks: number };
  lock: { state: 'free' | 'held' | 'unknown'; holder: LockHolder | null };
  /** answers.sqlite, the answer log beside the library. */
  answers: Omit<AnswerLogReport, 'findings'>;
  findings: Finding[];
  /** What editors should look at in the stored articles; the library's health does not depend on it. */
  editorial: EditorialFinding[];
}

/** Stored text addressed to an AI ("SYSTEM: ignore previous instructions"): withheld from answers until an editor fixes the article. */
export type EditorialFinding = { kind: 'ai-instructions' } & Omit<StoredInstructionFinding, 'kind'> & {
    instruction: StoredInstructionFinding['kind'];
    /** The line of the source file it is on, when the source is a file that still holds it. */
    sourceLine: number | null;
  };
