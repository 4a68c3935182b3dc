import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  RESTEvents,
  Routes,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type Interaction,
} from 'discord.js';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from './fakes/discord/index.ts';

const GUILD = { id: '300000000000000001', name: 'Test Desk' };

interface Harness {
  fake: FakeDiscord;
  client: Client;
  /** The next interaction the client emits (fails after a few seconds instead of hanging). */
  nextInteraction(): Promise<Interaction>;
}

/** Starts a fake Discord and a real discord.js Client logged in to it; always tears both down. */
async function withBot(run: (harness: Harness) => Promise<void>, options: FakeDiscordOptions = {}): Promise<void> {
  const fake = await startFakeDiscord({ guilds: [GUILD], ...options });
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restApi } });
  try {
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
    await run({ fake, client, nextInteraction: () => nextInteraction(client) });
  } finally {
    await client.destroy();
    await fake.close();
  }
}

function nextInteraction(client: Client, timeoutMs = 5_000): Promise<Interaction> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(Events.InteractionCreate, onInteraction);
      reject(new Error('no interactionCreate event: discord.js could not build the interaction'));
    }, timeoutMs);
    function onInteraction(interaction: Interaction): void {
      clearTimeout(timer);
      resolve(interaction);
    }
    client.once(Events.InteractionCreate, onInteraction);
  });
}

function bodyOf(value: unknown): Record<string, unknown> {
  assert.ok(typeof value === 'object' && value !== null, 'request has a JSON body');
  return value as Record<string, unknown>;
}

test('login reaches ready with every guild available (no 15 s wait for missing GUILD_CREATE)', async () => {
  await withBot(async ({ fake, client }) => {
    const guild = client.guilds.cache.get(GUILD.id);
    assert.ok(guild, 'guild is cached');
    assert.equal(guild.available, true);
    assert.equal(guild.name, GUILD.name);
    assert.equal(client.user?.id, fake.applicationId);
    assert.equal(client.application?.id, fake.applicationId);
    assert.ok(guild.channels.cache.size > 0, 'the guild arrives with its text channel');
    const application = await client.application?.fetch();
    assert.equal(application?.id, fake.applicationId);
    const me = (await client.rest.get(Routes.user())) as { id: string };
    assert.equal(me.id, fake.applicationId);
    assert.deepEqual(fake.unmatchedRequests(), []);
  });
});

test('login with a different token fails with TokenInvalid', async () => {
  const fake = await startFakeDiscord({ guilds: [GUILD] });
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restApi } });
  try {
    await assert.rejects(client.login('not-the-token'), { code: 'TokenInvalid' });
    const gatewayRequest = await fake.waitForRequest((r) => r.route === '/gateway/bot');
    assert.equal(gatewayRequest.status, 401);
  } finally {
    await client.destroy();
    await fake.close();
  }
});

test('a slash command arrives with its options; deferReply, editReply with an embed and followUp are recorded', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const arriving = nextInteraction();
    const sent = fake.slashCommand({
      name: 'ask',
      options: [
        { name: 'question', type: ApplicationCommandOptionType.String, value: 'What did the council decide?' },
        { name: 'limit', type: ApplicationCommandOptionType.Integer, value: 3 },
      ],
    });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    assert.equal(interaction.id, sent.id);
    assert.equal(interaction.commandName, 'ask');
    assert.equal(interaction.options.getString('question'), 'What did the council decide?');
    assert.equal(interaction.options.getInteger('limit'), 3);
    assert.equal(interaction.guildId, GUILD.id);
    assert.ok(interaction.inCachedGuild());
    assert.ok(interaction.channel, 'the channel resolves from the guild cache');
    assert.equal(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild), false);

    await interaction.deferReply();
    const [callback] = fake.callbacksFor(sent.id);
    assert.equal(bodyOf(callback?.body).type, InteractionResponseType.DeferredChannelMessageWithSource);
    assert.ok(((fake.originalMessage(sent.token)?.flags ?? 0) & MessageFlags.Loading) !== 0, 'shows "thinking…"');

    const embed = new EmbedBuilder().setTitle('Council vote').setDescription('The council approved the budget [1].');
    const edited = await interaction.editReply({ embeds: [embed] });
    assert.equal(edited.embeds[0]?.title, 'Council vote');
    const [edit] = fake.editsFor(sent.token);
    assert.equal(edit?.route, `/webhooks/${fake.applicationId}/${sent.token}/messages/@original`);
    const original = fake.originalMessage(sent.token);
    assert.equal(original?.embeds[0]?.description, 'The council approved the budget [1].');
    assert.equal((original?.flags ?? 0) & MessageFlags.Loading, 0, 'no longer loading');

    const followUp = await interaction.followUp({ content: 'Sources: [1] Budget story', flags: MessageFlags.Ephemeral });
    assert.equal(followUp.content, 'Sources: [1] Budget story');
    assert.equal(fake.followUpsFor(sent.token).length, 1);
    assert.equal(fake.followUpMessages(sent.token)[0]?.content, 'Sources: [1] Budget story');
    assert.deepEqual(fake.unmatchedRequests(), []);
  });
});

