/**
 * The running bot killed mid-answer (a row of `npm run bench:reliability`): the whole bot as
 * `npm start` runs it, logged in to the fake Discord with a slow fake LLM, is SIGKILLed while it
 * answers several /ask and ingests an attachment; after each kill the library must be healthy, the
 * answer log readable, and the restarted bot must answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { ApplicationCommandOptionType, PermissionFlagsBits } from 'discord.js';
import { inspectLibrary } from '../src/store/maintenance/health.ts';
import { isProblem } from '../src/store/maintenance/report.ts';
import { startFakeDiscord, type FakeDiscord } from '../test/fakes/discord/index.ts';
import { startFakeOpenAI } from '../test/fakes/openai-server.ts';

const GUILD = '444444444444444444';
const EDITOR = String(PermissionFlagsBits.ManageMessages);
const QUESTIONS = [
  'When did the Kestrel Street Bridge reopen?',
  'What did the council budget include?',
  'How many customers lost power in the windstorm?',
];

export interface BotKillRow {
  scenario: string;
  done: string;
  happened: string;
  lost: string;
}

/**
 * The bot as `npm start` runs it, logged in to `discord`, its model at `llmUrl`; `env` adds or
 * overrides settings, and `launcher` runs it through another command (which must exec the rest).
 */
export function startBot(
  root: string,
  dataDir: string,
  discord: FakeDiscord,
  llmUrl: string,
  env: Record<string, string> = {},
  launcher: string[] = [],
): { child: ChildProcess; ready: Promise<void>; log: () => string } {
  const command = [...launcher, process.execPath, '--import', 'tsx', path.join(root, 'src/main.ts')];
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_API_URL: discord.restApi,
      OPENAI_BASE_URL: llmUrl,
      DATA_DIR: dataDir,
      ARTICLES_DIR: path.join(root, 'articles'),
      MODELS_DIR: path.join(root, 'test/fixtures/models'),
      EMBEDDING_MODEL: 'newsroom/tiny-bert',
      FETCH_ALLOWED_HOSTS: '127.0.0.1',
      QUESTIONS_PER_MINUTE: '600',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...env,
    },
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (log.includes('"bot ready"')) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`the bot exited with ${child.exitCode}: ${log.slice(-400)}`));
      }
    }, 25);
  });
  return { child, ready, log: () => log };
}

function answerLogReadable(dataDir: string): boolean {
  const db = new Database(path.join(dataDir, 'answers.sqlite'), { readonly: true });
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) === 'ok';
  } finally {
    db.close();
  }
}

export async function killBotMidAnswer(root: string, dataDir: string, kills: number): Promise<BotKillRow[]> {
  const discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Reliability' }] });
  // A model that takes its time, so the kill lands while answers are being written.
  const llm = await startFakeOpenAI((body) => {
    const prompt = body.messages?.find((m) => m.role === 'user')?.content ?? '';
    const passage = prompt.match(/<passage id="1">\n\[1\][^\n]*\n([^\n]+)/)?.[1] ?? '';
    return { text: `${passage.split(/(?<=[.!?])\s/)[0]} [1]`, delayMs: 300 + Math.random() * 900, intervalMs: 20 };
  });
  let healthy = 0;
  let logsReadable = 0;
  let restarted = 0;
  let articlesLost = 0;
  const problems: string[] = [];
  try {
    for (let round = 0; round < kills; round++) {
      const bot = startBot(root, dataDir, discord, llm.baseURL);
      await bot.ready;
      restarted++;
      const before = inspectLibrary(dataDir).articles;
      for (const question of QUESTIONS) {
        discord.slashCommand({
          name: 'ask',
          guildId: GUILD,
          options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: question }],
        });
      }
      const file = discord.attachment(
        `note-${round}.md`,
        `# Reliability note ${round}\n\nThe harbour board met on day ${round} and approved the plan.\n`,
        'text/markdown',
      );
      discord.slashCommand({
        name: 'ingest',
        guildId: GUILD,
        permissions: EDITOR,
        options: [{ type: ApplicationCommandOptionType.Attachment, name: 'file', value: file.id }],
        attachments: [file],
      });
      await sleep(100 + Math.random() * 1200);
      bot.child.kill('SIGKILL');
      await new Promise((r) => bot.child.once('exit', r));
      const report = inspectLibrary(dataDir);
      if (report.healthy) healthy++;
      else
        problems.push(
          report.findings
            .filter(isProblem)
            .map((f) => f.kind)
            .join(', '),
        );
      if (answerLogReadable(dataDir)) logsReadable++;
      // Articles the library held before the burst are all still there (an ingest may or may not have landed).
      if (report.articles < before) articlesLost += before - report.articles;
    }
    // The bot comes back and answers.
    const bot = startBot(root, dataDir, discord, llm.baseURL);
    await bot.ready;
    const sent = discord.slashCommand({
      name: 'ask',
      guildId: GUILD,
      options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: QUESTIONS[0] as string }],
    });
    let answered = false;
    for (let waited = 0; waited < 30_000 && !answered; waited += 50) {
      answered = discord.originalMessage(sent.token)?.embeds.some((e) => e.title === 'Sources') ?? false;
      if (!answered) await sleep(50);
    }
    bot.child.kill('SIGTERM');
    await new Promise((r) => bot.child.once('exit', r));
    return [
      {
        scenario: 'SIGKILL the running bot mid-answer',
        done: `${kills} bots (npm start, logged in to a stand-in Discord, a model taking 0.3–1.2 s) killed 0.1–1.3 s into 3 /ask and an /ingest of an attachment`,
        happened:
          `restarted ${restarted}/${kills}; check healthy ${healthy}/${kills}${problems.length ? ` (${problems.join('; ')})` : ''}; ` +
          `answers.sqlite intact ${logsReadable}/${kills}; after the last kill the bot ${answered ? 'came back and answered with sources' : 'did NOT answer'}`,
        lost:
          articlesLost === 0
            ? 'nothing (answers being written when killed were never shown, so none is missing from the log)'
            : `${articlesLost} articles`,
      },
    ];
  } finally {
    await discord.close();
    await llm.close();
    fs.rmSync(path.join(dataDir, 'tmp'), { recursive: true, force: true });
  }
}
