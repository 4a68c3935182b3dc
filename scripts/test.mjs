// `npm test`: builds dist/ (once, before any test file starts), then runs the test files in two
// `node --test` runners at once: one for the few files that take longest from start to end, one
// after another, and one for the rest, two at a time. The long ones spend most of their time
// waiting (on timers, child processes, stand-in servers), which overlaps the others' work; in one
// runner they would start last (it sorts files by name) and leave the suite waiting on one file with
// the cores idle. The second runner's report is printed as it comes, the first's when it ends.
// Arguments (e.g. test files) run one runner over just those.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The files longest from start to end (`npm run bench:tests`, wall column): about 80 s one after another. */
const LONGEST = ['feeds', 'watch', 'read-only', 'archive-kill'].map((name) => path.join('test', `${name}.test.ts`));

function runner(args, concurrency, output) {
  const child = spawn(
    process.execPath,
    ['--import', './test/support/compiled.mjs', '--test', `--test-concurrency=${concurrency}`, '--test-force-exit', ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', output === 'live' ? 'inherit' : 'pipe', output === 'live' ? 'inherit' : 'pipe'],
      // A larger young generation: test files allocate a lot for a short life, and scavenging took
      // a tenth of their CPU (the suite: 226 → 213 s of CPU). Processes the tests spawn do not inherit it.
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=32`.trim() },
    },
  );
  let text = '';
  child.stdout?.on('data', (data) => (text += data));
  child.stderr?.on('data', (data) => (text += data));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ ok: code === 0 && !signal, text })));
}

process.stdout.write(`built ${await build()} files into dist/\n`);
const extra = process.argv.slice(2);
let results;
if (extra.length > 0) {
  results = [await runner(extra, 3, 'live')];
} else {
  const all = fs
    .readdirSync(path.join(ROOT, 'test'))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join('test', f));
  const long = LONGEST.filter((f) => all.includes(f));
  const longRun = runner(long, 1, 'buffered');
  const rest = await runner(
    all.filter((f) => !long.includes(f)),
    2,
    'live',
  );
  const longResult = await longRun;
  process.stdout.write(`\n# ${long.join(', ')} (run beside the others)\n${longResult.text}`);
  results = [rest, longResult];
}
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
