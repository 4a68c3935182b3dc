import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../src/cli/commands.ts';
import { runCli } from '../src/cli/run.ts';

/**
 * How `newsroom` answers --help and mistakes in its arguments. These run the real dispatcher
 * in-process: none of them gets as far as loading the configuration or opening a library (an
 * invalid configuration would make them exit 2 if they did).
 */
async function newsroom(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HNSW_M: 'not a number' },
  });
  return { code, stdout, stderr };
}

test('every command answers --help and -h with its usage and each of its options, from the same definition as `newsroom help <command>`', async () => {
  for (const command of COMMANDS) {
    const help = await newsroom(command.name, '--help');
    assert.equal(help.code, 0, `${command.name} --help: ${help.stderr}`);
    assert.equal(help.stderr, '');
    assert.match(help.stdout, new RegExp(`^newsroom ${command.name} — `));
    assert.match(help.stdout, new RegExp(`Usage:\\n  newsroom ${command.name}`));
    for (const option of Object.keys(command.options))
      assert.match(help.stdout, new RegExp(`\\n  --${option}\\b`), `${command.name} --${option}`);
    assert.match(help.stdout, /-h, --help {2,}show this help/);
    assert.deepEqual(await newsroom(command.name, '-h'), help);
    assert.deepEqual(await newsroom('help', command.name), help);
  }
});

test('--help wins over other arguments, even a wrong one', async () => {
  const help = await newsroom('search', 'bridge', '--nope', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^newsroom search — /);
});

test('`newsroom help` lists every command with its summary; no command prints it and exits 1', async () => {
  const help = await newsroom('help');
  assert.equal(help.code, 0);
  for (const command of COMMANDS) assert.match(help.stdout, new RegExp(`\\n  ${command.name} +${escape(command.summary)}\\n`));
  assert.match(help.stdout, /npx newsroom <command>`, or `npm run newsroom -- <command>`/);
  assert.deepEqual(await newsroom('--help'), help);
  const bare = await newsroom();
  assert.equal(bare.code, 1);
  assert.equal(bare.stdout, help.stdout);
});

test('an unknown option is named, with a suggestion when one is close, and the command’s usage', async () => {
  const typo = await newsroom('search', 'bridge', '--jsno');
  assert.equal(typo.code, 1);
  assert.equal(typo.stdout, '');
  assert.match(
    typo.stderr,
    /^Unknown option --jsno for newsroom search\. Did you mean --json\?\n\nUsage:\n {2}newsroom search "<query>" \[--k N\]/,
  );
  assert.match(typo.stderr, /Run `newsroom search --help` for its options\./);
  assert.doesNotMatch(typo.stderr, /ERR_PARSE_ARGS|To specify a positional argument/);

  const unknown = await newsroom('gaps', '-x');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^Unknown option -x for newsroom gaps\.\n/);
  assert.match(unknown.stderr, /newsroom gaps \[--limit N\] \[--json\]/);
});

test('a missing value names the option and what it takes; a value given to a flag is refused', async () => {
  const atEnd = await newsroom('search', 'bridge', '--k');
  assert.equal(atEnd.code, 1);
  assert.match(atEnd.stderr, /^--k needs a value: --k N\.\n\nUsage:\n {2}newsroom search/);

  const beforeOption = await newsroom('summarize', 'kestrel', '--length', '--json');
  assert.equal(beforeOption.code, 1);
  assert.match(beforeOption.stderr, /^--length needs a value, but --json follows it: write --length brief\|standard\|bullets/);

  const flag = await newsroom('articles', '--json=yes');
  assert.equal(flag.code, 1);
  assert.match(flag.stderr, /^--json takes no value; write it alone\./);
});

test('arguments a command does not take are refused, not ignored', async () => {
  const extra = await newsroom('articles', 'bridge');
  assert.equal(extra.code, 1);
  assert.match(extra.stderr, /^newsroom articles takes no arguments \(got "bridge"\)\./);
  const two = await newsroom('forget', 'one', 'two');
  assert.match(two.stderr, /^newsroom forget takes one argument; did not expect "two"\./);
});

test('an unknown command suggests the closest one and lists them all', async () => {
  const result = await newsroom('serch', 'bridge');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Unknown command "serch"\. Did you mean "search"\?\nCommands: ingest, embed, search, /);
  const unrelated = await newsroom('frobnicate');
  assert.match(unrelated.stderr, /^Unknown command "frobnicate"\.\nCommands:/);
});

test('options are checked before the configuration is read: a correct call with a bad configuration exits 2', async () => {
  const result = await newsroom('articles', '--json');
  assert.equal(result.code, 2);
  assert.match(result.stderr, /HNSW_M must be a whole number/);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
