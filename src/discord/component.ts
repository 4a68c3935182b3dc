import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import type { BotContext } from './context.ts';
import type { CustomId } from './custom-id.ts';

export interface ComponentCall<Interaction, Args> {
  interaction: Interaction;
  ctx: BotContext;
  args: Args;
}

interface Handles<Kind extends string, Interaction> {
  readonly kind: Kind;
  /** The key of the custom ids it answers (custom-id.ts). */
  readonly key: string;
  /** Calls the model: rate limited per person and capped in flight, like such a command. */
  readonly asksModel: boolean;
  run(interaction: Interaction, ctx: BotContext): Promise<void>;
}

/**
 * A button or modal a command put on its messages, as the router sees it: found by the key of its
 * custom id. The handler acknowledges the interaction itself (an update, a modal, a reply).
 */
export type ComponentHandler = Handles<'button', ButtonInteraction> | Handles<'modal', ModalSubmitInteraction>;

/** Decodes the custom id, then handles; an id that does not decode is not one we made, and is left unanswered as before. */
function decoded<Interaction extends { customId: string }, Args>(
  id: CustomId<Args>,
  handle: (call: ComponentCall<Interaction, Args>) => Promise<void>,
): (interaction: Interaction, ctx: BotContext) => Promise<void> {
  return async (interaction, ctx) => {
    const args = id.decode(interaction.customId);
    if (args !== null) await handle({ interaction, ctx, args });
  };
}

export function onButton<Args>(
  id: CustomId<Args>,
  handle: (call: ComponentCall<ButtonInteraction, Args>) => Promise<void>,
): ComponentHandler {
  return { kind: 'button', key: id.key, asksModel: false, run: decoded(id, handle) };
}

export function onModal<Args>(
  id: CustomId<Args>,
  handle: (call: ComponentCall<ModalSubmitInteraction, Args>) => Promise<void>,
  settings: { asksModel?: boolean } = {},
): ComponentHandler {
  return { kind: 'modal', key: id.key, asksModel: settings.asksModel ?? false, run: decoded(id, handle) };
}
