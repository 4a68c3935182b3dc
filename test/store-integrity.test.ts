import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { articleVectors, paragraphChunks, seededVectors, syntheticArticle } from './support/synthetic.ts';
import { nodeArgs } from './support/built.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const MODEL = { id: 'test-model', dimensions: 16 };
const WRITER = fileURLToPath(new URL('./support/crash-writer.ts', import.meta.url));
const everywhere = { collections: [SHARED_COLLECTION] };
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-integrity-'));
  dirs.push(dir);
  return dir;
}

/** A real pino logger whose lines the test can read. */
function capturingLogger() {
  const lines: { msg: string; problem?: string; level: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const QUERIES = seededVectors(9000, 20, MODEL.dimensions);

async function buildLibrary(dir: string, articles = 60): Promise<void> {
  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  await library.write(async (writer) => {
    for (let i = 0; i < articles; i++) {
      const id = `story-${i}`;
      const article = syntheticArticle(id, [`First of ${id}.`, `Second of ${id}.`, `Third of ${id}.`]);
      writer.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, articleVectors(id)), MODEL);
    }
  });
  library.close();
}

function searchResults(library: Library): number[][] {
  return QUERIES.map((q) => library.denseSearch(q, 5, everywhere).map((n) => n.id));
}

/** Search results of the intact library, before the test damages it. */
function resultsBefore(dir: string): number[][] {
  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  try {
    return searchResults(library);
  } finally {
    library.close();
  }
}

/** Opens the damaged library: the damage is logged, the index rebuilt and saved, and searches answer as before. */
function assertRepaired(dir: string, before: number[][], expectedLog: RegExp): void {
  const { logger, lines } = capturingLogger();
  const library = Library.open({ dataDir: dir, hnsw: HNSW, logger });
  const warning = lines.find((l) => l.level === 40 && /rebuilding/.test(l.msg));
  assert.ok(warning, `no log line about the damage: ${JSON.stringify(lines)}`);
  assert.match(`${warning.msg} ${warning.problem ?? ''}`, expectedLog);
  assert.deepEqual(searchResults(library), before);
  const counts = library.indexCounts();
  assert.equal(counts.points, counts.expected);
  library.close();
  // The repair was saved: the next open trusts the file and says nothing.
  const again = capturingLogger();
  Library.open({ dataDir: dir, hnsw: HNSW, logger: again.logger }).close();
  assert.deepEqual(
    again.lines.filter((l) => l.level >= 40),
    [],
  );
}

function damage(dir: string, mutate: (bytes: Buffer) => void): void {
  const file = path.join(dir, 'vectors.hnsw');
  const bytes = fs.readFileSync(file);
  mutate(bytes);
  fs.writeFileSync(file, bytes);
}

