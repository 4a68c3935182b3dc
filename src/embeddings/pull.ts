import fs from 'node:fs';
import path from 'node:path';
import { ModelFileNotFoundError } from '@huggingface/transformers';
import { errorMessage, UserError } from '../errors.ts';
import { isProcessAlive } from '../process-alive.ts';
import { fsyncPath } from '../store/atomic-file.ts';
import { silentLogger, type Logger } from '../log.ts';
import { modelMessages } from '../messages/models.ts';
import { measureDimensions, openExtractor, tokenizerLimit } from './extractor.ts';
import type { ModelHub } from './hub.ts';
import { folderBytes, missingModelFiles, modelFiles, modelFolder, type EmbeddingDtype } from './model-files.ts';
import { findModelSpec, listModelSpecs, type EmbeddingModelSpec } from './models.ts';
import { downloadFrom, exclusively } from './transformers-env.ts';

export interface PullOptions {
  modelId: string;
  /** The models folder it goes into: MODELS_DIR, or the download cache under DATA_DIR. */
  root: string;
  dtype: EmbeddingDtype;
  hub: ModelHub;
  /** Bytes downloaded so far, of `total` known so far (it grows as each file starts). */
  onProgress?: (loaded: number, total: number) => void;
  logger?: Logger;
}

export interface PullResult {
  modelId: string;
  /** The model's folder. */
  path: string;
  bytes: number;
  /** False when every file was already there: nothing was downloaded. */
  downloaded: boolean;
  seconds: number;
}

/** A download that did not complete; nothing of it was kept. The message says why and what to do. */
export class ModelPullError extends UserError {
  readonly modelId: string;
  /** Why, as a phrase: "the download was interrupted (terminated: other side closed)". */
  readonly reason: string;
  /** Trying again may help (the transfer broke), as opposed to a missing model or an unreachable hub. */
  readonly retry: boolean;

  constructor(modelId: string, reason: string, retry = false, options?: { cause: unknown }) {
    super(modelMessages.pullFailed(modelId, reason, retry), options);
    this.modelId = modelId;
    this.reason = reason;
    this.retry = retry;
  }
}

/** Downloads in progress (or abandoned by a process that died) are folders named so in the models folder. */
const PULL_PREFIX = '.pull-';

/**
 * Downloads a registry model's files from the hub into `root/<owner>/<name>`, all or nothing:
 * Transformers.js fetches them (through the hub's fetch, into a temporary folder beside the
 * target), the model is loaded from there and must produce vectors of the registry's size, the
 * files are flushed to disk, and only then renamed into place. An interrupted download leaves
 * only a `.pull-*` folder, which no loader reads and the next pull removes.
 * An unknown id is a UserError listing the known ones.
 */
export function pullModel(options: PullOptions): Promise<PullResult> {
  const spec = findModelSpec(options.modelId);
  if (!spec)
    throw new UserError(
      modelMessages.unknownModel(
        options.modelId,
        listModelSpecs().map((m) => m.id),
      ),
    );
  return exclusively(() => downloadModel(spec, options));
}

/**
 * pullModel's work, for callers that already hold Transformers.js's settings (the loader
 * downloading a missing model): must run inside `exclusively`.
 */
