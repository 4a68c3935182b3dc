import { createHash } from 'node:crypto';

/*
 * Duplicate detection for article bodies: an exact hash of the normalised words, and MinHash
 * over word 5-grams ("shingles") for near-duplicates, with locality-sensitive banding so a new
 * article is compared only with the few stored ones that share a band. A candidate is then
 * confirmed by the exact Jaccard similarity of the two shingle sets.
 *
 * The constants below are part of the stored data (signatures and band keys are written to the
 * catalog): changing any of them needs FINGERPRINT_VERSION bumped, which recomputes them.
 */

/** Words per shingle. Five is long enough that two different stories on one subject share few. */
export const SHINGLE_WORDS = 5;
/**
 * Bands × rows = MINHASH_SIZE. Two bodies with shingle Jaccard J share at least one band with
 * probability 1 − (1 − J³)^30: 0.98 at J = 0.5 and 0.997 at 0.56 (the least similar edited copy
 * measured), 0.10 at 0.15 (templated stories), 0.0002 at 0.02 (different stories on one subject).
 * Candidates are then screened by their signatures (MINHASH_SCREEN) before the exact Jaccard.
 */
export const BANDS = 30;
export const ROWS_PER_BAND = 3;
/** MinHash values per signature. */
export const MINHASH_SIZE = BANDS * ROWS_PER_BAND;
/**
 * Shingle Jaccard from which two bodies are the same story. Measured (`npm run bench:live`,
 * bench/RESULTS.md) on lightly edited wire copies, which scored 0.56 and above, against
 * different stories on the same subject (at most 0.03) and two days of a templated market
 * report (0.12).
 */
export const NEAR_DUPLICATE_THRESHOLD = 0.5;
/** Stored with the signatures: a library holding another version recomputes them. */
export const FINGERPRINT_VERSION = 'minhash-w5-k90-b30x3-v1';
/**
 * Candidates whose signatures agree on fewer than this share of values are not compared exactly:
 * 3.8 standard deviations of the estimate below the threshold, so no copy is lost to it.
 */
export const MINHASH_SCREEN = 0.3;
/** At most this many candidates (the most similar signatures first) are compared exactly. */
export const MAX_EXACT_CHECKS = 50;

export interface Fingerprint {
  /** Hash of the body's words, lower-cased, punctuation and spacing ignored: equal for identical texts. */
  textHash: string;
  minhash: Uint32Array;
}

/** The body's words, lower-cased and NFKC-folded; punctuation and spacing are not words. */
export function bodyWords(body: string): string[] {
  return (
    body
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** 32-bit hashes of the body's word 5-grams (the whole text as one shingle when it is shorter). */
export function shingles(body: string): Set<number> {
  return shinglesOf(bodyWords(body));
}

function shinglesOf(words: readonly string[]): Set<number> {
  const out = new Set<number>();
  if (words.length === 0) return out;
  // Each word hashed once; a shingle's hash combines its words' hashes in order.
  const hashes = words.map(hashString);
  const span = Math.min(SHINGLE_WORDS, words.length);
  for (let i = 0; i + span <= hashes.length; i++) {
    let h = 0x9747b28c;
    for (let k = 0; k < span; k++) h = Math.imul(h ^ (hashes[i + k] as number), 0x5bd1e995) ^ (h >>> 13);
    out.add(fmix32(h >>> 0));
  }
  return out;
}

export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const value of small) if (large.has(value)) shared++;
  return shared / (a.size + b.size - shared);
}

export function fingerprint(body: string): Fingerprint {
  const words = bodyWords(body);
  const textHash = createHash('sha256').update(words.join(' '), 'utf8').digest('hex').slice(0, 24);
  return { textHash, minhash: minhashOf(shinglesOf(words)) };
}

/** The band keys a signature is filed under: band number and a hash of its rows (and the collection). */
export function bandKeys(minhash: Uint32Array, collection: string): number[] {
  const salt = hashString(collection);
  const keys: number[] = [];
  for (let band = 0; band < BANDS; band++) {
    let h = salt ^ Math.imul(band + 1, 0x9e3779b1);
    for (let row = 0; row < ROWS_PER_BAND; row++) h = fmix32((h ^ (minhash[band * ROWS_PER_BAND + row] ?? 0)) >>> 0) + row;
    // band in the high bits: unique across bands, and well within a safe integer (SQLite INTEGER).
    keys.push(band * 2 ** 32 + (h >>> 0));
  }
  return keys;
}

/** The share of equal values in two signatures: an unbiased estimate of the shingle Jaccard. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < MINHASH_SIZE; i++) if (a[i] === b[i]) same++;
  return same / MINHASH_SIZE;
}

export function minhashToBlob(minhash: Uint32Array): Buffer {
  return Buffer.from(minhash.buffer, minhash.byteOffset, minhash.byteLength);
}

export function blobToMinhash(blob: Buffer): Uint32Array {
  const out = new Uint32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

// Fixed permutations h(x) = fmix32(a·x + b mod 2^32) with odd a: each is a bijection of 32-bit values.
const PERMUTATIONS = (() => {
  let state = 0x5eed1e55;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const a = new Uint32Array(MINHASH_SIZE);
  const b = new Uint32Array(MINHASH_SIZE);
  for (let i = 0; i < MINHASH_SIZE; i++) {
    a[i] = (next() | 1) >>> 0;
    b[i] = next();
  }
  return { a, b };
})();

function minhashOf(set: ReadonlySet<number>): Uint32Array {
  const mins = new Float64Array(MINHASH_SIZE).fill(0xffffffff);
  const { a, b } = PERMUTATIONS;
  for (const x of set) {
    for (let i = 0; i < MINHASH_SIZE; i++) {
      let h = (Math.imul(a[i] as number, x) + (b[i] as number)) | 0;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h = (h ^ (h >>> 16)) >>> 0;
      if (h < (mins[i] as number)) mins[i] = h;
    }
  }
  return Uint32Array.from(mins);
}

/** MurmurHash3's 32-bit finaliser: a bijection that mixes every input bit into every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finalised. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}
