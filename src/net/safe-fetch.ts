import dns from 'node:dns';
import net from 'node:net';
import type { ReadableStreamDefaultReader } from 'node:stream/web';
import { Agent, fetch as undiciFetch, type Response } from 'undici';
import packageJson from '../../package.json' with { type: 'json' };
import { fetchMessages as messages } from '../messages/network.ts';
import { addressLiteral, checkAddress, isHostAllowed, type AddressPolicy } from './address-policy.ts';

/** Sent with every request, so a newsroom's web team can recognise the bot in its logs. */
export const USER_AGENT = `newsroom-bot/${packageJson.version}`;
export const DEFAULT_MAX_REDIRECTS = 5;

/** Host name → every address it resolves to. The default asks the system resolver (getaddrinfo). */
export type Resolver = (hostname: string) => Promise<readonly string[]>;

export interface FetchOptions {
  /** What may be reached (from FETCH_ALLOWED_HOSTS via Config). */
  policy: AddressPolicy;
  /** The whole exchange, redirects and body included, must finish within this time. */
  timeoutMs: number;
  /** Largest body accepted, counted after decompression while it streams in. */
  maxBytes: number;
  /** Request headers, e.g. If-None-Match / If-Modified-Since for a conditional request, or Accept. */
  headers?: Readonly<Record<string, string>>;
  /** Media types accepted ("text/html"); another declared type is refused. A response without Content-Type passes. */
  accept?: { mediaTypes: readonly string[]; description: string };
  maxRedirects?: number;
  /** Cancels the fetch (e.g. at shutdown); reported as `aborted`. */
  signal?: AbortSignal;
  resolve?: Resolver;
}

export interface FetchSuccess {
  ok: true;
  /** 2xx, or 304 for a conditional request whose resource has not changed (body then empty). */
  status: number;
  /** The final address, after redirects. */
  url: string;
  headers: Headers;
  body: Buffer;
}

export type FetchFailureKind =
  | 'bad_url'
  | 'blocked'
  | 'timeout'
  | 'too_large'
  | 'http_status'
  | 'bad_content_type'
  | 'redirect_loop'
  | 'too_many_redirects'
  | 'unreachable'
  | 'aborted';

export interface FetchFailure {
  ok: false;
  kind: FetchFailureKind;
  /** For the person who asked: names the address and what to do. */
  message: string;
  /** For `http_status`: the status answered. */
  status?: number;
  /** For `http_status` (429, 503): how long the server asked us to wait. */
  retryAfterSeconds?: number;
  /** Response headers, when a response arrived. */
  headers?: Headers;
}

export type FetchResult = FetchSuccess | FetchFailure;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The one way the bot fetches from the network. Only http(s) without credentials; every host is
 * resolved once, each resolved address is checked against the policy, and the connection is made
 * to those checked addresses (no second DNS lookup, so no rebinding gap). Redirects are followed
 * by hand, each hop checked the same way. Expected failures are results, never thrown.
 */
export async function fetchSafely(address: string, options: FetchOptions): Promise<FetchResult> {
  const first = parseTarget(address);
  if (!first.ok) return fail('bad_url', first.credentials ? messages.credentials(first.shown) : messages.notHttp(address));
  const shown = displayUrl(first.url);

  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const visited = new Set<string>();
  const agents: Agent[] = [];
  let current = first.url;
  try {
    for (let hops = 0; ; hops++) {
      visited.add(withoutFragment(current));
      const dispatcher = await connectionTo(current, options, signal, shown, hops > 0);
      if (!(dispatcher instanceof Agent)) return dispatcher;
      agents.push(dispatcher);

      const response = await undiciFetch(current.href, {
        dispatcher,
        redirect: 'manual',
        signal,
        headers: requestHeaders(options.headers),
      });
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (location === null) return await readResponse(response, current, shown, options);

      await response.body?.cancel();
      const next = parseTarget(location, current);
      if (!next.ok)
        return fail('bad_url', next.credentials ? messages.redirectCredentials(shown) : messages.redirectNotHttp(shown, location));
      if (visited.has(withoutFragment(next.url))) return fail('redirect_loop', messages.redirectLoop(shown));
      if (hops + 1 > maxRedirects) return fail('too_many_redirects', messages.tooManyRedirects(shown, maxRedirects));
      current = next.url;
    }
  } catch (error) {
    if (timeout.aborted) return fail('timeout', messages.timeout(shown, options.timeoutMs));
    if (signal.aborted) return fail('aborted', messages.aborted(shown));
    return fail('unreachable', messages.unreachable(shown, networkErrorDetail(error)));
  } finally {
    await Promise.all(agents.map((agent) => agent.destroy()));
  }
}

function fail(kind: FetchFailureKind, message: string, extra: Partial<FetchFailure> = {}): FetchFailure {
  return { ok: false, kind, message, ...extra };
}

