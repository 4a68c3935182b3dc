/**
 * `npm run bench:reliability`: what a bad day does to the library, measured. Each scenario does
 * something that happens in production (a writer killed mid-write, writers racing, a damaged or
 * emptied file, a full disk, a read-only folder) to a real library in a temp folder, with real
 * child processes, and reports what was done, what happened, and what was lost (must be nothing).
 * Results go to the "reliability" section of bench/RESULTS.md.
 *
 * More rows: add a scenario to SCENARIOS (a title and a function returning rows).
 * `--only=key,key` runs some scenarios; `--kills=N` sets the kills per SIGKILL loop.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import hnswlib from 'hnswlib-node';
import { pino } from 'pino';
import { errorMessage } from '../src/errors.ts';
import { inspectLibrary } from '../src/store/maintenance/health.ts';
import { inspectIndexFile } from '../src/store/vectors/index-file.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { articleVectors, paragraphChunks, seededVectors, syntheticArticle } from '../test/support/synthetic.ts';
import { proseArticle, proseMarkdown } from './prose.ts';
import { BENCH_DIR, machineLine, progress, writeResultsSection } from './results.ts';
import { killBotMidAnswer } from './reliability-bot.ts';
import { symlinkInArticlesDir } from './reliability-symlink.ts';
import { hangingPages } from './reliability-feeds.ts';
import { answerLogOnFullDisk } from './reliability-answer-log.ts';
import { longTokenArticle } from './reliability-long-token.ts';
import { sigtermWhileStreaming } from './reliability-shutdown.ts';
import { ms, table } from './stats.ts';

const ROOT = path.dirname(BENCH_DIR);
const WRITER = path.join(ROOT, 'test/support/crash-writer.ts');
const CLI = path.join(ROOT, 'src/cli.ts');
const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const SHARED = { collections: [SHARED_COLLECTION] };
const TINY_MODEL_ENV = { MODELS_DIR: path.join(ROOT, 'test/fixtures/models'), EMBEDDING_MODEL: 'newsroom/tiny-bert' };
const NOBODY = 65534;

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const KILLS = Number(option('kills') ?? 20);

interface Row {
  scenario: string;
  done: string;
  happened: string;
  lost: string;
}

interface Scenario {
  key: string;
  run: (work: string) => Promise<Row[]>;
}

// ---------------------------------------------------------------- helpers

function tempDir(work: string, name: string): string {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

interface Child {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  line: (pattern: RegExp) => Promise<string>;
}

function start(command: string, argv: string[], env: Record<string, string> = {}): Child {
  const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const found = lines.find((l) => pattern.test(l));
        if (found) return resolve(found);
        waiters.push({ pattern, resolve });
        void exited.then(() => reject(new Error(`exited before ${pattern}: ${stderr.slice(-500)}`)));
      }),
  };
}

const writer = (argv: string[]) => start(process.execPath, ['--import', 'tsx', WRITER, ...argv]);

function runWriter(argv: string[]): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', WRITER, ...argv], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`crash-writer ${argv.join(' ')} failed: ${result.stdout} ${result.stderr}`);
}

function newsroom(dataDir: string, argv: string[], options: { env?: Record<string, string>; uid?: number } = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...argv], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...TINY_MODEL_ENV, ARTICLES_DIR: '', DATA_DIR: dataDir, ...options.env },
    timeout: 120_000,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

function capturingLogger() {
  const lines: { msg: string; level: number; problem?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

interface Verdict {
  opened: boolean;
  /** Articles expected present but missing or not whole. */
  lost: string[];
  /** Articles expected gone but still stored or found by search. */
  resurrected: string[];
  /** Chunks not found by their own vector, or index points ≠ embedded chunks. */
  inconsistent: string[];
  rebuilt: boolean;
  replayed: boolean;
  healthyAfter: boolean;
  error?: string;
}

/**
 * Opens the library as the next process would and checks it: every expected article whole and
 * found by its own vectors, every removed one gone, the index holding exactly the embedded
 * chunks, and `check` healthy afterwards.
 */
