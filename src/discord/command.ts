import {
  ApplicationCommandOptionType,
  MessageFlags,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import {
  readOptions,
  type CommandArgs,
  type CommandData,
  type SubcommandArgs,
  type SubcommandData,
  type SubcommandName,
  type ValueOptionData,
} from './command-args.ts';
import type { ComponentHandler } from './component.ts';
import type { BotContext } from './context.ts';

/**
 * How the router acknowledges a command before running it (Discord wants an answer within 3 s):
 * a public or private "thinking…" reply that the handler then edits, or 'none' when the handler
 * replies at once itself.
 */
export type Deferral = 'public' | 'ephemeral' | 'none';

/** Who may run a command: checked at run time too, not only through default_member_permissions. */
export type Access = 'everyone' | 'editors';

export interface CommandCall<Args> {
  interaction: ChatInputCommandInteraction;
  ctx: BotContext;
  args: Args;
}

/** What a command (or one of its subcommands) does, in the order the router does it. */
export interface CommandHandler<Args, Checked> {
  defer: Deferral | ((args: Args) => Deferral);
  /**
   * Quick checks that run before the deferral, so that what they refuse (a UserError) is a
   * private reply at once; what they return is handed to `execute` as `checked`.
   */
  check?(call: CommandCall<Args>): Checked | Promise<Checked>;
  execute(call: CommandCall<Args> & { checked: Checked }): Promise<void>;
}

/** A slash command as the router and deploy code see it. */
export interface SlashCommand {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  readonly access: Access;
  /** Calls the model: rate limited per person and capped in flight. */
  readonly asksModel: boolean;
  /** Reads the options, checks, defers and executes; the router has done the shared checks. */
  run(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
  /** The buttons and modals this command puts on its messages, found by their custom ids. */
  readonly components: readonly ComponentHandler[];
}

type Run = SlashCommand['run'];

interface CommandSettings<D> {
  data: D & RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Default: everyone. */
  access?: Access;
  /** Default: false. */
  asksModel?: boolean;
  autocomplete?: SlashCommand['autocomplete'];
  components?: readonly ComponentHandler[];
}

/** A subcommand's handler, made by `subcommand`. */
export interface SubcommandHandler {
  readonly name: string;
  readonly run: Run;
}

async function runHandler<Args, Checked>(handler: CommandHandler<Args, Checked>, call: CommandCall<Args>): Promise<void> {
  // Without a check, Checked is its default, undefined.
  const checked = handler.check ? await handler.check(call) : (undefined as Checked);
  const deferral = typeof handler.defer === 'function' ? handler.defer(call.args) : handler.defer;
  if (deferral !== 'none') await call.interaction.deferReply(deferral === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {});
  await handler.execute({ ...call, checked });
}

function assemble<D>(settings: CommandSettings<D>, run: Run): SlashCommand {
  return {
    data: settings.data,
    access: settings.access ?? 'everyone',
    asksModel: settings.asksModel ?? false,
    run,
    ...(settings.autocomplete ? { autocomplete: settings.autocomplete } : {}),
    components: settings.components ?? [],
  };
}

type AnyOption = ValueOptionData | SubcommandData;

function isSubcommand(option: AnyOption): option is SubcommandData {
  return option.type === ApplicationCommandOptionType.Subcommand;
}

/** A command without subcommands: its definition, settings and handler. */
export function defineCommand<const D extends CommandData, Checked = undefined>(
  settings: CommandSettings<D> & CommandHandler<CommandArgs<D>, Checked>,
): SlashCommand {
  const options: readonly AnyOption[] = settings.data.options ?? [];
  const definitions = options.filter((o): o is ValueOptionData => !isSubcommand(o));
  if (definitions.length < options.length) throw new Error(`/${settings.data.name} has subcommands: use defineCommandWithSubcommands`);
  return assemble(settings, (interaction, ctx) =>
    runHandler(settings, { interaction, ctx, args: readOptions(definitions, interaction.options) }),
  );
}

/** One subcommand of `data`, by name, with its own deferral, checks and handler. */
export function subcommand<const D extends CommandData, const Name extends SubcommandName<D>, Checked = undefined>(
  data: D,
  name: Name,
  handler: CommandHandler<SubcommandArgs<D, Name>, Checked>,
): SubcommandHandler {
  const options: readonly AnyOption[] = data.options ?? [];
  const definition = options.filter(isSubcommand).find((o) => o.name === name);
  if (!definition) throw new Error(`/${data.name} has no subcommand ${name}`);
  const definitions = definition.options ?? [];
  return {
    name,
    run: (interaction, ctx) => runHandler(handler, { interaction, ctx, args: readOptions(definitions, interaction.options) }),
  };
}

/** A command made of subcommands: each one found by name and run by its own handler. */
export function defineCommandWithSubcommands<const D extends CommandData>(
  settings: CommandSettings<D> & { subcommands: readonly SubcommandHandler[] },
): SlashCommand {
  const byName = new Map(settings.subcommands.map((s) => [s.name, s]));
  const options: readonly AnyOption[] = settings.data.options ?? [];
  const missing = options.filter((o) => !byName.has(o.name)).map((o) => o.name);
  if (missing.length > 0) throw new Error(`/${settings.data.name}: no handler for ${missing.join(', ')}`);
  return assemble(settings, async (interaction, ctx) => {
    const chosen = byName.get(interaction.options.getSubcommand(true));
    if (chosen) await chosen.run(interaction, ctx);
  });
}
