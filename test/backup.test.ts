import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../src/errors.ts';
import { backupLibrary, MANIFEST_FILE, type BackupManifest } from '../src/store/maintenance/backup.ts';
import { Library } from '../src/store/library.ts';
import { restoreLibrary } from '../src/store/maintenance/restore.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { TINY_MODEL_ENV } from './support/app.ts';
import { runNewsroom, startChild } from './support/child.ts';
import { newsroomInProcess } from './support/in-process.ts';
import { articleVectors, paragraphChunks, syntheticArticle } from './support/synthetic.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const MODEL = { id: 'test-model', dimensions: 16 };
const WRITER = 'test/support/crash-writer.ts';
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-backup-'));
  dirs.push(dir);
  return dir;
}

/** A library in a new folder holding articles `<prefix>-0` … with three embedded chunks each. */
async function libraryWith(prefix: string, count: number, dataDir = tempDir()): Promise<string> {
  const library = Library.open({ dataDir, hnsw: HNSW });
  try {
    await library.write(async (writer) => {
      for (let i = 0; i < count; i++) {
        const id = `${prefix}-${i}`;
        const article = syntheticArticle(id, [`First paragraph of ${id}.`, `Second paragraph of ${id}.`, `Third of ${id}.`]);
        writer.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, articleVectors(id)), MODEL);
      }
    });
  } finally {
    library.close();
  }
  return dataDir;
}

/** Follows a feed in the library, with an item record for each of `articleIds` and the feed's validators. */
async function followFeed(dataDir: string, url: string, articleIds: readonly string[]): Promise<void> {
  const library = Library.open({ dataDir, hnsw: HNSW });
  try {
    await library.write(async (writer) => {
      const feed = writer.feeds.add({
        url,
        collection: SHARED_COLLECTION,
        title: 'The Harbour Gazette',
        addedAt: '2026-03-01T09:00:00.000Z',
      });
      writer.feeds.recordSuccess(feed.id, { at: '2026-03-02T10:40:00.000Z', etag: '"v7"', lastModified: 'Mon, 02 Mar 2026 10:00:00 GMT' });
      const seen = '2026-03-02T10:40:00.000Z';
      writer.feeds.putItems(
        feed.id,
        articleIds.map((articleId) => ({
          key: `${url}#${articleId}`,
          articleId,
          link: `${url}/${articleId}`,
          itemHash: `hash-${articleId}`,
          pageEtag: null,
          pageLastModified: null,
          pageCheckedAt: seen,
          firstSeenAt: seen,
          lastSeenAt: seen,
        })),
      );
    });
  } finally {
    library.close();
  }
}

function followedFeeds(dataDir: string): { url: string; title: string | null; etag: string | null; items: number; articleIds: string[] }[] {
  const library = Library.open({ dataDir, hnsw: HNSW, readOnly: true });
  try {
    return library.catalog.feeds.list().map((f) => ({
      url: f.url,
      title: f.title,
      etag: f.etag,
      items: f.items,
      articleIds: [...library.catalog.feeds.items(f.id).values()].map((i) => i.articleId).sort(),
    }));
  } finally {
    library.close();
  }
}

function storedIds(dataDir: string): string[] {
  const library = Library.open({ dataDir, hnsw: HNSW, readOnly: true });
  try {
    return library.catalog.listArticles([SHARED_COLLECTION]).map((a) => a.articleId);
  } finally {
    library.close();
  }
}

/** Every file under `dir` with its SHA-256: equal snapshots mean nothing changed. */
function snapshot(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {};
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile()) files[name] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  }
  return files;
}

function numbered(id: string): number {
  return Number(id.split('-').at(-1));
}

