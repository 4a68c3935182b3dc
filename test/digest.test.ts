import { commands } from '../commands/index.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ApplicationCommandOptionType, PermissionFlagsBits, type APIMessage } from 'discord.js';
import { createApp, type App } from '../src/app.ts';
import { loadConfig, WEEKDAYS } from '../src/config.ts';
import { startBot, type Bot } from '../src/discord/bot.ts';
import { startDigestScheduler } from '../src/discord/digest.ts';
import { createLogger } from '../src/log.ts';
import { AnswerLog } from '../src/readers/answer-log.ts';
import { startFakeDiscord, type FakeDiscord } from './fakes/discord/index.ts';
import { ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { maskedLinks, mentions, readable } from './support/discord-markdown.ts';
import { waitUntil } from './support/wait.ts';

const GUILD = '444444444444444444';
const OTHER_GUILD = '555555555555555555';
const DESK = '444444444444444001';
const EDITORS = '444444444444444002';
const LOCKED = '444444444444444003';
const EDITOR = String(PermissionFlagsBits.ManageMessages);
const WEEK_MS = 7 * 86_400_000;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-digest-'));
let discord: FakeDiscord;

before(async () => {
  discord = await startFakeDiscord({
    guilds: [
      {
        id: GUILD,
        name: 'Desk',
        channels: [
          { id: DESK, name: 'newsroom' },
          { id: EDITORS, name: 'editors' },
          { id: LOCKED, name: 'announcements', botCanSend: false },
        ],
      },
      { id: OTHER_GUILD, name: 'Elsewhere' },
    ],
  });
  const log = new AnswerLog(dataDir);
  for (const q of [
    'Who won the mayoral race? <@&223456789012345678> @everyone',
    'When is the harbour festival? [x](http://evil.example/gap)',
    'who won the mayoral race',
  ]) {
    log.recordUnanswered(q, GUILD, []);
  }
  log.recordUnanswered('A question asked in another server', OTHER_GUILD, []);
  const answer = log.saveAnswer({
    guildId: GUILD,
    userId: 'reader',
    question: '# How much are ferry fares now?',
    kind: 'answer',
    mode: 'llm',
    text: 'Fares rise to 4.20 <@123456789012345678> [1].',
    citations: [
      {
        number: 1,
        articleId: 'harbour-ferry-fares',
        collection: GUILD,
        title: 'Harbour ferry fares rise [x](http://evil.example/t)',
        url: null,
        published: '2026-04-01',
        updated: null,
        byline: null,
        chunkId: 1,
        excerpt: 'Fares rise.',
        start: 0,
        end: 11,
      },
    ],
  });
  log.recordFeedback(answer.id, 'reader-1', 'down');
  log.close();
});

after(async () => {
  await discord.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A running bot over the shared DATA_DIR, as after a restart, with its log lines kept. */
async function startDigestBot(
  env: Record<string, string>,
  now?: () => Date,
): Promise<{ bot: Bot; app: App; logs: { level: number; msg: string }[]; stop(): Promise<void> }> {
  const logs: { level: number; msg: string }[] = [];
  const logger = createLogger('debug', {
    format: 'json',
    stream: { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) },
  });
  const config = loadConfig(
    { ...TINY_MODEL_ENV, DATA_DIR: dataDir, ARTICLES_DIR: '', DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.restApi, ...env },
    ROOT,
  );
  const app = await createApp(config, logger);
  const bot = startBot(config, logger, Promise.resolve(app), { commands, ...(now ? { now } : {}) });
  await bot.ready;
  return {
    bot,
    app,
    logs,
    async stop() {
      await bot.stop();
      app.close();
    },
  };
}

const today = WEEKDAYS[new Date().getUTCDay()] ?? 'monday';
const dueNow = { DIGEST_CHANNEL_ID: EDITORS, DIGEST_DAY: today, DIGEST_HOUR: '0' };

function textOf(message: APIMessage): string {
  return [message.content, ...message.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', e.footer?.text ?? ''])].join('\n');
}

function digests(): APIMessage[] {
  return discord.channelMessages(EDITORS).filter((m) => m.embeds[0]?.title?.startsWith('Weekly digest'));
}

test('the weekly digest is posted to DIGEST_CHANNEL_ID once: this server’s questions and disliked answers, inert', async () => {
  const running = await startDigestBot(dueNow);
  try {
    const [digest] = await waitUntil(() => digests().length > 0 && digests(), 30_000, 'the digest');
    assert.ok(digest);
    const text = textOf(digest);
    assert.match(
      readable(text),
      /\*\*Questions the archive could not answer \(asked 3× in all; most asked first\)\*\*\n\*\*2×\*\* who won the mayoral race · `\d{4}-\d\d-\d\d`\n/,
    );
    assert.match(readable(text), /\n\*\*1×\*\* When is the harbour festival\? \[x\]\(http:\/\/evil\.example\/gap\) · /);
    assert.match(
      readable(text),
      /\*\*👎 1\*\* # How much are ferry fares now\?\n> Fares rise to 4\.20 <@123456789012345678>\.\nSources: Harbour ferry fares rise \[x\]/,
    );
    assert.doesNotMatch(text, /another server/, 'another server’s questions stay there');
    assert.deepEqual(mentions(text), []);
    assert.deepEqual(maskedLinks(text), []);
    assert.deepEqual(
      digest.embeds.map((e) => e.title),
      [digest.embeds[0]?.title, 'Answers readers disliked'],
    );
    await waitUntil(() => running.logs.some((l) => l.msg === 'weekly digest posted'), 30_000, 'the log line');
    assert.equal(discord.unmatchedRequests().length, 0);
  } finally {
    await running.stop();
  }

  // A restart within the week: remembered in answers.sqlite, not posted again.
  const restarted = await startDigestBot(dueNow);
  try {
    await waitUntil(() => restarted.logs.some((l) => l.msg === 'weekly digest already posted'), 30_000, 'the check after the restart');
    assert.equal(digests().length, 1);
  } finally {
    await restarted.stop();
  }

  // A week later it is due again: the new week has nothing to report, and says so.
  const nextWeek = await startDigestBot(dueNow, () => new Date(Date.now() + WEEK_MS));
  try {
    await waitUntil(() => digests().length === 2, 30_000, 'the next week’s digest');
    const text = readable(textOf(digests()[1] as APIMessage));
    assert.match(text, /None this week: every question found an answer in the articles\./);
    assert.match(text, /Answers readers disliked\nNone this week\./);
  } finally {
    await nextWeek.stop();
  }
});

test('a digest channel the bot cannot post to, or cannot see, is logged as an error; the bot keeps serving', async () => {
  for (const [weeks, channel] of [
    [3, LOCKED],
    [4, '999999999999999999'],
  ] as const) {
    // A week whose digest is not posted yet.
    const running = await startDigestBot({ ...dueNow, DIGEST_CHANNEL_ID: channel }, () => new Date(Date.now() + weeks * WEEK_MS));
    try {
      const error = await waitUntil(
        () => running.logs.find((l) => l.level === 50 && l.msg.startsWith('weekly digest not posted')),
        30_000,
        'the error',
      );
      assert.match(error.msg, channel === LOCKED ? /Discord refused the message/ : /cannot see DIGEST_CHANNEL_ID/);
      const help = discord.slashCommand({ name: 'help', guildId: GUILD, options: [] });
      await waitUntil(
        () => discord.originalMessage(help.token)?.content || discord.originalMessage(help.token)?.embeds.length,
        30_000,
        'the /help reply',
      );
    } finally {
      await running.stop();
    }
  }
  assert.equal(discord.channelMessages(LOCKED).length, 0);
});

test('a read-only answer log: the digest is posted, not remembered (a warning says so), and not posted twice by one process', async () => {
  const running = await startDigestBot({});
  const readOnlyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-digest-ro-'));
  new AnswerLog(readOnlyDir).close();
  const log = new AnswerLog(readOnlyDir, { readOnly: true });
  const logs: { level: number; msg: string }[] = [];
  const logger = createLogger('debug', {
    format: 'json',
    stream: { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) },
  });
  const before = digests().length;
  const scheduler = startDigestScheduler({
    client: running.bot.client,
    answerLog: log,
    settings: { channelId: EDITORS, day: today, hourUtc: 0 },
    logger,
    now: () => new Date(Date.now() + 2 * WEEK_MS),
  });
  try {
    await waitUntil(() => digests().length === before + 1, 30_000, 'the digest');
    await waitUntil(
      () => logs.find((l) => l.level === 40 && /not remembered and may be posted again after a restart/.test(l.msg)),
      30_000,
      'the warning',
    );
    await scheduler.check();
    assert.equal(digests().length, before + 1);
  } finally {
    scheduler.stop();
    log.close();
    fs.rmSync(readOnlyDir, { recursive: true, force: true });
    await running.stop();
  }
});

test('/articles gaps and /articles feedback: editors only, this server’s, most asked first and newest first', async () => {
  const running = await startDigestBot({});
  const articles = (subcommand: string, permissions: string, options: { name: string; value: string }[] = []) =>
    discord.slashCommand({
      name: 'articles',
      guildId: GUILD,
      permissions,
      options: [
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: subcommand,
          options: options.map((o) => ({ type: ApplicationCommandOptionType.String, ...o })),
        },
      ],
    });
  const reply = (token: string) =>
    waitUntil(
      () => {
        const m = discord.originalMessage(token);
        return m && (m.content || m.embeds.length > 0) ? m : undefined;
      },
      30_000,
      'the reply',
    );
  try {
    const refused = await reply(articles('feedback', '0').token);
    assert.equal(refused.content, 'Only editors can do this.');

    const gaps = await reply(articles('gaps', EDITOR).token);
    const gapText = readable(textOf(gaps));
    assert.match(
      gapText,
      /^\*\*2×\*\* who won the mayoral race · `\d{4}-\d\d-\d\d`\n\*\*1×\*\* When is the harbour festival\? \[x\]\(http:\/\/evil\.example\/gap\) · /m,
    );
    assert.deepEqual(maskedLinks(textOf(gaps)), []);
    assert.doesNotMatch(gapText, /another server/);
    assert.deepEqual(mentions(textOf(gaps)), []);

    const feedback = await reply(articles('feedback', EDITOR, [{ name: 'vote', value: 'down' }]).token);
    assert.equal(feedback.embeds[0]?.title, 'Answers readers disliked, newest first');
    assert.match(
      readable(textOf(feedback)),
      /👎 `\d{4}-\d\d-\d\d \d\d:\d\d` \*\*# How much are ferry fares now\?\*\*\n> Fares rise to 4\.20 <@123456789012345678>\.\nSources: Harbour ferry fares rise/,
    );
    assert.deepEqual(mentions(textOf(feedback)), []);
    assert.deepEqual(maskedLinks(textOf(feedback)), []);
    const liked = await reply(articles('feedback', EDITOR, [{ name: 'vote', value: 'up' }]).token);
    assert.match(liked.embeds[0]?.description ?? '', /No votes on answers recorded yet\./);
  } finally {
    await running.stop();
  }
});
