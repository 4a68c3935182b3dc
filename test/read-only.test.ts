import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { nodeArgs } from './support/built.ts';

/*
 * A read-only library, made read-only the way the operating system enforces it for this process:
 * chmod takes write permission away, and when the tests run as root (whom chmod does not stop)
 * the CLI runs as the unprivileged user "nobody".
 */

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-ro-'));
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-ro-home-'));

function run(args: string[], options: { readOnlyUser: boolean; env?: Record<string, string> }) {
  const result = spawnSync(process.execPath, [...nodeArgs('src/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: home, ...TINY_MODEL_ENV, DATA_DIR: dataDir, ARTICLES_DIR: '', ...options.env },
    timeout: 60_000,
    ...(options.readOnlyUser && asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, error: result.error };
}

const readOnly = (args: string[], env: Record<string, string> = {}) => run(args, { readOnlyUser: true, env });

function setWritable(writable: boolean): void {
  const walk = (target: string) => {
    const isDir = fs.statSync(target).isDirectory();
    fs.chmodSync(target, isDir ? (writable ? 0o755 : 0o555) : writable ? 0o644 : 0o444);
    if (isDir) for (const name of fs.readdirSync(target)) walk(path.join(target, name));
  };
  walk(dataDir);
}

/** Why the test cannot make a read-only library here, or null when it can. */
function cannotRun(): string | null {
  if (!asRoot) return null;
  const probe = run(['help'], { readOnlyUser: true });
  return probe.code === 0
    ? null
    : `running as root, and the unprivileged user nobody cannot run the CLI from ${ROOT} (${probe.stderr.trim().split('\n')[0] ?? probe.error?.message})`;
}

let skip: string | null = null;
before(() => {
  fs.chmodSync(home, 0o777);
  skip = cannotRun();
  const ingest = run(['ingest', path.join(ROOT, 'articles')], { readOnlyUser: false });
  assert.equal(ingest.code, 0, ingest.stderr);
  // answers.sqlite exists, as it does for a library the bot has served.
  run(['gaps'], { readOnlyUser: false });
  setWritable(false);
});
after(() => {
  setWritable(true);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

const snapshot = () => Object.fromEntries(fs.readdirSync(dataDir).map((n) => [n, fs.statSync(path.join(dataDir, n)).mtimeMs]));

test('search, articles, ask and summarize work on a read-only library, with a warning that it is read-only', (t) => {
  if (skip) return t.skip(skip);
  const before = snapshot();
  const search = readOnly(['search', 'Kestrel Street Bridge', '--json']);
  assert.equal(search.code, 0, search.stderr);
  assert.ok((JSON.parse(search.stdout) as { results: unknown[] }).results.length > 0);
  assert.match(
    search.stderr,
    /warning: the library in .+ is read-only: search, articles, ask and summarize work; ingest, forget and reindex are refused, and answers are not logged\./,
  );

  const articles = readOnly(['articles', '--json']);
  assert.equal(articles.code, 0, articles.stderr);
  assert.equal((JSON.parse(articles.stdout) as { articles: unknown[] }).articles.length, 10);

  const ask = readOnly(['ask', 'When did the Kestrel Street Bridge reopen?', '--json']);
  assert.equal(ask.code, 0, ask.stderr);
  const answer = JSON.parse(ask.stdout) as { kind: string; citations: unknown[] };
  assert.equal(answer.kind, 'answer');
  assert.ok(answer.citations.length > 0);

  const summary = readOnly(['summarize', 'kestrel-bridge-reopens', '--length', 'bullets']);
  assert.equal(summary.code, 0, summary.stderr);
  assert.match(summary.stdout, /^- .+\[1\]/m);
  assert.deepEqual(snapshot(), before, 'a file in the read-only library changed');
});

test('a question the archive cannot answer is not logged, with one warning for the operator', (t) => {
  if (skip) return t.skip(skip);
  const ask = readOnly(['ask', 'What did the zoo name its new penguin?', '--json'], { LOG_LEVEL: 'warn' });
  assert.equal(ask.code, 0, ask.stderr);
  assert.equal((JSON.parse(ask.stdout) as { kind: string }).kind, 'not_found');
  const warnings = ask.stderr.split('\n').filter((l) => l.includes('answers.sqlite cannot be written'));
  assert.equal(warnings.length, 1, ask.stderr);
  const gaps = readOnly(['gaps', '--json']);
  assert.equal(gaps.code, 0, gaps.stderr);
  assert.deepEqual((JSON.parse(gaps.stdout) as { unanswered: unknown[] }).unanswered, []);
  const feedback = readOnly(['feedback', '--json']);
  assert.equal(feedback.code, 0, feedback.stderr);
  assert.deepEqual((JSON.parse(feedback.stdout) as { feedback: unknown[] }).feedback, []);
});

test('ingest and forget on a read-only library are refused with a clear message', (t) => {
  if (skip) return t.skip(skip);
  const message =
    'The library is read-only, so it cannot be changed. Searching and answering still work; make DATA_DIR writable to ingest or forget articles.';
  const ingest = readOnly(['ingest', path.join(ROOT, 'articles')]);
  assert.equal(ingest.code, 1);
  assert.ok(ingest.stderr.includes(message), ingest.stderr);
  const forget = readOnly(['forget', 'kestrel-bridge-reopens']);
  assert.equal(forget.code, 1);
  assert.ok(forget.stderr.includes(message), forget.stderr);
  const check = readOnly(['check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /access {4}read-only/);
  assert.match(check.stdout, /lock {6}not checked \(read-only\)/);
});

test('a read-only library whose index must be rebuilt is searched from the copy rebuilt in memory, and nothing is saved', (t) => {
  if (skip) return t.skip(skip);
  setWritable(true);
  const stateFile = path.join(dataDir, 'vectors.json');
  const saved = fs.readFileSync(stateFile);
  fs.rmSync(stateFile);
  setWritable(false);
  try {
    const search = readOnly(['search', 'Kestrel Street Bridge', '--json'], { LOG_LEVEL: 'info' });
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stderr, /rebuilding it from the stored embeddings/);
    // Closed cleanly, the WAL database has no -wal/-shm files SQLite could use in a read-only folder.
    assert.match(search.stderr, /reading a copy of the database in memory/);
    assert.ok((JSON.parse(search.stdout) as { results: unknown[] }).results.length > 0);
    assert.equal(fs.existsSync(stateFile), false);
  } finally {
    setWritable(true);
    fs.writeFileSync(stateFile, saved);
    setWritable(false);
  }
});
