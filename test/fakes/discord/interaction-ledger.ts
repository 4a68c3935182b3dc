import {
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  type APIApplicationCommandOptionChoice,
  type APIMessage,
  type APIUser,
} from 'discord.js';
import { discordError, type Reply } from './http-body.ts';
import { asArray, asRecord, invalidFormBody, lengthBetween, maxItems, type FormProblem, type JsonRecord } from './form-errors.ts';
import { buildMessage, editedMessage, type FileHost } from './messages.ts';
import type { RouteContext } from './router.ts';

/** What the fake remembers about one interaction it sent. */
export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  channelId: string;
  /** The message a component was used on (what deferUpdate/update change). */
  componentMessageId: string | null;
  /** The initial response type, once the bot answered. */
  callbackType: InteractionResponseType | null;
  originalMessageId: string | null;
  followUpIds: string[];
  /** Choices the bot answered an autocomplete with. */
  choices: APIApplicationCommandOptionChoice[] | null;
  /** The modal the bot opened, as sent. */
  modal: JsonRecord | null;
  expired: boolean;
  /** Date.now() when the fake sent it. */
  sentAt: number;
}

const unknownInteraction = (): Reply => discordError(404, 10062, 'Unknown interaction');
const unknownWebhook = (): Reply => discordError(404, 10015, 'Unknown Webhook');
const unknownMessage = (): Reply => discordError(404, 10008, 'Unknown Message');

const ALLOWED_CALLBACKS: Record<number, InteractionResponseType[]> = {
  [InteractionType.ApplicationCommand]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.Modal,
  ],
  [InteractionType.MessageComponent]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
    InteractionResponseType.Modal,
  ],
  [InteractionType.ApplicationCommandAutocomplete]: [InteractionResponseType.ApplicationCommandAutocompleteResult],
  [InteractionType.ModalSubmit]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
  ],
};

/** Interactions, their responses and the messages they made; serves the callback and webhook routes. */
export class InteractionLedger {
  readonly messages = new Map<string, APIMessage>();
  private readonly byId = new Map<string, InteractionRecord>();
  private readonly byToken = new Map<string, InteractionRecord>();

  private readonly applicationId: string;
  private readonly bot: APIUser;
  private readonly host: FileHost;
  private readonly ackDeadlineMs: number | null;

  constructor(applicationId: string, bot: APIUser, host: FileHost, ackDeadlineMs: number | null) {
    this.applicationId = applicationId;
    this.bot = bot;
    this.host = host;
    this.ackDeadlineMs = ackDeadlineMs;
  }

  register(input: { id: string; token: string; type: InteractionType; channelId: string; message?: APIMessage }): void {
    const record: InteractionRecord = {
      id: input.id,
      token: input.token,
      type: input.type,
      channelId: input.channelId,
      componentMessageId: input.message?.id ?? null,
      callbackType: null,
      originalMessageId: null,
      followUpIds: [],
      choices: null,
      modal: null,
      expired: false,
      sentAt: Date.now(),
    };
    if (input.message && !this.messages.has(input.message.id)) this.messages.set(input.message.id, input.message);
    this.byId.set(record.id, record);
    this.byToken.set(record.token, record);
  }

  interaction(idOrToken: string): InteractionRecord | undefined {
    return this.byId.get(idOrToken) ?? this.byToken.get(idOrToken);
  }

  expire(token: string): void {
    const record = this.interaction(token);
    if (!record) throw new Error(`fake Discord: unknown interaction token or id ${token}`);
    record.expired = true;
  }

  originalMessage(token: string): APIMessage | undefined {
    const id = this.interaction(token)?.originalMessageId;
    return id === null || id === undefined ? undefined : this.messages.get(id);
  }

  followUpMessages(token: string): APIMessage[] {
    const ids = this.interaction(token)?.followUpIds ?? [];
    return ids.map((id) => this.messages.get(id)).filter((m): m is APIMessage => m !== undefined);
  }

