import path from 'node:path';
import { answerLogMessages } from '../messages/answer-log.ts';
import { checkText } from '../messages/check.ts';
import { storeMessages } from '../messages/store.ts';
import { inspectLibrary, repairLibrary } from '../store/maintenance/health.ts';
import { isProblem, isRepairable, type EditorialFinding, type Finding, type LibraryReport } from '../store/maintenance/report.ts';
import { findingText, repairLines } from './check-findings.ts';
import { defineCommand, JSON_OPTION } from './command.ts';
import { output, printJson, warn } from './context.ts';

/**
 * `newsroom check [--json] [--repair]`: the library's health, read without opening it the way the
 * bot does (which would repair the vector index in memory first). Exit 0 when healthy.
 */
export const checkCommand = defineCommand({
  name: 'check',
  summary: "the library's health; --repair fixes what can be fixed",
  usage: ['check [--json] [--repair]'],
  options: {
    json: JSON_OPTION,
    repair: { type: 'boolean', description: 'rebuild what can be rebuilt (vector index, keyword index), under the write lock' },
  },
  maxArguments: 0,
  notes: ['Exit status 0 when the library is healthy, 1 when it is not. A damaged library.sqlite cannot be repaired: restore a backup.'],
  run: async (ctx, { values }) => {
    const dataDir = ctx.config.dataDir;
    if (!values.repair) {
      const report = inspectLibrary(dataDir);
      if (values.json) printJson(toJson(report));
      else output().stdout.write(renderReport(report));
      return report.healthy ? 0 : 1;
    }
    const outcome = await repairLibrary(dataDir, {
      hnsw: ctx.config.hnsw,
      lockWaitMs: ctx.config.writeLockWaitMs,
      logger: ctx.logger,
      onWriteWait: (holder) => warn(storeMessages.waitingForWriter(holder)),
    });
    const repaired = outcome.repairs ? repairLines(outcome.repairs) : [];
    if (values.json) {
      printJson({ ...toJson(outcome.after), repaired, before: toJson(outcome.before) });
    } else {
      if (outcome.repairs) output().stdout.write(`${checkText.repairedHeading}\n${repaired.map((line) => `  ✓ ${line}\n`).join('')}\n`);
      else if (outcome.before.findings.length === 0) output().stdout.write(`${checkText.nothingToRepair}\n\n`);
      output().stdout.write(renderReport(outcome.after));
    }
    return outcome.after.healthy ? 0 : 1;
  },
});

/** The report with each finding worded, as the text output words it (also `restore --json`'s `check`). */
export function toJson(report: LibraryReport): Omit<LibraryReport, 'findings' | 'editorial'> & {
  findings: (Finding & { problem: boolean; message: string })[];
  editorial: (EditorialFinding & { message: string })[];
} {
  return {
    ...report,
    findings: report.findings.map((f) => ({ ...f, problem: isProblem(f), message: findingText(f) })),
    editorial: report.editorial.map((f) => ({ ...f, message: checkText.aiInstructions(f) })),
  };
}

/** The report as `newsroom check` prints it (also after `restore`). */
export function renderReport(report: LibraryReport): string {
  const lines = [checkText.heading(report.dataDir)];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(9)} ${text}`);
  const unreadable = report.findings.find((f) => f.kind === 'data-dir-unreadable');
  if (unreadable)
    return `${[...lines, '', checkText.findingsHeading, `  ✗ ${findingText(unreadable)}`, '', checkText.unhealthy(1)].join('\n')}\n`;
  if (report.readOnly) row('access', checkText.readOnly);
  row('database', checkText.database(path.basename(report.database.file), report.database.bytes, report.database.integrity));
  if (report.database.integrity === 'ok') {
    row('contents', checkText.contents(report.articles, report.chunks, report.awaitingEmbeddings, report.model, report.dimensions));
    const { index } = report;
    row(
      'vectors',
      report.dimensions === null && !index.present
        ? checkText.noIndex
        : checkText.index(
            path.basename(index.file),
            index.bytes,
            index.checksum,
            index.checksumState,
            index.points,
            index.expectedPoints,
            index.writesBehind,
          ),
    );
    row('keywords', checkText.keyword(report.fts.rows, report.fts.chunks));
  }
  row('answers', answerLogMessages.checkRow(report.answers.bytes, report.answers.integrity));
  row('lock', checkText.lock(report.lock.state, report.lock.holder));
  const problems = report.findings.filter(isProblem);
  const notes = report.findings.filter((f) => !isProblem(f));
  if (problems.length > 0) lines.push('', checkText.findingsHeading, ...problems.map((f) => `  ✗ ${findingText(f)}`));
  if (notes.length > 0) lines.push('', checkText.notesHeading, ...notes.map((f) => `  · ${findingText(f)}`));
  if (report.editorial.length > 0)
    lines.push('', checkText.editorialHeading, ...report.editorial.map((f) => `  ! ${checkText.aiInstructions(f)}`));
  lines.push('', report.healthy ? checkText.healthy : checkText.unhealthy(problems.length));
  if (problems.some((f) => !isRepairable(f) && f.kind !== 'no-library')) lines.push(checkText.needsBackup);
  else if (
    report.findings.some(isRepairable) &&
    report.findings.every(isRepairable) &&
    report.findings.some((f) => f.kind !== 'no-library')
  )
    lines.push(checkText.runRepair);
  return `${lines.join('\n')}\n`;
}
