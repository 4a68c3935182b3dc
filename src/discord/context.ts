import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Interaction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { App } from '../app.ts';
import type { Logger } from '../log.ts';
import type { ArticleIndex } from './article-index.ts';
import type { RateLimiter } from './rate-limit.ts';

/** What every command handler gets: the application and the bot's own bookkeeping. */
export interface BotContext {
  app: App;
  articles: ArticleIndex;
  questions: RateLimiter;
  logger: Logger;
  /** Collections this interaction may read: its server's and the shared one; null when refused (DMs). */
  collectionsFor(interaction: Interaction): string[] | null;
  /** The collection a server's editors write to. */
  writableCollection(interaction: Interaction): string | null;
  isEditor(interaction: Interaction): boolean;
  /** Counts a model-backed job in flight; throws a UserError when the bot is saturated. */
  admitQuestion(interaction: Interaction): void;
  releaseQuestion(): void;
}

/** A slash command: its definition as typed data, and a thin handler over src/. */
export interface SlashCommand {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Checked at run time too, not only through default_member_permissions. */
  editorsOnly?: boolean;
  /** Whether the handler defers itself (e.g. to choose an ephemeral reply). Default: deferred publicly by the router. */
  defersItself?: boolean;
  /** Calls the model: rate limited per person and capped in flight. */
  asksModel?: boolean;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
  /** Buttons this command put on its messages: custom ids `cmd:<name>:<args>`, args passed here. */
  button?(interaction: ButtonInteraction, ctx: BotContext, args: string): Promise<void>;
}
