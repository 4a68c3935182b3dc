import {
  ApplicationCommandOptionType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { defineCommand } from '../src/discord/command.ts';
import { checkAttachment, loadArticleUrl, loadAttachment } from '../src/discord/ingest-input.ts';
import { neutralize, type Markdown } from '../src/discord/neutralize.ts';
import { UserError } from '../src/errors.ts';
import { ingest as ingestArticles } from '../src/ingest.ts';
import { discordText } from '../src/messages/discord.ts';

const data = {
  name: 'ingest',
  description: 'Add an article to this server’s archive (editors)',
  default_member_permissions: String(PermissionFlagsBits.ManageMessages),
  contexts: [InteractionContextType.Guild],
  options: [
    { type: ApplicationCommandOptionType.Attachment, name: 'file', description: 'An article: .txt, .md, .html, .json or .jsonl' },
    { type: ApplicationCommandOptionType.String, name: 'url', description: 'The address of a published article', max_length: 2000 },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const ingest = defineCommand({
  data,
  access: 'editors',
  defer: 'ephemeral',
  check({ interaction, ctx, args }) {
    const collection = ctx.writableCollection(interaction);
    if (!collection) throw new UserError(discordText.serverOnly);
    if (!args.file && !args.url) throw new UserError(discordText.ingestNeedsInput);
    if (args.file) checkAttachment(args.file, ctx.app.config.maxFileBytes);
    return collection;
  },
  async execute({ interaction, ctx, args: { file, url }, checked: collection }) {
    const limits = { maxBytes: ctx.app.config.maxFileBytes, policy: ctx.app.config.fetch.policy };
    const items = [...(file ? await loadAttachment(file, limits, collection) : []), ...(url ? await loadArticleUrl(url, limits) : [])];
    const summary = await ingestArticles({ library: ctx.app.library, embedder: ctx.app.embedder }, items, {
      collection,
      chunking: ctx.app.config.chunking,
    });
    ctx.app.metrics?.ingestFinished('discord', summary);
    // Titles and load errors (file names, addresses) come from the ingested input: rendered inert.
    const lines = [
      discordText.ingested(summary.added, summary.updated, summary.unchanged, summary.failed),
      ...items.flatMap((i) => (i.ok ? [`• ${i.article.title}`] : [])),
      ...summary.failures.map((f) => `• ${f.error}`),
    ].map((line) => neutralize(line));
    await interaction.editReply({ content: withinLimit(lines, 2000) });
  },
});

/** As many whole lines as fit in `max` characters. */
function withinLimit(lines: readonly Markdown[], max: number): string {
  let out = '';
  for (const line of lines) {
    const next = out ? `${out}\n${line}` : line.toString();
    if (next.length > max) break;
    out = next;
  }
  return out;
}