test('withResponse returns the callback resource; fetchReply, deleteReply and showModal work', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const arriving = nextInteraction();
    const sent = fake.slashCommand({ name: 'ask', options: [] });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    const response = await interaction.reply({ content: 'Checking the archive.', withResponse: true });
    assert.equal(response.interaction.id, sent.id);
    assert.equal(response.resource?.message?.content, 'Checking the archive.');
    assert.equal(fake.callbacksFor(sent.id)[0]?.query.with_response, 'true');
    const fetched = await interaction.fetchReply();
    assert.equal(fetched.id, response.resource?.message?.id);
    await interaction.deleteReply();
    assert.equal(fake.originalMessage(sent.token), undefined);

    const modalArriving = nextInteraction();
    const modalCommand = fake.slashCommand({ name: 'feedback', options: [] });
    const modalInteraction = await modalArriving;
    assert.ok(modalInteraction.isChatInputCommand());
    await modalInteraction.showModal({
      custom_id: 'feedback-form',
      title: 'Was this answer right?',
      components: [{ type: 1, components: [{ type: 4, custom_id: 'note', label: 'Note', style: 1 }] }],
    });
    assert.equal(fake.interaction(modalCommand.id)?.modal?.custom_id, 'feedback-form');
  });
});

test('a follow-up straight after deferReply fills the deferred message, as Discord does', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const arriving = nextInteraction();
    const sent = fake.slashCommand({ name: 'ask', options: [] });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const message = await interaction.followUp({ content: 'Here is the answer.' });
    const original = fake.originalMessage(sent.token);
    assert.equal(message.id, original?.id);
    assert.equal(original?.content, 'Here is the answer.');
    assert.ok(((original?.flags ?? 0) & MessageFlags.Ephemeral) !== 0, 'keeps the ephemeral flag of the defer');
    assert.deepEqual(fake.followUpMessages(sent.token), []);
  });
});

test('subcommands and attachment options resolve, and the attachment url downloads', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const attachment = fake.attachment('budget.md', '# Budget\n\nThe council met on Tuesday.\n', 'text/markdown');
    const arriving = nextInteraction();
    fake.slashCommand({
      name: 'ingest',
      permissions: PermissionFlagsBits.ManageGuild,
      options: [
        {
          name: 'file',
          type: ApplicationCommandOptionType.Subcommand,
          options: [{ name: 'article', type: ApplicationCommandOptionType.Attachment, value: attachment.id }],
        },
      ],
      attachments: [attachment],
    });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    assert.equal(interaction.options.getSubcommand(), 'file');
    const received = interaction.options.getAttachment('article', true);
    assert.equal(received.name, 'budget.md');
    assert.equal(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild), true);
    const response = await fetch(received.url);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '# Budget\n\nThe council met on Tuesday.\n');
  });
});

