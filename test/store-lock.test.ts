import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../src/config.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { startChild, type Child } from './support/child.ts';
import { articleVectors } from './support/synthetic.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const WRITER = fileURLToPath(new URL('./support/crash-writer.ts', import.meta.url));
const everywhere = { collections: [SHARED_COLLECTION] };
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-lock-'));
  dirs.push(dir);
  return dir;
}

function startWriter(args: string[]): Child {
  return startChild(WRITER, args);
}

/** What a writer printed on stdout, line by line. */
function stdoutLines(writer: Child): string[] {
  return writer.stdout().split('\n');
}

/** Every live chunk is found by its own vector, and the index holds exactly the stored chunks. */
function assertIndexComplete(library: Library, ids: string[]): void {
  const counts = library.indexCounts();
  assert.equal(counts.points, counts.expected, 'vector index points vs embedded chunks');
  for (const id of ids) {
    const chunks = library.catalog.chunksOfArticle(SHARED_COLLECTION, id);
    assert.equal(chunks.length, 3, `${id} lost`);
    articleVectors(id).forEach((vector, i) => {
      assert.equal(library.denseSearch(vector, 1, everywhere)[0]?.id, chunks[i]?.chunkId, `${id} chunk ${i} not found by its vector`);
    });
  }
}

test('three writers and a forget over a lock left by a killed writer and a stale lock file from another host: all finish, nothing lost, the index complete', async () => {
  const dir = tempDir();
  const seeded = startWriter(['write', dir, 'seed', '1', '10']);
  assert.equal(await seeded.exited, 0);

  // A writer killed while holding the lock, and the lock file an older version left on another host.
  const killed = startWriter(['hold', dir]);
  await killed.line(/^holding/);
  killed.child.kill('SIGKILL');
  await killed.exited;
  fs.writeFileSync(path.join(dir, 'write.lock'), JSON.stringify({ pid: 4242, host: 'old-container', since: '2026-01-01T00:00:00Z' }));

  const writers = ['alpha', 'beta', 'gamma'].map((prefix) => startWriter(['write', dir, prefix, '8', '15']));
  const forget = startWriter(['forget', dir, 'seed-0', 'seed-1']);
  const codes = await Promise.all([...writers, forget].map((w) => w.exited));
  // On failure, what each writer said last (e.g. "failed database is locked").
  assert.deepEqual(codes, [0, 0, 0, 0], [...writers, forget].map((w) => stdoutLines(w).slice(-2).join(' / ')).join(' || '));
  assert.ok(writers.every((w) => stdoutLines(w).includes('finished')));
  assert.deepEqual(
    stdoutLines(forget)
      .filter((l) => !l.startsWith('waiting'))
      .slice(0, 2),
    ['removed seed-0', 'removed seed-1'],
  );
  // They really took turns: at least one of them had to wait for another.
  assert.ok(
    [...writers, forget].some((w) => stdoutLines(w).some((l) => l.startsWith('waiting'))),
    'no writer ever waited',
  );

  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  const expected = [
    ...['alpha', 'beta', 'gamma'].flatMap((prefix) => Array.from({ length: 120 }, (_, i) => `${prefix}-${i}`)),
    ...Array.from({ length: 8 }, (_, i) => `seed-${i + 2}`),
  ];
  assert.equal(library.catalog.listArticles().length, expected.length);
  assert.equal(library.catalog.getArticle(SHARED_COLLECTION, 'seed-0'), undefined);
  assertIndexComplete(library, expected);
  library.close();

  // The saved index itself is complete, not only the copy repaired in memory on open.
  const saved = JSON.parse(fs.readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as { points: number };
  assert.equal(saved.points, expected.length * 3);
});

test('a writer killed while holding the lock releases it at once', async () => {
  const dir = tempDir();
  const holder = startWriter(['hold', dir]);
  const pid = Number((await holder.line(/^holding/)).split(' ')[1]);
  const library = Library.open({ dataDir: dir, hnsw: HNSW, lockWaitMs: 60_000 });
  const waits: unknown[] = [];
  const waiting = Library.open({ dataDir: dir, hnsw: HNSW, lockWaitMs: 60_000, onWriteWait: (h) => waits.push(h) });
  let done = false;
  const write = waiting.write(async () => 'written').then((v) => ((done = true), v));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(done, false);
  assert.deepEqual(
    waits.map((h) => (h as { pid: number } | null)?.pid),
    [pid],
  );
  holder.child.kill('SIGKILL');
  assert.equal(await write, 'written');
  library.close();
  waiting.close();
});

test("a reader's repair of the index is saved only when no writer holds the lock: it tries once and never waits", async () => {
  const dir = tempDir();
  const seeded = startWriter(['write', dir, 'story', '1', '10']);
  assert.equal(await seeded.exited, 0);
  const stateFile = path.join(dir, 'vectors.json');
  const holder = startWriter(['hold', dir]);
  await holder.line(/^holding/);
  // Without it nothing says which writes vectors.hnsw holds: an open rebuilds the index and wants to save it.
  fs.rmSync(stateFile);
  // Library.open is synchronous: had it waited for the lock, it would never return while the holder holds it.
  const reader = Library.open({ dataDir: dir, hnsw: HNSW, lockWaitMs: 600_000 });
  assert.equal(
    reader.denseSearch(articleVectors('story-3')[1] as Float32Array, 1, everywhere)[0]?.id,
    reader.catalog.chunksOfArticle(SHARED_COLLECTION, 'story-3')[1]?.chunkId,
  );
  assert.equal(fs.existsSync(stateFile), false, 'saved while another process held the write lock');
  reader.close();
  holder.child.stdin.end();
  assert.equal(await holder.exited, 0);
  // The holder's own write saved its index; the state file is back and describes it.
  assert.ok(fs.existsSync(stateFile));
});

test('WRITE_LOCK_WAIT_S sets how long a write waits, and bad values are configuration errors', () => {
  assert.equal(loadConfig({}).writeLockWaitMs, 300_000);
  assert.equal(loadConfig({ WRITE_LOCK_WAIT_S: '0' }).writeLockWaitMs, 0);
  assert.throws(
    () => loadConfig({ WRITE_LOCK_WAIT_S: 'soon' }),
    (e: unknown) => e instanceof ConfigError && /WRITE_LOCK_WAIT_S must be a whole number from 0 to 86400/.test(e.message),
  );
});
