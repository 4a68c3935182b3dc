import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './support/app.ts';

const UNIT = path.join(ROOT, 'deploy/newsroom-bot.service');
const unitText = fs.readFileSync(UNIT, 'utf8');
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;

/** The unit with ExecStart's node replaced by this test's node, which CI may have installed elsewhere. */
function unitWithThisNode(): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-unit-'));
  const file = path.join(dir, 'newsroom-bot.service');
  fs.writeFileSync(file, unitText.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `));
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function directive(name: string): string[] {
  return [...unitText.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');
}

test('the unit runs the bot as its own user from the project folder, restarts it on failure, and keeps its data under /var/lib', () => {
  assert.deepEqual(directive('User'), ['newsroom-bot']);
  assert.deepEqual(directive('Restart'), ['on-failure']);
  assert.deepEqual(directive('StateDirectory'), ['newsroom-bot']);
  assert.ok(directive('Environment').includes('DATA_DIR=/var/lib/newsroom-bot'));
  assert.deepEqual(directive('EnvironmentFile'), ['/etc/newsroom-bot/newsroom-bot.env']);
  const [execStart] = directive('ExecStart');
  assert.match(execStart ?? '', /^\/usr\/bin\/node dist\/main\.js$/);
  assert.ok(fs.existsSync(path.join(ROOT, 'src/main.ts')), 'dist/main.js is built from src/main.ts');
  // `npm ci --omit=dev && npm run build` must leave what ExecStart and the logs need: compiled JavaScript, no TypeScript loader.
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    scripts: Record<string, string>;
  };
  for (const runtime of ['esbuild', 'pino', 'pino-pretty', 'dotenv'])
    assert.ok(pkg.dependencies[runtime], `${runtime} is a runtime dependency`);
  assert.equal(pkg.dependencies.tsx, undefined, 'tsx is for development only');
  assert.match(pkg.scripts.build ?? '', /^node scripts\/build\.mjs$/);
  for (const hardening of [
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'SystemCallFilter=@system-service',
  ]) {
    assert.ok(unitText.includes(`\n${hardening}\n`), hardening);
  }
  assert.match(directive('RestrictAddressFamilies')[0] ?? '', /^AF_UNIX AF_INET AF_INET6$/);
  assert.deepEqual(directive('MemoryDenyWriteExecute'), [], 'V8 needs writable executable memory for its JIT');
});

test(
  'systemd-analyze verify accepts the unit without a warning',
  { skip: hasSystemdAnalyze ? false : 'systemd-analyze is not installed on this machine (apt-get install systemd)' },
  () => {
    const { file, cleanup } = unitWithThisNode();
    try {
      const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      // verify exits 0 on an unknown or misspelt directive and only warns; any line about our unit counts.
      const ours = result.stderr.split('\n').filter((line) => line.includes('newsroom-bot'));
      assert.deepEqual(ours, []);
    } finally {
      cleanup();
    }
  },
);

test(
  'systemd-analyze security rates the unit’s exposure low',
  { skip: hasSystemdAnalyze ? false : 'systemd-analyze is not installed on this machine' },
  (t) => {
    const { file, cleanup } = unitWithThisNode();
    try {
      const result = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', file], { encoding: 'utf8' });
      const score = /Overall exposure level for .*: (\d+\.\d+)/.exec(result.stdout);
      if (!score) {
        t.skip(
          `this systemd-analyze cannot rate a unit file offline (systemd 250 or newer can): ${result.stderr.trim().split('\n')[0] ?? ''}`,
        );
        return;
      }
      assert.ok(Number(score[1]) <= 2, `exposure ${score[1]} (0 = locked down, 10 = unprotected)`);
    } finally {
      cleanup();
    }
  },
);
