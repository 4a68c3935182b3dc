import { loadMessages } from './articles.ts';
import { formatSeconds, formatWait, truncate } from './format.ts';

/** What the network boundary (src/net) says about an address it could not fetch. `url` never shows credentials. */
export const fetchMessages = {
  notHttp: (url: string) => `"${truncate(url)}" is not an http(s) address`,
  credentials: (url: string) =>
    `The address ${url} includes a user name or password, which the bot never sends. Give the address without them.`,
  blocked: (where: string, range: keyof typeof REFUSED_RANGE_WORDS) =>
    `${where} leads to ${REFUSED_RANGE_WORDS[range]}, which the bot does not fetch. ` +
    'If it is your newsroom’s own server, an operator can allow it with FETCH_ALLOWED_HOSTS.',
  redirectedTo: (url: string, hop: string) => `${url} (redirected to ${hop})`,
  redirectNotHttp: (url: string, location: string) => `${url} redirected to "${truncate(location)}", which is not an http(s) address`,
  redirectCredentials: (url: string) => `${url} redirected to an address with a user name or password, which the bot does not follow`,
  redirectLoop: (url: string) =>
    `${url} redirects in a loop, back to an address it already sent the bot to; check the address in a browser`,
  tooManyRedirects: (url: string, max: number) => `${url} redirected more than ${max} times; give the final address of the page`,
  httpStatus: (url: string, status: number, statusText: string, retryAfterSeconds?: number) =>
    (status === 404 ? `${url} was not found (404)` : `${url} answered ${status}${statusText ? ` ${statusText}` : ''} instead of a page`) +
    (retryAfterSeconds === undefined ? '' : `; it asks to wait ${formatWait(retryAfterSeconds)} before trying again`),
  badContentType: (url: string, contentType: string, expected: string) => `${url} is ${contentType}, not ${expected}`,
  tooLarge: (url: string, bytes: number, maxBytes: number) => loadMessages.tooLarge(url, bytes, maxBytes),
  tooLargeUnknownSize: (url: string, maxBytes: number) => loadMessages.tooLargeUnknownSize(url, maxBytes),
  timeout: (url: string, timeoutMs: number) => `${url} did not answer within ${formatSeconds(timeoutMs)}`,
  unreachable: (url: string, detail: string) => `${url} could not be reached (${detail})`,
  aborted: (url: string) => `Fetching ${url} was cancelled`,
} as const;

/** Keyed by src/net/address-policy.ts's RefusedRange: a range added there without words here fails to typecheck. */
const REFUSED_RANGE_WORDS = {
  loopback: 'this machine (a loopback address)',
  private: 'a private network address',
  linkLocal: 'a link-local address (such as a cloud metadata service)',
  carrierGradeNat: 'a carrier-grade NAT address',
  uniqueLocal: 'a private IPv6 address (unique-local)',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved or special-purpose address',
} as const;
