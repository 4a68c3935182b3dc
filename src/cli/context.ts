import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { App } from '../app.ts';
import type { Config } from '../config.ts';
import { UserError } from '../errors.ts';
import { asOfDay } from '../retrieval/time-scope.ts';

export interface CommandContext {
  args: string[];
  config: Config;
  /** Opens the application (library + model) on first use. */
  app(): Promise<App>;
}

/** parseArgs with the CLI's conventions: positionals allowed, unknown options refused. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}

export function positiveInteger(value: string | undefined, name: string, fallback: number, max = 1000): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UserError(`${name} must be a whole number from 1 to ${max}.`);
  return n;
}

/** Prints a warning for people on stderr, keeping stdout clean for --json consumers. */
export function warn(text: string): void {
  process.stderr.write(`warning: ${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `--as-of YYYY-MM-DD`: answer as if today were that day. Undefined when not given. */
export function asOfOption(value: string | undefined): string | undefined {
  return value === undefined ? undefined : asOfDay(value, '--as-of');
}
