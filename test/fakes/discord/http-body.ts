import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedFile } from './recorder.ts';

export interface ParsedBody {
  /** The JSON body, or the parsed `payload_json` of a multipart body; null when there was none. */
  json: unknown;
  files: RecordedFile[];
}

export class BadBodyError extends Error {}

export async function readRaw(request: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Reads JSON or multipart bodies the way Discord does (discord.js sends multipart when files are attached). */
export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { json: null, files: [] };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return parseMultipart(contentType ?? '', raw);
  return { json: parseJson(raw.toString('utf8')), files: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadBodyError('The request body contains invalid JSON.');
  }
}

async function parseMultipart(contentType: string, raw: Buffer): Promise<ParsedBody> {
  // The fetch Response parses multipart/form-data without extra dependencies.
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  let json: unknown = null;
  const files: RecordedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') json = parseJson(value);
      continue;
    }
    const data = Buffer.from(await value.arrayBuffer());
    files.push({ field, filename: value.name, contentType: value.type, size: data.length, data });
  }
  return { json, files };
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON; undefined sends no body (204). Buffers are sent as they are. */
  body?: unknown;
}

export function writeReply(response: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    response.writeHead(reply.status, headers);
    response.end();
    return;
  }
  const payload = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(JSON.stringify(reply.body));
  if (!Buffer.isBuffer(reply.body)) headers['content-type'] = 'application/json';
  headers['content-length'] = String(payload.length);
  response.writeHead(reply.status, headers);
  response.end(payload);
}

/** A Discord JSON error body with its numeric code. */
export function discordError(status: number, code: number, message: string, errors?: unknown): Reply {
  return { status, body: errors === undefined ? { message, code } : { message, code, errors } };
}
