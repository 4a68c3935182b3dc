import { commands } from '../commands/index.ts';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationCommandOptionType, PermissionFlagsBits } from 'discord.js';
import type { App } from '../src/app.ts';
import { startBot, type Bot } from '../src/discord/bot.ts';
import { silentLogger } from '../src/log.ts';
import { HttpListenError, startOpsServer, type OpsServer } from '../src/ops/http-server.ts';
import { Metrics } from '../src/ops/metrics.ts';
import { Readiness } from '../src/ops/readiness.ts';
import { startFakeDiscord, type FakeDiscord } from './fakes/discord/index.ts';
import { startFakeOpenAI, type ChatRequestBody, type FakeOpenAI } from './fakes/openai-server.ts';
import { createTestApp, passageFromPrompt, userMessage } from './support/app.ts';
import { get, metricValue } from './support/metrics.ts';

const GUILD = '333333333333333333';

async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('the server answers /healthz, /readyz and /metrics, HEAD too, and 404 for anything else', async () => {
  const metrics = new Metrics();
  const readiness = new Readiness();
  let reason: string | null = 'starting: the library and the embedding model are loading';
  readiness.set('app', () => reason);
  const server = await startOpsServer({ host: '127.0.0.1', port: 0, metrics, readiness, logger: silentLogger });
  try {
    const health = await get(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body), { status: 'ok' });

    const notReady = await get(`${server.url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.deepEqual(JSON.parse(notReady.body), { ready: false, reasons: [reason] });
    reason = null;
    const ready = await get(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.body), { ready: true });

    const scrape = await get(`${server.url}/metrics`);
    assert.equal(scrape.status, 200);
    assert.match(scrape.type ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(metricValue(scrape.body, 'newsroom_answers_total', { command: 'ask', kind: 'answer', mode: 'llm' }), 0);
    assert.equal(metricValue(scrape.body, 'newsroom_refusals_total', { reason: 'rate_limited' }), 0);
    assert.ok((metricValue(scrape.body, 'newsroom_process_resident_memory_bytes') ?? 0) > 0, 'process metrics');
    assert.equal(metricValue(scrape.body, 'newsroom_articles'), undefined, 'no library gauge before the app is loaded');

    const head = await get(`${server.url}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    for (const [path, method] of [
      ['/', 'GET'],
      ['/metrics/x', 'GET'],
      ['/healthzz', 'GET'],
      ['/metrics', 'POST'],
      ['/readyz', 'DELETE'],
    ] as const) {
      assert.equal((await get(`${server.url}${path}`, { method })).status, 404, `${method} ${path}`);
    }
  } finally {
    await server.close();
  }
});

