import { ApplicationCommandOptionType, type APIApplicationCommandStringOption } from 'discord.js';
import { asOfDay } from '../src/retrieval/time-scope.ts';

/** `as_of`: answer as if today were that day (for editors checking what the archive said then). */
export const asOfOption = {
  type: ApplicationCommandOptionType.String,
  name: 'as_of',
  description: 'Answer as of this day (YYYY-MM-DD): later articles are not used',
  min_length: 10,
  max_length: 10,
} as const satisfies APIApplicationCommandStringOption;

/** The `as_of` option as `{ asOf }` for a request, or nothing; a malformed day is a UserError. */
export function asOfRequest(value: string | null): { asOf?: string } {
  return value === null ? {} : { asOf: asOfDay(value, 'as_of') };
}