function verify(dir: string, present: readonly string[], absent: readonly string[] = [], byVector = true): Verdict {
  const { logger, lines } = capturingLogger();
  const verdict: Verdict = {
    opened: false,
    lost: [],
    resurrected: [],
    inconsistent: [],
    rebuilt: false,
    replayed: false,
    healthyAfter: false,
  };
  let library: Library;
  try {
    library = Library.open({ dataDir: dir, hnsw: HNSW, logger });
  } catch (error) {
    verdict.error = errorMessage(error);
    return verdict;
  }
  verdict.opened = true;
  verdict.rebuilt = lines.some((l) => /rebuilding/.test(l.msg));
  verdict.replayed = lines.some((l) => /behind the catalog/.test(l.msg));
  try {
    for (const id of present) {
      const article = library.catalog.getArticle(SHARED_COLLECTION, id);
      const chunks = library.catalog.chunksOfArticle(SHARED_COLLECTION, id);
      if (!article || chunks.length !== article.chunkCount || chunks.length === 0) {
        verdict.lost.push(id);
        continue;
      }
      if (!byVector) continue;
      articleVectors(id).forEach((vector, i) => {
        if (library.denseSearch(vector, 1, SHARED)[0]?.id !== chunks[i]?.chunkId) verdict.inconsistent.push(`${id}#${i}`);
      });
    }
    for (const id of absent) {
      if (library.catalog.getArticle(SHARED_COLLECTION, id)) verdict.resurrected.push(id);
      else if (byVector) {
        const hits = library.catalog.chunkRecords(library.denseSearch(articleVectors(id)[0] as Float32Array, 3, SHARED).map((n) => n.id));
        if (hits.some((h) => h.articleId === id)) verdict.resurrected.push(id);
      }
    }
    const counts = library.indexCounts();
    if (counts.points !== counts.expected) verdict.inconsistent.push(`index ${counts.points} points vs ${counts.expected} embedded chunks`);
  } finally {
    library.close();
  }
  verdict.healthyAfter = inspectLibrary(dir).healthy;
  return verdict;
}

function summarize(verdicts: Verdict[]): { happened: string; lost: string } {
  const opened = verdicts.filter((v) => v.opened).length;
  const healthy = verdicts.filter((v) => v.healthyAfter).length;
  const rebuilt = verdicts.filter((v) => v.rebuilt).length;
  const replayed = verdicts.filter((v) => v.replayed).length;
  const inconsistent = verdicts.reduce((n, v) => n + v.inconsistent.length, 0);
  const lost = verdicts.reduce((n, v) => n + v.lost.length, 0);
  const resurrected = verdicts.reduce((n, v) => n + v.resurrected.length, 0);
  const errors = verdicts.flatMap((v) => (v.error ? [v.error] : []));
  return {
    happened:
      `opened ${opened}/${verdicts.length}, \`check\` healthy after ${healthy}/${verdicts.length}; ` +
      `index replayed from the catalog ${replayed}×, rebuilt ${rebuilt}×; ${inconsistent} inconsistencies` +
      (errors.length ? `; errors: ${[...new Set(errors)].join(' / ')}` : ''),
    lost: lost === 0 && resurrected === 0 ? 'nothing' : `${lost} committed articles lost, ${resurrected} retracted articles back`,
  };
}

// ---------------------------------------------------------------- SIGKILL loops

async function killIngest(work: string): Promise<Row[]> {
  const dir = tempDir(work, 'kill-ingest');
  runWriter(['write', dir, 'base', '1', '50']);
  const verdicts: Verdict[] = [];
  const committed = Array.from({ length: 50 }, (_, i) => `base-${i}`);
  let midSave = 0;
  for (let k = 0; k < KILLS; k++) {
    progress(`ingest kill ${k + 1}/${KILLS}`);
    // Four writes of 40 articles: the kill lands in a commit, between writes, or in an index save.
    const child = writer(['write', dir, `k${k}`, '4', '40']);
    // Every fourth kill right after a write's last commit, as its index save begins.
    const target = k % 4 === 0 ? 39 + 40 * random(0, 2) : random(1, 159);
    await child.line(new RegExp(`^committed k${k}-${target}$`)).catch(() => undefined);
    if (target % 40 === 39) midSave++;
    child.child.kill('SIGKILL');
    await child.exited;
    committed.push(...child.lines.filter((l) => l.startsWith('committed ')).map((l) => l.slice(10)));
    verdicts.push(verify(dir, committed));
  }
  const { happened, lost } = summarize(verdicts);
  return [
    {
      scenario: 'SIGKILL mid-ingest',
      done: `${KILLS} ingests (4 writes of 40 three-chunk articles each) killed with SIGKILL after a random commit (${midSave} at a write's end, as its index save starts); each time the library reopened as the next process would`,
      happened,
      lost,
    },
  ];
}

