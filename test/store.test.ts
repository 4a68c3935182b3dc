import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { UserError } from '../src/errors.ts';
import { toFtsQuery } from '../src/retrieval/keyword-query.ts';
import { AnswerLog } from '../src/readers/answer-log.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import type { LockHolder } from '../src/store/write-lock.ts';
import { paragraphChunks, seededVectors, syntheticArticle } from './support/synthetic.ts';
import { nodeArgs } from './support/built.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const MODEL = { id: 'test-model', dimensions: 16 };
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-store-'));
  dirs.push(dir);
  return dir;
}

function openLibrary(dir: string): Library {
  return Library.open({ dataDir: dir, hnsw: HNSW });
}

const everywhere = { collections: [SHARED_COLLECTION, 'guild-a', 'guild-b'] };

async function put(library: Library, id: string, paragraphs: string[], seed: number, collection = SHARED_COLLECTION, extra = {}) {
  const article = syntheticArticle(id, paragraphs, extra);
  const vectors = seededVectors(seed, paragraphs.length, MODEL.dimensions);
  const outcome = await library.write(async (w) => w.putArticle(article, collection, paragraphChunks(article, vectors), MODEL));
  return { article, vectors, outcome };
}

test('stores articles with chunk offsets and reports added / unchanged / updated', async () => {
  const library = openLibrary(tempDir());
  const first = await put(library, 'harbor', ['The harbor reopened on Monday.', 'Crews worked overnight.'], 1);
  assert.equal(first.outcome, 'added');
  assert.equal((await put(library, 'harbor', ['The harbor reopened on Monday.', 'Crews worked overnight.'], 1)).outcome, 'unchanged');
  const updated = await put(library, 'harbor', ['The harbor reopened on Tuesday.', 'Crews worked overnight.', 'Ferries resumed.'], 2);
  assert.equal(updated.outcome, 'updated');

  const stored = library.catalog.getArticle(SHARED_COLLECTION, 'harbor');
  assert.equal(stored?.chunkCount, 3);
  const body = library.catalog.getBody(SHARED_COLLECTION, 'harbor') ?? '';
  for (const chunk of library.catalog.chunksOfArticle(SHARED_COLLECTION, 'harbor')) {
    assert.equal(body.slice(chunk.start, chunk.end), chunk.text);
  }
  // The old version's words and vectors are gone from both indexes.
  assert.deepEqual(library.keywordSearch(toFtsQuery('Monday') ?? '', 5, everywhere), []);
  const oldVector = first.vectors[0] as Float32Array;
  const oldIds = new Set(library.denseSearch(oldVector, 10, everywhere).map((n) => n.id));
  const liveIds = new Set(library.catalog.chunksOfArticle(SHARED_COLLECTION, 'harbor').map((c) => c.chunkId));
  for (const id of oldIds) assert.ok(liveIds.has(id), `dense search returned removed chunk ${id}`);
  library.close();
});

test('search only sees the collections, articles and dates it is given', async () => {
  const library = openLibrary(tempDir());
  const a = await put(library, 'a-story', ['Guild A exclusive about the lighthouse.'], 10, 'guild-a', { published: '2025-03-01' });
  await put(library, 'b-story', ['Guild B exclusive about the lighthouse.'], 11, 'guild-b', { published: '2025-06-01' });
  await put(library, 'shared-story', ['Shared story about the lighthouse.'], 12, SHARED_COLLECTION, { published: '2025-09-01T08:00:00Z' });

  const match = toFtsQuery('lighthouse') ?? '';
  const idsFor = (collections: string[]) =>
    library.catalog
      .chunkRecords(library.keywordSearch(match, 10, { collections }).map((r) => r.chunkId))
      .map((r) => r.articleId)
      .sort();
  assert.deepEqual(idsFor(['guild-a', SHARED_COLLECTION]), ['a-story', 'shared-story']);
  assert.deepEqual(idsFor(['guild-b']), ['b-story']);

  const dense = library.denseSearch(a.vectors[0] as Float32Array, 10, { collections: ['guild-b', SHARED_COLLECTION] });
  const denseArticles = library.catalog.chunkRecords(dense.map((n) => n.id)).map((r) => r.articleId);
  assert.ok(!denseArticles.includes('a-story'), 'guild A article leaked into a guild B search');
  assert.equal(dense.length, 2);

  const byDate = library.keywordSearch(match, 10, { ...everywhere, publishedFrom: '2025-05-01', publishedTo: '2025-09-01' });
  assert.deepEqual(
    library.catalog
      .chunkRecords(byDate.map((r) => r.chunkId))
      .map((r) => r.articleId)
      .sort(),
    ['b-story', 'shared-story'],
  );
  const byArticle = library.denseSearch(a.vectors[0] as Float32Array, 10, { ...everywhere, articleIds: ['shared-story'] });
  assert.deepEqual(
    library.catalog.chunkRecords(byArticle.map((n) => n.id)).map((r) => r.articleId),
    ['shared-story'],
  );
  library.close();
});

