// `npm run bench:discord`: the Discord bot's figures.
//  1. INTERACTION_CREATE → deferred callback latency with 50 concurrent /ask (fake Discord, fake LLM).
//  2. Memory of the running bot (a child process) over a 100,000-chunk library.
import { commands } from '../commands/index.ts';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationCommandOptionType } from 'discord.js';
import { startBot } from '../src/discord/bot.ts';
import { silentLogger } from '../src/log.ts';
import { startFakeDiscord } from '../test/fakes/discord/index.ts';
import { citingReply, startFakeOpenAI } from '../test/fakes/openai-server.ts';
import { createTestApp, ROOT } from '../test/support/app.ts';
import { buildLibrary, makeCorpus } from './corpus.ts';
import { machineLine, OUT_DIR, progress, writeResultsSection } from './results.ts';
import { latency, mark, megabytes, ms, table } from './stats.ts';

const CONCURRENT = 50;
const ROUNDS = 5;
const LIBRARY_CHUNKS = Number(process.env.BENCH_DISCORD_CHUNKS ?? 100_000);

async function waitUntil(probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function deferLatency(): Promise<string> {
  // The stand-in model cites the passage that holds its sentence, as a good model would.
  const llm = await startFakeOpenAI(citingReply('The Kestrel Street Bridge reopened to traffic at 6 a.m. Thursday', 200));
  const discord = await startFakeDiscord();
  const app = await createTestApp({
    OPENAI_BASE_URL: llm.baseURL,
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.restApi,
    QUESTIONS_PER_MINUTE: '600',
    LLM_MAX_CONCURRENT: '64',
  });
  const bot = startBot(app.config, silentLogger, Promise.resolve(app), { commands });
  await bot.ready;
  const samples: number[] = [];
  const coldSamples: number[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const sent = Array.from({ length: CONCURRENT }, (_, i) => {
        const at = Date.now();
        const s = discord.slashCommand({
          name: 'ask',
          user: {
            id: String(400000000000000000n + BigInt(round * CONCURRENT + i)),
            username: `reader${i}`,
            discriminator: '0',
            global_name: null,
            avatar: null,
          },
          options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'When did the Kestrel Street Bridge reopen?' }],
        });
        return { ...s, at };
      });
      await waitUntil(() => sent.every((s) => discord.callbacksFor(s.id).length > 0));
      // Round 0 is the first burst after start-up (cold code paths, new HTTP connections): reported apart.
      for (const s of sent) (round === 0 ? coldSamples : samples).push((discord.callbacksFor(s.id)[0]?.time ?? s.at) - s.at);
      await waitUntil(() => sent.every((s) => (discord.originalMessage(s.token)?.embeds ?? []).some((e) => e.title === 'Sources')));
    }
  } finally {
    await bot.stop();
    app.close();
    await discord.close();
    await llm.close();
  }
  const l = latency(samples);
  const cold = latency(coldSamples);
  return [
    `### Deferral under load: ${CONCURRENT} concurrent /ask`,
    '',
    `${ROUNDS} rounds of ${CONCURRENT} /ask interactions sent at once (distinct users) to the real discord.js Client, bot and`,
    'fake Discord in one process, fake LLM answering after 200 ms; each round waits for every answer. Measured: from the',
    'fake dispatching INTERACTION_CREATE to the deferred callback (type 5) reaching the fake. The first burst after',
    'start-up (cold JIT, 50 new HTTP connections) is reported on its own row.',
    '',
    table(
      ['', 'p50 ms', 'p99 ms', 'max ms'],
      [
        [`INTERACTION_CREATE → deferred callback (${samples.length} warm)`, ms(l.p50), ms(l.p99), ms(Math.max(...samples))],
        [`first burst after start-up (${coldSamples.length})`, ms(cold.p50), ms(cold.p99), ms(Math.max(...coldSamples))],
      ],
    ),
    '',
    `Target p99 ≤ 100 ms: ${mark(l.p99 <= 100)}`,
  ].join('\n');
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024;
}

async function botMemory(): Promise<string> {
  const dataDir = path.join(OUT_DIR, 'discord-library');
  if (!fs.existsSync(path.join(dataDir, 'vectors.hnsw'))) {
    progress(`building a ${LIBRARY_CHUNKS.toLocaleString('en-US')}-chunk library…`);
    const { library } = await buildLibrary(dataDir, makeCorpus(LIBRARY_CHUNKS, 10), (done, total) => {
      if (done % 1000 === 0) progress(`  ${done}/${total} articles`);
    });
    library.close();
  }
  const discord = await startFakeDiscord();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.restApi,
      DATA_DIR: dataDir,
      ARTICLES_DIR: '',
      LOG_LEVEL: 'info',
    },
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  try {
    await waitUntil(() => log.includes('"bot ready"') || child.exitCode !== null);
    if (child.exitCode !== null) throw new Error(`bot exited: ${log}`);
    const idle = rssOf(child.pid as number);
    for (let i = 0; i < 20; i++) {
      const s = discord.slashCommand({
        name: 'ask',
        options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: `council harbour budget question ${i}` }],
      });
      await waitUntil(
        () => (discord.originalMessage(s.token)?.embeds.length ?? 0) > 0 || Boolean(discord.originalMessage(s.token)?.content),
      );
    }
    const busy = rssOf(child.pid as number);
    const modelLine =
      log.includes('keyword-only') || log.includes('embedding model unavailable')
        ? 'The default model (Xenova/bge-small-en-v1.5) cannot be downloaded on this machine, so the bot ran keyword-only and these figures exclude it; its fp32 ONNX weights are about 130 MB (q8: 33 MB), which onnxruntime holds in memory in addition.'
        : 'The embedding model was loaded.';
    return [
      `### Memory of the running bot (${LIBRARY_CHUNKS.toLocaleString('en-US')}-chunk library)`,
      '',
      'The bot as `npm start` runs it (child process, logged in to the fake Discord), over a synthetic library of 384-d',
      `vectors (HNSW index loaded in memory, SQLite catalog on disk). ${modelLine}`,
      '',
      table(
        ['', 'RSS'],
        [
          ['after start-up (library open, index loaded)', megabytes(idle)],
          ['after 20 /ask', megabytes(busy)],
        ],
      ),
    ].join('\n');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await discord.close();
  }
}

const sections = [machineLine(), '', await deferLatency(), '', await botMemory()];
writeResultsSection('discord', `## Discord bot (\`npm run bench:discord\`)\n\n${sections.join('\n')}`);
process.stdout.write(`${sections.join('\n')}\n`);
