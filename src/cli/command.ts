import type { CommandContext } from './context.ts';

/** One option of a command, as `--help` lists it and the parser reads it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One letter for `-x`. */
  short?: string;
  /** What a string option's value looks like in the help: `N`, `ID`, `YYYY-MM-DD`. */
  value?: string;
  description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed values: booleans are false unless given, strings undefined unless given. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K]['type'] extends infer T ? (T extends 'boolean' ? boolean : string | undefined) : never;
};

export interface ParsedInput<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
}

/**
 * A command of the `newsroom` CLI: typed data (what `newsroom help` and `newsroom <name> --help`
 * print, what the parser accepts) plus its handler, which receives the parsed options.
 */
export interface CommandDefinition<O extends OptionSpecs> {
  name: string;
  /** One line for `newsroom help`. */
  summary: string;
  /** Synopsis lines without the leading "newsroom", e.g. `search "<query>" [--k N] [--json]`. */
  usage: readonly string[];
  options: O;
  /** Most positional arguments accepted (default: any number). */
  maxArguments?: number;
  /** Lines printed under the options by `--help`: examples, where output goes. */
  notes?: readonly string[];
  run(ctx: CommandContext, input: ParsedInput<O>): Promise<number>;
}

/** A command with its option types erased, as the registry holds it. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: readonly string[];
  readonly options: OptionSpecs;
  readonly maxArguments?: number;
  readonly notes?: readonly string[];
  run(ctx: CommandContext, input: ParsedInput<OptionSpecs>): Promise<number>;
}

/** Keeps the option names and types of `definition` for its handler. */
export function defineCommand<const O extends OptionSpecs>(definition: CommandDefinition<O>): Command {
  return definition;
}

/** `--json`, shared by every command whose output is data. */
export const JSON_OPTION = { type: 'boolean', description: 'print the result as JSON on stdout' } as const satisfies OptionSpec;

export const COLLECTION_OPTION = {
  type: 'string',
  value: 'ID',
  description: 'the collection to use (default: shared, the newsroom-wide archive)',
} as const satisfies OptionSpec;

export const AS_OF_OPTION = {
  type: 'string',
  value: 'YYYY-MM-DD',
  description: 'answer as if today were that day: later articles are left out',
} as const satisfies OptionSpec;
