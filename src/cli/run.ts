import fs from 'node:fs';
import type { App, ModelUse } from '../app.ts';
import { closest, parseCommandArgs, UsageError, type ParsedArgs } from './args.ts';
import type { Command, OptionSpecs, ParsedInput } from './command.ts';
import { COMMANDS } from './commands.ts';
import { commandHelp, overviewHelp, usageLines } from './help.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { errorMessage, isUserError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { cliText } from '../messages/cli.ts';
import { storeMessages } from '../messages/store.ts';
import type { Logger } from '../log.ts';
import { warn, withOutput, type CliOutput } from './context.ts';

export interface CliIO extends CliOutput {
  env: NodeJS.ProcessEnv;
}

/**
 * The `newsroom` command line: finds the command, answers `--help`, checks the arguments against
 * the command's definition, loads the configuration and runs it. Returns the exit status: 0 on
 * success, 1 on a usage error or a failure (the message says what to do), 2 on invalid configuration.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env },
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [name, ...args] = argv;
  const out = (text: string) => io.stdout.write(`${text}\n`);
  const err = (text: string) => io.stderr.write(`${text}\n`);
  const find = (commandName: string | undefined) => commands.find((c) => c.name === commandName);

  if (!name) {
    out(overviewHelp(commands));
    return 1;
  }
  if (name === 'help' || name === '--help' || name === '-h') return help(args[0], commands, out, err);
  if (name === '--version' || name === '-V') {
    out(packageVersion());
    return 0;
  }
  const command = find(name);
  if (!command) return unknownCommand(name, commands, err);

  let parsed: ParsedArgs;
  try {
    parsed = parseCommandArgs(command.name, args, command.options, command.maxArguments);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`${error.message}\n\n${usageLines(command)}`);
    return 1;
  }
  if (parsed.help) {
    out(commandHelp(command));
    return 0;
  }

  let config: Config;
  try {
    config = loadConfig(quietByDefault(io.env));
  } catch (error) {
    err(errorMessage(error));
    return error instanceof ConfigError ? 2 : 1;
  }
  const input = { values: parsed.values, positionals: parsed.positionals };
  return withOutput(io, () => runCommand(command, args, input, config, io.stderr === process.stderr ? undefined : io.stderr, err));
}

/** `help` alone lists the commands; `help <command>` explains one. */
function help(topic: string | undefined, commands: readonly Command[], out: (text: string) => void, err: (text: string) => void): number {
  if (topic === undefined) {
    out(overviewHelp(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === topic);
  if (!command) return unknownCommand(topic, commands, err);
  out(commandHelp(command));
  return 0;
}

/** Runs a command whose arguments parsed; the app opens only if the command asks for it, and always closes. */
async function runCommand(
  command: Command,
  args: string[],
  input: ParsedInput<OptionSpecs>,
  config: Config,
  logStream: CliOutput['stderr'] | undefined,
  err: (text: string) => void,
): Promise<number> {
  const logger = createLogger(config.logLevel, { format: config.logFormat, ...(logStream ? { stream: logStream } : {}) });
  let app: App | undefined;
  try {
    const open = async (model: ModelUse = 'load') => (app ??= await openForCli(config, logger, model));
    return await command.run({ args, config, logger, app: open }, input);
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${errorMessage(error)}\n\n${usageLines(command)}`);
      return 1;
    }
    if (isUserError(error)) {
      err(error.message);
      return 1;
    }
    logger.error({ err: error, command: command.name }, 'command failed');
    err(cliText.unexpectedError(errorMessage(error)));
    return 1;
  } finally {
    app?.close();
  }
}

function unknownCommand(name: string, commands: readonly Command[], err: (text: string) => void): number {
  const names = commands.map((c) => c.name);
  err(cliText.unknownCommand(name, closest(name, names), [...names, 'help']));
  return 1;
}

/** The CLI keeps quiet unless asked: LOG_LEVEL when set, else warnings and errors only. */
function quietByDefault(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.LOG_LEVEL?.trim() ? env : { ...env, LOG_LEVEL: 'warn' };
}

function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string };
  return `${pkg.name ?? 'newsroom-bot'} ${pkg.version ?? ''}`.trim();
}

/** The application, telling the person at the terminal when a write waits and when the library is read-only. */
async function openForCli(config: Config, logger: Logger, model: ModelUse): Promise<App> {
  // Loaded here, not at the top: `help` and usage errors need none of the application's modules.
  const { createApp } = await import('../app.ts');
  const app = await createApp(config, logger, { model, onWriteWait: (holder) => warn(storeMessages.waitingForWriter(holder)) });
  if (app.library.readOnly) warn(storeMessages.readOnlyNotice(config.dataDir));
  return app;
}
