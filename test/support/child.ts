import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import os from 'node:os';
import { ROOT } from './app.ts';
import { nodeArgs } from './built.ts';

/** A Node child process running a TypeScript file, with its output gathered line by line. */
export interface Child {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout or stderr line matching `pattern` (one already seen included); rejects if the child exits first. */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

export function startChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [...nodeArgs(script), ...args], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
  });
  let out = '';
  let err = '';
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const take = (chunk: string, pending: string): string => {
    const parts = (pending + chunk).split('\n');
    const rest = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
    return rest;
  };
  let outRest = '';
  let errRest = '';
  child.stdout.on('data', (data: Buffer) => {
    out += data.toString();
    outRest = take(data.toString(), outRest);
  });
  child.stderr.on('data', (data: Buffer) => {
    err += data.toString();
    errRest = take(data.toString(), errRest);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    line: (pattern) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then(() => reject(new Error(`${script} exited before printing ${pattern}: ${err.slice(-500)}`)));
      });
    },
    exited,
  };
}

/** Runs the `newsroom` CLI to the end. */
export async function runNewsroom(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startChild('src/cli.ts', args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
