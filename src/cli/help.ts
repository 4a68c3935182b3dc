import { cliText } from '../messages/cli.ts';
import type { Command, OptionSpec } from './command.ts';

/** `newsroom help`: every command with its one-line summary. */
export function overviewHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 'help [command]'.length) + 2;
  const rows = [
    ...commands.map((c) => [c.name, c.summary] as const),
    ['help [command]', 'show the commands, or one command’s options'] as const,
  ];
  return [
    cliText.title,
    '',
    'Usage:',
    `  ${cliText.overviewUsage}`,
    '',
    'Commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`),
    '',
    cliText.runInsideProject,
    ...cliText.overviewFooter,
  ].join('\n');
}

/** `newsroom <command> --help`: its usage, options and notes, from the same definition the parser reads. */
export function commandHelp(command: Command): string {
  const options: [string, string][] = Object.entries(command.options).map(([name, spec]) => [optionLabel(name, spec), spec.description]);
  options.push(['-h, --help', cliText.helpOption]);
  const width = Math.max(...options.map(([label]) => label.length)) + 2;
  return [
    `newsroom ${command.name} — ${command.summary}`,
    '',
    'Usage:',
    ...command.usage.map((line) => `  newsroom ${line}`),
    '',
    'Options:',
    ...options.map(([label, description]) => `  ${label.padEnd(width)}${description}`),
    ...(command.notes && command.notes.length > 0 ? ['', ...command.notes] : []),
  ].join('\n');
}

/** The synopsis alone, shown under a usage error. */
export function usageLines(command: Command): string {
  return [
    'Usage:',
    ...command.usage.map((line) => `  newsroom ${line}`),
    '',
    `Run \`newsroom ${command.name} --help\` for its options.`,
  ].join('\n');
}

function optionLabel(name: string, spec: OptionSpec): string {
  const long = spec.type === 'string' ? `--${name} ${spec.value ?? 'VALUE'}` : `--${name}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}
