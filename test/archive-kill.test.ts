import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { EMBED_BATCH_CHUNKS } from '../src/ingest/embed-batches.ts';
import { inspectLibrary } from '../src/store/maintenance/health.ts';
import { writeArchiveJsonl } from './support/archive.ts';
import { TINY_MODEL_ENV } from './support/app.ts';
import { runNewsroom, startChild } from './support/child.ts';
import { waitUntil } from './support/wait.ts';

const ARTICLES = 300;
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Counts {
  articles: number;
  chunks: number;
  embedded: number;
}

/** What the library holds now, read as another process would (the writer may be mid-batch). */
function counts(dataDir: string): Counts | null {
  const file = path.join(dataDir, 'library.sqlite');
  if (!fs.existsSync(file)) return null;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const one = (sql: string) => (db?.prepare(sql).get() as { n: number }).n;
    return {
      articles: one('SELECT count(*) AS n FROM articles'),
      chunks: one('SELECT count(*) AS n FROM chunks'),
      embedded: one('SELECT count(*) AS n FROM chunks WHERE embedded_in > 0'),
    };
  } catch {
    // Not created yet, or its tables not yet made.
    return null;
  } finally {
    db?.close();
  }
}

/** Starts `newsroom ingest`, and SIGKILLs it the moment `when` holds for the library. */
async function killWhen(args: string[], env: Record<string, string>, when: (c: Counts) => boolean): Promise<void> {
  const run = startChild('src/cli.ts', args, env);
  try {
    await waitUntil(
      () => {
        const now = counts(env['DATA_DIR'] as string);
        return now !== null && when(now);
      },
      120_000,
      'the moment to kill the import',
    );
  } finally {
    run.child.kill('SIGKILL');
    await run.exited;
  }
}

test('an archive import SIGKILLed in its keyword phase and again while embedding resumes where it stopped: nothing lost, nothing embedded twice, check healthy', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-kill-'));
  dirs.push(dir);
  const file = path.join(dir, 'archive.jsonl');
  writeArchiveJsonl(file, ARTICLES);
  const env = { ...TINY_MODEL_ENV, DATA_DIR: path.join(dir, 'data') };
  const dataDir = env.DATA_DIR;

  // 1. Killed while storing text: some batches stored, the rest not yet.
  await killWhen(['ingest', file], env, (c) => c.articles >= 60);
  const afterFirst = counts(dataDir);
  assert.ok(afterFirst && afterFirst.articles < ARTICLES, `killed partway through the keyword phase (${afterFirst?.articles} stored)`);
  assert.equal(inspectLibrary(dataDir).healthy, true);

  // 2. Run again: the rest is stored (the stored ones skipped as unchanged), then killed while embedding.
  // (Past the first batch, whose write saves the index: see the README on a kill in that batch.)
  await killWhen(['ingest', file], env, (c) => c.articles === ARTICLES && c.embedded > EMBED_BATCH_CHUNKS);
  const beforeLast = counts(dataDir) as Counts;
  assert.equal(beforeLast.articles, ARTICLES);
  assert.ok(beforeLast.embedded < beforeLast.chunks, `killed partway through embedding (${beforeLast.embedded} of ${beforeLast.chunks})`);
  const killed = inspectLibrary(dataDir);
  assert.equal(killed.healthy, true, JSON.stringify(killed.findings));

  // 3. Run to the end: it embeds exactly what was left.
  const last = await runNewsroom(['ingest', file, '--json'], env);
  assert.equal(last.code, 0, last.stderr);
  const summary = JSON.parse(last.stdout) as {
    added: number;
    unchanged: number;
    failed: number;
    embedded: number;
    pendingEmbeddings: number;
  };
  assert.equal(summary.failed, 0);
  assert.equal(summary.added, 0);
  assert.equal(summary.unchanged, ARTICLES);
  assert.equal(summary.embedded, beforeLast.chunks - beforeLast.embedded, 'only the chunks still without a vector were embedded');
  assert.equal(summary.pendingEmbeddings, 0);
  const final = counts(dataDir) as Counts;
  assert.deepEqual(final, { articles: ARTICLES, chunks: beforeLast.chunks, embedded: beforeLast.chunks });
  const report = inspectLibrary(dataDir);
  assert.equal(report.healthy, true, JSON.stringify(report.findings));
  assert.equal(report.index.points, beforeLast.chunks);
});

test('ingest --no-embed stores an archive keyword-only; newsroom embed embeds it, and again finds nothing left', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-embed-'));
  dirs.push(dir);
  const file = path.join(dir, 'archive.jsonl');
  writeArchiveJsonl(file, 20);
  const env = { ...TINY_MODEL_ENV, DATA_DIR: path.join(dir, 'data') };

  const stored = await runNewsroom(['ingest', file, '--no-embed', '--json'], env);
  assert.equal(stored.code, 0, stored.stderr);
  const summary = JSON.parse(stored.stdout) as { added: number; chunks: number; pendingEmbeddings: number; embedded: number };
  assert.equal(summary.added, 20);
  assert.equal(summary.embedded, 0);
  assert.equal(summary.pendingEmbeddings, summary.chunks, 'every chunk awaits its vector');

  const embedded = await runNewsroom(['embed', '--json'], env);
  assert.equal(embedded.code, 0, embedded.stderr);
  const result = JSON.parse(embedded.stdout) as { embedded: number; awaiting: number; model: string };
  assert.deepEqual(
    { embedded: result.embedded, awaiting: result.awaiting, model: result.model },
    { embedded: summary.chunks, awaiting: 0, model: 'newsroom/tiny-bert' },
  );

  const again = await runNewsroom(['embed', '--json'], env);
  assert.equal((JSON.parse(again.stdout) as { embedded: number }).embedded, 0);
  assert.equal(inspectLibrary(env.DATA_DIR).healthy, true);
});
