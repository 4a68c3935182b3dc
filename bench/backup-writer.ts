// Child process for bench/backup.ts: one long ingest into a library of 384-dimension vectors, as
// `newsroom ingest` of a big folder would be (one write holding the lock throughout), so a backup
// can be taken while it runs.
//
//   backup-writer.ts <dataDir> <articles>      prints "committed <n> <epoch ms>" after every 10th article; stops when stdin closes
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { paragraphChunks, seededVectors, syntheticArticle } from '../test/support/synthetic.ts';
import { BENCH_MODEL, HNSW } from './corpus.ts';

const [dataDir, countArg] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: backup-writer.ts <dataDir> <articles>');
const count = Number(countArg ?? 1000);
const CHUNKS = 20;
let stop = false;
process.stdin
  .on('end', () => (stop = true))
  .on('close', () => (stop = true))
  .resume();

const library = Library.open({ dataDir, hnsw: HNSW, lockWaitMs: 600_000 });
try {
  await library.write(async (writer) => {
    for (let n = 0; n < count && !stop; n++) {
      const id = `live-${n}`;
      const paragraphs = Array.from({ length: CHUNKS }, (_, i) => `Paragraph ${i} of the live story ${n}, written while a backup runs.`);
      const article = syntheticArticle(id, paragraphs);
      writer.putArticle(
        article,
        SHARED_COLLECTION,
        paragraphChunks(article, seededVectors(50_000 + n, CHUNKS, BENCH_MODEL.dimensions)),
        BENCH_MODEL,
      );
      if (n % 10 === 9) process.stdout.write(`committed ${n + 1} ${Date.now()}\n`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  process.stdout.write('finished\n');
} finally {
  library.close();
}
