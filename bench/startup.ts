import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../scripts/build.mjs';
import { BENCH_DIR, machineLine, writeResultsSection } from './results.ts';

/*
 * `npm run bench:startup`: the CPU time (user + system, from /usr/bin/time) of one `newsroom`
 * command, run as the compiled JavaScript in dist/ (`node bin/newsroom.js`) and, side by side, as
 * TypeScript through tsx (`node --import tsx src/cli.ts`, how it ran before `npm run build`).
 * Rounds alternate the two so a busy machine weighs on both alike; the median is reported.
 */

const ROOT = path.resolve(BENCH_DIR, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COMMANDS: { label: string; args: string[] }[] = [
  { label: '`help`', args: ['help'] },
  { label: '`search bridge`', args: ['search', 'bridge'] },
  { label: '`articles`', args: ['articles'] },
];
const RUNNERS = {
  compiled: ['bin/newsroom.js'],
  tsx: ['--import', 'tsx', 'src/cli.ts'],
};

/** CPU seconds of one run (its children included), or NaN when it failed. */
function cpuSeconds(nodeArgs: string[], env: NodeJS.ProcessEnv): number {
  const result = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, ...nodeArgs], { cwd: ROOT, env, encoding: 'utf8' });
  const match = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  if (result.status !== 0 || !match) {
    process.stderr.write(`failed: ${nodeArgs.join(' ')}\n${result.stderr}\n`);
    return Number.NaN;
  }
  return Number(match[1]) + Number(match[2]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

await build();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-startup-'));
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  MODELS_DIR: path.join(ROOT, 'test/fixtures/models'),
  EMBEDDING_MODEL: 'newsroom/tiny-bert',
  ARTICLES_DIR: '',
};
spawnSync(process.execPath, ['bin/newsroom.js', 'ingest', 'articles'], { cwd: ROOT, env, stdio: 'ignore' });
const loadBefore = os.loadavg()[0] ?? 0;
const rows: string[] = [];
for (const { label, args } of COMMANDS) {
  const times = { compiled: [] as number[], tsx: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    times.compiled.push(cpuSeconds([...RUNNERS.compiled, ...args], env));
    times.tsx.push(cpuSeconds([...RUNNERS.tsx, ...args], env));
  }
  const [compiled, tsx] = [median(times.compiled), median(times.tsx)];
  rows.push(`| ${label} | ${compiled.toFixed(2)} s | ${tsx.toFixed(2)} s | ${(tsx / compiled).toFixed(1)}× |`);
  process.stdout.write(`${rows.at(-1)}\n`);
}
fs.rmSync(dataDir, { recursive: true, force: true });
const loadAfter = os.loadavg()[0] ?? 0;

writeResultsSection(
  'startup',
  `## Start-up of a command (\`npm run bench:startup\`)

${machineLine()} · load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (on 2 cores: a busy machine)

CPU time (user + system) of one \`newsroom\` command, median of ${ROUNDS} runs each, the two ways run alternately:
compiled JavaScript (\`node bin/newsroom.js\`, which checks that \`dist/\` is current first) against TypeScript
through tsx (\`node --import tsx src/cli.ts\`, as \`npx newsroom\` ran before). \`help\` loads none of the application;
\`search\` and \`articles\` open the library over the sample articles with the tiny test model.

| command | compiled (dist/) | tsx (src/) | tsx costs |
| --- | --- | --- | --- |
${rows.join('\n')}`,
);
