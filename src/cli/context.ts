import { AsyncLocalStorage } from 'node:async_hooks';
import type { App, ModelUse } from '../app.ts';
import type { Config } from '../config.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { cliText } from '../messages/cli.ts';
import { asOfDay } from '../retrieval/time-scope.ts';

export interface CommandContext {
  /** The arguments after the command's name, as given. */
  args: string[];
  config: Config;
  /** Logs to stderr at LOG_LEVEL (warn unless set), in LOG_FORMAT. */
  logger: Logger;
  /**
   * Opens the application on first use: the library, and the embedding model unless the command
   * reads only what is stored (`'none'`: listing articles, the answer log), which then starts in a
   * fraction of the time (no model thread).
   */
  app(model?: ModelUse): Promise<App>;
}

export function positiveInteger(value: string | undefined, name: string, fallback: number, max = 1000): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UserError(cliText.wholeNumber(name, 1, max, value));
  return n;
}

/** Where a command's output goes: the process's own streams, or a caller's (tests run the CLI in-process). */
export interface CliOutput {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

const PROCESS_OUTPUT: CliOutput = { stdout: process.stdout, stderr: process.stderr };
// The output of the command running in this async context, so that print() and warn() need no
// parameter threaded through every command and a caller's run cannot write into another's.
const current = new AsyncLocalStorage<CliOutput>();

/** Runs `work` with print(), printJson(), warn() and output() writing to `output`. */
export function withOutput<T>(output: CliOutput, work: () => Promise<T>): Promise<T> {
  return current.run(output, work);
}

/** The running command's output streams (the process's outside a withOutput). */
export function output(): CliOutput {
  return current.getStore() ?? PROCESS_OUTPUT;
}

/** Prints a warning for people on stderr, keeping stdout clean for --json consumers. */
export function warn(text: string): void {
  output().stderr.write(`warning: ${text}\n`);
}

export function printJson(value: unknown): void {
  output().stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A line of the command's result on stdout. */
export function print(text: string): void {
  output().stdout.write(`${text}\n`);
}

/** `--as-of YYYY-MM-DD`: answer as if today were that day. Undefined when not given. */
export function asOfOption(value: string | undefined): string | undefined {
  return value === undefined ? undefined : asOfDay(value, '--as-of');
}
