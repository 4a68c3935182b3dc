import type { Attachment } from 'discord.js';
import type { LoadResult } from '../articles/article.ts';
import { isSupportedFileName, loadUrl, parseArticleBuffer } from '../articles/index.ts';
import { UserError } from '../errors.ts';
import { discordText, formatLimit, formatMegabytes } from '../messages.ts';

const DOWNLOAD_TIMEOUT_MS = 15_000;

/** Checks an attachment before downloading it: no images, nothing too big, a known format. */
export function checkAttachment(attachment: Attachment, maxBytes: number): void {
  if (attachment.contentType?.startsWith('image/') || /\.(png|jpe?g|gif|webp|bmp|heic)$/i.test(attachment.name)) {
    throw new UserError(discordText.attachmentIsImage);
  }
  if (attachment.size > maxBytes) throw new UserError(discordText.attachmentTooLarge(formatMegabytes(attachment.size), formatLimit(maxBytes)));
  if (!isSupportedFileName(attachment.name)) throw new UserError(discordText.attachmentUnsupported);
}

/** Downloads an attachment (bounded in time and size) and parses it like a file on disk. */
export async function loadAttachment(attachment: Attachment, maxBytes: number, collection: string): Promise<LoadResult[]> {
  checkAttachment(attachment, maxBytes);
  let data: Buffer;
  try {
    const response = await fetch(attachment.url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    data = Buffer.from(await response.arrayBuffer());
  } catch {
    throw new UserError(discordText.downloadFailed);
  }
  if (data.byteLength > maxBytes) throw new UserError(discordText.attachmentTooLarge(formatMegabytes(data.byteLength), formatLimit(maxBytes)));
  // The file name (not a path) names the source, so messages never show server paths.
  return parseArticleBuffer(attachment.name, data, `discord:${collection}/${attachment.name}`, { maxBytes });
}

export async function loadArticleUrl(url: string, maxBytes: number): Promise<LoadResult[]> {
  return [await loadUrl(url.trim(), { timeoutMs: DOWNLOAD_TIMEOUT_MS, maxBytes })];
}