test('a backup taken while another process ingests restores to a healthy library holding exactly what was committed at its generation', async () => {
  const dataDir = tempDir();
  const writer = startChild(WRITER, ['write', dataDir, 'live', '500', '2', '--pause-ms', '10']);
  try {
    await writer.line(/^committed live-19$/);
    const committed = () =>
      writer
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('committed ')).length;
    const before = committed();
    const backupDir = path.join(tempDir(), 'nightly');
    // A separate process, as the writer is: the writer's commits are counted while the backup runs.
    const backup = await runNewsroom(['backup', backupDir, '--json'], { DATA_DIR: dataDir });
    const afterwards = committed();
    assert.equal(backup.code, 0, backup.stderr);
    assert.ok(afterwards > before, 'the other process went on ingesting while the backup ran');
    assert.match(backup.stderr, /^copying: .* in \d+\.\d s$/m);
    assert.match(backup.stderr, /^checking: .* in \d+\.\d s$/m);

    const printed = JSON.parse(backup.stdout) as {
      dir: string;
      generation: number;
      counts: { articles: number };
      files: { name: string }[];
    };
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, MANIFEST_FILE), 'utf8')) as BackupManifest;
    assert.equal(printed.dir, backupDir);
    assert.equal(printed.generation, manifest.generation);
    // The writer keeps no answer log, so there is none to copy.
    assert.deepEqual(
      manifest.files.map((f) => f.name),
      ['library.sqlite', 'vectors.json', 'vectors.hnsw'],
    );
    assert.equal(manifest.format, 'newsroom-backup');
    assert.equal(manifest.formatVersion, 1);
    assert.equal(manifest.model, 'test-model');
    const articles = manifest.counts.articles;
    // One generation per stored article: the backup holds the first `generation` of them, whole.
    assert.equal(manifest.generation, articles);
    assert.ok(articles >= before && articles <= afterwards, `${articles} articles, ${before} committed before and ${afterwards} after`);
    assert.equal(manifest.counts.chunks, articles * 3);
    assert.equal(manifest.counts.embeddedChunks, articles * 3);
    // Each database is one self-contained file.
    assert.deepEqual(fs.readdirSync(backupDir).sort(), [MANIFEST_FILE, ...manifest.files.map((f) => f.name)].sort());

    const restoredDir = path.join(tempDir(), 'data');
    const restore = await newsroomInProcess(['restore', backupDir, '--json'], { DATA_DIR: restoredDir });
    assert.equal(restore.code, 0, restore.stderr);
    const result = JSON.parse(restore.stdout) as {
      replaced: boolean;
      check: {
        healthy: boolean;
        generation: number;
        articles: number;
        chunks: number;
        index: { checksumState: string; writesBehind: number; points: number; expectedPoints: number };
        findings: unknown[];
      };
    };
    assert.equal(result.replaced, false);
    assert.equal(result.check.healthy, true);
    assert.deepEqual(result.check.findings, []);
    assert.equal(result.check.generation, manifest.generation);
    assert.equal(result.check.articles, articles);
    assert.equal(result.check.chunks, articles * 3);
    // The vector index is as of the same generation: nothing to replay, every chunk in it.
    assert.equal(result.check.index.checksumState, 'ok');
    assert.equal(result.check.index.writesBehind, 0);
    assert.equal(result.check.index.points, articles * 3);
    const ids = storedIds(restoredDir)
      .map(numbered)
      .sort((a, b) => a - b);
    assert.deepEqual(
      ids,
      Array.from({ length: articles }, (_, i) => i),
    );
  } finally {
    writer.child.kill('SIGKILL');
    await writer.exited;
  }
});