export async function downloadModel(spec: EmbeddingModelSpec, options: PullOptions): Promise<PullResult> {
  const started = performance.now();
  const startedAt = Date.now();
  const { root, dtype, hub } = options;
  const logger = options.logger ?? silentLogger;
  const target = modelFolder(root, spec.id);
  const result = (downloaded: boolean): PullResult => ({
    modelId: spec.id,
    path: target,
    bytes: folderBytes(target),
    downloaded,
    seconds: (performance.now() - started) / 1000,
  });
  if (missingModelFiles(root, spec.id, dtype).length === 0) return result(false);

  try {
    fs.mkdirSync(root, { recursive: true });
  } catch (error) {
    throw new ModelPullError(spec.id, modelMessages.reasonFolderNotWritable(root, errorMessage(error)), false, { cause: error });
  }
  removeAbandonedPulls(root, logger);
  const temp = fs.mkdtempSync(path.join(root, `${PULL_PREFIX}${process.pid}-`));
  try {
    await downloadInto(temp, spec, options);
    install(temp, root, spec.id, dtype);
  } catch (error) {
    const failure = explainPullFailure(error, spec.id, hub, startedAt);
    logger.info({ err: error, modelId: spec.id, hub: hub.url }, 'model download failed; nothing was kept');
    throw failure;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  const pulled = result(true);
  logger.info(
    { modelId: spec.id, dtype, bytes: pulled.bytes, seconds: Number(pulled.seconds.toFixed(1)), path: target },
    'embedding model downloaded',
  );
  return pulled;
}

async function downloadInto(temp: string, spec: EmbeddingModelSpec, options: PullOptions): Promise<void> {
  downloadFrom(options.hub, temp);
  const extractor = await openExtractor(spec.id, options.dtype, {
    localOnly: false,
    cacheDir: temp,
    onProgress: (info) => {
      if (info.status === 'progress_total') options.onProgress?.(info.loaded, info.total);
    },
  });
  try {
    // Verify: the files load, and the model is the one the registry describes.
    const dimensions = await measureDimensions(extractor, Math.min(spec.maxTokens, tokenizerLimit(extractor)));
    if (dimensions !== spec.dimensions) throw new ModelPullError(spec.id, modelMessages.reasonWrongModel(dimensions, spec.dimensions));
  } finally {
    await extractor.dispose();
  }
  const missing = missingModelFiles(temp, spec.id, options.dtype);
  if (missing.length > 0) throw new ModelPullError(spec.id, modelMessages.reasonIncomplete(missing), true);
  for (const file of modelFiles(options.dtype)) fsyncPath(path.join(modelFolder(temp, spec.id), file));
}

/**
 * Moves the downloaded model into place. A folder that is not there yet arrives in one rename;
 * into an existing folder (an older, incomplete download, or the other dtype's weights) each
 * file is renamed in, the weights last, so the set is never complete before it is whole.
 */
function install(temp: string, root: string, modelId: string, dtype: EmbeddingDtype): void {
  const downloaded = modelFolder(temp, modelId);
  const target = modelFolder(root, modelId);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (!fs.existsSync(target)) {
    fs.renameSync(downloaded, target);
  } else if (missingModelFiles(root, modelId, dtype).length > 0) {
    for (const file of modelFiles(dtype)) {
      fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
      fs.renameSync(path.join(downloaded, file), path.join(target, file));
    }
  }
  // Else another process completed the same download meanwhile: its files stay.
  fsyncPath(path.dirname(target));
  fsyncPath(target);
}

/** Removes `.pull-<pid>-*` folders whose process is gone (killed mid-download). */
function removeAbandonedPulls(root: string, logger: Logger): void {
  for (const name of fs.readdirSync(root)) {
    const pid = Number(/^\.pull-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessAlive(pid)) continue;
    fs.rmSync(path.join(root, name), { recursive: true, force: true });
    logger.info({ folder: path.join(root, name) }, 'removed an interrupted model download');
  }
}

function explainPullFailure(error: unknown, modelId: string, hub: ModelHub, startedAt: number): ModelPullError {
  if (error instanceof ModelPullError) return error;
  const failure = hub.unreachable;
  if (failure && failure.at.getTime() >= startedAt) {
    return new ModelPullError(modelId, modelMessages.reasonHubUnreachable(hub.url, failure.reason), false, { cause: error });
  }
  if (error instanceof ModelFileNotFoundError) {
    return new ModelPullError(modelId, modelMessages.reasonNotOnHub(hub.url, firstLine(errorMessage(error)).replace(/\.$/, '')), false, {
      cause: error,
    });
  }
  return new ModelPullError(modelId, modelMessages.reasonInterrupted(describeCause(error)), true, { cause: error });
}

function describeCause(error: unknown): string {
  const message = firstLine(errorMessage(error));
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error && cause.message !== message ? `${message}: ${firstLine(cause.message)}` : message;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
