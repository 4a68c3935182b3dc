/* eslint-disable max-lines -- every sentence people read lives in this one file, grouped by where it is shown, so wording is reviewed together */
import type { RefusedRange } from './net/address-policy.ts';
import type { Finding } from './store/health.ts';
import type { RestoreFinding } from './store/restore-recovery.ts';

/**
 * Every sentence the bot says to people, in one place so wording can be reviewed together.
 * Errors meant for the operator (logs) do not belong here.
 */
/** The day of an ISO date ("2026-03-02"), or "undated": how every front end shows a story's date. */
export function dayOf(iso: string | null): string {
  return iso ? iso.slice(0, 10) : 'undated';
}

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
  instructionsWithheld: (n: number) =>
    `${n === 1 ? 'A paragraph' : `${n} paragraphs`} of the articles ${n === 1 ? 'is' : 'are'} addressed to an AI, so ${n === 1 ? 'it was' : 'they were'} left out; ` +
    'editors can see where with `newsroom check`.',
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
  gapsFooter: 'Most asked first; near-identical questions are counted together. Answer them with new articles (/ingest).',
  noGaps: 'No unanswered questions recorded yet.',
  asked: (count: number, last: string) => `${count}× · last asked ${last}`,
  feedbackTitle: (vote: 'up' | 'down' | null) =>
    vote === 'down' ? 'Answers readers disliked, newest first' : vote === 'up' ? 'Answers readers liked, newest first' : 'Readers’ votes on answers, newest first',
  noFeedback: 'No votes on answers recorded yet.',
  feedbackSources: 'Sources:',
  noSourcesCited: 'no sources cited',
  digestTitle: (from: string, to: string) => `Weekly digest: what readers asked, ${from} to ${to}`,
  digestUnansweredHeading: (asked: number) => `Questions the archive could not answer (asked ${asked}× in all; most asked first)`,
  digestNoUnanswered: 'None this week: every question found an answer in the articles.',
  digestDislikedHeading: 'Answers readers disliked',
  digestNoDisliked: 'None this week.',
  digestDownVotes: (n: number) => `👎 ${n}`,
  digestFooter: 'Write the stories readers are asking for; check the sources of disliked answers. Full lists: /articles gaps, /articles feedback.',
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
  noFeedback: 'No votes on answers recorded yet.',
  noFeedbackSince: (since: string) => `No votes on answers since ${since}.`,
  noServer: 'no server (direct message)',
  server: (id: string) => `server ${id}`,
  noSourcesCited: 'no sources cited',
  invalidVote: (value: string) => `--vote must be up or down (got "${value}").`,
  feedbackCount: (total: number, up: number, down: number) => `${total} vote${total === 1 ? '' : 's'}: ${up} 👍, ${down} 👎`,
  gapsCount: (groups: number, asked: number) =>
    `${groups} question${groups === 1 ? '' : 's'} shown, asked ${asked} time${asked === 1 ? '' : 's'} in all; near-identical wordings counted together`,
  noArticles: 'No articles stored yet. Add some with: npx newsroom ingest <files or folders>',
  ingestWhat: 'Name the files, folders or web addresses to ingest: newsroom ingest <paths or URLs...>',
  embedLater: 'Articles are stored for keyword search now and embedded once the model is available.',
  moreFailures: (n: number) => `… and ${n} more (run \`npx newsroom ingest <folder>\` to see every one)`,
  articlesDirMissing: (dir: string) =>
    `ARTICLES_DIR is ${dir}, which does not exist. Set ARTICLES_DIR to your articles folder, or leave it empty to sync nothing.`,
  syncSummary: (dir: string, summary: string) => `Articles from ${dir}: ${summary}`,
  modelLoaded: (modelId: string) => `The embedding model ${modelId} has loaded: search is hybrid (meaning + keywords) from now on.`,
} as const;

// ---------------------------------------------------------------- the embedding model

