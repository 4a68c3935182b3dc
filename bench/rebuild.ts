import os from 'node:os';
/**
 * `npm run bench:rebuild`: what storing the embeddings kept for rebuilding in less space costs in
 * recall. HNSW indexes over the same synthetic 384-d vectors, built from the float32 vectors, from
 * their float16 round trip (what a rebuild from the catalog reads) and from an int8 round trip with
 * a per-vector scale (the alternative), are searched with the float32 queries; recall@10 is against
 * the exact float32 top 10. `--chunks=N` (default 10,000).
 */
import { blobToEmbedding, embeddingToBlob } from '../src/store/catalog/embedding-blob.ts';
import { efForSize, VectorIndex } from '../src/store/vectors/vector-index.ts';
import { HNSW, K } from './corpus.ts';
import { machineLine, progress, writeResultsSection } from './results.ts';
import { latency, ms, table } from './stats.ts';
import { ClusteredSpace, DEFAULT_SPACE, exactTopK, recallAtK, vectorAt } from './vectors.ts';

const args = process.argv.slice(2);
const CHUNKS = Number(args.find((a) => a.startsWith('--chunks='))?.slice('--chunks='.length) ?? 10_000);
const QUERIES = 200;

function buildIndex(vectors: (i: number) => Float32Array): VectorIndex {
  const index = VectorIndex.create(DEFAULT_SPACE.dimensions, HNSW, CHUNKS);
  for (let i = 0; i < CHUNKS; i++) index.add(i + 1, vectors(i));
  return index;
}

function measure(index: VectorIndex, queries: (q: number) => Float32Array, truth: Int32Array[]): { recall: number; p50: number } {
  let recall = 0;
  const samples: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const started = performance.now();
    const ids = index.search(queries(q), K).map((n) => n.id - 1);
    samples.push(performance.now() - started);
    recall += recallAtK(ids, truth[q] as Int32Array, K);
  }
  return { recall: recall / QUERIES, p50: latency(samples).p50 };
}

const space = new ClusteredSpace(DEFAULT_SPACE);
const chunks = space.sample(CHUNKS, 0);
const queries = space.sample(QUERIES, 1);
progress('exact float32 top 10');
const truth = Array.from({ length: QUERIES }, (_, q) => exactTopK(chunks, vectorAt(queries, q), K));
/** An int8 round trip with a per-vector scale (largest magnitude / 127). */
function int8RoundTrip(v: Float32Array): Float32Array {
  let largest = 0;
  for (const x of v) largest = Math.max(largest, Math.abs(x));
  const scale = largest / 127 || 1;
  return v.map((x) => Math.round(x / scale) * scale);
}

const float16 = (v: Float32Array) => blobToEmbedding(embeddingToBlob(v), v.length);

function lowestCosine(roundTrip: (v: Float32Array) => Float32Array): number {
  let worst = 1;
  for (let i = 0; i < CHUNKS; i++) {
    const v = vectorAt(chunks, i);
    const back = roundTrip(v);
    let dot = 0;
    let nb = 0;
    let na = 0;
    v.forEach((x, d) => {
      dot += x * (back[d] as number);
      na += x * x;
      nb += (back[d] as number) ** 2;
    });
    worst = Math.min(worst, dot / Math.sqrt(na * nb));
  }
  return worst;
}

const variants: [string, string, (v: Float32Array) => Float32Array][] = [
  ['float32 (as embedded; earlier versions stored these)', '1,536', (v) => v],
  ['float16 round trips (stored now: a rebuild from the catalog)', '768', float16],
  ['int8 round trips with a per-vector scale (not used)', '388', int8RoundTrip],
];
const rows: string[][] = [];
for (const [name, bytes, roundTrip] of variants) {
  progress(`index from ${name}`);
  const result = measure(
    buildIndex((i) => roundTrip(vectorAt(chunks, i))),
    (q) => vectorAt(queries, q),
    truth,
  );
  rows.push([name, bytes, lowestCosine(roundTrip).toFixed(6), result.recall.toFixed(3), ms(result.p50)]);
}
const markdown = `## Embeddings kept for rebuilding (\`npm run bench:rebuild\`)

${machineLine()}

${CHUNKS.toLocaleString('en')} synthetic clustered 384-d vectors, HNSW M ${HNSW.m}, efConstruction ${HNSW.efConstruction}, ef ${efForSize(CHUNKS)};
${QUERIES} float32 queries, recall@10 against the exact float32 top 10 (load average ${os.loadavg()[0]?.toFixed(1)} when it ended). The same seed builds
every index, so the three differ only in the vectors.

${table(['index built from', 'bytes per vector', 'lowest cosine to the original', 'recall@10', 'p50 ms'], rows)}
`;
writeResultsSection('rebuild', markdown);
process.stdout.write(markdown);
