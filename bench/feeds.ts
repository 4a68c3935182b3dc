// `npm run bench:feeds`: the feed reader's figures, against the stand-in newsroom site on 127.0.0.1.
//  1. Parse time of a 200-item feed (RSS with full text, Atom, JSON Feed) with feedsmith, the parser
//     the bot uses, beside @extractus/feed-extractor and rss-parser (`npm run bench:install` first),
//     and what each gets right.
//  2. A sync of a 200-item feed: the first, then unchanged re-syncs (requests made, bytes, seconds).
//  3. The time from a story appearing in a feed to being answerable by the running bot, with a short
//     poll interval (measured) and the default one (computed from the measurement).
// Results go to the "feeds" section of bench/RESULTS.md.
import { commands } from '../commands/index.ts';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ApplicationCommandOptionType } from 'discord.js';
import { parseFeed } from 'feedsmith';
import { ParsePool } from '../src/articles/parse-pool.ts';
import { startBot } from '../src/discord/bot.ts';
import { runFeedSync } from '../src/feeds/run-sync.ts';
import { followFeed } from '../src/feeds/subscriptions.ts';
import type { FeedSyncResult } from '../src/feeds/sync.ts';
import { silentLogger } from '../src/log.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { startFakeDiscord } from '../test/fakes/discord/index.ts';
import { atom, jsonFeed, rss, startNewsroomSite, type NewsroomSite } from '../test/fakes/newsroom-site.ts';
import { createTestApp } from '../test/support/app.ts';
import { proseArticle } from './prose.ts';
import { BENCH_DIR, machineLine, progress, writeResultsSection } from './results.ts';
import { latency, mark, ms, percentile, table } from './stats.ts';

const ITEMS = 200;
const PARSE_RUNS = Number(process.env.BENCH_FEEDS_PARSE_RUNS ?? 30);
const SHORT_POLL_S = Number(process.env.BENCH_FEEDS_POLL_S ?? 2);
const DEFAULT_POLL_S = 600;
const TRIALS = Number(process.env.BENCH_FEEDS_TRIALS ?? 8);

/**
 * Five paragraphs of story `i` (bench/prose.ts), about 800 characters: each story its own text, as
 * in a newsroom's feed (stories differing by a number alone would be stored as one, duplicates).
 */
function storyParagraphs(i: number): string[] {
  const sentences = proseArticle(i)
    .body.split('\n\n')
    .slice(0, 5)
    .map((p) => p.split(/(?<=[.”])\s+(?=[A-Z“])/));
  const paragraphs = sentences.map((s) => s[0] ?? '');
  for (let k = 0; k < paragraphs.length && paragraphs.join('\n\n').length < 760; k++) {
    if (sentences[k]?.[1]) paragraphs[k] += ` ${sentences[k]?.[1]}`;
  }
  return paragraphs;
}

/** 200 stories of about 1.3 KB each (five paragraphs), as a newsroom's feed holds them. */
function stories(site: NewsroomSite, count: number): void {
  for (let i = 0; i < count; i++) {
    site.publish({ slug: `story-${i}`, title: `Harbour board meeting ${i}`, author: 'Ann Reporter', paragraphs: storyParagraphs(i) });
  }
}

// ---------------------------------------------------------------- 1. parsers

interface Parser {
  name: string;
  version: string;
  parse(text: string, format: 'rss' | 'atom' | 'json'): Promise<unknown>;
}

function benchRequire(): NodeJS.Require {
  return createRequire(path.join(BENCH_DIR, 'package.json'));
}