test('autocomplete: the focused value arrives and respond() is recorded as type 8 with choices', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const arriving = nextInteraction();
    const sent = fake.autocomplete({ name: 'summarize', focused: { name: 'article', value: 'coun' } });
    const interaction = await arriving;
    assert.ok(interaction.isAutocomplete());
    assert.equal(interaction.options.getFocused(), 'coun');
    await interaction.respond([{ name: 'Council approves budget', value: 'council-budget' }]);
    const [callback] = fake.callbacksFor(sent.id);
    const body = bodyOf(callback?.body);
    assert.equal(body.type, InteractionResponseType.ApplicationCommandAutocompleteResult);
    assert.deepEqual(body.data, { choices: [{ name: 'Council approves budget', value: 'council-budget' }] });
    assert.deepEqual(fake.interaction(sent.id)?.choices, [{ name: 'Council approves budget', value: 'council-budget' }]);
  });
});

test('button interactions carry their message; update() and deferUpdate() + editReply() change it', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const commandArriving = nextInteraction();
    const command = fake.slashCommand({
      name: 'ask',
      options: [{ name: 'question', type: ApplicationCommandOptionType.String, value: 'Who won?' }],
    });
    const commandInteraction = await commandArriving;
    assert.ok(commandInteraction.isChatInputCommand());
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('sources:1').setLabel('Show sources').setStyle(ButtonStyle.Secondary),
    );
    await commandInteraction.reply({ content: 'The incumbent won [1].', components: [row] });
    const replyMessage = fake.originalMessage(command.token);
    assert.ok(replyMessage);

    const clickArriving = nextInteraction();
    const click = fake.button({ customId: 'sources:1', message: replyMessage });
    const clickInteraction = await clickArriving;
    assert.ok(clickInteraction.isButton());
    assert.equal(clickInteraction.customId, 'sources:1');
    assert.equal(clickInteraction.message.id, replyMessage.id);
    await clickInteraction.update({ content: 'The incumbent won [1].\n[1] Election night story', components: [] });
    assert.equal(bodyOf(fake.callbacksFor(click.id)[0]?.body).type, InteractionResponseType.UpdateMessage);
    assert.equal(fake.message(replyMessage.id)?.content, 'The incumbent won [1].\n[1] Election night story');

    const secondArriving = nextInteraction();
    const second = fake.button({ customId: 'sources:1', message: fake.message(replyMessage.id) ?? replyMessage });
    const secondInteraction = await secondArriving;
    assert.ok(secondInteraction.isButton());
    await secondInteraction.deferUpdate();
    assert.equal(bodyOf(fake.callbacksFor(second.id)[0]?.body).type, InteractionResponseType.DeferredMessageUpdate);
    await secondInteraction.editReply({ content: 'Sources hidden.' });
    assert.equal(fake.message(replyMessage.id)?.content, 'Sources hidden.');
    assert.equal(fake.editsFor(second.token).length, 1);
  });
});

test('429s on the callback and on the edit are retried by discord.js and both succeed', async () => {
  await withBot(async ({ fake, client, nextInteraction }) => {
    const arriving = nextInteraction();
    const sent = fake.slashCommand({ name: 'ask', options: [] });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    const rateLimited: number[] = [];
    client.rest.on(RESTEvents.RateLimited, (info) => rateLimited.push(info.retryAfter));
    fake.rateLimitNext('POST /interactions/:id/:token/callback', 0.05);
    await interaction.deferReply();
    assert.deepEqual(
      fake.requests.filter((r) => r.route.startsWith(`/interactions/${sent.id}/`)).map((r) => r.status),
      [429, 204],
    );
    fake.rateLimitNext('PATCH /webhooks/:app/:token/messages/@original', 0.05);

    const message = await interaction.editReply({ content: 'Answer after waiting.' });
    assert.equal(message.content, 'Answer after waiting.');
    const patches = fake.requests.filter((r) => r.method === 'PATCH' && r.route.includes(sent.token));
    assert.deepEqual(
      patches.map((r) => r.status),
      [429, 200],
    );
    // discord.js reports rateLimited for bucketed routes only; interaction callbacks retry silently.
    assert.equal(rateLimited.length, 1);
    assert.equal(fake.originalMessage(sent.token)?.content, 'Answer after waiting.');
  });
});

