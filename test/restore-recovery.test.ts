import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writeJsonAtomically } from '../src/store/atomic-file.ts';
import { AnswerLog } from '../src/readers/answer-log.ts';
import { backupLibrary } from '../src/store/maintenance/backup.ts';
import { Library } from '../src/store/library.ts';
import { newJournal, RESTORE_JOURNAL_FILE, type RestorePhase } from '../src/store/maintenance/restore-journal.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { TINY_MODEL_ENV } from './support/app.ts';
import { newsroomInProcess } from './support/in-process.ts';
import { articleVectors, paragraphChunks, syntheticArticle } from './support/synthetic.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-restore-recovery-'));
  dirs.push(dir);
  return dir;
}

/** A library of `<prefix>-0…` articles with an answer log holding one question per article. */
async function libraryWith(prefix: string, count: number, dataDir = tempDir()): Promise<string> {
  const library = Library.open({ dataDir, hnsw: HNSW });
  try {
    await library.write(async (writer) => {
      for (let i = 0; i < count; i++) {
        const id = `${prefix}-${i}`;
        const article = syntheticArticle(id, [`First paragraph of ${id}.`, `Second paragraph of ${id}.`]);
        writer.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, articleVectors(id)), { id: 'test-model', dimensions: 16 });
      }
    });
  } finally {
    library.close();
  }
  const log = new AnswerLog(dataDir);
  for (let i = 0; i < count; i++) log.recordUnanswered(`Who wrote ${prefix}-${i}?`, null, []);
  log.close();
  return dataDir;
}

function storedIds(dataDir: string): string[] {
  const library = Library.open({ dataDir, hnsw: HNSW, readOnly: true });
  try {
    return library.catalog
      .listArticles([SHARED_COLLECTION])
      .map((a) => a.articleId)
      .sort();
  } finally {
    library.close();
  }
}

function questions(dataDir: string): string[] {
  const log = new AnswerLog(dataDir, { readOnly: true });
  try {
    return log
      .unansweredQuestions()
      .map((q) => q.question)
      .sort();
  } finally {
    log.close();
  }
}

const env = (dataDir: string) => ({ ...TINY_MODEL_ENV, DATA_DIR: dataDir });

/**
 * DATA_DIR as a restore leaves it when killed at `phase`, after `moved` of that phase's files were
 * moved: the checked copy of the backup in `.restore-<pid>-…`, the journal written before anything
 * moved, the previous library's files partly or wholly in `.replaced-<pid>-…`. The pid is of a
 * process that has exited, as a killed restore's would be.
 */
async function interruptedRestore(phase: RestorePhase, moved: number): Promise<{ dataDir: string; backup: string }> {
  const dataDir = await libraryWith('current', 2);
  const backup = path.join(tempDir(), 'backup');
  await backupLibrary({ dataDir: await libraryWith('backed-up', 3), target: backup, hnsw: HNSW });
  const pid = spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;
  const copy = `.restore-${pid}-a1b2c3`;
  const aside = `.replaced-${pid}-d4e5f6`;
  fs.mkdirSync(path.join(dataDir, copy));
  fs.mkdirSync(path.join(dataDir, aside));
  const restored = ['library.sqlite', 'vectors.json', 'vectors.hnsw', 'answers.sqlite'].map((name) => {
    fs.copyFileSync(path.join(backup, name), path.join(dataDir, copy, name));
    return { name, bytes: fs.statSync(path.join(backup, name)).size };
  });
  const previous = ['vectors.hnsw', 'vectors.json', 'answers.sqlite', 'library.sqlite'].filter((n) => fs.existsSync(path.join(dataDir, n)));
  for (const side of ['-wal', '-shm']) fs.rmSync(path.join(dataDir, `library.sqlite${side}`), { force: true });
  const journal = { ...newJournal({ source: backup, copy, aside, previous, restored }), pid, phase };
  writeJsonAtomically(path.join(dataDir, RESTORE_JOURNAL_FILE), journal);
  const setAside = phase === 'set-aside' ? previous.slice(0, moved) : previous;
  for (const name of setAside) fs.renameSync(path.join(dataDir, name), path.join(dataDir, aside, name));
  if (phase === 'move-in')
    for (const { name } of restored.slice(0, moved)) fs.renameSync(path.join(dataDir, copy, name), path.join(dataDir, name));
  return { dataDir, backup };
}

interface CheckJson {
  healthy: boolean;
  findings: { kind: string; problem: boolean; message: string }[];
}

