import { formatMegabytes } from './format.ts';

/** The answer log (answers.sqlite) off or failing: to operators (logs, /readyz, check) and to readers (Discord). */
export const answerLogMessages = {
  problem: (problem: 'read_only' | 'damaged' | 'disk_full' | 'write_failed', detail: string): string => {
    switch (problem) {
      case 'read_only':
        return 'answers are not recorded: the library is read-only';
      case 'damaged':
        return `answers are not recorded: answers.sqlite is damaged (${detail}); \`newsroom check --repair\` sets it aside and starts a new log, then restart`;
      case 'disk_full':
        return 'answers are not recorded: the disk holding answers.sqlite is full; recording resumes by itself once space is freed';
      case 'write_failed':
        return `answers are not recorded: writing answers.sqlite failed (${detail}); each new answer tries again`;
    }
  },
  damagedLog: (file: string) =>
    `${file} is damaged: answers, votes and unanswered questions are not recorded until it is repaired ` +
    '(`newsroom check --repair` sets it aside and starts a new log; or restore it from a backup). Answering goes on.',
  readOnlyLog: 'answers.sqlite cannot be written (read-only library): answers, feedback and unanswered questions are not logged',
  writeFailed: (failure: 'disk_full' | 'write_failed' | 'damaged') =>
    failure === 'disk_full'
      ? 'the disk holding answers.sqlite is full: answers, votes and unanswered questions are not recorded until space is freed; answering goes on'
      : 'writing to answers.sqlite failed: answers go on unrecorded, and each new answer tries again',
  damagedRead:
    'The answer log (answers.sqlite) is damaged, so earlier answers, votes and unanswered questions cannot be read. ' +
    '`newsroom check --repair` sets it aside and starts a new log; or restore it from a backup.',
  /** Under an answer in Discord that could not be recorded. */
  answerNotRecorded: 'This answer was not recorded (the answer log cannot be written right now), so votes on it cannot be kept.',
  voteNotRecorded: 'Thanks — but your vote could not be kept: the answer log cannot be written right now.',
  /** The `answers` line of `newsroom check`. */
  checkRow: (bytes: number | null, integrity: 'ok' | 'damaged' | 'unreadable' | 'absent') =>
    integrity === 'absent'
      ? 'answers.sqlite: none yet (created when the bot or console first runs)'
      : `answers.sqlite${bytes === null ? '' : `, ${formatMegabytes(bytes)}`}: ${integrity === 'ok' ? 'SQLite integrity check passed' : integrity}`,
} as const;
