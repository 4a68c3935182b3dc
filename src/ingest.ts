import path from 'node:path';
import type { Article, LoadResult } from './articles/article.ts';
import type { Embedder } from './embeddings/embedder.ts';
import type { EmbeddedChunk } from './store/catalog.ts';
import type { Library, LibraryWriter } from './store/library.ts';
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
  removed: number;
  failed: number;
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
  const summary: IngestSummary = {
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    failed: 0,
    chunks: 0,
    pendingEmbeddings: 0,
    seconds: 0,
    failures: [],
  };
  const { library, embedder } = deps;
  const model = embedder ? { id: embedder.modelId, dimensions: embedder.dimensions } : null;

  await library.write(async (writer) => {
    const seen = new Set<string>();
    const failedFiles = new Set<string>();
    const queue: PendingStore[] = [];
    let done = 0;

    const store = async (entry: PendingStore): Promise<void> => {
      try {
        const chunks = await entry.chunks;
        const outcome = writer.putArticle(entry.article, options.collection, chunks, model);
        if (outcome === 'added') summary.added++;
        else if (outcome === 'updated') summary.updated++;
        else summary.unchanged++;
        if (outcome !== 'unchanged') {
          summary.chunks += chunks.length;
          if (!model) summary.pendingEmbeddings += chunks.length;
        }
      } catch (error) {
        fail(entry.article.source, error instanceof Error ? error.message : String(error));
      }
    };
    const fail = (source: string, error: string): void => {
      summary.failed++;
      summary.failures.push({ source, error });
      failedFiles.add(fileOf(source));
    };

    for await (const item of items) {
      done++;
      if (!item.ok) {
        fail(item.source, item.error);
      } else {
        const article = item.article;
        seen.add(article.id);
        const stored = library.getArticle(options.collection, article.id);
        if (stored?.contentHash === article.contentHash) {
          summary.unchanged++;
        } else {
          queue.push({ article, chunks: embedChunks(article, embedder, options.chunking) });
          if (queue.length > EMBED_AHEAD) await store(queue.shift() as PendingStore);
        }
      }
      options.onProgress?.({ done, source: item.ok ? item.article.source : item.source });
    }
    while (queue.length > 0) await store(queue.shift() as PendingStore);

    if (options.prune) summary.removed = prune(writer, library, options.collection, options.prune.roots, seen, failedFiles);
  });
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
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

function isUnder(file: string, roots: string[]): boolean {
  return roots.some((root) => {
    const relative = path.relative(path.resolve(root), file);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  });
}

function prune(
  writer: LibraryWriter,
  library: Library,
  collection: string,
  roots: string[],
  seen: Set<string>,
  failedFiles: Set<string>,
): number {
  let removed = 0;
  for (const article of library.listArticles([collection])) {
    const file = fileOf(article.source);
    // A source that failed to load this time keeps its articles: nothing stored is lost to a bad read.
    if (seen.has(article.id) || failedFiles.has(file) || !isUnder(file, roots)) continue;
    if (writer.removeArticle(collection, article.id)) removed++;
  }
  return removed;
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
  const model = { id: embedder.modelId, dimensions: embedder.dimensions };
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
