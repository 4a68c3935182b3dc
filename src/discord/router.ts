import type { Interaction } from 'discord.js';
import { commands } from '../../commands/index.ts';
import { isUserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { RefusalReason } from '../ops/metrics.ts';
import { discordText } from '../messages.ts';
import { handleAnswerButton, handleFollowUp } from './buttons.ts';
import type { BotContext, SlashCommand } from './context.ts';
import { replyPrivately, type RepliableInteraction } from './respond.ts';

/**
 * The one place interactions enter: finds the handler, applies the checks every command
 * shares (warming up, shutting down, DMs, editors, rate limits), defers, and turns every error
 * into a reply: a UserError's message as written, anything else a generic message plus a full
 * log line. Never throws.
 */
export class InteractionRouter {
  private readonly byName: Map<string, SlashCommand>;
  private inFlight = 0;
  private closing = false;
  private idle: (() => void) | null = null;

  constructor(
    private readonly context: () => BotContext | null,
    private readonly logger: Logger,
    list: readonly SlashCommand[] = commands,
    /** Told when an interaction is declined here (metrics); rate limits and "busy" are reported by the context. */
    private readonly onRefused: (reason: RefusalReason) => void = () => undefined,
  ) {
    this.byName = new Map(list.map((c) => [c.data.name, c]));
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
    const ctx = this.context();
    if (interaction.isAutocomplete()) {
      const command = this.byName.get(interaction.commandName);
      if (!ctx || this.closing || !command?.autocomplete || !ctx.collectionsFor(interaction)) return void (await interaction.respond([]));
      return command.autocomplete(interaction, ctx);
    }
    if (!interaction.isRepliable()) return;
    const refuse = (reason: RefusalReason, text: string) => {
      this.onRefused(reason);
      return replyPrivately(interaction as RepliableInteraction, text);
    };
    if (this.closing) return refuse('shutting_down', discordText.shuttingDown);
    if (!ctx) return refuse('warming_up', discordText.warmingUp);
    if (!ctx.collectionsFor(interaction)) return refuse('dm_refused', discordText.dmRefused);

    if (interaction.isChatInputCommand()) {
      const command = this.byName.get(interaction.commandName);
      if (!command) return;
      if (command.editorsOnly && !ctx.isEditor(interaction)) return refuse('editors_only', discordText.editorsOnly);
      if (!command.asksModel) {
        if (!command.defersItself) await interaction.deferReply();
        return command.execute(interaction, ctx);
      }
      ctx.admitQuestion(interaction);
      try {
        if (!command.defersItself) await interaction.deferReply();
        await command.execute(interaction, ctx);
      } finally {
        ctx.releaseQuestion();
      }
      return;
    }
    if (interaction.isButton()) {
      if (interaction.customId.startsWith('nr:')) return handleAnswerButton(interaction, ctx);
      if (interaction.customId.startsWith('cmd:')) {
        const [, name = '', ...args] = interaction.customId.split(':');
        return this.byName.get(name)?.button?.(interaction, ctx, args.join(':'));
      }
      return;
    }
    if (interaction.isModalSubmit() && interaction.customId.startsWith('nr:followup-modal:')) {
      ctx.admitQuestion(interaction);
      try {
        await handleFollowUp(interaction, ctx);
      } finally {
        ctx.releaseQuestion();
      }
    }
  }

  private async fail(interaction: Interaction, error: unknown): Promise<void> {
    const expected = isUserError(error);
    if (!expected) {
      this.logger.error(
        { err: error, interactionId: interaction.id, command: interaction.isCommand() ? interaction.commandName : undefined },
        'interaction failed',
      );
    }
    if (!interaction.isRepliable()) return;
    try {
      await replyPrivately(interaction as RepliableInteraction, expected ? (error as Error).message : discordText.unexpected);
    } catch (replyError) {
      // An expired token or a deleted channel: nothing left to tell the user.
      this.logger.warn({ err: replyError, interactionId: interaction.id }, 'could not report an error to the user');
    }
  }

  /** Stops taking interactions and waits (bounded) for those in flight. */
  async drain(timeoutMs: number): Promise<void> {
    this.closing = true;
    if (this.inFlight === 0) return;
    await Promise.race([
      new Promise<void>((resolve) => (this.idle = resolve)),
      new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }
}
