import {
  MessageFlags,
  type MessageType,
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIMessageTopLevelComponent,
  type APIUser,
} from 'discord.js';
import { discordError, type Reply } from './http-body.ts';
import {
  asArray,
  asRecord,
  charCount,
  invalidFormBody,
  lengthBetween,
  maxItems,
  maxLength,
  type FormProblem,
  type JsonRecord,
} from './form-errors.ts';
import type { RecordedFile } from './recorder.ts';
import { snowflake } from './ids.ts';

/** Flags a bot may set on a message it sends; Loading is Discord's own, set by a deferred reply. */
const SETTABLE_FLAGS =
  MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

/** Stores uploaded files somewhere the bot (or a test) can download them again; returns the URL. */
export type FileHost = (filename: string, data: Buffer, contentType: string) => string;

export interface NewMessage {
  channelId: string;
  author: APIUser;
  applicationId: string;
  type: MessageType;
  body: JsonRecord;
  files: RecordedFile[];
  /** Flags Discord itself sets (Loading for a deferred reply). */
  extraFlags?: number;
}

/** Discord's limits on a message body, checked the way Discord reports them (400, code 50035). */
export function messageBodyProblems(body: JsonRecord): FormProblem[] {
  const problems: FormProblem[] = [...maxLength(['content'], body.content, 2000)];
  const embeds = asArray(body.embeds);
  problems.push(...maxItems(['embeds'], body.embeds, 10));
  let embedChars = 0;
  embeds.forEach((value, index) => {
    const embed = asRecord(value) ?? {};
    const at = (...rest: (string | number)[]) => ['embeds', index, ...rest];
    problems.push(...maxLength(at('title'), embed.title, 256), ...maxLength(at('description'), embed.description, 4096));
    const footer = asRecord(embed.footer);
    const author = asRecord(embed.author);
    problems.push(...maxLength(at('footer', 'text'), footer?.text, 2048));
    problems.push(...maxLength(at('author', 'name'), author?.name, 256));
    problems.push(...maxItems(at('fields'), embed.fields, 25));
    embedChars += charCount(embed.title) + charCount(embed.description) + charCount(footer?.text) + charCount(author?.name);
    asArray(embed.fields).forEach((fieldValue, fieldIndex) => {
      const field = asRecord(fieldValue) ?? {};
      problems.push(...lengthBetween(at('fields', fieldIndex, 'name'), field.name, 1, 256));
      problems.push(...lengthBetween(at('fields', fieldIndex, 'value'), field.value, 1, 1024));
      embedChars += charCount(field.name) + charCount(field.value);
    });
  });
  if (embedChars > 6000) {
    problems.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  }
  problems.push(...componentProblems(body.components));
  return problems;
}

function componentProblems(components: unknown): FormProblem[] {
  const problems: FormProblem[] = [...maxItems(['components'], components, 5)];
  asArray(components).forEach((rowValue, rowIndex) => {
    const row = asRecord(rowValue) ?? {};
    problems.push(...maxItems(['components', rowIndex, 'components'], row.components, 5));
    asArray(row.components).forEach((childValue, childIndex) => {
      const child = asRecord(childValue) ?? {};
      const at = (key: string) => ['components', rowIndex, 'components', childIndex, key];
      if ('custom_id' in child) problems.push(...lengthBetween(at('custom_id'), child.custom_id, 1, 100));
      problems.push(...maxLength(at('label'), child.label, 80));
    });
  });
  return problems;
}

export function isEmpty(message: APIMessage): boolean {
  return (
    message.content === '' &&
    message.embeds.length === 0 &&
    (message.components ?? []).length === 0 &&
    message.attachments.length === 0 &&
    message.poll === undefined
  );
}

export const emptyMessageError: Reply = discordError(400, 50006, 'Cannot send an empty message');

/** Builds the message a create request would produce, or the error Discord would answer. */
export function buildMessage(input: NewMessage, host: FileHost): { message: APIMessage } | { error: Reply } {
  const problems = messageBodyProblems(input.body);
  if (problems.length > 0) return { error: invalidFormBody(problems) };
  const flags = (numberOr(input.body.flags, 0) & SETTABLE_FLAGS) | (input.extraFlags ?? 0);
  const message: APIMessage = {
    id: snowflake(),
    channel_id: input.channelId,
    author: input.author,
    content: typeof input.body.content === 'string' ? input.body.content : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: input.body.tts === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: newAttachments(input.body, input.files, host),
    embeds: embedsOf(input.body.embeds),
    pinned: false,
    type: input.type,
    flags,
    components: componentsOf(input.body.components),
    webhook_id: input.applicationId,
    application_id: input.applicationId,
  };
  if ((flags & MessageFlags.Loading) === 0 && isEmpty(message)) return { error: emptyMessageError };
  return { message };
}

/** Applies an edit (PATCH) the way Discord does: only the fields sent change; files are added. */
export function editedMessage(
  current: APIMessage,
  body: JsonRecord,
  files: RecordedFile[],
  host: FileHost,
): { message: APIMessage } | { error: Reply } {
  const problems = messageBodyProblems(body);
  if (problems.length > 0) return { error: invalidFormBody(problems) };
  const next: APIMessage = { ...current, edited_timestamp: new Date().toISOString() };
  if ('content' in body) next.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body) next.embeds = embedsOf(body.embeds);
  if ('components' in body) next.components = componentsOf(body.components);
  if ('attachments' in body) {
    const kept = new Set(asArray(body.attachments).map((a) => String(asRecord(a)?.id)));
    next.attachments = current.attachments.filter((a) => kept.has(a.id));
  }
  next.attachments = [...next.attachments, ...newAttachments(body, files, host)];
  const currentFlags = current.flags ?? 0;
  const keptFlags = currentFlags & (MessageFlags.Ephemeral | MessageFlags.IsComponentsV2);
  const requested = 'flags' in body ? numberOr(body.flags, 0) & MessageFlags.SuppressEmbeds : currentFlags & MessageFlags.SuppressEmbeds;
  next.flags = keptFlags | requested;
  if (isEmpty(next)) return { error: emptyMessageError };
  return { message: next };
}

function newAttachments(body: JsonRecord, files: RecordedFile[], host: FileHost): APIAttachment[] {
  const described = new Map<string, JsonRecord>();
  for (const entry of asArray(body.attachments)) {
    const record = asRecord(entry);
    if (record) described.set(String(record.id), record);
  }
  return files.map((file, index) => {
    const fieldIndex = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(index);
    const meta = described.get(fieldIndex);
    const filename = typeof meta?.filename === 'string' ? meta.filename : file.filename;
    const contentType = file.contentType || 'application/octet-stream';
    const url = host(filename, file.data, contentType);
    const attachment: APIAttachment = {
      id: snowflake(),
      filename,
      size: file.size,
      url,
      proxy_url: url,
      content_type: contentType,
    };
    if (typeof meta?.description === 'string') attachment.description = meta.description;
    return attachment;
  });
}

function embedsOf(value: unknown): APIEmbed[] {
  return asArray(value).map((embed) => ({ type: 'rich', ...(asRecord(embed) ?? {}) }) as APIEmbed);
}

function componentsOf(value: unknown): APIMessageTopLevelComponent[] {
  return asArray(value).map((component) => ({ ...(asRecord(component) ?? {}) }) as unknown as APIMessageTopLevelComponent);
}

function numberOr(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return fallback;
}