/** Downloading, finding and loading the embedding model (`newsroom models`, start-up, the background retry). */
export const modelMessages = {
  // Why the hub could not be reached: phrases completing "… could not be reached: <reason>".
  hubNotFound: (detail: string) => `its name does not resolve, so this machine has no internet or no DNS: ${detail}`,
  hubConnectTimeout: (ms: number) => `no connection within ${formatSeconds(ms)}`,
  hubNoAnswer: (ms: number) => `it accepted the connection but sent no answer within ${formatSeconds(ms)}`,
  hubConnectFailed: (detail: string) => `the connection failed: ${detail}`,
  hubUnreachable: (url: string, reason: string) => `The model hub ${url} could not be reached: ${reason}.`,

  // Why a download failed: phrases completing "<model> could not be downloaded: <reason>".
  reasonHubUnreachable: (url: string, reason: string) => `the model hub ${url} could not be reached (${reason})`,
  reasonNotOnHub: (url: string, detail: string) => `${url} does not have it (${detail})`,
  reasonInterrupted: (detail: string) => `the download was interrupted (${detail})`,
  reasonWrongModel: (dimensions: number, expected: number) =>
    `the downloaded files produce ${dimensions}-dimension vectors, not the ${expected} the model registry expects`,
  reasonIncomplete: (files: readonly string[]) => `the download lacks ${files.join(', ')}`,
  reasonFolderNotWritable: (folder: string, detail: string) => `${folder} cannot be written (${detail})`,

  /** `newsroom models pull` failed. */
  pullFailed: (modelId: string, reason: string, retry: boolean) =>
    `${modelId} could not be downloaded: ${reason}. Nothing was kept` +
    (retry ? '; run `npx newsroom models pull` again.' : '.') +
    ' On a server without internet, pull it on a machine that has internet and copy the folder (see "The embedding model" in the README), or set MODELS_DIR.',
  unknownModel: (modelId: string, known: readonly string[]) =>
    `Unknown embedding model "${modelId}". Known models:\n${known.map((id) => `  ${id}`).join('\n')}\nRun \`npx newsroom models list\` to see which are downloaded.`,

  // Loading, for the operator (logs, CLI warnings, the console).
  missingFromModelsDir: (modelId: string, modelsDir: string, missing: readonly string[], cacheDir: string) =>
    `Embedding model "${modelId}" is not available: ${missing.map((file) => `${modelId}/${file}`).join(', ')} ` +
    `${missing.length === 1 ? 'is' : 'are'} missing from MODELS_DIR ("${modelsDir}"). Nothing is downloaded while MODELS_DIR is set: ` +
    `put the files in that folder, or unset MODELS_DIR to download the model once into "${cacheDir}".`,
  notDownloaded: (modelId: string, reason: string, cacheDir: string, files: string) =>
    `Embedding model "${modelId}" could not be downloaded: ${reason}. Connect to the internet once so the model downloads ` +
    `into "${cacheDir}" (\`npx newsroom models pull\`), or set MODELS_DIR to a folder holding ${files}.`,
  hubDownEarlier: (modelId: string, hubUrl: string, failure: { at: Date; reason: string }, cacheDir: string, files: string) =>
    `Embedding model "${modelId}" is not in "${cacheDir}", and the model hub ${hubUrl} could not be reached at ` +
    `${failure.at.toISOString().slice(11, 19)} UTC (${failure.reason}), so it is not tried again in this run. ` +
    `Run \`npx newsroom models pull\` once the hub can be reached, or set MODELS_DIR to a folder holding ${files}.`,
  wrongDimensions: (modelId: string, dimensions: number, expected: number) =>
    `Embedding model "${modelId}" produces ${dimensions}-dimension vectors, but the model registry says ${expected}: ` +
    `the files in its folder belong to another model. Replace them with ${modelId}.`,
  unreadable: (modelId: string, folder: string, reason: string) =>
    `Embedding model "${modelId}" in "${folder}" could not be loaded: ${reason}. Its files may be damaged: delete its folder ` +
    'and run `npx newsroom models pull` to download it again, or replace the files.',
  retrying: (modelId: string, minutes: number) =>
    `the embedding model ${modelId} is tried again in the background every ${minutes} minutes at most; search switches to hybrid once it loads`,
} as const;

/** `newsroom models`: the list and the download's lines. */
export const modelsText = {
  usage: (action: string | undefined) =>
    action === undefined || action === 'list' || action === 'pull'
      ? 'Say what to do: `newsroom models list`, or `newsroom models pull [<model id>]`.'
      : `Unknown action "${action}" for newsroom models: use \`newsroom models list\` or \`newsroom models pull [<model id>]\`.`,
  listHeading: (dtype: string, root: string, modelsDir: boolean) =>
    `Embedding models (${dtype} weights), loaded from ${modelsDir ? 'MODELS_DIR' : 'the download cache'} ${root}:`,
  configured: '← EMBEDDING_MODEL',
  absent: (location: 'models-dir' | 'cache') => (location === 'cache' ? 'not downloaded' : 'not in MODELS_DIR'),
  incomplete: (missing: readonly string[]) => `incomplete: lacks ${missing.join(', ')}`,
  listFooter: 'Download one with `npx newsroom models pull <model id>` (EMBEDDING_MODEL when no id is given).',
  pulled: (modelId: string, folder: string, bytes: number, seconds: number) =>
    `downloaded ${modelId} (${formatMegabytes(bytes)}) into ${folder} in ${seconds.toFixed(1)} s`,
  alreadyThere: (modelId: string, folder: string) => `${modelId} is already in ${folder}; nothing to download.`,
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

  // Links, and text no article holds (never echoed: only its kind and line are named)
  symlinkNotFollowed: (where: string) =>
    `${where} is a symbolic link, and links in the articles folder are not followed, so it was not read ` +
    '(an operator can allow them with FOLLOW_SYMLINKS=inside or all)',
  symlinkOutside: (where: string) =>
    `${where} is a symbolic link to a file outside the folder, so it was not read (FOLLOW_SYMLINKS=inside follows links within the folder only)`,
  notAnArticle: (where: string, kind: 'env-file' | 'key-file') =>
    kind === 'env-file'
      ? `${where} looks like a configuration file (NAME=value lines), not an article, so it was not read`
      : `${where} looks like a key or certificate file, not an article, so it was not read`,
  credentialRefused: (where: string, kind: string, line: number | null) =>
    `${where}${line === null ? '' : `, line ${line},`} holds what looks like ${credentialKinds[kind] ?? 'a password or key'}, so it was not stored. ` +
    'If it belongs in the story, an operator can store it anyway with `newsroom ingest --allow-secrets`',
} as const;