test('keyword search treats FTS5 syntax in queries as plain words', async () => {
  const library = openLibrary(tempDir());
  await put(library, 'council', ['The council voted OR abstained on the NEAR term budget.'], 20);
  for (const q of ['"', '*', 'NEAR(', 'OR', 'budget" OR "x', 'col:umn', '-budget', "'; DROP TABLE articles; --", '東京 議会']) {
    const match = toFtsQuery(q);
    if (match === null) continue;
    assert.doesNotThrow(() => library.keywordSearch(match, 5, everywhere), `query ${q}`);
  }
  assert.equal(toFtsQuery('?!... ---'), null);
  assert.equal(library.keywordSearch(toFtsQuery('NEAR(') ?? '', 5, everywhere).length, 1);
  assert.equal(library.catalog.listArticles().length, 1);
  library.close();
});

test('a second library object over the same folder sees new writes; a second writer waits its turn, says so once, then writes', async () => {
  const dir = tempDir();
  const writer = openLibrary(dir);
  const waits: (LockHolder | null)[] = [];
  const reader = Library.open({ dataDir: dir, hnsw: HNSW, onWriteWait: (holder) => waits.push(holder) });
  const { vectors } = await put(writer, 'late-news', ['Late news about the ferry.'], 30);
  const found = reader.denseSearch(vectors[0] as Float32Array, 1, everywhere);
  assert.equal(reader.catalog.chunkRecords(found.map((n) => n.id))[0]?.articleId, 'late-news');

  let release: () => void = () => {};
  const holding = writer.write(() => new Promise<void>((resolve) => (release = resolve)));
  await new Promise((resolve) => setImmediate(resolve));
  let secondDone = false;
  const second = put(reader, 'second-writer', ['Written while another writer held the lock.'], 31).then(() => (secondDone = true));
  // The event loop keeps running while the second writer waits (the bot must keep answering).
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  await new Promise((resolve) => setTimeout(resolve, 150));
  clearInterval(ticker);
  assert.ok(ticks >= 5, `event loop starved while waiting (${ticks} ticks)`);
  assert.equal(secondDone, false, 'the second writer must wait for the first');
  assert.deepEqual(waits, [{ pid: process.pid, host: os.hostname(), since: waits[0]?.since }]);
  // Readers never block: searching works while a write is in progress.
  assert.equal(reader.catalog.listArticles().length, 1);
  release();
  await holding;
  await second;
  assert.ok(writer.catalog.getArticle(SHARED_COLLECTION, 'second-writer'));
  assert.equal(waits.length, 1, 'the wait is reported once');
  writer.close();
  reader.close();
});

test('a writer that waits longer than its limit gives up with a message naming the holder', async () => {
  const dir = tempDir();
  const writer = openLibrary(dir);
  const impatient = Library.open({ dataDir: dir, hnsw: HNSW, lockWaitMs: 100 });
  let release: () => void = () => {};
  const holding = writer.write(() => new Promise<void>((resolve) => (release = resolve)));
  await new Promise((resolve) => setImmediate(resolve));
  await assert.rejects(
    impatient.write(async () => {}),
    (e: unknown) => e instanceof UserError && new RegExp(`pid ${process.pid} .*still writing.*WRITE_LOCK_WAIT_S`).test(e.message),
  );
  release();
  await holding;
  await impatient.write(async () => {});
  writer.close();
  impatient.close();
});

