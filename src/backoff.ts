/*
 * The one doubling backoff: the LLM client's retries, the embedding model's background retry and
 * a failing feed's next try all wait first · 2^(n-1), capped. Units are the caller's.
 */

/** The wait before try `n` (1 for the first retry): `first` · 2^(n-1), at most `max`. */
export function doublingDelay(n: number, first: number, max: number): number {
  return Math.min(max, first * 2 ** Math.max(0, n - 1));
}

/** Between half and all of `wait`, so that clients failing together do not retry together. */
export function withJitter(wait: number, random: () => number = Math.random): number {
  return wait / 2 + (random() * wait) / 2;
}
