// What the bot posts when articles, model replies and questions carry masked links, mentions,
// markdown and bracketed numbers: the real discord.js client against the fake Discord, asserting on
// what the fake received.
import { commands } from '../commands/index.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ApplicationCommandOptionType, InteractionResponseType, PermissionFlagsBits, type APIEmbed, type APIMessage } from 'discord.js';
import { startBot, type Bot } from '../src/discord/bot.ts';
import { silentLogger } from '../src/log.ts';
import { discordText } from '../src/messages/discord.ts';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from './fakes/discord/index.ts';
import { startFakeOpenAI, type ChatRequestBody, type FakeOpenAI } from './fakes/openai-server.ts';
import { activeMarkup, bareLinks, blockMarkup, inlineMarkup, maskedLinks, mentions, readable } from './support/discord-markdown.ts';
import { createTestApp, passageFromPrompt, ROOT, userMessage } from './support/app.ts';
import { waitUntil } from './support/wait.ts';

const GUILD = '111111111111111111';
const EDITOR = String(PermissionFlagsBits.ManageMessages);
const FERRY_URL = 'https://news.example/transit/ferry-fares-rise';
const INJECTED_WORDS = ['boldinject', 'underinject', 'strikeinject'];
/** The article's own bracketed numbers, where the fixtures put them; our markers may be [1]…[7] too. */
const ARTICLE_NUMBERS = /report \[7\]|\[1, 2\]|rise \[7\]|closes \[7\]/;

let discord: FakeDiscord;
let llm: FakeOpenAI;
let app: Awaited<ReturnType<typeof createTestApp>>;
let bot: Bot;
let articlesDir: string;

/**
 * A model that echoes the article's hostile content back, each sentence citing the passage that
 * holds it (so every sentence survives citation checks and reaches Discord); NOT_IN_ARTICLES for
 * questions about who designed something.
 */
function hostileModel(body: ChatRequestBody) {
  const prompt = userMessage(body);
  const texts = Array.from({ length: 12 }, (_, i) => passageFromPrompt(prompt, i + 1));
  const find = (s: string) => texts.findIndex((t) => t.includes(s)) + 1;
  const [fares, people, blocks] = [find('$4.50'), find('<@!123456789012345678>'), find('heading injected')];
  if (/designed/.test(prompt) || !fares || !people || !blocks) return { text: 'NOT_IN_ARTICLES' };
  const text = [
    `Harbour ferry fares will rise to $4.50, as the report [7] recommended; read [click here](http://evil.example/a), [[fares]](http://evil.example/n), [timetable](<http://evil.example/b>) or [run this](javascript:alert(1)) [${fares}].`,
    `Ferry fare questions go to <@123456789012345678>, <@!123456789012345678>, <@&223456789012345678> in <#323456789012345678>, or </ask:423456789012345678>, and @everyone and @here [${people}].`,
    `# Ferry fares heading injected [${blocks}]`,
    `\`\`\`js ferry fares code fence injected\`\`\` [${blocks}].`,
    `||Ferry fares spoiler|| **boldinject** __underinject__ ~~strikeinject~~ [${blocks}].`,
    `> quoteinject ferry fares quoted [${blocks}].`,
    `-# ferry fares subtext injected [${blocks}].`,
  ].join('\n\n');
  return { text, chunkSize: 20, intervalMs: 80 };
}

before(async () => {
  articlesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-hostile-'));
  for (const name of ['council-passes-2026-budget.md', 'kestrel-bridge-reopens.md'])
    fs.copyFileSync(path.join(ROOT, 'articles', name), path.join(articlesDir, name));
  fs.copyFileSync(path.join(ROOT, 'test/fixtures/hostile/ferry-fares.json'), path.join(articlesDir, 'ferry-fares.json'));
  llm = await startFakeOpenAI(hostileModel);
  discord = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'Newsroom' }] });
  app = await createTestApp(
    {
      OPENAI_BASE_URL: llm.baseURL,
      LLM_MAX_RETRIES: '1',
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_API_URL: discord.restApi,
      QUESTIONS_PER_MINUTE: '50',
      FETCH_ALLOWED_HOSTS: '127.0.0.1',
    },
    articlesDir,
  );
  bot = startBot(app.config, silentLogger, Promise.resolve(app), { commands });
  await bot.ready;
});

after(async () => {
  // Each may be missing when before() failed part-way; what was started must still stop.
  await bot?.stop();
  app?.close();
  await discord?.close();
  await llm?.close();
  fs.rmSync(articlesDir, { recursive: true, force: true });
});

function requestsFor(sent: { id: string; token: string }): RecordedRequest[] {
  return discord.requests.filter((r) => r.route.includes(sent.token) || r.route.includes(`/interactions/${sent.id}/`));
}

