import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startFakeDiscord } from './fakes/discord/index.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { nodeArgs } from './support/built.ts';

/** A DATA_DIR whose library.sqlite is random bytes: the library cannot be opened. */
const brokenDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-broken-'));
fs.writeFileSync(path.join(brokenDataDir, 'library.sqlite'), Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
after(() => fs.rmSync(brokenDataDir, { recursive: true, force: true }));

const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...TINY_MODEL_ENV, ARTICLES_DIR: '' };
const CANNOT_OPEN = new RegExp(
  `${brokenDataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/library\\.sqlite is damaged \\(file is not a database\\)\\. Restore it from a backup`,
);

test('a bot whose library cannot be opened exits 1 with the reason, without connecting to Discord', async () => {
  const discord = await startFakeDiscord();
  try {
    const child = spawn(process.execPath, [...nodeArgs('src/main.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...BASE_ENV, DATA_DIR: brokenDataDir, DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.restApi, LOG_LEVEL: 'info' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(killer);

    assert.equal(code, 1, stderr);
    const fatal = stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((entry) => entry.level === 60);
    assert.ok(fatal, `a fatal log line, got:\n${stderr}`);
    assert.match(fatal.msg, CANNOT_OPEN);
    assert.deepEqual(discord.requests, [], 'no REST call, not even /gateway/bot');
    assert.deepEqual(discord.gatewayReceived, [], 'no gateway session');
  } finally {
    await discord.close();
  }
});

test('the local console and the CLI fail the same way: the reason on stderr, exit 1', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, args, {
      cwd: ROOT,
      encoding: 'utf8',
      input: '',
      env: { ...BASE_ENV, DATA_DIR: brokenDataDir },
      timeout: 60_000,
    });
  const consoleRun = run(nodeArgs('src/main.ts'));
  assert.equal(consoleRun.status, 1, consoleRun.stderr);
  assert.match(consoleRun.stderr, CANNOT_OPEN);
  assert.match(consoleRun.stderr, /Restore it from a backup/);
  assert.equal(consoleRun.stdout, '', 'no console banner');

  const cli = run([...nodeArgs('src/cli.ts'), 'articles']);
  assert.equal(cli.status, 1, cli.stderr);
  assert.match(cli.stderr, CANNOT_OPEN);
  assert.doesNotMatch(cli.stderr, /Unexpected error|at .*\.[jt]s:\d+/, 'a message, not a stack trace');
});

test('a DATA_DIR that is a file, not a folder, is named in the message', () => {
  const file = path.join(brokenDataDir, 'not-a-folder');
  fs.writeFileSync(file, 'x');
  const result = spawnSync(process.execPath, [...nodeArgs('src/cli.ts'), 'search', 'bridge'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...BASE_ENV, DATA_DIR: file },
    timeout: 60_000,
  });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, new RegExp(`DATA_DIR is ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which is a file, not a folder`));
});
