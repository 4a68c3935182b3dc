import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { UserError } from '../src/errors.ts';
import { silentLogger } from '../src/log.ts';
import { AnswerLog } from '../src/readers/answer-log.ts';
import { backupLibrary, MANIFEST_FILE, type BackupManifest } from '../src/store/maintenance/backup.ts';
import { Library } from '../src/store/library.ts';
import { restoreLibrary } from '../src/store/maintenance/restore.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { syncArticlesDir } from '../src/sync.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { newsroomInProcess } from './support/in-process.ts';
import { articleVectors, paragraphChunks, syntheticArticle } from './support/synthetic.ts';

const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-answers-damaged-'));
  dirs.push(dir);
  return dir;
}

/** A small library with an answer log holding `answers` answers (and as many unanswered questions). */
async function libraryWithLog(answers = 200, dataDir = tempDir()): Promise<string> {
  const library = Library.open({ dataDir, hnsw: HNSW });
  try {
    await library.write(async (writer) => {
      for (const id of ['story-0', 'story-1']) {
        const article = syntheticArticle(id, [`First paragraph of ${id}.`, `Second paragraph of ${id}.`]);
        writer.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, articleVectors(id)), { id: 'test-model', dimensions: 16 });
      }
    });
  } finally {
    library.close();
  }
  const log = new AnswerLog(dataDir);
  for (let i = 0; i < answers; i++) {
    log.saveAnswer({
      guildId: 'g',
      userId: 'u',
      question: `Question ${i}?`,
      kind: 'answer',
      mode: 'llm',
      text: `Answer ${i}. `.repeat(30),
      citations: [],
    });
    log.recordUnanswered(`Unanswered ${i}?`, 'g', []);
  }
  log.close();
  return dataDir;
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function env(dataDir: string): Record<string, string> {
  return { ...TINY_MODEL_ENV, DATA_DIR: dataDir };
}

test('check finds a truncated or overwritten answers.sqlite, and --repair sets it aside and starts a new log', async () => {
  for (const damage of ['truncated', 'overwritten'] as const) {
    const dir = await libraryWithLog();
    const file = path.join(dir, 'answers.sqlite');
    const size = fs.statSync(file).size;
    if (damage === 'truncated') fs.truncateSync(file, Math.floor(size / 2));
    else {
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.alloc(16 * 1024, 0x5a), 0, 16 * 1024, 8 * 1024);
      fs.closeSync(fd);
    }
    const damagedBytes = sha256(file);

    const check = await newsroomInProcess(['check', '--json'], env(dir));
    assert.equal(check.code, 1, `${damage}: ${check.stdout}${check.stderr}`);
    const report = JSON.parse(check.stdout) as {
      healthy: boolean;
      answers: { integrity: string };
      findings: { kind: string; message: string }[];
    };
    assert.equal(report.healthy, false);
    assert.notEqual(report.answers.integrity, 'ok');
    const finding = report.findings.find((f) => f.kind.startsWith('answers-'));
    assert.ok(finding, `${damage}: ${JSON.stringify(report.findings)}`);
    assert.match(finding.message, /answers\.sqlite.*`--repair` sets it aside/);
    assert.equal(sha256(file), damagedBytes, 'check changes nothing');

    const repair = await newsroomInProcess(['check', '--repair'], env(dir));
    assert.equal(repair.code, 0, repair.stdout + repair.stderr);
    assert.match(repair.stdout, /set the damaged answers\.sqlite aside as answers\.sqlite\.damaged-/);
    assert.match(repair.stdout, /Healthy\./);
    const aside = fs.readdirSync(dir).find((n) => /^answers\.sqlite\.damaged-[\dT-]+Z$/.test(n));
    assert.ok(aside, fs.readdirSync(dir).join(', '));
    assert.equal(sha256(path.join(dir, aside)), damagedBytes, 'the damaged log is kept, as it was');
    const fresh = new AnswerLog(dir);
    assert.equal(fresh.status.recording, true);
    assert.deepEqual(fresh.unansweredQuestions(), []);
    fresh.close();
  }
});

test('restore refuses a backup whose answers.sqlite is damaged, even with a manifest updated to match, and changes nothing', async () => {
  const source = await libraryWithLog(50);
  const backupDir = path.join(tempDir(), 'backup');
  await backupLibrary({ dataDir: source, target: backupDir, hnsw: HNSW });
  const answers = path.join(backupDir, 'answers.sqlite');
  fs.writeFileSync(answers, Buffer.alloc(fs.statSync(answers).size, 0x42));
  const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, MANIFEST_FILE), 'utf8')) as BackupManifest;
  const files = manifest.files.map((f) => (f.name === 'answers.sqlite' ? { ...f, sha256: `sha256:${sha256(answers)}` } : f));
  fs.writeFileSync(path.join(backupDir, MANIFEST_FILE), JSON.stringify({ ...manifest, files }));

  const working = await libraryWithLog(3);
  const before = Object.fromEntries(fs.readdirSync(working).map((n) => [n, sha256(path.join(working, n))]));
  await assert.rejects(
    restoreLibrary({ source: backupDir, dataDir: working, force: true, lockWaitMs: 0 }),
    (error: unknown) => error instanceof UserError && /does not check out \(problems: answers-unreadable/.test(error.message),
  );
  assert.deepEqual(Object.fromEntries(fs.readdirSync(working).map((n) => [n, sha256(path.join(working, n))])), before);
});

test('the app starts with a damaged answers.sqlite: questions are answered, nothing is recorded, reading the log says how to repair it', async () => {
  const dataDir = tempDir();
  const config = loadConfig({ ...TINY_MODEL_ENV, DATA_DIR: dataDir, ARTICLES_DIR: path.join(ROOT, 'articles') }, ROOT);
  const first = await createApp(config, silentLogger);
  await syncArticlesDir(first);
  first.close();
  fs.writeFileSync(path.join(dataDir, 'answers.sqlite'), Buffer.alloc(64 * 1024, 0x42));
  const damagedBytes = sha256(path.join(dataDir, 'answers.sqlite'));

  const app = await createApp(config, silentLogger);
  try {
    assert.equal(app.answerLog.status.problem, 'damaged');
    assert.match(app.answerLog.status.reason ?? '', /answers\.sqlite is damaged .*check --repair/);
    const answered = await app.answerer.ask({ question: 'When did the Kestrel Street Bridge reopen?', collections: [SHARED_COLLECTION] });
    assert.equal(answered.kind, 'answer');
    const notFound = await app.answerer.ask({ question: 'What is the population of Port Alder?', collections: [SHARED_COLLECTION] });
    assert.equal(notFound.kind, 'not_found');
    assert.equal(
      app.answerLog.saveAnswer({ guildId: null, userId: 'u', question: 'q', kind: 'answer', mode: 'extractive', text: 't', citations: [] })
        .recorded,
      false,
    );
    assert.throws(
      () => app.answerLog.unansweredQuestions(),
      (error: unknown) => error instanceof UserError && /check --repair/.test(error.message),
    );
  } finally {
    app.close();
  }
  assert.equal(sha256(path.join(dataDir, 'answers.sqlite')), damagedBytes, 'the damaged log is left for check --repair');
});
