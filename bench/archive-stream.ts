// Part of `npm run bench:archive -- --stream`: a large JSON Lines export read record by record, its memory over time.
import fs from 'node:fs';
import path from 'node:path';
import { loadPaths } from '../src/articles/load.ts';
import { writeArchiveJsonl } from '../test/support/archive.ts';
import { OUT_DIR, progress } from './results.ts';
import { megabytes, table } from './stats.ts';

/** Reads a generated export of `records` through loadPaths (the parse workers included), sampling RSS every second. */
export async function streamMemory(records: number): Promise<string> {
  const dir = path.join(OUT_DIR, 'archive-stream');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'export.jsonl');
  const bytes = writeArchiveJsonl(file, records);
  progress(`generated ${megabytes(bytes)} of JSON Lines`);
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 1000);
  const started = performance.now();
  let ok = 0;
  try {
    for await (const result of loadPaths([file], { maxBytes: 10 * 1024 * 1024 })) if (result.ok) ok++;
  } finally {
    clearInterval(sampler);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const tenth = Math.max(1, Math.floor(rss.length / 10));
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return [
    `### A ${megabytes(bytes)} JSON Lines export read record by record`,
    '',
    `${records.toLocaleString('en-US')} records (${ok.toLocaleString('en-US')} read) in ${seconds.toFixed(0)} s (${(ok / seconds).toFixed(0)} records/s, parsing in the worker threads);`,
    "the file is 3× MAX_FILE_MB's default or more, which the whole-file reader refused. RSS of the process, sampled every second:",
    '',
    table(
      ['samples', 'min', 'max', 'first tenth (mean)', 'last tenth (mean)'],
      [
        [
          String(rss.length),
          megabytes(Math.min(...rss)),
          megabytes(Math.max(...rss)),
          megabytes(avg(rss.slice(0, tenth))),
          megabytes(avg(rss.slice(-tenth))),
        ],
      ],
    ),
  ].join('\n');
}
