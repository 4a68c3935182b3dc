import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses the bot may fetch from. By default only global unicast addresses: never this
 * machine, the office network, cloud metadata or any other special-purpose range. An operator
 * can allow an internal server by host name or by address range (FETCH_ALLOWED_HOSTS).
 */
export interface AddressPolicy {
  /** Host names (lower case, ASCII, no trailing dot) fetched whatever they resolve to. */
  readonly allowedHosts: readonly string[];
  /** Address ranges in CIDR notation ("10.20.0.0/16", "127.0.0.1/32") that may be reached. */
  readonly allowedRanges: readonly string[];
}

/** Nothing allowed beyond global unicast addresses. */
export const STRICT_POLICY: AddressPolicy = { allowedHosts: [], allowedRanges: [] };

/**
 * Why an address was refused, in the words of ipaddr.js's range names, folded into the kinds
 * people know. `reserved` covers every other special-purpose range (documentation, benchmarking,
 * NAT64, 6to4, Teredo, IPv4-compatible IPv6, …).
 */
export type RefusedRange =
  'loopback' | 'private' | 'linkLocal' | 'carrierGradeNat' | 'uniqueLocal' | 'unspecified' | 'multicast' | 'broadcast' | 'reserved';

export type AddressVerdict = { allowed: true } | { allowed: false; range: RefusedRange };

/** Parses FETCH_ALLOWED_HOSTS ("cms.internal, 10.20.0.0/16, 127.0.0.1"); entries it cannot read are listed in `invalid`. */
export function parseAllowedHosts(raw: string): { policy: AddressPolicy; invalid: string[] } {
  const allowedHosts: string[] = [];
  const allowedRanges: string[] = [];
  const invalid: string[] = [];
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const range = parseRange(entry);
    if (range) {
      allowedRanges.push(`${range[0].toString()}/${range[1]}`);
      continue;
    }
    const host = normalizeHostName(entry);
    if (host) allowedHosts.push(host);
    else invalid.push(entry);
  }
  return { policy: { allowedHosts: [...new Set(allowedHosts)], allowedRanges: [...new Set(allowedRanges)] }, invalid };
}

/** Whether the operator allowed this host name itself (as it appears in a URL: lower case, IPv6 in brackets). */
export function isHostAllowed(hostname: string, policy: AddressPolicy): boolean {
  if (policy.allowedHosts.length === 0) return false;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return policy.allowedHosts.includes(host);
}

/** The address literal a URL's hostname holds ("127.0.0.1", "[::1]" → "::1"), or undefined for a name. */
export function addressLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return bare;
  if (bare.includes(':') && ipaddr.IPv6.isValid(bare)) return bare;
  return undefined;
}

/**
 * Whether the bot may connect to `address` (an IP address as the resolver returned it). Allowed
 * ranges come first; otherwise only global unicast passes. IPv4-mapped IPv6 (::ffff:127.0.0.1) is
 * judged as the IPv4 address it carries.
 */
export function checkAddress(address: string, policy: AddressPolicy): AddressVerdict {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return { allowed: false, range: 'reserved' };
  }
  for (const cidr of policy.allowedRanges) {
    const range = ipaddr.parseCIDR(cidr);
    if (parsed.kind() === range[0].kind() && parsed.match(range)) return { allowed: true };
  }
  const range = refusedRange(parsed);
  return range ? { allowed: false, range } : { allowed: true };
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

function refusedRange(address: ipaddr.IPv4 | ipaddr.IPv6): RefusedRange | undefined {
  const range: string = address.range();
  if (range === 'unicast') {
    // ipaddr.js calls everything it has no name for "unicast"; for IPv6 only 2000::/3 is global
    // (this leaves out IPv4-compatible ::a.b.c.d and other unassigned space).
    if (address.kind() === 'ipv6' && !address.match(GLOBAL_UNICAST_V6)) return 'reserved';
    return undefined;
  }
  switch (range) {
    case 'loopback':
    case 'private':
    case 'linkLocal':
    case 'carrierGradeNat':
    case 'uniqueLocal':
    case 'unspecified':
    case 'multicast':
    case 'broadcast':
      return range;
    default:
      return 'reserved';
  }
}

/** "10.20.0.0/16" or a single address ("127.0.0.1", "::1") as a range; undefined when it is neither. */
function parseRange(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  if (bare.includes('/')) {
    const [address = '', bits = ''] = bare.split('/');
    // Four-part decimal only: "0177.1/8" is not something an operator means.
    if (
      !/^\d{1,3}$/.test(bits) ||
      (!ipaddr.IPv4.isValidFourPartDecimal(address) && !(address.includes(':') && ipaddr.IPv6.isValid(address)))
    ) {
      return undefined;
    }
    try {
      const [network, prefix] = ipaddr.parseCIDR(`${address}/${bits}`);
      // A mapped IPv4 range is meant as the IPv4 range; addresses are compared after the same unmapping.
      if (network.kind() === 'ipv6' && (network as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
        return [(network as ipaddr.IPv6).toIPv4Address(), prefix - 96];
      }
      return [network, prefix];
    } catch {
      return undefined;
    }
  }
  const literal = addressLiteral(bare);
  if (!literal) return undefined;
  const address = ipaddr.process(literal);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/**
 * A host name as URLs carry it, or undefined. Names whose last label is a number are refused:
 * URLs read those as IPv4 addresses ("0177.0.0.1" is 127.0.0.1), so they would never match.
 */
function normalizeHostName(entry: string): string | undefined {
  if (/[\s/:@[\]]/.test(entry)) return undefined;
  const ascii = domainToASCII(entry).replace(/\.$/, '');
  if (ascii === '' || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (!labels.every((label) => LABEL.test(label))) return undefined;
  const last = labels[labels.length - 1] ?? '';
  if (/^(\d+|0x[0-9a-f]*)$/i.test(last)) return undefined;
  return ascii;
}