/** Waits for the final (non-draft) reply and a quiet moment. */
async function settled(sent: { id: string; token: string }): Promise<APIMessage> {
  await waitUntil(() => {
    const m = discord.originalMessage(sent.token);
    return m && (m.content || m.embeds.length > 0) && !(m.embeds[0]?.footer?.text ?? '').startsWith('Writing') ? m : undefined;
  });
  let count = -1;
  await waitUntil(() => {
    const now = requestsFor(sent).length;
    const quiet = now === count;
    count = now;
    return quiet;
  });
  return discord.originalMessage(sent.token) as APIMessage;
}

function ask(question: string) {
  return discord.slashCommand({
    name: 'ask',
    guildId: GUILD,
    options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: question }],
  });
}

function textsOf(message: APIMessage): string[] {
  return [message.content, ...message.embeds.flatMap((e: APIEmbed) => [e.title ?? '', e.description ?? '', e.footer?.text ?? ''])].filter(
    Boolean,
  );
}

/** Everything that would be rendered as markdown in what the bot sent (autocomplete choices are plain text). */
function markdownSent(requests: readonly RecordedRequest[]): string[] {
  const out: string[] = [];
  const visit = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (['content', 'title', 'description', 'text', 'value', 'name'].includes(key)) out.push(value);
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, key);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (k !== 'choices' && k !== 'components') visit(v, k);
    }
  };
  for (const r of requests) if (r.method !== 'GET') visit(r.body, '');
  return out;
}

/** The ways text from outside could change what Discord shows; empty when all of it is inert. */
function hazards(text: string): string[] {
  return [
    ...maskedLinks(text)
      .filter((l) => l.url !== FERRY_URL && !l.url.startsWith('https://news.example/'))
      .map((l) => `link ${l.label} → ${l.url}`),
    ...bareLinks(text).map((l) => `bare link ${l}`),
    ...mentions(text).map((m) => `mention ${m}`),
    ...blockMarkup(text).map((b) => `block ${b}`),
    ...inlineMarkup(text, INJECTED_WORDS).map((i) => `inline ${i}`),
    ...(/^[ \t]*>+[ \t]*quoteinject/m.test(activeMarkup(text)) ? ['quote injected'] : []),
    ...(ARTICLE_NUMBERS.test(readable(text)) ? ['an article number reads as a marker'] : []),
  ];
}

test('/ask: links, mentions, markdown and article numbers from the article, the model and the question reach Discord inert', async () => {
  const sent = ask('How much will harbour ferry fares rise? <@123456789012345678> [see](http://evil.example/q) @here');
  const message = await settled(sent);
  const all = [message, ...discord.followUpMessages(sent.token)];
  const answer = message.embeds[0];
  assert.ok(answer?.description, 'an answer');
  assert.notEqual(answer.color, 0xc05621, 'a sourced answer, not flagged unsupported');

  const shown = readable(answer.description);
  assert.match(shown, /\[click here\]\(http:\/\/evil\.example\/a\)/, 'the model text is shown as written');
  assert.match(shown, /<@&223456789012345678> in <#323456789012345678>/);
  assert.match(shown, /^# Ferry fares heading injected/m);
  const sources = all.flatMap((m) => m.embeds).filter((e) => e.title?.startsWith(discordText.sourcesTitle));
  assert.ok(sources.length > 0);
  const sourceText = sources.map((e) => e.description ?? '').join('\n');
  assert.match(readable(sourceText), /\[Harbour ferry fares rise ［7］/, 'a headline shows its own number in full-width brackets');
  assert.ok(
    maskedLinks(sourceText).some((l) => l.url === FERRY_URL),
    'our link to the stored article stays',
  );
  const entries = [...sourceText.matchAll(/^\*\*\[(\d+)\]\*\*/gm)].length;
  for (const m of shown.matchAll(/\[(\d+)\]/g))
    assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= entries, `marker ${m[0]} points to a source`);

  for (const text of all.flatMap(textsOf)) assert.deepEqual(hazards(text), [], text);

  const drafts = requestsFor(sent).filter((r) => JSON.stringify(r.body).includes('Writing'));
  assert.ok(drafts.length >= 2, 'the draft streamed');
  for (const draft of drafts) {
    const embed = (draft.body as { embeds: APIEmbed[] }).embeds[0] as APIEmbed;
    assert.match(embed.title ?? '', /^Draft \(not yet checked\): /);
    assert.deepEqual(hazards(`${embed.title}\n${embed.description}`), []);
    assert.doesNotMatch(readable(embed.description ?? ''), /\[\d+\]/, 'no unchecked markers in the draft');
  }
  assert.ok(
    drafts.some((d) => readable(JSON.stringify(d.body)).includes('evil.example')),
    'a draft carried the hostile text',
  );
});

test('Show sources, the closest-article list, /articles list and autocomplete show hostile titles inert', async () => {
  const answered = await settled(ask('How much will harbour ferry fares rise?'));
  const answerId = (answered.components?.[0] as { components: { custom_id: string }[] }).components[0]?.custom_id.split(':')[2] ?? '';
  const sources = await settled(discord.button({ customId: `nr:sources:${answerId}`, message: answered, guildId: GUILD }));
  const full = [sources, ...discord.followUpMessages(sources.id)].flatMap(textsOf);
  assert.ok(
    full.some((t) => t.includes('evil\\.example') || readable(t).includes('evil.example')),
    'full excerpts carry the hostile text',
  );
  for (const text of full) assert.deepEqual(hazards(text), [], text);

  const notFound = await settled(ask('Who designed the harbour ferry fares?'));
  const closest = textsOf(notFound).join('\n');
  assert.match(closest, new RegExp(discordText.closestArticles));
  assert.ok(maskedLinks(closest).some((l) => l.url === FERRY_URL && readable(l.label).startsWith('Harbour ferry fares rise ［7］')));
  assert.deepEqual(hazards(closest), []);

  const list = await settled(
    discord.slashCommand({
      name: 'articles',
      guildId: GUILD,
      options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'list', options: [] }],
    }),
  );
  const listed = textsOf(list).join('\n');
  assert.match(
    readable(listed),
    /Harbour ferry fares rise ［7］ <@123456789012345678> @everyone \[details\]\(http:\/\/evil\.example\/title\)/,
  );
  assert.deepEqual(hazards(listed), []);

  const typed = discord.autocomplete({ name: 'ask', guildId: GUILD, focused: { name: 'article', value: 'ferry' } });
  const choices = await waitUntil(() => discord.interaction(typed.id)?.choices);
  const name = (choices as { name: string }[]).find((c) => c.name.startsWith('Harbour ferry'))?.name ?? '';
  assert.match(name, /^Harbour ferry fares rise ［7］/);
  assert.deepEqual(mentions(name), []);
  assert.doesNotMatch(name, /<@\d|@everyone/);
});