  /** POST /interactions/:id/:token/callback */
  callback = (context: RouteContext): Reply => {
    const record = this.byId.get(context.params.id ?? '');
    if (!record || record.token !== context.params.token || record.expired) return unknownInteraction();
    if (this.ackDeadlineMs !== null && Date.now() - record.sentAt > this.ackDeadlineMs) return unknownInteraction();
    if (record.callbackType !== null) return discordError(400, 40060, 'Interaction has already been acknowledged.');
    const body = asRecord(context.body) ?? {};
    const type = Number(body.type) as InteractionResponseType;
    if (!(ALLOWED_CALLBACKS[record.type] ?? []).includes(type)) {
      return invalidFormBody([
        { path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Response type ${type} is not valid for this interaction` },
      ]);
    }
    const data = asRecord(body.data) ?? {};
    const outcome = this.respond(record, type, data, context);
    if ('error' in outcome) return outcome.error;
    record.callbackType = type;
    if (context.query.get('with_response') !== 'true') return { status: 204 };
    return { status: 200, body: this.callbackResponse(record, type) };
  };

  /** GET|PATCH|DELETE /webhooks/:app/:token/messages/:message */
  webhookMessage = (context: RouteContext): Reply => {
    const record = this.webhookRecord(context);
    if (!record) return unknownWebhook();
    const messageId = context.params.message === '@original' ? record.originalMessageId : (context.params.message ?? null);
    const belongs = messageId !== null && (messageId === record.originalMessageId || record.followUpIds.includes(messageId));
    const message = belongs ? this.messages.get(messageId) : undefined;
    if (!message) return unknownMessage();
    if (context.method === 'GET') return { status: 200, body: message };
    if (context.method === 'DELETE') {
      this.messages.delete(message.id);
      return { status: 204 };
    }
    const edited = editedMessage(message, asRecord(context.body) ?? {}, context.files, this.host);
    if ('error' in edited) return edited.error;
    this.messages.set(message.id, edited.message);
    return { status: 200, body: edited.message };
  };

  /** POST /webhooks/:app/:token (follow-up messages) */
  followUp = (context: RouteContext): Reply => {
    const record = this.webhookRecord(context);
    // The interaction webhook exists only once the interaction has been answered.
    if (!record || record.callbackType === null) return unknownWebhook();
    const body = asRecord(context.body) ?? {};
    const original = this.originalMessage(record.token);
    let message: APIMessage;
    if (original && ((original.flags ?? 0) & MessageFlags.Loading) !== 0) {
      // Discord: the first follow-up after a deferred reply edits the "thinking…" message instead.
      const edited = editedMessage(original, body, context.files, this.host);
      if ('error' in edited) return edited.error;
      message = edited.message;
    } else {
      const built = buildMessage(
        {
          channelId: record.channelId,
          author: this.bot,
          applicationId: this.applicationId,
          type: this.replyType(record),
          body,
          files: context.files,
        },
        this.host,
      );
      if ('error' in built) return built.error;
      message = built.message;
      record.followUpIds.push(message.id);
    }
    this.messages.set(message.id, message);
    return context.query.get('wait') === 'true' ? { status: 200, body: message } : { status: 204 };
  };

  private webhookRecord(context: RouteContext): InteractionRecord | null {
    if (context.params.app !== this.applicationId) return null;
    const record = this.byToken.get(context.params.token ?? '');
    return record && !record.expired ? record : null;
  }

  private respond(
    record: InteractionRecord,
    type: InteractionResponseType,
    data: JsonRecord,
    context: RouteContext,
  ): { ok: true } | { error: Reply } {
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource:
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        const deferred = type === InteractionResponseType.DeferredChannelMessageWithSource;
        const built = buildMessage(
          {
            channelId: record.channelId,
            author: this.bot,
            applicationId: this.applicationId,
            type: this.replyType(record),
            body: deferred ? { flags: data.flags } : data,
            files: deferred ? [] : context.files,
            extraFlags: deferred ? MessageFlags.Loading : 0,
          },
          this.host,
        );
        if ('error' in built) return built;
        this.messages.set(built.message.id, built.message);
        record.originalMessageId = built.message.id;
        return { ok: true };
      }
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        const message = record.componentMessageId === null ? undefined : this.messages.get(record.componentMessageId);
        if (!message) return { error: unknownMessage() };
        if (type === InteractionResponseType.UpdateMessage) {
          const edited = editedMessage(message, data, context.files, this.host);
          if ('error' in edited) return edited;
          this.messages.set(message.id, edited.message);
        }
        record.originalMessageId = message.id;
        return { ok: true };
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        const problems = choiceProblems(data.choices);
        if (problems.length > 0) return { error: invalidFormBody(problems) };
        record.choices = asArray(data.choices) as APIApplicationCommandOptionChoice[];
        return { ok: true };
      }
      case InteractionResponseType.Modal: {
        const problems = [
          ...lengthBetween(['data', 'custom_id'], data.custom_id, 1, 100),
          ...lengthBetween(['data', 'title'], data.title, 1, 45),
        ];
        if (problems.length > 0) return { error: invalidFormBody(problems) };
        record.modal = data;
        return { ok: true };
      }
      default:
        return {
          error: invalidFormBody([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Invalid response type' }]),
        };
    }
  }

  private replyType(record: InteractionRecord): MessageType {
    return record.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default;
  }

  private callbackResponse(record: InteractionRecord, type: InteractionResponseType): JsonRecord {
    const message = record.originalMessageId === null ? undefined : this.messages.get(record.originalMessageId);
    const interaction: JsonRecord = { id: record.id, type: record.type };
    const resource: JsonRecord = { type };
    if (message) {
      const flags = message.flags ?? 0;
      interaction.response_message_id = message.id;
      interaction.response_message_loading = (flags & MessageFlags.Loading) !== 0;
      interaction.response_message_ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
      resource.message = message;
    }
    return { interaction, resource };
  }
}

function choiceProblems(choices: unknown): FormProblem[] {
  const problems: FormProblem[] = [...maxItems(['data', 'choices'], choices, 25)];
  asArray(choices).forEach((value, index) => {
    const choice = asRecord(value) ?? {};
    problems.push(...lengthBetween(['data', 'choices', index, 'name'], choice.name, 1, 100));
    if (typeof choice.value === 'string') problems.push(...lengthBetween(['data', 'choices', index, 'value'], choice.value, 1, 100));
  });
  return problems;
}
