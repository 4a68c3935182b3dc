import { commands } from '../commands/index.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ApplicationCommandOptionType,
  InteractionResponseType,
  PermissionFlagsBits,
  type APIAttachment,
  type APIMessage,
} from 'discord.js';
import { MAX_NESTING_DEPTH } from '../src/articles/index.ts';
import { startBot, type Bot } from '../src/discord/bot.ts';
import { silentLogger } from '../src/log.ts';
import { loadMessages } from '../src/messages/articles.ts';
import { startFakeDiscord, type FakeDiscord, type SentInteraction } from './fakes/discord/index.ts';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-server.ts';
import { createTestApp, passageFromPrompt, userMessage } from './support/app.ts';
import { bareLinks, maskedLinks, readable } from './support/discord-markdown.ts';
import { nestedHtml, wideNestedHtml } from './support/hostile.ts';
import { waitUntil } from './support/wait.ts';

/*
 * The bot under hostile input, through the real discord.js client and a fake Discord: a file that
 * keeps the parser busy must not keep other people's commands from being acknowledged.
 */

const GUILD = '111111111111111111';
const EDITOR = String(PermissionFlagsBits.ManageMessages);
const PARSE_TIMEOUT_MS = 3_000;

let discord: FakeDiscord;
let llm: FakeOpenAI;
let app: Awaited<ReturnType<typeof createTestApp>>;
let bot: Bot;

before(async () => {
  llm = await startFakeOpenAI((body) => ({ text: `${passageFromPrompt(userMessage(body), 1).split(/(?<=[.!?])\s/)[0]} [1]` }));
  discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Newsroom' }] });
  app = await createTestApp({
    OPENAI_BASE_URL: llm.baseURL,
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.restApi,
    PARSE_TIMEOUT_MS: String(PARSE_TIMEOUT_MS),
    FETCH_ALLOWED_HOSTS: '127.0.0.1',
  });
  bot = startBot(app.config, silentLogger, Promise.resolve(app), { commands });
  await bot.ready;
});

after(async () => {
  await bot.stop();
  app.close();
  await discord.close();
  await llm.close();
});

function ingestFile(attachment: APIAttachment): SentInteraction {
  return discord.slashCommand({
    name: 'ingest',
    guildId: GUILD,
    permissions: EDITOR,
    options: [{ type: ApplicationCommandOptionType.Attachment, name: 'file', value: attachment.id }],
    attachments: [attachment],
  });
}

/** The ingest reply once it is final (the deferred "thinking…" message edited with the summary). */
const ingestReply = (sent: SentInteraction): string | undefined => discord.originalMessage(sent.token)?.content || undefined;

test("/ask is acknowledged while an editor's hostile HTML is being parsed; the file is then refused by name", async () => {
  const hostile = discord.attachment('hostile.html', wideNestedHtml(300, 250), 'text/html');
  const ingest = ingestFile(hostile);
  // The bot downloads the attachment and parses it right after: wait for the download.
  await discord.waitForRequest((r) => r.route.endsWith('/hostile.html'), 30_000);

  const ask = discord.slashCommand({
    name: 'ask',
    guildId: GUILD,
    user: { id: '500000000000000001', username: 'reader', discriminator: '0', global_name: null, avatar: null },
    options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'When did the Kestrel Street Bridge reopen?' }],
  });
  const [ack] = await waitUntil(() => discord.callbacksFor(ask.id).length > 0 && discord.callbacksFor(ask.id));
  assert.equal((ack?.body as { type: number }).type, InteractionResponseType.DeferredChannelMessageWithSource);
  assert.equal(ingestReply(ingest), undefined, 'the /ask was acknowledged while the hostile file was still being parsed');

  const refused = await waitUntil(() => ingestReply(ingest));
  assert.match(refused, /^Added 0, updated 0, unchanged 0, failed 1\./);
  assert.ok(refused.includes(loadMessages.parseTimeout('hostile.html', PARSE_TIMEOUT_MS)), refused);
  await waitUntil(() => discord.originalMessage(ask.token)?.embeds.some((e) => e.title === 'Sources'));
});

test('a page nested 20,000 levels deep is refused with its reason; the next file loads normally', async () => {
  const deep = ingestFile(discord.attachment('deep.html', nestedHtml(20_000), 'text/html'));
  const refused = await waitUntil(() => ingestReply(deep));
  assert.match(refused, /^Added 0, updated 0, unchanged 0, failed 1\./);
  assert.ok(refused.includes(loadMessages.nestedTooDeep('deep.html', MAX_NESTING_DEPTH)), refused);

  const story = '---\ntitle: Ferry timetable changes\n---\n\nThe harbour ferry runs every 20 minutes from Monday.\n';
  const ferry = ingestFile(discord.attachment('ferry.md', story, 'text/markdown'));
  const added = await waitUntil(() => ingestReply(ferry));
  assert.match(added, /^Added 1, updated 0, unchanged 0, failed 0\./);
  assert.ok(app.library.catalog.getArticle(GUILD, 'ferry'));
});

test('a bare address in an article stays text in every answer, excerpt and source list; our headline link stays a link', async () => {
  const story = [
    '---',
    'title: Relay mast plan filed',
    'url: https://news.example/relay-mast',
    '---',
    '',
    'The relay mast plan for Gorse Hill was filed with the county at https://evil.example/raw on Monday.',
    '',
    'Objections to the Gorse Hill relay mast close in May, see http://evil.example/objections.',
    '',
  ].join('\n');
  const ingesting = ingestFile(discord.attachment('relay-mast.md', story, 'text/markdown'));
  const added = await waitUntil(() => ingestReply(ingesting));
  assert.match(added, /^Added 1,/);

  const asked = discord.slashCommand({
    name: 'ask',
    guildId: GUILD,
    options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'Where was the Gorse Hill relay mast plan filed?' }],
  });
  const reply = await waitUntil(() => {
    const m = discord.originalMessage(asked.token);
    return m && m.embeds.length > 0 && !(m.embeds[0]?.footer?.text ?? '').startsWith('Writing') ? m : undefined;
  });
  const texts = [reply, ...discord.followUpMessages(asked.token)].flatMap((m: APIMessage) => [
    m.content,
    ...m.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).map((f) => f.value)]),
  ]);
  const all = texts.join('\n');
  assert.match(readable(all), /https:\/\/evil\.example\/raw/, 'the address is shown as written');
  assert.deepEqual(bareLinks(all), [], 'no address from the article is clickable');
  assert.ok(
    maskedLinks(all).every((l) => l.url === 'https://news.example/relay-mast'),
    'the only links are ours',
  );
});

test('/ingest refuses an attachment holding a credential, naming its kind and line but never the secret, with no override in Discord', async () => {
  const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';
  const story = `---\ntitle: Ferry bot launched\n---\n\nThe harbour ferry bot went live on Monday.\n\nIts token is ${token}.\n`;
  const sent = ingestFile(discord.attachment('ferry-bot.md', story, 'text/markdown'));
  const reply = await waitUntil(() => ingestReply(sent));
  assert.match(reply, /^Added 0, updated 0, unchanged 0, failed 1\./);
  assert.match(reply, /ferry-bot\.md, line 7, holds what looks like a Discord bot token, so it was not stored/);
  assert.ok(!reply.includes(token), 'the secret is never echoed');
  assert.equal(app.library.catalog.getArticle(GUILD, 'ferry-bot'), undefined);
});
