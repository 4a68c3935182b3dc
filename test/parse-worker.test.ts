import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { LoadResult } from '../src/articles/article.ts';
import { loadPaths, loadUrl, MAX_NESTING_DEPTH, parseArticleBuffer, ParsePool } from '../src/articles/index.ts';
import { loadMessages } from '../src/messages/articles.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { nestedHtml, nestedJsonArrays, nestedMarkdownList, wideNestedHtml } from './support/hostile.ts';
import { parseAllowedHosts } from '../src/net/address-policy.ts';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'newsroom-parse-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function errorOf(result: LoadResult | undefined): string {
  assert.ok(result, 'expected a result');
  assert.ok(!result.ok, `expected a failure, got article ${result.ok ? result.article.id : ''}`);
  return result.error;
}

function titleOf(result: LoadResult | undefined): string {
  assert.ok(result?.ok, `expected an article, got: ${result && !result.ok ? result.error : 'nothing'}`);
  return result.article.title;
}

const STORY = '# Ferry timetable changes\n\nThe harbour ferry runs every 20 minutes from Monday.\n';

test('a page nested 20,000 levels deep is refused by name at once; a page nested 200 levels loads', async () => {
  const [deep] = await parseArticleBuffer('deep.html', Buffer.from(nestedHtml(20_000)), '/store/deep.html');
  assert.equal(errorOf(deep), loadMessages.nestedTooDeep('deep.html', MAX_NESTING_DEPTH));
  assert.match(errorOf(deep), /deep\.html nests its elements more than 256 levels deep/);

  const [fine] = await parseArticleBuffer('fine.html', Buffer.from(nestedHtml(200)), '/store/fine.html');
  assert.equal(titleOf(fine), 'Nested');
});

test('a JSON export: a record whose HTML body nests too deep fails alone; nested arrays are not articles', async () => {
  const records = [
    { id: 'ok-1', title: 'Council meets', body: '<p>The council met on Tuesday.</p>' },
    { id: 'hostile', title: 'Deep', body: nestedHtml(5_000) },
  ];
  const [first, second] = await parseArticleBuffer('export.json', Buffer.from(JSON.stringify(records)), '/store/export.json');
  assert.equal(titleOf(first), 'Council meets');
  assert.equal(errorOf(second), loadMessages.nestedTooDeep('export.json record 2', MAX_NESTING_DEPTH));

  const [arrays] = await parseArticleBuffer('arrays.json', Buffer.from(nestedJsonArrays(100_000)), '/store/arrays.json');
  assert.equal(errorOf(arrays), loadMessages.recordNotObject('arrays.json record 1'));
});

test('a Markdown list indented 3,000 levels loads (indentation past 16 columns is cut back before parsing)', async () => {
  const [list] = await parseArticleBuffer('list.md', Buffer.from(nestedMarkdownList(3_000)), '/store/list.md');
  assert.equal(titleOf(list), 'Nested list');
});

test('a document past the time limit is stopped and refused by name; documents queued behind it still load', async (t) => {
  const pool = new ParsePool({ workers: 1, timeLimitMs: 500 });
  t.after(() => pool.close());
  const slow = pool.parse('wide.html', Buffer.from(wideNestedHtml(300, 250)), '/store/wide.html');
  const after = [1, 2, 3].map((n) => pool.parse(`story-${n}.md`, Buffer.from(STORY), `/store/story-${n}.md`));

  const [refused] = await slow;
  assert.equal(refused?.where, 'wide.html');
  assert.equal(errorOf(refused?.result), loadMessages.parseTimeout('wide.html', 500));
  for (const [n, parsed] of (await Promise.all(after)).entries()) {
    assert.equal(titleOf(parsed[0]?.result), 'Ferry timetable changes', `story-${n + 1}.md`);
  }
  // The stopped worker was replaced: the pool keeps parsing.
  const [later] = await pool.parse('later.md', Buffer.from(STORY), '/store/later.md');
  assert.equal(titleOf(later?.result), 'Ferry timetable changes');
});

test('a document that needs more memory than a worker may use is refused by name; the pool goes on', async (t) => {
  const pool = new ParsePool({ workers: 1, heapMb: 32 });
  t.after(() => pool.close());
  const paragraph = '<p>The harbour board met again on Tuesday and the vote was delayed once more.</p>\n';
  const page = `<html><head><title>Big</title></head><body><article>${paragraph.repeat(60_000)}</article></body></html>`;
  const [refused] = await pool.parse('big.html', Buffer.from(page), '/store/big.html');
  assert.equal(errorOf(refused?.result), loadMessages.parseOutOfMemory('big.html'));
  const [later] = await pool.parse('later.md', Buffer.from(STORY), '/store/later.md');
  assert.equal(titleOf(later?.result), 'Ferry timetable changes');
});

test('the main thread keeps running while a hostile document is parsed', async (t) => {
  const pool = new ParsePool({ workers: 1, timeLimitMs: 1_000 });
  t.after(() => pool.close());
  const order: string[] = [];
  const parsing = pool.parse('wide.html', Buffer.from(wideNestedHtml(300, 250)), '/store/wide.html').then(() => order.push('parsed'));
  // Timers due long before the parse can end: on the main thread they would all wait for it.
  await Promise.all(
    [10, 50, 100].map((ms) => new Promise<void>((resolve) => setTimeout(() => resolve(void order.push(`timer ${ms}`)), ms))),
  );
  await parsing;
  assert.deepEqual(order, ['timer 10', 'timer 50', 'timer 100', 'parsed']);
});

test('loadPaths refuses a hostile file by name and loads the rest of the folder', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'a-story.md'), STORY);
  await writeFile(path.join(dir, 'b-deep.html'), nestedHtml(2_000));
  const results: LoadResult[] = [];
  for await (const result of loadPaths([dir])) results.push(result);
  assert.equal(results.length, 2);
  assert.equal(titleOf(results[0]), 'Ferry timetable changes');
  assert.equal(errorOf(results[1]), loadMessages.nestedTooDeep(path.join(dir, 'b-deep.html'), MAX_NESTING_DEPTH));
});

test('loadUrl refuses a hostile page with the same message', async (t) => {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(nestedHtml(2_000)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deep`;
  const result = await loadUrl(address, { timeoutMs: 5_000, maxBytes: 1024 * 1024, policy: parseAllowedHosts('127.0.0.1').policy });
  assert.equal(errorOf(result), loadMessages.nestedTooDeep(address, MAX_NESTING_DEPTH));
});

test('`npx newsroom` (tsx registered through its API, not --import) starts the parse worker too', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'ferry.md'), STORY);
  await writeFile(path.join(dir, 'deep.html'), nestedHtml(2_000));
  const dataDir = await tempDir(t);
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/newsroom.js'), 'ingest', dir], {
    cwd: os.tmpdir(),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...TINY_MODEL_ENV, DATA_DIR: dataDir },
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^added 1 · updated 0 · unchanged 0 · removed 0 · failed 1 /);
  assert.match(result.stderr, /deep\.html nests its elements more than 256 levels deep/);
});
