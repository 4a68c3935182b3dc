// `npm run bench:hostile`: hostile inputs against the parsing limits (worker threads, time limit,
// nesting limit), and the bot's acknowledgements while a hostile ingest runs.
//  1. Each hostile file through parseArticleBuffer (as files, attachments and URLs are parsed),
//     then stored with ingest(): time to a refusal or success, the main thread's largest
//     event-loop delay meanwhile, what was stored.
//  2. 50 and 200 concurrent /ask (fake Discord, fake LLM) while an editor's /ingest of a hostile
//     page keeps a parse worker busy until its time limit: ack latency and failures.
import { commands } from '../commands/index.ts';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ApplicationCommandOptionType, PermissionFlagsBits, type APIUser } from 'discord.js';
import { DEFAULT_PARSE_TIME_LIMIT_MS, MAX_NESTING_DEPTH, parseArticleBuffer } from '../src/articles/index.ts';
import { startBot } from '../src/discord/bot.ts';
import { ingest } from '../src/ingest.ts';
import { silentLogger } from '../src/log.ts';
import { discordText } from '../src/messages/discord.ts';
import { startFakeDiscord, type FakeDiscord, type SentInteraction } from '../test/fakes/discord/index.ts';
import { citingReply, startFakeOpenAI } from '../test/fakes/openai-server.ts';
import { createTestApp } from '../test/support/app.ts';
import { nestedHtml, nestedJsonArrays, nestedMarkdownList, wideNestedHtml } from '../test/support/hostile.ts';
import { machineLine, progress, writeResultsSection } from './results.ts';
import { latency, ms, table } from './stats.ts';

const GUILD = '111111111111111111';

interface Case {
  label: string;
  name: string;
  data: Buffer;
}

/** One line of 1 MB repeating `sentence`: each file gets its own, so none is stored as a copy of another. */
function oneMegabyteLine(sentence: string): string {
  return `${sentence} `.repeat(Math.ceil((1024 * 1024) / (sentence.length + 1))).slice(0, 1024 * 1024);
}

const CASES: Case[] = [
  { label: 'HTML nested 2,000 levels', name: 'nested-2000.html', data: Buffer.from(nestedHtml(2_000)) },
  { label: 'HTML nested 20,000 levels', name: 'nested-20000.html', data: Buffer.from(nestedHtml(20_000)) },
  {
    label: `HTML with 300 side-by-side stacks of 250 levels (each under the ${MAX_NESTING_DEPTH} limit)`,
    name: 'wide-nesting.html',
    data: Buffer.from(wideNestedHtml(300, 250)),
  },
  {
    label: 'HTML, a 1 MB single line',
    name: 'one-line-page.html',
    data: Buffer.from(
      `<html><head><title>One line</title></head><body><p>${oneMegabyteLine('The harbour board met again on Tuesday and the vote was delayed.')}</p></body></html>`,
    ),
  },
  {
    label: 'Markdown, a 1 MB single line',
    name: 'one-line-story.md',
    data: Buffer.from(`# One line\n\n${oneMegabyteLine('The ferry timetable changed on Monday and the night crossing was cut.')}`),
  },
  {
    label: 'Markdown with invalid UTF-8',
    name: 'invalid-utf8.md',
    data: Buffer.concat([
      Buffer.from('# Council budget\n\nThe council met on '),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(' Tuesday.\n'),
    ]),
  },
  {
    label: 'HTML with a 5 MB attribute',
    name: 'huge-attribute.html',
    data: Buffer.from(
      `<html><head><title>Attribute</title></head><body><p data-x="${'a'.repeat(5 * 1024 * 1024)}">The story text itself is short.</p></body></html>`,
    ),
  },
  { label: 'JSON, arrays nested 1,000,000 levels', name: 'nested-arrays.json', data: Buffer.from(nestedJsonArrays(1_000_000)) },
  {
    label: 'JSON record whose HTML body nests 5,000 levels',
    name: 'nested-body.json',
    data: Buffer.from(JSON.stringify({ title: 'Deep body', body: nestedHtml(5_000) })),
  },
  { label: 'Markdown list indented 3,000 levels', name: 'nested-list.md', data: Buffer.from(nestedMarkdownList(3_000)) },
  {
    label: 'Markdown front matter nested 10,000 levels',
    name: 'nested-yaml.md',
    data: Buffer.from(`---\ntitle: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n---\n\nBody.\n`),
  },
];

/** Runs `work` while watching the main thread's event loop: its result, wall time and largest delay. */
async function watched<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; maxDelayMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const started = performance.now();
  const value = await work();
  const elapsed = performance.now() - started;
  histogram.disable();
  return { value, ms: elapsed, maxDelayMs: histogram.max / 1e6 };
}

function truncate(text: string, max = 110): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