async function killForget(work: string): Promise<Row[]> {
  const dir = tempDir(work, 'kill-forget');
  const total = KILLS * 12;
  runWriter(['write', dir, 'story', '1', String(total)]);
  const removed: string[] = [];
  const verdicts: Verdict[] = [];
  for (let k = 0; k < KILLS; k++) {
    progress(`forget kill ${k + 1}/${KILLS}`);
    const ids = Array.from({ length: 12 }, (_, i) => `story-${k * 12 + i}`);
    const child = writer(['forget', dir, ...ids]);
    await child.line(new RegExp(`^removed ${ids[random(0, 10)]}$`)).catch(() => undefined);
    child.child.kill('SIGKILL');
    await child.exited;
    removed.push(...child.lines.filter((l) => l.startsWith('removed ')).map((l) => l.slice(8)));
    const present = Array.from({ length: total }, (_, i) => `story-${i}`).filter((id) => !removed.includes(id) && !ids.includes(id));
    verdicts.push(verify(dir, present, removed));
  }
  const { happened, lost } = summarize(verdicts);
  return [
    {
      scenario: 'SIGKILL mid-forget',
      done: `${KILLS} forgets of 12 articles each, killed after a random removal; then every removal reported must be gone from the catalog and from dense search, every other article whole`,
      happened,
      lost,
    },
  ];
}

async function killReindex(work: string): Promise<Row[]> {
  const dir = tempDir(work, 'kill-reindex');
  const sources = tempDir(work, 'kill-reindex-articles');
  for (let i = 0; i < 120; i++) {
    const article = proseArticle(i);
    fs.writeFileSync(path.join(sources, `story-${i}.md`), proseMarkdown(article));
  }
  const ingest = newsroom(dir, ['ingest', sources]);
  if (ingest.code !== 0) throw new Error(`ingest failed: ${ingest.stderr}`);
  const before = Library.open({ dataDir: dir, hnsw: HNSW });
  const articles = before.catalog.listArticles().map((a) => a.articleId);
  const chunks = before.catalog.chunkCount();
  before.close();
  const verdicts: Verdict[] = [];
  let pendingSeen = 0;
  // Kills land while a run re-embeds: after it cleared the old embeddings (the catalog's
  // generation moves), at a random moment within how long the embedding took in a first run.
  const watcher = new Database(path.join(dir, 'library.sqlite'), { readonly: true });
  const generation = () => Number((watcher.prepare("SELECT value FROM meta WHERE key = 'generation'").get() as { value: string }).value);
  const reindex = () =>
    start(process.execPath, ['--import', 'tsx', CLI, 'reindex'], {
      ...TINY_MODEL_ENV,
      DATA_DIR: dir,
      ARTICLES_DIR: '',
      LOG_LEVEL: 'fatal',
    });
  const cleared = async (child: Child, from: number) => {
    while (generation() === from && child.child.exitCode === null) await sleep(5);
  };
  const first = reindex();
  await cleared(first, generation());
  const embedding = performance.now();
  await first.exited;
  const embedMs = performance.now() - embedding;
  for (let k = 0; k < Math.ceil(KILLS / 2); k++) {
    progress(`reindex kill ${k + 1}/${Math.ceil(KILLS / 2)}`);
    const child = reindex();
    await cleared(child, generation());
    await sleep(random(0, Math.round(embedMs)));
    child.child.kill('SIGKILL');
    await child.exited;
    const verdict = verify(dir, articles, [], false);
    const library = Library.open({ dataDir: dir, hnsw: HNSW });
    if (library.catalog.chunkCount() !== chunks) verdict.lost.push(`chunks ${library.catalog.chunkCount()} of ${chunks}`);
    if (library.catalog.pendingCount() > 0) pendingSeen++;
    library.close();
    verdicts.push(verdict);
  }
  watcher.close();
  const finish = newsroom(dir, ['reindex']);
  const after = inspectLibrary(dir);
  const { happened, lost } = summarize(verdicts);
  return [
    {
      scenario: 'SIGKILL mid-reindex',
      done: `${verdicts.length} \`newsroom reindex\` runs (120 articles, ${chunks} chunks, tiny test model) killed at a random moment while re-embedding (within the ${(embedMs / 1000).toFixed(1)} s a run spends from clearing the old embeddings to the end); then one run to the end`,
      happened: `${happened}; ${pendingSeen} kills left chunks awaiting embeddings (keyword-searchable meanwhile); the last run ${finish.code === 0 ? 'completed' : `failed: ${finish.stderr.trim()}`}, \`check\` ${after.healthy ? 'healthy' : 'unhealthy'} with ${after.embeddedChunks}/${after.chunks} chunks embedded`,
      lost,
    },
  ];
}

// ---------------------------------------------------------------- concurrent writers

