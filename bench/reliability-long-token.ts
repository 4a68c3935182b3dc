/**
 * An article holding one 200 KB "word" (a row of `npm run bench:reliability`): the running bot,
 * logged in to the fake Discord with a fake LLM, is asked about that article by one member while
 * another member asks about something else, round after round, and /healthz is probed throughout.
 * Measured twice: the article as the chunker stores it now (chunks of at most 2,000 characters), and
 * as an earlier version stored it (the whole 200 KB as one chunk), which question-time work must
 * still handle in linear time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationCommandOptionType } from 'discord.js';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { startFakeDiscord, type FakeDiscord } from '../test/fakes/discord/index.ts';
import { startFakeOpenAI } from '../test/fakes/openai-server.ts';
import { paragraphChunks, syntheticArticle } from '../test/support/synthetic.ts';
import { startBot, type BotKillRow } from './reliability-bot.ts';
import { latency, ms } from './stats.ts';

const GUILD = '777777777777777777';
const ROUNDS = 15;
const WORD = 'abcdefghij'.repeat(20_000);
const OPENER = 'The Vesterhaven harbour council approved the ferry timetable on Tuesday.';
const ABOUT_IT = 'What did the Vesterhaven harbour council approve?';
const SOMETHING_ELSE = 'When did the Kestrel Street Bridge reopen?';

function newsroom(root: string, dataDir: string, args: string[]): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, MODELS_DIR: path.join(root, 'test/fixtures/models'), EMBEDDING_MODEL: 'newsroom/tiny-bert' },
  });
  if (run.status !== 0) throw new Error(`newsroom ${args.join(' ')}: ${run.stdout}${run.stderr}`);
}

type Variant = 'baseline' | 'chunked' | 'legacy';

/**
 * The sample articles, and (but for the baseline) the long-token article: `legacy` stores it as one
 * 200 KB chunk, as earlier versions did. Returns the longest chunk of that article.
 */
async function buildLibrary(root: string, dataDir: string, variant: Variant): Promise<number> {
  const legacy = variant === 'legacy';
  const folder = path.join(dataDir, '..', `${path.basename(dataDir)}-articles`);
  fs.mkdirSync(folder, { recursive: true });
  for (const name of fs.readdirSync(path.join(root, 'articles')))
    fs.copyFileSync(path.join(root, 'articles', name), path.join(folder, name));
  const body = `${OPENER} ${WORD} The ferry runs hourly.`;
  if (variant === 'chunked') fs.writeFileSync(path.join(folder, 'harbour-notice.txt'), `Harbour notice\n\n${body}\n`);
  newsroom(root, dataDir, ['ingest', folder]);
  if (legacy) {
    const library = Library.open({ dataDir, hnsw: { m: 16, efConstruction: 200, efSearch: 100 } });
    try {
      const article = syntheticArticle('harbour-notice', [body], { title: 'Harbour notice' });
      await library.write(async (writer) =>
        writer.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, []), {
          id: 'newsroom/tiny-bert',
          dimensions: 64,
          dtype: 'q8',
        }),
      );
    } finally {
      library.close();
    }
  }
  const library = Library.open({ dataDir, hnsw: { m: 16, efConstruction: 200, efSearch: 100 }, readOnly: true });
  try {
    return Math.max(0, ...library.catalog.chunksOfArticle(SHARED_COLLECTION, 'harbour-notice').map((c) => c.text.length));
  } finally {
    library.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Measured {
  acks: number[];
  otherAnswered: number[];
  health: number[];
  healthFailures: number;
}

/** The time of the bot's last edit of an interaction's reply, once it holds the sourced answer. */
async function answeredAt(discord: FakeDiscord, token: string): Promise<number> {
  for (let waited = 0; waited < 120_000; waited += 20) {
    const message = discord.originalMessage(token);
    if (message?.embeds.some((e) => e.title === 'Sources') || /do not answer/.test(message?.embeds[0]?.description ?? '')) {
      return discord.editsFor(token).at(-1)?.time ?? Date.now();
    }
    await sleep(20);
  }
  throw new Error('no answer within 120 s');
}

async function askRounds(discord: FakeDiscord, port: number): Promise<Measured> {
  const measured: Measured = { acks: [], otherAnswered: [], health: [], healthFailures: 0 };
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const started = performance.now();
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
        await response.text();
        measured.health.push(performance.now() - started);
      } catch {
        measured.healthFailures++;
      }
      await sleep(100);
    }
  })();
  const ask = (question: string, user: string) => {
    const at = Date.now();
    const sent = discord.slashCommand({
      name: 'ask',
      guildId: GUILD,
      user: { id: user, username: `reader${user.slice(-2)}`, discriminator: '0', global_name: null, avatar: null },
      options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: question }],
    });
    return { ...sent, at };
  };
  for (let round = 0; round < ROUNDS; round++) {
    const about = ask(ABOUT_IT, '300000000000000001');
    const other = ask(SOMETHING_ELSE, '300000000000000002');
    const [, otherAt] = await Promise.all([answeredAt(discord, about.token), answeredAt(discord, other.token)]);
    for (const sent of [about, other]) measured.acks.push((discord.callbacksFor(sent.id)[0]?.time ?? Number.NaN) - sent.at);
    measured.otherAnswered.push(otherAt - other.at);
  }
  probing = false;
  await probe;
  return measured;
}

