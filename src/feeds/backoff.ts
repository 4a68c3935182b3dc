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
  const backoff = Math.min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** Math.max(0, failures - 1));
  const asked = Math.min(retryAfterSeconds ?? 0, MAX_RETRY_AFTER_S);
  return new Date(now.getTime() + Math.max(backoff, asked) * 1000);
}
