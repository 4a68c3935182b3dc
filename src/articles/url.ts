import type { LoadResult } from './article.ts';
import { idFromUrl } from './identity.ts';
import { loadMessages as messages } from '../messages/articles.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import { fetchSafely, type Resolver } from '../net/safe-fetch.ts';
import { parseArticleBuffer } from './parse-buffer.ts';
import type { ParseOptions } from './file-formats.ts';
import { failure } from './validate.ts';

export interface LoadUrlOptions {
  /** The whole fetch, redirects and body included, must finish within this time. */
  timeoutMs: number;
  /** Pages larger than this are refused (checked on Content-Length, then while reading). */
  maxBytes: number;
  /** Which addresses may be fetched (Config.fetch.policy). */
  policy: AddressPolicy;
  /** Resolves host names; the system resolver by default. */
  resolve?: Resolver;
  /** Store text that looks like a credential (an editor's `ingest --allow-secrets`); refused otherwise. */
  allowCredentials?: boolean;
}

const HTML = { mediaTypes: ['text/html', 'application/xhtml+xml'], description: 'an HTML page' } as const;

/**
 * Fetches one web page through the network boundary and extracts its article. The article's url
 * is the final URL after redirects; its source is the address asked for. Every failure (not
 * http(s), a refused address, 404, not HTML, too big, too slow, unreachable) is a `{ ok: false }`
 * with a clear message.
 */
export async function loadUrl(address: string, opts: LoadUrlOptions): Promise<LoadResult> {
  const requested = address.trim();
  const fetched = await fetchSafely(requested, {
    policy: opts.policy,
    timeoutMs: opts.timeoutMs,
    maxBytes: opts.maxBytes,
    accept: HTML,
    headers: { accept: 'text/html,application/xhtml+xml' },
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
  });
  if (!fetched.ok) return failure(address, fetched.message);
  const shown = new URL(requested).href;

  const parseOptions: ParseOptions = {
    format: 'html',
    contentType: fetched.headers.get('content-type') ?? 'text/html',
    maxBytes: opts.maxBytes,
    baseUrl: fetched.url,
    url: fetched.url,
    fallbackId: idFromUrl(new URL(fetched.url)),
    ...(opts.allowCredentials ? { allowCredentials: true } : {}),
  };
  const [result] = await parseArticleBuffer(shown, fetched.body, shown, parseOptions);
  return result ?? failure(shown, messages.noArticleText(shown));
}
