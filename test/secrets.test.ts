import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseArticleBuffer } from '../src/articles/index.ts';
import { loadPaths } from '../src/articles/load.ts';
import { buildArticle } from '../src/articles/validate.ts';
import type { IngestSummary } from '../src/ingest.ts';
import { createLogger } from '../src/log.ts';
import { logSync } from '../src/sync.ts';
import { findCredentials, notArticleKind } from '../src/text/credentials.ts';
import { followArticlesDir } from '../src/watch/follow-articles.ts';
import { createTestApp, TINY_MODEL_ENV } from './support/app.ts';
import { waitUntil } from './support/wait.ts';
import { newsroomInProcess } from './support/in-process.ts';

/*
 * Files and text that must never become a stored (and so publicly quoted) article: a symbolic link in
 * the articles folder pointing at the service's env file, a ".txt" that is an env or key file, and
 * article text holding a credential. Every refusal names the kind and the line, never the secret.
 */

// Made-up values of each format: no real credential.
const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';
const OPENAI_KEY = 'sk-proj-abc123def456ghi789jkl012mno345';
const ENV_FILE = `# newsroom-bot\nDISCORD_TOKEN=${DISCORD_TOKEN}\nOPENAI_API_KEY=${OPENAI_KEY}\nHTTP_PORT=9464\n`;
const SECRETS = [DISCORD_TOKEN, OPENAI_KEY];

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-secrets-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function folder(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const story = (title: string, body: string) => `---\ntitle: ${title}\npublished: 2026-03-02\n---\n\n${body}\n`;

async function load(paths: string[], options: Parameters<typeof loadPaths>[1] = {}) {
  const results = [];
  for await (const r of loadPaths(paths, options)) results.push(r);
  return results;
}

function assertNoSecret(text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `a message echoed a secret: ${text}`);
}

test('a symbolic link in the articles folder is not followed unless FOLLOW_SYMLINKS allows it, and never out of the folder with "inside"', async () => {
  const etc = folder('etc');
  const drop = folder('drop');
  fs.writeFileSync(path.join(etc, 'newsroom-bot.env'), ENV_FILE);
  fs.symlinkSync(path.join(etc, 'newsroom-bot.env'), path.join(drop, 'press-release.txt'));
  fs.writeFileSync(
    path.join(drop, 'ferry.md'),
    story('Ferry fares rise', 'Harbour ferry fares rise to $4.50 in April, the operator said on Monday.'),
  );
  fs.symlinkSync(path.join(drop, 'ferry.md'), path.join(drop, 'ferry-link.md'));

  const off = await load([drop], { root: drop });
  assert.deepEqual(
    off.filter((r) => r.ok).map((r) => r.ok && r.article.id),
    ['ferry'],
  );
  const refused = off.flatMap((r) => (r.ok ? [] : [r.error]));
  assert.equal(refused.length, 2);
  assert.ok(
    refused.every((e) => /is a symbolic link, and links in the articles folder are not followed/.test(e)),
    refused.join('\n'),
  );

  const inside = await load([drop], { root: drop, links: 'inside' });
  assert.ok(inside.some((r) => !r.ok && /press-release\.txt is a symbolic link to a file outside the folder/.test(r.error)));
  assert.ok(
    inside.some((r) => r.ok && r.article.id === 'ferry-link'),
    'the link inside the folder is read',
  );

  // Even followed, the env file is judged by its content: not an article.
  const all = await load([drop], { root: drop, links: 'all' });
  const envRefusal = all.find((r) => !r.ok && r.source.endsWith('press-release.txt'));
  assert.match(envRefusal && !envRefusal.ok ? envRefusal.error : '', /looks like a configuration file/);
  for (const r of [...off, ...inside, ...all]) if (!r.ok) assertNoSecret(r.error);

  // A path the followed folder names (the watcher's batches) is judged the same way.
  const named = await load([path.join(drop, 'press-release.txt')], { root: drop });
  assert.match(!named[0]?.ok ? (named[0]?.error ?? '') : '', /is a symbolic link/);
});

test('a file is judged by its content, not its name: env, key and binary files named .txt are refused', async () => {
  const dir = folder('content');
  fs.writeFileSync(path.join(dir, 'notes.txt'), ENV_FILE);
  fs.writeFileSync(
    path.join(dir, 'id.txt'),
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n',
  );
  fs.writeFileSync(
    path.join(dir, 'cert.md'),
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUgZm9yIHRlc3RzMAoGCCqGSM49BAMC\n-----END CERTIFICATE-----\n',
  );
  fs.writeFileSync(path.join(dir, 'program.txt'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]));
  const errors = (await load([dir])).map((r) => (r.ok ? `stored ${r.article.id}` : r.error));
  assert.deepEqual(
    errors.map((e) => e.replace(`${dir}/`, '')),
    [
      'cert.md looks like a key or certificate file, not an article, so it was not read',
      'id.txt looks like a key or certificate file, not an article, so it was not read',
      'notes.txt looks like a configuration file (NAME=value lines), not an article, so it was not read',
      'program.txt looks like a binary file, not text',
    ],
  );
  assert.equal(
    notArticleKind('Ferry fares\n\nThe operator set FARE=4.50 in its tariff table, the filing shows.\n\nRiders pay more from April.'),
    null,
  );
});

