import { messages } from '../messages/answers.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { AS_OF_OPTION, COLLECTION_OPTION, defineCommand, JSON_OPTION } from './command.ts';
import { asOfOption, output, positiveInteger, printJson, warn } from './context.ts';
import { oneLine } from './format.ts';

export const searchCommand = defineCommand({
  name: 'search',
  summary: 'find the stored passages that match a query (by meaning and keywords)',
  usage: ['search "<query>" [--k N] [--collection ID] [--as-of YYYY-MM-DD] [--json]'],
  options: {
    k: { type: 'string', value: 'N', description: 'passages to return, 1–100 (default: SEARCH_K)' },
    collection: COLLECTION_OPTION,
    'as-of': AS_OF_OPTION,
    json: JSON_OPTION,
  },
  run: async (ctx, { values, positionals }) => {
    const query = positionals.join(' ');
    const k = positiveInteger(values.k, '--k', ctx.config.search.k, 100);
    const asOf = asOfOption(values['as-of']);
    const app = await ctx.app();
    const result = await app.retriever.search(query, {
      k,
      filter: { collections: [values.collection ?? SHARED_COLLECTION] },
      perArticle: ctx.config.search.perArticle,
      ...(asOf ? { asOf } : {}),
    });
    const { window } = result.time;
    const time = {
      asOf: result.time.asOf,
      window: window ? { from: window.from, to: window.to, expression: window.expression } : null,
      recency: result.time.recency,
    };
    if (values.json) {
      printJson({
        query,
        mode: result.mode,
        warnings: result.warnings,
        time,
        results: result.passages.map((p) => ({
          articleId: p.articleId,
          title: p.title,
          url: p.url,
          published: p.published,
          chunkId: p.chunkId,
          text: p.text,
          start: p.start,
          end: p.end,
          score: p.score,
        })),
      });
      return 0;
    }
    result.warnings.forEach(warn);
    if (window) warn(messages.windowUsed(window));
    if (result.passages.length === 0) {
      output().stdout.write('No stored article matches that query.\n');
      return 0;
    }
    result.passages.forEach((p, i) => {
      const meta = [p.published?.slice(0, 10), p.byline, p.articleId].filter(Boolean).join(' · ');
      output().stdout.write(`${i + 1}. ${p.title}  (${meta})\n   ${oneLine(p.text, 240)}\n\n`);
    });
    return 0;
  },
});