test('restore refuses a folder that is not a backup, a backup from a newer version, a damaged one, and a DATA_DIR holding a library: nothing changes', async () => {
  const source = await libraryWith('kept', 3);
  const backupDir = path.join(tempDir(), 'backup');
  await backupLibrary({ dataDir: source, target: backupDir, hnsw: HNSW });
  const options = { force: false, lockWaitMs: 1000 };

  const emptyDataDir = path.join(tempDir(), 'new-data');
  const refusals: [string, RegExp][] = [
    [path.join(tempDir(), 'nowhere'), /is not a newsroom-bot backup: it does not exist\. Nothing was changed\./],
    [source, /is not a newsroom-bot backup: it has no manifest\.json \(a backup that was interrupted has none either\)/],
  ];
  const newer = path.join(tempDir(), 'newer');
  fs.cpSync(backupDir, newer, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(newer, MANIFEST_FILE), 'utf8')) as BackupManifest;
  fs.writeFileSync(path.join(newer, MANIFEST_FILE), JSON.stringify({ ...manifest, formatVersion: 2, appVersion: '9.0.0' }));
  refusals.push([
    newer,
    /was made by a newer newsroom-bot \(9\.0\.0, backup format 2\); this version reads backup format 1\. Upgrade newsroom-bot/,
  ]);
  const damaged = path.join(tempDir(), 'damaged');
  fs.cpSync(backupDir, damaged, { recursive: true });
  const bytes = fs.readFileSync(path.join(damaged, 'library.sqlite'));
  bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
  fs.writeFileSync(path.join(damaged, 'library.sqlite'), bytes);
  refusals.push([damaged, /is damaged: library\.sqlite is not the file that was backed up \(its SHA-256 differs\)/]);
  // Files intact, but not holding what the manifest records (here: feeds the library does not follow).
  const otherCounts = path.join(tempDir(), 'other-counts');
  fs.cpSync(backupDir, otherCounts, { recursive: true });
  fs.writeFileSync(path.join(otherCounts, MANIFEST_FILE), JSON.stringify({ ...manifest, counts: { ...manifest.counts, feeds: 2 } }));
  refusals.push([
    otherCounts,
    /does not check out \(no problems; generation 3 with 3 articles and 0 followed feeds, where the manifest says generation 3 with 3 articles and 2 followed feeds\)\. Nothing was changed/,
  ]);

  for (const [folder, message] of refusals) {
    await assert.rejects(restoreLibrary({ ...options, source: folder, dataDir: emptyDataDir }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, message);
      return true;
    });
    assert.equal(fs.existsSync(emptyDataDir), false, `DATA_DIR was not even created (${folder})`);
  }

  const occupied = await libraryWith('current', 2);
  const before = snapshot(occupied);
  await assert.rejects(restoreLibrary({ ...options, source: backupDir, dataDir: occupied }), (error: unknown) => {
    assert.ok(error instanceof UserError);
    assert.match(error.message, /already holds a library \(library\.sqlite, .*\)\. Restore into an empty DATA_DIR, or add --force/);
    return true;
  });
  assert.deepEqual(snapshot(occupied), before);
  assert.deepEqual(storedIds(occupied).sort(), ['current-0', 'current-1']);
});

test('restore --force swaps the backup in place of the library in DATA_DIR, keeping its model cache; the restored library follows the backed-up feeds', async () => {
  const backupDir = path.join(tempDir(), 'backup');
  const source = await libraryWith('restored', 4);
  await followFeed(source, 'https://news.example/rss.xml', ['restored-0', 'restored-1']);
  const backup = await backupLibrary({ dataDir: source, target: backupDir, hnsw: HNSW });
  assert.equal(backup.manifest.counts.feeds, 1);
  assert.equal(backup.manifest.counts.feedItems, 2);
  const dataDir = await libraryWith('replaced', 2);
  await followFeed(dataDir, 'https://other.example/atom.xml', ['replaced-0']);
  fs.mkdirSync(path.join(dataDir, 'models', 'Xenova', 'bge-small-en-v1.5'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'models', 'Xenova', 'bge-small-en-v1.5', 'config.json'), '{}');

  const result = await restoreLibrary({ source: backupDir, dataDir, force: true, lockWaitMs: 1000 });
  assert.equal(result.replaced, true);
  assert.equal(result.report.healthy, true);
  assert.deepEqual(storedIds(dataDir).sort(), ['restored-0', 'restored-1', 'restored-2', 'restored-3']);
  // The subscriptions come back with what their items became and the validators for the next sync.
  assert.deepEqual(followedFeeds(dataDir), [
    { url: 'https://news.example/rss.xml', title: 'The Harbour Gazette', etag: '"v7"', items: 2, articleIds: ['restored-0', 'restored-1'] },
  ]);
  assert.equal(fs.readFileSync(path.join(dataDir, 'models', 'Xenova', 'bge-small-en-v1.5', 'config.json'), 'utf8'), '{}');
  assert.deepEqual(
    fs.readdirSync(dataDir).filter((n) => n.startsWith('.')),
    [],
    'no temporary folders left',
  );
  const library = Library.open({ dataDir, hnsw: HNSW });
  try {
    const [nearest] = library.denseSearch(articleVectors('restored-2')[0] as Float32Array, 1, { collections: [SHARED_COLLECTION] });
    assert.equal(library.catalog.chunkRecords([nearest?.id ?? -1])[0]?.articleId, 'restored-2');
  } finally {
    library.close();
  }
});

