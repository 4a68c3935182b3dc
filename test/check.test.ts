import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { articleVectors } from './support/synthetic.ts';
import { nodeArgs } from './support/built.ts';
import { newsroomInProcess } from './support/in-process.ts';

const WRITER = fileURLToPath(new URL('./support/crash-writer.ts', import.meta.url));
const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-check-'));
  dirs.push(dir);
  return dir;
}

/** A `newsroom` command run in this process: output and exit status as from `npx newsroom`. */
function newsroom(dataDir: string, args: string[]) {
  return newsroomInProcess(args, { ...TINY_MODEL_ENV, DATA_DIR: dataDir });
}

/** A library of `articles` three-chunk articles, written by a separate process as the CLI would. */
function buildLibrary(articles = 20): string {
  const dir = tempDir();
  const result = spawnSync(process.execPath, [...nodeArgs(WRITER), 'write', dir, 'story', '1', String(articles)], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return dir;
}

interface CheckJson {
  healthy: boolean;
  articles: number;
  chunks: number;
  embeddedChunks: number;
  awaitingEmbeddings: number;
  index: { checksumState: string; points: number; expectedPoints: number };
  fts: { rows: number; chunks: number };
  lock: { state: string; holder: { pid: number } | null };
  findings: { kind: string; problem: boolean; message: string }[];
  repaired?: string[];
}

test('check on a healthy library: counts, a verified index, a free lock, exit 0 (text and --json)', async () => {
  const dir = buildLibrary();
  const text = await newsroom(dir, ['check']);
  assert.equal(text.code, 0, text.stdout + text.stderr);
  assert.match(text.stdout, /20 articles, 60 chunks \(0 chunks awaiting embeddings\), embedded with test-model \(16-d\)/);
  assert.match(
    text.stdout,
    /vectors\.hnsw, \d+ KB, checksum crc32:[0-9a-f]{8} matches the one recorded; 60 of 60 embedded chunks in the index/,
  );
  assert.match(text.stdout, /60 keyword-index rows for 60 chunks/);
  assert.match(text.stdout, /lock {6}free/);
  assert.match(text.stdout, /\nHealthy\.\n$/);

  const json = JSON.parse((await newsroom(dir, ['check', '--json'])).stdout) as CheckJson;
  assert.equal(json.healthy, true);
  assert.deepEqual(
    [json.articles, json.chunks, json.embeddedChunks, json.awaitingEmbeddings, json.index.points, json.index.expectedPoints, json.fts.rows],
    [20, 60, 60, 0, 60, 60, 60],
  );
  assert.equal(json.index.checksumState, 'ok');
  assert.equal(json.lock.state, 'free');
  assert.deepEqual(json.findings, []);
});

test('check finds a damaged index, missing keyword rows (chunks and whole articles), orphan chunks and an old lock file; --repair fixes them all', async () => {
  const dir = buildLibrary();
  const indexFile = path.join(dir, 'vectors.hnsw');
  const bytes = fs.readFileSync(indexFile);
  bytes.fill(0, 1000, 6000);
  fs.writeFileSync(indexFile, bytes);
  const db = new Database(path.join(dir, 'library.sqlite'));
  db.exec('DELETE FROM chunks_fts WHERE rowid IN (1, 2, 3)');
  db.exec('DELETE FROM articles_fts WHERE rowid IN (1, 2)');
  db.pragma('foreign_keys = OFF');
  db.exec('INSERT INTO chunks (article_key, position, start, end, embedding, embedded_in) VALUES (9999, 0, 0, 5, NULL, 0)');
  db.close();
  fs.writeFileSync(path.join(dir, 'write.lock'), JSON.stringify({ pid: 4242, host: 'old-host', since: '2026-01-01T00:00:00Z' }));

  const text = await newsroom(dir, ['check']);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /✗ vectors\.hnsw is damaged: .+ \(rebuilt from the stored embeddings on open or by --repair\)/);
  assert.match(text.stdout, /✗ Chunks missing from the keyword index: 4 \(rebuilt by --repair\)/);
  assert.match(text.stdout, /✗ Chunks that belong to no stored article: 1 \(removed by --repair\)/);
  assert.match(text.stdout, /✗ The whole-article keyword index lacks 2 articles and has 0 rows for removed ones \(rebuilt by --repair\)/);
  assert.match(text.stdout, /· write\.lock, the lock file of an earlier version, is left over/);
  assert.match(text.stdout, /4 problems found\.\nRun `npx newsroom check --repair`/);
  const json = JSON.parse((await newsroom(dir, ['check', '--json'])).stdout) as CheckJson;
  assert.equal(json.healthy, false);
  assert.deepEqual(
    json.findings.map((f) => [f.kind, f.problem]),
    [
      ['legacy-lock', false],
      ['orphan-chunks', true],
      ['fts-missing', true],
      ['article-fts', true],
      ['index-damaged', true],
    ],
  );

  const repaired = await newsroom(dir, ['check', '--repair']);
  assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
  assert.match(
    repaired.stdout,
    /Repaired:\n {2}✓ removed 1 chunk that belonged to no article\n {2}✓ rebuilt the keyword index \(60 chunks\)\n {2}✓ rebuilt the whole-article keyword index \(20 articles\)\n {2}✓ rebuilt the vector index from the stored embeddings \(60 points\)\n {2}✓ saved the vector index, checked byte for byte\n {2}✓ removed the old write\.lock file\n/,
  );
  assert.match(repaired.stdout, /\nHealthy\.\n$/);
  assert.equal((await newsroom(dir, ['check'])).code, 0);

  const library = Library.open({ dataDir: dir, hnsw: HNSW });
  for (const id of ['story-0', 'story-7', 'story-19']) {
    const chunks = library.catalog.chunksOfArticle(SHARED_COLLECTION, id);
    articleVectors(id).forEach((vector, i) => {
      assert.equal(library.denseSearch(vector, 1, { collections: [SHARED_COLLECTION] })[0]?.id, chunks[i]?.chunkId);
    });
  }
  assert.equal(library.keywordSearch('"story"', 100, { collections: [SHARED_COLLECTION] }).length, 60);
  assert.equal(library.articleSearch('"story"', 100, { collections: [SHARED_COLLECTION] }).length, 20);
  library.close();
});

