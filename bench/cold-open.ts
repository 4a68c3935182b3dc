import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BENCH_DIR } from './results.ts';

/** Cold opens: each store is opened in a fresh Node process, so nothing is cached in memory. */

/** `library-background`: the vector index loads in the background while the first search is keyword-only (the bot and the console). */
export type ColdOpenMode = 'library' | 'library-background' | 'raw' | 'langchain';

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
  /** Library modes: from the child's start to its Library.open call (Node, tsx and the imports). */
  openCalledSinceStartMs?: number;
  /** Library modes: from the child's start to the first search's results, and that search's mode. */
  firstAnswerSinceStartMs?: number;
  firstAnswerMode?: 'hybrid' | 'keyword';
  /** library-background: from the child's start until the vector index is in (hybrid search from then on). */
  indexReadySinceStartMs?: number;
  /** library-background: the longest the main thread was busy at a stretch while the index loaded (event-loop delay). */
  maxStallMs?: number;
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