test('restore --force is refused while another process writes to or has the library open', async () => {
  const backupDir = path.join(tempDir(), 'backup');
  await backupLibrary({ dataDir: await libraryWith('b', 1), target: backupDir, hnsw: HNSW });
  const dataDir = await libraryWith('live', 2);

  const holder = startChild(WRITER, ['hold', dataDir]);
  try {
    await holder.line(/^holding \d+$/);
    await assert.rejects(restoreLibrary({ source: backupDir, dataDir, force: true, lockWaitMs: 1000 }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, new RegExp(`is in use by another process \\(pid ${holder.child.pid} on .*\\): stop the bot`));
      return true;
    });
  } finally {
    holder.child.stdin.end();
    await holder.exited;
  }

  // The console has the library open, writing nothing.
  const console = startChild('src/cli.ts', ['chat'], { ...TINY_MODEL_ENV, DATA_DIR: dataDir, ARTICLES_DIR: '' });
  try {
    await console.line(/^Ask a question/);
    await assert.rejects(restoreLibrary({ source: backupDir, dataDir, force: true, lockWaitMs: 1000 }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /is in use by another process: stop the bot/);
      return true;
    });
  } finally {
    console.child.stdin.end();
    await console.exited;
  }
  assert.deepEqual(storedIds(dataDir).sort(), ['live-0', 'live-1']);
  assert.deepEqual(
    fs.readdirSync(dataDir).filter((n) => n.startsWith('.')),
    [],
    'no temporary folders left',
  );
});

test('a backup of a library whose index file was damaged holds a rebuilt, healthy index', async () => {
  const dataDir = await libraryWith('d', 5);
  const index = fs.readFileSync(path.join(dataDir, 'vectors.hnsw'));
  index[index.length - 20] = (index[index.length - 20] ?? 0) ^ 0xff;
  fs.writeFileSync(path.join(dataDir, 'vectors.hnsw'), index);
  const target = path.join(tempDir(), 'b');
  const result = await backupLibrary({ dataDir, target, hnsw: HNSW });
  assert.equal(result.manifest.counts.embeddedChunks, 15);
  const restored = path.join(tempDir(), 'data');
  const { report } = await restoreLibrary({ source: target, dataDir: restored, force: false, lockWaitMs: 1000 });
  assert.equal(report.healthy, true);
  assert.equal(report.index.points, 15);
});

test('backup refuses a folder that is not empty and a DATA_DIR without a library, writing nothing', async () => {
  const dataDir = await libraryWith('x', 1);
  const occupied = tempDir();
  fs.writeFileSync(path.join(occupied, 'notes.txt'), 'mine');
  await assert.rejects(backupLibrary({ dataDir, target: occupied, hnsw: HNSW }), /already exists and is not empty/);
  assert.deepEqual(fs.readdirSync(occupied), ['notes.txt']);
  const target = path.join(tempDir(), 'b');
  await assert.rejects(backupLibrary({ dataDir: tempDir(), target, hnsw: HNSW }), /There is no library in .* to back up/);
  assert.equal(fs.existsSync(target), false);
});
