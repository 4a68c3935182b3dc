// `npm run bench:tests -- [--before REF] test/a.test.ts …`: the CPU and wall time of test files, each run
// alone as `npm test` runs it (compiled code, no other file beside it). With --before, each
// file's version at the git commit REF runs first, right before today's, so both see the same load.
// CPU is user + system of the whole process tree (child processes included), read with bash's `times`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machineLine, progress, writeResultsSection } from './results.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Timing {
  cpuS: number;
  wallS: number;
  passed: boolean;
}

/** Runs one test file as npm test does; CPU from bash's `times` (its children's user and system time). */
function timeFile(file: string): Timing {
  const command = `node --import ./test/support/compiled.mjs --test --test-force-exit ${JSON.stringify(file)} >/dev/null 2>&1; status=$?; times; exit $status`;
  const started = performance.now();
  const result = spawnSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8' });
  const wallS = (performance.now() - started) / 1000;
  // `times` prints the shell's user/sys line, then its children's: "0m1.234s 0m0.567s".
  const children = result.stdout.trim().split('\n').at(-1) ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { cpuS: seconds.reduce((a, b) => a + b, 0), wallS, passed: result.status === 0 };
}

/** Today's file and, with a ref, its older version written beside it (so its relative imports resolve). */
function timeWithBefore(file: string, ref: string | undefined): { before?: Timing; after: Timing } {
  if (!ref) return { after: timeFile(file) };
  const old = path.join(path.dirname(file), `zz-before-${path.basename(file)}`);
  const shown = spawnSync('git', ['show', `${ref}:${file}`], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (shown.status !== 0) throw new Error(`${file} at ${ref}: ${shown.stderr.trim()}`);
  fs.writeFileSync(path.join(ROOT, old), shown.stdout);
  try {
    return { before: timeFile(old), after: timeFile(file) };
  } finally {
    fs.rmSync(path.join(ROOT, old), { force: true });
  }
}

const cell = (t: Timing | undefined) => (t ? `${t.cpuS.toFixed(1)} s · ${t.wallS.toFixed(1)} s${t.passed ? '' : ' (failed)'}` : '–');

const args = process.argv.slice(2);
const refAt = args.indexOf('--before');
const ref = refAt >= 0 ? args[refAt + 1] : undefined;
const files = args.filter((_, i) => i !== refAt && i !== refAt + 1);
if (files.length === 0) throw new Error('usage: npm run bench:tests -- [--before REF] test/a.test.ts …');

spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
const rows: string[] = [];
const loads: number[] = [];
for (const file of files) {
  progress(`${file}${ref ? ` (and at ${ref})` : ''}`);
  loads.push(os.loadavg()[0] ?? 0);
  const { before, after } = timeWithBefore(file, ref);
  rows.push(`| ${file} | ${cell(before)} | ${cell(after)} |`);
}
const load = `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
const markdown = `## Test files (\`npm run bench:tests\`)

${machineLine()} · load average ${load} (1 min) while it ran

Each file alone, as \`npm test\` runs it; CPU is user + system time of the test process and its
children. ${ref ? `"Before" is the file at \`${ref}\`, run right before today's.` : ''}

| file | before: CPU · wall | now: CPU · wall |
| --- | --- | --- |
${rows.join('\n')}
`;
process.stdout.write(markdown);
writeResultsSection('tests', markdown);
