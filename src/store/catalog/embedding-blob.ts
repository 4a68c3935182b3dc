import type Database from 'better-sqlite3';
import { readMeta, writeMeta } from './meta.ts';

/*
 * Embeddings kept in the catalog for rebuilding the vector index, stored as float16 (IEEE half
 * precision, little-endian): half of float32's size (768 bytes instead of 1,536 for 384
 * dimensions), with the same recall when the index is rebuilt from them (int8 with a per-vector
 * scale, a quarter of the size, lost 0.006 of recall@10: bench:rebuild). Libraries written before
 * hold float32 blobs (4 bytes per dimension); both are read, by their length.
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The half-precision bits nearest to `x` (round to nearest even; subnormals kept, overflow to infinity). */
export function toHalf(x: number): number {
  F32[0] = x;
  const bits = U32[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && (half & 1) === 1) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? 1 : 0));
}

export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

let halves: Float32Array | undefined;
/** Every half-precision value as float32, by its bits: a rebuild converts hundreds of millions of them. */
function halfTable(): Float32Array {
  if (!halves) {
    halves = new Float32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) halves[h] = fromHalf(h);
  }
  return halves;
}

export function embeddingToBlob(v: Float32Array): Buffer {
  const blob = Buffer.alloc(v.length * 2);
  for (let i = 0; i < v.length; i++) blob.writeUInt16LE(toHalf(v[i] as number), i * 2);
  return blob;
}

/** The vector a blob of `dimensions` holds, in either format; throws for a blob of another length. */
export function blobToEmbedding(b: Buffer, dimensions: number): Float32Array {
  const out = new Float32Array(dimensions);
  if (b.byteLength === dimensions * 4) {
    // Copy: the Buffer may be a view into a pool with an unaligned offset.
    new Uint8Array(out.buffer).set(b);
    return out;
  }
  if (b.byteLength !== dimensions * 2)
    throw new Error(`a stored embedding of ${b.byteLength} bytes is not one of ${dimensions} dimensions`);
  const table = halfTable();
  for (let i = 0; i < dimensions; i++) out[i] = table[b[2 * i]! | (b[2 * i + 1]! << 8)]!;
  return out;
}

const FORMAT_KEY = 'embedding_format';
const CURRENT_FORMAT = 'float16';
const BATCH = 5_000;

/**
 * Rewrites the float32 embeddings of a library written before float16 storage, a batch per
 * transaction, and records that it is done (meta `embedding_format`). The vectors do not change
 * enough to touch the index: its copies stay as they are. Returns the embeddings rewritten.
 */
export function compactEmbeddingsOnce(db: Database.Database): number {
  const format = readMeta(db, FORMAT_KEY);
  if (format === CURRENT_FORMAT) return 0;
  const dimensions = Number(readMeta(db, 'dimensions') ?? 0);
  let rewritten = 0;
  if (dimensions > 0) {
    const next = db.prepare<[number, number], { id: number; embedding: Buffer }>(
      'SELECT id, embedding FROM chunks WHERE id > ? AND length(embedding) = ? ORDER BY id LIMIT ' + BATCH,
    );
    const update = db.prepare('UPDATE chunks SET embedding = ? WHERE id = ?');
    const batch = db.transaction((rows: { id: number; embedding: Buffer }[]) => {
      for (const row of rows) update.run(embeddingToBlob(blobToEmbedding(row.embedding, dimensions)), row.id);
    });
    for (let after = 0; ;) {
      const rows = next.all(after, dimensions * 4);
      if (rows.length === 0) break;
      batch(rows);
      rewritten += rows.length;
      after = rows[rows.length - 1]?.id ?? after;
    }
  }
  writeMeta(db, FORMAT_KEY, CURRENT_FORMAT);
  return rewritten;
}
