import { UserError } from '../errors.ts';
import { messages } from '../messages/answers.ts';
import { cliText } from '../messages/cli.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { COLLECTION_OPTION, defineCommand, JSON_OPTION } from './command.ts';
import { groupQuestions, SAME_QUESTION } from '../readers/question-groups.ts';
import { positiveInteger, print, printJson } from './context.ts';
import { oneLine } from './format.ts';

export const forgetCommand = defineCommand({
  name: 'forget',
  summary: 'retract an article: it is never cited again',
  usage: ['forget <article id> [--collection ID] [--json]'],
  options: { collection: COLLECTION_OPTION, json: JSON_OPTION },
  maxArguments: 1,
  notes: [
    'A story stored from several sources (the same text under several ids) loses only the source with that id;',
    'it stays while another source has it.',
    '--json prints {"removed": {"id", "title", "collection"}, "kept": null or {"id", "title", "sources"}}.',
  ],
  run: async (ctx, { values, positionals }) => {
    const id = positionals[0];
    if (!id) throw new UserError(cliText.forgetWhich);
    const collection = values.collection ?? SHARED_COLLECTION;
    const app = await ctx.app();
    const { forgetSource } = await import('../ingest/forget.ts');
    const forgotten = await forgetSource({ library: app.library, embedder: app.embedder, chunking: app.config.chunking }, collection, id);
    if (!forgotten) throw new UserError(messages.articleNotFound(id));
    const { before, after } = forgotten;
    const kept = after ? { id: after.articleId, title: after.title, sources: after.sources.map((s) => s.id) } : null;
    if (values.json) printJson({ removed: { id, title: before.title, collection }, kept });
    else {
      print(cliText.forgotten(id, before.title, collection));
      if (kept) print(cliText.stillStored(kept.id, kept.sources));
    }
    return 0;
  },
});

export const gapsCommand = defineCommand({
  name: 'gaps',
  summary: 'questions the archive could not answer, the most asked first',
  usage: ['gaps [--limit N] [--json]'],
  options: {
    limit: { type: 'string', value: 'N', description: 'how many questions to show, 1–1000 (default: 50)' },
    json: JSON_OPTION,
  },
  maxArguments: 0,
  notes: [
    'Identical and near-identical questions are counted together: same words once lower-cased, without punctuation and',
    `filler words, in any order, sharing at least ${Math.round(SAME_QUESTION * 100)} % of their words. The latest wording is shown.`,
    '--json prints {"unanswered": [{"question", "guildId", "closest", "createdAt", "count", "firstAskedAt", "wordings"}]},',
    'createdAt being when it was last asked.',
  ],
  run: async (ctx, { values }) => {
    const limit = positiveInteger(values.limit, '--limit', 50, 1000);
    const app = await ctx.app('none');
    const groups = groupQuestions(app.answerLog.unansweredQuestions()).slice(0, limit);
    if (values.json) {
      printJson({
        unanswered: groups.map((g) => ({
          question: g.question,
          guildId: g.guildId,
          closest: g.closest,
          createdAt: g.lastAskedAt,
          count: g.count,
          firstAskedAt: g.firstAskedAt,
          wordings: g.wordings,
        })),
      });
      return 0;
    }
    if (groups.length === 0) {
      print(cliText.noGaps);
      return 0;
    }
    const width = String(groups[0]?.count ?? 1).length + 1;
    for (const g of groups)
      print(`${`${g.count}×`.padStart(width)}  ${g.lastAskedAt.slice(0, 16).replace('T', ' ')}  ${oneLine(g.question, 160)}`);
    print(
      `\n${cliText.gapsCount(
        groups.length,
        groups.reduce((n, g) => n + g.count, 0),
      )}`,
    );
    return 0;
  },
});