/** A package's version, read from the package.json above its entry point (not every package exports it). */
function versionOf(name: string, require: NodeJS.Require): string {
  let dir = path.dirname(require.resolve(name));
  while (
    !fs.existsSync(path.join(dir, 'package.json')) ||
    (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name
  ) {
    const parent = path.dirname(dir);
    if (parent === dir) return '?';
    dir = parent;
  }
  return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

async function parsers(): Promise<{ parsers: Parser[]; missing: string[] }> {
  const require = benchRequire();
  const own = createRequire(import.meta.url);
  const list: Parser[] = [
    {
      name: 'feedsmith',
      version: versionOf('feedsmith', own),
      parse: async (text) => parseFeed(text.startsWith('{') ? JSON.parse(text) : text),
    },
  ];
  const missing: string[] = [];
  try {
    const extractor = (await import(require.resolve('@extractus/feed-extractor'))) as {
      extractFromXml(xml: string, options?: object): unknown;
      extractFromJson(json: unknown, options?: object): unknown;
    };
    // Its default, normalized output (title, link, published, description); `normalization: false`
    // keeps each format's raw fields but failed on these feeds ("reading 'slice'").
    const options = {};
    list.push({
      name: '@extractus/feed-extractor',
      version: versionOf('@extractus/feed-extractor', require),
      parse: async (text, format) =>
        format === 'json' ? extractor.extractFromJson(JSON.parse(text), options) : extractor.extractFromXml(text, options),
    });
  } catch {
    missing.push('@extractus/feed-extractor');
  }
  try {
    const RssParser = (
      (await import(require.resolve('rss-parser'))) as { default: new () => { parseString(xml: string): Promise<unknown> } }
    ).default;
    const parser = new RssParser();
    list.push({
      name: 'rss-parser',
      version: versionOf('rss-parser', require),
      parse: async (text, format) => {
        if (format === 'json') throw new Error('no JSON Feed support');
        return parser.parseString(text);
      },
    });
  } catch {
    missing.push('rss-parser');
  }
  return { parsers: list, missing };
}

async function timeParse(parser: Parser, text: string, format: 'rss' | 'atom' | 'json'): Promise<number | string> {
  try {
    for (let i = 0; i < 5; i++) await parser.parse(text, format);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const samples: number[] = [];
  for (let i = 0; i < PARSE_RUNS; i++) {
    const started = performance.now();
    await parser.parse(text, format);
    samples.push(performance.now() - started);
  }
  return percentile(samples, 50);
}

/** What a parser gets right, checked on small documents. */
async function correctness(parser: Parser): Promise<Record<string, boolean>> {
  const attempt = async (text: string, format: 'rss' | 'atom' | 'json'): Promise<string> => {
    try {
      return JSON.stringify(await parser.parse(text, format));
    } catch (error) {
      return `throws: ${String(error)}`;
    }
  };
  const fullText = await attempt(
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><item><title>A</title><link>https://n.example/a</link><description>Teaser.</description><content:encoded><![CDATA[<p>The whole story.</p>]]></content:encoded><dc:creator>Ann Reporter</dc:creator></item></channel></rss>',
    'rss',
  );
  const atomDates = await attempt(
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>f</id><updated>2026-03-09T00:00:00Z</updated><entry><title>A</title><id>a</id><published>2026-03-01T10:00:00Z</published><updated>2026-03-09T12:00:00Z</updated></entry></feed>',
    'atom',
  );
  const json = await attempt(
    '{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"1","url":"https://n.example/1","title":"Story one"}]}',
    'json',
  );
  const malformed = await attempt(
    '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</item></channel></rss>',
    'rss',
  );
  const html = await attempt('<!DOCTYPE html><html><head><title>Site</title></head><body><p>A page.</p></body></html>', 'rss');
  return {
    'keeps content:encoded': fullText.includes('The whole story.'),
    'keeps dc:creator': fullText.includes('Ann Reporter'),
    'Atom published ≠ updated': atomDates.includes('2026-03-01T10:00') && atomDates.includes('2026-03-09T12:00'),
    'reads JSON Feed': json.includes('Story one'),
    'refuses malformed XML': malformed.startsWith('throws'),
    'refuses an HTML page': html.startsWith('throws'),
  };
}

async function parserSection(site: NewsroomSite): Promise<string> {
  const documents = {
    rss: rss(site, 'full'),
    atom: atom(site),
    json: jsonFeed(site),
  } as const;
  const { parsers: list, missing } = await parsers();
  const rows: string[][] = [];
  const checks: string[][] = [];
  let checkNames: string[] = [];
  for (const parser of list) {
    progress(`parsing with ${parser.name}`);
    const cells = [];
    for (const format of ['rss', 'atom', 'json'] as const) {
      const median = await timeParse(parser, documents[format], format);
      cells.push(typeof median === 'string' ? `fails (${median.slice(0, 40)})` : `${ms(median)} ms`);
    }
    rows.push([`${parser.name} ${parser.version}`, ...cells]);
    const result = await correctness(parser);
    checkNames = Object.keys(result);
    checks.push([parser.name, ...Object.values(result).map(mark)]);
  }
  // The bot's own path: bytes to a worker, parsed, mapped to entries and capped, back to the main thread.
  const pool = new ParsePool({ workers: 1 });
  try {
    const cells = [];
    for (const format of ['rss', 'atom', 'json'] as const) {
      const bytes = Buffer.from(documents[format]);
      for (let i = 0; i < 5; i++) await pool.parseFeed('bench', bytes, { maxEntries: ITEMS });
      const samples: number[] = [];
      for (let i = 0; i < PARSE_RUNS; i++) {
        const started = performance.now();
        const parsed = await pool.parseFeed('bench', bytes, { maxEntries: ITEMS });
        if (!parsed.ok || parsed.value.entries.length !== ITEMS) throw new Error(`the ${format} feed did not parse`);
        samples.push(performance.now() - started);
      }
      cells.push(`${ms(percentile(samples, 50))} ms`);
    }
    rows.push(['the bot: feedsmith in a parse worker, entries mapped (round trip)', ...cells]);
  } finally {
    await pool.close();
  }
  const sizes = (['rss', 'atom', 'json'] as const).map((f) => `${(Buffer.byteLength(documents[f]) / 1024).toFixed(0)} KB`);
  return [
    `### Parsing a ${ITEMS}-item feed (median of ${PARSE_RUNS} runs, main thread unless said)`,
    '',
    table(['parser', `RSS 2.0 + content:encoded (${sizes[0]})`, `Atom, HTML content (${sizes[1]})`, `JSON Feed (${sizes[2]})`], rows),
    '',
    table(['', ...checkNames], checks),
    missing.length > 0 ? `\nNot measured (run \`npm run bench:install\` first): ${missing.join(', ')}.` : '',
  ].join('\n');
}

// ---------------------------------------------------------------- 2. syncs

interface SyncRow {
  label: string;
  result: FeedSyncResult;
}

async function syncOnce(app: Awaited<ReturnType<typeof createTestApp>>, now?: Date): Promise<FeedSyncResult> {
  const run = await runFeedSync(app, now ? { now: () => now } : {});
  if (!run.ran || !run.report.feeds[0]) throw new Error('sync did not run');
  return run.report.feeds[0];
}

async function syncSection(): Promise<string> {
  const rows: SyncRow[] = [];
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-feeds-'));
  for (const kind of ['teaser', 'full'] as const) {
    const site = await startNewsroomSite();
    stories(site, ITEMS);
    const app = await createTestApp({ FETCH_ALLOWED_HOSTS: '127.0.0.1', FEED_POLL_SECONDS: '0' }, empty);
    try {
      await followFeed(app, site.url(kind === 'teaser' ? '/rss.xml' : '/rss-full.xml'), SHARED_COLLECTION);
      const feed = kind === 'teaser' ? 'teasers (pages fetched)' : 'full text (content:encoded)';
      // A day after the newest story: the stories are one to nine days old.
      const t0 = Date.parse(site.stories[0]?.published ?? '') + 86_400_000;
      progress(`first sync, ${feed}`);
      rows.push({ label: `${feed}: first sync`, result: await syncOnce(app, new Date(t0)) });
      rows.push({ label: `${feed}: unchanged re-sync (the feed answers 304)`, result: await syncOnce(app, new Date(t0 + 60_000)) });
      if (kind === 'teaser') {
        // A page is re-asked after a 24th of its story's age: at most 9 hours here, so a day on every one is due.
        rows.push({
          label: `${feed}: a day on, the feed answers 304 (every story page due: re-asked, each 304)`,
          result: await syncOnce(app, new Date(t0 + 86_400_000)),
        });
      }
      site.validators.feeds = false;
      rows.push({ label: `${feed}: re-sync, feed without ETag/Last-Modified`, result: await syncOnce(app, new Date(t0 + 86_520_000)) });
    } finally {
      app.close();
      await site.close();
    }
  }
  fs.rmSync(empty, { recursive: true, force: true });
  return [
    `### Syncing a ${ITEMS}-item feed from the stand-in site (127.0.0.1, tiny test embedding model)`,
    '',
    table(
      ['sync', 'requests', 'bytes received', 'seconds', 'added · updated · unchanged'],
      rows.map(({ label, result: r }) => [
        label,
        String(r.requests),
        `${(r.bytes / 1024).toFixed(0)} KB`,
        r.seconds.toFixed(2),
        `${r.added} · ${r.updated} · ${r.unchanged}`,
      ]),
    ),
  ].join('\n');
}

// ---------------------------------------------------------------- 3. from the feed to an answer

async function latencySection(): Promise<string> {
  const discord = await startFakeDiscord();
  const site = await startNewsroomSite();
  stories(site, ITEMS);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-feeds-bot-'));
  const app = await createTestApp(
    {
      FETCH_ALLOWED_HOSTS: '127.0.0.1',
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.restApi,
      FEED_POLL_SECONDS: String(SHORT_POLL_S),
      QUESTIONS_PER_MINUTE: '600',
    },
    empty,
  );
  const passes: number[] = [];
  const toStored: number[] = [];
  const toAnswer: number[] = [];
  const answerTime: number[] = [];
  let answered = 0;
  try {
    await followFeed(app, site.url('/rss.xml'), SHARED_COLLECTION);
    progress('first sync of the bot’s feed');
    await syncOnce(app);
    const bot = startBot(app.config, silentLogger, Promise.resolve(app), { commands });
    await bot.ready;
    try {
      for (let trial = 0; trial < TRIALS; trial++) {
        // A story appears at a random moment of the poll cycle.
        await new Promise((r) => setTimeout(r, Math.random() * SHORT_POLL_S * 1000));
        const slug = `breaking-${trial}`;
        const keeper = `Keeper${trial} Quill`;
        const published = performance.now();
        site.publish({
          slug,
          title: `New keeper ${trial} for the lighthouse`,
          paragraphs: [`${keeper} was named keeper of the Saltcombe lighthouse, trial ${trial}.`],
        });
        const id = `127-0-0-1-stories-${slug}`;
        while (!app.library.catalog.getArticle(SHARED_COLLECTION, id)) await new Promise((r) => setTimeout(r, 5));
        const stored = performance.now();
        toStored.push(stored - published);
        const sent = discord.slashCommand({
          name: 'ask',
          options: [
            {
              type: ApplicationCommandOptionType.String,
              name: 'question',
              value: `Who was named keeper of the Saltcombe lighthouse in trial ${trial}?`,
            },
          ],
        });
        const deadline = Date.now() + 30_000;
        for (;;) {
          const message = discord.originalMessage(sent.token);
          const sources = message?.embeds.find((e) => e.title === 'Sources');
          if (sources) {
            if (`${message?.content ?? ''}${message?.embeds.map((e) => e.description).join('')}`.includes(keeper)) answered++;
            break;
          }
          if (Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 5));
        }
        const done = performance.now();
        answerTime.push(done - stored);
        toAnswer.push(done - published);
        progress(`trial ${trial + 1}/${TRIALS}: stored after ${ms(stored - published)} ms, answered after ${ms(done - published)} ms`);
      }
    } finally {
      await bot.stop();
    }
    // How long one pass takes when one story is new among 200 (what every poll costs after a publication).
    site.publish({ slug: 'one-more', title: 'One more story', paragraphs: ['One more story for timing a pass.'] });
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await syncOnce(app);
      passes.push(performance.now() - started);
      site.publish({ slug: `one-more-${i}`, title: `One more story ${i}`, paragraphs: [`Story ${i} for timing a pass.`] });
    }
  } finally {
    app.close();
    await site.close();
    await discord.close();
    fs.rmSync(empty, { recursive: true, force: true });
  }
  const stored = latency(toStored);
  const answer = latency(toAnswer);
  const answering = latency(answerTime);
  const pass = latency(passes);
  const expectedMean = (DEFAULT_POLL_S / 2) * 1000 + pass.mean;
  const expectedWorst = DEFAULT_POLL_S * 1000 + pass.p99;
  return [
    `### From a story appearing in the feed to an answer citing it (the running bot, ${ITEMS}-item teaser feed, ${TRIALS} stories)`,
    '',
    table(
      [
        'poll interval',
        'published → stored (mean / max)',
        'stored → /ask answered with it (mean)',
        'published → answered (mean / max)',
        'answers citing the new story',
      ],
      [
        [
          `FEED_POLL_SECONDS=${SHORT_POLL_S} (measured)`,
          `${(stored.mean / 1000).toFixed(2)} s / ${(Math.max(...toStored) / 1000).toFixed(2)} s`,
          `${ms(answering.mean)} ms`,
          `${(answer.mean / 1000).toFixed(2)} s / ${(Math.max(...toAnswer) / 1000).toFixed(2)} s`,
          `${answered} of ${TRIALS}`,
        ],
        [
          `FEED_POLL_SECONDS=${DEFAULT_POLL_S} (default; computed)`,
          `${(expectedMean / 1000).toFixed(0)} s / ${(expectedWorst / 1000).toFixed(0)} s`,
          `${ms(answering.mean)} ms`,
          `${((expectedMean + answering.mean) / 1000).toFixed(0)} s / ${((expectedWorst + answering.mean) / 1000).toFixed(0)} s`,
          '–',
        ],
      ],
    ),
    '',
    `A story waits for the next poll: on average half an interval, at most a whole one, plus the pass that brings it in ` +
      `(${ms(pass.mean)} ms mean, ${ms(pass.p99)} ms max here: the feed, one new page, 199 items unchanged without a request, ` +
      `one article embedded and stored). The default row is interval / 2 + pass (mean) and interval + slowest pass (max).`,
  ].join('\n');
}

async function main(): Promise<void> {
  const site = await startNewsroomSite();
  stories(site, ITEMS);
  const parsing = await parserSection(site);
  await site.close();
  const syncing = await syncSection();
  const latencies = await latencySection();
  const markdown = ['## Feeds (`npm run bench:feeds`)', '', machineLine(), '', parsing, '', syncing, '', latencies].join('\n');
  process.stdout.write(`${markdown}\n`);
  writeResultsSection('feeds', markdown);
}

await main();
