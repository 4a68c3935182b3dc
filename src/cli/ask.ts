import { SHARED_COLLECTION } from '../store/types.ts';
import { AS_OF_OPTION, COLLECTION_OPTION, defineCommand, JSON_OPTION } from './command.ts';
import { asOfOption, print, printJson } from './context.ts';
import { renderAnswer } from './render.ts';

export const askCommand = defineCommand({
  name: 'ask',
  summary: 'answer a question from the stored articles, with checked sources',
  usage: ['ask "<question>" [--collection ID] [--as-of YYYY-MM-DD] [--json]'],
  options: { collection: COLLECTION_OPTION, 'as-of': AS_OF_OPTION, json: JSON_OPTION },
  run: async (ctx, { values, positionals }) => {
    const asOf = asOfOption(values['as-of']);
    const app = await ctx.app();
    const result = await app.answerer.ask({
      question: positionals.join(' '),
      collections: [values.collection ?? SHARED_COLLECTION],
      ...(asOf ? { asOf } : {}),
    });
    if (values.json) printJson(result);
    else print(renderAnswer(result));
    return 0;
  },
});
