import { UserError } from '../errors.ts';
import { messages } from '../messages.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { parseOptions, printJson, type CommandContext } from './context.ts';

export async function forgetCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(ctx.args, { collection: { type: 'string' } });
  const id = positionals[0];
  if (!id) throw new UserError('Name the article to forget: newsroom forget <article id>');
  const collection = values.collection ?? SHARED_COLLECTION;
  const app = await ctx.app();
  const article = app.library.getArticle(collection, id);
  if (!article) throw new UserError(messages.articleNotFound(id));
  await app.library.write(async (writer) => writer.removeArticle(collection, id));
  process.stdout.write(`removed ${id} (“${article.title}”) from ${collection}\n`);
  return 0;
}

export async function gapsCommand(ctx: CommandContext): Promise<number> {
  const { values } = parseOptions(ctx.args, { json: { type: 'boolean', default: false }, limit: { type: 'string' } });
  const app = await ctx.app();
  const gaps = app.answerLog.unanswered(null, Number(values.limit ?? 50) || 50);
  if (values.json) printJson({ unanswered: gaps });
  else if (gaps.length === 0) process.stdout.write('No unanswered questions recorded yet.\n');
  else for (const g of gaps) process.stdout.write(`${g.createdAt.slice(0, 16)}  ${g.question}\n`);
  return 0;
}
