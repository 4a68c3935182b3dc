import path from 'node:path';
import type { Article, LoadResult } from './articles/article.ts';
import type { Embedder } from './embeddings/embedder.ts';
import { EmbeddingServerError } from './embeddings/errors.ts';
import type { EmbeddedChunk } from './store/catalog/article-rows.ts';
import type { EmbeddingModel, Library, LibraryWriter } from './store/library.ts';
import { isDiskFullError, isReadOnlyError } from './store/sqlite-file.ts';
import { chunksFor, modelOf, type ChunkingOptions } from './ingest/chunks.ts';
import { retractSource } from './ingest/forget.ts';
import { passageText } from './ingest/passage.ts';

export interface IngestOptions {
  collection: string;
  chunking: ChunkingOptions;
  /** Remove stored articles of this collection whose source (under the given paths) is gone. */
  prune?: { roots: string[] };
  onProgress?: (progress: IngestProgress) => void;
  /**
   * 'now' (the default): chunks are embedded before they are stored. 'later': stored keyword-searchable
   * first (an archive is searchable within minutes), embedded afterwards by embedPending or the
   * background embedder, newest stories first.
   */
  embed?: 'now' | 'later';
}

export interface IngestProgress {
  done: number;
  source: string;
}

export interface IngestSummary {
  added: number;
  updated: number;
  unchanged: number;
  /** Sources gone (pruned, or a removed file): their articles are retracted unless another source has the story. */
  removed: number;
  failed: number;
  /** Items found to be a story already stored under another id (identical or lightly edited text): stored once. */
  duplicates: number;
  /** Each duplicate: where it came from, the id it gave, and the stored article it belongs to now. */
  merged: { source: string; id: string; article: string }[];
  /** Chunks written by this run. */
  chunks: number;
  /** Chunks stored without an embedding because the model is unavailable (or the embeddings server failed). */
  pendingEmbeddings: number;
  /** Why the embeddings server left this run's chunks without vectors (they are embedded later); null when it did not. */
  embeddingError: string | null;
  seconds: number;
  failures: { source: string; error: string }[];
}

export interface IngestDeps {
  library: Library;
  /** Null when the model cannot be loaded: articles are stored and keyword-searchable, embedded later. */
  embedder: Embedder | null;
}

/** How many chunks' embeddings are computed ahead of storage (embedding runs while storing). */
const EMBED_AHEAD = 2;

export { passageText };

interface PendingStore {
  article: Article;
  /** Null for a source found at a new place with unchanged text: only where it is now is recorded. */
  chunks: Promise<EmbeddedChunk[]> | null;
}

/** Articles stored per write: storing them takes milliseconds, so another writer waits that long at most. */
export const WRITE_ARTICLES = 50;

/**
 * Loads, chunks, embeds and stores articles. Unchanged articles (same content hash) are skipped
 * before any embedding; changed ones replace their old chunks in one transaction. One bad item
 * never stops the batch: it is reported in `failures`. Articles are stored WRITE_ARTICLES to a
 * write, the model running outside it, so a retraction or a feed sync never waits for the whole
 * ingest; a full disk stops it (the articles stored before stay, the library stays consistent).
 */
