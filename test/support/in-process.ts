import os from 'node:os';
import { runCli } from '../../src/cli/run.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a `newsroom` command inside the test process, with the environment a spawned one gets
 * (PATH, HOME and `env`, nothing else of the test's): the same output and exit status as
 * `runNewsroom` without starting Node and loading the app again (about a second of CPU each).
 * Tests that need a separate process (stdin, signals, a lock held by another process, a kill)
 * spawn one with support/child.ts instead.
 */
export async function newsroomInProcess(args: string[], env: Record<string, string>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
  });
  return { code, stdout, stderr };
}
