import { commands } from '../commands/index.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApplicationCommandOptionType, InteractionResponseType, PermissionFlagsBits, type APIEmbed, type APIMessage } from 'discord.js';
import type { App } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { startBot, type Bot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { ingest } from '../src/ingest.ts';
import { silentLogger } from '../src/log.ts';
import { discordText } from '../src/messages/discord.ts';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from './fakes/discord/index.ts';
import { startFakeOpenAI, type ChatRequestBody, type FakeOpenAI } from './fakes/openai-server.ts';
import { createTestApp, passageFromPrompt, ROOT, TINY_MODEL_ENV, userMessage } from './support/app.ts';
import { readable } from './support/discord-markdown.ts';
import { waitUntil } from './support/wait.ts';

const GUILD_A = '111111111111111111';
const GUILD_B = '222222222222222222';
const EDITOR = String(PermissionFlagsBits.ManageMessages);

let discord: FakeDiscord;
let llm: FakeOpenAI;
let app: Awaited<ReturnType<typeof createTestApp>>;
let bot: Bot;
let env: Record<string, string>;

function citeFirstPassage(body: ChatRequestBody) {
  const passage = passageFromPrompt(userMessage(body), 1);
  return { text: `${passage.split(/(?<=[.!?])\s/)[0] ?? passage} [1]` };
}

before(async () => {
  llm = await startFakeOpenAI(citeFirstPassage);
  discord = await startFakeDiscord({
    guilds: [
      { id: GUILD_A, name: 'Newsroom A' },
      { id: GUILD_B, name: 'Newsroom B' },
    ],
  });
  env = {
    OPENAI_BASE_URL: llm.baseURL,
    LLM_MAX_RETRIES: '1',
    DISCORD_TOKEN: discord.token,
    DISCORD_CLIENT_ID: discord.applicationId,
    DISCORD_API_URL: discord.restApi,
    QUESTIONS_PER_MINUTE: '50',
    // The fake Discord's CDN (attachments) and web pages are on 127.0.0.1: allowed as an operator would.
    FETCH_ALLOWED_HOSTS: '127.0.0.1',
  };
  app = await createTestApp(env);
  bot = startBot(app.config, silentLogger, Promise.resolve(app), { commands });
  await bot.ready;
});

after(async () => {
  await bot.stop();
  app.close();
  await discord.close();
  await llm.close();
});

function requestsFor(token: string, id: string, fake: FakeDiscord = discord): RecordedRequest[] {
  return fake.requests.filter((r) => r.route.includes(token) || r.route.includes(`/interactions/${id}/`));
}

/** Waits until the bot is done with an interaction: a final (non-draft) reply and a quiet moment. */
async function settled(sent: { id: string; token: string }, fake: FakeDiscord = discord): Promise<APIMessage> {
  const message = await waitUntil(() => {
    const m = fake.originalMessage(sent.token);
    const footer = m?.embeds[0]?.footer?.text ?? '';
    return m && (m.content || m.embeds.length > 0) && !footer.startsWith('Writing') ? m : undefined;
  });
  let count = -1;
  await waitUntil(() => {
    const now = requestsFor(sent.token, sent.id, fake).length;
    const quiet = now === count;
    count = now;
    return quiet;
  });
  return fake.originalMessage(sent.token) ?? message;
}

function ask(question: string, extra: Partial<Parameters<FakeDiscord['slashCommand']>[0]> = {}) {
  return discord.slashCommand({
    name: 'ask',
    guildId: GUILD_A,
    options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: question }],
    ...extra,
  });
}

function allText(message: APIMessage, followUps: APIMessage[] = []): string {
  return [message, ...followUps]
    .flatMap((m) => [m.content, ...m.embeds.flatMap((e: APIEmbed) => [e.title, e.description, e.footer?.text])])
    .join('\n');
}

