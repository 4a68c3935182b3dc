/**
 * SIGTERM while the model streams an answer (a row of `npm run bench:reliability`): the running bot,
 * logged in to the fake Discord, is stopped as systemd stops it while a slow model is two seconds
 * into a reply that would take minutes. It must exit within SHUTDOWN_TIMEOUT_S (systemd's
 * TimeoutStopSec=30s then SIGKILLs), tell the person to ask again, and log no error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationCommandOptionType } from 'discord.js';
import { startFakeDiscord } from '../test/fakes/discord/index.ts';
import { startFakeOpenAI } from '../test/fakes/openai-server.ts';
import { startBot, type BotKillRow } from './reliability-bot.ts';

const GUILD = '999999999999999999';

export async function sigtermWhileStreaming(root: string, work: string): Promise<BotKillRow[]> {
  const discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Shutdown' }] });
  // About four minutes of text at 4 characters per 50 ms.
  const llm = await startFakeOpenAI(() => ({
    text: 'The Kestrel Street Bridge reopened on Monday. '.repeat(400),
    chunkSize: 4,
    intervalMs: 50,
  }));
  const dataDir = path.join(work, 'shutdown');
  fs.mkdirSync(dataDir, { recursive: true });
  const bot = startBot(root, dataDir, discord, llm.baseURL, { QUESTIONS_PER_MINUTE: '600' });
  try {
    await bot.ready;
    const sent = discord.slashCommand({
      name: 'ask',
      guildId: GUILD,
      options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'When did the Kestrel Street Bridge reopen?' }],
    });
    while (!llm.requests.some((r) => r.firstTextAt !== undefined)) await sleep(20);
    await sleep(2000);
    const stopped = performance.now();
    bot.child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => bot.child.once('exit', resolve));
    const seconds = (performance.now() - stopped) / 1000;
    const told = discord
      .followUpMessages(sent.token)
      .map((m) => m.content ?? '')
      .join(' ');
    const errors = bot
      .log()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l)).length;
    return [
      {
        scenario: 'SIGTERM with an answer streaming',
        done: 'the running bot (defaults: SHUTDOWN_TIMEOUT_S 25) stopped with SIGTERM 2 s into a model reply that would stream for minutes',
        happened: `exited with ${code} after ${seconds.toFixed(1)} s (systemd allows 30); the model call aborted at the deadline; the person was told "${told}"; ${errors} errors logged`,
        lost: 'that one answer (its person asked to try again)',
      },
    ];
  } finally {
    bot.child.kill('SIGKILL');
    await discord.close();
    await llm.close();
  }
}
