import { doublingDelay } from '../backoff.ts';

/*
 * When a failing feed is tried again. The first failure costs almost nothing (the next poll is
 * later anyway); each further one doubles the wait, up to six hours, so a feed that is gone is
 * asked a few times a day instead of every few minutes. A server's Retry-After is honoured when
 * it asks for longer, up to a day.
 */

export const FIRST_BACKOFF_S = 60;
export const MAX_BACKOFF_S = 6 * 3600;
export const MAX_RETRY_AFTER_S = 24 * 3600;

/** The earliest next attempt after the `failures`-th failure in a row (1 for the first). */
export function nextAttemptAfter(now: Date, failures: number, retryAfterSeconds?: number): Date {
  const backoff = doublingDelay(failures, FIRST_BACKOFF_S, MAX_BACKOFF_S);
  const asked = Math.min(retryAfterSeconds ?? 0, MAX_RETRY_AFTER_S);
  return new Date(now.getTime() + Math.max(backoff, asked) * 1000);
}

/**
 * When a feed may be asked again, read against `now`: a failure recorded while the clock ran
 * ahead (a "next try" a year away) waits only as long as it was given, from now. The wait given is
 * the next try less the failure's own time, never more than MAX_RETRY_AFTER_S.
 */
export function effectiveNextAttempt(feed: { nextAttemptAt: string | null; lastErrorAt: string | null }, now: Date): Date | null {
  if (feed.nextAttemptAt === null) return null;
  const next = Date.parse(feed.nextAttemptAt);
  if (Number.isNaN(next)) return null;
  const failedAt = feed.lastErrorAt === null ? Number.NaN : Date.parse(feed.lastErrorAt);
  const given = Math.min(MAX_RETRY_AFTER_S * 1000, Number.isNaN(failedAt) ? MAX_BACKOFF_S * 1000 : Math.max(0, next - failedAt));
  return new Date(Math.min(next, now.getTime() + given));
}