test('article text holding a credential is refused, naming the kind and the line, never the text; --allow-secrets stores it', async () => {
  const dir = folder('leak');
  const leak = path.join(dir, 'ferry-app.md');
  fs.writeFileSync(
    leak,
    story('Ferry app launches', `The harbour ferry app launched on Monday.\n\nIts test account used the key ${OPENAI_KEY} until Friday.`),
  );
  const [refused] = await load([leak]);
  assert.ok(refused && !refused.ok);
  assert.equal(
    refused.error,
    `${leak}, line 8, holds what looks like an API secret key (sk-…), so it was not stored. If it belongs in the story, an operator can store it anyway with \`newsroom ingest --allow-secrets\``,
  );
  const [allowed] = await load([leak], { allowCredentials: true });
  assert.ok(allowed?.ok);

  const dataDir = path.join(root, 'cli-data');
  const run = (args: string[]) => newsroomInProcess(['ingest', ...args, leak], { ...TINY_MODEL_ENV, DATA_DIR: dataDir });
  const without = await run([]);
  assert.equal(without.code, 1);
  assert.match(without.stderr, /holds what looks like an API secret key/);
  assertNoSecret(without.stderr + without.stdout);
  const withFlag = await run(['--allow-secrets']);
  assert.equal(withFlag.code, 0, withFlag.stderr);
  assert.match(withFlag.stdout, /added 1/);
});

test('each kind of credential is found; ordinary news and placeholders are not', () => {
  const kinds: [string, string][] = [
    [`token ${DISCORD_TOKEN} here`, 'discord-token'],
    [`key ${OPENAI_KEY}`, 'openai-key'],
    ['id AKIAIOSFODNN7EXAMPLE used', 'aws-key'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'private-key'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789AB', 'github-token'],
    ['xoxb-1234567890-abcdefghij', 'slack-token'],
    ['AIzaSyA1234567890abcdefghijklmnopqrstuv', 'google-key'],
    ['sk_live_abcdefghijklmnop1234', 'stripe-key'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N', 'jwt'],
    ['postgres://editor:hunter2x@db.example:5432/news', 'url-password'],
    ['DB_PASSWORD=correct-horse-battery', 'secret-assignment'],
    ['export API_KEY="a8f5f167f44f4964e6c998dee827110c"', 'secret-assignment'],
    ['https://cms.example/feed?access_token=abcdef123456', 'secret-assignment'],
  ];
  for (const [text, kind] of kinds) assert.equal(findCredentials(text)[0]?.kind, kind, text);
  const news = [
    'The task-force report, released on Monday, runs to 412 pages.',
    'Police said the password to the council Wi-Fi had been posted on a noticeboard.',
    'The mayor said the token fare of $1 would stay, and the secret ballot passed 7-2.',
    'Set DISCORD_TOKEN=<your bot token> and OPENAI_API_KEY=your-key-here in .env.',
    'Read more at https://news.example/ferry?page=2&ref=home.',
    'The AKIA Corporation, a Finnish ferry builder, won the contract.',
  ];
  for (const text of news) assert.deepEqual(findCredentials(text), [], text);
});

test('attachments, fetched pages and feed items refuse credentials too (Discord /ingest has no override)', async () => {
  const [page] = await parseArticleBuffer(
    'notice.html',
    Buffer.from(
      `<html><head><title>Ferry notice</title></head><body><article><p>The ferry runs hourly.</p><p>Bot token: ${DISCORD_TOKEN}</p></article></body></html>`,
    ),
    'https://news.example/notice',
    { format: 'html' },
  );
  assert.ok(page && !page.ok);
  assert.match(page.error, /holds what looks like a Discord bot token/);
  assertNoSecret(page.error);
  const item = buildArticle(
    { title: 'Ferry notice', body: `The ferry runs hourly. DB_PASSWORD=hunter2-and-more` },
    { where: 'feed item “Ferry notice”', source: 'https://news.example/notice', fallbackId: 'notice', titleHint: '' },
  );
  assert.ok(!item.ok);
  assert.match(item.error, /^feed item “Ferry notice”, line 2, holds what looks like a password, token or key setting/);
});

test('the watched folder refuses a symbolic link dropped into it and logs why, without the secret', async () => {
  const etc = folder('watch-etc');
  const dir = folder('watched');
  fs.writeFileSync(path.join(etc, 'newsroom-bot.env'), ENV_FILE);
  fs.writeFileSync(
    path.join(dir, 'ferry.md'),
    story('Ferry fares rise', 'Harbour ferry fares rise to $4.50 in April, the operator said on Monday.'),
  );
  const app = await createTestApp({ WATCH_SETTLE_MS: '200' }, dir);
  const lines: string[] = [];
  const logger = createLogger('info', { format: 'json', stream: { write: (line: string) => lines.push(line) } });
  const summaries: IngestSummary[] = [];
  const watcher = followArticlesDir(app, (summary) => {
    summaries.push(summary);
    logSync(logger, dir, summary);
  });
  try {
    watcher?.resume();
    fs.symlinkSync(path.join(etc, 'newsroom-bot.env'), path.join(dir, 'press-release.txt'));
    const refused = await waitUntil(() => summaries.find((s) => s.failed > 0));
    assert.match(refused.failures[0]?.error ?? '', /press-release\.txt is a symbolic link/);
    assert.ok(
      lines.some((l) => /some could not be loaded/.test(l) && /press-release\.txt is a symbolic link/.test(l)),
      lines.join(''),
    );
    for (const l of lines) assertNoSecret(l);
    assert.deepEqual(
      app.library.catalog.listArticles().map((a) => a.articleId),
      ['ferry'],
    );
  } finally {
    await watcher?.stop();
    app.close();
  }
});
