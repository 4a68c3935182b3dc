import type Database from 'better-sqlite3';

/*
 * Embeddings kept in the catalog for rebuilding the vector index, stored as int8 with their scale:
 * a float32 scale (the largest magnitude / 127) followed by one signed byte per dimension, a
 * quarter of float32's size (388 bytes instead of 1,536 for 384 dimensions). Libraries written
 * before hold float32 blobs (4 bytes per dimension); both are read, by their length.
 */

const SCALE_BYTES = 4;

export function embeddingToBlob(v: Float32Array): Buffer {
  let largest = 0;
  for (const x of v) largest = Math.max(largest, Math.abs(x));
  const scale = largest / 127;
  const blob = Buffer.alloc(SCALE_BYTES + v.length);
  blob.writeFloatLE(scale, 0);
  for (let i = 0; i < v.length; i++) blob.writeInt8(scale > 0 ? Math.round((v[i] as number) / scale) : 0, SCALE_BYTES + i);
  return blob;
}

/** The vector a blob of `dimensions` holds, in either format; throws for a blob of another length. */
export function blobToEmbedding(b: Buffer, dimensions: number): Float32Array {
  if (b.byteLength === dimensions * 4) {
    // Copy: the Buffer may be a view into a pool with an unaligned offset.
    const out = new Float32Array(dimensions);
    new Uint8Array(out.buffer).set(b);
    return out;
  }
  if (b.byteLength !== SCALE_BYTES + dimensions) throw new Error(`a stored embedding of ${b.byteLength} bytes is not one of ${dimensions} dimensions`);
  const scale = b.readFloatLE(0);
  const out = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) out[i] = b.readInt8(SCALE_BYTES + i) * scale;
  return out;
}

const FORMAT_KEY = 'embedding_format';
const CURRENT_FORMAT = 'int8';
const BATCH = 5_000;

/**
 * Rewrites the float32 embeddings of a library written before int8 storage, a batch per
 * transaction, and records that it is done (meta `embedding_format`). The vectors do not change
 * enough to touch the index: its copies stay as they are. Returns the embeddings rewritten.
 */
export function compactEmbeddingsOnce(db: Database.Database): number {
  const format = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(FORMAT_KEY)?.value;
  if (format === CURRENT_FORMAT) return 0;
  const dimensions = Number(db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'dimensions'").get()?.value ?? 0);
  let rewritten = 0;
  if (dimensions > 0) {
    const next = db.prepare<[number, number], { id: number; embedding: Buffer }>(
      'SELECT id, embedding FROM chunks WHERE id > ? AND length(embedding) = ? ORDER BY id LIMIT ' + BATCH,
    );
    const update = db.prepare('UPDATE chunks SET embedding = ? WHERE id = ?');
    const batch = db.transaction((rows: { id: number; embedding: Buffer }[]) => {
      for (const row of rows) update.run(embeddingToBlob(blobToEmbedding(row.embedding, dimensions)), row.id);
    });
    for (let after = 0; ; ) {
      const rows = next.all(after, dimensions * 4);
      if (rows.length === 0) break;
      batch(rows);
      rewritten += rows.length;
      after = rows[rows.length - 1]?.id ?? after;
    }
  }
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(FORMAT_KEY, CURRENT_FORMAT);
  return rewritten;
}
