import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToMainThread } from '../../threads/thread-priority.ts';
import { IndexFileDamage, inspectIndexFile } from './index-file.ts';

/** Inspects one index file off the main thread (index-loader.ts) and posts what it found. */
yieldCpuToMainThread();
const { file, dimensions } = workerData as { file: string; dimensions: number };
try {
  const report = inspectIndexFile(file, dimensions);
  parentPort?.postMessage({ report });
} catch (error) {
  const damage = error instanceof IndexFileDamage;
  parentPort?.postMessage({ error: { damage, message: (error as Error).message, code: (error as NodeJS.ErrnoException).code } });
}
