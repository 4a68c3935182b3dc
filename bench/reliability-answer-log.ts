/**
 * The disk fills up under the running bot (a row of `npm run bench:reliability`): the bot, logged in
 * to the fake Discord with a fake LLM, runs with DATA_DIR on a small tmpfs in its own mount namespace
 * (root only). Once it answers, the disk is filled (through /proc/<pid>/root), and people ask, get
 * "not found", and vote; then space is freed. Answers must go on, say they were not recorded, and
 * /readyz and /metrics must tell.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationCommandOptionType, type APIMessage } from 'discord.js';
import { startFakeDiscord, type FakeDiscord } from '../test/fakes/discord/index.ts';
import { startFakeOpenAI } from '../test/fakes/openai-server.ts';
import { startBot, type BotKillRow } from './reliability-bot.ts';

const GUILD = '888888888888888888';
const ANSWERABLE = [
  'When did the Kestrel Street Bridge reopen?',
  'How much did the bridge repairs cost?',
  'Who voted for the later school start times?',
];
const UNANSWERABLE = ['What is the population of Port Alder?', 'Who won the 1998 regatta?'];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function settled(discord: FakeDiscord, token: string): Promise<APIMessage> {
  for (let waited = 0; waited < 60_000; waited += 20) {
    const m = discord.originalMessage(token);
    const footer = m?.embeds[0]?.footer?.text ?? '';
    if (m && (m.content || m.embeds.length > 0) && !footer.startsWith('Writing')) return m;
    await sleep(20);
  }
  throw new Error('no reply within 60 s');
}

/** Writes zeros into `file` until the disk holding it is full. */
function fill(file: string): number {
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += fs.writeSync(fd, block);
  } catch {
    // ENOSPC: full.
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

interface Asked {
  answered: number;
  notFound: number;
  sayNotRecorded: number;
  vote: string;
}

async function askAll(discord: FakeDiscord, questions: readonly string[]): Promise<Asked> {
  const asked: Asked = { answered: 0, notFound: 0, sayNotRecorded: 0, vote: '' };
  let firstAnswer: APIMessage | null = null;
  for (const question of questions) {
    const sent = discord.slashCommand({
      name: 'ask',
      guildId: GUILD,
      options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: question }],
    });
    const reply = await settled(discord, sent.token);
    const text = reply.embeds.map((e) => e.description ?? '').join('\n');
    if (reply.embeds.some((e) => e.title === 'Sources')) asked.answered++;
    if (/do not answer this/.test(text)) asked.notFound++;
    if (/was not recorded/.test(text)) asked.sayNotRecorded++;
    if (!firstAnswer && reply.components?.length) firstAnswer = reply;
  }
  if (firstAnswer) {
    const id =
      ((firstAnswer.components?.[0] as { components: { custom_id: string }[] }).components[0]?.custom_id ?? '').split(':')[2] ?? '';
    const vote = discord.button({ customId: `nr:vote:${id}:up`, message: firstAnswer, guildId: GUILD });
    for (let waited = 0; waited < 10_000 && discord.callbacksFor(vote.id).length === 0; waited += 20) await sleep(20);
    asked.vote = (discord.callbacksFor(vote.id)[0]?.body as { data?: { content?: string } } | undefined)?.data?.content ?? '';
  }
  return asked;
}

async function probe(port: number): Promise<{ readyz: string; failures: string }> {
  const readyz = await (await fetch(`http://127.0.0.1:${port}/readyz`)).text();
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const failures = metrics
    .split('\n')
    .filter((l) => l.startsWith('newsroom_answer_log_write_failures_total{'))
    .map((l) => l.replace('newsroom_answer_log_write_failures_total', ''))
    .join(', ');
  return { readyz: readyz.trim(), failures };
}

export async function answerLogOnFullDisk(root: string, work: string): Promise<BotKillRow[]> {
  if (process.getuid?.() !== 0 || spawnSync('unshare', ['-m', 'true']).status !== 0) {
    return [
      {
        scenario: 'full disk under the running bot',
        done: 'not run: a small filesystem needs root and a mount namespace (`unshare -m` + tmpfs)',
        happened: '–',
        lost: '–',
      },
    ];
  }
  const prepared = path.join(work, 'answer-log-prepared');
  const ingest = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), 'ingest', path.join(root, 'articles')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: prepared, MODELS_DIR: path.join(root, 'test/fixtures/models'), EMBEDDING_MODEL: 'newsroom/tiny-bert' },
  });
  if (ingest.status !== 0) throw new Error(ingest.stdout + ingest.stderr);
  const mount = path.join(work, 'answer-log-tmpfs');
  fs.mkdirSync(mount, { recursive: true });
  const discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Full disk' }] });
  const llm = await startFakeOpenAI((body) => {
    const prompt = body.messages?.find((m) => m.role === 'user')?.content ?? '';
    const passage = prompt.match(/<passage id="1">\n\[1\][^\n]*\n([^\n]+)/)?.[1] ?? '';
    return { text: `${passage.split(/(?<=[.!?])\s/)[0] ?? ''} [1]` };
  });
  const port = await freePort();
  const launcher = [
    'unshare',
    '-m',
    '--propagation',
    'private',
    'sh',
    '-c',
    'mount -t tmpfs -o size=32m tmpfs "$0" && cp -a "$1"/. "$0"/ && shift && exec "$@"',
    mount,
    prepared,
  ];
  const bot = startBot(
    root,
    mount,
    discord,
    llm.baseURL,
    { ARTICLES_DIR: '', HTTP_PORT: String(port), QUESTIONS_PER_MINUTE: '600', FEED_POLL_SECONDS: '0' },
    launcher,
  );
  try {
    await bot.ready;
    const before = await askAll(discord, ANSWERABLE.slice(0, 1));
    // The bot's own view of the tmpfs, from outside its mount namespace.
    const filler = path.join(`/proc/${bot.child.pid}/root`, mount, 'filler');
    const filled = fill(filler);
    const full = await askAll(discord, [...ANSWERABLE, ...UNANSWERABLE]);
    const whileFull = await probe(port);
    fs.rmSync(filler);
    const freed = await askAll(discord, ANSWERABLE.slice(0, 1));
    const afterFreed = await probe(port);
    return [
      {
        scenario: 'full disk under the running bot',
        done:
          `the bot (npm start, a stand-in Discord and model) with DATA_DIR on a 32 MB tmpfs answers, then the disk is filled (${Math.round(filled / 1024 / 1024)} MB of zeros) ` +
          `and ${ANSWERABLE.length} answerable and ${UNANSWERABLE.length} unanswerable questions are asked and an answer voted on; then the filler is removed and one more asked`,
        happened:
          `before: ${before.answered}/1 answered, recorded (${before.sayNotRecorded} notices); disk full: ${full.answered + full.notFound}/${ANSWERABLE.length + UNANSWERABLE.length} replied ` +
          `(${full.answered} with sources, ${full.notFound} "not in the articles"), ${full.sayNotRecorded} of the ${full.answered} answers say they were not recorded, the vote got "${full.vote}"; ` +
          `/readyz ${whileFull.readyz}; newsroom_answer_log_write_failures_total ${whileFull.failures}; space freed: ${freed.answered}/1 answered, ` +
          `${freed.sayNotRecorded === 0 ? 'recorded again' : 'still not recorded'}, /readyz ${afterFreed.readyz}`,
        lost: 'the answers, votes and unanswered questions of the full-disk minutes (not recorded, and each said so)',
      },
    ];
  } finally {
    bot.child.kill('SIGKILL');
    await new Promise((r) => bot.child.once('exit', r));
    await discord.close();
    await llm.close();
  }
}
