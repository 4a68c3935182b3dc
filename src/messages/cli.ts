import { formatMegabytes } from './format.ts';

/** What `newsroom` says about how it was called, and the lines of its commands. */
export const cliText = {
  title: "newsroom — question answering over a newsroom's stored articles",
  overviewUsage: 'newsroom <command> [options]',
  runInsideProject: 'Run it inside the project folder: `npx newsroom <command>`, or `npm run newsroom -- <command>`.',
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
