import { commands } from '../commands/index.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ApplicationCommandOptionType, PermissionFlagsBits, type APIMessage } from 'discord.js';
import { startBot, type Bot } from '../src/discord/bot.ts';
import { silentLogger } from '../src/log.ts';
import { discordText } from '../src/messages/discord.ts';
import { startFakeDiscord, type FakeDiscord } from './fakes/discord/index.ts';
import { escapeXml, servesHtml, startNewsroomSite, type NewsroomSite } from './fakes/newsroom-site.ts';
import { createTestApp } from './support/app.ts';
import { maskedLinks, mentions, readable } from './support/discord-markdown.ts';
import { waitUntil } from './support/wait.ts';

const GUILD = '333333333333333333';
const OTHER_GUILD = '444444444444444444';
const EDITOR = String(PermissionFlagsBits.ManageMessages);

let discord: FakeDiscord;
let site: NewsroomSite;
let app: Awaited<ReturnType<typeof createTestApp>>;
let bot: Bot;
let noArticles: string;

before(async () => {
  discord = await startFakeDiscord({
    guilds: [
      { id: GUILD, name: 'Harbour desk' },
      { id: OTHER_GUILD, name: 'Sports desk' },
    ],
  });
  site = await startNewsroomSite();
  site.publish({
    slug: 'bridge',
    title: 'Kestrel bridge reopens',
    paragraphs: ['The Kestrel bridge reopened on Monday after repairs costing 2 million.'],
  });
  site.route('/bad/page', servesHtml);
  noArticles = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-feeds-discord-'));
  app = await createTestApp(
    {
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_API_URL: discord.restApi,
      FETCH_ALLOWED_HOSTS: '127.0.0.1',
      // The bot syncs every followed feed once a second here (600 s by default).
      FEED_POLL_SECONDS: '1',
    },
    noArticles,
  );
  bot = startBot(app.config, silentLogger, Promise.resolve(app), { commands });
  await bot.ready;
});

after(async () => {
  await bot.stop();
  app.close();
  await discord.close();
  await site.close();
  fs.rmSync(noArticles, { recursive: true, force: true });
});

/** The reply the person sees: the edited deferred reply, or the private follow-up an error became. */
async function reply(sent: { id: string; token: string }): Promise<APIMessage> {
  return waitUntil(() => {
    const followUp = discord.followUpMessages(sent.token)[0];
    if (followUp) return followUp;
    const original = discord.originalMessage(sent.token);
    return original && (original.content || original.embeds.length > 0) ? original : undefined;
  });
}

function feeds(
  subcommand: string,
  options: { name: string; value: string }[] = [],
  extra: { guildId?: string; permissions?: string } = {},
) {
  return discord.slashCommand({
    name: 'feeds',
    guildId: extra.guildId ?? GUILD,
    ...(extra.permissions === '' ? {} : { permissions: extra.permissions ?? EDITOR }),
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: subcommand,
        options: options.map((o) => ({ type: ApplicationCommandOptionType.String, name: o.name, value: o.value })),
      },
    ],
  });
}

const textOf = (message: APIMessage) => [message.content, ...message.embeds.flatMap((e) => [e.title, e.description])].join('\n');

test('/feeds add: editors follow a feed for their server; others are refused; what is not a feed is said plainly', async () => {
  const refused = await reply(feeds('add', [{ name: 'url', value: site.url('/rss.xml') }], { permissions: '' }));
  assert.equal(refused.content, discordText.editorsOnly);

  const added = await reply(feeds('add', [{ name: 'url', value: site.url('/rss.xml') }]));
  assert.equal(
    readable(added.content ?? ''),
    'Following “The Harbour Gazette” (1 story listed) for this server. Its stories are added within 1 s.',
  );
  assert.equal(app.library.catalog.feeds.list([GUILD]).length, 1);

  const again = await reply(feeds('add', [{ name: 'url', value: site.url('/rss.xml') }]));
  assert.equal(readable(again.content ?? ''), 'This server already follows “The Harbour Gazette”.');
  const page = await reply(feeds('add', [{ name: 'url', value: site.url('/bad/page') }]));
  assert.match(
    readable(page.content ?? ''),
    /is a web page, not a feed \(RSS, Atom or JSON Feed\); the page names its feed at http:\/\/127\.0\.0\.1:\d+\/rss\.xml/,
  );
});

