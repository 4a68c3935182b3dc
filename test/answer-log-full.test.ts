import { commands } from '../commands/index.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ApplicationCommandOptionType, type APIMessage } from 'discord.js';
import { startBot, type Bot } from '../src/discord/bot.ts';
import { silentLogger } from '../src/log.ts';
import { answerLogMessages } from '../src/messages/answer-log.ts';
import { discordText } from '../src/messages/discord.ts';
import { startOpsServer, type OpsServer } from '../src/ops/http-server.ts';
import { Metrics } from '../src/ops/metrics.ts';
import { Readiness } from '../src/ops/readiness.ts';
import { AnswerLog } from '../src/readers/answer-log.ts';
import { startFakeDiscord, type FakeDiscord } from './fakes/discord/index.ts';
import { startFakeOpenAI, type ChatRequestBody, type FakeOpenAI } from './fakes/openai-server.ts';
import { createTestApp, passageFromPrompt, userMessage } from './support/app.ts';
import { get, metricValue } from './support/metrics.ts';
import { waitUntil } from './support/wait.ts';

// A full disk, made the portable way: SQLite's max_page_count caps answers.sqlite, and past it SQLite
// itself fails writes with SQLITE_FULL, the error a full disk gives. Filling it with rows that shrink
// step by step leaves no page with room for anything the size of a real answer or question.
const CAP_BYTES = 96 * 1024;

function fillAnswers(log: AnswerLog): void {
  for (const size of [3000, 1500, 700, 300, 120]) {
    for (let i = 0; i < 10_000; i++) {
      const saved = log.saveAnswer({
        guildId: null,
        userId: 'filler',
        question: 'q',
        kind: 'answer',
        mode: 'llm',
        text: 'x'.repeat(size),
        citations: [],
      });
      if (!saved.recorded) break;
    }
  }
}

function fillUnanswered(log: AnswerLog): void {
  for (const size of [1000, 300, 60, 1]) {
    for (let i = 0; i < 10_000; i++) if (!log.recordUnanswered('q'.repeat(size), null, [])) break;
  }
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-answer-log-'));
}

