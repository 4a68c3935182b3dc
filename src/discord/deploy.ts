import { REST, Routes } from 'discord.js';
import type { Config } from '../config.ts';
import type { SlashCommand } from './command.ts';
import { UserError } from '../errors.ts';
import { discordText } from '../messages/discord.ts';

/**
 * Registers the slash commands: to one server with DISCORD_GUILD_ID (instant, for development),
 * else globally. A bulk overwrite, so removed commands disappear too. Start-up never does this.
 */
export async function deployCommands(config: Config, commands: readonly SlashCommand[]): Promise<{ scope: string; count: number }> {
  const { token, clientId, guildId, apiUrl } = config.discord;
  if (!token || !clientId) throw new UserError(discordText.deployNeedsCredentials);
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  const body = commands.map((c) => c.data);
  const route = guildId ? Routes.applicationGuildCommands(clientId, guildId) : Routes.applicationCommands(clientId);
  const registered = (await rest.put(route, { body })) as unknown[];
  return { scope: guildId ? `server ${guildId}` : 'all servers (global; may take a while to appear)', count: registered.length };
}
