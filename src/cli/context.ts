import type { App } from '../app.ts';
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
  /** Opens the application (library + model) on first use. */
  app(): Promise<App>;
}

export function positiveInteger(value: string | undefined, name: string, fallback: number, max = 1000): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UserError(cliText.wholeNumber(name, 1, max, value));
  return n;
}

/** Prints a warning for people on stderr, keeping stdout clean for --json consumers. */
export function warn(text: string): void {
  process.stderr.write(`warning: ${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A line of the command's result on stdout. */
export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** `--as-of YYYY-MM-DD`: answer as if today were that day. Undefined when not given. */
export function asOfOption(value: string | undefined): string | undefined {
  return value === undefined ? undefined : asOfDay(value, '--as-of');
}