test('a full answer log keeps answering: writes report not recorded, nothing throws, the problem is named and counted', () => {
  const dir = tempDir();
  const failures: string[] = [];
  const log = new AnswerLog(dir, { maxBytes: CAP_BYTES, onWriteFailed: (f) => failures.push(f) });
  try {
    const kept = log.saveAnswer({
      guildId: 'g',
      userId: 'u',
      question: 'Who reopened the bridge?',
      kind: 'answer',
      mode: 'llm',
      text: 'The mayor [1].',
      citations: [],
    });
    assert.equal(kept.recorded, true);
    assert.equal(log.status.recording, true);
    fillAnswers(log);
    fillUnanswered(log);
    assert.equal(log.status.recording, false);
    assert.equal(log.status.problem, 'disk_full');
    assert.match(log.status.reason ?? '', /disk holding answers\.sqlite is full/);
    assert.ok(failures.length >= 2 && failures.every((f) => f === 'disk_full'));

    const lost = log.saveAnswer({
      guildId: 'g',
      userId: 'u',
      question: 'When?',
      kind: 'answer',
      mode: 'llm',
      text: 'On Monday [1]. '.repeat(40),
      citations: [],
    });
    assert.equal(lost.recorded, false);
    assert.equal(log.recordUnanswered('What did the ferry cost in 1990 and who paid for it?', 'g', ['a', 'b']), false);
    assert.equal(log.getAnswer(lost.id)?.text, lost.text, 'an answer that could not be recorded is still there for its buttons');
    assert.equal(log.recordFeedback(lost.id, 'v', 'up'), 'not_recorded');
    assert.equal(log.recordFeedback('no-such-answer', 'v', 'up'), 'unknown_answer');
    assert.equal(log.getAnswer(kept.id)?.question, 'Who reopened the bridge?', 'what was recorded is still read');
  } finally {
    log.close();
  }
  // Space freed (no cap): the same file records again, and kept what it had.
  const reopened = new AnswerLog(dir);
  try {
    assert.equal(reopened.status.recording, true);
    assert.equal(
      reopened.saveAnswer({ guildId: null, userId: 'u', question: 'q', kind: 'answer', mode: 'llm', text: 't', citations: [] }).recorded,
      true,
    );
    assert.ok(reopened.unansweredQuestions().length > 0);
  } finally {
    reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const GUILD = '555555555555555555';
let discord: FakeDiscord;
let llm: FakeOpenAI;
let app: Awaited<ReturnType<typeof createTestApp>>;
let bot: Bot;
let server: OpsServer;
const metrics = new Metrics({ processMetrics: false });
const readiness = new Readiness();

before(async () => {
  llm = await startFakeOpenAI((body: ChatRequestBody) => {
    const passage = passageFromPrompt(userMessage(body), 1);
    return { text: `${passage.split(/(?<=[.!?])\s/)[0] ?? passage} [1]` };
  });
  discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Full disk' }] });
  const env = {
    OPENAI_BASE_URL: llm.baseURL,
    DISCORD_TOKEN: discord.token,
    DISCORD_CLIENT_ID: discord.applicationId,
    DISCORD_API_URL: discord.restApi,
    QUESTIONS_PER_MINUTE: '50',
  };
  app = await createTestApp(env, undefined, { metrics, answerLogMaxBytes: CAP_BYTES });
  server = await startOpsServer({ host: '127.0.0.1', port: 0, metrics, readiness, logger: silentLogger });
  bot = startBot(app.config, silentLogger, Promise.resolve(app), { commands, metrics, readiness });
  await bot.ready;
});

after(async () => {
  await bot.stop();
  await server.close();
  app.close();
  await discord.close();
  await llm.close();
});

async function settled(token: string): Promise<APIMessage> {
  return waitUntil(() => {
    const m = discord.originalMessage(token);
    const footer = m?.embeds[0]?.footer?.text ?? '';
    return m && (m.content || m.embeds.length > 0) && !footer.startsWith('Writing') ? m : undefined;
  });
}

function ask(question: string) {
  return discord.slashCommand({
    name: 'ask',
    guildId: GUILD,
    options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: question }],
  });
}

test('bot with a full answer log: answers and not-founds still come, say they were not recorded, votes say they cannot be kept; /readyz and /metrics tell', async () => {
  fillAnswers(app.answerLog);
  fillUnanswered(app.answerLog);

  const answered = await settled(ask('When did the Kestrel Street Bridge reopen?').token);
  const text = answered.embeds.map((e) => e.description ?? '').join('\n');
  assert.ok(
    answered.embeds.some((e) => e.title === discordText.sourcesTitle),
    'the answer came with its sources',
  );
  assert.match(text, /This answer was not recorded/);

  const notFound = await settled(ask('What is the population of Port Alder?').token);
  assert.match(notFound.embeds.map((e) => e.description ?? '').join('\n'), /do not answer this/);

  const answerId =
    ((answered.components?.[0] as { components: { custom_id: string }[] }).components[0]?.custom_id ?? '').split(':')[2] ?? '';
  const vote = discord.button({ customId: `nr:vote:${answerId}:up`, message: answered, guildId: GUILD });
  const reply = await waitUntil(() => discord.callbacksFor(vote.id)[0]);
  assert.equal((reply.body as { data?: { content?: string } }).data?.content, answerLogMessages.voteNotRecorded);
  const sources = discord.button({ customId: `nr:sources:${answerId}`, message: answered, guildId: GUILD });
  const shown = await settled(sources.token);
  assert.ok(
    shown.embeds.some((e) => e.title === discordText.sourcesTitle),
    '"Show sources" still works on the unrecorded answer',
  );

  const ready = await get(`${server.url}/readyz`);
  assert.equal(ready.status, 200, 'still ready: it answers, and a restart would not free the disk');
  const body = JSON.parse(ready.body) as { ready: boolean; degraded?: string[] };
  assert.equal(body.ready, true);
  assert.match(body.degraded?.[0] ?? '', /answers are not recorded: the disk holding answers\.sqlite is full/);
  const scraped = (await get(`${server.url}/metrics`)).body;
  assert.ok((metricValue(scraped, 'newsroom_answer_log_write_failures_total', { reason: 'disk_full' }) ?? 0) >= 3);
  assert.equal(metricValue(scraped, 'newsroom_answer_log_write_failures_total', { reason: 'damaged' }), 0);
  assert.equal(metricValue(scraped, 'newsroom_answers_total', { command: 'ask', kind: 'answer', mode: 'llm' }), 1);
});
