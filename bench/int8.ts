/**
 * `npm run bench:int8`: what storing the embeddings kept for rebuilding as int8 (with their scale)
 * costs in recall. Two HNSW indexes over the same synthetic 384-d vectors, one from the float32
 * vectors and one from their int8 round trip (what a rebuild from the catalog reads), are searched
 * with the float32 queries; recall@10 is against the exact float32 top 10. `--chunks=N` (default 20,000).
 */
import { blobToEmbedding, embeddingToBlob } from '../src/store/embedding-blob.ts';
import { efForSize, VectorIndex } from '../src/store/vector-index.ts';
import { HNSW, K } from './corpus.ts';
import { machineLine, progress, writeResultsSection } from './results.ts';
import { latency, ms, table } from './stats.ts';
import { ClusteredSpace, DEFAULT_SPACE, exactTopK, recallAtK, vectorAt } from './vectors.ts';

const args = process.argv.slice(2);
const CHUNKS = Number(args.find((a) => a.startsWith('--chunks='))?.slice('--chunks='.length) ?? 20_000);
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
let worst = 1;
for (let i = 0; i < CHUNKS; i++) {
  const v = vectorAt(chunks, i);
  const back = blobToEmbedding(embeddingToBlob(v), v.length);
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
progress('index from float32 vectors');
const fromFloat = measure(buildIndex((i) => vectorAt(chunks, i)), (q) => vectorAt(queries, q), truth);
progress('index from int8 round trips');
const fromInt8 = measure(
  buildIndex((i) => {
    const v = vectorAt(chunks, i);
    return blobToEmbedding(embeddingToBlob(v), v.length);
  }),
  (q) => vectorAt(queries, q),
  truth,
);
const markdown = `## Embeddings stored as int8 (\`npm run bench:int8\`)

${machineLine()}

${CHUNKS.toLocaleString('en')} synthetic clustered 384-d vectors, HNSW M ${HNSW.m}, efConstruction ${HNSW.efConstruction}, ef ${efForSize(CHUNKS)};
${QUERIES} float32 queries, recall@10 against the exact float32 top 10. Stored size per vector: 1,536 bytes as float32,
388 as int8 with its scale. Lowest cosine between a vector and its int8 round trip: ${worst.toFixed(6)}.

${table(
  ['index built from', 'recall@10', 'p50 ms'],
  [
    ['float32 vectors', fromFloat.recall.toFixed(3), ms(fromFloat.p50)],
    ['int8 round trips (a rebuild from the catalog)', fromInt8.recall.toFixed(3), ms(fromInt8.p50)],
  ],
)}
`;
writeResultsSection('int8', markdown);
process.stdout.write(markdown);
