import path from 'node:path';
import { EmbeddingServerError } from '../embeddings/errors.ts';
import type { LoadResult } from '../articles/article.ts';
import type { Config } from '../config.ts';
import { UserError } from '../errors.ts';
import type { IngestSummary } from '../ingest.ts';
import { failureLines, summaryLine } from '../ingest-report.ts';
import { cliText } from '../messages/cli.ts';
import { embeddingServerMessages } from '../messages/embedding-server.ts';
import { archiveMessages } from '../messages/archive.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import type { Library } from '../store/library.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import { COLLECTION_OPTION, defineCommand } from './command.ts';
import { output, print, printJson, warn } from './context.ts';
import { Progress } from './progress.ts';

export { failureLines, summaryLine };

const URL_TIMEOUT_MS = 15_000;

/** "https://…", "ftp://…": an address, not a path (a non-http one then gets a clear refusal). */
function isAddress(argument: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(argument);
}

/** The file an item came from: "export.jsonl#3" → "export.jsonl"; an address stays whole. */
function fileOf(source: string): string {
  const hash = source.lastIndexOf('#');
  return hash > 0 && !isAddress(source) ? source.slice(0, hash) : source;
}

/** A source as the progress line shows it: relative to the current folder when inside it. */
function shortSource(source: string): string {
  if (isAddress(source)) return source;
  const relative = path.relative(process.cwd(), source);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : source;
}

/** Files and folders first (read concurrently), then each address, through the network boundary. */
async function* loadArguments(
  paths: string[],
  addresses: string[],
  config: Config,
  allowSecrets: boolean,
): AsyncGenerator<LoadResult, void, undefined> {
  const [{ IdRegistry }, { loadPaths }, { loadUrl }] = await Promise.all([
    import('../articles/duplicates.ts'),
    import('../articles/load.ts'),
    import('../articles/url.ts'),
  ]);
  const ids = new IdRegistry();
  const secrets = allowSecrets ? { allowCredentials: true } : {};
  if (paths.length > 0) yield* loadPaths(paths, { maxBytes: config.maxFileBytes, ids, links: config.followSymlinks, ...secrets });
  for (const address of addresses) {
    const result = await loadUrl(address, {
      timeoutMs: URL_TIMEOUT_MS,
      maxBytes: config.maxFileBytes,
      policy: config.fetch.policy,
      ...secrets,
    });
    yield ids.claim(result, address);
  }
}

/** Embeds chunks stored without a vector, newest stories first, with a progress bar (count, rate, time left). Returns how many. */
export async function embedWithProgress(library: Library, embedder: Embedder): Promise<number> {
  const { embedPending } = await import('../ingest/embed-batches.ts');
  const progress = new Progress({ label: 'embedding', total: library.catalog.pendingCount(), unit: 'chunks' });
  try {
    return await embedPending(
      { library, embedder },
      {
        onProgress: (done, total) => {
          progress.setTotal(total);
          progress.update(done);
        },
      },
    );
  } finally {
    progress.finish();
  }
}

