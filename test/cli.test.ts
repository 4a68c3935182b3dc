import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { AnswerResult } from '../src/answering/types.ts';
import type { Citation } from '../src/store/types.ts';
import { renderAnswer } from '../src/cli/render.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { nodeArgs } from './support/built.ts';
import { newsroomInProcess } from './support/in-process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-cli-'));
const inputs = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-cli-in-'));
after(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(inputs, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({ ...TINY_MODEL_ENV, DATA_DIR: dataDir, ...extra });

/** A `newsroom` command run in this process: output and exit status as from `npx newsroom`. */
function newsroom(args: string[], options: { env?: Record<string, string> } = {}) {
  return newsroomInProcess(args, env(options.env));
}

/** A separate Node process: for what reads stdin (the console, `newsroom chat`) or logs until the process ends. */
function spawned(args: string[], options: { env?: Record<string, string>; input?: string; entry?: string }) {
  const result = spawnSync(process.execPath, [...nodeArgs(options.entry ?? 'src/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: options.input ?? '',
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...TINY_MODEL_ENV, DATA_DIR: dataDir, ...options.env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(() => {
  fs.writeFileSync(path.join(inputs, 'empty.txt'), '');
  fs.writeFileSync(path.join(inputs, 'binary.md'), Buffer.from([0, 1, 2, 3, 255, 0, 7]));
  fs.writeFileSync(path.join(inputs, 'lines.jsonl'), '{"id":"a1","title":"Tide tables","body":"High tide is at noon."}\n{broken\n');
});

test('ingest prints one summary line, each failed file on stderr with its reason, and loads the rest', async () => {
  const result = await newsroom(['ingest', path.join(ROOT, 'articles'), inputs, path.join(inputs, 'missing-folder')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout.trim(), /^added 11 · updated 0 · unchanged 0 · removed 0 · failed 4 · \d+ chunks · \d+\.\d s$/);
  assert.match(result.stderr, /^✗ .*empty\.txt is empty$/m);
  assert.match(result.stderr, /^✗ .*binary\.md looks like a binary file/m);
  assert.match(result.stderr, /^✗ .*lines\.jsonl line 2/m);
  assert.match(result.stderr, /^✗ .*missing-folder does not exist$/m);
  // Not a terminal: no bar drawn with carriage returns, a plain closing line instead; no log lines by default.
  assert.doesNotMatch(result.stderr, /\r/);
  assert.match(result.stderr, /^ingesting: 13 files in \d+\.\d s$/m);
  assert.doesNotMatch(result.stderr, /"level":/);
  const again = await newsroom(['ingest', path.join(ROOT, 'articles'), '--json']);
  assert.equal(again.code, 0, again.stderr);
  const summary = JSON.parse(again.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(summary), [
    'added',
    'updated',
    'unchanged',
    'removed',
    'failed',
    'duplicates',
    'merged',
    'chunks',
    'pendingEmbeddings',
    'seconds',
    'failures',
    'embedded',
  ]);
  assert.deepEqual(
    { ...summary, seconds: 0 },
    {
      added: 0,
      updated: 0,
      unchanged: 10,
      removed: 0,
      failed: 0,
      duplicates: 0,
      merged: [],
      chunks: 0,
      pendingEmbeddings: 0,
      seconds: 0,
      failures: [],
      embedded: 0,
    },
  );
});

test('an ingest where nothing loads exits 1 and says why', async () => {
  const result = await newsroom(['ingest', path.join(inputs, 'empty.txt'), '--json']);
  assert.equal(result.code, 1);
  const summary = JSON.parse(result.stdout) as { failed: number; failures: { source: string; error: string }[] };
  assert.equal(summary.failed, 1);
  assert.match(summary.failures[0]?.error ?? '', /empty\.txt is empty/);
  assert.match(result.stderr, /✗ .*empty\.txt is empty/);
});

test('LOG_LEVEL=info makes the CLI log JSON lines to stderr, and stdout stays clean JSON', () => {
  // Spawned: the model logs from its own thread, and the process must end with the log complete.
  const result = spawned(['search', 'bridge', '--json'], { env: { LOG_LEVEL: 'info' } });
  assert.equal(result.code, 0, result.stderr);
  assert.ok((JSON.parse(result.stdout) as { results: unknown[] }).results.length > 0);
  const logs = result.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { level: number; msg: string });
  assert.ok(
    logs.some((l) => l.level === 30 && l.msg === 'embedding model loaded'),
    result.stderr,
  );
});

test('commands that only read what is stored (articles, gaps) never load the embedding model', () => {
  for (const command of [
    ['articles', '--json'],
    ['gaps', '--json'],
  ]) {
    const result = spawned(command, { env: { LOG_LEVEL: 'debug' } });
    assert.equal(result.code, 0, result.stderr);
    JSON.parse(result.stdout);
    assert.doesNotMatch(result.stderr, /embedding model|embedding worker/, command.join(' '));
  }
});

test('forget --json names what was removed; gaps --json lists the questions the archive could not answer', async () => {
  const asked = await newsroom(['ask', 'What colour is the zebra crossing on Mars?', '--json']);
  assert.equal((JSON.parse(asked.stdout) as { kind: string }).kind, 'not_found');
  const gaps = await newsroom(['gaps', '--json', '--limit', '5']);
  assert.equal(gaps.code, 0, gaps.stderr);
  const { unanswered } = JSON.parse(gaps.stdout) as { unanswered: Record<string, unknown>[] };
  assert.equal(unanswered[0]?.question, 'What colour is the zebra crossing on Mars?');
  assert.deepEqual(Object.keys(unanswered[0] ?? {}).sort(), [
    'closest',
    'count',
    'createdAt',
    'firstAskedAt',
    'guildId',
    'question',
    'wordings',
  ]);
  assert.equal(unanswered[0]?.count, 1);
  assert.ok(Array.isArray(unanswered[0]?.closest));
  assert.match((await newsroom(['gaps', '--limit', 'lots'])).stderr, /--limit must be a whole number from 1 to 1000 \(got "lots"\)/);

  const forget = await newsroom(['forget', 'a1', '--json']);
  assert.equal(forget.code, 0, forget.stderr);
  assert.deepEqual(JSON.parse(forget.stdout), { removed: { id: 'a1', title: 'Tide tables', collection: 'shared' }, kept: null });
  const again = await newsroom(['forget', 'a1', '--json']);
  assert.equal(again.code, 1);
  assert.equal(again.stdout, '');
  assert.match(again.stderr, /No stored article matches "a1"/);
});

test('npm start with a missing ARTICLES_DIR says so, instead of a bare "failed 1"', () => {
  const result = spawned([], { entry: 'src/main.ts', env: { ARTICLES_DIR: path.join(inputs, 'nonexistent') }, input: '/quit\n' });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Articles from .*nonexistent: added 0 · updated 0 · unchanged 0 · removed 0 · failed 1 · /m);
  assert.match(
    result.stdout,
    /^ {2}✗ ARTICLES_DIR is .*nonexistent, which does not exist\. Set ARTICLES_DIR to your articles folder, or leave it empty to sync nothing\.$/m,
  );
});

test('npm start lists why each article in ARTICLES_DIR failed; LOG_LEVEL and LOG_FORMAT reach the console too', () => {
  const result = spawned([], {
    entry: 'src/main.ts',
    env: { ARTICLES_DIR: inputs, LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' },
    input: '/quit\n',
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /failed 3 · /);
  assert.match(result.stdout, /^ {2}✗ .*empty\.txt is empty$/m);
  assert.match(result.stdout, /^ {2}✗ .*binary\.md looks like a binary file/m);
  assert.match(result.stderr, /^\[[\d:.]+\] INFO: embedding model loaded$/m);
});

test('search --json follows the documented shape', async () => {
  const result = await newsroom(['search', 'Kestrel Street Bridge', '--k', '3', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as { query: string; results: Record<string, unknown>[] };
  assert.equal(json.query, 'Kestrel Street Bridge');
  assert.equal(json.results.length, 3);
  assert.deepEqual(
    Object.keys(json.results[0] ?? {}).sort(),
    ['articleId', 'chunkId', 'end', 'published', 'score', 'start', 'text', 'title', 'url'].sort(),
  );
});

test('articles --json lists what is stored; bad queries and options get clear messages', async () => {
  const list = JSON.parse((await newsroom(['articles', '--json'])).stdout) as { articles: { id: string }[] };
  assert.equal(list.articles.length, 11);
  const empty = await newsroom(['search', '']);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /question is empty/);
  const badK = await newsroom(['search', 'bridge', '--k', 'many']);
  assert.equal(badK.code, 1);
  assert.match(badK.stderr, /--k must be a whole number/);
  const unknown = await newsroom(['search', 'bridge', '--nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unknown option --nope for newsroom search/);
});

test('ask --json in extract mode gives verbatim citations; summarize names ambiguous candidates', async () => {
  const ask = await newsroom(['ask', 'When did the Kestrel Street Bridge reopen?', '--json']);
  assert.equal(ask.code, 0, ask.stderr);
  const answer = JSON.parse(ask.stdout) as { kind: string; mode: string; citations: { excerpt: string }[] };
  assert.equal(answer.kind, 'answer');
  assert.equal(answer.mode, 'extractive');
  assert.ok(answer.citations.length > 0);
  const ambiguous = await newsroom(['summarize', 'kestrel', 'bridge']);
  assert.equal(ambiguous.code, 1);
  assert.match(ambiguous.stderr, /Several articles match "kestrel bridge"/);
  assert.match(ambiguous.stderr, /kestrel-bridge-reopens/);
  const summary = await newsroom(['summarize', 'kestrel-bridge-reopens', '--length', 'bullets']);
  assert.equal(summary.code, 0, summary.stderr);
  assert.match(summary.stdout, /^- .+\[1\]/m);
  const badLength = await newsroom(['summarize', 'kestrel-bridge-reopens', '--length', 'epic']);
  assert.match(badLength.stderr, /length must be one of brief, standard, bullets/);
});

test('commands run in-process write their results, progress and log lines to their own writers, two at once kept apart', async () => {
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-cli-fresh-'));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-cli-empty-'));
  try {
    const [ingested, listed] = await Promise.all([
      newsroom(['ingest', path.join(ROOT, 'articles/council-passes-2026-budget.md'), '--json'], {
        env: { DATA_DIR: fresh, LOG_LEVEL: 'info' },
      }),
      newsroom(['articles', '--json'], { env: { DATA_DIR: empty } }),
    ]);
    assert.equal(ingested.code, 0, ingested.stderr);
    assert.equal((JSON.parse(ingested.stdout) as { added: number }).added, 1);
    assert.match(ingested.stderr, /^ingesting: 1 files? in \d+\.\d s$/m);
    assert.match(ingested.stderr, /^\{"level":30,.*"msg":"embedding model loaded"\}$/m);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout), { articles: [] });
    assert.equal(listed.stderr, '');
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('invalid configuration lists every problem and exits 2', async () => {
  const result = await newsroom(['articles'], { env: { HNSW_M: 'lots', OPENAI_BASE_URL: 'ftp://x', EMBEDDING_MODEL: 'nope/model' } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /HNSW_M must be a whole number/);
  assert.match(result.stderr, /OPENAI_BASE_URL must be an http\(s\) URL/);
  assert.match(result.stderr, /EMBEDDING_MODEL "nope\/model" is not a known model/);
});

test('the chat console answers questions and commands as Discord will', () => {
  const result = spawned(['chat'], {
    input: '/help\nWhen did the Kestrel Street Bridge reopen?\n/articles bridge\n/summarize nothing-like-this\n/quit\n',
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Mode: extract mode/);
  assert.match(result.stdout, /Sources:\n\[1\]/);
  assert.match(result.stdout, /kestrel-bridge-reopens/);
  assert.match(result.stdout, /No stored article matches "nothing-like-this"/);
});

test("plain-text answers: only the bot's markers read as [n]; an article's own numbers are shown as ［7］", () => {
  const citation: Citation = {
    number: 1,
    articleId: 'ferry-fares-rise',
    collection: 'shared',
    title: 'Harbour ferry fares rise [7]',
    url: 'https://news.example/transit/ferry-fares-rise',
    published: '2026-03-02',
    updated: null,
    byline: 'Transit desk [2]',
    chunkId: 1,
    excerpt: "Fares will rise to $4.50, as the authority's report [7] recommended, up [1, 2].",
    start: 0,
    end: 10,
  };
  const result: AnswerResult = {
    kind: 'answer',
    mode: 'llm',
    question: 'How much will ferry fares rise?',
    text: 'Fares will rise to $4.50 [1].',
    citations: [citation],
    passages: [],
    closest: [],
    notices: [],
    asOf: '2026-03-02',
    time: { asOf: '2026-03-03', window: null, recency: 'recent' },
    model: 'test-model',
    usage: null,
    timings: { retrievalMs: 0, generationMs: 0, totalMs: 0 },
  };
  const out = renderAnswer(result);
  assert.match(out, /^Fares will rise to \$4\.50 \[1\]\./);
  assert.match(out, /\[1\] Harbour ferry fares rise ［7］ \(2026-03-02 · Transit desk ［2］\)/);
  assert.match(out, /report ［7］ recommended, up ［1, 2］/);
  assert.deepEqual(
    [...out.matchAll(/\[\d+(?:, \d+)*\]/g)].map((m) => m[0]),
    ['[1]', '[1]'],
  );
});
