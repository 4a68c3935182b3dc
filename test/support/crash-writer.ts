// Child process for the crash test: writes articles one by one, reporting each commit on stdout,
// until the parent kills it with SIGKILL.
import { Library } from '../../src/store/library.ts';
import { paragraphChunks, seededVectors, syntheticArticle } from './synthetic.ts';

const [dataDir, countArg] = process.argv.slice(2);
if (!dataDir || !countArg) throw new Error('usage: crash-writer <dataDir> <count>');
const library = Library.open({ dataDir, hnsw: { m: 16, efConstruction: 100, efSearch: 50 } });
await library.write(async (writer) => {
  for (let i = 0; i < Number(countArg); i++) {
    const id = `crash-${i}`;
    const article = syntheticArticle(id, [`First paragraph of ${id}.`, `Second paragraph of ${id}.`, `Third of ${id}.`]);
    writer.putArticle(article, 'shared', paragraphChunks(article, seededVectors(1000 + i, 3, 16)), { id: 'test-model', dimensions: 16 });
    process.stdout.write(`committed ${id}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  }
});
process.stdout.write('finished\n');
