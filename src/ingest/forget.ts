import type { Embedder } from '../embeddings/embedder.ts';
import type { Library, LibraryWriter } from '../store/library.ts';
import type { StoredArticle } from '../store/types.ts';
import { embedOrLeavePending, modelOf, type ChunkingOptions } from './chunks.ts';

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
    // A retraction must not wait for an embeddings server that is down: the next version is embedded later then.
    const { chunks } = await embedOrLeavePending(plan.next, deps.embedder, deps.chunking);
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
  deps: { library: Library; embedder: Embedder | null; chunking: ChunkingOptions },
  collection: string,
  id: string,
): Promise<Forgotten | null> {
  const before = deps.library.catalog.getArticle(collection, id);
  if (!before) return null;
  const outcome = await deps.library.write((writer) => retractSource(writer, deps, collection, id));
  if (outcome === null) return null;
  const remaining = before.sources.find((s) => s.id !== id);
  const after = outcome === 'article' || !remaining ? null : (deps.library.catalog.getArticle(collection, remaining.id) ?? null);
  return { before, outcome, after };
}
