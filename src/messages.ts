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

/** Wording specific to the Discord front end. */
export const discordText = {
  sourcesTitle: 'Sources',
  sourcesContinued: 'Sources (continued)',
  continued: '(continued)',
  unsourcedLabel: 'Unsourced: the model did not point to any article for this.',
  closestArticles: 'Closest stored articles:',
  noSources: 'This answer has no sources to show.',
  draftFooter: 'Writing… sources are checked when the answer is complete.',
  extractFooter: 'Quoted from the stored articles (extract mode)',
  writtenBy: (model: string | null) => `Written by ${model ?? 'the language model'} from the stored articles; sources checked`,
  asOf: (date: string) => `as of ${date}`,
  summaryOf: (title: string) => `Summary: ${title}`,
  storySoFar: (topic: string) => `The story so far: ${topic}`,
  warmingUp: 'The bot is still loading its articles. Try again in a few seconds.',
  shuttingDown: 'The bot is restarting. Try again in a minute.',
  unexpected: 'Something went wrong on our side. The error was logged; please try again.',
  rateLimited: (seconds: number) => `You are asking quickly. Try again in ${seconds} s.`,
  busy: (seconds: number) => `The bot is answering many questions right now. Try again in ${seconds} s.`,
  dmRefused: 'Questions are answered in the newsroom server, not in direct messages.',
  editorsOnly: 'Only editors can do this.',
  serverOnly: 'This command works in a server, not in direct messages.',
  questionClipped: (max: number) => `Your question was long, so only its first ${max.toLocaleString('en-US')} characters were used.`,
  feedbackThanks: (vote: 'up' | 'down') => (vote === 'up' ? 'Thanks — glad it helped.' : 'Thanks — editors will look at this answer.'),
  answerGone: 'That answer is no longer available.',
  followUpTitle: 'Ask a follow-up',
  followUpLabel: 'Your question',
  buttonSources: 'Show sources',
  buttonFollowUp: 'Ask a follow-up',
  attachmentIsImage: 'That attachment is an image. Attach an article as .txt, .md, .html, .json or .jsonl.',
  attachmentTooLarge: (mb: string, limit: string) => `That file is ${mb}, larger than the ${limit} limit.`,
  attachmentUnsupported: 'Attach an article as .txt, .md, .html, .json or .jsonl.',
  downloadFailed: 'The attachment could not be downloaded from Discord. Try again.',
  ingestNeedsInput: 'Attach a file or give a URL to ingest.',
  ingested: (added: number, updated: number, unchanged: number, failed: number) =>
    `Added ${added}, updated ${updated}, unchanged ${unchanged}, failed ${failed}.`,
  forgotten: (title: string) => `Removed “${title}”. It will not be cited again.`,
  forgetShared: 'That article is in the newsroom-wide archive; the operator removes those with `newsroom forget`.',
  noArticles: 'No stored articles match.',
  articlesPage: (from: number, to: number, total: number) => `Articles ${from}–${to} of ${total}, newest first`,
  gapsTitle: 'Questions the archive could not answer',
  noGaps: 'No unanswered questions recorded yet.',
  previous: 'Previous',
  next: 'Next',
  help: (mode: string, search: string, serverArticles: number, sharedArticles: number) =>
    [
      'I answer questions about the newsroom’s stored articles and quote them word for word.',
      '',
      '**/ask** question — an answer with numbered sources (excerpts copied exactly from the articles)',
      '**/summarize article** — a summary of one story (brief, standard or bullets)',
      '**/summarize topic** — the story so far, across articles, in date order',
      '**/articles list** — what is stored · **/articles gaps** — questions the archive could not answer',
      '**/ingest**, **/forget** — for editors: add an article (file or URL) or retract one',
      '',
      `Mode: ${mode}`,
      `Search: ${search}`,
      `Sources: ${serverArticles} article(s) in this server, ${sharedArticles} in the newsroom-wide archive.`,
    ].join('\n'),
} as const;