async function hostileInputs(): Promise<string> {
  const loadAverage = os.loadavg()[0] ?? 0;
  const app = await createTestApp({}, '');
  try {
    // Start the parse workers first: their start-up is not part of any row.
    await parseArticleBuffer('warm-up.md', Buffer.from('# Warm up\n\nText.\n'), 'warm-up');
    const idle = await watched(() => new Promise((resolve) => setTimeout(resolve, 2_000)));
    const rows: string[][] = [
      ['nothing: the main thread idle for 2 s (the noise floor)', '–', '–', `${ms(idle.maxDelayMs)} ms`, '–', '–', '–'],
    ];
    for (const c of CASES) {
      progress(c.label);
      const parse = await watched(() => parseArticleBuffer(c.name, c.data, `bench:${c.name}`));
      const store = await watched(() =>
        ingest({ library: app.library, embedder: app.embedder }, parse.value, { collection: 'bench', chunking: app.config.chunking }),
      );
      const summary = store.value;
      const outcome = summary.failed > 0 ? `refused: “${truncate(summary.failures[0]?.error ?? '')}”` : 'loaded';
      const articles = summary.added + summary.updated;
      const stored = articles > 0 ? `${articles} article, ${summary.chunks} chunks` : 'nothing';
      rows.push([
        c.label,
        `${(c.data.byteLength / 1024).toFixed(0)} KB`,
        `${ms(parse.ms)} ms`,
        `${ms(parse.maxDelayMs)} ms`,
        outcome,
        stored,
        `${ms(store.maxDelayMs)} ms`,
      ]);
    }
    return [
      '### Hostile files',
      '',
      'Each file parsed with `parseArticleBuffer` (the path of files, Discord attachments and fetched pages) in the',
      `parse workers (default time limit ${DEFAULT_PARSE_TIME_LIMIT_MS / 1000} s, nesting limit ${MAX_NESTING_DEPTH}), then stored with \`ingest()\` in a temp`,
      'library with the tiny test model. "Main thread" is the largest event-loop delay (`monitorEventLoopDelay`, 5 ms',
      'resolution) while the file was parsed, and while its result was chunked, embedded and stored; the first row is',
      'the same measure with nothing running, i.e. what the operating system alone adds on this machine (load average',
      `${loadAverage.toFixed(1)} when the run started). Before the workers, Readability ran on the main thread: 2,000 nested elements blocked`,
      'it for 109 s.',
      '',
      table(['input', 'size', 'parse', 'main thread (parse)', 'outcome', 'stored', 'main thread (store)'], rows),
    ].join('\n');
  } finally {
    app.close();
  }
}

function reader(n: number): APIUser {
  return { id: String(500000000000000000n + BigInt(n)), username: `reader${n}`, discriminator: '0', global_name: null, avatar: null };
}

async function waitUntil(probe: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Waits until `done` holds for every item, checking only those not done yet: the fake Discord shares
 * the bot's thread, so a poll over 200 interactions every few ms would itself delay the acks measured.
 */
async function waitForAll<T>(items: readonly T[], done: (item: T) => boolean): Promise<void> {
  let pending = [...items];
  await waitUntil(() => (pending = pending.filter((item) => !done(item))).length === 0);
}

interface Burst {
  acks: number[];
  answered: number;
  busy: number;
  failed: number;
  maxDelayMs: number;
  /** Whether the hostile ingest was still unanswered when the last /ask was acknowledged. */
  hostileStillParsing: boolean | null;
}

async function askBurst(discord: FakeDiscord, count: number, firstUser: number, hostile: SentInteraction | null): Promise<Burst> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const sent = Array.from({ length: count }, (_, i) => {
    const at = Date.now();
    const s = discord.slashCommand({
      name: 'ask',
      guildId: GUILD,
      user: reader(firstUser + i),
      options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'When did the Kestrel Street Bridge reopen?' }],
    });
    return { ...s, at };
  });
  await waitForAll(sent, (s) => discord.callbacksFor(s.id).length > 0);
  histogram.disable();
  const hostileStillParsing = hostile ? !discord.originalMessage(hostile.token)?.content : null;
  const acks = sent.map((s) => (discord.callbacksFor(s.id)[0]?.time ?? s.at) - s.at);
  const text = (s: SentInteraction) => {
    const m = discord.originalMessage(s.token);
    return [
      m?.content ?? '',
      ...(m?.embeds ?? []).map((e) => e.title ?? ''),
      ...discord.followUpMessages(s.token).map((f) => f.content ?? ''),
    ].join('\n');
  };
  const done = (s: SentInteraction) =>
    /Sources/.test(text(s)) || text(s).includes(discordText.busy(10)) || text(s).includes(discordText.unexpected);
  await waitForAll(sent, done);
  const answered = sent.filter((s) => /Sources/.test(text(s))).length;
  const busy = sent.filter((s) => text(s).includes(discordText.busy(10))).length;
  return { acks, answered, busy, failed: count - answered - busy, maxDelayMs: histogram.max / 1e6, hostileStillParsing };
}

