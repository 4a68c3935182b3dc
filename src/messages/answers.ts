/** What readers are told about their question and the answer: every front end shows these. */

export const messages = {
  emptyQuery: 'The question is empty. Ask about a story in a few words.',
  emptyTopic: 'Name a topic to summarize, for example "Kestrel Street Bridge".',
  queryWithoutWords: 'That query has no words to search for. Try a few words about the story.',
  keywordOnly: 'Semantic search is unavailable (the embedding model could not be loaded), so this comes from keyword search only.',
  questionClipped: (max: number) => `Your question was long, so only its first ${max.toLocaleString('en-US')} characters were used.`,
  notInArticles: 'The stored articles do not answer this.',
  nothingPublishedBy: (asOf: string, earliest: string | null) =>
    `No stored article was published by ${asOf}${earliest ? ` (the earliest is from ${earliest})` : ''}.`,
  windowUsed: (w: { from: string; to: string; expression: string }) =>
    `Read “${w.expression}” as articles published ${dateRange(w.from, w.to)}.`,
  windowEmpty: (w: { from: string; to: string; expression: string }) =>
    `No stored article published ${dateRange(w.from, w.to)} (“${w.expression}”) answers this.`,
  windowInFuture: (w: { from: string; to: string; expression: string }, asOf: string) =>
    `“${w.expression}” means ${dateRange(w.from, w.to)}, after ${asOf}: no stored article can be from then.`,
  articleAfterAsOf: (title: string, published: string, asOf: string) =>
    `“${title}” was published on ${published.slice(0, 10)}, after ${asOf}.`,
  invalidAsOf: (option: string, value: string) => `${option} must be a date written YYYY-MM-DD, such as 2026-03-14 (got "${value}").`,
  topicAsOf: (date: string) => `As of ${date}, the newest article used.`,
  unsupported: 'The model wrote this without pointing to any article, so it is not sourced. Treat it with care.',
  answerTruncated: 'The answer was cut short, so its unfinished last sentence was left out.',
  quotesRemoved: (n: number) =>
    `${n === 1 ? 'A sentence' : `${n} sentences`} quoting words not found in the articles ${n === 1 ? 'was' : 'were'} left out.`,
  uncitedRemoved: (n: number) => `${n === 1 ? 'A sentence' : `${n} sentences`} without a source ${n === 1 ? 'was' : 'were'} left out.`,
  llmUnavailable: 'The language model is unavailable right now, so this is quoted straight from the articles.',
  llmEmpty: 'The language model returned nothing, so this is quoted straight from the articles.',
  extractiveMode: 'Quoted from the articles (extract mode: no language model is configured).',
  articleReferenceEmpty: 'Name the article to summarize: its id or words from its title.',
  articleNotFound: (reference: string) => `No stored article matches "${reference}". List them with /articles (or \`newsroom articles\`).`,
  articleAmbiguous: (reference: string, candidates: { id: string; title: string; published: string | null }[]) =>
    `Several articles match "${reference}"; name one by its id:\n` +
    candidates.map((c) => `- ${c.id}: ${c.title}${c.published ? ` (${c.published.slice(0, 10)})` : ''}`).join('\n'),
  /** The other ids a story stored from several sources answers to. */
  alsoAs: (ids: readonly string[]) => `also as ${ids.join(', ')}`,
  /** Beside a source's date: "updated 2026-04-12", with the time of day when it is the day it was published. */
  updatedOn: (published: string | null, updated: string) =>
    `updated ${updated.slice(0, 10)}${published?.slice(0, 10) === updated.slice(0, 10) && updated.length > 10 ? ` ${updated.slice(11, 16)}` : ''}`,
  instructionsWithheld: (n: number) =>
    `${n === 1 ? 'A paragraph' : `${n} paragraphs`} of the articles ${n === 1 ? 'is' : 'are'} addressed to an AI, so ${n === 1 ? 'it was' : 'they were'} left out; ` +
    'editors can see where with `newsroom check`.',
} as const;

function dateRange(from: string, to: string): string {
  if (from === to) return `on ${from}`;
  if (from === '0000-01-01') return `up to ${to}`;
  return `from ${from} to ${to}`;
}
