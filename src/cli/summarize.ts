import type { SummaryLength } from '../answering/types.ts';
import { UserError } from '../errors.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { asOfOption, parseOptions, printJson, type CommandContext } from './context.ts';
import { renderSummary } from './render.ts';

export const SUMMARY_LENGTHS: readonly SummaryLength[] = ['brief', 'standard', 'bullets'];

export function parseLength(value: string | undefined): SummaryLength {
  if (value === undefined) return 'standard';
  if (!(SUMMARY_LENGTHS as readonly string[]).includes(value)) {
    throw new UserError(`The length must be one of ${SUMMARY_LENGTHS.join(', ')}.`);
  }
  return value as SummaryLength;
}

export async function summarizeCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseOptions(ctx.args, {
    length: { type: 'string' },
    topic: { type: 'string' },
    collection: { type: 'string' },
    'as-of': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const length = parseLength(values.length);
  const asOf = asOfOption(values['as-of']);
  const collections = [values.collection ?? SHARED_COLLECTION];
  if (values.topic === undefined && positionals.length === 0) {
    throw new UserError('Name an article (its id or title words), or a topic with --topic "<query>".');
  }
  const app = await ctx.app();
  const result =
    values.topic !== undefined
      ? await app.answerer.summarizeTopic({ topic: values.topic, length, collections, ...(asOf ? { asOf } : {}) })
      : await app.answerer.summarize({ article: positionals.join(' '), length, collections, ...(asOf ? { asOf } : {}) });
  if (values.json) printJson(result);
  else process.stdout.write(`${renderSummary(result)}\n`);
  return 0;
}
