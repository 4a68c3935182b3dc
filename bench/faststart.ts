/**
 * `npm run bench:faststart`: process start → first answer, before and after the vector index
 * loads in the background. A library of N chunks (default 100,000; `--chunks=N`) is built once in
 * bench/out (`--reuse` keeps the one there), then opened in fresh processes, alternately:
 *
 * - `now` (before, still how the CLI opens): Library.open reads and checks the index, then the
 *   first search is hybrid;
 * - `background` (the bot and the console): Library.open returns at once, the first search is
 *   keyword-only with the loading warning, and the index comes in off the main thread.
 *
 * Times run from the child's own start (Node and tsx included, the same for both).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coldOpen, type ColdOpenMode, type ColdOpenResult } from './cold-open.ts';
import { buildLibrary, makeCorpus, queryText } from './corpus.ts';
import { diskBytes, machineLine, OUT_DIR, progress, writeResultsSection } from './results.ts';
import { megabytes, ms, seconds } from './stats.ts';
import { vectorAt } from './vectors.ts';

const args = process.argv.slice(2);
const CHUNKS = Number(args.find((a) => a.startsWith('--chunks='))?.slice('--chunks='.length) ?? 100_000);
const ROUNDS = Number(args.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3);
const REUSE = args.includes('--reuse');
const DATA_DIR = path.join(OUT_DIR, `faststart-data-${CHUNKS}`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const corpus = makeCorpus(CHUNKS, 1);
if (!REUSE || !fs.existsSync(DATA_DIR)) {
  progress(`building a library of ${CHUNKS.toLocaleString('en')} chunks in ${DATA_DIR}`);
  const { library, ms: buildMs } = await buildLibrary(DATA_DIR, corpus);
  library.close();
  progress(`built in ${seconds(buildMs)}`);
}

const request = { target: DATA_DIR, query: Array.from(vectorAt(corpus.queries, 0)), queryText: queryText(corpus, 0) };
const runs: Record<'now' | 'background', ColdOpenResult[]> = { now: [], background: [] };
const MODES: Record<keyof typeof runs, ColdOpenMode> = { now: 'library', background: 'library-background' };
const loads: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const key of ['now', 'background'] as const) {
    loads.push(os.loadavg()[0] ?? 0);
    const result = await coldOpen({ mode: MODES[key], ...request });
    progress(
      `round ${round + 1} ${key}: first answer ${ms(result.firstAnswerSinceStartMs ?? Number.NaN)} ms since start (${result.firstAnswerMode})`,
    );
    runs[key].push(result);
  }
}

const med = (key: keyof typeof runs, pick: (r: ColdOpenResult) => number | undefined): string =>
  ms(median(runs[key].map((r) => pick(r) ?? Number.NaN)));
const NOTES = `What is left before the first answer in the background column is the catalog and the search
filters (chunk → article keys, read from the index on article_key), and the first keyword search.
The index is checked in a worker thread (here started through tsx, which compiles it first; the
bot runs compiled JavaScript) and read by hnswlib on a libuv thread: on 2 busy cores they compete
with the first search for CPU, so the gain shrinks as the load grows.`;

/** Median of a moment measured from the Library.open call rather than the process's start. */
const sinceOpen = (key: keyof typeof runs, pick: (r: ColdOpenResult) => number | undefined): string =>
  med(key, (r) => (pick(r) ?? Number.NaN) - (r.openCalledSinceStartMs ?? Number.NaN));
const markdown = `## Process start → first answer at ${CHUNKS.toLocaleString('en')} chunks (\`npm run bench:faststart${CHUNKS === 100_000 ? '' : ` -- --chunks=${CHUNKS}`}\`)

${machineLine()} · load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${os.availableParallelism()} CPUs during the runs (busy: compare the rows with each other only)

Library of ${CHUNKS.toLocaleString('en')} chunks (384-d, M ${16}), ${megabytes(diskBytes(DATA_DIR))} on disk; each open in a fresh Node process (tsx), the two ways alternating, median of ${ROUNDS}. Milliseconds from the process's start.

| | index read before the first answer (before; the CLI) | index read in the background (the bot, the console) |
| --- | --- | --- |
| Library.open returns | ${med('now', (r) => r.openMs)} ms | ${med('background', (r) => r.openMs)} ms |
| Library.open called → first answer | ${sinceOpen('now', (r) => r.firstAnswerSinceStartMs)} ms (hybrid) | ${sinceOpen('background', (r) => r.firstAnswerSinceStartMs)} ms (keyword-only, "semantic search is loading") |
| Library.open called → hybrid search | same | ${sinceOpen('background', (r) => r.indexReadySinceStartMs)} ms |
| process start → first answer (Node, tsx compiling the code, imports: ${med('now', (r) => r.openCalledSinceStartMs)} / ${med('background', (r) => r.openCalledSinceStartMs)} ms) | ${med('now', (r) => r.firstAnswerSinceStartMs)} ms | ${med('background', (r) => r.firstAnswerSinceStartMs)} ms |
| longest main-thread stall while the index loads | the whole load | ${med('background', (r) => r.maxStallMs)} ms |
| resident memory at the end | ${megabytes(median(runs.now.map((r) => r.rssBytes)))} | ${megabytes(median(runs.background.map((r) => r.rssBytes)))} |

${NOTES}
`;
process.stdout.write(`${markdown}\n`);
writeResultsSection(`faststart-${CHUNKS}`, markdown);
