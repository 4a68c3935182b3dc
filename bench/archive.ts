// `npm run bench:archive`: a 10,000-article archive imported into the running bot (one process,
// as the bot's ARTICLES_DIR sync or watched folder runs it): the keyword phase's articles/s, the
// embedding's chunks/s (tiny test model; the real model's time estimated from its measured rate),
// the longest wait of a `forget` meanwhile, the bot's /help acknowledgement p99 meanwhile, RSS over time.
// `-- --stream`: a large JSON Lines export read record by record, its memory over time (archive-stream.ts).
import { commands } from '../commands/index.ts';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadPaths } from '../src/articles/load.ts';
import { startBot } from '../src/discord/bot.ts';
import { ingest } from '../src/ingest.ts';
import { forgetSource } from '../src/ingest/forget.ts';
import { silentLogger } from '../src/log.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { startFakeDiscord } from '../test/fakes/discord/index.ts';
import { createTestApp } from '../test/support/app.ts';
import { writeArchiveJsonl } from '../test/support/archive.ts';
import { streamMemory } from './archive-stream.ts';
import { machineLine, OUT_DIR, progress, writeResultsSection } from './results.ts';
import { latency, megabytes, ms, table } from './stats.ts';

const ARTICLES = Number(process.env.BENCH_ARCHIVE_ARTICLES ?? 10_000);
/** bge-small-en-v1.5's shape on this machine (DESIGN.md, measured by the issue): chunks/s. */
const REAL_MODEL_RATES = [
  ['busy machine, fp32 (newsroom ingest as measured)', 3.4],
  ['quiet machine, fp32 pipeline', 11.9],
  ['quiet machine, int8 (q8)', 24.3],
] as const;

const GUILD = '300000000000000001';

type Phase = 'keyword' | 'embedding' | 'idle';

interface Samples {
  ack: Record<Phase, number[]>;
  forget: Record<Phase, number[]>;
  rss: { at: number; phase: Phase; bytes: number }[];
}

/** Every 500 ms a /help, timed from dispatch to Discord receiving the reply; every 3 s a forget of the oldest stored story. */
function startProbes(
  discord: Awaited<ReturnType<typeof startFakeDiscord>>,
  app: Awaited<ReturnType<typeof createTestApp>>,
  phase: () => Phase,
): { samples: Samples; stop: () => Promise<void> } {
  const samples: Samples = { ack: { keyword: [], embedding: [], idle: [] }, forget: { keyword: [], embedding: [], idle: [] }, rss: [] };
  let running = true;
  const started = performance.now();
  const acks = (async () => {
    while (running) {
      const at = Date.now();
      const sent = discord.slashCommand({ name: 'help', guildId: GUILD });
      while (discord.callbacksFor(sent.id).length === 0) await sleep(5);
      samples.ack[phase()].push((discord.callbacksFor(sent.id)[0]?.time ?? at) - at);
      await sleep(500);
    }
  })();
  let next = 0;
  const forgets = (async () => {
    while (running) {
      await sleep(3000);
      const id = `story-${next}`;
      if (!app.library.catalog.getArticle(SHARED_COLLECTION, id)) continue;
      next++;
      const during = phase();
      const at = performance.now();
      await forgetSource({ library: app.library, embedder: app.embedder, chunking: app.config.chunking }, SHARED_COLLECTION, id);
      samples.forget[during].push(performance.now() - at);
    }
  })();
  const rss = setInterval(
    () => samples.rss.push({ at: (performance.now() - started) / 1000, phase: phase(), bytes: process.memoryUsage().rss }),
    2000,
  );
  return {
    samples,
    stop: async () => {
      running = false;
      clearInterval(rss);
      await Promise.all([acks, forgets]);
    },
  };
}

function rssRow(samples: Samples, phase: Phase): string[] {
  const bytes = samples.rss.filter((s) => s.phase === phase).map((s) => s.bytes);
  if (bytes.length === 0) return [phase, '–', '–', '–'];
  const third = Math.max(1, Math.floor(bytes.length / 3));
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [
    phase,
    megabytes(Math.min(...bytes)),
    megabytes(Math.max(...bytes)),
    `${megabytes(avg(bytes.slice(0, third)))} → ${megabytes(avg(bytes.slice(-third)))}`,
  ];
}

