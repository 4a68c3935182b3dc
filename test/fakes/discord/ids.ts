import { randomBytes } from 'node:crypto';

const DISCORD_EPOCH_MS = 1_420_070_400_000n;
let sequence = 0n;

/**
 * A Discord-shaped id (snowflake): discord.js reads creation times from ids, and its
 * REST client only recognises rate-limit buckets for 17–19 digit ids.
 */
export function snowflake(atMs: number = Date.now()): string {
  sequence = (sequence + 1n) & 0xfffn;
  const timestamp = BigInt(atMs) - DISCORD_EPOCH_MS;
  const workerAndProcess = 1n << 17n;
  return ((timestamp << 22n) | workerAndProcess | sequence).toString();
}

/** An interaction token: URL-safe like the real ones, unguessable so tests cannot mix them up. */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
}

/** A bot token in Discord's three-part shape (base64 user id, timestamp, HMAC). */
export function botToken(botUserId: string): string {
  const id = Buffer.from(botUserId).toString('base64url');
  return `${id}.${randomBytes(4).toString('base64url')}.${randomBytes(28).toString('base64url')}`;
}

export function sessionId(): string {
  return randomBytes(16).toString('hex');
}
