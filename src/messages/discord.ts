import { count, formatInterval } from './format.ts';

/** Wording specific to the Discord front end. */
export const discordText = {
  sourcesTitle: 'Sources',
  sourcesContinued: 'Sources (continued)',
  continued: '(continued)',
  unsourcedLabel: 'Unsourced: the model did not point to any article for this.',
  closestArticles: 'Closest stored articles:',
  noSources: 'This answer has no sources to show.',
  draftTitle: (title: string) => `Draft (not yet checked): ${title}`,
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
  feedbackThanks: (vote: 'up' | 'down') => (vote === 'up' ? 'Thanks — glad it helped.' : 'Thanks — editors will look at this answer.'),
  answerGone: 'That answer is no longer available.',
  followUpTitle: 'Ask a follow-up',
  followUpLabel: 'Your question',
  buttonSources: 'Show sources',
  buttonFollowUp: 'Ask a follow-up',
  attachmentIsImage: 'That attachment is an image. Attach an article as .txt, .md, .html, .json or .jsonl.',
  attachmentTooLarge: (mb: string, limit: string) => `That file is ${mb}, larger than the ${limit} limit.`,
  attachmentUnsupported: 'Attach an article as .txt, .md, .html, .json or .jsonl.',
  attachmentOverLimit: (limit: string) => `That file is larger than the ${limit} limit.`,
  attachmentBlocked:
    'The attachment could not be downloaded: its address leads somewhere the bot does not fetch. An operator can check FETCH_ALLOWED_HOSTS.',
  downloadFailed: 'The attachment could not be downloaded from Discord. Try again.',
  ingestNeedsInput: 'Attach a file or give a URL to ingest.',
  ingested: (added: number, updated: number, unchanged: number, failed: number) =>
    `Added ${added}, updated ${updated}, unchanged ${unchanged}, failed ${failed}.`,
  forgotten: (title: string) => `Removed “${title}”. It will not be cited again.`,
  forgottenSourceOnly: (title: string, others: number) =>
    `Removed this source of “${title}”. The story is still stored from ${others === 1 ? 'another source' : `${others} other sources`}, so it can still be cited; forget it again to remove ${others === 1 ? 'that one' : 'them'} too.`,
  forgetShared: 'That article is in the newsroom-wide archive; the operator removes those with `newsroom forget`.',
  noArticles: 'No stored articles match.',
  articlesPage: (from: number, to: number, total: number) => `Articles ${from}–${to} of ${total}, newest first`,
  gapsTitle: 'Questions the archive could not answer',
  gapsFooter: 'Most asked first; near-identical questions are counted together. Answer them with new articles (/ingest).',
  noGaps: 'No unanswered questions recorded yet.',
  asked: (count: number, last: string) => `${count}× · last asked ${last}`,
  feedbackTitle: (vote: 'up' | 'down' | null) =>
    vote === 'down'
      ? 'Answers readers disliked, newest first'
      : vote === 'up'
        ? 'Answers readers liked, newest first'
        : 'Readers’ votes on answers, newest first',
  noFeedback: 'No votes on answers recorded yet.',
  feedbackSources: 'Sources:',
  noSourcesCited: 'no sources cited',
  digestTitle: (from: string, to: string) => `Weekly digest: what readers asked, ${from} to ${to}`,
  digestUnansweredHeading: (asked: number) => `Questions the archive could not answer (asked ${asked}× in all; most asked first)`,
  digestNoUnanswered: 'None this week: every question found an answer in the articles.',
  digestDislikedHeading: 'Answers readers disliked',
  digestNoDisliked: 'None this week.',
  digestDownVotes: (n: number) => `👎 ${n}`,
  digestFooter:
    'Write the stories readers are asking for; check the sources of disliked answers. Full lists: /articles gaps, /articles feedback.',
  previous: 'Previous',
  next: 'Next',
  deployNeedsCredentials: 'Set DISCORD_TOKEN and DISCORD_CLIENT_ID (the application id) to register commands.',
  helpModeLlm: (model: string) => `answers written by ${model}, every excerpt checked against the stored text`,
  helpModeExtract: 'extract mode: no language model is configured, so answers quote the articles directly',
  helpSearchHybrid: (model: string) => `hybrid (meaning + keywords, model ${model})`,
  helpSearchKeywords: 'keywords only (the embedding model is unavailable)',
  help: (mode: string, search: string, serverArticles: number, sharedArticles: number) =>
    [
      'I answer questions about the newsroom’s stored articles and quote them word for word.',
      '',
      '**/ask** question — an answer with numbered sources (excerpts copied exactly from the articles)',
      '**/summarize article** — a summary of one story (brief, standard or bullets)',
      '**/summarize topic** — the story so far, across articles, in date order',
      '**/articles list** — what is stored · **/articles gaps**, **/articles feedback** — for editors: what readers asked and how they rated answers',
      '**/ingest**, **/forget** — for editors: add an article (file or URL) or retract one',
      '**/feeds** — for editors: follow the newsroom’s feeds (RSS, Atom, JSON Feed); new stories come in on their own',
      '',
      `Mode: ${mode}`,
      `Search: ${search}`,
      `Sources: ${serverArticles} article(s) in this server, ${sharedArticles} in the newsroom-wide archive.`,
    ].join('\n'),
} as const;

/** Discord's /feeds, in its own words (editors read these, not operators). */
export const feedDiscordText = {
  added: (title: string, listed: number, pollSeconds: number | null) =>
    `Following “${title}” (${count(listed, 'story', 'stories')} listed) for this server. ` +
    (pollSeconds === null ? 'Its stories are added at the next sync.' : `Its stories are added within ${formatInterval(pollSeconds)}.`),
  alreadyFollowed: (title: string) => `This server already follows “${title}”.`,
  removed: (title: string, articles: number) =>
    `Stopped following “${title}”.` +
    (articles === 0
      ? ''
      : articles === 1
        ? ' The article it brought in stays; retract it with /forget.'
        : ` The ${count(articles, 'article')} it brought in stay; retract one with /forget.`),
  notFound: 'This server follows no such feed. See /feeds list.',
  listTitle: (n: number) => `Feeds this server follows (${n})`,
  none: 'This server follows no feeds yet. Editors add one with /feeds add.',
  sharedNote: (n: number) => `The newsroom-wide archive also follows ${count(n, 'feed')}.`,
} as const;
