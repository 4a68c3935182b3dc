import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { toFtsQuery } from '../src/retrieval/keyword-query.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { silentLogger } from '../src/log.ts';
import { FolderWatcher, isIgnoredPath, type FolderBatch } from '../src/watch/folder-watcher.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { nodeArgs } from './support/built.ts';

/*
 * The watched folder, end to end: the local console (`npm start` without a token) runs as a child
 * process over a temp ARTICLES_DIR with the real fs.watch; the test changes files as an editor or
 * a CMS export would and asks the console questions. Every wait is a bounded poll on an outcome
 * (an answer, a stored article), never a fixed sleep asserted on.
 */

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-watch-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const POLL_LIMIT_MS = 60_000;

async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`gave up waiting (${POLL_LIMIT_MS / 1000} s) for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function story(title: string, paragraphs: string[], extra = ''): string {
  return `---\ntitle: "${title}"\npublished: 2026-06-01\n${extra}---\n\n${paragraphs.join('\n\n')}\n`;
}

/** The local console as a person uses it: lines in, answers out. */
class ConsoleSession {
  out = '';
  err = '';
  readonly child: ChildProcessWithoutNullStreams;

  constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    child.stdout.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (this.err += d.toString()));
  }

  /** Sends a question and returns the console's whole answer (up to its closing mode line). */
  async ask(question: string): Promise<string> {
    const mark = this.out.length;
    this.child.stdin.write(`${question}\n`);
    return eventually(`an answer to "${question}"`, () => {
      const reply = this.out.slice(mark);
      return /\(Quoted from the articles \(extract mode[^\n]*\n/.test(reply) ? reply : undefined;
    });
  }

  /** Asks until the answer satisfies `ok` (the archive catches up within seconds); returns that answer. */
  askUntil(question: string, what: string, ok: (answer: string) => boolean): Promise<string> {
    return eventually(what, async () => {
      const answer = await this.ask(question);
      return ok(answer) ? answer : undefined;
    });
  }
}

test('the console follows ARTICLES_DIR: added, changed, slowly written, foldered and removed files; temp files ignored; a vanished folder retracts nothing; a swapped folder is followed', async () => {
  const dir = path.join(root, 'articles');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(dir);
  fs.writeFileSync(
    path.join(dir, 'lighthouse.md'),
    story('Lighthouse keeper retires', ['The Alder Point lighthouse keeper, Marta Ekdahl, retired on Friday after 31 years.']),
  );
  const child = spawn(process.execPath, [...nodeArgs('src/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: root,
      ...TINY_MODEL_ENV,
      DATA_DIR: dataDir,
      ARTICLES_DIR: dir,
      WATCH_SETTLE_MS: '800',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
  });
  const session = new ConsoleSession(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), 6 * POLL_LIMIT_MS);
  let library: Library | null = null;
  try {
    await eventually('the console to start', () => (session.out.includes('this is the local console') ? true : undefined));
    assert.match(session.out, /Articles from .*: added 1 ·/);
    library = Library.open({ dataDir, hnsw: { m: 16, efConstruction: 100, efSearch: 50 }, readOnly: true });
    const lib = library;
    const stored = (id: string) => lib.catalog.getArticle(SHARED_COLLECTION, id);

    // Added by an atomic rename from a hidden temp file; editor and download temp files beside it are ignored.
    const junk = story('Quorvex draft', ['The Quorvex draft must never be stored.']);
    for (const name of [
      'notes.md.swp',
      'draft.md~',
      '.hidden.md',
      'download.md.crdownload',
      'copy.md.part',
      'save.md.tmp',
      '#autosave.md#',
    ]) {
      fs.writeFileSync(path.join(dir, name), junk);
    }
    const ferryV1 = story('Zephyrine ferry adds a route', [
      'The Zephyrine Ferry Company announced a new night route to Alder Island on Tuesday.',
    ]);
    fs.writeFileSync(path.join(dir, '.zephyrine-ferry.md.tmp'), ferryV1);
    fs.renameSync(path.join(dir, '.zephyrine-ferry.md.tmp'), path.join(dir, 'zephyrine-ferry.md'));
    const question = 'What did the Zephyrine Ferry Company announce?';
    const added = await session.askUntil(question, 'the added file to be answerable', (a) => a.includes('night route to Alder Island'));
    assert.match(added, /\[1\] Zephyrine ferry adds a route \(2026-06-01\)/);
    assert.deepEqual(
      lib.keywordSearch(toFtsQuery('Quorvex') ?? '', 5, { collections: [SHARED_COLLECTION] }),
      [],
      'a temp file was ingested',
    );
    assert.deepEqual(
      lib.catalog
        .listArticles()
        .map((a) => a.articleId)
        .sort(),
      ['lighthouse', 'zephyrine-ferry'],
    );

    // Changed in place: the new text is cited, marked as updated, and the old one is gone.
    fs.writeFileSync(
      path.join(dir, 'zephyrine-ferry.md'),
      story('Zephyrine ferry adds a route', ['The Zephyrine Ferry Company announced a new morning route to Alder Island on Tuesday.']),
    );
    const changed = await session.askUntil(question, 'the changed text to be cited', (a) => a.includes('morning route'));
    assert.doesNotMatch(changed, /night route/);
    assert.match(changed, /\[1\] Zephyrine ferry adds a route \(2026-06-01 · updated \d{4}-\d{2}-\d{2}[^)]*\)/);
    assert.equal(stored('zephyrine-ferry')?.published, '2026-06-01');

    // Written slowly, in pieces: stored once, whole (never a half file first, updated later).
    const pilots = [
      'Harbour pilots in Alder Harbour will work in pairs on night shifts from July, the port authority said.',
      'The change follows a review of two groundings last winter, neither of which caused injuries.',
      'Pilots will also receive a second radar display on the bridge of every vessel they board.',
      'The authority expects the changes to cost about 1.2 million dollars a year.',
    ];
    const pilotsFile = path.join(dir, 'harbour-pilots.md');
    const text = story('Harbour pilots to work in pairs at night', pilots);
    const pieces = [text.slice(0, 60), text.slice(60, 160), text.slice(160, 300), text.slice(300)];
    for (const piece of pieces) {
      fs.appendFileSync(pilotsFile, piece);
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    const pilotsStored = await eventually('the slowly written file to be stored', () => stored('harbour-pilots'));
    assert.equal(lib.catalog.getBody(SHARED_COLLECTION, 'harbour-pilots'), pilots.join('\n\n'));
    assert.equal(pilotsStored.updated, null, 'the file was stored before it was complete, then replaced');

    // A folder of articles comes and goes.
    fs.mkdirSync(path.join(dir, 'desk', 'tides'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'desk', 'tides', 'spring-tides.md'),
      story('Spring tides expected', ['Spring tides will flood the Eastmoor quay road on Sunday morning.']),
    );
    await session.askUntil('What will flood the Eastmoor quay road?', 'a file in a new folder to be answerable', (a) =>
      a.includes('Spring tides will flood'),
    );
    fs.rmSync(path.join(dir, 'desk'), { recursive: true });
    await eventually('the removed folder to be retracted', () => (stored('spring-tides') ? undefined : true));

    // A removed file is retracted: never cited again.
    fs.rmSync(path.join(dir, 'zephyrine-ferry.md'));
    await eventually('the removed file to be retracted', () => (stored('zephyrine-ferry') ? undefined : true));
    const gone = await session.ask(question);
    assert.doesNotMatch(gone, /Zephyrine ferry adds a route/);

    // The whole folder vanishing (an unmounted share) retracts nothing; it is followed again once back.
    const away = path.join(root, 'articles-away');
    fs.renameSync(dir, away);
    await eventually('a warning that the folder is gone', () =>
      session.err.includes('the articles folder is gone') || session.err.includes('cannot watch the articles folder') ? true : undefined,
    );
    assert.ok(stored('lighthouse') && stored('harbour-pilots'), 'articles were retracted when the folder vanished');
    fs.renameSync(away, dir);
    fs.writeFileSync(
      path.join(dir, 'after-return.md'),
      story('Ferry timetable restored', ['The winter ferry timetable returns on the first Monday of October.']),
    );
    await eventually('the folder to be followed again', () => stored('after-return'));
    assert.ok(stored('lighthouse') && stored('harbour-pilots'));

    // Another folder put in its place (a deployment swapping it): the new one is followed.
    const old = path.join(root, 'articles-old');
    fs.renameSync(dir, old);
    fs.cpSync(old, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'harbour-pilots.md'));
    fs.writeFileSync(
      path.join(dir, 'swapped-in.md'),
      story('Quay lights replaced', ['New lights were fitted along the Eastmoor quay on Wednesday.']),
    );
    fs.rmSync(old, { recursive: true });
    await eventually('the swapped-in folder to be followed', () => (stored('swapped-in') && !stored('harbour-pilots') ? true : undefined));
    assert.ok(stored('lighthouse') && stored('after-return'));

    child.stdin.write('/quit\n');
    assert.equal(await exited, 0, session.err);
  } finally {
    clearTimeout(killer);
    library?.close();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('hidden files, editor and download temp files are never read as articles', () => {
  for (const name of [
    '.draft.md',
    'notes/.git/config',
    'story.md.swp',
    'story.md~',
    'story.md.tmp',
    'story.md.crdownload',
    'story.md.part',
    '#story.md#',
    '~$story.md',
  ]) {
    assert.ok(isIgnoredPath(name), name);
  }
  for (const name of ['story.md', 'desk/2026/story.html', 'export.jsonl', 'tmp/story.md']) assert.ok(!isIgnoredPath(name), name);
});

test('a change that could not be applied (the library busy, a failed write) is tried again, not lost', async () => {
  const dir = fs.mkdtempSync(path.join(root, 'retry-'));
  const batches: FolderBatch[] = [];
  let attempts = 0;
  const watcher = new FolderWatcher({
    dir,
    settleMs: 100,
    logger: silentLogger,
    apply: async (batch) => {
      attempts++;
      if (attempts === 1) throw new Error('the library is busy');
      batches.push(batch);
    },
    resync: async () => {},
  });
  watcher.start();
  watcher.resume();
  try {
    const file = path.join(dir, 'late-story.md');
    fs.writeFileSync(file, story('A story written while the library was busy', ['It still reaches the archive.']));
    const applied = await eventually('the failed batch to be applied on a later try', () => batches.find((b) => b.read.includes(file)));
    assert.ok(attempts >= 2);
    assert.deepEqual(applied.prune, [file]);
  } finally {
    await watcher.stop();
  }
});
