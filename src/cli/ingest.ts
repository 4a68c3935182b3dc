import { loadPaths } from '../articles/load.ts';
import { UserError } from '../errors.ts';
import { embedPending, ingest, type IngestSummary } from '../ingest.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { parseOptions, warn, type CommandContext } from './context.ts';
import { ProgressBar } from './progress.ts';

export function summaryLine(s: IngestSummary): string {
  return (
    `added ${s.added} · updated ${s.updated} · unchanged ${s.unchanged} · removed ${s.removed} · failed ${s.failed}` +
    ` · ${s.chunks} chunks · ${s.seconds.toFixed(1)} s`
  );
}

export async function ingestCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(ctx.args, {
    collection: { type: 'string' },
    prune: { type: 'boolean', default: false },
  });
  if (positionals.length === 0) throw new UserError('Name the files or folders to ingest: newsroom ingest <paths...>');
  const collection = values.collection ?? SHARED_COLLECTION;
  const app = await ctx.app();
  if (app.embedderProblem) {
    warn(`${app.embedderProblem}\nArticles are stored for keyword search now and embedded once the model is available.`);
  }
  const progress = new ProgressBar('ingesting');
  const summary = await ingest(
    { library: app.library, embedder: app.embedder },
    loadPaths(positionals, { maxBytes: ctx.config.maxFileBytes }),
    {
      collection,
      chunking: ctx.config.chunking,
      ...(values.prune ? { prune: { roots: positionals } } : {}),
      onProgress: (p) => progress.update(p.done, null, p.source),
    },
  );
  progress.done();
  for (const failure of summary.failures) process.stderr.write(`✗ ${failure.error}\n`);
  if (app.embedder && app.library.pendingCount() > 0) {
    const bar = new ProgressBar('embedding');
    await embedPending({ library: app.library, embedder: app.embedder }, { onProgress: (d, t) => bar.update(d, t) });
    bar.done();
  }
  process.stdout.write(`${summaryLine(summary)}\n`);
  return summary.failed > 0 && summary.added + summary.updated + summary.unchanged === 0 ? 1 : 0;
}
