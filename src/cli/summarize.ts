import type { SummaryLength } from '../answering/types.ts';
import { UserError } from '../errors.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { AS_OF_OPTION, COLLECTION_OPTION, defineCommand, JSON_OPTION } from './command.ts';
import { asOfOption, print, printJson } from './context.ts';
import { renderSummary } from './render.ts';

export const SUMMARY_LENGTHS: readonly SummaryLength[] = ['brief', 'standard', 'bullets'];

export function parseLength(value: string | undefined): SummaryLength {
  if (value === undefined) return 'standard';
  if (!(SUMMARY_LENGTHS as readonly string[]).includes(value)) {
    throw new UserError(`The length must be one of ${SUMMARY_LENGTHS.join(', ')}.`);
  }
  return value as SummaryLength;
}

export const summarizeCommand = defineCommand({
  name: 'summarize',
  summary: 'summarize one article, or the story so far on a topic, with checked sources',
  usage: [
    'summarize <article id | "title words"> [--length brief|standard|bullets] [--as-of YYYY-MM-DD] [--json]',
    'summarize --topic "<query>" [--length brief|standard|bullets] [--as-of YYYY-MM-DD] [--json]',
  ],
  options: {
    length: { type: 'string', value: 'brief|standard|bullets', description: 'how long (default: standard)' },
    topic: { type: 'string', value: '"<query>"', description: 'the story so far across articles, in date order' },
    collection: COLLECTION_OPTION,
    'as-of': AS_OF_OPTION,
    json: JSON_OPTION,
  },
  run: async (ctx, { values, positionals }) => {
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
    else print(renderSummary(result));
    return 0;
  },
});
