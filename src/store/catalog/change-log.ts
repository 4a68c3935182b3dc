import type Database from 'better-sqlite3';
import { blobToEmbedding } from './embedding-blob.ts';

/** What a copy of the vector index that reflects an older generation must replay to catch up. */
export interface IndexDelta {
  generation: number;
  added: { id: number; embedding: Float32Array }[];
  removed: number[];
}

/**
 * The catalog's change log: a generation counter (meta `generation`) bumped by every committed
 * write, the generation each embedding was stored in (chunks.embedded_in), and a tombstone per
 * removed chunk. Any copy of the vector index records the generation it reflects and replays
 * the rest from here, without re-embedding.
 */
export class ChangeLog {
  private readonly statements;

  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
    this.statements = {
      generation: db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'generation'"),
      setGeneration: db.prepare(
        "INSERT INTO meta (key, value) VALUES ('generation', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
      embeddedAfter: db.prepare<[number], { id: number; embedding: Buffer }>(
        'SELECT id, embedding FROM chunks WHERE embedded_in > ? AND embedding IS NOT NULL ORDER BY id',
      ),
      insertTombstone: db.prepare('INSERT OR REPLACE INTO tombstones (chunk_id, generation) VALUES (?, ?)'),
      dimensions: db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'dimensions'"),
      tombstonesAfter: db.prepare<[number], { chunk_id: number }>('SELECT chunk_id FROM tombstones WHERE generation > ?'),
    };
  }

  /** The generation of the last committed write. */
  generation(): number {
    return Number(this.statements.generation.get()?.value ?? '0');
  }

  /** Records that the write in progress (inside its transaction) commits `generation`. */
  commit(generation: number): void {
    this.statements.setGeneration.run(String(generation));
  }

  /** A write that changed nothing a vector index holds, but that readers should notice. */
  bump(): void {
    this.commit(this.generation() + 1);
  }

  /** Marks a removed chunk, so every copy of the vector index that predates `generation` drops it. */
  tombstone(chunkId: number, generation: number): void {
    this.statements.insertTombstone.run(chunkId, generation);
  }

  /** What a copy of the vector index that reflects `generation` must replay to catch up. */
  since(generation: number): IndexDelta {
    return this.db.transaction((): IndexDelta => {
      const dimensions = Number(this.statements.dimensions.get()?.value ?? 0);
      return {
        generation: this.generation(),
        added: this.statements.embeddedAfter
          .all(generation)
          .map((r) => ({ id: r.id, embedding: blobToEmbedding(r.embedding, dimensions) })),
        removed: this.statements.tombstonesAfter.all(generation).map((r) => r.chunk_id),
      };
    })();
  }
}
