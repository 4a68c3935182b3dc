/**
 * Deterministic clustered unit vectors standing in for sentence embeddings, queries drawn from
 * the same distribution, and exact top-k by brute force as the ground truth for recall.
 *
 * Model: `clusters` random unit centroids (topics); a point is normalize(centroid + noise) with
 * isotropic gaussian noise of total norm ≈ `noise`. With noise 0.75 a point has cosine ≈ 0.8 to
 * its centroid and ≈ 0.64 to its cluster mates, ≈ 0 to other clusters: the separation of a good
 * retrieval model, while the noise fills all 384 dimensions (the hard case for HNSW).
 */

export const DIMENSIONS = 384;

export interface SpaceOptions {
  dimensions: number;
  clusters: number;
  /** Norm of the gaussian noise added to a unit centroid. */
  noise: number;
  seed: number;
}

export const DEFAULT_SPACE: SpaceOptions = { dimensions: DIMENSIONS, clusters: 1000, noise: 0.75, seed: 20260401 };

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller, both outputs used). */
export function gaussianSource(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u = 1 - random();
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}

function normalizeInPlace(data: Float32Array, offset: number, dimensions: number): void {
  let sum = 0;
  for (let j = 0; j < dimensions; j++) {
    const x = data[offset + j] as number;
    sum += x * x;
  }
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let j = 0; j < dimensions; j++) data[offset + j] = (data[offset + j] as number) * scale;
}

/** A set of unit vectors stored back to back in one Float32Array. */
export interface VectorSet {
  dimensions: number;
  count: number;
  data: Float32Array;
  /** The cluster each vector was drawn from. */
  cluster: Int32Array;
}

/** The i-th vector of a set, as a view (no copy). */
export function vectorAt(set: VectorSet, i: number): Float32Array {
  return set.data.subarray(i * set.dimensions, (i + 1) * set.dimensions);
}

export class ClusteredSpace {
  readonly centroids: Float32Array;

  readonly options: SpaceOptions;

  constructor(options: SpaceOptions) {
    this.options = options;
    const { clusters, dimensions, seed } = options;
    const gaussian = gaussianSource(seededRandom(seed));
    this.centroids = new Float32Array(clusters * dimensions);
    for (let c = 0; c < clusters; c++) {
      for (let j = 0; j < dimensions; j++) this.centroids[c * dimensions + j] = gaussian();
      normalizeInPlace(this.centroids, c * dimensions, dimensions);
    }
  }

  /**
   * `count` points, each from a uniformly chosen cluster. Different `stream`s give independent
   * samples (stream 0: the stored chunks, stream 1: the queries).
   */
  sample(count: number, stream: number): VectorSet {
    const { clusters, dimensions, noise, seed } = this.options;
    const random = seededRandom(seed * 31 + 7919 * (stream + 1));
    const gaussian = gaussianSource(random);
    const data = new Float32Array(count * dimensions);
    const cluster = new Int32Array(count);
    const perDimension = noise / Math.sqrt(dimensions);
    for (let i = 0; i < count; i++) {
      const c = Math.floor(random() * clusters);
      cluster[i] = c;
      const offset = i * dimensions;
      const centroid = c * dimensions;
      for (let j = 0; j < dimensions; j++) {
        data[offset + j] = (this.centroids[centroid + j] as number) + perDimension * gaussian();
      }
      normalizeInPlace(data, offset, dimensions);
    }
    return { dimensions, count, data, cluster };
  }
}

/**
 * The k stored vectors with the highest dot product (= cosine: all are unit length) to `query`,
 * best first, by scanning every vector (that `accept` admits): the "plain JS exact scan" and the
 * recall ground truth.
 */
export function exactTopK(set: VectorSet, query: Float32Array, k: number, accept?: (i: number) => boolean): Int32Array {
  const { data, dimensions } = set;
  const ids = new Int32Array(k).fill(-1);
  const scores = new Float64Array(k).fill(-Infinity);
  let worst = -Infinity;
  for (let i = 0; i < set.count; i++) {
    if (accept && !accept(i)) continue;
    const offset = i * dimensions;
    let dot = 0;
    for (let j = 0; j < dimensions; j++) dot += (data[offset + j] as number) * (query[j] as number);
    if (dot <= worst) continue;
    // Insert into the sorted top-k (k is small: a shift beats a heap).
    let p = k - 1;
    while (p > 0 && (scores[p - 1] as number) < dot) {
      scores[p] = scores[p - 1] as number;
      ids[p] = ids[p - 1] as number;
      p--;
    }
    scores[p] = dot;
    ids[p] = i;
    worst = scores[k - 1] as number;
  }
  return ids;
}

/** Share of the true top-k found among the first k results. */
export function recallAtK(found: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  const expected = new Set<number>();
  for (let i = 0; i < Math.min(k, truth.length); i++) expected.add(truth[i] as number);
  let hits = 0;
  for (let i = 0; i < Math.min(k, found.length); i++) if (expected.has(found[i] as number)) hits++;
  return expected.size === 0 ? 1 : hits / expected.size;
}
