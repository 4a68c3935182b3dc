import type { RefusedRange } from './net/address-policy.ts';

/**
 * Every sentence the bot says to people, in one place so wording can be reviewed together.
 * Errors meant for the operator (logs) do not belong here.
 */
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
  articleNotFound: (reference: string) =>
    `No stored article matches "${reference}". List them with /articles (or \`newsroom articles\`).`,
  articleAmbiguous: (reference: string, candidates: { id: string; title: string; published: string | null }[]) =>
    `Several articles match "${reference}"; name one by its id:\n` +
    candidates.map((c) => `- ${c.id}: ${c.title}${c.published ? ` (${c.published.slice(0, 10)})` : ''}`).join('\n'),
  /** The other ids a story stored from several sources answers to. */
  alsoAs: (ids: readonly string[]) => `also as ${ids.join(', ')}`,
  /** Beside a source's date: "updated 2026-04-12", with the time of day when it is the day it was published. */
  updatedOn: (published: string | null, updated: string) =>
    `updated ${updated.slice(0, 10)}${published?.slice(0, 10) === updated.slice(0, 10) && updated.length > 10 ? ` ${updated.slice(11, 16)}` : ''}`,
} as const;

function dateRange(from: string, to: string): string {
  if (from === to) return `on ${from}`;
  if (from === '0000-01-01') return `up to ${to}`;
  return `from ${from} to ${to}`;
}

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

// ---------------------------------------------------------------- the command line

/** What `newsroom` says about how it was called, and the lines of its commands. */
export const cliText = {
  title: "newsroom — question answering over a newsroom's stored articles",
  overviewUsage: 'newsroom <command> [options]',
  runInsideProject:
    'Run it inside the project folder: `npx newsroom <command>`, or `npm run newsroom -- <command>`.',
  overviewFooter: [
    'Run `newsroom <command> --help` for its options.',
    'Settings come from the environment or .env (see .env.example); DATA_DIR chooses the library folder.',
  ],
  helpOption: 'show this help',
  unknownCommand: (name: string, suggestion: string | null, commands: readonly string[]) =>
    `Unknown command "${name}".${suggestion ? ` Did you mean "${suggestion}"?` : ''}\n` +
    `Commands: ${commands.join(', ')}. Run \`newsroom help\` for what each does.`,
  unknownOption: (option: string, command: string, suggestion: string | null) =>
    `Unknown option ${option} for newsroom ${command}.${suggestion ? ` Did you mean ${suggestion}?` : ''}`,
  missingValue: (option: string, placeholder: string) => `${option} needs a value: ${option} ${placeholder}.`,
  valueLooksLikeOption: (option: string, placeholder: string, next: string) =>
    `${option} needs a value, but ${next} follows it: write ${option} ${placeholder} (or ${option}=${next} if that is the value).`,
  unexpectedValue: (option: string) => `${option} takes no value; write it alone.`,
  tooManyArguments: (command: string, max: number, extra: readonly string[]) =>
    max === 0
      ? `newsroom ${command} takes no arguments (got ${extra.map((e) => `"${e}"`).join(' ')}).`
      : `newsroom ${command} takes ${max === 1 ? 'one argument' : `at most ${max} arguments`}; did not expect ${extra.map((e) => `"${e}"`).join(' ')}.` +
        ' Put text with spaces in quotes.',
  wholeNumber: (option: string, min: number, max: number, value: string) =>
    `${option} must be a whole number from ${min} to ${max} (got "${value}").`,
  unexpectedError: (message: string) => `Unexpected error: ${message}`,
  forgetWhich: 'Name the article to forget: newsroom forget <article id>',
  forgotten: (id: string, title: string, collection: string) => `removed ${id} (“${title}”) from ${collection}`,
  stillStored: (id: string, sources: readonly string[]) =>
    `the story is still stored as ${id}, from ${sources.length === 1 ? 'its other source' : `${sources.length} other sources`}: ${sources.join(', ')}`,
  noGaps: 'No unanswered questions recorded yet.',
  noArticles: 'No articles stored yet. Add some with: npx newsroom ingest <files or folders>',
  ingestWhat: 'Name the files, folders or web addresses to ingest: newsroom ingest <paths or URLs...>',
  embedLater: 'Articles are stored for keyword search now and embedded once the model is available.',
  moreFailures: (n: number) => `… and ${n} more (run \`npx newsroom ingest <folder>\` to see every one)`,
  articlesDirMissing: (dir: string) =>
    `ARTICLES_DIR is ${dir}, which does not exist. Set ARTICLES_DIR to your articles folder, or leave it empty to sync nothing.`,
  syncSummary: (dir: string, summary: string) => `Articles from ${dir}: ${summary}`,
} as const;

