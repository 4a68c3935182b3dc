import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { decodeText } from '../src/articles/decode.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { UserError } from '../src/errors.ts';
import { asDiskFull } from '../src/store/maintenance/backup-space.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { articleVectors, paragraphChunks, syntheticArticle } from './support/synthetic.ts';
import { nodeArgs } from './support/built.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-truthful-'));
  fs.chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

async function smallLibrary(dataDir = tempDir()): Promise<string> {
  const library = Library.open({ dataDir, hnsw: HNSW });
  try {
    await library.write(async (writer) => {
      const article = syntheticArticle('story-0', ['First paragraph of the story.', 'Second paragraph of the story.']);
      writer.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, articleVectors('story-0')), {
        id: 'test-model',
        dimensions: 16,
      });
    });
  } finally {
    library.close();
  }
  return dataDir;
}

function newsroom(args: string[], env: Record<string, string>, options: { uid?: number; wrap?: string[] } = {}) {
  const command = [...(options.wrap ?? []), process.execPath, ...nodeArgs('src/cli.ts'), ...args];
  const result = spawnSync(command[0] as string, command.slice(1), {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...TINY_MODEL_ENV, ...env },
    timeout: 60_000,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

test('text too long for one JavaScript string is said to be too large, not "not valid UTF-8"', () => {
  // 512 MiB of ASCII: valid UTF-8, but past V8's longest string (2^29 - 24 characters).
  const huge = Buffer.alloc(2 ** 29, 0x61);
  const result = decodeText(huge, 'archive.txt');
  assert.equal(result.ok, false);
  assert.match(
    result.ok ? '' : result.error,
    /archive\.txt is too large to read as text \(512\.0 MB: longer than the longest string Node\.js can hold/,
  );
  assert.doesNotMatch(result.ok ? '' : result.error, /UTF-8/);
  const broken = decodeText(Buffer.from('Harbour \xff news', 'latin1'), 'note.txt');
  assert.match(broken.ok ? '' : broken.error, /note\.txt is not valid UTF-8 text \(invalid byte at offset 8, line 1\)/);
});

test('MAX_FILE_MB stops below what can ever be read as text', () => {
  assert.throws(
    () => loadConfig({ MAX_FILE_MB: '1000' }, ROOT),
    (error: unknown) => error instanceof ConfigError && /MAX_FILE_MB must be a whole number from 1 to 500/.test(error.message),
  );
  assert.equal(loadConfig({ MAX_FILE_MB: '500' }, ROOT).maxFileBytes, 500 * 1024 * 1024);
});

test('a DATA_DIR this user cannot read is said to be unreadable, not read-only or empty', async () => {
  const dataDir = await smallLibrary();
  fs.chmodSync(dataDir, 0o700);
  // Another user than the folder's owner: root's processes read everything, so the check runs as nobody.
  const as = isRoot ? { uid: NOBODY } : {};
  if (!isRoot) fs.chmodSync(dataDir, 0o000);
  try {
    for (const args of [['search', 'paragraph'], ['ingest', path.join(ROOT, 'articles')], ['check']]) {
      const run = newsroom(args, { DATA_DIR: dataDir }, as);
      assert.equal(run.code, 1, run.out);
      assert.match(
        run.out,
        /cannot be read by this user \(uid \d+\): permission denied\. Run newsroom as the user the bot runs as/,
        args[0],
      );
      assert.doesNotMatch(run.out, /read-only|no library/i, args[0]);
    }
  } finally {
    fs.chmodSync(dataDir, 0o755);
  }
});

test('a SQLITE_FULL or ENOSPC from a backup says the disk filled up', () => {
  const dir = tempDir();
  const db = new Database(path.join(dir, 'full.sqlite'));
  db.exec('CREATE TABLE t (x)');
  db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
  let full: unknown;
  try {
    db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(100_000));
  } catch (error) {
    full = error;
  } finally {
    db.close();
  }
  assert.equal((full as { code?: string }).code, 'SQLITE_FULL');
  for (const error of [full, Object.assign(new Error('write failed'), { code: 'ENOSPC' })]) {
    const said = asDiskFull(error, '/backups/2026-04-12');
    assert.ok(said instanceof UserError);
    assert.match(said.message, /The disk holding \/backups\/2026-04-12 filled up during the backup.*no partial backup is left/);
  }
  const other = new Error('something else');
  assert.equal(asDiskFull(other, '/backups/x'), other);
});

const canMount = isRoot && spawnSync('unshare', ['-m', 'true']).status === 0;

test(
  'a backup onto a disk without room for it is refused before writing anything, saying the disk is too small',
  { skip: canMount ? false : 'needs root and unshare -m to mount a small tmpfs' },
  async () => {
    const dataDir = await smallLibrary();
    const mount = tempDir();
    const script = `mount -t tmpfs -o size=256k tmpfs "$0" && exec "$@"`;
    const run = newsroom(
      ['backup', path.join(mount, 'nightly')],
      { DATA_DIR: dataDir },
      { wrap: ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script, mount] },
    );
    assert.equal(run.code, 1, run.out);
    assert.match(
      run.out,
      /There is not enough room for the backup in .*nightly: 0\.\d MB free, about \d+\.\d MB needed .* Nothing was written/,
    );
    assert.doesNotMatch(run.out, /Unexpected error/);
  },
);
