import path from 'node:path';
import { UserError } from '../errors.ts';
import { restoreStateMessages } from '../messages/restore.ts';
import { backupMessages, storeMessages } from '../messages/store.ts';
import { backupLibrary, type BackupPhase, type BackupProgress } from '../store/maintenance/backup.ts';
import { restoreLibrary } from '../store/maintenance/restore.ts';
import { renderReport, toJson } from './check.ts';
import { defineCommand, JSON_OPTION } from './command.ts';
import { output, print, printJson, warn } from './context.ts';
import { Progress } from './progress.ts';

/** One progress bar per phase (copying, then checking), in bytes. */
function phasedProgress(): { update: (progress: BackupProgress) => void; finish: () => void } {
  let current: { phase: BackupPhase; bar: Progress } | null = null;
  return {
    update({ phase, done, total }) {
      if (current?.phase !== phase) {
        current?.bar.finish();
        current = { phase, bar: new Progress({ label: phase, total, unit: 'bytes' }) };
      }
      current.bar.setTotal(total);
      current.bar.update(done);
    },
    finish: () => current?.bar.finish(),
  };
}

export const backupCommand = defineCommand({
  name: 'backup',
  summary: 'a consistent copy of the library into a new folder, safe while the bot runs',
  usage: ['backup <dir> [--json]'],
  options: { json: JSON_OPTION },
  maxArguments: 1,
  notes: [
    "Copies library.sqlite and answers.sqlite with SQLite's online backup, and the vector index as of the same",
    'generation, into <dir> (a new or empty folder); checks the copy, and writes manifest.json (format and app',
    'version, generation, model, counts, SHA-256 of each file) last. Writers never wait for a backup, nor it for them.',
    '--json prints {"dir", "generation", "model", "counts", "bytes", "seconds", "files"}.',
  ],
  run: async (ctx, { values, positionals }) => {
    const target = positionals[0];
    if (!target) throw new UserError(backupMessages.targetMissing);
    const progress = phasedProgress();
    let result;
    try {
      result = await backupLibrary({
        dataDir: ctx.config.dataDir,
        target: path.resolve(target),
        hnsw: ctx.config.hnsw,
        logger: ctx.logger,
        onProgress: progress.update,
      });
    } finally {
      progress.finish();
    }
    const { manifest } = result;
    if (values.json) {
      printJson({
        dir: result.dir,
        generation: manifest.generation,
        model: manifest.model,
        counts: manifest.counts,
        bytes: result.bytes,
        seconds: Number(result.seconds.toFixed(2)),
        files: manifest.files,
      });
    } else {
      print(
        backupMessages.backedUp(
          result.dir,
          manifest.counts.articles,
          manifest.counts.chunks,
          manifest.generation,
          result.bytes,
          result.seconds,
        ),
      );
    }
    return 0;
  },
});

export const restoreCommand = defineCommand({
  name: 'restore',
  summary: 'put a backup back into DATA_DIR (empty, or --force), then check it',
  usage: ['restore <backup dir> [--force] [--json]'],
  options: {
    force: { type: 'boolean', description: 'replace the library already in DATA_DIR (stop the bot first)' },
    json: JSON_OPTION,
  },
  maxArguments: 1,
  notes: [
    "Refuses a folder that is not a backup, a backup from a newer version, a damaged one (each file's SHA-256 is",
    'checked first), and a DATA_DIR that already holds a library unless --force: nothing is changed then. The',
    'backup is copied into DATA_DIR and checked before any file is replaced; the model cache (DATA_DIR/models) stays.',
    'Exit status 0 when the restored library is healthy.',
    '--json prints {"source", "dataDir", "replaced", "manifest", "check"} (check as `newsroom check --json`).',
  ],
  run: async (ctx, { values, positionals }) => {
    const source = positionals[0];
    if (!source) throw new UserError(backupMessages.sourceMissing);
    const progress = phasedProgress();
    let result;
    try {
      result = await restoreLibrary({
        source: path.resolve(source),
        dataDir: ctx.config.dataDir,
        force: values.force,
        lockWaitMs: ctx.config.writeLockWaitMs,
        logger: ctx.logger,
        onWriteWait: (holder) => warn(storeMessages.waitingForWriter(holder)),
        onProgress: progress.update,
      });
    } finally {
      progress.finish();
    }
    const { manifest, report, recovered } = result;
    const recoveredLine = recovered ? restoreStateMessages.recovered(recovered.journal, recovered.outcome) : null;
    if (values.json) {
      printJson({
        source: result.source,
        dataDir: result.dataDir,
        replaced: result.replaced,
        manifest,
        check: toJson(report),
        ...(recoveredLine ? { recovered: recoveredLine } : {}),
      });
    } else {
      if (recoveredLine) print(`First ${recoveredLine}.`);
      print(
        backupMessages.restored(
          manifest.counts.articles,
          manifest.counts.chunks,
          manifest.generation,
          manifest.createdAt,
          result.source,
          result.replaced,
        ),
      );
      print('');
      output().stdout.write(renderReport(report));
    }
    return report.healthy ? 0 : 1;
  },
});
