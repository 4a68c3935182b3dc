import { ApplicationCommandOptionType, type APIApplicationCommandStringOption, type ChatInputCommandInteraction } from 'discord.js';
import { asOfDay } from '../src/retrieval/time-scope.ts';

/** `as_of`: answer as if today were that day (for editors checking what the archive said then). */
export const asOfOption = {
  type: ApplicationCommandOptionType.String,
  name: 'as_of',
  description: 'Answer as of this day (YYYY-MM-DD): later articles are not used',
  min_length: 10,
  max_length: 10,
} as const satisfies APIApplicationCommandStringOption;

export function readAsOf(interaction: ChatInputCommandInteraction): string | undefined {
  const value = interaction.options.getString('as_of');
  return value === null ? undefined : asOfDay(value, 'as_of');
}