test('check finds an index that lacks points the catalog has, and --repair rebuilds it', async () => {
  const dir = buildLibrary(10);
  const oldIndex = fs.readFileSync(path.join(dir, 'vectors.hnsw'));
  const more = spawnSync(process.execPath, [...nodeArgs(WRITER), 'write', dir, 'more', '1', '5'], { encoding: 'utf8' });
  assert.equal(more.status, 0);
  const { generation } = JSON.parse(fs.readFileSync(path.join(dir, 'vectors.json'), 'utf8')) as { generation: number };
  fs.writeFileSync(path.join(dir, 'vectors.hnsw'), oldIndex);
  fs.writeFileSync(path.join(dir, 'vectors.json'), JSON.stringify({ generation }));
  const json = JSON.parse((await newsroom(dir, ['check', '--json'])).stdout) as CheckJson;
  assert.deepEqual(
    json.findings.map((f) => f.message),
    ['The vector index lacks 15 embedded chunks and holds 0 points with no chunk (rebuilt by --repair).'],
  );
  assert.equal(json.index.checksumState, 'unrecorded');
  const repaired = JSON.parse((await newsroom(dir, ['check', '--repair', '--json'])).stdout) as CheckJson;
  assert.equal(repaired.healthy, true);
  assert.ok(repaired.repaired?.includes('rebuilt the vector index from the stored embeddings (45 points)'));
});

test('check names the writer holding the lock; --repair waits for it, saying so', async () => {
  const dir = buildLibrary(5);
  const holder = spawn(process.execPath, [...nodeArgs(WRITER), 'hold', dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => d.toString().includes('holding') && resolve()));
  const text = await newsroom(dir, ['check']);
  assert.equal(text.code, 0, 'a writer at work is not a problem');
  assert.match(
    text.stdout,
    new RegExp(
      `lock {6}held by another writer \\(pid ${holder.pid} on ${os.hostname()}, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\)`,
    ),
  );
  fs.writeFileSync(path.join(dir, 'write.lock'), '{}');
  const repair = spawn(process.execPath, [...nodeArgs('src/cli.ts'), 'check', '--repair'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...TINY_MODEL_ENV, DATA_DIR: dir },
  });
  let stderr = '';
  let stdout = '';
  repair.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  repair.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => repair.on('exit', resolve));
  for (let i = 0; i < 200 && !stderr.includes('Waiting'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(stderr, new RegExp(`warning: Waiting for another writer \\(pid ${holder.pid} on .+\\) to finish…`));
  holder.stdin.end();
  assert.equal(await exited, 0, stdout + stderr);
  assert.match(stdout, /removed the old write\.lock file/);
});

test('a damaged or empty library.sqlite is refused with a message naming the file and what to do', async () => {
  const damaged = buildLibrary(3);
  const file = path.join(damaged, 'library.sqlite');
  fs.writeFileSync(file, crypto.randomBytes(64 * 1024));
  for (const args of [['search', 'story'], ['articles']]) {
    const result = await newsroom(damaged, args);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.trim(),
      `${file} is damaged (file is not a database). Restore it from a backup; \`npx newsroom check\` reports what is wrong with it.`,
    );
  }
  const check = await newsroom(damaged, ['check']);
  assert.equal(check.code, 1);
  assert.match(check.stdout, /✗ .*library\.sqlite is damaged \(file is not a database\)/);
  assert.match(check.stdout, /restore library\.sqlite from a backup/);
  const repair = await newsroom(damaged, ['check', '--repair']);
  assert.equal(repair.code, 1, 'a damaged database is not "repaired" by pretending');

  const empty = tempDir();
  fs.writeFileSync(path.join(empty, 'library.sqlite'), '');
  const result = await newsroom(empty, ['articles']);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /library\.sqlite is empty \(0 bytes\), so it holds no library\. Restore it from a backup, or delete it to start a new, empty library/,
  );
  assert.equal(fs.statSync(path.join(empty, 'library.sqlite')).size, 0, 'the empty file was left as it was');
  assert.match((await newsroom(empty, ['check'])).stdout, /is empty \(0 bytes\)/);
});