test('/ask defers at once, then edits in an answer whose excerpts are verbatim stored text', async () => {
  const sent = ask('How much did the Kestrel Street Bridge repairs cost?');
  const message = await settled(sent);
  assert.equal(
    discord.callbacksFor(sent.id)[0]?.body && (discord.callbacksFor(sent.id)[0]?.body as { type: number }).type,
    InteractionResponseType.DeferredChannelMessageWithSource,
  );
  const sources = message.embeds.find((e) => e.title === discordText.sourcesTitle);
  assert.ok(sources?.description, 'a sources embed');
  assert.match(sources.description, /\*\*\[1\]\*\* \[Kestrel Street Bridge/);
  // The logged answer holds the full citations: each is an exact span of the stored body.
  const answerId =
    String(message.components?.[0] && (message.components[0] as { components: { custom_id: string }[] }).components[0]?.custom_id).split(
      ':',
    )[2] ?? '';
  const logged = app.answerLog.getAnswer(answerId);
  assert.ok(logged && logged.citations.length > 0);
  for (const c of logged.citations) {
    assert.equal(app.library.catalog.getBody(c.collection, c.articleId)?.slice(c.start, c.end), c.excerpt);
    const shown = c.excerpt
      .replace(/\s+/g, ' ')
      .slice(0, 60)
      .replace(/[\\*_~`|>[\]()]/g, '');
    assert.ok(sources.description.replace(/\\/g, '').includes(shown.slice(0, 40)), 'the excerpt shown is the stored text');
  }
  assert.equal(discord.unmatchedRequests().length, 0);
});

test('LLM text streams into the reply with throttled edits, then the final edit carries sources', async () => {
  const text = 'The Kestrel Street Bridge reopened after a long repair that took more than a year to finish. [1]';
  llm.respondWith({ text, chunkSize: 3, intervalMs: 60 });
  const sent = ask('When did the Kestrel Street Bridge reopen?');
  const message = await settled(sent);
  const drafts = discord.editsFor(sent.token).filter((r) => JSON.stringify(r.body).includes('Writing'));
  assert.ok(drafts.length >= 1, 'at least one draft edit');
  assert.ok(drafts.length <= Math.ceil(((text.length / 3) * 60) / 1500) + 1, `too many draft edits: ${drafts.length}`);
  for (let i = 1; i < drafts.length; i++) {
    assert.ok((drafts[i]?.time ?? 0) - (drafts[i - 1]?.time ?? 0) >= 1400, 'draft edits at most one per 1.5 s');
  }
  assert.ok(message.embeds.some((e) => e.title === discordText.sourcesTitle));
});

test('a 3,500-character answer is split within Discord limits, never a failed reply', async () => {
  const sentence = 'The repairs to the Kestrel Street Bridge were described in detail by the city in its report [1]. ';
  llm.respondWith({ text: sentence.repeat(Math.ceil(3500 / sentence.length)) });
  const sent = ask('Tell me everything about the Kestrel Street Bridge repairs');
  const message = await settled(sent);
  const all = [message, ...discord.followUpMessages(sent.token)];
  for (const m of all) {
    const size = m.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0);
    assert.ok(size <= 6000);
    for (const e of m.embeds) assert.ok((e.description?.length ?? 0) <= 4096);
  }
  assert.ok(allText(message, discord.followUpMessages(sent.token)).length > 3500);
  const failed = requestsFor(sent.token, sent.id).filter((r) => (r.status ?? 0) >= 400);
  assert.deepEqual(
    failed.map((r) => r.status),
    [],
  );
});

test('article autocomplete answers from memory with matching titles', async () => {
  const sent = discord.autocomplete({ name: 'ask', guildId: GUILD_A, focused: { name: 'article', value: 'bridge' } });
  const record = await waitUntil(() => discord.interaction(sent.id)?.choices);
  assert.ok(record.length >= 3);
  assert.ok(record.every((c: { name: string }) => /bridge/i.test(c.name)));
});

test('buttons: full sources (private), feedback stored, follow-up carries the previous exchange', async () => {
  const sent = ask('When did the Kestrel Street Bridge reopen?');
  const message = await settled(sent);
  const ids = (message.components?.[0] as { components: { custom_id: string }[] }).components.map((c) => c.custom_id);
  const answerId = ids[0]?.split(':')[2] ?? '';

  const sources = discord.button({ customId: `nr:sources:${answerId}`, message, guildId: GUILD_A });
  const sourcesMessage = await settled(sources);
  assert.ok(sourcesMessage.embeds.some((e) => e.title === discordText.sourcesTitle));
  assert.equal(((discord.callbacksFor(sources.id)[0]?.body as { data?: { flags?: number } }).data?.flags ?? 0) & 64, 64, 'ephemeral');

  const vote = discord.button({ customId: `nr:vote:${answerId}:down`, message, guildId: GUILD_A });
  await waitUntil(() => discord.callbacksFor(vote.id).length > 0);
  assert.equal(app.answerLog.feedback().find((f) => f.answerId === answerId)?.vote, 'down');

  const followUp = discord.button({ customId: `nr:followup:${answerId}`, message, guildId: GUILD_A });
  await waitUntil(() => discord.callbacksFor(followUp.id).length > 0);
  assert.equal((discord.callbacksFor(followUp.id)[0]?.body as { type: number }).type, InteractionResponseType.Modal);
  const before = llm.requests.length;
  const submitted = discord.modalSubmit({
    customId: `nr:followup-modal:${answerId}`,
    values: { question: 'And how much did it cost?' },
    message,
    guildId: GUILD_A,
  });
  await settled(submitted);
  const prompt = userMessage(llm.requests[before]?.body as ChatRequestBody);
  assert.match(prompt, /Earlier in this conversation/);
  assert.match(prompt, /When did the Kestrel Street Bridge reopen\?/);
});

test('/ingest: an editor adds an attachment; non-editors, images, huge files and bad URLs are refused clearly', async () => {
  const article =
    '---\ntitle: Lighthouse keeper retires after 40 years\npublished: 2026-03-01\n---\n\nMarguerite Olsen kept the Gull Point lighthouse for 40 years and retired on Friday.\n';
  const attachment = discord.attachment('lighthouse.md', article, 'text/markdown');
  const ingestWith = (permissions: string, a = attachment, guildId = GUILD_B) =>
    discord.slashCommand({
      name: 'ingest',
      guildId,
      permissions,
      options: [{ type: ApplicationCommandOptionType.Attachment, name: 'file', value: a.id }],
      attachments: [a],
    });

  const refused = ingestWith('0');
  const refusal = await settled(refused);
  assert.equal(refusal.content, discordText.editorsOnly);

  const added = await settled(ingestWith(EDITOR));
  assert.match(added.content ?? '', /Added 1/);
  assert.ok(app.library.catalog.getArticle(GUILD_B, 'lighthouse'));

  const image = await settled(ingestWith(EDITOR, discord.attachment('photo.png', Buffer.from([137, 80, 78, 71]), 'image/png')));
  assert.equal(image.content, discordText.attachmentIsImage);
  const big = discord.attachment('huge.md', 'x', 'text/markdown');
  const huge = await settled(ingestWith(EDITOR, { ...big, size: 30 * 1024 * 1024 }));
  assert.match(huge.content ?? '', /30\.0 MB, larger than the 10 MB limit/);

  // Discord said 1 KB, the CDN sends 11 MB: the download stops at the cap.
  const liar = discord.attachment('liar.md', Buffer.alloc(11 * 1024 * 1024, 'a'), 'text/markdown');
  const lied = await settled(ingestWith(EDITOR, { ...liar, size: 1024 }));
  assert.equal(lied.content, discordText.attachmentOverLimit('10 MB'));

  const missing = discord.serveFile('gone.html', 'not here', 'text/html', { status: 404 });
  const badUrl = await settled(
    discord.slashCommand({
      name: 'ingest',
      guildId: GUILD_B,
      permissions: EDITOR,
      options: [{ type: ApplicationCommandOptionType.String, name: 'url', value: missing }],
    }),
  );
  assert.match(badUrl.content ?? '', /failed 1/);
  assert.match(badUrl.content ?? '', /404/);
});

test('articles of one server are never retrievable from another', async () => {
  await waitUntil(() => app.library.catalog.getArticle(GUILD_B, 'lighthouse'));
  const inA = await settled(ask('Who kept the Gull Point lighthouse for 40 years?'));
  assert.doesNotMatch(allText(inA), /Lighthouse keeper retires/);
  const inB = await settled(ask('Who kept the Gull Point lighthouse for 40 years?', { guildId: GUILD_B }));
  assert.match(allText(inB), /Lighthouse keeper retires/);
});

test('/forget takes effect at once: the article is never cited again', async () => {
  const forget = discord.slashCommand({
    name: 'forget',
    guildId: GUILD_B,
    permissions: EDITOR,
    options: [{ type: ApplicationCommandOptionType.String, name: 'article', value: 'lighthouse' }],
  });
  const done = await settled(forget);
  assert.match(done.content ?? '', /Removed “Lighthouse keeper retires/);
  const again = await settled(ask('Who kept the Gull Point lighthouse for 40 years?', { guildId: GUILD_B }));
  assert.doesNotMatch(allText(again), /Lighthouse keeper retires/);
});

test('a 429 from Discord is retried and the edit still lands', async () => {
  discord.rateLimitNext('PATCH /webhooks/:app/:token/messages/@original', 0.2);
  const sent = ask('What did the council budget include?');
  const message = await settled(sent);
  assert.ok(requestsFor(sent.token, sent.id).some((r) => r.status === 429));
  assert.ok(message.embeds.length > 0);
});

test('when the LLM fails, the answer is extractive and says so', async () => {
  llm.respondWith({ status: 500 }, { status: 500 });
  const message = await settled(ask('When did the Kestrel Street Bridge reopen?'));
  assert.match(allText(message), /Quoted from the stored articles/);
  assert.match(allText(message), /language model is unavailable/);
});

test('@everyone in an article or a question never pings anyone', async () => {
  const sent = ask('@everyone what did the Discord post about the bridge reopening say?');
  await settled(sent);
  const fromBot = discord.requests.filter((r) => r.method !== 'GET' && r.route.includes('/webhooks/'));
  assert.ok(fromBot.length > 0);
  for (const r of fromBot) {
    const body = r.body as { allowed_mentions?: { parse?: unknown[] } } | null;
    if (body && ('content' in body || 'embeds' in body)) assert.deepEqual(body.allowed_mentions?.parse, [], `${r.method} ${r.route}`);
  }
});

test('DMs are answered from the shared archive; other rules refuse clearly', async () => {
  const dm = await settled(ask('When did the Kestrel Street Bridge reopen?', { dm: true }));
  assert.match(allText(dm), /Kestrel/);
  const gaps = await settled(
    discord.slashCommand({
      name: 'articles',
      guildId: GUILD_A,
      options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'gaps' }],
    }),
  );
  assert.equal(gaps.content, discordText.editorsOnly);
});

test('a 6,000-character question is clipped with a notice; /help and /articles respond', async () => {
  const long = await settled(ask(`When did the Kestrel Street Bridge reopen? ${'more detail '.repeat(490)}`));
  assert.match(allText(long), /only its first 1,000 characters/);
  const help = await settled(discord.slashCommand({ name: 'help', guildId: GUILD_A }));
  assert.match(help.content ?? '', /Mode: answers written by/);
  const extra = ['Harbour ferry timetable changes for spring', 'Night market returns to Dock Street'].map((title, i) => ({
    ok: true as const,
    article: {
      id: `extra-${i}`,
      title,
      body: `${title}. More details follow.`,
      tags: [],
      source: `/x/${i}.md`,
      contentHash: `h${i}`,
      published: '2024-01-0' + (i + 1),
    },
  }));
  await ingest({ library: app.library, embedder: app.embedder }, extra, { collection: GUILD_A, chunking: app.config.chunking });
  const list = await settled(
    discord.slashCommand({
      name: 'articles',
      guildId: GUILD_A,
      options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'list', options: [] }],
    }),
  );
  assert.match(list.embeds[0]?.title ?? '', /Articles 1–10 of \d+/);
  const next = discord.button({
    customId: (list.components?.[0] as { components: { custom_id: string }[] }).components[1]?.custom_id ?? '',
    message: list,
    guildId: GUILD_A,
  });
  await waitUntil(() => discord.callbacksFor(next.id).length > 0);
  assert.match(discord.originalMessage(next.token)?.embeds[0]?.title ?? discord.message(list.id)?.embeds[0]?.title ?? '', /Articles 11–/);
});

test('page buttons posted before custom ids had one format (cmd:articles:…) still turn the page', async () => {
  const list = await settled(
    discord.slashCommand({
      name: 'articles',
      guildId: GUILD_A,
      options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'list', options: [] }],
    }),
  );
  const ids = (list.components?.[0] as { components: { custom_id: string }[] }).components.map((c) => c.custom_id);
  assert.deepEqual(ids, ['nr:articles-page:-10:all:', 'nr:articles-page:10:all:']);
  // As the bot wrote them before: the Next button's id carried a ":n" so that it differed from Previous.
  for (const customId of ['cmd:articles:10:all::n', 'cmd:articles:10:all:']) {
    const old = discord.button({ customId, message: list, guildId: GUILD_A });
    await waitUntil(() => discord.callbacksFor(old.id).length > 0);
    const callback = discord.callbacksFor(old.id)[0]?.body as { type: number; data?: { embeds?: APIEmbed[] } };
    assert.equal(callback.type, InteractionResponseType.UpdateMessage);
    assert.match(callback.data?.embeds?.[0]?.title ?? '', /^Articles 11–/);
  }
});

test('an expired interaction token does not crash the bot', async () => {
  llm.respondWith({ delayMs: 300 });
  const sent = ask('When did the Kestrel Street Bridge reopen?');
  await waitUntil(() => discord.callbacksFor(sent.id).length > 0);
  discord.expireToken(sent.token);
  await new Promise((r) => setTimeout(r, 600));
  const next = await settled(ask('What did the council budget include?'));
  assert.ok(next.embeds.length > 0);
});

test('per-user rate limit replies "try again in N s"', async () => {
  const limitedEnv = { ...env, QUESTIONS_PER_MINUTE: '2' };
  const limitedApp = await createTestApp(limitedEnv);
  const otherDiscord = await startFakeDiscord({ guilds: [{ id: GUILD_A, name: 'A' }] });
  const config = loadConfig(
    {
      ...TINY_MODEL_ENV,
      ...limitedEnv,
      DATA_DIR: limitedApp.dataDir,
      DISCORD_TOKEN: otherDiscord.token,
      DISCORD_API_URL: otherDiscord.restApi,
      ARTICLES_DIR: '',
    },
    ROOT,
  );
  const limitedBot = startBot(config, silentLogger, Promise.resolve({ ...limitedApp, config }), { commands });
  try {
    await limitedBot.ready;
    const send = () =>
      otherDiscord.slashCommand({
        name: 'ask',
        guildId: GUILD_A,
        options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'When did the bridge reopen?' }],
      });
    const first = send();
    const second = send();
    const third = send();
    await waitUntil(() => [first, second, third].every((s) => otherDiscord.callbacksFor(s.id).length > 0));
    await new Promise((r) => setTimeout(r, 300));
    const texts = [first, second, third].map(
      (s) => otherDiscord.originalMessage(s.token)?.content ?? otherDiscord.followUpMessages(s.token)[0]?.content ?? '',
    );
    assert.equal(texts.filter((t) => /Try again in \d+ s/.test(t)).length, 1);
  } finally {
    await limitedBot.stop();
    limitedApp.close();
    await otherDiscord.close();
  }
});

test('/ingest without FETCH_ALLOWED_HOSTS refuses files and pages on a loopback address and stores nothing', async () => {
  const strict = await startFakeDiscord({ guilds: [{ id: GUILD_B, name: 'B' }] });
  const { FETCH_ALLOWED_HOSTS: _allowed, ...strictEnv } = env;
  const config = loadConfig(
    {
      ...TINY_MODEL_ENV,
      ...strictEnv,
      DATA_DIR: app.dataDir,
      DISCORD_TOKEN: strict.token,
      DISCORD_API_URL: strict.restApi,
      ARTICLES_DIR: '',
    },
    ROOT,
  );
  const strictBot = startBot(config, silentLogger, Promise.resolve({ ...app, config }), { commands });
  try {
    await strictBot.ready;
    const before = app.library.catalog.listArticles([GUILD_B]).length;
    const file = strict.attachment('harbor.md', '# Harbor vote\n\nThe harbor board voted on Monday.\n', 'text/markdown');
    const byFile = await settled(
      strict.slashCommand({
        name: 'ingest',
        guildId: GUILD_B,
        permissions: EDITOR,
        options: [{ type: ApplicationCommandOptionType.Attachment, name: 'file', value: file.id }],
        attachments: [file],
      }),
      strict,
    );
    assert.equal(readable(byFile.content ?? ''), discordText.attachmentBlocked);
    const page = strict.serveFile(
      'story.html',
      '<html><head><title>Secret</title></head><body><p>Internal page.</p></body></html>',
      'text/html',
    );
    const byUrl = await settled(
      strict.slashCommand({
        name: 'ingest',
        guildId: GUILD_B,
        permissions: EDITOR,
        options: [{ type: ApplicationCommandOptionType.String, name: 'url', value: page }],
      }),
      strict,
    );
    assert.match(byUrl.content ?? '', /failed 1/);
    assert.match(
      readable(byUrl.content ?? ''),
      /leads to this machine \(a loopback address\), which the bot does not fetch.*FETCH_ALLOWED_HOSTS/,
    );
    assert.equal(app.library.catalog.listArticles([GUILD_B]).length, before);
  } finally {
    await strictBot.stop();
    await strict.close();
  }
});

test('an interaction before the library has loaded gets "warming up"', async () => {
  const early = await startFakeDiscord({ guilds: [{ id: GUILD_A, name: 'A' }] });
  const config: Config = loadConfig(
    { ...TINY_MODEL_ENV, DATA_DIR: app.dataDir, ARTICLES_DIR: '', DISCORD_TOKEN: early.token, DISCORD_API_URL: early.restApi },
    ROOT,
  );
  const never = new Promise<App>(() => {});
  const warming = startBot(config, silentLogger, never, { commands });
  try {
    await waitUntil(() => warming.client.isReady());
    const sent = early.slashCommand({
      name: 'ask',
      guildId: GUILD_A,
      options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'hello?' }],
    });
    await waitUntil(() => early.callbacksFor(sent.id).length > 0);
    assert.equal((early.callbacksFor(sent.id)[0]?.body as { data?: { content?: string } }).data?.content, discordText.warmingUp);
  } finally {
    await warming.stop();
    await early.close();
  }
});

test('deploy-commands registers the command definitions', async () => {
  const config = loadConfig({ ...TINY_MODEL_ENV, DATA_DIR: app.dataDir, ...env, DISCORD_GUILD_ID: GUILD_A }, ROOT);
  const result = await deployCommands(config, commands);
  assert.equal(result.count, 7);
  const names = discord
    .commands(GUILD_A)
    .map((c) => c.name)
    .sort();
  assert.deepEqual(names, ['articles', 'ask', 'feeds', 'forget', 'help', 'ingest', 'summarize']);
  const ingest = discord.commands(GUILD_A).find((c) => c.name === 'ingest');
  assert.equal(ingest?.default_member_permissions, EDITOR);
});