export async function ingest(
  deps: IngestDeps,
  items: AsyncIterable<LoadResult> | Iterable<LoadResult>,
  options: IngestOptions,
): Promise<IngestSummary> {
  const started = performance.now();
  const summary = emptySummary();
  // A library's one-time upgrades (stories an earlier rule merged stored apart again…) run in its
  // first write: let them run before this ingest reads what is stored, so it sees their outcome.
  await deps.library.write(async () => undefined, { saveIndex: 'when-due' });
  const run = new IngestRun(deps, options, summary);
  let done = 0;
  for await (const item of items) {
    done++;
    await run.take(item);
    // Chunking is synchronous work on this thread: let interactions be acknowledged between articles.
    await yieldToEventLoop();
    options.onProgress?.({ done, source: item.ok ? item.article.source : item.source });
  }
  await run.finish();
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

function emptySummary(): IngestSummary {
  return {
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    failed: 0,
    duplicates: 0,
    merged: [],
    chunks: 0,
    pendingEmbeddings: 0,
    embeddingError: null,
    seconds: 0,
    failures: [],
  };
}

/**
 * One ingest: unchanged articles counted and skipped, changed ones chunked (and embedded, up to
 * EMBED_AHEAD ahead) as they come and stored WRITE_ARTICLES to a write, failures counted without
 * stopping the rest.
 */
class IngestRun {
  readonly #deps: IngestDeps;
  readonly #options: IngestOptions;
  readonly #summary: IngestSummary;
  /** Null when nothing is embedded now: the chunks are stored keyword-searchable and embedded later. */
  readonly #model: EmbeddingModel | null;
  readonly #seen = new Set<string>();
  readonly #failedFiles = new Set<string>();
  #queue: PendingStore[] = [];
  /** Entries of the queue whose chunks are ready (the embedding of the rest may be running). */
  #ready = 0;
  #wrote = false;

  constructor(deps: IngestDeps, options: IngestOptions, summary: IngestSummary) {
    this.#deps = deps;
    this.#options = options;
    this.#summary = summary;
    this.#model = options.embed === 'later' ? null : modelOf(deps.embedder);
  }

  async take(item: LoadResult): Promise<void> {
    if (!item.ok) {
      this.#fail(item.source, item.error);
      return;
    }
    const { article } = item;
    const { collection } = this.#options;
    this.#seen.add(article.id);
    const stored = this.#deps.library.catalog.sourceVersion(collection, article.id);
    if (stored?.contentHash === article.contentHash) {
      this.#summary.unchanged++;
      // The same text found elsewhere (a moved file): record where, so removing it later retracts it.
      if (stored.source !== article.source) this.#queue.push({ article, chunks: null });
    } else {
      const embedder = this.#model ? this.#deps.embedder : null;
      this.#queue.push({ article, chunks: this.#chunks(article, embedder) });
    }
    // At most EMBED_AHEAD embeddings run ahead of the articles ready to store.
    while (this.#queue.length - this.#ready > EMBED_AHEAD) await this.#queue[this.#ready++]?.chunks?.catch(() => undefined);
    if (this.#queue.length >= WRITE_ARTICLES) await this.#flush();
  }

  /** Stores what is still queued, then retracts the sources no longer found under the pruned roots (saving the index). */
  async finish(): Promise<void> {
    await this.#flush();
    const { prune, collection, chunking } = this.#options;
    if (!prune && !this.#wrote) return;
    const { library, embedder } = this.#deps;
    await library.write(async (writer) => {
      if (!prune) return;
      for (const sourceId of sourcesGone(library, collection, prune.roots, this.#seen, this.#failedFiles)) {
        if ((await retractSource(writer, { embedder, chunking }, collection, sourceId)) !== null) this.#summary.removed++;
      }
    });
  }

  /**
   * The article's chunks, embedded now when `embedNow` is given. When the embeddings server fails,
   * they are stored without vectors (pending, embedded later), and so are the rest of this run's:
   * it is not asked again.
   */
  async #chunks(article: Article, embedNow: Embedder | null): Promise<EmbeddedChunk[]> {
    const { chunking } = this.#options;
    const tokenizer = this.#deps.embedder;
    if (!embedNow || this.#summary.embeddingError !== null) return chunksFor(article, tokenizer, null, chunking);
    try {
      return await chunksFor(article, tokenizer, embedNow, chunking);
    } catch (error) {
      if (!(error instanceof EmbeddingServerError)) throw error;
      this.#summary.embeddingError ??= error.message;
      return chunksFor(article, tokenizer, null, chunking);
    }
  }

  /** Stores the queued articles in one write, once their chunks are ready (computed outside it). */
  async #flush(): Promise<void> {
    const entries = this.#queue;
    this.#queue = [];
    this.#ready = 0;
    if (entries.length === 0) return;
    const chunked = await Promise.all(
      entries.map(async (entry) =>
        entry.chunks
          ? entry.chunks.then(
              (chunks) => ({ chunks }),
              (error: unknown) => ({ error }),
            )
          : null,
      ),
    );
    // The first write saves the index (so one exists to catch up from after a kill), later ones at checkpoints.
    const saveIndex = this.#wrote ? 'when-due' : 'always';
    this.#wrote = true;
    await this.#deps.library.write(
      async (writer) => {
        for (const [i, entry] of entries.entries()) {
          const ready = chunked[i] ?? null;
          if (ready !== null && 'error' in ready) this.#fail(entry.article.source, errorMessage(ready.error));
          else this.#store(writer, entry.article, ready?.chunks ?? null);
          // Each article commits on its own: between two, the bot answers what came in meanwhile.
          await yieldToEventLoop();
        }
      },
      { saveIndex },
    );
  }

  /** Stores one article (`chunks` null: an unchanged one found at a new place, whose place alone is recorded). */
  #store(writer: LibraryWriter, article: Article, chunks: EmbeddedChunk[] | null): void {
    const summary = this.#summary;
    try {
      if (chunks === null) {
        writer.storeArticle(article, this.#options.collection, [], null);
        return;
      }
      const result = writer.storeArticle(article, this.#options.collection, chunks, this.#model);
      if (result.outcome === 'added') summary.added++;
      else if (result.outcome === 'updated') summary.updated++;
      else if (result.outcome === 'unchanged') summary.unchanged++;
      else {
        summary.duplicates++;
        summary.merged.push({ source: article.source, id: article.id, article: result.articleId });
      }
      // Its chunks were stored unless it was unchanged, or a duplicate of a newer version.
      if (result.outcome !== 'unchanged' && result.articleId === article.id) {
        summary.chunks += chunks.length;
        summary.pendingEmbeddings += chunks.filter((c) => c.embedding === null).length;
      }
    } catch (error) {
      // The disk or the library itself failing stops the ingest; anything else is this article's problem.
      if (isDiskFullError(error) || isReadOnlyError(error)) throw error;
      this.#fail(article.source, errorMessage(error));
    }
  }

  #fail(source: string, error: string): void {
    this.#summary.failed++;
    this.#summary.failures.push({ source, error });
    this.#failedFiles.add(fileOf(source));
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The file part of a source (`/a/b.jsonl#3` → `/a/b.jsonl`); URLs are returned unchanged. */
function fileOf(source: string): string {
  const hash = source.lastIndexOf('#');
  return hash > 0 && !/^https?:/i.test(source) ? source.slice(0, hash) : source;
}

function isUnder(file: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const relative = path.relative(path.resolve(root), file);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  });
}

/**
 * Ids of the collection's sources under `roots` that this ingest did not see: their files are
 * gone, or no longer hold them. A path that failed to load this time (a file that does not parse,
 * an unreadable folder, a missing root) keeps what it had: nothing stored is lost to a bad read.
 * Aliases come first, so a story losing all its sources is retracted without promoting one in between.
 */
function sourcesGone(
  library: Library,
  collection: string,
  roots: readonly string[],
  seen: Set<string>,
  failedPaths: Set<string>,
): string[] {
  const failed = [...failedPaths];
  const gone = library.catalog.sourcesIn(collection).filter(({ sourceId, source }) => {
    const file = fileOf(source);
    return !seen.has(sourceId) && isUnder(file, roots) && !isUnder(file, failed);
  });
  return gone.sort((a, b) => Number(a.sourceId === a.articleId) - Number(b.sourceId === b.articleId)).map((s) => s.sourceId);
}
