// Child process for the crash, lock and disk tests: a writer of its own, as another CLI or bot would be.
//
//   crash-writer.ts <dataDir> <count>                       one write of <count> articles crash-0.. (reports each commit)
//   crash-writer.ts write <dataDir> <prefix> <writes> <per> <writes> writes of <per> articles <prefix>-0..
//   crash-writer.ts forget <dataDir> <id...>               one write removing the articles
//   crash-writer.ts hold <dataDir>                          takes the write lock, says "holding", keeps it until stdin closes
//
// Every article has three paragraphs, one chunk each, with vectors from articleVectors(id).
// Options: --m <HNSW M> (default 16); --pause-ms <n>: wait this long after each article (default: one tick).
import { Library } from '../../src/store/library.ts';
import { articleVectors, paragraphChunks, syntheticArticle } from './synthetic.ts';

const MODEL = { id: 'test-model', dimensions: 16 };

const args = process.argv.slice(2);
const mIndex = args.indexOf('--m');
const m = mIndex >= 0 ? Number(args.splice(mIndex, 2)[1]) : 16;
const pauseIndex = args.indexOf('--pause-ms');
const pauseMs = pauseIndex >= 0 ? Number(args.splice(pauseIndex, 2)[1]) : 0;
const mode = ['write', 'forget', 'hold'].includes(args[0] ?? '') ? (args.shift() as string) : 'crash';
const dataDir = args.shift();
if (!dataDir) throw new Error('usage: see the comment at the top of crash-writer.ts');

let library: Library;
try {
  library = Library.open({
    dataDir,
    hnsw: { m, efConstruction: 100, efSearch: 50 },
    lockWaitMs: 120_000,
    onWriteWait: (holder) => process.stdout.write(`waiting ${holder?.pid ?? 'unknown'}\n`),
  });
} catch (error) {
  process.stdout.write(`failed ${(error as Error).message}\n`);
  process.exit(1);
}
const tick = () => new Promise((resolve) => (pauseMs > 0 ? setTimeout(resolve, pauseMs) : setImmediate(resolve)));

function paragraphsOf(id: string): string[] {
  return [`First paragraph of ${id}.`, `Second paragraph of ${id}.`, `Third of ${id}.`];
}

async function writeArticles(ids: string[]): Promise<void> {
  await library.write(async (writer) => {
    for (const id of ids) {
      const article = syntheticArticle(id, paragraphsOf(id));
      writer.putArticle(article, 'shared', paragraphChunks(article, articleVectors(id)), MODEL);
      process.stdout.write(`committed ${id}\n`);
      await tick();
    }
  });
}

try {
  if (mode === 'crash') {
    const count = Number(args[0]);
    await writeArticles(Array.from({ length: count }, (_, i) => `crash-${i}`));
  } else if (mode === 'write') {
    const [prefix, writes, per] = [args[0] as string, Number(args[1]), Number(args[2])];
    for (let w = 0; w < writes; w++) await writeArticles(Array.from({ length: per }, (_, i) => `${prefix}-${w * per + i}`));
  } else if (mode === 'forget') {
    await library.write(async (writer) => {
      for (const id of args) {
        process.stdout.write(`${writer.removeArticle('shared', id) ? 'removed' : 'absent'} ${id}\n`);
        await tick();
      }
    });
  } else {
    await library.write(async () => {
      process.stdout.write(`holding ${process.pid}\n`);
      await new Promise<void>((resolve) => {
        process.stdin.on('end', resolve).on('close', resolve).resume();
      });
    });
  }
  process.stdout.write('finished\n');
} catch (error) {
  process.stdout.write(`failed ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  library.close();
}