export async function longTokenArticle(root: string, work: string): Promise<BotKillRow[]> {
  const rows: BotKillRow[] = [];
  const discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Long token' }] });
  const llm = await startFakeOpenAI((body) => {
    const prompt = body.messages?.find((m) => m.role === 'user')?.content ?? '';
    const passage = prompt.match(/<passage id="1">\n\[1\][^\n]*\n([^\n]+)/)?.[1] ?? '';
    return { text: `${(passage.split(/(?<=[.!?])\s/)[0] ?? '').slice(0, 300)} [1]`, delayMs: 200 };
  });
  try {
    for (const variant of ['baseline', 'chunked', 'legacy'] as const) {
      const dataDir = path.join(work, `long-token-${variant}`);
      const longest = await buildLibrary(root, dataDir, variant);
      const port = await freePort();
      const bot = startBot(root, dataDir, discord, llm.baseURL, { ARTICLES_DIR: '', HTTP_PORT: String(port), QUESTIONS_PER_MINUTE: '600' });
      await bot.ready;
      const m = await askRounds(discord, port);
      bot.child.kill('SIGTERM');
      await new Promise((r) => bot.child.once('exit', r));
      rows.push(row(variant, longest, m));
    }
  } finally {
    await discord.close();
    await llm.close();
  }
  return rows;
}

function row(variant: Variant, longest: number, m: Measured): BotKillRow {
  const acks = latency(m.acks);
  const other = latency(m.otherAnswered);
  const health = latency(m.health);
  const stored = {
    baseline: 'not stored: the same questions over the sample articles alone, for comparison',
    chunked: `stored in chunks of at most ${longest.toLocaleString('en-US')} characters`,
    legacy: 'stored as one 200 KB chunk',
  }[variant];
  return {
    scenario: {
      baseline: 'long-token article: baseline',
      chunked: 'long-token article (200 KB word)',
      legacy: 'long-token article, as an earlier version stored it',
    }[variant],
    done:
      `${ROUNDS} rounds: one member asks about an article holding a 200 KB word (${stored}) while another asks about something else ` +
      '(the running bot, a stand-in Discord, a model answering in 0.2 s); /healthz probed every 100 ms',
    happened:
      `acknowledged p50 ${ms(acks.p50)} ms, p99 ${ms(acks.p99)} ms (${m.acks.length} interactions; Discord allows 3 s); ` +
      `the other member answered in p50 ${ms(other.p50)} ms, p99 ${ms(other.p99)} ms; /healthz p99 ${ms(health.p99)} ms, ${m.healthFailures} of ${m.health.length + m.healthFailures} probes failed`,
    lost: '–',
  };
}
