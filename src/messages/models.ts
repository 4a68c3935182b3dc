import { formatSeconds } from './format.ts';

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
