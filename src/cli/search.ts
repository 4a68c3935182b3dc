import { messages } from '../messages.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { asOfOption, parseOptions, positiveInteger, printJson, warn, type CommandContext } from './context.ts';
import { oneLine } from './format.ts';

export async function searchCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(ctx.args, {
    k: { type: 'string' },
    collection: { type: 'string' },
    'as-of': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
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
    process.stdout.write('No stored article matches that query.\n');
    return 0;
  }
  result.passages.forEach((p, i) => {
    const meta = [p.published?.slice(0, 10), p.byline, p.articleId].filter(Boolean).join(' · ');
    process.stdout.write(`${i + 1}. ${p.title}  (${meta})\n   ${oneLine(p.text, 240)}\n\n`);
  });
  return 0;
}
