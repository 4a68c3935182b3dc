import { SHARED_COLLECTION } from '../store/types.ts';
import { asOfOption, parseOptions, printJson, type CommandContext } from './context.ts';
import { renderAnswer } from './render.ts';

export async function askCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(ctx.args, {
    collection: { type: 'string' },
    'as-of': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const asOf = asOfOption(values['as-of']);
  const app = await ctx.app();
  const result = await app.answerer.ask({
    question: positionals.join(' '),
    collections: [values.collection ?? SHARED_COLLECTION],
    ...(asOf ? { asOf } : {}),
  });
  if (values.json) printJson(result);
  else process.stdout.write(`${renderAnswer(result)}\n`);
  return 0;
}