async function concurrentWriters(work: string): Promise<Row[]> {
  const rounds = 5;
  let waits = 0;
  let finished = 0;
  let started = 0;
  const failures: string[] = [];
  const verdicts: Verdict[] = [];
  for (let round = 0; round < rounds; round++) {
    progress(`concurrent writers round ${round + 1}/${rounds}`);
    const dir = tempDir(work, `writers-${round}`);
    runWriter(['write', dir, 'seed', '1', '10']);
    const holder = writer(['hold', dir]);
    await holder.line(/^holding/);
    holder.child.kill('SIGKILL');
    await holder.exited;
    fs.writeFileSync(path.join(dir, 'write.lock'), JSON.stringify({ pid: 4242, host: 'old-container', since: '2026-01-01T00:00:00Z' }));
    const children = [
      ...['alpha', 'beta', 'gamma'].map((p) => writer(['write', dir, p, '8', '15'])),
      writer(['forget', dir, 'seed-0', 'seed-1']),
    ];
    started += children.length;
    const results = await Promise.all(children.map((c) => c.exited));
    finished += results.filter((r) => r.code === 0).length;
    results.forEach((r, i) => {
      if (r.code !== 0) failures.push(children[i]?.lines.at(-1) ?? `exit ${r.code}`);
    });
    waits += children.reduce((n, c) => n + c.lines.filter((l) => l.startsWith('waiting')).length, 0);
    const present = [
      ...['alpha', 'beta', 'gamma'].flatMap((p) => Array.from({ length: 120 }, (_, i) => `${p}-${i}`)),
      ...Array.from({ length: 8 }, (_, i) => `seed-${i + 2}`),
    ];
    verdicts.push(verify(dir, present, ['seed-0', 'seed-1']));
  }
  const { happened, lost } = summarize(verdicts);
  return [
    {
      scenario: 'concurrent writers over a stale lock',
      done: `${rounds} rounds: a writer SIGKILLed while holding the lock, a \`write.lock\` from another host (the old scheme), then 3 ingests (8 writes of 15 articles each) and a forget started at once`,
      happened: `${finished}/${started} writers finished${failures.length > 0 ? ` (the others said: ${[...new Set(failures)].join('; ')})` : ''}; they waited their turn ${waits}× ("waiting for another writer, pid …")${failures.some((f) => f.includes('database is locked')) ? '' : ', none failed on "database is locked"'}; ${happened}`,
      lost,
    },
  ];
}

// ---------------------------------------------------------------- damaged files

/** Child mode: open the library and search, printing the results (a segfault shows as exit 139). */
function childOpenSearch(dir: string): void {
  const { logger, lines } = capturingLogger();
  const started = performance.now();
  const library = Library.open({ dataDir: dir, hnsw: HNSW, logger });
  const openMs = performance.now() - started;
  const results = seededVectors(4242, 20, 16).map((q) => library.denseSearch(q, 10, SHARED).map((n) => n.id));
  library.close();
  process.stdout.write(
    `${JSON.stringify({ openMs, results, log: lines.filter((l) => l.level >= 40).map((l) => `${l.msg}: ${l.problem ?? ''}`) })}\n`,
  );
}

function openSearchInChild(dir: string): {
  code: number | null;
  signal: string | null;
  openMs?: number;
  results?: number[][];
  log?: string[];
  stderr: string;
} {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'reliability.ts'), '--child=open-search', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  let parsed = {};
  try {
    parsed = JSON.parse(last) as object;
  } catch {
    // A crash prints no result.
  }
  return { code: result.status, signal: result.signal, stderr: result.stderr, ...parsed };
}

async function damagedIndex(work: string): Promise<Row[]> {
  const rows: Row[] = [];
  const cases: [string, (bytes: Buffer) => Buffer][] = [
    ['random bytes over the header and first points (4 KB)', (b) => crypto.randomFillSync(b, 0, 4096)],
    ['random bytes in the middle (64 KB)', (b) => crypto.randomFillSync(b, Math.floor(b.length / 2), 64 * 1024)],
    ['a zeroed region (256 KB)', (b) => b.fill(0, Math.floor(b.length / 3), Math.floor(b.length / 3) + 256 * 1024)],
    // Point 10's vector: a 96-byte header, records of 4 + 128 + 64 + 8 bytes, the vector after the links.
    ['one vector changed, structure intact (64 bytes)', (b) => b.fill(0x7f, 96 + 10 * 204 + 132, 96 + 10 * 204 + 196)],
    ['the file cut short by 100 KB', (b) => b.subarray(0, b.length - 100 * 1024)],
  ];
  for (const [what, mutate] of cases) {
    progress(`damaged index: ${what}`);
    const dir = tempDir(work, 'damaged-index');
    runWriter(['write', dir, 'story', '1', '2000']);
    const clean = openSearchInChild(dir);
    const file = path.join(dir, 'vectors.hnsw');
    fs.writeFileSync(file, mutate(fs.readFileSync(file)));
    const damaged = openSearchInChild(dir);
    const same = JSON.stringify(damaged.results) === JSON.stringify(clean.results);
    const verdict = verify(
      dir,
      Array.from({ length: 2000 }, (_, i) => `story-${i}`),
    );
    rows.push({
      scenario: 'damaged vectors.hnsw',
      done: `${what} in the index of 2,000 articles (6,000 points), then a fresh process opened the library and ran 20 searches`,
      happened:
        damaged.code === 0
          ? `detected before hnswlib read it ("${(damaged.log ?? []).join('; ').slice(0, 160)}"), rebuilt from the stored embeddings (open ${ms(damaged.openMs ?? 0)} ms vs ${ms(clean.openMs ?? 0)} ms), ${same ? 'the same 20×10 results as before' : 'DIFFERENT results'}; the repaired index was saved, \`check\` ${verdict.healthyAfter ? 'healthy' : 'unhealthy'}`
          : `process died (${damaged.signal ?? damaged.code}): ${damaged.stderr.slice(-200)}`,
      lost:
        verdict.lost.length === 0 && verdict.inconsistent.length === 0
          ? 'nothing'
          : `${verdict.lost.length} articles, ${verdict.inconsistent.length} inconsistencies`,
    });
  }
  return rows;
}

