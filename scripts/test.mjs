// `npm test`: builds dist/ (once, before any test file starts), then runs the test files three at
// a time, those that take longest from start to end first: most of their time is spent waiting
// (on timers, child processes, stand-in servers), which overlaps the others' work, where started
// last they would leave the suite waiting on one file with the cores idle. Extra arguments are
// passed to `node --test` (e.g. test files to run only those).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONCURRENCY = 3;
/** The longest files from start to end (`npm run bench:tests`, wall column), longest first. */
const LONGEST = [
  'feeds',
  'watch',
  'read-only',
  'archive-kill',
  'discord',
  'cli',
  'feeds-reliability',
  'answering',
  'parse-worker',
  'discord-output',
  'live-archive',
  'embeddings-server-app',
];

function testFiles() {
  const all = fs
    .readdirSync(path.join(ROOT, 'test'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
  const first = LONGEST.map((name) => `${name}.test.ts`).filter((f) => all.includes(f));
  return [...first, ...all.filter((f) => !first.includes(f))].map((f) => path.join('test', f));
}

process.stdout.write(`built ${await build()} files into dist/\n`);
const extra = process.argv.slice(2);
const files = extra.some((a) => a.endsWith('.ts')) ? [] : testFiles();
const child = spawn(
  process.execPath,
  ['--import', './test/support/compiled.mjs', '--test', `--test-concurrency=${CONCURRENCY}`, '--test-force-exit', ...extra, ...files],
  { cwd: ROOT, stdio: 'inherit' },
);
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