test('an expired token makes editReply reject with 10015 and a late callback with 10062', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const arriving = nextInteraction();
    const sent = fake.slashCommand({ name: 'ask', options: [] });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    await interaction.deferReply();
    fake.expireToken(sent.token);
    await assert.rejects(interaction.editReply({ content: 'Too late.' }), (error: unknown) => {
      assert.ok(error instanceof DiscordAPIError);
      assert.equal(error.code, 10015);
      return true;
    });

    const lateArriving = nextInteraction();
    const late = fake.slashCommand({ name: 'ask', options: [] });
    const lateInteraction = await lateArriving;
    assert.ok(lateInteraction.isChatInputCommand());
    fake.expireToken(late.token);
    await assert.rejects(lateInteraction.deferReply(), (error: unknown) => {
      assert.ok(error instanceof DiscordAPIError);
      assert.equal(error.code, 10062);
      return true;
    });
  });
});

test("with ackDeadlineMs, an interaction answered too late gets 10062 like after Discord's 3 s", async () => {
  await withBot(
    async ({ fake, nextInteraction }) => {
      const arriving = nextInteraction();
      const sent = fake.slashCommand({ name: 'ask', options: [] });
      const interaction = await arriving;
      assert.ok(interaction.isChatInputCommand());
      await new Promise((resolve) => setTimeout(resolve, 20));
      await assert.rejects(interaction.deferReply(), (error: unknown) => error instanceof DiscordAPIError && error.code === 10062);
      assert.equal(fake.interaction(sent.id)?.callbackType, null);
    },
    { ackDeadlineMs: 5 },
  );
});

test('Discord limits are enforced: an over-long reply is rejected with 50035 like the real API', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const arriving = nextInteraction();
    fake.slashCommand({ name: 'ask', options: [] });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    await interaction.deferReply();
    await assert.rejects(interaction.editReply({ content: 'x'.repeat(2001) }), (error: unknown) => {
      assert.ok(error instanceof DiscordAPIError);
      assert.equal(error.code, 50035);
      assert.match(error.message, /content\[BASE_TYPE_MAX_LENGTH\]/);
      return true;
    });
  });
});

test('files sent with a reply arrive as multipart and become downloadable attachments', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const arriving = nextInteraction();
    const sent = fake.slashCommand({ name: 'ask', options: [] });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    await interaction.deferReply();
    const message = await interaction.editReply({
      content: 'Full answer attached.',
      files: [{ attachment: Buffer.from('A long answer, written out in full.'), name: 'answer.txt' }],
    });
    const [edit] = fake.editsFor(sent.token);
    assert.equal(bodyOf(edit?.body).content, 'Full answer attached.');
    assert.deepEqual(
      edit?.files.map((f) => f.filename),
      ['answer.txt'],
    );
    const attachment = message.attachments.first();
    assert.equal(attachment?.name, 'answer.txt');
    const download = await fetch(attachment?.url ?? '');
    assert.equal(await download.text(), 'A long answer, written out in full.');
  });
});

test('bulk command overwrites (global and guild) are recorded and echoed with ids; bad names are refused', async () => {
  await withBot(async ({ fake, client, nextInteraction }) => {
    assert.ok(client.application);
    const definition: RESTPostAPIChatInputApplicationCommandsJSONBody = {
      name: 'ask',
      description: 'Ask a question about the stored articles',
      options: [{ name: 'question', description: 'Your question', type: ApplicationCommandOptionType.String, required: true }],
    };
    const global = await client.application.commands.set([definition]);
    const registered = global.first();
    assert.equal(registered?.name, 'ask');
    assert.match(registered?.id ?? '', /^\d{17,19}$/);
    const put = fake.requests.find((r) => r.method === 'PUT' && r.route === `/applications/${fake.applicationId}/commands`);
    assert.deepEqual((put?.body as unknown[]).length, 1);
    assert.equal(fake.commands()[0]?.name, 'ask');

    const guild = client.guilds.cache.get(GUILD.id);
    assert.ok(guild);
    await guild.commands.set([{ ...definition, name: 'summarize', description: 'Summarize a story' }]);
    assert.equal(fake.commands(GUILD.id)[0]?.name, 'summarize');

    const arriving = nextInteraction();
    fake.slashCommand({ name: 'ask', options: [{ name: 'question', type: ApplicationCommandOptionType.String, value: 'Why?' }] });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    assert.equal(interaction.commandId, registered?.id, 'interactions carry the registered command id');

    await assert.rejects(client.application.commands.set([{ ...definition, name: 'Ask' }]), (error: unknown) => {
      assert.ok(error instanceof DiscordAPIError);
      assert.equal(error.code, 50035);
      return true;
    });
  });
});