async function damagedDatabase(work: string): Promise<Row[]> {
  const rows: Row[] = [];
  const corrupt = tempDir(work, 'corrupt-db');
  runWriter(['write', corrupt, 'story', '1', '20']);
  fs.writeFileSync(path.join(corrupt, 'library.sqlite'), crypto.randomBytes(256 * 1024));
  const search = newsroom(corrupt, ['search', 'story']);
  const check = newsroom(corrupt, ['check']);
  rows.push({
    scenario: 'damaged library.sqlite',
    done: 'library.sqlite overwritten with 256 KB of random bytes; `newsroom search`, then `newsroom check`',
    happened: `search exit ${search.code}: "${search.stderr.trim().replace(corrupt, 'DATA_DIR')}"; check exit ${check.code}, says to restore from a backup`,
    lost: 'the damaged file itself (restore from a backup); nothing is written over it',
  });
  const empty = tempDir(work, 'empty-db');
  fs.writeFileSync(path.join(empty, 'library.sqlite'), '');
  const articles = newsroom(empty, ['articles']);
  rows.push({
    scenario: 'empty library.sqlite',
    done: 'library.sqlite truncated to 0 bytes; `newsroom articles`',
    happened: `exit ${articles.code}: "${articles.stderr.trim().replace(empty, 'DATA_DIR')}"; the file is left at 0 bytes (not silently made a new, empty library)`,
    lost: 'nothing beyond the emptied file',
  });
  return rows;
}

// ---------------------------------------------------------------- full disk

interface FullDiskResult {
  steps: { done: string; happened: string; lost: string }[];
}

