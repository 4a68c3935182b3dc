// `npm run check`: the type check and the linter at once (each keeps a core busy for most of its
// run), printing each one's output when it ends. Exits 1 when either failed. CI runs it before
// `npm test`; the tests themselves do not wait for it.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(script) {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    child.on('exit', (code, signal) => resolve({ script, ok: code === 0, output, why: signal ?? `exit ${code}` }));
  });
}

const results = await Promise.all(
  ['typecheck', 'lint'].map((script) =>
    run(script).then((result) => {
      process.stdout.write(`${result.ok ? '✓' : '✗'} npm run ${result.script}${result.ok ? '' : ` (${result.why})`}\n${result.output}`);
      return result;
    }),
  ),
);
const failed = results.filter((r) => !r.ok).map((r) => r.script);
if (failed.length > 0) process.stdout.write(`\nfailed: ${failed.join(', ')}\n`);
process.exitCode = failed.length > 0 ? 1 : 0;