const credentialKinds: Record<string, string> = {
  'discord-token': 'a Discord bot token',
  'openai-key': 'an API secret key (sk-…)',
  'aws-key': 'an AWS access key',
  'private-key': 'a private key',
  'github-token': 'a GitHub token',
  'slack-token': 'a Slack token',
  'google-key': 'a Google API key',
  'stripe-key': 'a Stripe key',
  jwt: 'a signed access token (JWT)',
  'url-password': 'an address with a password in it',
  'secret-assignment': 'a password, token or key setting (NAME=value)',
};

/*
 * Why the bot, the console or the CLI cannot start: printed (or logged) once, then the process exits 1.
 */
export const startupMessages = {
  libraryUnavailable: (dataDir: string, detail: string) =>
    `Cannot open the library in ${dataDir} (DATA_DIR): ${detail}. Check that DATA_DIR is a folder this process can read and ` +
    'write, or restore the library from a backup.',
  promptsInvalid: (detail: string) => `Cannot load the prompt templates: ${detail}`,
  httpPortInUse: (host: string, port: number) =>
    `Cannot serve health and metrics on ${host}:${port}: port ${port} is already in use by another program. ` +
    'Choose a free port with HTTP_PORT (or leave it unset for no server).',
  httpPortDenied: (host: string, port: number) =>
    `Cannot serve health and metrics on ${host}:${port}: this user may not open port ${port} (ports below 1024 need privileges). ` +
    'Choose a port from 1024 up with HTTP_PORT.',
  httpHostUnavailable: (host: string, port: number) =>
    `Cannot serve health and metrics on ${host}:${port}: ${host} is not an address of this machine. Set HTTP_HOST to one that is, such as 127.0.0.1.`,
  httpListenFailed: (host: string, port: number, detail: string) => `Cannot serve health and metrics on ${host}:${port}: ${detail}.`,
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
  otherEmbeddingModel: (stored: string, dimensions: number | undefined, configured: string) =>
    `This library was built with the embedding model ${stored} (${dimensions} dimensions), ` +
    `but ${configured} is configured. Set EMBEDDING_MODEL=${stored}, or use another DATA_DIR.`,
} as const;