/** An absolute http(s) URL without credentials, or why not. */
function parseTarget(text: string, base?: URL): { ok: true; url: URL } | { ok: false; credentials: boolean; shown: string } {
  let url: URL;
  try {
    url = new URL(text.trim(), base);
  } catch {
    return { ok: false, credentials: false, shown: text };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, credentials: false, shown: text };
  if (url.username !== '' || url.password !== '') return { ok: false, credentials: true, shown: displayUrl(url) };
  return { ok: true, url };
}

/**
 * An Agent that can only connect to the checked addresses of `url`'s host, or the failure.
 * IP literals are checked as they are (the WHATWG parser has already turned "2130706433" and
 * "0177.0.0.1" into 127.0.0.1); names are resolved once and every address must pass.
 */
async function connectionTo(
  url: URL,
  options: FetchOptions,
  signal: AbortSignal,
  shown: string,
  redirected: boolean,
): Promise<Agent | FetchFailure> {
  const where = redirected ? messages.redirectedTo(shown, displayUrl(url)) : shown;
  const literal = addressLiteral(url.hostname);
  if (literal !== undefined) {
    const verdict = checkAddress(literal, options.policy);
    if (!verdict.allowed) return fail('blocked', messages.blocked(where, verdict.range));
    return new Agent({ connect: { lookup: pinnedLookup([literal]) } });
  }

  const addresses = await abortable((options.resolve ?? systemResolver)(url.hostname), signal);
  if (addresses.length === 0) return fail('unreachable', messages.unreachable(shown, 'ENOTFOUND'));
  if (!isHostAllowed(url.hostname, options.policy)) {
    for (const address of addresses) {
      const verdict = checkAddress(address, options.policy);
      if (!verdict.allowed) return fail('blocked', messages.blocked(where, verdict.range));
    }
  }
  return new Agent({ connect: { lookup: pinnedLookup(addresses) } });
}

const systemResolver: Resolver = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** A `lookup` for net.connect that answers with the already checked addresses and nothing else. */
function pinnedLookup(addresses: readonly string[]): net.LookupFunction {
  const entries = addresses.map((address) => ({ address, family: net.isIP(address) }));
  return (_hostname, lookupOptions, callback) => {
    const family = lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : lookupOptions.family;
    const usable = family === 4 || family === 6 ? entries.filter((e) => e.family === family) : entries;
    const firstUsable = usable[0];
    if (!firstUsable) {
      callback(Object.assign(new Error('no checked address of the requested family'), { code: 'ENOTFOUND' }), '');
    } else if (lookupOptions.all) {
      callback(null, usable);
    } else {
      callback(null, firstUsable.address, firstUsable.family);
    }
  };
}

function requestHeaders(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { 'user-agent': USER_AGENT, 'accept-encoding': 'gzip, deflate, br', accept: '*/*', ...extra };
}

async function readResponse(response: Response, url: URL, shown: string, options: FetchOptions): Promise<FetchResult> {
  const headers = new Headers([...response.headers]);
  const success = (body: Buffer): FetchSuccess => ({ ok: true, status: response.status, url: url.href, headers, body });
  if (response.status === 304) {
    await response.body?.cancel();
    return success(Buffer.alloc(0));
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel();
    const retryAfterSeconds = parseRetryAfter(headers.get('retry-after'));
    return fail('http_status', messages.httpStatus(shown, response.status, response.statusText, retryAfterSeconds), {
      status: response.status,
      headers,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }

  const mediaType = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (options.accept && mediaType && !options.accept.mediaTypes.includes(mediaType)) {
    await response.body?.cancel();
    return fail('bad_content_type', messages.badContentType(shown, mediaType, options.accept.description), { headers });
  }

  const declaredLength = Number(headers.get('content-length') ?? NaN);
  if (declaredLength > options.maxBytes) {
    await response.body?.cancel();
    return fail('too_large', messages.tooLarge(shown, declaredLength, options.maxBytes), { headers });
  }

  const body = await readCapped(response, options.maxBytes);
  if (!body) return fail('too_large', messages.tooLargeUnknownSize(shown, options.maxBytes), { headers });
  return success(body);
}

/**
 * The decoded body, or undefined as soon as it grows past maxBytes. undici decompresses as the
 * body streams and only as fast as it is read, so a compressed body that expands past the cap
 * stops there: the rest is neither inflated nor downloaded.
 */
async function readCapped(response: Response, maxBytes: number): Promise<Buffer | undefined> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
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

/** Retry-After as seconds to wait: "120", or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The URL as shown to people: credentials never appear, even masked. */
function displayUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function withoutFragment(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** "getaddrinfo ENOTFOUND example.invalid" → "ENOTFOUND"; fetch hides the cause one level down. */
function networkErrorDetail(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return cause instanceof Error ? cause.message : String(cause);
}
