import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeDiscord } from './fakes/discord/index.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { get, metricValue } from './support/metrics.ts';
import { nodeArgs } from './support/built.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-ops-'));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const BASE_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: os.tmpdir(),
  ...TINY_MODEL_ENV,
  DATA_DIR: dataDir,
  ARTICLES_DIR: path.join(ROOT, 'articles'),
  LOG_FORMAT: 'json',
};

/** `npm start` as a child process: stdin piped, output collected. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, [...nodeArgs('src/main.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...BASE_ENV, ...env },
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (clearTimeout(killer), resolve(code))));
  return { child, output, exited };
}

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

async function freePort(): Promise<number> {
  const { port, server } = await occupiedPort();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('the console serves /readyz and /metrics while it runs; a question typed in moves the metrics', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const run = start({ HTTP_PORT: String(port), LOG_LEVEL: 'info' });
  try {
    await until(async () => (await get(`${url}/readyz`)).status === 200, '/readyz to say ready');
    assert.equal(
      metricValue((await get(`${url}/metrics`)).body, 'newsroom_answers_total', { command: 'ask', kind: 'answer', mode: 'extractive' }),
      0,
    );
    run.child.stdin.write('When did the Kestrel Street Bridge reopen?\n');
    const scrape = await until(async () => {
      const body = (await get(`${url}/metrics`)).body;
      return metricValue(body, 'newsroom_answers_total', { command: 'ask', kind: 'answer', mode: 'extractive' }) === 1 ? body : undefined;
    }, 'the answer to be counted');
    assert.equal(metricValue(scrape, 'newsroom_answer_seconds_count', { command: 'ask' }), 1);
    assert.ok((metricValue(scrape, 'newsroom_articles') ?? 0) >= 10);
    assert.equal(metricValue(scrape, 'newsroom_search_mode', { mode: 'hybrid' }), 1);
    assert.match(run.output.stdout, /374 days after it closed/);
  } finally {
    run.child.stdin.end();
  }
  assert.equal(await run.exited, 0, run.output.stderr);
  const listening = run.output.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; url?: string })
    .find((entry) => entry.msg === 'health and metrics endpoints listening');
  assert.equal(listening?.url, url);
  await assert.rejects(fetch(`${url}/healthz`), 'nothing listens once the console has exited');
});

test('HTTP_PORT in use: the console and the bot exit 1 naming the port, the bot without connecting to Discord', async () => {
  const { port, server } = await occupiedPort();
  const discord = await startFakeDiscord();
  try {
    const consoleRun = start({ HTTP_PORT: String(port) });
    consoleRun.child.stdin.end();
    assert.equal(await consoleRun.exited, 1, consoleRun.output.stderr);
    assert.match(
      consoleRun.output.stderr,
      new RegExp(
        `^Cannot serve health and metrics on 127\\.0\\.0\\.1:${port}: port ${port} is already in use by another program\\. Choose a free port with HTTP_PORT`,
        'm',
      ),
    );
    assert.equal(consoleRun.output.stdout, '', 'no console banner');

    const botRun = start({ HTTP_PORT: String(port), DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.restApi, LOG_LEVEL: 'info' });
    botRun.child.stdin.end();
    assert.equal(await botRun.exited, 1, botRun.output.stderr);
    const fatal = botRun.output.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((entry) => entry.level === 60);
    assert.match(fatal?.msg ?? '', new RegExp(`port ${port} is already in use`), botRun.output.stderr);
    assert.deepEqual(discord.requests, [], 'no REST call, not even /gateway/bot');
  } finally {
    await discord.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('HTTP_PORT and HTTP_HOST are validated with the other settings', async () => {
  const run = start({ HTTP_PORT: '99999', HTTP_HOST: 'http://localhost/' });
  run.child.stdin.end();
  assert.equal(await run.exited, 2);
  assert.match(run.output.stderr, /HTTP_PORT must be a whole number from 1 to 65535 \(got "99999"\)/);
  assert.match(run.output.stderr, /HTTP_HOST must be a host name or an IP address such as 127\.0\.0\.1 \(got "http:\/\/localhost\/"\)/);
});