test('an unreadable index file is rebuilt from the stored embeddings', async () => {
  const dir = tempDir();
  const library = openLibrary(dir);
  const { vectors } = await put(library, 'storm', ['Storm warning for the coast.', 'Schools closed early.'], 40);
  library.close();
  fs.writeFileSync(path.join(dir, 'vectors.hnsw'), 'not an index');
  const reopened = openLibrary(dir);
  const hit = reopened.denseSearch(vectors[1] as Float32Array, 1, everywhere);
  assert.equal(reopened.catalog.chunkRecords(hit.map((n) => n.id))[0]?.text, 'Schools closed early.');
  reopened.close();
});

test('chunks stored without a model are keyword-searchable, then embedded later', async () => {
  const library = openLibrary(tempDir());
  const article = syntheticArticle('pending', ['Ferry timetable changes next week.']);
  await library.write(async (w) => w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, []), null));
  assert.equal(library.catalog.pendingCount(), 1);
  assert.equal(library.keywordSearch(toFtsQuery('ferry timetable') ?? '', 5, everywhere).length, 1);
  const [vector] = seededVectors(50, 1, MODEL.dimensions);
  const pending = library.catalog.pendingChunks(10);
  await library.write(async (w) =>
    w.setEmbeddings(
      pending.map((c) => ({ id: c.id, embedding: vector as Float32Array })),
      MODEL,
    ),
  );
  assert.equal(library.catalog.pendingCount(), 0);
  assert.equal(library.denseSearch(vector as Float32Array, 1, everywhere)[0]?.id, pending[0]?.id);
  library.close();
});

test('a different embedding model is refused with a clear message', async () => {
  const library = openLibrary(tempDir());
  await put(library, 'first', ['One.'], 60);
  const article = syntheticArticle('second', ['Two.']);
  await assert.rejects(
    library.write(async (w) =>
      w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, seededVectors(61, 1, 8)), { id: 'other', dimensions: 8 }),
    ),
    (e: unknown) => e instanceof UserError && /built with the embedding model test-model/.test(e.message),
  );
  assert.equal(library.catalog.getArticle(SHARED_COLLECTION, 'second'), undefined);
  library.close();
});

