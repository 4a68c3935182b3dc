import { UserError } from '../errors.ts';
import { cliText, messages } from '../messages.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { COLLECTION_OPTION, defineCommand, JSON_OPTION } from './command.ts';
import { positiveInteger, print, printJson } from './context.ts';

export const forgetCommand = defineCommand({
  name: 'forget',
  summary: 'retract an article: it is never cited again',
  usage: ['forget <article id> [--collection ID] [--json]'],
  options: { collection: COLLECTION_OPTION, json: JSON_OPTION },
  maxArguments: 1,
  notes: ['--json prints {"removed": {"id", "title", "collection"}}.'],
  run: async (ctx, { values, positionals }) => {
    const id = positionals[0];
    if (!id) throw new UserError(cliText.forgetWhich);
    const collection = values.collection ?? SHARED_COLLECTION;
    const app = await ctx.app();
    const article = app.library.getArticle(collection, id);
    if (!article) throw new UserError(messages.articleNotFound(id));
    await app.library.write(async (writer) => writer.removeArticle(collection, id));
    if (values.json) printJson({ removed: { id, title: article.title, collection } });
    else print(cliText.forgotten(id, article.title, collection));
    return 0;
  },
});

export const gapsCommand = defineCommand({
  name: 'gaps',
  summary: 'questions the archive could not answer, newest first',
  usage: ['gaps [--limit N] [--json]'],
  options: {
    limit: { type: 'string', value: 'N', description: 'how many to show, 1–1000 (default: 50)' },
    json: JSON_OPTION,
  },
  maxArguments: 0,
  notes: ['--json prints {"unanswered": [{"question", "guildId", "closest", "createdAt"}]}.'],
  run: async (ctx, { values }) => {
    const limit = positiveInteger(values.limit, '--limit', 50, 1000);
    const app = await ctx.app();
    const gaps = app.answerLog.unanswered(null, limit);
    if (values.json) printJson({ unanswered: gaps });
    else if (gaps.length === 0) print(cliText.noGaps);
    else for (const g of gaps) print(`${g.createdAt.slice(0, 16)}  ${g.question}`);
    return 0;
  },
});
