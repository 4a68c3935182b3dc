import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Interaction,
  ModalSubmitInteraction,
  RepliableInteraction,
} from 'discord.js';
import { isUserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { discordText } from '../messages/discord.ts';
import type { RefusalReason } from '../ops/metrics.ts';
import type { SlashCommand } from './command.ts';
import type { ComponentHandler } from './component.ts';
import type { BotContext } from './context.ts';
import { keyOf } from './custom-id.ts';
import { replyPrivately } from './respond.ts';

export interface RouterOptions {
  /** The bot's context once the application has loaded; null while it loads. */
  context: () => BotContext | null;
  logger: Logger;
  /** Told when an interaction is declined here (metrics); rate limits and "busy" are reported by the context. */
  onRefused?: (reason: RefusalReason) => void;
  /** The slash commands it answers (the entry point loads them from commands/). */
  commands: readonly SlashCommand[];
}

/** Each component key, with the handler the command that made the component registered for it. */
function componentsOf(commands: readonly SlashCommand[]): Map<string, ComponentHandler> {
  const byKey = new Map<string, ComponentHandler>();
  for (const handler of commands.flatMap((c) => c.components)) {
    const known = byKey.get(handler.key);
    if (known && known !== handler) throw new Error(`two components claim the custom id key ${handler.key}`);
    byKey.set(handler.key, handler);
  }
  return byKey;
}

/**
 * The one place interactions enter: finds the command or component, applies the checks every
 * command shares (warming up, shutting down, DMs, editors, rate limits), and turns every error
 * into a reply: a UserError's message as written, anything else a generic message plus a full
 * log line. Never throws.
 */
export class InteractionRouter {
  private readonly options: RouterOptions;
  private readonly commands: Map<string, SlashCommand>;
  private readonly components: Map<string, ComponentHandler>;
  private inFlight = 0;
  private closing = false;
  private idle: (() => void) | null = null;

  constructor(options: RouterOptions) {
    this.options = options;
    this.commands = new Map(options.commands.map((c) => [c.data.name, c]));
    this.components = componentsOf(options.commands);
  }

  async handle(interaction: Interaction): Promise<void> {
    this.inFlight++;
    try {
      await this.route(interaction);
    } catch (error) {
      await this.fail(interaction, error);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  private async route(interaction: Interaction): Promise<void> {
    const ctx = this.options.context();
    if (interaction.isAutocomplete()) return this.autocomplete(interaction, ctx);
    if (!interaction.isRepliable()) return;
    if (this.closing) return this.refuse(interaction, 'shutting_down', discordText.shuttingDown);
    if (!ctx) return this.refuse(interaction, 'warming_up', discordText.warmingUp);
    if (!ctx.collectionsFor(interaction)) return this.refuse(interaction, 'dm_refused', discordText.dmRefused);
    if (interaction.isChatInputCommand()) return this.command(interaction, ctx);
    if (interaction.isButton() || interaction.isModalSubmit()) return this.component(interaction, ctx);
  }

  private async autocomplete(interaction: AutocompleteInteraction, ctx: BotContext | null): Promise<void> {
    const command = this.commands.get(interaction.commandName);
    if (!ctx || this.closing || !command?.autocomplete || !ctx.collectionsFor(interaction)) return void (await interaction.respond([]));
    await command.autocomplete(interaction, ctx);
  }

  private async command(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
    const command = this.commands.get(interaction.commandName);
    if (!command) return;
    if (command.access === 'editors' && !ctx.isEditor(interaction))
      return this.refuse(interaction, 'editors_only', discordText.editorsOnly);
    await this.admitted(interaction, ctx, command.asksModel, () => command.run(interaction, ctx));
  }

  private async component(interaction: ButtonInteraction | ModalSubmitInteraction, ctx: BotContext): Promise<void> {
    const handler = this.components.get(keyOf(interaction.customId));
    if (handler?.kind === 'button' && interaction.isButton())
      return this.admitted(interaction, ctx, handler.asksModel, () => handler.run(interaction, ctx));
    if (handler?.kind === 'modal' && interaction.isModalSubmit())
      return this.admitted(interaction, ctx, handler.asksModel, () => handler.run(interaction, ctx));
  }

  /** Runs `work`; work that asks the model first passes the per-person rate limit and the cap on jobs in flight. */
  private async admitted(interaction: Interaction, ctx: BotContext, asksModel: boolean, work: () => Promise<void>): Promise<void> {
    if (!asksModel) return work();
    ctx.admitQuestion(interaction);
    try {
      await work();
    } finally {
      ctx.releaseQuestion();
    }
  }

  private refuse(interaction: RepliableInteraction, reason: RefusalReason, text: string): Promise<void> {
    this.options.onRefused?.(reason);
    return replyPrivately(interaction, text);
  }

  private async fail(interaction: Interaction, error: unknown): Promise<void> {
    const expected = isUserError(error);
    if (!expected) {
      this.options.logger.error(
        { err: error, interactionId: interaction.id, command: interaction.isCommand() ? interaction.commandName : undefined },
        'interaction failed',
      );
    }
    if (!interaction.isRepliable()) return;
    try {
      await replyPrivately(interaction, expected ? error.message : discordText.unexpected);
    } catch (replyError) {
      // An expired token or a deleted channel: nothing left to tell the user.
      this.options.logger.warn({ err: replyError, interactionId: interaction.id }, 'could not report an error to the user');
    }
  }

  /** Interactions being handled now. */
  get pending(): number {
    return this.inFlight;
  }

  /** Stops taking interactions and waits (bounded) for those in flight; says whether they all finished. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.closing = true;
    if (this.inFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (this.idle = resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    return this.inFlight === 0;
  }
}