/** `newsroom backup` and `newsroom restore`. */
export const backupMessages = {
  targetMissing: 'Name the folder to back up into: newsroom backup <dir> (a new or empty folder).',
  sourceMissing: 'Name the backup to restore: newsroom restore <backup dir>.',
  noLibrary: (dir: string) => `There is no library in ${dir} (no library.sqlite) to back up. Check DATA_DIR.`,
  targetInsideLibrary: (target: string, dataDir: string) =>
    `${target} is inside the library folder ${dataDir}; back up into a folder outside DATA_DIR.`,
  targetIsFile: (target: string) => `${target} is a file; name a new folder for the backup.`,
  targetNotEmpty: (target: string) =>
    `${target} already exists and is not empty; back up into a new or empty folder (for example one named after the date).`,
  targetUnwritable: (target: string, code: string) => `The backup folder ${target} cannot be created (${code}).`,
  copyFailsCheck: (problems: readonly string[]) =>
    `The copy of the library did not pass the check (${problems.join(', ')}), so no backup was kept. ` +
    'Run `npx newsroom check` on DATA_DIR to see what is wrong with the library.',

  notABackup: (dir: string, why: string) => `${dir} is not a newsroom-bot backup: ${why}. Nothing was changed.`,
  doesNotExist: 'it does not exist',
  notAFolder: 'it is not a folder',
  noManifest: 'it has no manifest.json (a backup that was interrupted has none either)',
  unreadableManifest: (detail: string) => `its manifest.json cannot be read (${detail})`,
  foreignManifest: 'its manifest.json does not describe a newsroom-bot backup',
  newerBackup: (dir: string, version: number, appVersion: string, supported: number) =>
    `${dir} was made by a newer newsroom-bot (${appVersion}, backup format ${version}); this version reads backup format ${supported}` +
    `${supported > 1 ? ' and older' : ''}. Upgrade newsroom-bot, then restore. Nothing was changed.`,
  damagedBackup: (dir: string, why: string) => `The backup in ${dir} is damaged: ${why}. Nothing was changed; restore another backup.`,
  fileMissing: (name: string) => `${name} is missing`,
  fileSize: (name: string, bytes: number, expected: number) => `${name} is ${bytes.toLocaleString('en-US')} bytes, not the ${expected.toLocaleString('en-US')} it was backed up with`,
  checksumMismatch: (name: string) => `${name} is not the file that was backed up (its SHA-256 differs)`,
  backupFailsCheck: (
    dir: string,
    problems: readonly string[],
    found: { generation: number; articles: number; feeds: number },
    manifest: { generation: number; counts: { articles: number; feeds?: number } },
  ) => {
    const feeds = (n: number | undefined) => (n === undefined ? '' : ` and ${count(n, 'followed feed')}`);
    return (
      `The backup in ${dir} does not check out (${problems.length > 0 ? `problems: ${problems.join(', ')}` : 'no problems'}; ` +
      `generation ${found.generation} with ${count(found.articles, 'article')}${feeds(manifest.counts.feeds === undefined ? undefined : found.feeds)}, ` +
      `where the manifest says generation ${manifest.generation} with ${count(manifest.counts.articles, 'article')}${feeds(manifest.counts.feeds)}). ` +
      'Nothing was changed; restore another backup.'
    );
  },
  restoreIntoItself: (dir: string) => `${dir} is the backup itself; point DATA_DIR at the library folder to restore into.`,
  dataDirHoldsLibrary: (dataDir: string, files: readonly string[]) =>
    `DATA_DIR (${dataDir}) already holds a library (${files.join(', ')}). Restore into an empty DATA_DIR, or add --force to ` +
    'replace it: the current library stays in place until the restored one has been copied and checked. Nothing was changed.',
  dataDirUnwritable: (dataDir: string, code: string) => `DATA_DIR (${dataDir}) cannot be created or written (${code}). Nothing was changed.`,
  libraryInUse: (dataDir: string, holder: WriterNote | null) =>
    `The library in ${dataDir} is in use by another process${holder ? ` (${describeWriter(holder)})` : ''}: stop the bot ` +
    '(`sudo systemctl stop newsroom-bot`) and any running `newsroom` command, then restore. Nothing was changed.',

  backedUp: (dir: string, articles: number, chunks: number, generation: number, bytes: number, seconds: number) =>
    `backed up ${count(articles, 'article')} (${count(chunks, 'chunk')}, generation ${generation}) into ${dir}: ` +
    `${formatMegabytes(bytes)} in ${seconds.toFixed(1)} s`,
  restored: (articles: number, chunks: number, generation: number, createdAt: string, source: string, replaced: boolean) =>
    `restored ${count(articles, 'article')} (${count(chunks, 'chunk')}, generation ${generation}) backed up ` +
    `${createdAt.slice(0, 16).replace('T', ' ')} UTC, from ${source}${replaced ? ', replacing the library that was there' : ''}`,
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
  finding: (finding: Finding): string => {
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
      case 'data-dir-unreadable':
        return accessMessages.dataDirUnreadable('DATA_DIR', finding.uid);
      default:
        return finding.kind.startsWith('restore-') ? restoreStateMessages.finding(finding as RestoreFinding) : answerLogFinding(finding);
    }
  },
  repairs: (r: {
    orphanChunks?: number;
    chunkCounts?: number;
    ftsRebuilt?: number;
    indexRebuilt?: number | null;
    tempFilesRemoved?: number;
    legacyLockRemoved?: boolean;
    answerLogSetAside?: string;
    restoreRecovered?: { source: string; pid: number; startedAt: string; outcome: 'finished' | 'undone' };
    restoreLeftoversRemoved?: number;
  }): string[] => {
    const done: string[] = [];
    if (r.restoreRecovered) done.push(restoreStateMessages.recovered(r.restoreRecovered, r.restoreRecovered.outcome));
    if (r.restoreLeftoversRemoved) done.push(restoreStateMessages.leftoversRemoved(r.restoreLeftoversRemoved));
    if (r.answerLogSetAside) done.push(`set the damaged answers.sqlite aside as ${r.answerLogSetAside} and started a new, empty answer log (restart the bot to record answers again)`);
    if (r.orphanChunks) done.push(`removed ${count(r.orphanChunks, 'chunk')} that belonged to no article`);
    if (r.chunkCounts) done.push(`corrected the chunk count of ${count(r.chunkCounts, 'article')}`);
    if (r.ftsRebuilt) done.push(`rebuilt the keyword index (${count(r.ftsRebuilt, 'chunk')})`);
    if (r.indexRebuilt !== null && r.indexRebuilt !== undefined) done.push(`rebuilt the vector index from the stored embeddings (${count(r.indexRebuilt, 'point')})`);
    if (r.orphanChunks !== undefined) done.push('saved the vector index, checked byte for byte');
    if (r.tempFilesRemoved) done.push(`removed ${count(r.tempFilesRemoved, 'temporary file')}`);
    if (r.legacyLockRemoved) done.push('removed the old write.lock file');
    return done;
  },
  editorialHeading: 'For editors (the library is healthy either way):',
  aiInstructions: (f: { collection: string; articleId: string; title: string; line: number; instruction: string; excerpt: string; source: string; sourceLine: number | null }) =>
    `${f.articleId}${f.collection === 'shared' ? '' : ` (collection ${f.collection})`} “${truncate(f.title, 60)}”, line ${f.line} of its text` +
    `${f.sourceLine === null ? '' : ` (line ${f.sourceLine} of ${f.source.replace(/#\d+$/, '')})`}, ` +
    `is addressed to an AI (${instructionKinds[f.instruction] ?? f.instruction}): “${f.excerpt}”. It is never given to the model or cited; ` +
    'correct the article and ingest it again, or forget it.',
} as const;

const instructionKinds: Record<string, string> = {
  override: 'it tells the model to ignore its instructions',
  role: 'it poses as a system or assistant message',
  persona: 'it tells the model who it is',
  markup: 'it holds chat-prompt markup',
};
/** What `check` says about answers.sqlite; `--repair` sets a damaged one aside and starts a new log. */
function answerLogFinding(finding: Finding): string {
  const repair = 'Answers are not recorded meanwhile; `--repair` sets it aside (kept beside it) and starts a new, empty log, or restore it from a backup.';
  switch (finding.kind) {
    case 'answers-unreadable':
      return `answers.sqlite, the answer log, cannot be read (${finding.message}). ${repair}`;
    case 'answers-integrity':
      return `answers.sqlite, the answer log, is damaged: SQLite's integrity check failed (${finding.details.slice(0, 3).join('; ')}). ${repair}`;
    case 'answers-schema':
      return `answers.sqlite is not an answer log this version can use (missing ${finding.missing.slice(0, 6).join(', ')}). ${repair}`;
    default:
      return finding.kind;
  }
}

const indexChecksumStates: Record<string, string> = {
  ok: 'matches the one recorded',
  previous: 'matches the previous save (a save was interrupted; the writes since are replayed on open)',
  unrecorded: 'not recorded yet (saved by an earlier version; recorded at the next save)',
  mismatch: 'does not match',
  unknown: 'cannot be checked',
};

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------- feeds

/** A feed subscription as messages name it. */
interface FeedName {
  id: number;
  url: string;
  title: string | null;
  collection: string;
}

/** “Harbour News” (https://…/rss.xml), or the address alone while the feed has no title. */
function feedLabel(feed: { url: string; title: string | null }): string {
  return feed.title ? `“${truncate(feed.title, 80)}” (${feed.url})` : feed.url;
}

/** “Headline”, or the item's address when it has no title. */
function itemLabel(item: { title?: string; link?: string; guid?: string }): string {
  return item.title ? `“${truncate(item.title, 80)}”` : (item.link ?? item.guid ?? 'an item');
}

function collectionWords(collection: string): string {
  return collection === 'shared' ? 'the newsroom-wide archive (shared)' : `collection ${collection}`;
}

function utcTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** What the feed reader says about a feed's document (parsed off the main thread). */
export const feedMessages = {
  notAFeed: (where: string) => `${where} is not a feed: it holds neither RSS, Atom nor JSON Feed`,
  htmlPage: (where: string, discovered: string | undefined) =>
    `${where} is a web page, not a feed (RSS, Atom or JSON Feed)` +
    (discovered ? `; the page names its feed at ${discovered}: follow that address instead` : '; give the address of the site’s RSS or Atom feed'),
  malformedXml: (where: string, line: number, detail: string) =>
    `${where} is not well-formed XML (line ${line}: ${truncate(detail, 120)}), so it cannot be read as a feed`,
  invalidJson: (where: string, detail: string) => `${where} is not valid JSON (${truncate(detail, 120)}), so it cannot be read as a JSON Feed`,
  notAJsonFeed: (where: string) => `${where} is JSON, but not a JSON Feed (it needs "version" and "items")`,
} as const;

/** The feed subscriptions and syncs, in the CLI, the console, the logs and Discord. */
export const feedText = {
  feedsWhat:
    'Say what to do with feeds: newsroom feeds add <url> [--collection ID] | list [--json] | remove <url|id> | sync [--json]',
  unknownAction: (action: string) => `Unknown feeds action "${action}": use add, list, remove or sync.`,
  addWhich: 'Give the address of the feed to follow: newsroom feeds add <url>',
  removeWhich: 'Name the feed to stop following, by its address or its number in `newsroom feeds list`: newsroom feeds remove <url|id>',
  optionNotFor: (option: string, action: string) => `${option} does not apply to newsroom feeds ${action}.`,
  alreadyFollowed: (feed: FeedName) =>
    `${feed.url} is already followed in ${collectionWords(feed.collection)}, as feed ${feed.id}${feed.title ? ` (“${truncate(feed.title, 80)}”)` : ''}. Nothing was added.`,
  added: (feed: FeedName, listed: number) =>
    `Following ${feedLabel(feed)} in ${collectionWords(feed.collection)} as feed ${feed.id}; it lists ${howMany(listed, 'story', 'stories')}.`,
  whenSynced: (pollSeconds: number | null) =>
    pollSeconds === null
      ? 'Its stories are added at the next `newsroom feeds sync`.'
      : `Its stories are added at the next sync (the bot checks every ${formatInterval(pollSeconds)}), or now with \`newsroom feeds sync\`.`,
  removed: (feed: FeedName, articles: number) =>
    `Stopped following ${feedLabel(feed)}. ` +
    (articles === 0
      ? 'It had brought in no articles.'
      : articles === 1
        ? 'The article it brought in stays in the archive; retract it with `newsroom forget <id>`.'
        : `The ${howMany(articles, 'article')} it brought in stay in the archive; retract one with \`newsroom forget <id>\`.`),
  notFound: (reference: string) => `No followed feed matches "${truncate(reference)}". List them with \`newsroom feeds list\`.`,
  ambiguous: (reference: string, feeds: readonly FeedName[]) =>
    `${reference} is followed in several collections; name the feed by its number:\n` +
    feeds.map((f) => `- ${f.id}: ${collectionWords(f.collection)}`).join('\n'),
  none: 'No feeds followed yet. Follow one with: npx newsroom feeds add <url>',
  neverSynced: 'not synced yet',
  lastSuccess: (at: string) => `last synced ${utcTime(at)}`,
  lastError: (at: string, message: string) => `last error ${utcTime(at)}: ${message}`,
  failingSince: (failures: number, nextAttempt: string | null) =>
    `${howMany(failures, 'failure')} in a row${nextAttempt ? `; next try after ${utcTime(nextAttempt)}` : ''}`,
  items: (n: number) => howMany(n, 'item'),
  alreadyRunning: (holder: { pid: number; host: string; since: string } | null) =>
    `A feed sync is already running (${describeWriter(holder)}), so this one did nothing.`,

  // A sync's report: one line per feed, its notices and failed items under it.
  synced: (feed: { url: string; title: string | null }, counts: string) => `✓ ${feedLabel(feed)}: ${counts}`,
  notModified: (feed: { url: string; title: string | null }) => `· ${feedLabel(feed)}: unchanged since the last sync`,
  failed: (feed: { url: string; title: string | null }, error: string, failures: number, nextAttempt: string | null) =>
    `✗ ${feedLabel(feed)}: ${error} — ${ordinal(failures)} failure in a row${nextAttempt ? `; next try after ${utcTime(nextAttempt)}` : ''}`,
  waiting: (feed: { url: string; title: string | null }, nextAttempt: string, failures: number, lastError: string | null) =>
    `✗ ${feedLabel(feed)}: not fetched; after ${howMany(failures, 'failure')} in a row it waits until ${utcTime(nextAttempt)}` +
    (lastError ? ` (last error: ${lastError})` : ''),
  counts: (c: { added: number; updated: number; unchanged: number; duplicates: number; failed: number; requests: number; bytes: number; seconds: number }) =>
    `added ${c.added} · updated ${c.updated} · unchanged ${c.unchanged} · failed ${c.failed} · ` +
    (c.duplicates > 0 ? `${howMany(c.duplicates, 'duplicate')} · ` : '') +
    `${howMany(c.requests, 'request')} · ${formatMegabytes(c.bytes)} · ${c.seconds.toFixed(1)} s`,
  summary: (s: { synced: number; failed: number; added: number; updated: number; requests: number; bytes: number; seconds: number }) =>
    `feeds: ${s.synced} synced · ${s.failed} failed · added ${s.added} · updated ${s.updated} · ` +
    `${howMany(s.requests, 'request')} · ${formatMegabytes(s.bytes)} · ${s.seconds.toFixed(1)} s`,
  noFeedsToSync: 'No feeds followed, so there is nothing to sync.',
  unexpected: (detail: string) => `the sync failed unexpectedly (${truncate(detail, 120)}); the error was logged`,
  moreItemProblems: (n: number) => `… and ${n} more`,

  // Notices and item failures (under their feed's line).
  capped: (listed: number, kept: number) =>
    `the feed lists ${listed.toLocaleString('en-US')} items; only the newest ${kept.toLocaleString('en-US')} were read`,
  noIdentity: (item: { title?: string }) =>
    `${item.title ? `“${truncate(item.title, 80)}”` : 'an item'} has neither a link nor a guid, so it cannot be told apart from the others; skipped`,
  sameArticleTwice: (item: { title?: string; link?: string; guid?: string }, articleId: string) =>
    `${itemLabel(item)} leads to the same article (${articleId}) as an item before it; skipped`,
  oddDate: (item: { title?: string; link?: string; guid?: string }, value: string, used: string, from: 'page' | 'first-seen') =>
    `${itemLabel(item)}: the feed’s date "${truncate(value, 40)}" is not a date; ` +
    (from === 'page' ? `used the page’s (${used.slice(0, 10)})` : `dated when first seen (${used.slice(0, 10)})`),
  missingDate: (item: { title?: string; link?: string; guid?: string }, used: string, from: 'page' | 'first-seen') =>
    `${itemLabel(item)}: no date in the feed; ` +
    (from === 'page' ? `used the page’s (${used.slice(0, 10)})` : `none on its page either, so dated when first seen (${used.slice(0, 10)})`),
  pageUnavailable: (item: { title?: string; link?: string; guid?: string }, reason: string, kept: boolean) =>
    `${itemLabel(item)}: ${reason}; ${kept ? 'the stored copy is kept' : 'skipped until it can be read'}`,
  itemFailed: (item: { title?: string; link?: string; guid?: string }, reason: string, kept: boolean) =>
    `${itemLabel(item)}: ${reason}${kept ? '; the stored copy is kept' : ''}`,
  noText: (item: { title?: string; link?: string; guid?: string }) => `${itemLabel(item)} carries no text and no link to its page; skipped`,
  itemWhere: (item: { title?: string; link?: string; guid?: string }) => (item.link ? item.link : itemLabel(item)),
  noTitleHint: 'the feed item has no title and neither has its page',
  unusableLink: (item: { title?: string; guid?: string }, link: string) =>
    `${itemLabel(item)}: its link "${truncate(link, 80)}" is not a web page address (http or https), and the feed does not carry the story itself; not stored`,
  // A pass's time budgets (src/feeds/budget.ts): pages not read are failed items, retried next pass.
  pageBudgetSpent: (url: string, ms: number) => `${url} was not read: this feed’s story pages had ${formatSeconds(ms)} in this sync, and the time ran out`,
  passBudgetSpent: (url: string, ms: number) => `${url} was not read: the sync had ${formatSeconds(ms)} for every feed, and the time ran out`,
  passOutOfTime: (ms: number) => `not synced: the sync’s ${formatSeconds(ms)} ran out before this feed’s turn; it goes first at the next sync`,
  partlySynced: (feed: { url: string; title: string | null }, counts: string) =>
    `! ${feedLabel(feed)}: ${counts}; the stories that failed are listed below and tried again at the next sync`,
  pagesRechecked: (feed: { url: string; title: string | null }, counts: string) =>
    `· ${feedLabel(feed)}: unchanged since the last sync; story pages due a check were asked again: ${counts}`,
  summaryPartly: (s: { synced: number; partial: number; failedItems: number; failed: number; added: number; updated: number; requests: number; bytes: number; seconds: number }) =>
    `feeds: ${s.synced} synced · ${s.partial} synced with ${howMany(s.failedItems, 'story', 'stories')} failed · ${s.failed} failed · added ${s.added} · updated ${s.updated} · ` +
    `${howMany(s.requests, 'request')} · ${formatMegabytes(s.bytes)} · ${s.seconds.toFixed(1)} s`,
} as const;

/** Discord's /feeds, in its own words (editors read these, not operators). */
export const feedDiscordText = {
  added: (title: string, listed: number, pollSeconds: number | null) =>
    `Following “${title}” (${howMany(listed, 'story', 'stories')} listed) for this server. ` +
    (pollSeconds === null ? 'Its stories are added at the next sync.' : `Its stories are added within ${formatInterval(pollSeconds)}.`),
  alreadyFollowed: (title: string) => `This server already follows “${title}”.`,
  removed: (title: string, articles: number) =>
    `Stopped following “${title}”.` +
    (articles === 0 ? '' : articles === 1 ? ' The article it brought in stays; retract it with /forget.' : ` The ${howMany(articles, 'article')} it brought in stay; retract one with /forget.`),
  notFound: 'This server follows no such feed. See /feeds list.',
  listTitle: (n: number) => `Feeds this server follows (${n})`,
  none: 'This server follows no feeds yet. Editors add one with /feeds add.',
  sharedNote: (n: number) => `The newsroom-wide archive also follows ${howMany(n, 'feed')}.`,
} as const;

function howMany(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

function formatInterval(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}

// ---------------------------------------------------------------- the answer log when it cannot record

/** The answer log (answers.sqlite) off or failing: to operators (logs, /readyz, check) and to readers (Discord). */
export const answerLogMessages = {
  problem: (problem: 'read_only' | 'damaged' | 'disk_full' | 'write_failed', detail: string): string => {
    switch (problem) {
      case 'read_only':
        return 'answers are not recorded: the library is read-only';
      case 'damaged':
        return `answers are not recorded: answers.sqlite is damaged (${detail}); \`newsroom check --repair\` sets it aside and starts a new log, then restart`;
      case 'disk_full':
        return 'answers are not recorded: the disk holding answers.sqlite is full; recording resumes by itself once space is freed';
      case 'write_failed':
        return `answers are not recorded: writing answers.sqlite failed (${detail}); each new answer tries again`;
    }
  },
  damagedLog: (file: string) =>
    `${file} is damaged: answers, votes and unanswered questions are not recorded until it is repaired ` +
    '(`newsroom check --repair` sets it aside and starts a new log; or restore it from a backup). Answering goes on.',
  readOnlyLog: 'answers.sqlite cannot be written (read-only library): answers, feedback and unanswered questions are not logged',
  writeFailed: (failure: 'disk_full' | 'write_failed' | 'damaged') =>
    failure === 'disk_full'
      ? 'the disk holding answers.sqlite is full: answers, votes and unanswered questions are not recorded until space is freed; answering goes on'
      : 'writing to answers.sqlite failed: answers go on unrecorded, and each new answer tries again',
  damagedRead:
    'The answer log (answers.sqlite) is damaged, so earlier answers, votes and unanswered questions cannot be read. ' +
    '`newsroom check --repair` sets it aside and starts a new log; or restore it from a backup.',
  /** Under an answer in Discord that could not be recorded. */
  answerNotRecorded: 'This answer was not recorded (the answer log cannot be written right now), so votes on it cannot be kept.',
  voteNotRecorded: 'Thanks — but your vote could not be kept: the answer log cannot be written right now.',
  /** The `answers` line of `newsroom check`. */
  checkRow: (bytes: number | null, integrity: 'ok' | 'damaged' | 'unreadable' | 'absent') =>
    integrity === 'absent'
      ? 'answers.sqlite: none yet (created when the bot or console first runs)'
      : `answers.sqlite${bytes === null ? '' : `, ${formatMegabytes(bytes)}`}: ${integrity === 'ok' ? 'SQLite integrity check passed' : integrity}`,
} as const;

// ---------------------------------------------------------------- restores that stopped part-way

/** A restore's journal as messages name it. */
interface RestoreNote {
  source: string;
  pid: number;
  startedAt: string;
}

function restoreLabel(r: RestoreNote): string {
  return `from ${r.source} (pid ${r.pid}, started ${utcTime(r.startedAt)})`;
}

/** Restores that have not finished (restore-journal.json in DATA_DIR) and folders left by them, to operators. */
export const restoreStateMessages = {
  pending: (dataDir: string, r: RestoreNote) =>
    `A restore into ${dataDir} ${restoreLabel(r)} has not finished, so the library cannot be opened now. ` +
    'If that restore is still running, wait for it; if it was stopped, `newsroom check --repair` (or the next restore) finishes it.',
  journalUnreadable: (dataDir: string, problem: string) =>
    `${dataDir}/restore-journal.json, which says what an interrupted restore moved where, cannot be read (${problem}). ` +
    "The previous library's files are in a .replaced-* folder in DATA_DIR and the backup's copy in a .restore-* folder: " +
    'move the files of the library you want back into DATA_DIR, then delete the journal and those folders (or restore the backup again).',
  finding: (f: RestoreFinding): string => {
    switch (f.kind) {
      case 'restore-running':
        return `A restore ${restoreLabel(f)} is moving files into place right now.`;
      case 'restore-interrupted': {
        const step = f.phase === 'set-aside' ? 'setting the previous library aside' : f.phase === 'move-in' ? "moving the backup's files in" : 'cleaning up';
        return (
          `A restore ${restoreLabel(f)} was stopped while ${step}` +
          (f.aside ? `; the previous library's files are in ${f.aside}` : '') +
          (f.whole
            ? '. `--repair` (or the next restore) finishes it; nothing was lost.'
            : '. Its copy of the backup is no longer whole, so `--repair` undoes it and puts the previous library back.')
        );
      }
      case 'restore-journal-unreadable':
        return restoreStateMessages.journalUnreadable('DATA_DIR', f.detail);
      case 'restore-leftover':
        return `${f.folder} is left from a restore that stopped before moving anything; nothing in it is used (removed by --repair).`;
      case 'restore-set-aside':
        return (
          `${f.folder} holds files an interrupted restore of an earlier version set aside (${f.files.slice(0, 6).join(', ')}). ` +
          (f.files.includes('library.sqlite') && !f.libraryInPlace
            ? 'DATA_DIR has no library: that was it. Move those files back into DATA_DIR.'
            : 'Delete the folder once it is not needed.')
        );
    }
  },
  recovered: (r: RestoreNote, outcome: 'finished' | 'undone') =>
    outcome === 'finished'
      ? `finished the restore ${restoreLabel(r)} that had been stopped part-way`
      : `undid the restore ${restoreLabel(r)} that had been stopped part-way (its copy of the backup was no longer whole) and put the previous library back`,
  leftoversRemoved: (n: number) => `removed ${n === 1 ? 'a folder' : `${n} folders`} left by restores that never moved anything`,
} as const;

// ---------------------------------------------------------------- permissions

/** Folders and files this user may not read: said so, not taken for missing, empty or read-only. */
export const accessMessages = {
  dataDirUnreadable: (dir: string, uid: number | null) =>
    `${dir} cannot be read by this user${uid === null ? '' : ` (uid ${uid})`}: permission denied. ` +
    'Run newsroom as the user the bot runs as (e.g. `sudo -u newsroom-bot …`), or give this user read and write access to the folder.',
} as const;

// ---------------------------------------------------------------- disk space

/** A backup that does not fit where it was asked to go. */
export const diskSpaceMessages = {
  backupWontFit: (target: string, free: number, needed: number) =>
    `There is not enough room for the backup in ${target}: ${formatMegabytes(free)} free, about ${formatMegabytes(needed)} needed ` +
    '(the size of the library). Nothing was written; free some space or back up to another disk.',
  backupDiskFull: (target: string, free: number | null) =>
    `The disk holding ${target} filled up during the backup${free === null ? '' : ` (${formatMegabytes(free)} free now)`}. ` +
    'What had been written was removed, so no partial backup is left; free some space or back up to another disk.',
} as const;

/** Bytes that are fine but could not become text. */
export const decodeMessages = {
  tooLongForText: (where: string, bytes: number) =>
    `${where} is too large to read as text (${formatMegabytes(bytes)}: longer than the longest string Node.js can hold, about 512 MB); ` +
    'split it into smaller files',
  decodeFailed: (where: string, reason: string) => `${where} could not be read as text (${reason})`,
} as const;

/** A library embedded with one precision of the model's weights (EMBEDDING_DTYPE) and used with another. */
export const embeddingDtypeMessages = {
  otherDtype: (model: string, stored: string, configured: string) =>
    `This library was embedded with ${model} in ${stored} weights, but EMBEDDING_DTYPE is ${configured}. ` +
    `Set EMBEDDING_DTYPE=${stored}, or run \`npx newsroom reindex\` to re-embed it in ${configured}.`,
  /** Why search is keyword-only, for /help, /readyz and the log. */
  dtypeProblem: (model: string, stored: string, configured: string) =>
    `the library was embedded with ${model} in ${stored} weights, but EMBEDDING_DTYPE is ${configured}; ` +
    `set EMBEDDING_DTYPE=${stored}, or run \`npx newsroom reindex\` to re-embed it in ${configured}`,
} as const;
