/**
 * `npm run bench:backup`: what `newsroom backup` and `newsroom restore` cost on a 100,000-chunk
 * library (time, size, with and without an ingest running beside the backup), and how long a CLI
 * call takes when the embedding model is missing and the model hub cannot be reached, before
 * this version (Node's fetch: 10 s to connect) and now (3 s, once per run).
 * Results go to the "backup" section of bench/RESULTS.md.
 *
 * Options: --chunks=N (default 100000), --runs=N (timed runs per row, default 3),
 * --before=<commit> (the code measured as "before"; default the commit this change started from),
 * --only=backup|hub.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { backupLibrary } from '../src/store/maintenance/backup.ts';
import { restoreLibrary } from '../src/store/maintenance/restore.ts';
import { buildLibrary, CHUNKS_PER_ARTICLE, HNSW, makeCorpus } from './corpus.ts';
import { BENCH_DIR, diskBytes, machineLine, OUT_DIR, progress, writeResultsSection } from './results.ts';
import { megabytes, seconds, table } from './stats.ts';

const ROOT = path.dirname(BENCH_DIR);
const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const CHUNKS = Number(option('chunks') ?? 100_000);
const RUNS = Number(option('runs') ?? 3);
/** The last commit before backups and the model hub changes: the "before" of the hub rows. */
const BEFORE = option('before') ?? '06cae8e';
const ONLY = option('only');
const WORK = path.join(OUT_DIR, 'backup');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function fresh(name: string): string {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}

function fileRows(dir: string): string[][] {
  return fs
    .readdirSync(dir)
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .sort()
    .map((name) => [`\`${name}\``, sizeText(fs.statSync(path.join(dir, name)).size)]);
}

function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : megabytes(bytes);
}

// ---------------------------------------------------------------- backup and restore

async function backupRows(): Promise<string> {
  const dataDir = path.join(WORK, 'library');
  progress(`building a ${CHUNKS.toLocaleString('en-US')}-chunk library (about ${Math.round(CHUNKS / 1000)} s of HNSW inserts)`);
  const { library, ms: buildMs } = await buildLibrary(dataDir, makeCorpus(CHUNKS, 0), (done, total) => {
    if (done % 500 === 0) progress(`  ${done}/${total} articles`);
  });
  library.close();
  const libraryBytes = diskBytes(dataDir);
  progress(`built in ${seconds(buildMs)}: ${megabytes(libraryBytes)}`);

  const backupMs: number[] = [];
  let backupDir = '';
  for (let run = 0; run < RUNS; run++) {
    backupDir = fresh(`backup-${run}`);
    const started = performance.now();
    await backupLibrary({ dataDir, target: backupDir, hnsw: HNSW });
    backupMs.push(performance.now() - started);
    progress(`backup ${run + 1}: ${seconds(backupMs.at(-1) as number)}`);
    if (run < RUNS - 1) fs.rmSync(backupDir, { recursive: true, force: true });
  }
  const backupBytes = diskBytes(backupDir);

  const restoreMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const target = fresh(`restored-${run}`);
    const started = performance.now();
    const { report } = await restoreLibrary({ source: backupDir, dataDir: target, force: false, lockWaitMs: 0 });
    restoreMs.push(performance.now() - started);
    if (!report.healthy) throw new Error(`restore ${run + 1} is not healthy: ${JSON.stringify(report.findings)}`);
    progress(`restore ${run + 1}: ${seconds(restoreMs.at(-1) as number)}`);
    if (run < RUNS - 1) fs.rmSync(target, { recursive: true, force: true });
  }
  const forceStarted = performance.now();
  await restoreLibrary({ source: backupDir, dataDir: path.join(WORK, `restored-${RUNS - 1}`), force: true, lockWaitMs: 0 });
  const forceMs = performance.now() - forceStarted;
  progress(`restore --force over that library: ${seconds(forceMs)}`);

  const cliDir = fresh('backup-cli');
  const cliStarted = performance.now();
  const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin/newsroom.js'), 'backup', cliDir], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  const cliMs = performance.now() - cliStarted;
  if (cli.status !== 0) throw new Error(`newsroom backup failed: ${cli.stderr}`);
  fs.rmSync(cliDir, { recursive: true, force: true });
  progress(`newsroom backup (CLI): ${seconds(cliMs)}`);

  const during = await backupDuringIngest(dataDir);
  const sizes = fileRows(backupDir);
  fs.rmSync(path.join(WORK, `restored-${RUNS - 1}`), { recursive: true, force: true });
  fs.rmSync(backupDir, { recursive: true, force: true });

  const articles = Math.ceil(CHUNKS / CHUNKS_PER_ARTICLE);
  return `### Backup and restore at ${CHUNKS.toLocaleString('en-US')} chunks

${articles.toLocaleString('en-US')} synthetic articles of ${CHUNKS_PER_ARTICLE} chunks with 384-dimension vectors (bench/corpus.ts),
HNSW M 16; the library takes ${megabytes(libraryBytes)} on disk. Median of ${RUNS} runs of the library functions
(\`backupLibrary\`, \`restoreLibrary\`); the CLI row is one \`node bin/newsroom.js backup\` call, start-up included.

| operation | time |
| --- | --- |
| backup (copy, bring the index to the copied generation, check, SHA-256 of every file) | ${seconds(median(backupMs))} |
| \`newsroom backup\` from the command line | ${seconds(cliMs)} |
| backup while another process ingests (one long write holding the lock) | ${seconds(during.ms)} |
| restore into an empty DATA_DIR (verify SHA-256, copy, check, move into place, check) | ${seconds(median(restoreMs))} |
| restore --force over an existing library | ${seconds(forceMs)} |

The backup is ${megabytes(backupBytes)}, ${((backupBytes / libraryBytes) * 100).toFixed(0)} % of the library's files (each
database is written as one file without its WAL; the index is the live file's size):

${table(['file', 'size'], sizes)}

Backup during an ingest: the ingest committed ${during.before.toLocaleString('en-US')} articles before the backup started and
${during.after.toLocaleString('en-US')} by the time it finished (it never waited); the backup holds generation
${during.generation.toLocaleString('en-US')} (${during.articles.toLocaleString('en-US')} articles), its index as of that same
generation, and restored healthy (\`check\`: ${during.healthy ? 'healthy, nothing behind' : 'NOT healthy'}). It takes longer than an idle
backup because the ingest's writes since the live index was last saved (a long ingest saves it every 20,000 points) are
replayed into the copy's index, and because the two processes share the CPUs.`;
}