async function main(): Promise<void> {
  const dir = path.join(OUT_DIR, 'archive');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'empty'), { recursive: true });
  const file = path.join(dir, 'archive.jsonl');
  const bytes = writeArchiveJsonl(file, ARTICLES);
  progress(`generated ${ARTICLES} articles, ${megabytes(bytes)}`);

  const discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Desk' }] });
  const app = await createTestApp(
    { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.restApi, QUESTIONS_PER_MINUTE: '600' },
    path.join(dir, 'empty'),
  );
  const bot = startBot(app.config, silentLogger, Promise.resolve(app), { commands });
  await bot.ready;
  let phase: Phase = 'idle';
  const probes = startProbes(discord, app, () => phase);
  const loadAverage = () => (globalThisLoad() ?? []).map((l) => l.toFixed(1)).join(' ');
  const loadBefore = loadAverage();
  try {
    await sleep(3000);
    phase = 'keyword';
    const keywordStart = performance.now();
    const summary = await ingest(
      { library: app.library, embedder: app.embedder },
      loadPaths([file], { maxBytes: app.config.maxFileBytes }),
      {
        collection: SHARED_COLLECTION,
        chunking: app.config.chunking,
        embed: 'later',
        onProgress: ({ done }) => {
          if (done % 1000 === 0) progress(`keyword phase: ${done} articles`);
        },
      },
    );
    const keywordSeconds = (performance.now() - keywordStart) / 1000;
    progress(`keyword phase: ${summary.added} articles, ${summary.chunks} chunks in ${keywordSeconds.toFixed(0)} s`);
    phase = 'embedding';
    const pending = app.library.catalog.pendingCount();
    // What is known so far, in case the embedding does not finish: replaced at the end.
    writeResultsSection(
      'archive',
      report({ summary, keywordSeconds, pending, embedSeconds: NaN, rate: NaN, samples: probes.samples, load: loadBefore, bytes }),
    );
    const embedStart = performance.now();
    app.backgroundEmbedding.kick();
    await app.backgroundEmbedding.idle();
    const embedSeconds = (performance.now() - embedStart) / 1000;
    const loadAfter = loadAverage();
    phase = 'idle';
    await sleep(3000);
    await probes.stop();
    const s = probes.samples;
    const rate = pending / embedSeconds;
    writeResultsSection(
      'archive',
      report({ summary, keywordSeconds, pending, embedSeconds, rate, samples: s, load: `${loadBefore} → ${loadAfter}`, bytes }),
    );
  } finally {
    await probes.stop();
    await bot.stop();
    await app.backgroundEmbedding.stop();
    app.close();
    await discord.close();
  }
}

function globalThisLoad(): number[] | null {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return null;
  }
}

interface Figures {
  summary: Awaited<ReturnType<typeof ingest>>;
  keywordSeconds: number;
  pending: number;
  embedSeconds: number;
  rate: number;
  samples: Samples;
  load: string;
  bytes: number;
}

function report(f: Figures): string {
  const { summary, samples } = f;
  const waitRow = (what: string, xs: number[]) => {
    if (xs.length === 0) return [what, '0', '–', '–', '–'];
    const l = latency(xs);
    return [what, String(xs.length), ms(l.p50), ms(l.p99), ms(Math.max(...xs))];
  };
  return [
    '## Archive import (`npm run bench:archive`)',
    '',
    `### A ${ARTICLES.toLocaleString('en-US')}-article archive imported into the running bot`,
    '',
    machineLine(),
    `Load average (1, 5, 15 min) before → after: ${f.load}. The machine is shared by other work: figures on a busy moment are 3–4× lower than on a quiet one.`,
    '',
    `Generated archive (test/support/archive.ts): ${ARTICLES.toLocaleString('en-US')} stories of ~600 words, dated 2014–2026, one JSON Lines file of ${megabytes(f.bytes)},`,
    "imported by ingest() in the bot's own process (as its ARTICLES_DIR sync runs it), keyword-first, then embedded by the background",
    'embedder, newest first, with the tiny test model (newsroom/tiny-bert). Meanwhile a /help every 500 ms through the real discord.js',
    'client and the Discord stand-in, and a `forget` of a stored story every 3 s.',
    '',
    table(
      ['phase', 'figure'],
      [
        [
          'keyword phase (text, chunks, FTS)',
          `${summary.added.toLocaleString('en-US')} articles, ${summary.chunks.toLocaleString('en-US')} chunks in ${(f.keywordSeconds / 60).toFixed(1)} min: **${(summary.added / f.keywordSeconds).toFixed(1)} articles/s**; keyword-searchable when it ends`,
        ],
        [
          'embedding, tiny test model',
          Number.isNaN(f.rate)
            ? 'not finished (this section was written after the keyword phase)'
            : `${f.pending.toLocaleString('en-US')} chunks in ${(f.embedSeconds / 60).toFixed(1)} min: ${f.rate.toFixed(1)} chunks/s`,
        ],
        ...REAL_MODEL_RATES.map(([what, rate]) => [
          `embedding, bge-small shape, ${what} (estimate)`,
          `${(f.pending / rate / 3600).toFixed(1)} h at ${rate} chunks/s`,
        ]),
      ],
    ),
    '',
    "The bge-small rows are estimates: this run's chunk count divided by the rates the issue measured for a model of",
    "bge-small-en-v1.5's shape on this machine (DESIGN.md); the `embedspeed` helper's model generator was not available here.",
    '',
    table(
      ['waits during …', 'n', 'p50 ms', 'p99 ms', 'max ms'],
      [
        waitRow('forget, keyword phase', samples.forget.keyword),
        waitRow('forget, embedding phase', samples.forget.embedding),
        waitRow('/help acknowledged, keyword phase', samples.ack.keyword),
        waitRow('/help acknowledged, embedding phase', samples.ack.embedding),
        waitRow('/help acknowledged, idle', samples.ack.idle),
      ],
    ),
    '',
    'RSS of the process (bot, import and model together), sampled every 2 s:',
    '',
    table(
      ['phase', 'min', 'max', 'first third → last third (mean)'],
      [rssRow(samples, 'keyword'), rssRow(samples, 'embedding'), rssRow(samples, 'idle')],
    ),
  ].join('\n');
}

if (process.argv.includes('--stream')) {
  writeResultsSection('archive-stream', await streamMemory(Number(process.env.BENCH_ARCHIVE_STREAM_RECORDS ?? 30_000)));
} else {
  await main();
}
