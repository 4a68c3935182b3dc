import type { Attachment } from 'discord.js';
import type { LoadResult } from '../articles/article.ts';
import { isSupportedFileName, loadUrl, parseArticleBuffer } from '../articles/index.ts';
import { UserError } from '../errors.ts';
import { discordText } from '../messages/discord.ts';
import { formatLimit, formatMegabytes } from '../messages/format.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import { fetchSafely } from '../net/safe-fetch.ts';

const DOWNLOAD_TIMEOUT_MS = 15_000;

/** What bounds a download from Discord or the web: its size and where it may come from. */
export interface DownloadLimits {
  maxBytes: number;
  /** Config.fetch.policy. */
  policy: AddressPolicy;
}

/** Checks an attachment before downloading it: no images, nothing too big, a known format. */
export function checkAttachment(attachment: Attachment, maxBytes: number): void {
  if (attachment.contentType?.startsWith('image/') || /\.(png|jpe?g|gif|webp|bmp|heic)$/i.test(attachment.name)) {
    throw new UserError(discordText.attachmentIsImage);
  }
  if (attachment.size > maxBytes)
    throw new UserError(discordText.attachmentTooLarge(formatMegabytes(attachment.size), formatLimit(maxBytes)));
  if (!isSupportedFileName(attachment.name)) throw new UserError(discordText.attachmentUnsupported);
}

/**
 * Downloads an attachment through the network boundary (streamed, stopped at the size cap, bounded
 * in time) and parses it like a file on disk.
 */
export async function loadAttachment(attachment: Attachment, limits: DownloadLimits, collection: string): Promise<LoadResult[]> {
  checkAttachment(attachment, limits.maxBytes);
  const fetched = await fetchSafely(attachment.url, { policy: limits.policy, maxBytes: limits.maxBytes, timeoutMs: DOWNLOAD_TIMEOUT_MS });
  if (!fetched.ok) {
    // Discord's signed CDN address means nothing to an editor: say what happened instead.
    if (fetched.kind === 'too_large') throw new UserError(discordText.attachmentOverLimit(formatLimit(limits.maxBytes)));
    if (fetched.kind === 'blocked') throw new UserError(discordText.attachmentBlocked);
    throw new UserError(discordText.downloadFailed);
  }
  // The file name (not a path) names the source, so messages never show server paths.
  return parseArticleBuffer(attachment.name, fetched.body, `discord:${collection}/${attachment.name}`, { maxBytes: limits.maxBytes });
}

export async function loadArticleUrl(url: string, limits: DownloadLimits): Promise<LoadResult[]> {
  return [await loadUrl(url.trim(), { timeoutMs: DOWNLOAD_TIMEOUT_MS, maxBytes: limits.maxBytes, policy: limits.policy })];
}