interface DuringIngest {
  ms: number;
  before: number;
  after: number;
  generation: number;
  articles: number;
  healthy: boolean;
}

async function backupDuringIngest(dataDir: string): Promise<DuringIngest> {
  const writer: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(BENCH_DIR, 'backup-writer.ts'), dataDir, '100000'],
    {
      cwd: ROOT,
      stdio: 'pipe',
    },
  );
  const commits: { n: number; at: number }[] = [];
  writer.stdout.on('data', (data: Buffer) => {
    for (const match of data.toString().matchAll(/committed (\d+) (\d+)/g)) commits.push({ n: Number(match[1]), at: Number(match[2]) });
  });
  const exited = new Promise((resolve) => writer.on('exit', resolve));
  // The backup blocks this process's event loop while it copies: commits are counted by their time.
  const committedBy = (time: number) => Math.max(0, ...commits.filter((c) => c.at <= time).map((c) => c.n));
  try {
    while ((commits.at(-1)?.n ?? 0) < 50) await new Promise((resolve) => setTimeout(resolve, 100));
    const target = fresh('backup-during');
    const startedAt = Date.now();
    const started = performance.now();
    const { manifest } = await backupLibrary({ dataDir, target, hnsw: HNSW });
    const ms = performance.now() - started;
    const endedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = committedBy(startedAt);
    const after = committedBy(endedAt);
    progress(`backup during an ingest: ${seconds(ms)} (${before} → ${after} articles committed meanwhile)`);
    const restored = fresh('restored-during');
    const { report } = await restoreLibrary({ source: target, dataDir: restored, force: false, lockWaitMs: 0 });
    fs.rmSync(restored, { recursive: true, force: true });
    fs.rmSync(target, { recursive: true, force: true });
    const healthy = report.healthy && report.index.writesBehind === 0 && report.generation === manifest.generation;
    return { ms, before, after, generation: manifest.generation, articles: manifest.counts.articles, healthy };
  } finally {
    writer.stdin.end();
    await exited;
  }
}

// ---------------------------------------------------------------- a CLI call with the hub out of reach

