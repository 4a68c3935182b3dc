import { Worker, type WorkerOptions } from 'node:worker_threads';

/*
 * Worker threads run JavaScript: in production the compiled file beside the caller in dist/.
 * In development the caller itself is TypeScript run by tsx, whose module hooks Node does not
 * apply to a worker's first file (privatenumber/tsx#354), so the worker starts from a small
 * JavaScript entry (tsx-entry.mjs) that loads the TypeScript file through tsx.
 */

const DEV_ENTRY = new URL('./tsx-entry.mjs', import.meta.url);

/** True when `moduleUrl` (a caller's import.meta.url) is TypeScript run through tsx. */
function isTypeScript(moduleUrl: string): boolean {
  return new URL(moduleUrl).pathname.endsWith('.ts');
}

/**
 * Starts the worker module `name` (a path without extension, relative to `moduleUrl`, e.g.
 * `./parse-worker`), compiled or TypeScript like the caller.
 */
export function spawnWorker(name: string, moduleUrl: string, options: WorkerOptions = {}): Worker {
  if (!isTypeScript(moduleUrl)) return new Worker(new URL(`${name}.js`, moduleUrl), options);
  const target = new URL(`${name}.ts`, moduleUrl).href;
  const argv: unknown[] = options.argv ?? [];
  return new Worker(DEV_ENTRY, { ...options, argv: [target, ...argv] });
}

/**
 * How long a worker may take to load its modules before its first task: compiled JavaScript loads
 * in under a second on a quiet machine (20 s leaves room for one shared with many busy processes);
 * through tsx the modules are compiled on first use.
 */
export function workerStartupLimitMs(moduleUrl: string): number {
  return isTypeScript(moduleUrl) ? 60_000 : 20_000;
}
