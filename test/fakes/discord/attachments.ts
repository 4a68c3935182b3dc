import type { ServerResponse } from 'node:http';
import type { APIAttachment } from 'discord.js';
import type { Reply } from './http-body.ts';
import { snowflake } from './ids.ts';

/** How a served file answers: normally, with an error status, never, or late. */
export interface ServeOptions {
  /** Answer this status (e.g. 404) with a JSON error body instead of the file. */
  status?: number;
  /** Accept the request and never answer it (until the fake closes). */
  hang?: boolean;
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Send the headers at once but hold the body back this long (a stalled download). */
  bodyDelayMs?: number;
}

interface ServedFile {
  data: Buffer;
  contentType: string;
  options: ServeOptions;
}

export const ATTACHMENTS_PATH = '/attachments';

/** Files on Discord's CDN: what /ingest downloads from an attachment's url. */
export class AttachmentHost {
  private readonly files = new Map<string, ServedFile>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private readonly baseUrl: () => string;

  constructor(baseUrl: () => string) {
    this.baseUrl = baseUrl;
  }

  /** Serves `data` and returns its absolute URL. */
  serve(filename: string, data: Buffer | string, contentType: string, options: ServeOptions = {}): string {
    const path = `${ATTACHMENTS_PATH}/${snowflake()}/${encodeURIComponent(filename)}`;
    this.files.set(path, { data: Buffer.isBuffer(data) ? data : Buffer.from(data), contentType, options });
    return `${this.baseUrl()}${path}`;
  }

  /** An attachment object as Discord puts it in `resolved.attachments`, its url served here. */
  attachment(filename: string, data: Buffer | string, contentType: string, options: ServeOptions = {}): APIAttachment {
    const url = this.serve(filename, data, contentType, options);
    return {
      id: snowflake(),
      filename,
      size: Buffer.byteLength(data),
      url,
      proxy_url: url,
      content_type: contentType,
      ephemeral: true,
    };
  }

  /** What the served file will answer; 'hang' means no answer at all. */
  replyFor(method: string, rawPath: string): { reply: Reply; options: ServeOptions } | 'hang' {
    const file = this.files.get(rawPath);
    if (!file) return { reply: { status: 404, body: { message: '404: Not Found', code: 0 } }, options: {} };
    if (file.options.hang) return 'hang';
    if (method !== 'GET' && method !== 'HEAD') {
      return { reply: { status: 405, body: { message: '405: Method Not Allowed', code: 0 } }, options: {} };
    }
    if (file.options.status !== undefined && file.options.status !== 200) {
      return { reply: { status: file.options.status, body: { message: 'fake attachment error', code: 0 } }, options: file.options };
    }
    const headers = { 'content-type': file.contentType, 'content-length': String(file.data.length) };
    return { reply: { status: 200, headers, body: method === 'HEAD' ? undefined : file.data }, options: file.options };
  }

  hang(response: ServerResponse): void {
    this.hanging.add(response);
    response.on('close', () => this.hanging.delete(response));
  }

  /** Runs `action` after `ms`, unless the fake closes first. */
  later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
  }
}