/** Child mode, inside a mount namespace: the library on a small tmpfs, filled up. */
async function childFullDisk(dir: string): Promise<void> {
  const steps: FullDiskResult['steps'] = [];
  const writeOut = (argv: string[]) => spawnSync(process.execPath, ['--import', 'tsx', WRITER, ...argv], { cwd: ROOT, encoding: 'utf8' });
  const seed = writeOut(['write', dir, 'story', '1', '2000']);
  if (seed.status !== 0) throw new Error(seed.stdout + seed.stderr);
  const indexFile = path.join(dir, 'vectors.hnsw');
  const checksum = () => inspectIndexFile(indexFile, 16).checksum;
  const original = checksum();
  const filler = path.join(dir, 'filler');
  const fill = (leaveBytes: number) => {
    fs.rmSync(filler, { force: true });
    const stats = fs.statfsSync(dir);
    const free = stats.bavail * stats.bsize;
    const fd = fs.openSync(filler, 'w');
    const block = Buffer.alloc(64 * 1024, 1);
    let written = 0;
    try {
      while (written + block.length <= free - leaveBytes) written += fs.writeSync(fd, block);
      if (leaveBytes === 0) for (;;) written += fs.writeSync(fd, block.subarray(0, 4096));
    } catch {
      // ENOSPC: full.
    } finally {
      fs.closeSync(fd);
    }
  };
  const indexBytes = fs.statSync(indexFile).size;

  fill(Math.floor(indexBytes / 2));
  const forget = writeOut(['forget', dir, 'story-5']);
  // A writer that opened the library before the disk filled up (and sees whether the forget went in).
  const open = Library.open({ dataDir: dir, hnsw: HNSW });
  const forgotten = open.catalog.getArticle(SHARED_COLLECTION, 'story-5') === undefined;
  const said = (forget.stdout.split('\n').find((l) => l.startsWith('failed ')) ?? forget.stdout).slice(7, 260);
  steps.push({
    done: `forget one article with ${Math.round(indexBytes / 2 / 1024)} KB free, half the ${Math.round(indexBytes / 1024)} KB index`,
    happened: `${forgotten ? 'the catalog commit went in; the index save was refused before writing' : 'refused whole, the catalog unchanged (its transaction needed more than the space left)'}: "${said}"; vectors.hnsw ${checksum() === original ? 'unchanged' : 'CHANGED'}`,
    lost: forgotten
      ? 'nothing (the removal is in the catalog; the old index is replayed forward on open)'
      : 'nothing (the article is still stored, as the message says)',
  });

  fill(0);
  let outcome = 'succeeded?!';
  try {
    await open.write(async (w) => {
      for (const id of ['late-0', 'late-1', 'late-2']) {
        const article = syntheticArticle(id, [`First of ${id}.`, `Second of ${id}.`, `Third of ${id}.`]);
        w.putArticle(article, SHARED_COLLECTION, paragraphChunks(article, articleVectors(id)), { id: 'test-model', dimensions: 16 });
      }
    });
  } catch (error) {
    outcome = `refused: "${errorMessage(error).replace(dir, 'DATA_DIR')}"`;
  }
  const partial = ['late-0', 'late-1', 'late-2'].filter((id) => open.catalog.getArticle(SHARED_COLLECTION, id)).length;
  open.close();
  steps.push({
    done: 'ingest 3 articles with the disk completely full (the writer opened the library before)',
    happened: `${outcome}; ${partial} of them stored; vectors.hnsw ${checksum() === original ? 'unchanged' : 'CHANGED'}`,
    lost: 'nothing stored before; the new articles were refused whole, with a message',
  });
  const opening = writeOut(['write', dir, 'late', '1', '3']);
  steps.push({
    done: 'a new process opens the library, disk still full',
    happened: `refused: "${(opening.stdout.split('\n').find((l) => l.startsWith('failed ')) ?? opening.stderr).slice(7, 200).replace(dir, 'DATA_DIR')}"`,
    lost: 'nothing',
  });

  fs.rmSync(filler, { force: true });
  const verdict = verify(
    dir,
    Array.from({ length: 2000 }, (_, i) => `story-${i}`).filter((id) => !forgotten || id !== 'story-5'),
    forgotten ? ['story-5', 'late-0'] : ['late-0'],
  );
  steps.push({
    done: 'space freed, library reopened',
    happened: `opened, index ${verdict.replayed ? 'replayed forward from the catalog' : verdict.rebuilt ? 'rebuilt' : 'as saved'}, ${verdict.inconsistent.length} inconsistencies, \`check\` ${verdict.healthyAfter ? 'healthy' : 'unhealthy'}`,
    lost:
      verdict.lost.length === 0 && verdict.resurrected.length === 0
        ? 'nothing'
        : `${verdict.lost.length} lost, ${verdict.resurrected.length} back`,
  });
  process.stdout.write(`${JSON.stringify({ steps } satisfies FullDiskResult)}\n`);
}