test('a port already in use is refused with a message naming the port and HTTP_PORT', async () => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const port = (squatter.address() as AddressInfo).port;
  try {
    await assert.rejects(
      startOpsServer({
        host: '127.0.0.1',
        port,
        metrics: new Metrics({ processMetrics: false }),
        readiness: new Readiness(),
        logger: silentLogger,
      }),
      (error: unknown) => {
        assert.ok(error instanceof HttpListenError);
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}: port ${port} is already in use`));
        assert.match(error.message, /HTTP_PORT/);
        return true;
      },
    );
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
});

test('the metrics of an app are read from the library when scraped', async () => {
  const metrics = new Metrics({ processMetrics: false });
  const app = await createTestApp({}, undefined, { metrics });
  try {
    const scrape = await metrics.scrape();
    const counts = app.library.counts();
    assert.equal(metricValue(scrape, 'newsroom_articles'), counts.articles);
    assert.equal(metricValue(scrape, 'newsroom_chunks'), counts.chunks);
    assert.equal(metricValue(scrape, 'newsroom_chunks_awaiting_embedding'), 0);
    assert.equal(metricValue(scrape, 'newsroom_embedding_chunks_per_second'), 0, 'nothing awaits: the background embedding is idle');
    assert.equal(metricValue(scrape, 'newsroom_search_mode', { mode: 'hybrid' }), 1);
    assert.equal(metricValue(scrape, 'newsroom_search_mode', { mode: 'keyword' }), 0);
    assert.equal(metricValue(scrape, 'newsroom_answer_mode', { mode: 'extractive' }), 1);

    await app.answerer.ask({ question: 'When did the Kestrel Street Bridge reopen?', collections: ['shared'] });
    await app.answerer.ask({ question: 'What colour is the zebra crossing on Mars?', collections: ['shared'] });
    await app.answerer.summarize({ article: 'kestrel-bridge-reopens', length: 'brief', collections: ['shared'] });
    const after = await metrics.scrape();
    assert.equal(metricValue(after, 'newsroom_answers_total', { command: 'ask', kind: 'answer', mode: 'extractive' }), 1);
    assert.equal(metricValue(after, 'newsroom_answers_total', { command: 'ask', kind: 'not_found', mode: 'extractive' }), 1);
    assert.equal(metricValue(after, 'newsroom_answers_total', { command: 'summarize', kind: 'answer', mode: 'extractive' }), 1);
    assert.equal(metricValue(after, 'newsroom_answer_seconds_count', { command: 'ask' }), 2);
    assert.equal(metricValue(after, 'newsroom_retrieval_seconds_count', { command: 'summarize' }), 1);
    assert.equal(metricValue(after, 'newsroom_generation_seconds_count', { command: 'ask' }), undefined, 'no model, no generation time');
    assert.equal(metricValue(after, 'newsroom_ingests_total', { trigger: 'articles_dir', outcome: 'ok' }), 1, 'the sync of ARTICLES_DIR');
    assert.equal(metricValue(after, 'newsroom_ingested_articles_total', { trigger: 'articles_dir', outcome: 'added' }), counts.articles);
  } finally {
    app.close();
  }
});

test('a feed sync is counted through the counter the feeds code calls', async () => {
  const metrics = new Metrics({ processMetrics: false });
  metrics.feedSynced('ok');
  metrics.feedSynced('ok');
  metrics.feedSynced('failed');
  const scrape = await metrics.scrape();
  assert.equal(metricValue(scrape, 'newsroom_feed_syncs_total', { outcome: 'ok' }), 2);
  assert.equal(metricValue(scrape, 'newsroom_feed_syncs_total', { outcome: 'failed' }), 1);
});

// ---------------------------------------------------------------- the bot

let discord: FakeDiscord;
let llm: FakeOpenAI;
let app: Awaited<ReturnType<typeof createTestApp>>;
const metrics = new Metrics({ processMetrics: false });
const readiness = new Readiness();
let server: OpsServer;

function citeFirstPassage(body: ChatRequestBody) {
  const passage = passageFromPrompt(userMessage(body), 1);
  return { text: `${passage.split(/(?<=[.!?])\s/)[0] ?? passage} [1]`, usage: { prompt: 900, completion: 30 } };
}

before(async () => {
  llm = await startFakeOpenAI(citeFirstPassage);
  discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Desk' }] });
  app = await createTestApp(
    {
      OPENAI_BASE_URL: llm.baseURL,
      LLM_MAX_RETRIES: '0',
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_API_URL: discord.restApi,
      QUESTIONS_PER_MINUTE: '2',
    },
    undefined,
    { metrics },
  );
  server = await startOpsServer({ host: '127.0.0.1', port: 0, metrics, readiness, logger: silentLogger });
});

after(async () => {
  await server.close();
  app.close();
  await discord.close();
  await llm.close();
});

const readyz = async () => {
  const { status, body } = await get(`${server.url}/readyz`);
  return { status, reasons: (JSON.parse(body) as { reasons?: string[] }).reasons ?? [] };
};
const scrape = async () => (await get(`${server.url}/metrics`)).body;

/** The final reply of an interaction, once the bot has edited it in. */
function settled(token: string) {
  return waitFor(async () => {
    const m = discord.originalMessage(token);
    const footer = m?.embeds[0]?.footer?.text ?? '';
    return m && (m.content || m.embeds.length > 0) && !footer.startsWith('Writing') ? m : undefined;
  }, 'the final reply');
}

test('bot: /readyz is 503 until logged in and loaded, 503 while the gateway is disconnected, 200 once resumed', async () => {
  let loaded = false;
  let deliver!: (value: App) => void;
  readiness.set('app', () => (loaded ? null : 'starting: the library and the embedding model are loading'));
  discord.holdGateway();
  const bot: Bot = startBot(app.config, silentLogger, new Promise<App>((resolve) => (deliver = resolve)), { commands, metrics, readiness });
  try {
    const before = await readyz();
    assert.equal(before.status, 503);
    assert.deepEqual(before.reasons, ['starting: the library and the embedding model are loading', 'discord gateway not connected yet']);

    discord.releaseGateway();
    loaded = true;
    deliver(app);
    await bot.ready;
    assert.deepEqual(await readyz(), { status: 200, reasons: [] });

    discord.holdGateway();
    await discord.disconnectClient();
    const down = await waitFor(async () => {
      const r = await readyz();
      return r.status === 503 ? r : undefined;
    }, '/readyz to say 503');
    assert.deepEqual(down.reasons, ['discord gateway disconnected']);
    discord.releaseGateway();
    await waitFor(async () => (await readyz()).status === 200, '/readyz to say 200 after the session resumed');

    // ---- metrics move with an /ask, a refusal for going too fast, and a failed model call
    const ask = (question: string, userId = '200000000000000001') =>
      discord.slashCommand({
        name: 'ask',
        guildId: GUILD,
        user: { id: userId, username: `reader${userId.slice(-2)}`, discriminator: '0', global_name: null, avatar: null },
        options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: question }],
      });
    await settled(ask('When did the Kestrel Street Bridge reopen?').token);
    const afterAsk = await scrape();
    assert.equal(metricValue(afterAsk, 'newsroom_answers_total', { command: 'ask', kind: 'answer', mode: 'llm' }), 1);
    assert.equal(metricValue(afterAsk, 'newsroom_generation_seconds_count', { command: 'ask' }), 1);
    assert.equal(metricValue(afterAsk, 'newsroom_llm_calls_total', { outcome: 'ok' }), 1);
    assert.equal(metricValue(afterAsk, 'newsroom_llm_tokens_total', { type: 'prompt' }), 900);
    assert.equal(metricValue(afterAsk, 'newsroom_llm_tokens_total', { type: 'completion' }), 30);
    assert.equal(metricValue(afterAsk, 'newsroom_discord_ack_seconds_count', { response: 'deferred' }), 1);
    const ackSeconds = metricValue(afterAsk, 'newsroom_discord_ack_seconds_sum', { response: 'deferred' }) ?? -1;
    assert.ok(ackSeconds >= 0 && ackSeconds < 60, `an acknowledgement time in seconds (${ackSeconds})`);

    await settled(ask('How much did the bridge repairs cost?').token);
    const refused = await settled(ask('And who paid for them?').token);
    assert.match(refused.content ?? '', /You are asking quickly/);
    assert.equal(metricValue(await scrape(), 'newsroom_refusals_total', { reason: 'rate_limited' }), 1);

    const editorsOnly = discord.slashCommand({ name: 'ingest', guildId: GUILD, permissions: '0', options: [] });
    await settled(editorsOnly.token);
    assert.equal(metricValue(await scrape(), 'newsroom_refusals_total', { reason: 'editors_only' }), 1);
    assert.equal(
      metricValue(await scrape(), 'newsroom_discord_ack_seconds_count', { response: 'reply' }),
      2,
      'the two refusals, answered at once',
    );

    llm.respondWith({ status: 401, errorMessage: 'Incorrect API key provided' });
    const fallback = await settled(ask('When did the Kestrel Street Bridge reopen?', '200000000000000002').token);
    assert.match(fallback.embeds.map((e) => e.description ?? '').join('\n'), /language model is unavailable/);
    const afterFailure = await scrape();
    assert.equal(metricValue(afterFailure, 'newsroom_llm_failures_total', { kind: 'auth' }), 1);
    assert.equal(metricValue(afterFailure, 'newsroom_llm_calls_total', { outcome: 'failed' }), 1);
    assert.equal(metricValue(afterFailure, 'newsroom_answers_total', { command: 'ask', kind: 'answer', mode: 'extractive' }), 1);
    assert.equal(metricValue(afterFailure, 'newsroom_chunks'), app.library.counts().chunks);
  } finally {
    await bot.stop();
  }
  assert.deepEqual(await readyz(), { status: 503, reasons: ['shutting down'] });
  assert.equal(PermissionFlagsBits.ManageMessages > 0n, true);
});
