import { ApplicationCommandOptionType, type Attachment, type ChatInputCommandInteraction } from 'discord.js';

/**
 * A command's options, typed from its definition (`as const` data): a handler reads `args.question`
 * as a `string`, an optional option as `… | null`, an option with choices as the union of their
 * values. The option kinds the commands use; another kind is a type error in the definition.
 */

type ValueOptionType =
  | ApplicationCommandOptionType.String
  | ApplicationCommandOptionType.Integer
  | ApplicationCommandOptionType.Number
  | ApplicationCommandOptionType.Boolean
  | ApplicationCommandOptionType.Attachment;

export interface ValueOptionData {
  readonly type: ValueOptionType;
  readonly name: string;
  readonly required?: boolean;
  readonly choices?: readonly { readonly value: string | number }[];
}

export interface SubcommandData {
  readonly type: ApplicationCommandOptionType.Subcommand;
  readonly name: string;
  readonly options?: readonly ValueOptionData[];
}

/** What a command definition must look like for its options to be typed. */
export interface CommandData {
  readonly name: string;
  readonly options?: readonly ValueOptionData[] | readonly SubcommandData[];
}

type ValueOf<O extends ValueOptionData> = O extends { choices: readonly { value: infer V }[] }
  ? V
  : O['type'] extends ApplicationCommandOptionType.String
    ? string
    : O['type'] extends ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Number
      ? number
      : O['type'] extends ApplicationCommandOptionType.Boolean
        ? boolean
        : Attachment;

/** The values of a list of options, by name; those not required can be null. */
type OptionArgs<Options> = Options extends readonly ValueOptionData[]
  ? { -readonly [O in Options[number] as O['name']]: O extends { required: true } ? ValueOf<O> : ValueOf<O> | null }
  : Record<never, never>;

/** The arguments of a command without subcommands. */
export type CommandArgs<D extends CommandData> = D extends { options: infer Options } ? OptionArgs<Options> : Record<never, never>;

/** The names of a command's subcommands. */
export type SubcommandName<D extends CommandData> = D extends { options: readonly SubcommandData[] } ? D['options'][number]['name'] : never;

/** The arguments of one subcommand. */
export type SubcommandArgs<D extends CommandData, Name extends string> = D extends { options: readonly SubcommandData[] }
  ? OptionArgs<Extract<D['options'][number], { name: Name }>['options']>
  : never;

type OptionReader = ChatInputCommandInteraction['options'];

function readOption(option: ValueOptionData, options: OptionReader): string | number | boolean | Attachment | null {
  const required = option.required ?? false;
  switch (option.type) {
    case ApplicationCommandOptionType.String:
      return options.getString(option.name, required);
    case ApplicationCommandOptionType.Integer:
      return options.getInteger(option.name, required);
    case ApplicationCommandOptionType.Number:
      return options.getNumber(option.name, required);
    case ApplicationCommandOptionType.Boolean:
      return options.getBoolean(option.name, required);
    case ApplicationCommandOptionType.Attachment:
      return options.getAttachment(option.name, required);
  }
}

/**
 * Reads the options `definitions` declare from an interaction. A value outside an option's
 * choices (Discord checks them; a stale client might not) is read as absent.
 */
export function readOptions<Args>(definitions: readonly ValueOptionData[], options: OptionReader): Args {
  const args: Record<string, unknown> = {};
  for (const option of definitions) {
    const value = readOption(option, options);
    const allowed = !option.choices || value === null || option.choices.some((c) => c.value === value);
    args[option.name] = allowed ? value : null;
  }
  // The one place Discord's run-time values meet the types derived from the definition.
  return args as Args;
}