test('a clean reopen trusts the saved index without a word', async () => {
  const dir = tempDir();
  await buildLibrary(dir);
  const { logger, lines } = capturingLogger();
  const library = Library.open({ dataDir: dir, hnsw: HNSW, logger });
  assert.deepEqual(
    lines.filter((l) => l.level >= 40),
    [],
  );
  const state = JSON.parse(fs.readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as { checksum: string; bytes: number; points: number };
  assert.match(state.checksum, /^crc32:[0-9a-f]{8}$/);
  assert.equal(state.bytes, fs.statSync(path.join(dir, 'vectors.hnsw')).size);
  assert.equal(state.points, 180);
  library.close();
});

test('random bytes in vectors.hnsw are detected before hnswlib reads them, and the index is rebuilt (no crash)', async () => {
  const dir = tempDir();
  await buildLibrary(dir);
  const before = resultsBefore(dir);
  // Over the header and into the first points: what made every search die with a segfault.
  damage(dir, (bytes) => crypto.randomFillSync(bytes, 0, 4096));
  assertRepaired(dir, before, /header|out of range|impossible|does not exist|checksum/);
});

test('a zeroed region in vectors.hnsw is detected and the index rebuilt', async () => {
  const dir = tempDir();
  await buildLibrary(dir);
  const before = resultsBefore(dir);
  damage(dir, (bytes) => bytes.fill(0, 2000, 20_000));
  assertRepaired(dir, before, /more than one point|does not exist|checksum|level/);
});

test('changed vector bytes that leave the structure intact are caught by the checksum', async () => {
  const dir = tempDir();
  await buildLibrary(dir);
  const before = resultsBefore(dir);
  // Point 3's vector: header 96 bytes, records of 4 + 128 + 64 + 8 bytes, the vector after the links.
  damage(dir, (bytes) => bytes.fill(0x7f, 96 + 3 * 204 + 132, 96 + 3 * 204 + 196));
  assertRepaired(dir, before, /checksum/);
});

test('an index that claims to be current but lacks chunks is rebuilt (the count of live points is checked)', async () => {
  const dir = tempDir();
  await buildLibrary(dir, 30);
  const oldIndex = fs.readFileSync(path.join(dir, 'vectors.hnsw'));
  await buildLibrary(dir, 60);
  const before = resultsBefore(dir);
  // What two writers racing each other left behind: an old file, and a state file (of the kind
  // written before checksums) saying it holds every write.
  const generation = (JSON.parse(fs.readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as { generation: number }).generation;
  fs.writeFileSync(path.join(dir, 'vectors.hnsw'), oldIndex);
  fs.writeFileSync(path.join(dir, 'vectors.json'), JSON.stringify({ generation }));
  assertRepaired(dir, before, /does not match the catalog/);
});

test('a crash between saving vectors.json and renaming the new index costs no rebuild', async () => {
  const dir = tempDir();
  await buildLibrary(dir, 30);
  const oldIndex = fs.readFileSync(path.join(dir, 'vectors.hnsw'));
  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  const extra = syntheticArticle('late', ['Late paragraph.']);
  const [lateVector] = seededVectors(77, 1, MODEL.dimensions);
  await library.write(async (w) => w.putArticle(extra, SHARED_COLLECTION, paragraphChunks(extra, [lateVector as Float32Array]), MODEL));
  library.close();
  // vectors.json describes the new file and names the one it replaces; the old one is still there.
  fs.writeFileSync(path.join(dir, 'vectors.hnsw'), oldIndex);
  const { logger, lines } = capturingLogger();
  const reopened = Library.open({ dataDir: dir, hnsw: HNSW, logger });
  assert.deepEqual(
    lines.filter((l) => l.level >= 40),
    [],
  );
  assert.ok(lines.some((l) => /behind the catalog/.test(l.msg)));
  const hit = reopened.denseSearch(lateVector as Float32Array, 1, everywhere);
  assert.equal(reopened.catalog.chunkRecords(hit.map((n) => n.id))[0]?.articleId, 'late');
  reopened.close();
});

const prlimit = spawnSync('prlimit', ['--version']).status === 0;

test(
  'an index save cut short (file size limit, as on a full disk) keeps the old index and says so',
  { skip: prlimit ? false : 'needs prlimit (util-linux) to cap the file size of a child process' },
  () => {
    const dir = tempDir();
    // HNSW M 192 makes the index file about twice as large as library.sqlite (which also holds each
    // article's sources and duplicate fingerprints), so a file size limit between the two cuts the
    // index save short while SQLite commits normally.
    const seed = spawnSync(process.execPath, [...nodeArgs(WRITER), 'write', dir, 'story', '1', '800', '--m', '192'], { encoding: 'utf8' });
    assert.equal(seed.status, 0, seed.stderr);
    const indexFile = path.join(dir, 'vectors.hnsw');
    const indexBefore = fs.readFileSync(indexFile);
    const stateBefore = fs.readFileSync(path.join(dir, 'vectors.json'), 'utf8');
    const databaseBytes = fs.statSync(path.join(dir, 'library.sqlite')).size;
    assert.ok(databaseBytes * 1.5 < indexBefore.length, `library.sqlite ${databaseBytes} vs index ${indexBefore.length}`);
    const limit = Math.floor((databaseBytes + indexBefore.length) / 2);

    const forget = spawnSync(
      'prlimit',
      [`--fsize=${limit}`, process.execPath, ...nodeArgs(WRITER), 'forget', dir, 'story-5', '--m', '192'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(forget.status, 1, forget.stdout + forget.stderr);
    assert.match(forget.stdout, /removed story-5/);
    assert.match(
      forget.stdout,
      /failed The change was stored, but the search index could not be saved \(the written index was incomplete: .*\)\. The previous index file was kept/,
    );
    assert.ok(fs.readFileSync(indexFile).equals(indexBefore), 'the old index was replaced');
    assert.equal(fs.readFileSync(path.join(dir, 'vectors.json'), 'utf8'), stateBefore);
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
      'the cut-short temp file was left behind',
    );

    // The next open brings the old index up to date from the catalog: story-5 is gone from search.
    const library = Library.open({ dataDir: dir, hnsw: { ...HNSW, m: 192 } });
    assert.equal(library.catalog.getArticle(SHARED_COLLECTION, 'story-5'), undefined);
    for (const vector of articleVectors('story-5')) {
      const ids = library.catalog.chunkRecords(library.denseSearch(vector, 3, everywhere).map((n) => n.id)).map((r) => r.articleId);
      assert.ok(!ids.includes('story-5'));
    }
    const counts = library.indexCounts();
    assert.equal(counts.points, counts.expected);
    library.close();
  },
);
