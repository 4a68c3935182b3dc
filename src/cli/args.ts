import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { cliText } from '../messages/cli.ts';
import type { OptionSpecs, ParsedInput } from './command.ts';

/** A mistake in how a command was called: shown with the command's usage. */
export class UsageError extends UserError {}

export type ParsedArgs = { help: true } | ({ help: false } & ParsedInput<OptionSpecs>);

/**
 * Reads a command's arguments against its declared options. `--help`/`-h` anywhere before `--`
 * wins over everything else; an unknown option, a string option without its value, a value given
 * to a flag, or too many arguments is a UsageError that names the option.
 */
export function parseCommandArgs(command: string, args: readonly string[], options: OptionSpecs, maxArguments?: number): ParsedArgs {
  const { tokens } = parseArgs({
    args: [...args],
    options: Object.fromEntries(
      Object.entries(options).map(([name, spec]) => [name, spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }]),
    ),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === 'option' && (t.rawName === '--help' || (t.rawName === '-h' && !isDeclaredShort(options, 'h'))))) {
    return { help: true };
  }

  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, spec] of Object.entries(options)) values[name] = spec.type === 'boolean' ? false : undefined;
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec) {
      const suggestion = closest(token.name, Object.keys(options));
      throw new UsageError(cliText.unknownOption(token.rawName, command, suggestion ? `--${suggestion}` : null));
    }
    if (spec.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(cliText.unexpectedValue(token.rawName));
      values[token.name] = true;
      continue;
    }
    // "--k --json": parseArgs would take "--json" as the value; a value that looks like an option
    // is far more often a forgotten value than a real one (write --k=-x for that).
    const value = token.value;
    const placeholder = spec.value ?? 'VALUE';
    if (value === undefined) throw new UsageError(cliText.missingValue(`--${token.name}`, placeholder));
    if (!token.inlineValue && looksLikeOption(value))
      throw new UsageError(cliText.valueLooksLikeOption(`--${token.name}`, placeholder, value));
    values[token.name] = value;
  }
  if (maxArguments !== undefined && positionals.length > maxArguments) {
    throw new UsageError(cliText.tooManyArguments(command, maxArguments, positionals.slice(maxArguments)));
  }
  return { help: false, values, positionals };
}

function isDeclaredShort(options: OptionSpecs, letter: string): boolean {
  return Object.values(options).some((spec) => spec.short === letter);
}

function looksLikeOption(value: string): boolean {
  return /^--?[a-z]/i.test(value);
}

/** The candidate within two edits of `name` (for "did you mean"), or null. */
export function closest(name: string, candidates: readonly string[]): string | null {
  let best: { candidate: string; distance: number } | null = null;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.min(2, Math.floor(candidate.length / 2)) && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