async function fullDisk(work: string): Promise<Row[]> {
  const rows: Row[] = [];
  // A save cut short, as a full disk does to hnswlib's writer (it reports nothing): a file size limit
  // between the sizes of library.sqlite and the index (HNSW M 192 makes the index about twice as large).
  progress('full disk: file size limit');
  const capped = tempDir(work, 'capped');
  runWriter(['write', capped, 'story', '1', '800', '--m', '192']);
  const indexBytes = fs.statSync(path.join(capped, 'vectors.hnsw')).size;
  const databaseBytes = fs.statSync(path.join(capped, 'library.sqlite')).size;
  const before = fs.readFileSync(path.join(capped, 'vectors.hnsw'));
  const limit = Math.floor((indexBytes + databaseBytes) / 2);
  const cut = spawnSync(
    'prlimit',
    [`--fsize=${limit}`, process.execPath, '--import', 'tsx', WRITER, 'forget', capped, 'story-5', '--m', '192'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (cut.error) {
    rows.push({ scenario: 'index save cut short', done: 'not run', happened: `prlimit unavailable: ${cut.error.message}`, lost: '–' });
  } else {
    const kept = fs.readFileSync(path.join(capped, 'vectors.hnsw')).equals(before);
    const verdict = verify(capped, ['story-0', 'story-799'], ['story-5']);
    rows.push({
      scenario: 'index save cut short',
      done: `forget one article in a process whose files may not exceed ${Math.round(limit / 1024)} KB (prlimit --fsize), so hnswlib's ${Math.round(indexBytes / 1024)} KB index write stops part-way without an error, as on a full disk`,
      happened: `the short file was caught by the read-back: "${(cut.stdout.split('\n').find((l) => l.startsWith('failed ')) ?? cut.stdout).slice(7, 220)}"; old vectors.hnsw ${kept ? 'kept byte for byte' : 'REPLACED'}; reopened ${verdict.replayed ? 'with the removal replayed from the catalog' : ''}, \`check\` ${verdict.healthyAfter ? 'healthy' : 'unhealthy'}`,
      lost:
        verdict.lost.length === 0 && verdict.resurrected.length === 0
          ? 'nothing'
          : `${verdict.lost.length} lost, ${verdict.resurrected.length} back`,
    });
  }

  progress('full disk: tmpfs');
  const mount = tempDir(work, 'tmpfs');
  const result = spawnSync(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount -t tmpfs -o size=64m tmpfs "$0" && exec "$1" --import tsx "$2" --child=full-disk "$0"',
      mount,
      process.execPath,
      path.join(BENCH_DIR, 'reliability.ts'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !last.startsWith('{')) {
    rows.push({
      scenario: 'full disk',
      done: 'not run: a small filesystem needs root and a mount namespace (`unshare -m` + tmpfs)',
      happened: (result.error?.message ?? result.stderr.trim().split('\n').pop() ?? '').slice(0, 200),
      lost: '–',
    });
    return rows;
  }
  for (const step of (JSON.parse(last) as FullDiskResult).steps) rows.push({ scenario: 'full disk (64 MB tmpfs)', ...step });
  return rows;
}

// ---------------------------------------------------------------- read-only

async function readOnly(work: string): Promise<Row[]> {
  const dir = tempDir(work, 'read-only');
  const ingest = newsroom(dir, ['ingest', path.join(ROOT, 'articles')]);
  if (ingest.code !== 0) throw new Error(ingest.stderr);
  const walk = (target: string, writable: boolean) => {
    const isDir = fs.statSync(target).isDirectory();
    fs.chmodSync(target, isDir ? (writable ? 0o755 : 0o555) : writable ? 0o644 : 0o444);
    if (isDir) for (const name of fs.readdirSync(target)) walk(path.join(target, name), writable);
  };
  walk(dir, false);
  const asRoot = process.getuid?.() === 0;
  const options = asRoot ? { uid: NOBODY } : {};
  const how = asRoot ? 'chmod a-w, and the CLI run as the user nobody (root ignores chmod)' : 'chmod a-w';
  try {
    const before = fs
      .readdirSync(dir)
      .map((n) => `${n}:${fs.statSync(path.join(dir, n)).mtimeMs}`)
      .join();
    const reads = [
      ['search', 'Kestrel Street Bridge'],
      ['articles'],
      ['ask', 'When did the Kestrel Street Bridge reopen?'],
      ['ask', 'What did the zoo name its new penguin?'],
      ['summarize', 'kestrel-bridge-reopens'],
    ].map((argv) => ({ argv, result: newsroom(dir, argv, options) }));
    const writes = [
      ['ingest', path.join(ROOT, 'articles')],
      ['forget', 'kestrel-bridge-reopens'],
    ].map((argv) => ({ argv, result: newsroom(dir, argv, options) }));
    const after = fs
      .readdirSync(dir)
      .map((n) => `${n}:${fs.statSync(path.join(dir, n)).mtimeMs}`)
      .join();
    return [
      {
        scenario: 'read-only library',
        done: `a library of the sample articles made read-only (${how}); search, articles, ask (answered and unanswerable), summarize; then ingest and forget`,
        happened:
          `reads: ${reads.map((r) => `${r.argv[0]} exit ${r.result.code}`).join(', ')}, each with "${(reads[0]?.result.stderr.trim().split('\n')[0] ?? '').replace(dir, 'DATA_DIR').slice(0, 90)}…"; ` +
          `writes: ${writes.map((w) => `${w.argv[0]} exit ${w.result.code}`).join(', ')} with "${(writes[0]?.result.stderr.trim().split('\n').pop() ?? '').replace(dir, 'DATA_DIR').slice(0, 70)}…"; ` +
          `no file in DATA_DIR changed: ${before === after ? 'yes' : 'NO'}`,
        lost: 'nothing (the unanswerable question is not logged, as the warning says)',
      },
    ];
  } finally {
    walk(dir, true);
  }
}

// ---------------------------------------------------------------- cost of verification

async function verificationCost(work: string): Promise<Row[]> {
  const points = Number(option('cost-points') ?? 100_000);
  const dimensions = 384;
  progress(`verification cost: building a raw ${points}-point index (${dimensions}-d)`);
  const file = path.join(tempDir(work, 'cost'), 'vectors.hnsw');
  const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
  index.initIndex({ maxElements: points, m: 16, efConstruction: 40 });
  const vectors = seededVectors(7, 1, dimensions);
  const base = Array.from(vectors[0] as Float32Array);
  let state = 1;
  for (let i = 0; i < points; i++) {
    const v = base.map((x) => x + ((state = (state * 1103515245 + 12345) >>> 0) / 4294967296 - 0.5));
    index.addPoint(v, i + 1);
  }
  index.writeIndexSync(file);
  const bytes = fs.statSync(file).size;
  const time = (fn: () => void) => {
    fn();
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      fn();
      samples.push(performance.now() - t);
    }
    return samples.sort((a, b) => a - b)[1] as number;
  };
  const hashFile = (update: (b: Buffer) => void) => {
    const fd = fs.openSync(file, 'r');
    const block = Buffer.allocUnsafe(8 * 1024 * 1024);
    for (let n; (n = fs.readSync(fd, block, 0, block.length, null)) > 0;) update(block.subarray(0, n));
    fs.closeSync(fd);
  };
  const readOnlyMs = time(() => hashFile(() => undefined));
  const crcMs = time(() => {
    let c = 0;
    hashFile((b) => (c = zlib.crc32(b, c)));
  });
  const shaMs = (name: string) =>
    time(() => {
      const h = crypto.createHash(name);
      hashFile((b) => h.update(b));
      h.digest();
    });
  const sha1Ms = shaMs('sha1');
  const sha256Ms = shaMs('sha256');
  const inspectMs = time(() => inspectIndexFile(file, dimensions));
  const loadMs = time(() => new hnswlib.HierarchicalNSW('cosine', dimensions).readIndexSync(file));
  const mb = (bytes / 1024 / 1024).toFixed(0);
  return [
    {
      scenario: 'cost of verifying on open',
      done: `a ${points.toLocaleString('en-US')}-point, ${dimensions}-d index (${mb} MB), in the page cache; median of 3`,
      happened:
        `read alone ${ms(readOnlyMs)} ms; read + CRC-32 (node:zlib) ${ms(crcMs)} ms; read + SHA-1 ${ms(sha1Ms)} ms; read + SHA-256 ${ms(sha256Ms)} ms; ` +
        `our whole check (CRC-32 + every size, count, label and neighbour id) ${ms(inspectMs)} ms; hnswlib readIndexSync itself ${ms(loadMs)} ms`,
      lost: '–',
    },
  ];
}

// ---------------------------------------------------------------- main

const SCENARIOS: Scenario[] = [
  { key: 'kill-ingest', run: killIngest },
  { key: 'kill-forget', run: killForget },
  { key: 'kill-reindex', run: killReindex },
  { key: 'kill-bot', run: (work) => killBotMidAnswer(ROOT, tempDir(work, 'bot'), Math.max(3, Math.round(KILLS / 2))) },
  { key: 'writers', run: concurrentWriters },
  { key: 'damaged-index', run: damagedIndex },
  { key: 'damaged-database', run: damagedDatabase },
  { key: 'full-disk', run: fullDisk },
  { key: 'read-only', run: readOnly },
  { key: 'verify-cost', run: verificationCost },
  { key: 'symlink', run: (work) => symlinkInArticlesDir(ROOT, tempDir(work, 'symlink'), TINY_MODEL_ENV, HNSW) },
  { key: 'hanging-pages', run: (work) => hangingPages(ROOT, (name) => tempDir(work, name)) },
  { key: 'long-token', run: (work) => longTokenArticle(ROOT, work) },
  { key: 'answer-log-full', run: (work) => answerLogOnFullDisk(ROOT, work) },
  { key: 'sigterm', run: (work) => sigtermWhileStreaming(ROOT, work) },
];

async function main(): Promise<void> {
  const child = option('child');
  if (child === 'open-search') return childOpenSearch(args.at(-1) as string);
  if (child === 'full-disk') return childFullDisk(args.at(-1) as string);

  const only = option('only')?.split(',');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-reliability-'));
  fs.chmodSync(work, 0o755);
  const rows: Row[] = [];
  const started = performance.now();
  try {
    for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.key))) {
      try {
        rows.push(...(await scenario.run(work)));
      } catch (error) {
        rows.push({ scenario: scenario.key, done: 'failed to run', happened: errorMessage(error).slice(0, 300), lost: '?' });
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const markdown = [
    '## Reliability (`npm run bench:reliability`)',
    '',
    machineLine(),
    '',
    `What a bad day does to the library: real child processes, real files in a temp folder, ${((performance.now() - started) / 1000).toFixed(0)} s in all. ` +
      '"Lost" counts articles a writer reported committed that a later open did not find whole, and retracted articles that came back.',
    '',
    table(
      ['scenario', 'what was done', 'what happened', 'lost'],
      rows.map((r) => [r.scenario, r.done, r.happened, r.lost].map((cell) => cell.replaceAll('|', '\\|').replaceAll('\n', ' '))),
    ),
  ].join('\n');
  if (!only) writeResultsSection('reliability', markdown);
  process.stdout.write(`${markdown}\n`);
}

await main();