test('killed after the old library was set aside: check names the interrupted restore (not "no library"), the library is not opened, --repair finishes it', async () => {
  const { dataDir, backup } = await interruptedRestore('set-aside', 4);
  assert.equal(fs.existsSync(path.join(dataDir, 'library.sqlite')), false);

  const check = await newsroomInProcess(['check', '--json'], env(dataDir));
  assert.equal(check.code, 1, check.stderr);
  const report = JSON.parse(check.stdout) as CheckJson;
  assert.deepEqual(
    report.findings.filter((f) => f.problem).map((f) => f.kind),
    ['restore-interrupted'],
  );
  const message = report.findings[0]?.message ?? '';
  assert.match(
    message,
    new RegExp(
      `A restore from ${backup.replaceAll('/', '\\/')} .* was stopped while setting the previous library aside; the previous library's files are in \\.replaced-`,
    ),
  );
  assert.match(message, /`--repair` \(or the next restore\) finishes it/);

  const search = await newsroomInProcess(['search', 'paragraph'], env(dataDir));
  assert.equal(search.code, 1);
  assert.match(search.stderr + search.stdout, /has not finished, so the library cannot be opened now.*check --repair/s);
  assert.equal(fs.existsSync(path.join(dataDir, 'answers.sqlite')), false, 'no empty answer log was started meanwhile');

  const repair = await newsroomInProcess(['check', '--repair'], env(dataDir));
  assert.equal(repair.code, 0, repair.stdout + repair.stderr);
  assert.match(repair.stdout, /finished the restore from .* that had been stopped part-way/);
  assert.deepEqual(storedIds(dataDir), ['backed-up-0', 'backed-up-1', 'backed-up-2']);
  assert.deepEqual(
    questions(dataDir),
    ['Who wrote backed-up-0?', 'Who wrote backed-up-1?', 'Who wrote backed-up-2?'],
    "the backup's answer log, not a new one",
  );
  assert.deepEqual(
    fs.readdirSync(dataDir).filter((n) => n.startsWith('.') || n === RESTORE_JOURNAL_FILE),
    [],
  );
});

test('killed while moving the backup in: --repair moves the stranded answers.sqlite in too; one set aside part-way finishes as well', async () => {
  for (const [phase, moved] of [
    ['move-in', 2],
    ['set-aside', 1],
  ] as const) {
    const { dataDir } = await interruptedRestore(phase, moved);
    const repair = await newsroomInProcess(['check', '--repair'], env(dataDir));
    assert.equal(repair.code, 0, `${phase}: ${repair.stdout}${repair.stderr}`);
    assert.deepEqual(storedIds(dataDir), ['backed-up-0', 'backed-up-1', 'backed-up-2']);
    assert.equal(questions(dataDir).length, 3);
    assert.deepEqual(
      fs.readdirSync(dataDir).filter((n) => n.startsWith('.') || n === RESTORE_JOURNAL_FILE),
      [],
    );
  }
});

test('an interrupted restore whose copy is no longer whole is undone: the previous library comes back', async () => {
  const { dataDir } = await interruptedRestore('move-in', 1);
  const copy = fs.readdirSync(dataDir).find((n) => n.startsWith('.restore-')) as string;
  fs.rmSync(path.join(dataDir, copy, 'vectors.hnsw'));
  const check = JSON.parse((await newsroomInProcess(['check', '--json'], env(dataDir))).stdout) as CheckJson;
  assert.match(check.findings.find((f) => f.kind === 'restore-interrupted')?.message ?? '', /no longer whole, so `--repair` undoes it/);
  const repair = await newsroomInProcess(['check', '--repair'], env(dataDir));
  assert.equal(repair.code, 0, repair.stdout + repair.stderr);
  assert.match(repair.stdout, /undid the restore/);
  assert.deepEqual(storedIds(dataDir), ['current-0', 'current-1']);
  assert.deepEqual(questions(dataDir), ['Who wrote current-0?', 'Who wrote current-1?']);
});

test('a new restore finishes an interrupted one first, then does its own', async () => {
  const { dataDir } = await interruptedRestore('set-aside', 4);
  const other = path.join(tempDir(), 'other');
  await backupLibrary({ dataDir: await libraryWith('other', 1), target: other, hnsw: HNSW });
  const refused = await newsroomInProcess(['restore', other], env(dataDir));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /already holds a library/, 'the interrupted restore was finished, so a library is there now');
  assert.deepEqual(storedIds(dataDir), ['backed-up-0', 'backed-up-1', 'backed-up-2']);
  const forced = await newsroomInProcess(['restore', other, '--force'], env(dataDir));
  assert.equal(forced.code, 0, forced.stdout + forced.stderr);
  assert.deepEqual(storedIds(dataDir), ['other-0']);
});

test('a restore writes its journal before moving anything and leaves none behind', async () => {
  const dataDir = await libraryWith('current', 2);
  const backup = path.join(tempDir(), 'backup');
  await backupLibrary({ dataDir: await libraryWith('backed-up', 1), target: backup, hnsw: HNSW });
  const restore = await newsroomInProcess(['restore', backup, '--force'], env(dataDir));
  assert.equal(restore.code, 0, restore.stdout + restore.stderr);
  assert.deepEqual(
    fs.readdirSync(dataDir).filter((n) => n.startsWith('.') || n === RESTORE_JOURNAL_FILE),
    [],
  );
  const check = JSON.parse((await newsroomInProcess(['check', '--json'], env(dataDir))).stdout) as CheckJson;
  assert.equal(check.healthy, true);
});
