import { isIP } from 'node:net';
import { parseAllowedHosts, type AddressPolicy } from './net/address-policy.ts';

export type Env = Record<string, string | undefined>;

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Reads environment variables by kind. A value that does not parse is a problem (collected, so
 * every one is reported at once) and reads as the fallback meanwhile.
 */
export class EnvReader {
  readonly problems: string[] = [];
  readonly #env: Env;

  constructor(env: Env) {
    this.#env = env;
  }

  /** The trimmed value, or null when unset or blank. */
  text(name: string): string | null {
    const value = this.#env[name]?.trim();
    return value ? value : null;
  }

  /** The raw value, blank included (a blank ARTICLES_DIR means "none", unset means the default). */
  raw(name: string): string | undefined {
    return this.#env[name];
  }

  problem(description: string): void {
    this.problems.push(description);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.text(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problem(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.text(name);
    if (raw === null) return fallback;
    const value = allowed.find((a) => a === raw);
    if (value === undefined) this.problem(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
    return value ?? fallback;
  }

  /** An http(s) URL without trailing slashes. */
  url(name: string): string | null {
    const raw = this.text(name);
    if (raw === null) return null;
    if (URL.canParse(raw) && ['http:', 'https:'].includes(new URL(raw).protocol)) return raw.replace(/\/+$/, '');
    this.problem(`${name} must be an http(s) URL (got "${raw}")`);
    return null;
  }

  flag(name: string, fallback: boolean): boolean {
    const raw = this.text(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problem(`${name} must be true or false (got "${this.text(name)}")`);
    return fallback;
  }

  /** A Discord id. */
  snowflake(name: string): string | null {
    const raw = this.text(name);
    if (raw !== null && !/^\d{15,21}$/.test(raw)) {
      this.problem(`${name} must be a Discord id (digits only)`);
      return null;
    }
    return raw;
  }

  allowedHosts(name: string): AddressPolicy {
    const { policy, invalid } = parseAllowedHosts(this.text(name) ?? '');
    if (invalid.length > 0) {
      this.problem(
        `${name} must list host names, IP addresses or CIDR ranges separated by commas; not understood: ${invalid.map((e) => `"${e}"`).join(', ')}`,
      );
    }
    return policy;
  }

  /** A host name or an IP address (IPv6 with or without brackets); nothing with a scheme, port or path. */
  host(name: string, fallback: string): string {
    const raw = this.text(name);
    if (raw === null) return fallback;
    const bare = raw.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare) === 0 && !HOST_NAME.test(bare)) {
      this.problem(`${name} must be a host name or an IP address such as 127.0.0.1 (got "${raw}")`);
      return fallback;
    }
    return bare;
  }
}
