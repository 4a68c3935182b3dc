import { env, LogLevel } from '@huggingface/transformers';
import type { ModelHub } from './hub.ts';

/**
 * Transformers.js keeps its settings (model folder, cache folder, downloads allowed, the hub and
 * the fetch that reaches it) in one global `env`, read while a model loads or downloads. Work
 * that sets and reads it runs here, one at a time, so each sees its own settings.
 */
let queue: Promise<unknown> = Promise.resolve();

export function exclusively<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

/** Load from files under `root` (`<root>/<owner>/<name>/…`) only: nothing is downloaded, no cache is consulted. */
export function readFromFolder(root: string): void {
  env.logLevel = LogLevel.ERROR;
  env.localModelPath = root;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.useFSCache = false;
}

/**
 * Download from `hub` into `cacheDir` (laid out as `<cacheDir>/<owner>/<name>/…`, the same as a
 * models folder), through the hub's fetch with its short timeouts.
 */
export function downloadFrom(hub: ModelHub, cacheDir: string): void {
  env.logLevel = LogLevel.ERROR;
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.useFSCache = true;
  env.cacheDir = cacheDir;
  env.remoteHost = `${hub.url}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.fetch = hub.fetch;
}
