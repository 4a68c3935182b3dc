/**
 * Every sentence the bot says to people, in one place so wording can be reviewed together.
 * Errors meant for the operator (logs) do not belong here.
 */
export const messages = {
  emptyQuery: 'The question is empty. Ask about a story in a few words.',
  emptyTopic: 'Name a topic to summarize, for example "Kestrel Street Bridge".',
  queryWithoutWords: 'That query has no words to search for. Try a few words about the story.',
  keywordOnly: (problem: string | null) =>
    'Semantic search is unavailable, so these results come from keyword search only' +
    (problem ? ` (${problem})` : '') +
    '.',
  questionClipped: (max: number) => `Your question was long, so only its first ${max.toLocaleString('en-US')} characters were used.`,
  notInArticles: 'The stored articles do not answer this.',
  unsupported: 'The model wrote this without pointing to any article, so it is not sourced. Treat it with care.',
  answerTruncated: 'The answer was cut short, so its unfinished last sentence was left out.',
  quotesRemoved: (n: number) =>
    `${n === 1 ? 'A sentence' : `${n} sentences`} quoting words not found in the articles ${n === 1 ? 'was' : 'were'} left out.`,
  uncitedRemoved: (n: number) => `${n === 1 ? 'A sentence' : `${n} sentences`} without a source ${n === 1 ? 'was' : 'were'} left out.`,
  llmUnavailable: 'The language model is unavailable right now, so this is quoted straight from the articles.',
  llmEmpty: 'The language model returned nothing, so this is quoted straight from the articles.',
  extractiveMode: 'Quoted from the articles (extract mode: no language model is configured).',
  articleReferenceEmpty: 'Name the article to summarize: its id or words from its title.',
  articleNotFound: (reference: string) =>
    `No stored article matches "${reference}". List them with /articles (or \`newsroom articles\`).`,
  articleAmbiguous: (reference: string, candidates: { id: string; title: string; published: string | null }[]) =>
    `Several articles match "${reference}"; name one by its id:\n` +
    candidates.map((c) => `- ${c.id}: ${c.title}${c.published ? ` (${c.published.slice(0, 10)})` : ''}`).join('\n'),
} as const;