// ---------------------------------------------------------------- article loading

/*
 * What the article loaders say about a file they could not read. `where` names the item: a file ("notes/harbor.md"), one record of
 * it ("export.json record 3", "feed.jsonl line 7") or an address.
 */

export const SUPPORTED_EXTENSIONS_TEXT = '.txt, .md, .markdown, .html, .htm, .json, .jsonl';

export const recordOf = (file: string, n: number): string => `${file} record ${n}`;
export const lineOf = (file: string, n: number): string => `${file} line ${n}`;

export const loadMessages = {
  // Reading bytes
  empty: (where: string) => `${where} is empty`,
  binary: (where: string) => `${where} looks like a binary file, not text`,
  invalidUtf8: (where: string, offset: number, line: number) =>
    `${where} is not valid UTF-8 text (invalid byte at offset ${offset}, line ${line}); save it as UTF-8 and try again`,
  unknownCharset: (where: string, charset: string) => `${where} uses the character set "${charset}", which is not supported`,
  tooLarge: (where: string, bytes: number, maxBytes: number) =>
    `${where} is ${formatMegabytes(bytes)}, larger than the ${formatLimit(maxBytes)} limit`,
  tooLargeUnknownSize: (where: string, maxBytes: number) => `${where} is larger than the ${formatLimit(maxBytes)} limit`,
  unsupportedType: (where: string, extension: string) =>
    extension
      ? `${where} has an unsupported file type "${extension}" (supported: ${SUPPORTED_EXTENSIONS_TEXT})`
      : `${where} has no file extension, so its format is unknown (supported: ${SUPPORTED_EXTENSIONS_TEXT})`,

  // Files and folders
  missing: (where: string) => `${where} does not exist`,
  permissionDenied: (where: string) => `${where} cannot be read: permission denied`,
  notAFile: (where: string) => `${where} is not a regular file or folder`,
  unreadable: (where: string, code: string) => `${where} cannot be read (${code})`,

  // Structure
  invalidJson: (where: string, detail: string) => `${where} is not valid JSON: ${detail}`,
  jsonShape: (where: string) =>
    `${where} must hold an article object, an array of article objects, or {"articles": [...]}`,
  noRecords: (where: string) => `${where} contains no articles`,
  recordNotObject: (where: string) => `${where} is not an article object`,
  invalidFrontMatter: (where: string, detail: string) => `${where} has invalid front matter: ${detail}`,
  frontMatterNotMapping: (where: string) => `${where} has front matter that is not a list of "key: value" fields`,
  unclosedFrontMatter: (where: string) => `${where} opens front matter with "---" but never closes it`,
  fieldNotText: (where: string, field: string) => `${where} has a "${field}" field that is not text`,
  fieldNotTags: (where: string, field: string) =>
    `${where} has a "${field}" field that is neither a list of words nor comma-separated text`,

  // Article content
  noTitle: (where: string, hint: string) => `${where} has no title (${hint})`,
  emptyBody: (where: string) => `${where} has a title but no body text`,
  invalidId: (where: string, id: string) =>
    `${where} has the id "${truncate(id)}", which is not valid: use 1–128 letters, digits, ".", "_", ":" or "-"`,
  invalidUrl: (where: string, url: string) => `${where} has the url "${truncate(url)}", which is not an absolute http(s) address`,
  invalidPublished: (where: string, value: string) =>
    `${where} has the published date "${truncate(value)}", which is not a date (use YYYY-MM-DD or an ISO 8601 date-time)`,
  invalidUpdated: (where: string, value: string) =>
    `${where} has the updated date "${truncate(value)}", which is not a date (use YYYY-MM-DD or an ISO 8601 date-time)`,
  duplicateId: (where: string, id: string, firstWhere: string) =>
    `${where} has the id "${id}", which ${firstWhere} already uses`,

  // Addresses
  noArticleText: (where: string) => `${where} has no article text that could be extracted`,

  // Hostile or broken content, caught while parsing off the main thread
  nestedTooDeep: (where: string, limit: number) =>
    `${where} nests its elements more than ${limit} levels deep, which no article does; it was refused as malformed`,
  parseTimeout: (where: string, timeLimitMs: number) =>
    `${where} took longer than ${formatSeconds(timeLimitMs)} to read, so it was stopped; the file may be malformed`,
  parseOutOfMemory: (where: string) => `${where} needed too much memory to read, so it was stopped; the file may be malformed`,
  parseFailed: (where: string, detail: string) => `${where} could not be read (${truncate(detail)})`,
} as const;