test('what people typed and what editors ingested is echoed inert: gaps, /ingest, /forget, error messages', async () => {
  await settled(ask('Who designed the harbour ferry fares? <@&223456789012345678> [x](http://evil.example/gap) # not a heading'));
  const gaps = await settled(
    discord.slashCommand({
      name: 'articles',
      guildId: GUILD,
      permissions: EDITOR,
      options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'gaps' }],
    }),
  );
  const gapText = textsOf(gaps).join('\n');
  assert.match(readable(gapText), /<@&223456789012345678> \[x\]\(http:\/\/evil\.example\/gap\)/);
  assert.deepEqual(hazards(gapText), []);

  const file = discord.attachment(
    'pier.txt',
    'Ferry pier closes [7] <@123456789012345678> [x](http://evil.example/i) @everyone\n\nThe ferry pier closes for repairs in April.\n',
    'text/plain',
  );
  const ingested = await settled(
    discord.slashCommand({
      name: 'ingest',
      guildId: GUILD,
      permissions: EDITOR,
      options: [{ type: ApplicationCommandOptionType.Attachment, name: 'file', value: file.id }],
      attachments: [file],
    }),
  );
  assert.match(readable(ingested.content ?? ''), /Added 1.*\n• Ferry pier closes ［7］ <@123456789012345678>/);
  assert.deepEqual(hazards(ingested.content ?? ''), []);

  const forgotten = await settled(
    discord.slashCommand({
      name: 'forget',
      guildId: GUILD,
      permissions: EDITOR,
      options: [{ type: ApplicationCommandOptionType.String, name: 'article', value: 'pier' }],
    }),
  );
  assert.match(readable(forgotten.content ?? ''), /Removed “Ferry pier closes ［7］/);
  assert.deepEqual(hazards(forgotten.content ?? ''), []);

  const unknown = discord.slashCommand({
    name: 'summarize',
    guildId: GUILD,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'article',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'article',
            value: '<@123456789012345678> [x](http://evil.example/r) @everyone',
          },
        ],
      },
    ],
  });
  await waitUntil(() => requestsFor(unknown).some((r) => JSON.stringify(r.body).includes('No stored article')));
  const refusal = markdownSent(requestsFor(unknown)).join('\n');
  assert.match(readable(refusal), /No stored article matches "<@123456789012345678> \[x\]\(http:\/\/evil\.example\/r\) @everyone"/);
  assert.deepEqual(hazards(refusal), []);
});

test('everything the bot sent in these tests: no link but ours, no mention, no injected markup, no ping allowed', () => {
  const sent = discord.requests.filter((r) => r.method !== 'GET' && (r.route.includes('/webhooks/') || r.route.includes('/interactions/')));
  assert.ok(sent.length > 15);
  for (const text of markdownSent(sent)) assert.deepEqual(hazards(text), [], text);
  for (const r of sent) {
    const body = r.body as {
      type?: number;
      allowed_mentions?: { parse?: unknown[] };
      data?: { allowed_mentions?: { parse?: unknown[] }; content?: string; embeds?: unknown[] };
    } | null;
    if (!body || body.type === InteractionResponseType.ApplicationCommandAutocompleteResult || body.type === InteractionResponseType.Modal)
      continue;
    const payload = body.data ?? body;
    if ('content' in payload || 'embeds' in payload) assert.deepEqual(payload.allowed_mentions?.parse, [], `${r.method} ${r.route}`);
  }
});