interface Variant {
  /** Folder holding the code (this tree, or the "before" commit). */
  root: string;
  extraArgs: string[];
  env: Record<string, string>;
}

function timeSearch(variant: Variant): number[] {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const dataDir = fresh('cli-data');
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', ...variant.extraArgs, path.join(variant.root, 'src/cli.ts'), 'search', 'x'],
      {
        cwd: variant.root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, ARTICLES_DIR: '', ...variant.env },
      },
    );
    times.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`search failed: ${result.stderr}`);
  }
  return times;
}

/** The "before" code: a checkout of BEFORE sharing this tree's node_modules. */
function beforeTree(): string {
  const dir = fresh('before');
  fs.mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['archive', BEFORE], { cwd: ROOT, maxBuffer: 512 * 1024 * 1024 });
  if (archive.status !== 0) throw new Error(`git archive ${BEFORE} failed: ${archive.stderr.toString()}`);
  const tar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

async function hubRows(): Promise<string> {
  const before = beforeTree();
  // The old code has no HF_ENDPOINT; this points Transformers.js's own setting at the stand-in.
  const preload = path.join(WORK, 'hub-preload.mjs');
  fs.writeFileSync(preload, "import { env } from '@huggingface/transformers';\nenv.remoteHost = `${process.env.BENCH_HUB_URL}/`;\n");
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(WORK, 'node_modules'));

  const holder = spawn('python3', [path.join(ROOT, 'test/support/full-backlog.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) =>
    holder.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim()))),
  );
  const dropped = `http://127.0.0.1:${port}`;
  try {
    const cases: [string, Variant, Variant][] = [
      [
        'this machine: huggingface.co does not resolve (no DNS)',
        { root: before, extraArgs: [], env: {} },
        { root: ROOT, extraArgs: [], env: {} },
      ],
      [
        'a hub whose packets are dropped (firewall; a listener with a full queue on 127.0.0.1)',
        { root: before, extraArgs: ['--import', pathToFileURL(preload).href], env: { BENCH_HUB_URL: dropped } },
        { root: ROOT, extraArgs: [], env: { HF_ENDPOINT: dropped } },
      ],
    ];
    const floor = median(
      timeSearch({
        root: ROOT,
        extraArgs: [],
        env: { MODELS_DIR: path.join(ROOT, 'test/fixtures/models'), EMBEDDING_MODEL: 'newsroom/tiny-bert' },
      }),
    );
    progress(`model present (floor): ${seconds(floor)}`);
    const rows: string[][] = [];
    for (const [name, old, now] of cases) {
      const beforeMs = median(timeSearch(old));
      const afterMs = median(timeSearch(now));
      progress(`${name}: ${seconds(beforeMs)} → ${seconds(afterMs)}`);
      rows.push([name, seconds(beforeMs), seconds(afterMs)]);
    }
    return `### A CLI call when the model is missing and the hub cannot be reached

\`npx newsroom search x\` (\`node --import tsx src/cli.ts search x\`) with the default model not downloaded, an empty
DATA_DIR and no ARTICLES_DIR; median of ${RUNS} runs. "Before" is commit ${BEFORE} (Node's fetch: 10 s to connect, 300 s for
an answer); "now" connects within 3 s and answers within 10 s, and a failure is remembered for the rest of the run, so
a command that loads the model twice, or the bot's later loads, do not wait again (the background retry excepted).
For comparison, the same call with the model present (the tiny test model) takes ${seconds(floor)}. Where the hub's
name does not resolve (this machine), the lookup fails at once, before and now alike; the wait this change removes is
where connections go unanswered, as behind a firewall that drops them.

${table(['hub', 'before', 'now'], rows)}`;
  } finally {
    holder.stdin.end();
    holder.kill();
  }
}

// ---------------------------------------------------------------- main

fs.mkdirSync(WORK, { recursive: true });
const parts: string[] = [];
if (ONLY !== 'hub') parts.push(await backupRows());
if (ONLY !== 'backup') parts.push(await hubRows());
fs.rmSync(WORK, { recursive: true, force: true });

writeResultsSection(
  'backup',
  `## Backups and the model hub (\`npm run bench:backup\`)

${machineLine()}

${parts.join('\n\n')}`,
);
progress('written to bench/RESULTS.md (section "backup")');
