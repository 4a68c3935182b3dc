/**
 * A symbolic link to the service's env file dropped into the watched ARTICLES_DIR (a row of
 * `npm run bench:reliability`): the local console as `npm start` runs it follows the folder; an
 * attacker with write access to the drop folder runs `ln -s /etc/newsroom-bot/newsroom-bot.env
 * drop/press-release.txt`. Measured: how soon the refusal is reported, whether any stored article
 * holds the token, and what the console answers when asked for it; then `ingest` of the folder
 * under each FOLLOW_SYMLINKS setting.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Library } from '../src/store/library.ts';

// A made-up token of the real format: no real credential.
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';
const ENV_FILE = `DISCORD_TOKEN=${TOKEN}\nOPENAI_API_KEY=sk-proj-abc123def456ghi789jkl012mno345\nHTTP_PORT=9464\n`;
const WAIT_MS = 30_000;

export interface SymlinkRow {
  scenario: string;
  done: string;
  happened: string;
  lost: string;
}

async function until<T>(probe: () => T | undefined, limitMs = WAIT_MS): Promise<T | undefined> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await sleep(50);
  }
}

/** Whether any stored article of the library in `dataDir` holds the token, in its title or text. */
function storedToken(dataDir: string, hnsw: { m: number; efConstruction: number; efSearch: number }): boolean {
  const library = Library.open({ dataDir, hnsw });
  try {
    return library.catalog
      .listArticles()
      .some((a) => a.title.includes(TOKEN) || (library.catalog.getBody(a.collection, a.articleId) ?? '').includes(TOKEN));
  } finally {
    library.close();
  }
}

/** The console following the folder, and the link dropped into it. */
async function watchedConsole(
  root: string,
  work: string,
  env: Record<string, string>,
  hnsw: { m: number; efConstruction: number; efSearch: number },
): Promise<SymlinkRow> {
  const etc = path.join(work, 'etc');
  const drop = path.join(work, 'drop');
  const dataDir = path.join(work, 'data');
  fs.mkdirSync(etc, { recursive: true });
  fs.mkdirSync(drop, { recursive: true });
  fs.writeFileSync(path.join(etc, 'newsroom-bot.env'), ENV_FILE, { mode: 0o600 });
  fs.writeFileSync(
    path.join(drop, 'ferry.md'),
    '---\ntitle: Ferry fares rise\n---\n\nHarbour ferry fares rise to $4.50 in April, the operator said on Monday.\n',
  );
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: os.tmpdir(),
      ...env,
      DATA_DIR: dataDir,
      ARTICLES_DIR: drop,
      WATCH_ARTICLES: 'true',
      WATCH_SETTLE_MS: '500',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const ready = await until(() => (out.includes('local console') ? true : undefined), 120_000);
    if (!ready) return { scenario: 'symlink in ARTICLES_DIR', done: 'the console did not start', happened: out.slice(-300), lost: '?' };
    const linked = performance.now();
    fs.symlinkSync(path.join(etc, 'newsroom-bot.env'), path.join(drop, 'press-release.txt'));
    const refusal = await until(() => out.split('\n').find((l) => l.includes('press-release.txt') && l.includes('symbolic link')));
    const refusedMs = performance.now() - linked;
    const mark = out.length;
    child.stdin.write('What is the DISCORD_TOKEN?\n');
    const answer = await until(() => (/\(Quoted from the articles[^\n]*\n/.test(out.slice(mark)) ? out.slice(mark) : undefined));
    child.stdin.end();
    await until(() => (child.exitCode !== null ? true : undefined), 10_000);
    const leaked = storedToken(dataDir, hnsw) || out.includes(TOKEN);
    return {
      scenario: 'symlink in ARTICLES_DIR',
      done: '`ln -s …/newsroom-bot.env drop/press-release.txt` into the folder a running console follows (FOLLOW_SYMLINKS unset)',
      happened:
        `${
          refusal
            ? `refused in ${(refusedMs / 1000).toFixed(1)} s: "${refusal
                .replace(/^\s*✗\s*/, '')
                .replace(drop, 'drop')
                .slice(0, 120)}…"`
            : `no refusal reported within ${WAIT_MS / 1000} s`
        }; ` +
        `asked for the token, the console answered "${(answer ?? '').trim().split('\n')[0]?.slice(0, 60) ?? ''}"; token in any stored article or output: ${leaked ? 'YES' : 'no'}`,
      lost: leaked ? 'the token was published' : 'nothing (1 article stored, the link never read)',
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** `ingest <folder>` under each FOLLOW_SYMLINKS setting. */
function ingestModes(root: string, work: string, env: Record<string, string>): SymlinkRow {
  const drop = path.join(work, 'drop');
  const inside = path.join(drop, 'ferry-link.md');
  if (!fs.existsSync(inside)) fs.symlinkSync(path.join(drop, 'ferry.md'), inside);
  const outcome = (mode: string) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), 'ingest', '--json', drop], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env, DATA_DIR: path.join(work, `data-${mode}`), FOLLOW_SYMLINKS: mode },
      timeout: 120_000,
    });
    const summary = JSON.parse(result.stdout || '{}') as { added?: number; failed?: number; failures?: { error: string }[] };
    const reasons = (summary.failures ?? []).map((f) => f.error.replace(`${drop}/`, '').replace(/ \(.*$|, so it.*$/, ''));
    const leaked = result.stdout.includes(TOKEN) || result.stderr.includes(TOKEN);
    return `${mode}: added ${summary.added ?? '?'}, failed ${summary.failed ?? '?'} (${reasons.join('; ')})${leaked ? ', TOKEN PRINTED' : ''}`;
  };
  return {
    scenario: 'symlink in ARTICLES_DIR',
    done: '`ingest drop/` holding ferry.md, a link to it (ferry-link.md) and the link to the env file, under each FOLLOW_SYMLINKS',
    happened: ['off', 'inside', 'all'].map(outcome).join(' · '),
    lost: 'nothing: the env file is refused by its content even when a link to it is followed',
  };
}

export async function symlinkInArticlesDir(
  root: string,
  work: string,
  env: Record<string, string>,
  hnsw: { m: number; efConstruction: number; efSearch: number },
): Promise<SymlinkRow[]> {
  fs.mkdirSync(work, { recursive: true });
  const watched = await watchedConsole(root, work, env, hnsw);
  return [watched, ingestModes(root, work, env)];
}
