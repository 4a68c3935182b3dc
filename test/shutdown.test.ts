import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ApplicationCommandOptionType } from 'discord.js';
import { discordText } from '../src/messages/discord.ts';
import { startFakeDiscord } from './fakes/discord/index.ts';
import { startFakeOpenAI } from './fakes/openai-server.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { waitUntil } from './support/wait.ts';
import { nodeArgs } from './support/built.ts';

const GUILD = '666666666666666666';

// The model streams its answer for about two minutes; the bot is given 2 s to stop. Before, it waited
// for the stream to end (the test's own limit stops it then) and closed the library under the answer.
test(
  'SIGTERM with a model answer streaming: the call is aborted, the person is told to ask again, the bot exits cleanly',
  { timeout: 60_000 },
  async () => {
    const discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Shutdown' }] });
    const llm = await startFakeOpenAI(() => ({
      text: 'The Kestrel Street Bridge reopened on Monday. '.repeat(120),
      chunkSize: 4,
      intervalMs: 100,
    }));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-shutdown-'));
    const child = spawn(process.execPath, [...nodeArgs('src/main.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: os.tmpdir(),
        ...TINY_MODEL_ENV,
        DISCORD_TOKEN: discord.token,
        DISCORD_CLIENT_ID: discord.applicationId,
        DISCORD_API_URL: discord.restApi,
        OPENAI_BASE_URL: llm.baseURL,
        DATA_DIR: dataDir,
        ARTICLES_DIR: path.join(ROOT, 'articles'),
        LOG_FORMAT: 'json',
        SHUTDOWN_TIMEOUT_S: '2',
      },
    });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitUntil(() => log.includes('"bot ready"') || child.exitCode !== null, 30_000);
      assert.equal(child.exitCode, null, log);
      const sent = discord.slashCommand({
        name: 'ask',
        guildId: GUILD,
        options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'When did the Kestrel Street Bridge reopen?' }],
      });
      await waitUntil(() => llm.requests.some((r) => r.firstTextAt !== undefined), 30_000);

      child.kill('SIGTERM');
      assert.equal(await exited, 0, log);
      assert.deepEqual(
        discord.followUpMessages(sent.token).map((m) => m.content),
        [discordText.shuttingDown],
      );
      assert.match(log, /aborting the model calls of answers still in flight/);
      assert.match(log, /"errorKind":"aborted"/);
      assert.doesNotMatch(log, /database connection is not open|"level":50/);
      assert.equal(llm.inFlight, 0, 'the streaming request was closed by the bot');
    } finally {
      child.kill('SIGKILL');
      await discord.close();
      await llm.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
