import path from 'node:path';
import type { Article, LoadResult } from './articles/article.ts';
import type { Embedder } from './embeddings/embedder.ts';
import type { EmbeddedChunk } from './store/catalog.ts';
import type { EmbeddingModel, Library, LibraryWriter } from './store/library.ts';
import type { StoredArticle } from './store/types.ts';
import { chunkText } from './text/chunker.ts';
import { countLlmTokens } from './text/llm-tokens.ts';

export interface ChunkingOptions {
  targetTokens: number;
  overlapTokens: number;
}

export interface IngestOptions {
  collection: string;
  chunking: ChunkingOptions;
  /** Remove stored articles of this collection whose source (under the given paths) is gone. */
  prune?: { roots: string[] };
  onProgress?: (progress: IngestProgress) => void;
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
  /** Chunks stored without an embedding because the model is unavailable. */
  pendingEmbeddings: number;
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

/** Text embedded for a chunk: the headline gives a passage its context. */
export function passageText(title: string, text: string): string {
  return `${title}\n\n${text}`;
}

function chunkArticle(article: Article, embedder: Embedder | null, chunking: ChunkingOptions) {
  // Without the model, its tokenizer is unavailable too; an LLM tokenizer is a close stand-in
  // (chunks are re-embedded later with the same boundaries).
  const countTokens = embedder ? (s: string) => embedder.countTokens(s) : countLlmTokens;
  // Leave room for special tokens and a passage prefix the model adds.
  const maxTokens = embedder ? embedder.maxTokens - 16 : Infinity;
  return chunkText(article.body, {
    targetTokens: Math.min(chunking.targetTokens, maxTokens),
    overlapTokens: chunking.overlapTokens,
    countTokens,
  });
}

interface PendingStore {
  article: Article;
  chunks: Promise<EmbeddedChunk[]>;
}

/**
 * Loads, chunks, embeds and stores articles. Unchanged articles (same content hash) are skipped
 * before any embedding; changed ones replace their old chunks in one transaction. One bad item
 * never stops the batch: it is reported in `failures`.
 */
export async function ingest(
  deps: IngestDeps,
  items: AsyncIterable<LoadResult> | Iterable<LoadResult>,
  options: IngestOptions,
): Promise<IngestSummary> {
  const started = performance.now();
  const summary = emptySummary();
  await deps.library.write(async (writer) => {
    const batch = new Batch(deps, writer, options, summary);
    let done = 0;
    for await (const item of items) {
      done++;
      await batch.take(item);
      options.onProgress?.({ done, source: item.ok ? item.article.source : item.source });
    }
    await batch.finish();
  });
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

function emptySummary(): IngestSummary {
  return { added: 0, updated: 0, unchanged: 0, removed: 0, failed: 0, duplicates: 0, merged: [], chunks: 0, pendingEmbeddings: 0, seconds: 0, failures: [] };
}

/**
 * One ingest inside its write: unchanged articles are counted and skipped, changed ones embedded
 * up to EMBED_AHEAD ahead of the one being stored, failures counted without stopping the rest.
 */
class Batch {
  readonly #deps: IngestDeps;
  readonly #writer: LibraryWriter;
  readonly #options: IngestOptions;
  readonly #summary: IngestSummary;
  readonly #model: EmbeddingModel | null;
  readonly #seen = new Set<string>();
  readonly #failedFiles = new Set<string>();
  readonly #queue: PendingStore[] = [];

  constructor(deps: IngestDeps, writer: LibraryWriter, options: IngestOptions, summary: IngestSummary) {
    this.#deps = deps;
    this.#writer = writer;
    this.#options = options;
    this.#summary = summary;
    this.#model = modelOf(deps.embedder);
  }

  async take(item: LoadResult): Promise<void> {
    if (!item.ok) {
      this.#fail(item.source, item.error);
      return;
    }
    const { article } = item;
    const { collection, chunking } = this.#options;
    this.#seen.add(article.id);
    const stored = this.#deps.library.sourceVersion(collection, article.id);
    if (stored?.contentHash === article.contentHash) {
      this.#summary.unchanged++;
      // The same text found elsewhere (a moved file): record where, so removing it later retracts it.
      if (stored.source !== article.source) this.#writer.storeArticle(article, collection, [], null);
      return;
    }
    this.#queue.push({ article, chunks: embedChunks(article, this.#deps.embedder, chunking) });
    if (this.#queue.length > EMBED_AHEAD) await this.#storeNext();
  }

  /** Stores what is still queued, then retracts the sources no longer found under the pruned roots. */
  async finish(): Promise<void> {
    while (this.#queue.length > 0) await this.#storeNext();
    const { prune, collection, chunking } = this.#options;
    if (!prune) return;
    const { library, embedder } = this.#deps;
    for (const sourceId of sourcesGone(library, collection, prune.roots, this.#seen, this.#failedFiles)) {
      if ((await retractSource(this.#writer, { embedder, chunking }, collection, sourceId)) !== null) this.#summary.removed++;
    }
  }

  async #storeNext(): Promise<void> {
    const entry = this.#queue.shift();
    if (!entry) return;
    const summary = this.#summary;
    try {
      const chunks = await entry.chunks;
      const { article } = entry;
      const result = this.#writer.storeArticle(article, this.#options.collection, chunks, this.#model);
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
        if (!this.#model) summary.pendingEmbeddings += chunks.length;
      }
    } catch (error) {
      this.#fail(entry.article.source, error instanceof Error ? error.message : String(error));
    }
  }

  #fail(source: string, error: string): void {
    this.#summary.failed++;
    this.#summary.failures.push({ source, error });
    this.#failedFiles.add(fileOf(source));
  }
}

async function embedChunks(article: Article, embedder: Embedder | null, chunking: ChunkingOptions): Promise<EmbeddedChunk[]> {
  const chunks = chunkArticle(article, embedder, chunking);
  if (!embedder) return chunks.map((c) => ({ ...c, embedding: null }));
  const vectors = await embedder.embedDocuments(chunks.map((c) => passageText(article.title, c.text)));
  return chunks.map((c, i) => ({ ...c, embedding: vectors[i] ?? null }));
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
function sourcesGone(library: Library, collection: string, roots: readonly string[], seen: Set<string>, failedPaths: Set<string>): string[] {
  const failed = [...failedPaths];
  const gone = library
    .sourcesIn(collection)
    .filter(({ sourceId, source }) => {
      const file = fileOf(source);
      return !seen.has(sourceId) && isUnder(file, roots) && !isUnder(file, failed);
    });
  return gone.sort((a, b) => Number(a.sourceId === a.articleId) - Number(b.sourceId === b.articleId)).map((s) => s.sourceId);
}

function modelOf(embedder: Embedder | null): EmbeddingModel | null {
  return embedder ? { id: embedder.modelId, dimensions: embedder.dimensions, dtype: embedder.dtype } : null;
}

/** What retracting one source did: its article retracted, an alias dropped, or the next version cited instead. */
export type SourceRetraction = 'article' | 'alias' | 'promoted';

/**
 * Removes one source of a stored story (the id it gave): the article goes with its last source;
 * while another source remains the article stays, and when the removed source was the cited
 * version, the newest remaining version is embedded and cited in its place. Null when unknown.
 */
export async function retractSource(
  writer: LibraryWriter,
  deps: { embedder: Embedder | null; chunking: ChunkingOptions },
  collection: string,
  sourceId: string,
): Promise<SourceRetraction | null> {
  const plan = writer.planSourceRemoval(collection, sourceId);
  if (plan.kind === 'absent') return null;
  if (plan.kind === 'promote') {
    const chunks = await embedChunks(plan.next, deps.embedder, deps.chunking);
    writer.promoteSource(collection, sourceId, plan.next, chunks, modelOf(deps.embedder));
    return 'promoted';
  }
  return writer.dropSource(collection, sourceId);
}

/** What `forget` did: the article as it was, what happened, and the article as it stays (null when retracted). */
export interface Forgotten {
  before: StoredArticle;
  outcome: SourceRetraction;
  after: StoredArticle | null;
}

/**
 * `forget <id>`: removes the source that gave `id` (an article's own id or an alias). The story is
 * retracted with its last source; while another source has it, it stays (see retractSource).
 * Null when no stored article has that id.
 */
export async function forgetSource(
  deps: IngestDeps & { chunking: ChunkingOptions },
  collection: string,
  id: string,
): Promise<Forgotten | null> {
  const before = deps.library.getArticle(collection, id);
  if (!before) return null;
  const outcome = await deps.library.write((writer) => retractSource(writer, deps, collection, id));
  if (outcome === null) return null;
  const remaining = before.sources.find((s) => s.id !== id);
  const after = outcome === 'article' || !remaining ? null : (deps.library.getArticle(collection, remaining.id) ?? null);
  return { before, outcome, after };
}

/**
 * Embeds chunks that were stored while the model was unavailable (or after a model change), as
 * one write (queued at once, so after every write queued before the call). Returns how many.
 */
export async function embedPending(
  deps: { library: Library; embedder: Embedder },
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  const { library, embedder } = deps;
  const model = { id: embedder.modelId, dimensions: embedder.dimensions, dtype: embedder.dtype };
  const batchSize = options.batchSize ?? 64;
  let done = 0;
  await library.write(async (writer) => {
    // Counted once this write's turn has come: writes queued before it may add chunks still to embed.
    const total = library.pendingCount();
    for (;;) {
      const batch = library.pendingChunks(batchSize);
      if (batch.length === 0) break;
      const vectors = await embedder.embedDocuments(batch.map((c) => passageText(c.title, c.text)));
      writer.setEmbeddings(
        batch.map((c, i) => ({ id: c.id, embedding: vectors[i] as Float32Array })),
        model,
      );
      done += batch.length;
      options.onProgress?.(done, total);
    }
  });
  return done;
}