test('the running bot polls its feeds: a story published after start is answerable without a restart', async () => {
  await waitUntil(() => app.library.catalog.getArticle(GUILD, '127-0-0-1-stories-bridge'));
  site.publish({
    slug: 'lighthouse',
    title: 'Lighthouse keeper named',
    paragraphs: ['Mara Quill was named keeper of the Saltcombe lighthouse on Tuesday.'],
  });
  await waitUntil(() => app.library.catalog.getArticle(GUILD, '127-0-0-1-stories-lighthouse'));

  const sent = discord.slashCommand({
    name: 'ask',
    guildId: GUILD,
    options: [{ type: ApplicationCommandOptionType.String, name: 'question', value: 'Who was named keeper of the Saltcombe lighthouse?' }],
  });
  const answer = await waitUntil(() => {
    const message = discord.originalMessage(sent.token);
    return message?.embeds.some((e) => e.title === discordText.sourcesTitle) ? message : undefined;
  });
  assert.match(readable(textOf(answer)), /Mara Quill was named keeper of the Saltcombe lighthouse/);
  // The other server follows nothing, so the story is not in its archive.
  assert.equal(app.library.catalog.getArticle(OTHER_GUILD, '127-0-0-1-stories-lighthouse'), undefined);
});

test('/feeds list: title, items, last sync and last error, the feed’s own words shown inert', async () => {
  const hostileTitle = '**Breaking** <@123456789012345678> @everyone [click](http://evil.example/x)';
  site.route(
    '/hostile.xml',
    (_req, res) =>
      void res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>${escapeXml(hostileTitle)}</title></channel></rss>`),
  );
  await reply(feeds('add', [{ name: 'url', value: site.url('/hostile.xml') }]));
  // Now the hostile feed fails: its error is recorded at the next poll.
  site.route('/hostile.xml', (_req, res) => void res.writeHead(503, { 'retry-after': '600' }).end());
  await waitUntil(() => app.library.catalog.feeds.list([GUILD]).find((f) => f.url.endsWith('/hostile.xml') && f.lastError));

  const list = await reply(feeds('list'));
  const text = textOf(list);
  assert.equal(list.embeds[0]?.title, 'Feeds this server follows (2)');
  assert.match(
    readable(text),
    /\*\*The Harbour Gazette\*\*\n\u2003`http:\/\/127\.0\.0\.1:\d+\/rss\.xml`\n\u20032 items · last synced \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
  );
  assert.ok(readable(text).includes(hostileTitle), 'the title reads as written');
  assert.match(
    readable(text),
    /last error .* UTC: .*hostile\.xml answered 503 Service Unavailable.*asks to wait 10 minutes.* — 1 failure in a row; next try after/,
  );
  assert.deepEqual(mentions(text), []);
  assert.deepEqual(maskedLinks(text), []);
  assert.doesNotMatch(text, /(^|[^\\])\*\*Breaking/);
});

test('/feeds remove: autocomplete offers this server’s feeds only; removing keeps the stories', async () => {
  const typed = discord.autocomplete({
    name: 'feeds',
    guildId: GUILD,
    permissions: EDITOR,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'remove',
        options: [{ type: ApplicationCommandOptionType.String, name: 'feed', value: 'gazette', focused: true }],
      },
    ],
  });
  const choices = (await waitUntil(() => discord.interaction(typed.id)?.choices)) as { name: string; value: string }[];
  assert.equal(choices.length, 1);
  assert.match(choices[0]?.name ?? '', /^The Harbour Gazette — http:\/\/127\.0\.0\.1:\d+\/rss\.xml$/);

  const elsewhere = await reply(feeds('remove', [{ name: 'feed', value: choices[0]?.value ?? '' }], { guildId: OTHER_GUILD }));
  assert.equal(readable(elsewhere.content ?? ''), 'This server follows no such feed. See /feeds list.');

  const stories = app.library.catalog.listArticles([GUILD]).length;
  const removed = await reply(feeds('remove', [{ name: 'feed', value: choices[0]?.value ?? '' }]));
  assert.equal(
    readable(removed.content ?? ''),
    `Stopped following “The Harbour Gazette”. The ${stories} articles it brought in stay; retract one with /forget.`,
  );
  assert.equal(app.library.catalog.feeds.list([GUILD]).filter((f) => f.url.endsWith('/rss.xml')).length, 0);
  assert.equal(app.library.catalog.listArticles([GUILD]).length, stories);
});