test('after disconnectClient the client resumes, and events sent meanwhile are replayed', async () => {
  await withBot(async ({ fake, client, nextInteraction }) => {
    const resumed = new Promise<number>((resolve) => client.once(Events.ShardResume, (_id, replayed) => resolve(replayed)));
    await fake.disconnectClient();
    const arriving = nextInteraction();
    const sent = fake.slashCommand({ name: 'ask', options: [] });
    assert.equal(await resumed, 1);
    const interaction = await arriving;
    assert.equal(interaction.id, sent.id);
    const resume = await fake.waitForGateway((p) => p.op === GatewayOpcodes.Resume);
    assert.equal(resume.connectionPath, '/gateway/resume');
    assert.equal(fake.gatewayReceived.filter((p) => p.op === GatewayOpcodes.Identify).length, 1);
  });
});

test('heartbeats are acknowledged, so the client never reconnects as a zombie', async () => {
  await withBot(
    async ({ fake }) => {
      await fake.waitForGateway(() => fake.gatewayReceived.filter((p) => p.op === GatewayOpcodes.Heartbeat).length >= 3);
      assert.equal(fake.gatewayReceived.filter((p) => p.op === GatewayOpcodes.Resume).length, 0);
      assert.equal(fake.gatewayReceived.filter((p) => p.op === GatewayOpcodes.Identify).length, 1);
    },
    { heartbeatIntervalMs: 20 },
  );
});

test('a DM interaction arrives with a user and no guild, and can be answered', async () => {
  await withBot(async ({ fake, nextInteraction }) => {
    const arriving = nextInteraction();
    const sent = fake.slashCommand({ name: 'ask', dm: true, options: [] });
    const interaction = await arriving;
    assert.ok(interaction.isChatInputCommand());
    assert.equal(interaction.guildId, null);
    assert.equal(interaction.member, null);
    assert.equal(interaction.inGuild(), false);
    assert.equal(interaction.user.username, 'desk.editor');
    await interaction.reply({ content: 'Only the shared archive is searched in DMs.' });
    assert.equal(fake.originalMessage(sent.token)?.content, 'Only the shared archive is searched in DMs.');
  });
});

test('requests to routes the fake does not serve are answered 404 and listed', async () => {
  await withBot(async ({ fake, client }) => {
    await assert.rejects(client.rest.get('/channels/300000000000000002/messages'), (error: unknown) => {
      assert.ok(error instanceof DiscordAPIError);
      assert.equal(error.status, 404);
      return true;
    });
    assert.deepEqual(
      fake.unmatchedRequests().map((r) => `${r.method} ${r.route}`),
      ['GET /channels/300000000000000002/messages'],
    );
  });
});

test('served files can answer 404, be slow, or hang until the fake closes', async () => {
  const fake = await startFakeDiscord({ guilds: [] });
  try {
    const missing = fake.serveFile('gone.txt', 'never shown', 'text/plain', { status: 404 });
    assert.equal((await fetch(missing)).status, 404);

    const slow = fake.serveFile('slow.txt', 'eventually', 'text/plain', { delayMs: 30, bodyDelayMs: 30 });
    assert.equal(await (await fetch(slow)).text(), 'eventually');

    const hanging = fake.serveFile('hang.txt', 'never sent', 'text/plain', { hang: true });
    const controller = new AbortController();
    const download = fetch(hanging, { signal: controller.signal });
    await fake.waitForRequest((r) => r.path.endsWith('/hang.txt'));
    controller.abort();
    await assert.rejects(download, { name: 'AbortError' });
  } finally {
    await fake.close();
  }
});
