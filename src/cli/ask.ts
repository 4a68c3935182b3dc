import { SHARED_COLLECTION } from '../store/types.ts';
import { parseOptions, printJson, type CommandContext } from './context.ts';
import { renderAnswer } from './render.ts';

export async function askCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(ctx.args, {
    collection: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const app = await ctx.app();
  const result = await app.answerer.ask({
    question: positionals.join(' '),
    collections: [values.collection ?? SHARED_COLLECTION],
  });
  if (values.json) printJson(result);
  else process.stdout.write(`${renderAnswer(result)}\n`);
  return 0;
}