export const ingestCommand = defineCommand({
  name: 'ingest',
  summary: 'load articles from files, folders and web addresses',
  usage: ['ingest <paths or URLs...> [--collection ID] [--prune] [--no-embed] [--json] [--allow-secrets]'],
  options: {
    collection: COLLECTION_OPTION,
    prune: { type: 'boolean', description: 'remove stored articles of the collection whose file under the given paths is gone' },
    'no-embed': {
      type: 'boolean',
      description: 'store the articles for keyword search only; embed them later with `newsroom embed` (or the running bot does)',
    },
    json: { type: 'boolean', description: 'print the summary as JSON on stdout (failures included)' },
    'allow-secrets': {
      type: 'boolean',
      description: 'store text that looks like a credential (a token, a key, a PASSWORD= line): only when it belongs in the story',
    },
  },
  notes: [
    'Text and keyword index first (searchable at once), a few dozen articles to a write; then the new chunks are',
    'embedded, newest stories first, a batch to a write. A kill at any moment loses nothing: run it again.',
    'A .jsonl file is read record by record: MAX_FILE_MB and the parse time limit apply to each record.',
    'Unchanged articles are skipped by content hash. Each failed file gets a line on stderr saying why;',
    'the rest of the batch goes in. Exit status 1 when nothing could be loaded.',
    'A story already stored under another id (the same or lightly edited text) is stored once: a duplicate.',
    'Text that looks like a credential is refused (its kind and line named, never the text) unless --allow-secrets is given.',
    'Symbolic links inside a folder are not followed unless FOLLOW_SYMLINKS allows them; a path named here is read as named.',
  ],
  run: async (ctx, { values, positionals }) => {
    if (positionals.length === 0) throw new UserError(cliText.ingestWhat);
    const addresses = positionals.filter(isAddress);
    const paths = positionals.filter((p) => !isAddress(p));
    const collection = values.collection ?? SHARED_COLLECTION;
    const app = await ctx.app();
    const [{ listArticleFiles }, { ingest }] = await Promise.all([import('../articles/load.ts'), import('../ingest.ts')]);
    if (app.embedderProblem) warn(`${app.embedderProblem}\n${cliText.embedLater}`);

    const total = (await listArticleFiles(paths, ctx.config.followSymlinks)).length + addresses.length;
    const progress = new Progress({ label: 'ingesting', total, unit: 'files' });
    const filesSeen = new Set<string>();
    let summary: IngestSummary;
    try {
      summary = await ingest(
        { library: app.library, embedder: app.embedder },
        loadArguments(paths, addresses, ctx.config, values['allow-secrets'] === true),
        {
          collection,
          chunking: ctx.config.chunking,
          embed: 'later',
          ...(values.prune ? { prune: { roots: paths } } : {}),
          onProgress: (p) => {
            filesSeen.add(fileOf(p.source));
            // A path that could not be read is an item but not a listed file.
            if (filesSeen.size > total) progress.setTotal(filesSeen.size);
            progress.update(filesSeen.size, shortSource(p.source));
          },
        },
      );
    } finally {
      progress.finish();
    }
    for (const line of failureLines(summary)) output().stderr.write(`${line}\n`);
    const wanted = !summary.embeddingError && !values['no-embed'] && app.library.catalog.pendingCount() > 0;
    const embedded = app.embedder && wanted ? await embedOrExplain(app.library, app.embedder, summary) : 0;
    if (summary.embeddingError) warn(`${summary.embeddingError}\n${embeddingServerMessages.keptForLater(summary.pendingEmbeddings)}`);
    // This run's chunks still without a vector (all of them with --no-embed or without the model).
    const pendingEmbeddings = Math.min(summary.pendingEmbeddings, app.library.catalog.pendingCount());
    if (values.json) printJson({ ...summaryJson(summary), pendingEmbeddings, embedded });
    else print(summaryLine(summary));
    if (app.embedder && pendingEmbeddings > 0 && !values.json) warn(archiveMessages.embedSkipped(app.library.catalog.pendingCount()));
    return summary.failed > 0 && summary.added + summary.updated + summary.unchanged + summary.duplicates === 0 ? 1 : 0;
  },
});

/** Embeds what awaits; an embeddings server failing leaves it for later, said in `summary.embeddingError`. */
async function embedOrExplain(library: Library, embedder: Embedder, summary: IngestSummary): Promise<number> {
  try {
    return await embedWithProgress(library, embedder);
  } catch (error) {
    if (!(error instanceof EmbeddingServerError)) throw error;
    summary.embeddingError = error.message;
    return 0;
  }
}

function summaryJson(s: IngestSummary) {
  return {
    added: s.added,
    updated: s.updated,
    unchanged: s.unchanged,
    removed: s.removed,
    failed: s.failed,
    duplicates: s.duplicates,
    merged: s.merged,
    chunks: s.chunks,
    pendingEmbeddings: s.pendingEmbeddings,
    seconds: Number(s.seconds.toFixed(3)),
    failures: s.failures,
    // Only when the embeddings server failed: why `pendingEmbeddings` chunks wait for it.
    ...(s.embeddingError ? { embeddingError: s.embeddingError } : {}),
  };
}
