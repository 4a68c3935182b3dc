import type { LoadResult } from './article.ts';
import { idFromUrl } from './identity.ts';
import { loadMessages as messages } from '../messages.ts';
import { parseArticleBuffer, type ParseOptions } from './parse.ts';
import { failure, parseHttpUrl } from './validate.ts';

export interface LoadUrlOptions {
  /** The whole fetch, body included, must finish within this time. */
  timeoutMs: number;
  /** Pages larger than this are refused (checked on Content-Length, then while reading). */
  maxBytes: number;
  fetchImpl?: typeof fetch;
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * Fetches one web page and extracts its article. The article's url is the final URL
 * after redirects; its source is the address asked for. Every failure (not http(s),
 * 404, not HTML, too big, too slow, unreachable) is a `{ ok: false }` with a clear message.
 */
export async function loadUrl(address: string, opts: LoadUrlOptions): Promise<LoadResult> {
  const fail = (error: string): LoadResult => failure(address, error);
  const requested = parseHttpUrl(address.trim());
  if (!requested) return fail(messages.notHttp(address));
  const shown = requested.href;

  const fetchImpl = opts.fetchImpl ?? fetch;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    const response = await fetchImpl(shown, { signal, redirect: 'follow', headers: { accept: 'text/html,application/xhtml+xml' } });
    if (!response.ok) {
      await response.body?.cancel();
      return fail(messages.httpStatus(shown, response.status, response.statusText));
    }

    const contentType = response.headers.get('content-type') ?? undefined;
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
    if (mediaType && !HTML_TYPES.has(mediaType)) {
      await response.body?.cancel();
      return fail(messages.notHtml(shown, mediaType));
    }

    const declaredLength = Number(response.headers.get('content-length') ?? NaN);
    if (declaredLength > opts.maxBytes) {
      await response.body?.cancel();
      return fail(messages.tooLarge(shown, declaredLength, opts.maxBytes));
    }

    const body = await readCapped(response, opts.maxBytes);
    if (!body) return fail(messages.tooLargeUnknownSize(shown, opts.maxBytes));

    const finalUrl = parseHttpUrl(response.url)?.href ?? shown;
    const parseOptions: ParseOptions = {
      format: 'html',
      contentType: contentType ?? 'text/html',
      maxBytes: opts.maxBytes,
      baseUrl: finalUrl,
      url: finalUrl,
      fallbackId: idFromUrl(new URL(finalUrl)),
    };
    const [result] = await parseArticleBuffer(shown, body, shown, parseOptions);
    return result ?? fail(messages.noArticleText(shown));
  } catch (error) {
    if (signal.aborted) return fail(messages.timeout(shown, opts.timeoutMs));
    return fail(messages.unreachable(shown, networkErrorDetail(error)));
  }
}

/** The body, or undefined as soon as it grows past maxBytes (the rest is not downloaded). */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** "getaddrinfo ENOTFOUND example.invalid" → "ENOTFOUND"; fetch hides the cause one level down. */
function networkErrorDetail(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return cause instanceof Error ? cause.message : String(cause);
}
