// `npm test`: the type check, the linter and the tests at once, since the tests spend much of their
// time waiting on child processes and timers while the first two keep a core busy. The tests'
// output streams as it comes; the type check's and the linter's is printed when each ends. Exits 1
// when any of the three failed.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(script, live) {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '--silent', script], { stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (data) => (output += data));
    child.stderr?.on('data', (data) => (output += data));
    child.on('exit', (code, signal) => resolve({ script, ok: code === 0, output, why: signal ?? `exit ${code}` }));
  });
}

const checks = [run('typecheck', false), run('lint', false)].map((done) =>
  done.then((result) => {
    process.stdout.write(`\n${result.ok ? '✓' : '✗'} npm run ${result.script}${result.ok ? '' : ` (${result.why})`}\n${result.output}`);
    return result;
  }),
);
const results = await Promise.all([run('test:unit', true), ...checks]);
const failed = results.filter((r) => !r.ok).map((r) => r.script);
if (failed.length > 0) process.stdout.write(`\nfailed: ${failed.join(', ')}\n`);
process.exitCode = failed.length > 0 ? 1 : 0;
