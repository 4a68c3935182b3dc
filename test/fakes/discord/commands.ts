import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  type APIApplicationCommand,
  type APIApplicationCommandOption,
  type InteractionContextType,
} from 'discord.js';
import { asArray, asRecord, lengthBetween, maxItems, type FormProblem, type JsonRecord } from './form-errors.ts';
import { snowflake } from './ids.ts';

const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const GROUPING_TYPES = new Set<number>([ApplicationCommandOptionType.Subcommand, ApplicationCommandOptionType.SubcommandGroup]);

/** Registered slash commands per scope (global, or one guild), as bulk overwrite leaves them. */
export class CommandRegistry {
  private readonly scopes = new Map<string, APIApplicationCommand[]>();
  private readonly fallbackIds = new Map<string, string>();

  private readonly applicationId: string;

  constructor(applicationId: string) {
    this.applicationId = applicationId;
  }

  list(guildId: string | null): APIApplicationCommand[] {
    return this.scopes.get(scopeKey(guildId)) ?? [];
  }

  /** Replaces the scope's commands; a command keeps its id when its name and type stay the same. */
  overwrite(guildId: string | null, body: unknown): { commands: APIApplicationCommand[] } | { problems: FormProblem[] } {
    const problems = commandListProblems(body);
    if (problems.length > 0) return { problems };
    const previous = this.list(guildId);
    const commands = asArray(body).map((value) => {
      const input = asRecord(value) ?? {};
      const type = typeof input.type === 'number' ? input.type : ApplicationCommandType.ChatInput;
      const kept = previous.find((c) => c.name === input.name && c.type === type);
      return this.toCommand(input, type, kept?.id ?? snowflake(), guildId);
    });
    this.scopes.set(scopeKey(guildId), commands);
    return { commands };
  }

  /** The id of a registered command by name (guild scope first), or a stable made-up one. */
  idFor(name: string, guildId: string | null): string {
    const registered =
      (guildId === null ? undefined : this.list(guildId).find((c) => c.name === name)) ?? this.list(null).find((c) => c.name === name);
    if (registered) return registered.id;
    const fallback = this.fallbackIds.get(name) ?? snowflake();
    this.fallbackIds.set(name, fallback);
    return fallback;
  }

  private toCommand(input: JsonRecord, type: ApplicationCommandType, id: string, guildId: string | null): APIApplicationCommand {
    const command: APIApplicationCommand = {
      id,
      type,
      application_id: this.applicationId,
      name: String(input.name),
      name_localizations: (input.name_localizations as APIApplicationCommand['name_localizations']) ?? null,
      description: typeof input.description === 'string' ? input.description : '',
      description_localizations: (input.description_localizations as APIApplicationCommand['description_localizations']) ?? null,
      default_member_permissions:
        input.default_member_permissions === undefined || input.default_member_permissions === null
          ? null
          : String(input.default_member_permissions),
      nsfw: input.nsfw === true,
      integration_types: Array.isArray(input.integration_types)
        ? (input.integration_types as ApplicationIntegrationType[])
        : [ApplicationIntegrationType.GuildInstall],
      contexts: Array.isArray(input.contexts) ? (input.contexts as InteractionContextType[]) : null,
      version: snowflake(),
    };
    if (guildId !== null) command.guild_id = guildId;
    if (Array.isArray(input.options)) command.options = input.options as APIApplicationCommandOption[];
    if (typeof input.dm_permission === 'boolean') command.dm_permission = input.dm_permission;
    return command;
  }
}

function scopeKey(guildId: string | null): string {
  return guildId ?? 'global';
}

/** The checks Discord applies to a bulk overwrite, so a bad definition fails here as it would in production. */
export function commandListProblems(body: unknown): FormProblem[] {
  if (!Array.isArray(body)) return [{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  const problems: FormProblem[] = [...maxItems([], body, 100)];
  const seen = new Set<string>();
  body.forEach((value, index) => {
    const command = asRecord(value) ?? {};
    const type = typeof command.type === 'number' ? command.type : ApplicationCommandType.ChatInput;
    const chatInput = type === ApplicationCommandType.ChatInput;
    problems.push(...nameProblems([index, 'name'], command.name, chatInput));
    if (chatInput) problems.push(...lengthBetween([index, 'description'], command.description, 1, 100));
    const key = `${type}:${String(command.name)}`;
    if (seen.has(key)) {
      problems.push({
        path: [index, 'name'],
        code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
        message: 'Application command names must be unique',
      });
    }
    seen.add(key);
    if (chatInput) problems.push(...optionListProblems([index, 'options'], command.options, null));
  });
  return problems;
}

function nameProblems(path: (string | number)[], name: unknown, mustBeLowercase: boolean): FormProblem[] {
  if (typeof name !== 'string') return [{ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }];
  if (!NAME_PATTERN.test(name) || (mustBeLowercase && name !== name.toLowerCase())) {
    return [{ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Command name is invalid: ${name}` }];
  }
  return [];
}

/** `parent` is the subcommand or group the options sit in (null at the top of a command). */
function optionListProblems(path: (string | number)[], options: unknown, parent: number | null): FormProblem[] {
  const list = asArray(options);
  const problems: FormProblem[] = [...maxItems(path, options, 25)];
  const groupers = list.filter((o) => GROUPING_TYPES.has(Number(asRecord(o)?.type)));
  if (groupers.length > 0 && groupers.length < list.length) {
    problems.push({ path, code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Subcommands cannot be mixed with other options' });
  }
  let optionalSeen = false;
  list.forEach((value, index) => {
    const option = asRecord(value) ?? {};
    const at = (...rest: (string | number)[]) => [...path, index, ...rest];
    problems.push(...nameProblems(at('name'), option.name, true));
    problems.push(...lengthBetween(at('description'), option.description, 1, 100));
    const type = Number(option.type);
    const allowedHere =
      parent === null ||
      (parent === ApplicationCommandOptionType.SubcommandGroup
        ? type === ApplicationCommandOptionType.Subcommand
        : !GROUPING_TYPES.has(type));
    if (!allowedHere) {
      problems.push({ path: at('type'), code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Option type is not allowed here' });
    }
    if (GROUPING_TYPES.has(type)) {
      problems.push(...optionListProblems(at('options'), option.options, type));
      return;
    }
    if (option.required === true && optionalSeen) {
      problems.push({
        path: at('required'),
        code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        message: 'Required options must be placed before non-required options',
      });
    }
    if (option.required !== true) optionalSeen = true;
    if (option.autocomplete === true && Array.isArray(option.choices) && option.choices.length > 0) {
      problems.push({ path: at('autocomplete'), code: 'AUTOCOMPLETE_CHOICES_INVALID', message: 'Autocomplete cannot be set with choices' });
    }
    problems.push(...maxItems(at('choices'), option.choices, 25));
    asArray(option.choices).forEach((choiceValue, choiceIndex) => {
      const choice = asRecord(choiceValue) ?? {};
      problems.push(...lengthBetween(at('choices', choiceIndex, 'name'), choice.name, 1, 100));
      if (typeof choice.value === 'string') problems.push(...lengthBetween(at('choices', choiceIndex, 'value'), choice.value, 1, 100));
    });
  });
  return problems;
}
