import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BENCH_DIR } from './results.ts';

/** Cold opens: each store is opened in a fresh Node process, so nothing is cached in memory. */

export type ColdOpenMode = 'library' | 'raw' | 'langchain';

export interface ColdOpenRequest {
  mode: ColdOpenMode;
  /** Library data dir, raw index file, or LangChain save directory. */
  target: string;
  query: number[];
  queryText: string;
}

export interface ColdOpenResult {
  openMs: number;
  firstQueryMs: number;
  /** First Retriever.search (library only). */
  firstHybridMs: number | null;
  results: number;
  rssBytes: number;
  /** From the child's start (Node + tsx + imports) to its answer. */
  sinceStartMs: number;
}

const run = promisify(execFile);

export async function coldOpen(request: ColdOpenRequest): Promise<ColdOpenResult> {
  const child = path.join(BENCH_DIR, 'cold-open-child.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, JSON.stringify(request)], {
    cwd: path.dirname(BENCH_DIR),
    maxBuffer: 1024 * 1024,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ColdOpenResult;
}
