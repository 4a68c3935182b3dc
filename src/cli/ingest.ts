import type { LoadResult } from '../articles/article.ts';
import { IdRegistry } from '../articles/duplicates.ts';
import { loadPaths } from '../articles/load.ts';
import { loadUrl } from '../articles/url.ts';
import type { Config } from '../config.ts';
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

const URL_TIMEOUT_MS = 15_000;

/** "https://…", "ftp://…": an address, not a path (a non-http one then gets a clear refusal). */
function isAddress(argument: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(argument);
}

/** Files and folders first (read concurrently), then each address, through the network boundary. */
async function* loadArguments(paths: string[], addresses: string[], config: Config): AsyncGenerator<LoadResult, void, undefined> {
  const ids = new IdRegistry();
  if (paths.length > 0) yield* loadPaths(paths, { maxBytes: config.maxFileBytes, ids });
  for (const address of addresses) {
    const result = await loadUrl(address, { timeoutMs: URL_TIMEOUT_MS, maxBytes: config.maxFileBytes, policy: config.fetch.policy });
    yield ids.claim(result, address);
  }
}

export async function ingestCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(ctx.args, {
    collection: { type: 'string' },
    prune: { type: 'boolean', default: false },
  });
  if (positionals.length === 0) throw new UserError('Name the files, folders or web addresses to ingest: newsroom ingest <paths or URLs...>');
  const addresses = positionals.filter(isAddress);
  const paths = positionals.filter((p) => !isAddress(p));
  const collection = values.collection ?? SHARED_COLLECTION;
  const app = await ctx.app();
  if (app.embedderProblem) {
    warn(`${app.embedderProblem}\nArticles are stored for keyword search now and embedded once the model is available.`);
  }
  const progress = new ProgressBar('ingesting');
  const summary = await ingest(
    { library: app.library, embedder: app.embedder },
    loadArguments(paths, addresses, ctx.config),
    {
      collection,
      chunking: ctx.config.chunking,
      ...(values.prune ? { prune: { roots: paths } } : {}),
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