/*
 * Why the bot, the console or the CLI cannot start: printed (or logged) once, then the process exits 1.
 */
export const startupMessages = {
  libraryUnavailable: (dataDir: string, detail: string) =>
    `Cannot open the library in ${dataDir} (DATA_DIR): ${detail}. Check that DATA_DIR is a folder this process can read and ` +
    'write, or restore the library from a backup.',
  promptsInvalid: (detail: string) => `Cannot load the prompt templates: ${detail}`,
} as const;

// ---------------------------------------------------------------- fetching from the network

/** What the network boundary (src/net) says about an address it could not fetch. `url` never shows credentials. */
export const fetchMessages = {
  notHttp: (url: string) => `"${truncate(url)}" is not an http(s) address`,
  credentials: (url: string) =>
    `The address ${url} includes a user name or password, which the bot never sends. Give the address without them.`,
  blocked: (where: string, range: RefusedRange) =>
    `${where} leads to ${REFUSED_RANGE_WORDS[range]}, which the bot does not fetch. ` +
    'If it is your newsroom’s own server, an operator can allow it with FETCH_ALLOWED_HOSTS.',
  redirectedTo: (url: string, hop: string) => `${url} (redirected to ${hop})`,
  redirectNotHttp: (url: string, location: string) => `${url} redirected to "${truncate(location)}", which is not an http(s) address`,
  redirectCredentials: (url: string) => `${url} redirected to an address with a user name or password, which the bot does not follow`,
  redirectLoop: (url: string) => `${url} redirects in a loop, back to an address it already sent the bot to; check the address in a browser`,
  tooManyRedirects: (url: string, max: number) => `${url} redirected more than ${max} times; give the final address of the page`,
  httpStatus: (url: string, status: number, statusText: string, retryAfterSeconds?: number) =>
    (status === 404
      ? `${url} was not found (404)`
      : `${url} answered ${status}${statusText ? ` ${statusText}` : ''} instead of a page`) +
    (retryAfterSeconds === undefined ? '' : `; it asks to wait ${formatWait(retryAfterSeconds)} before trying again`),
  badContentType: (url: string, contentType: string, expected: string) => `${url} is ${contentType}, not ${expected}`,
  tooLarge: (url: string, bytes: number, maxBytes: number) => loadMessages.tooLarge(url, bytes, maxBytes),
  tooLargeUnknownSize: (url: string, maxBytes: number) => loadMessages.tooLargeUnknownSize(url, maxBytes),
  timeout: (url: string, timeoutMs: number) => `${url} did not answer within ${formatSeconds(timeoutMs)}`,
  unreachable: (url: string, detail: string) => `${url} could not be reached (${detail})`,
  aborted: (url: string) => `Fetching ${url} was cancelled`,
} as const;

const REFUSED_RANGE_WORDS: Record<RefusedRange, string> = {
  loopback: 'this machine (a loopback address)',
  private: 'a private network address',
  linkLocal: 'a link-local address (such as a cloud metadata service)',
  carrierGradeNat: 'a carrier-grade NAT address',
  uniqueLocal: 'a private IPv6 address (unique-local)',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved or special-purpose address',
};

export const titleHints = {
  text: 'the first non-empty line is used as the title',
  markdown: 'add "title:" to the front matter or start with a "# Heading"',
  html: 'the page has no <title>, <h1> or og:title',
  json: 'add a "title" field',
} as const;

