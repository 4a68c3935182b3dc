import { InteractionResponseType, RESTEvents, SnowflakeUtil, type Client } from 'discord.js';

const CALLBACK_PATH = /^\/interactions\/(\d{15,21})\/[^/]+\/callback$/;

const RESPONSE_NAMES: Partial<Record<number, string>> = {
  [InteractionResponseType.ChannelMessageWithSource]: 'reply',
  [InteractionResponseType.DeferredChannelMessageWithSource]: 'deferred',
  [InteractionResponseType.DeferredMessageUpdate]: 'deferred_update',
  [InteractionResponseType.UpdateMessage]: 'update',
  [InteractionResponseType.ApplicationCommandAutocompleteResult]: 'autocomplete',
  [InteractionResponseType.Modal]: 'modal',
};

/**
 * Reports how long after its creation each interaction was acknowledged: the time between the
 * moment Discord created the interaction (in its id) and Discord accepting the bot's first
 * response. That is the span Discord's 3-second limit applies to, whichever code sent the response
 * (the router's deferral, a command deferring itself, a button's update, an autocomplete). Read from
 * the REST client's own responses, so no command has to report it. Needs a clock in step with
 * Discord's (NTP).
 */
export function watchAcknowledgements(client: Client, report: (response: string, seconds: number) => void): void {
  client.rest.on(RESTEvents.Response, (request, response) => {
    if (response.status < 200 || response.status >= 300) return;
    const id = CALLBACK_PATH.exec(String(request.path))?.[1];
    if (!id) return;
    const type = (request.data.body as { type?: unknown } | undefined)?.type;
    const created = SnowflakeUtil.timestampFrom(id);
    report((typeof type === 'number' && RESPONSE_NAMES[type]) || 'other', (Date.now() - created) / 1000);
  });
}