test('an ingest killed half-way leaves a consistent library, readers never see half an article, nothing stored is lost', async () => {
  const dir = tempDir();
  const base = openLibrary(dir);
  const kept = await put(base, 'kept', ['Stored before the crash.'], 70);
  base.close();

  const child = spawn(
    process.execPath,
    [...nodeArgs(fileURLToPath(new URL('./support/crash-writer.ts', import.meta.url))), dir, '100000'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const committed: string[] = [];
  // A reader in this process while the child writes: every article it sees is whole.
  const reader = openLibrary(dir);
  let checks = 0;
  const readWhileWriting = setInterval(() => {
    for (const article of reader.catalog.listArticles()) {
      assert.equal(
        reader.catalog.chunksOfArticle(article.collection, article.articleId).length,
        article.chunkCount,
        `${article.articleId} seen half-written`,
      );
    }
    const hits = reader.denseSearch(seededVectors(1000, 1, 16)[0] as Float32Array, 5, everywhere);
    assert.equal(reader.catalog.chunkRecords(hits.map((n) => n.id)).length, hits.length, 'dense search returned a chunk the catalog lacks');
    checks++;
  }, 5);
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (data: Buffer) => {
      buffer += data.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('committed ')) committed.push(line.slice('committed '.length));
      if (committed.length >= 40) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  clearInterval(readWhileWriting);
  reader.close();
  assert.ok(checks > 0, 'the reader ran during the ingest');
  assert.ok(committed.length >= 40, `child committed only ${committed.length}`);
  // The killed writer's note is left behind, but the operating system released its lock.
  const note = JSON.parse(fs.readFileSync(path.join(dir, 'write-lock.json'), 'utf8')) as LockHolder;
  assert.equal(note.pid, child.pid);

  const waits: unknown[] = [];
  const reopened = Library.open({ dataDir: dir, hnsw: HNSW, onWriteWait: (holder) => waits.push(holder) });
  // Everything stored before, and everything the child reported committed, is there and searchable.
  for (const id of ['kept', ...committed]) assert.ok(reopened.catalog.getArticle(SHARED_COLLECTION, id), `${id} lost`);
  const keptHit = reopened.denseSearch(kept.vectors[0] as Float32Array, 1, everywhere);
  assert.equal(reopened.catalog.chunkRecords(keptHit.map((n) => n.id))[0]?.articleId, 'kept');
  const lastId = committed.at(-1) as string;
  const lastIndex = Number(lastId.split('-')[1]);
  const lastVectors = seededVectors(1000 + lastIndex, 3, 16);
  const lastHit = reopened.denseSearch(lastVectors[2] as Float32Array, 1, everywhere);
  assert.equal(reopened.catalog.chunkRecords(lastHit.map((n) => n.id))[0]?.articleId, lastId);
  // Every stored chunk is reachable by its own vector: the index was repaired, not just reopened.
  for (const chunk of reopened.catalog.chunksOfArticle(SHARED_COLLECTION, committed[5] as string)) {
    const vector = seededVectors(1005, 3, 16)[chunk.start === 0 ? 0 : chunk.text.startsWith('Second') ? 1 : 2] as Float32Array;
    assert.equal(reopened.denseSearch(vector, 1, everywhere)[0]?.id, chunk.chunkId);
  }
  // The dead writer's lock is free at once: no waiting.
  await put(reopened, 'after-crash', ['Written after the crash.'], 80);
  assert.ok(reopened.catalog.getArticle(SHARED_COLLECTION, 'after-crash'));
  assert.deepEqual(waits, []);
  reopened.close();
});

test('keyword search in a second process never sees a collection it was not given, even right after another write', async () => {
  const dir = tempDir();
  const writer = openLibrary(dir);
  const reader = openLibrary(dir);
  const put = async (id: string, collection: string) => {
    const article = syntheticArticle(id, [`Harbour crane ${id} story.`]);
    await writer.write(async (w) => w.putArticle(article, collection, paragraphChunks(article, []), null));
  };
  await put('b-story', 'guild-b');
  const match = toFtsQuery('harbour crane') ?? '';
  assert.equal(reader.keywordSearch(match, 10, { collections: ['guild-b'] }).length, 1);
  await put('a-story', 'guild-a');
  const seen = reader.catalog.chunkRecords(reader.keywordSearch(match, 10, { collections: ['guild-b'] }).map((r) => r.chunkId));
  assert.deepEqual(
    seen.map((r) => r.articleId),
    ['b-story'],
  );
  writer.close();
  reader.close();
});

test('a reopened keyword-only library still keeps collections apart', async () => {
  const dir = tempDir();
  const first = openLibrary(dir);
  for (const [id, collection] of [
    ['a-story', 'guild-a'],
    ['b-story', 'guild-b'],
  ] as const) {
    const article = syntheticArticle(id, [`Harbour crane ${id} story.`]);
    await first.write(async (w) => w.putArticle(article, collection, paragraphChunks(article, []), null));
  }
  first.close();
  const reopened = openLibrary(dir);
  const hits = reopened.keywordSearch(toFtsQuery('harbour crane') ?? '', 10, { collections: ['guild-b'] });
  assert.deepEqual(
    reopened.catalog.chunkRecords(hits.map((r) => r.chunkId)).map((r) => r.articleId),
    ['b-story'],
  );
  reopened.close();
});

test('the answer log of a read-only library logs nothing, says so once, and still reads what was logged', () => {
  const dir = tempDir();
  const writable = new AnswerLog(dir);
  writable.recordUnanswered('Earlier question?', null, []);
  writable.close();
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
  const log = new AnswerLog(dir, { readOnly: true, logger });
  const saved = log.saveAnswer({
    guildId: null,
    userId: 'u1',
    question: 'Q?',
    kind: 'answer',
    mode: 'extractive',
    text: 'A.',
    citations: [],
  });
  assert.equal(saved.question, 'Q?');
  assert.equal(saved.recorded, false);
  // Not in the file, but kept in memory for a while so the answer's buttons still work.
  assert.equal(log.getAnswer(saved.id)?.question, 'Q?');
  assert.equal(log.recordFeedback(saved.id, 'u2', 'up'), 'not_recorded');
  log.recordUnanswered('Another question?', null, []);
  assert.deepEqual(
    log.unanswered(null).map((u) => u.question),
    ['Earlier question?'],
  );
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /answers\.sqlite cannot be written \(read-only library\)/);
  log.close();
});
