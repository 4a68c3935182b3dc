import {
  ApplicationCommandOptionType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { defineCommand } from '../src/discord/command.ts';
import { neutralize } from '../src/discord/neutralize.ts';
import { UserError } from '../src/errors.ts';
import { forgetSource } from '../src/ingest/forget.ts';
import { messages } from '../src/messages/answers.ts';
import { discordText } from '../src/messages/discord.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';

const data = {
  name: 'forget',
  description: 'Retract an article: it is never cited again (editors)',
  default_member_permissions: String(PermissionFlagsBits.ManageMessages),
  contexts: [InteractionContextType.Guild],
  options: [{ type: ApplicationCommandOptionType.String, name: 'article', description: 'The article', required: true, autocomplete: true }],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const forget = defineCommand({
  data,
  access: 'editors',
  defer: 'ephemeral',
  check({ interaction, ctx, args }) {
    const collection = ctx.writableCollection(interaction);
    if (!collection) throw new UserError(discordText.serverOnly);
    const article = ctx.app.library.catalog.getArticle(collection, args.article);
    if (article) return { collection, article };
    if (ctx.app.library.catalog.getArticle(SHARED_COLLECTION, args.article)) throw new UserError(discordText.forgetShared);
    throw new UserError(messages.articleNotFound(args.article));
  },
  async execute({ interaction, ctx: { app }, args, checked: { collection, article } }) {
    const forgotten = await forgetSource(
      { library: app.library, embedder: app.embedder, chunking: app.config.chunking },
      collection,
      args.article,
    );
    const others = forgotten?.after?.sources.length ?? 0;
    const reply = others > 0 ? discordText.forgottenSourceOnly(article.title, others) : discordText.forgotten(article.title);
    await interaction.editReply({ content: neutralize(reply).toString() });
  },
  async autocomplete(interaction, ctx) {
    const collection = ctx.writableCollection(interaction);
    await interaction.respond(collection ? ctx.articles.choices(interaction.options.getFocused(), [collection]) : []);
  },
});
