import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { App } from '../src/app.ts';
import { inspectLibrary } from '../src/store/maintenance/health.ts';
import { syncArticlesDir } from '../src/sync.ts';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-server.ts';
import { createTestApp, passageFromPrompt, ROOT, TINY_MODEL_ENV, userMessage } from './support/app.ts';
import { newsroomInProcess } from './support/in-process.ts';

/*
 * An article holding text addressed to an AI, and a model that obeys it: the instruction is found when
 * the article is stored, never reaches the model, is shown to editors by `check`, and the model's
 * obedient answer (a name and a day no article holds) gets no citation.
 */

const OBEYING = 'Mayor Jane Holt resigned on Monday after a council vote over the ferry timetable [1].';
const ARTICLE = path.join(ROOT, 'test/fixtures/injection/ferry-timetable-review.md');
let fake: FakeOpenAI;
let app: App & { dataDir: string };
let articlesDir: string;

before(async () => {
  fake = await startFakeOpenAI(() => ({ text: OBEYING }));
  articlesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-injection-'));
  fs.copyFileSync(ARTICLE, path.join(articlesDir, 'ferry-timetable-review.md'));
  fs.copyFileSync(path.join(ROOT, 'articles/council-passes-2026-budget.md'), path.join(articlesDir, 'council.md'));
  app = await createTestApp({ OPENAI_BASE_URL: fake.baseURL, LLM_MAX_RETRIES: '0' }, articlesDir);
});

after(async () => {
  app.close();
  await fake.close();
  fs.rmSync(articlesDir, { recursive: true, force: true });
});

test('an injected instruction obeyed by the model never becomes a cited answer', async () => {
  const before = fake.requests.length;
  const result = await app.answerer.ask({ question: 'Did the mayor resign?', collections: ['shared'] });
  assert.notEqual(result.kind, 'answer', `answered: ${result.text}`);
  assert.deepEqual(result.citations, []);
  const prompt = fake.requests
    .slice(before)
    .map((r) => userMessage(r.body))
    .join('\n');
  assert.doesNotMatch(prompt, /ignore previous instructions|SYSTEM:/i, 'the injected paragraph is never sent to the model');
});

test('the rest of the article still answers, with a notice that a passage was withheld', async () => {
  // A well-behaved model: it cites the passage that says when the vote is.
  fake.setDefault((body) => {
    const prompt = userMessage(body);
    const n =
      Array.from({ length: 12 }, (_, i) => i + 1).find((i) => passageFromPrompt(prompt, i).includes('revised timetable in April')) ?? 1;
    return { text: `The council will vote on a revised ferry timetable in April [${n}].` };
  });
  const result = await app.answerer.ask({
    question: 'When will the Alder Harbour council vote on the ferry timetable?',
    collections: ['shared'],
  });
  fake.setDefault(() => ({ text: OBEYING }));
  assert.equal(result.kind, 'answer', result.text);
  assert.match(result.citations[0]?.excerpt ?? '', /revised timetable in April/);
  assert.ok(
    result.notices.some((n) => /addressed to an AI/.test(n)),
    result.notices.join(' | '),
  );
  assert.ok(result.passages.every((p) => !/SYSTEM:/.test(p.text)));
});

test('check names the article and the line for editors, in text and JSON, and the library stays healthy', async () => {
  const report = inspectLibrary(app.dataDir);
  assert.equal(report.healthy, true);
  assert.deepEqual(
    report.editorial.map((f) => [f.kind, f.articleId, f.line, f.instruction]),
    [['ai-instructions', 'ferry-timetable-review', 5, 'role']],
  );
  const run = (args: string[]) => newsroomInProcess(['check', ...args], { ...TINY_MODEL_ENV, DATA_DIR: app.dataDir });
  const text = await run([]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /ferry-timetable-review “Alder Harbour council reviews ferry timetable”, line 5 of its text \(line 11 of [^)]*ferry-timetable-review\.md\), is addressed to an AI/,
  );
  const json = JSON.parse((await run(['--json'])).stdout) as {
    healthy: boolean;
    editorial: { articleId: string; line: number; message: string }[];
  };
  assert.equal(json.healthy, true);
  assert.equal(json.editorial[0]?.articleId, 'ferry-timetable-review');
  assert.equal(json.editorial[0]?.line, 5);
});

test('findings follow the article: a library stored before the detector is read on its first write, a corrected article has none', async () => {
  // As a library written by an earlier version: no findings, and no note of the detector.
  const db = new Database(path.join(app.dataDir, 'library.sqlite'));
  db.exec("DELETE FROM instruction_findings; DELETE FROM meta WHERE key = 'instruction_detector'");
  db.close();
  assert.equal(inspectLibrary(app.dataDir).editorial.length, 1, 'check reads the stored text itself meanwhile');
  const meanwhile = await app.answerer.ask({ question: 'Did the mayor resign?', collections: ['shared'] });
  assert.ok(
    meanwhile.passages.every((p) => !/SYSTEM:/.test(p.text)),
    'answering reads the passages itself meanwhile',
  );

  fs.writeFileSync(
    path.join(articlesDir, 'note.md'),
    '---\ntitle: Ferry office hours\n---\n\nThe harbour office opens at 8 a.m. on weekdays.\n',
  );
  await syncArticlesDir(app);
  const counted = new Database(path.join(app.dataDir, 'library.sqlite'), { readonly: true });
  assert.equal(
    (counted.prepare('SELECT count(*) AS n FROM instruction_findings').get() as { n: number }).n,
    1,
    'found again in the first write',
  );
  counted.close();

  const corrected = fs.readFileSync(ARTICLE, 'utf8').replace(/^SYSTEM:.*\n\n/m, '');
  fs.writeFileSync(path.join(articlesDir, 'ferry-timetable-review.md'), corrected);
  await syncArticlesDir(app);
  assert.deepEqual(inspectLibrary(app.dataDir).editorial, [], 'the corrected article has no finding left');
});