/** 52428800 → "50.0 MB" (MiB, as people mean them); small sizes in KB, rounded up. */
export function formatMegabytes(bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  return megabytes >= 0.1 ? `${megabytes.toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** 10485760 → "10 MB"; limits read best without a decimal when they are whole. */
export function formatLimit(bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  if (Number.isInteger(megabytes)) return `${megabytes} MB`;
  if (megabytes >= 0.1) return `${megabytes.toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

function formatWait(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} minutes`;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} second${seconds === 1 ? '' : 's'}`;
}

function truncate(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------- the library on disk

/** Who holds the library's write lock, as it wrote it down. */
interface WriterNote {
  pid: number;
  host: string;
  since: string;
}

function describeWriter(holder: WriterNote | null): string {
  return holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since.slice(0, 19).replace('T', ' ')} UTC` : 'pid unknown';
}

export const storeMessages = {
  waitingForWriter: (holder: WriterNote | null) => `Waiting for another writer (${describeWriter(holder)}) to finish…`,
  writerTimeout: (holder: WriterNote | null, seconds: number) =>
    `Another process (${describeWriter(holder)}) is still writing to this library after ${seconds} s of waiting. ` +
    'Try again when it has finished (WRITE_LOCK_WAIT_S sets how long to wait).',
  lockFileDamaged: () =>
    "The library's write lock (write-lock.sqlite in DATA_DIR) is damaged. Stop every newsroom process that uses this DATA_DIR, delete that file, and try again.",
  readOnly: () =>
    'The library is read-only, so it cannot be changed. Searching and answering still work; make DATA_DIR writable to ingest or forget articles.',
  readOnlyNotice: (dir: string) =>
    `the library in ${dir} is read-only: search, articles, ask and summarize work; ingest, forget and reindex are refused, and answers are not logged.`,
  dataDirNotFolder: (dir: string) => `DATA_DIR is ${dir}, which is a file, not a folder. Point DATA_DIR at a folder for the library.`,
  noLibrary: (dir: string) => `There is no library in ${dir} (no library.sqlite), and the folder is read-only, so none can be created.`,
  dataDirUnavailable: (dir: string, code: string) => `The library folder ${dir} does not exist and cannot be created (${code}). Check DATA_DIR.`,
  emptyDatabase: (file: string) =>
    `${file} is empty (0 bytes), so it holds no library. Restore it from a backup, or delete it to start a new, empty library; ` +
    '`npx newsroom check` reports on a library.',
  damagedDatabase: (file: string, detail: string) =>
    `${file} is damaged (${detail}). Restore it from a backup; \`npx newsroom check\` reports what is wrong with it.`,
  unreadableReadOnly: (file: string) =>
    `${file} cannot be read from a read-only folder: SQLite needs its -wal and -shm files beside it. ` +
    'Make the folder writable, or copy the library to a writable folder and point DATA_DIR there.',
  indexNotSaved: (reason: string) =>
    `The change was stored, but the search index could not be saved (${reason}). The previous index file was kept; ` +
    'it is brought up to date from the stored articles when the library next opens.',
  diskFull: (freeBytes: number | null, neededBytes: number) =>
    `the disk holding the library is full: ${freeBytes === null ? 'too little' : formatMegabytes(freeBytes)} free, at least ${formatMegabytes(neededBytes)} needed`,
  diskFullOnOpen: (file: string) => `${file} cannot be opened: the disk holding it is full. Free some space and try again.`,
  databaseFull: () => 'The disk holding the library is full, so nothing more can be stored. Free some space and try again.',
} as const;

/** `newsroom check`: what it found and what `--repair` did. */
export const checkText = {
  heading: (dir: string) => `Library in ${dir}`,
  readOnly: 'read-only (checked without changing anything; --repair needs write access)',
  database: (file: string, bytes: number | null, integrity: string) =>
    `${file}${bytes === null ? '' : `, ${formatMegabytes(bytes)}`}: ${integrity === 'ok' ? 'SQLite integrity check passed' : integrity}`,
  contents: (articles: number, chunks: number, awaiting: number, model: string | null, dimensions: number | null) =>
    `${count(articles, 'article')}, ${count(chunks, 'chunk')} (${count(awaiting, 'chunk')} awaiting embeddings)` +
    (model ? `, embedded with ${model} (${dimensions}-d)` : ', no embeddings yet'),
  index: (file: string, bytes: number | null, checksum: string | null, state: string | null, points: number | null, expected: number, behind: number | null) =>
    `${file}${bytes === null ? '' : `, ${formatMegabytes(bytes)}`}` +
    (checksum ? `, checksum ${checksum} ${indexChecksumStates[state ?? 'unknown'] ?? state}` : '') +
    (points === null ? '' : `; ${points.toLocaleString('en-US')} of ${count(expected, 'embedded chunk')} in the index`) +
    (behind ? `; ${count(behind, 'write')} behind the catalog (replayed on open)` : ''),
  noIndex: 'no vector index needed yet (nothing is embedded)',
  keyword: (rows: number, chunks: number) => `${rows.toLocaleString('en-US')} keyword-index rows for ${count(chunks, 'chunk')}`,
  lock: (state: 'free' | 'held' | 'unknown', holder: { pid: number; host: string; since: string } | null) =>
    state === 'free' ? 'free' : state === 'held' ? `held by another writer (${describeWriter(holder)})` : 'not checked (read-only)',
  healthy: 'Healthy.',
  unhealthy: (problems: number) => `${count(problems, 'problem')} found.`,
  runRepair: 'Run `npx newsroom check --repair` to fix what can be fixed.',
  needsBackup: 'The database itself is damaged: restore library.sqlite from a backup (the vector index is rebuilt from it on open).',
  nothingToRepair: 'Nothing to repair.',
  repairedHeading: 'Repaired:',
  findingsHeading: 'Problems:',
  notesHeading: 'Notes:',
  finding: (finding: CheckFinding): string => {
    switch (finding.kind) {
      case 'no-library':
        return 'There is no library here yet (no library.sqlite). `npx newsroom ingest` creates one.';
      case 'database-unreadable':
        return finding.message;
      case 'database-integrity':
        return `SQLite's integrity check failed: ${finding.details.slice(0, 5).join('; ')}`;
      case 'orphan-chunks':
        return `Chunks that belong to no stored article: ${finding.count.toLocaleString('en-US')} (removed by --repair).`;
      case 'chunk-counts':
        return `Articles that record the wrong number of chunks: ${finding.count.toLocaleString('en-US')} (corrected by --repair).`;
      case 'fts-missing':
        return `Chunks missing from the keyword index: ${finding.count.toLocaleString('en-US')} (rebuilt by --repair).`;
      case 'fts-extra':
        return `The keyword index has ${count(finding.count, 'row')} for chunks that no longer exist (rebuilt by --repair).`;
      case 'index-missing':
        return `vectors.hnsw is missing; ${count(finding.expected, 'embedded chunk')} should be in it (rebuilt from the stored embeddings on open or by --repair).`;
      case 'index-damaged':
        return `vectors.hnsw is damaged: ${finding.detail} (rebuilt from the stored embeddings on open or by --repair).`;
      case 'index-checksum':
        return `vectors.hnsw changed after it was saved: checksum ${finding.actual}, recorded ${finding.recorded} (rebuilt on open or by --repair).`;
      case 'index-unverifiable':
        return 'vectors.json is missing or unreadable, so nothing says which writes vectors.hnsw holds (rebuilt on open or by --repair).';
      case 'index-points':
        return `The vector index lacks ${count(finding.missing, 'embedded chunk')} and holds ${count(finding.extra, 'point')} with no chunk (rebuilt by --repair).`;
      case 'index-behind':
        return `vectors.hnsw is ${count(finding.writes, 'write')} behind the catalog; they are replayed from the stored embeddings on open (saved by --repair).`;
      case 'temp-files':
        return `Temporary files left by interrupted saves: ${finding.files.length.toLocaleString('en-US')} (removed by --repair).`;
      case 'legacy-lock':
        return 'write.lock, the lock file of an earlier version, is left over; it blocks nothing (removed by --repair).';
    }
  },
  repairs: (r: {
    orphanChunks: number;
    chunkCounts: number;
    ftsRebuilt: number;
    indexRebuilt: number | null;
    tempFilesRemoved: number;
    legacyLockRemoved: boolean;
  }): string[] => {
    const done: string[] = [];
    if (r.orphanChunks) done.push(`removed ${count(r.orphanChunks, 'chunk')} that belonged to no article`);
    if (r.chunkCounts) done.push(`corrected the chunk count of ${count(r.chunkCounts, 'article')}`);
    if (r.ftsRebuilt) done.push(`rebuilt the keyword index (${count(r.ftsRebuilt, 'chunk')})`);
    if (r.indexRebuilt !== null) done.push(`rebuilt the vector index from the stored embeddings (${count(r.indexRebuilt, 'point')})`);
    done.push('saved the vector index, checked byte for byte');
    if (r.tempFilesRemoved) done.push(`removed ${count(r.tempFilesRemoved, 'temporary file')}`);
    if (r.legacyLockRemoved) done.push('removed the old write.lock file');
    return done;
  },
} as const;

const indexChecksumStates: Record<string, string> = {
  ok: 'matches the one recorded',
  previous: 'matches the previous save (a save was interrupted; the writes since are replayed on open)',
  unrecorded: 'not recorded yet (saved by an earlier version; recorded at the next save)',
  mismatch: 'does not match',
  unknown: 'cannot be checked',
};

/** The findings `newsroom check` words (src/store/health.ts), repeated here so messages.ts imports nothing. */
type CheckFinding =
  | { kind: 'no-library' }
  | { kind: 'database-unreadable'; message: string }
  | { kind: 'database-integrity'; details: string[] }
  | { kind: 'orphan-chunks' | 'chunk-counts' | 'fts-missing' | 'fts-extra'; count: number }
  | { kind: 'index-missing'; expected: number }
  | { kind: 'index-damaged'; detail: string }
  | { kind: 'index-checksum'; recorded: string; actual: string }
  | { kind: 'index-unverifiable' }
  | { kind: 'index-points'; missing: number; extra: number }
  | { kind: 'index-behind'; writes: number }
  | { kind: 'temp-files'; files: string[] }
  | { kind: 'legacy-lock'; file: string };

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