async function asksDuringHostileIngest(): Promise<string> {
  // Cited as a good model would: an answer whose sources are checked and shown (what a burst waits for).
  const llm = await startFakeOpenAI(citingReply('The Kestrel Street Bridge reopened to traffic at 6 a.m. Thursday', 200));
  const discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Newsroom' }] });
  const app = await createTestApp({
    OPENAI_BASE_URL: llm.baseURL,
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.restApi,
    QUESTIONS_PER_MINUTE: '600',
    LLM_MAX_CONCURRENT: '64',
    // Attachments come from the stand-in Discord on loopback, which the bot otherwise refuses to fetch from.
    FETCH_ALLOWED_HOSTS: '127.0.0.1',
  });
  const bot = startBot(app.config, silentLogger, Promise.resolve(app), { commands });
  await bot.ready;
  const rows: string[][] = [];
  let user = 0;
  try {
    await parseArticleBuffer('warm-up.md', Buffer.from('# Warm up\n\nText.\n'), 'warm-up');
    // Warm-up bursts, not reported: JIT, and the HTTP connections a 200-interaction burst opens.
    await askBurst(discord, 20, (user += 20), null);
    await askBurst(discord, 200, (user += 200), null);
    for (const count of [50, 200]) {
      for (const withHostile of [false, true]) {
        progress(`${count} concurrent /ask${withHostile ? ' during a hostile ingest' : ''}`);
        let hostile: SentInteraction | null = null;
        let hostileStarted = 0;
        if (withHostile) {
          const attachment = discord.attachment('hostile.html', wideNestedHtml(300, 250), 'text/html');
          hostileStarted = Date.now();
          hostile = discord.slashCommand({
            name: 'ingest',
            guildId: GUILD,
            permissions: String(PermissionFlagsBits.ManageMessages),
            options: [{ type: ApplicationCommandOptionType.Attachment, name: 'file', value: attachment.id }],
            attachments: [attachment],
          });
          await discord.waitForRequest((r) => r.route.endsWith('/hostile.html'), 30_000);
        }
        const burst = await askBurst(discord, count, (user += count), hostile);
        let hostileOutcome = '–';
        if (hostile) {
          const sentHostile = hostile;
          await waitUntil(() => Boolean(discord.originalMessage(sentHostile.token)?.content));
          const reply = discord.originalMessage(sentHostile.token)?.content ?? '';
          hostileOutcome = `${/failed 1/.test(reply) ? 'refused' : 'not refused'} after ${((Date.now() - hostileStarted) / 1000).toFixed(1)} s; still parsing at the last ack: ${burst.hostileStillParsing ? 'yes' : 'no'}`;
        }
        const l = latency(burst.acks);
        rows.push([
          `${count} /ask${withHostile ? ' + hostile /ingest' : ''}`,
          ms(l.p50),
          ms(l.p99),
          ms(Math.max(...burst.acks)),
          `${ms(burst.maxDelayMs)} ms`,
          `${burst.answered} / ${burst.busy} / ${burst.failed}`,
          hostileOutcome,
        ]);
      }
    }
  } finally {
    await bot.stop();
    app.close();
    await discord.close();
    await llm.close();
  }
  return [
    '### Concurrent /ask while a hostile ingest runs',
    '',
    'The real discord.js client and bot against the fake Discord in one process; fake LLM answering after 200 ms',
    '(LLM_MAX_CONCURRENT 64, so up to 192 questions may wait: more get "busy, try again"), after unreported warm-up',
    'bursts of 20 and 200. Each burst sends its /ask',
    'interactions at once from distinct users; in the "+ hostile" rows an editor first attaches a page of 300 stacks of',
    `250 nested elements, which keeps a parse worker busy until the ${DEFAULT_PARSE_TIME_LIMIT_MS / 1000} s time limit, and the burst starts once`,
    'the bot has downloaded it. Ack: INTERACTION_CREATE sent → deferred callback received by the fake (its own',
    "timestamp; the script polls for completion every 25 ms, since the fake shares the bot's thread).",
    '',
    table(['burst', 'ack p50 ms', 'ack p99 ms', 'ack max ms', 'main thread max delay', 'answered / busy / failed', 'hostile file'], rows),
  ].join('\n');
}

const sections = [machineLine(), '', await hostileInputs(), '', await asksDuringHostileIngest()];
const markdown = `## Hostile inputs (\`npm run bench:hostile\`)\n\n${sections.join('\n')}`;
writeResultsSection('hostile', markdown);
process.stdout.write(`${markdown}\n`);
