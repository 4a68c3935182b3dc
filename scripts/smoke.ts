// `npm run smoke`: starts the whole bot as a child process against a fake Discord (and a fake
// OpenAI-compatible server) on 127.0.0.1, asks one question, and checks the answer arrives with
// verbatim sources. A check anyone can run without a Discord account or an API key.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationCommandOptionType } from 'discord.js';
import { startFakeDiscord } from '../test/fakes/discord/index.ts';
import { startFakeOpenAI } from '../test/fakes/openai-server.ts';
import { ensureBuilt } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 60_000;

function fail(message: string): never {
  process.stderr.write(`smoke: FAILED — ${message}\n`);
  process.exit(1);
}

const discord = await startFakeDiscord({ guilds: [{ id: '333333333333333333', name: 'Smoke Newsroom' }] });
const llm = await startFakeOpenAI((body) => {
  const prompt = body.messages?.find((m) => m.role === 'user')?.content ?? '';
  const passage = prompt.match(/<passage id="1">\n\[1\][^\n]*\n([^\n]+)/)?.[1] ?? '';
  return { text: `${passage.split(/(?<=[.!?])\s/)[0]} [1]` };
});
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-smoke-'));
// The bot as production runs it: compiled JavaScript from dist/, built first when stale.
await ensureBuilt();
const child = spawn(process.execPath, [path.join(root, 'dist/main.js')], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'pipe'],
  env: {
    ...process.env,
    DISCORD_TOKEN: discord.token,
    DISCORD_CLIENT_ID: discord.applicationId,
    DISCORD_API_URL: discord.restApi,
    OPENAI_BASE_URL: llm.baseURL,
    DATA_DIR: dataDir,
    ARTICLES_DIR: path.join(root, 'articles'),
    MODELS_DIR: path.join(root, 'test/fixtures/models'),
    EMBEDDING_MODEL: 'newsroom/tiny-bert',
    LOG_LEVEL: 'info',
  },
});
let log = '';
child.stderr.on('data', (d: Buffer) => (log += d.toString()));
const timer = setTimeout(() => fail(`no answer within ${TIMEOUT_MS / 1000} s\n${log}`), TIMEOUT_MS);

try {
  const started = Date.now();
  while (!log.includes('"bot ready"')) {
    if (child.exitCode !== null) fail(`the bot exited with code ${child.exitCode}\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(`smoke: bot logged in and loaded its articles in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const sent = discord.slashCommand({
    name: 'ask',
    options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'When did the Kestrel Street Bridge reopen?' }],
  });
  let answer;
  while (!(answer = discord.originalMessage(sent.token))?.embeds.some((e) => e.title === 'Sources')) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const sources = answer.embeds.find((e) => e.title === 'Sources')?.description ?? '';
  process.stdout.write(`smoke: /ask answered:\n${answer.embeds[0]?.description}\n\n${sources}\n`);
  if (discord.unmatchedRequests().length > 0)
    fail(
      `unexpected Discord calls: ${discord
        .unmatchedRequests()
        .map((r) => r.route)
        .join(', ')}`,
    );
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) fail(`the bot exited with code ${code} after SIGTERM\n${log}`);
  process.stdout.write('smoke: OK — logged in, answered with sources, shut down cleanly\n');
} finally {
  clearTimeout(timer);
  if (child.exitCode === null) child.kill('SIGKILL');
  await discord.close();
  await llm.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
