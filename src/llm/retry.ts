/*
 * When to try an LLM call again: server-given Retry-After, else exponential backoff with jitter.
 *
 * The openai SDK can retry by itself (same 429/5xx/connection rules, Retry-After honoured), but the
 * client is built with maxRetries: 0 and retries here instead, for two reasons the SDK's policy
 * cannot give: a server asking to wait longer than maxRetryAfterMs fails the call at once (a reader
 * in Discord gets the extract fallback now, not in minutes), and the concurrency slot
 * (LLM_MAX_CONCURRENT) is given back during the wait, so one rate-limited call does not hold up
 * every other question (the SDK would sleep inside the request, which holds a slot).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { doublingDelay, withJitter } from '../backoff.ts';
import type { AttemptFailure } from './failure.ts';
import { ABORTED, type LlmError } from './types.ts';

const BACKOFF_CAP_MS = 8_000;

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** A server asking to wait longer than this is not waited for: the call fails. */
  maxRetryAfterMs: number;
  /** First backoff wait when the server names none; doubles per retry. */
  backoffBaseMs: number;
}

/** A wait before the next attempt (for the log). */
export interface RetryWait {
  /** The attempt that failed, 1 for the first. */
  attempt: number;
  error: LlmError;
  waitMs: number;
}

/** One attempt: a success carrying `T`, a failure, or null when the caller aborted before it could start. */
export type Attempt<T> = () => Promise<({ ok: true } & T) | ({ ok: false } & AttemptFailure) | null>;

export type Retried<T> = ({ ok: true; attempts: number } & T) | { ok: false; error: LlmError; attempts: number };

/**
 * Runs `attempt` until it succeeds or fails for good. Only a retryable failure (429, 5xx, a
 * connection dropped before any text was shown) is tried again, at most `maxRetries` times, after
 * the wait the server asked for or else backoffMs. `attempts` counts the attempts that started.
 */
export async function retrying<T extends object>(
  attempt: Attempt<T>,
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  onWait?: (wait: RetryWait) => void,
): Promise<Retried<T>> {
  for (let attempts = 1; ; attempts += 1) {
    const outcome = await attempt();
    if (outcome === null) return { ok: false, error: ABORTED, attempts: attempts - 1 };
    if (outcome.ok) return { ...outcome, attempts };
    const next = nextStep(outcome, attempts, policy);
    if ('error' in next) return { ok: false, error: next.error, attempts };
    onWait?.({ attempt: attempts, error: outcome.error, waitMs: next.waitMs });
    try {
      await sleep(next.waitMs, undefined, { signal });
    } catch {
      return { ok: false, error: ABORTED, attempts };
    }
  }
}

/** After failed attempt number `attempts`: how long to wait before the next, or the error to end with. */
function nextStep(failure: AttemptFailure, attempts: number, policy: RetryPolicy): { waitMs: number } | { error: LlmError } {
  if (!failure.retryable || attempts > policy.maxRetries) return { error: failure.error };
  const asked = failure.retryAfterMs;
  if (asked !== null && asked > policy.maxRetryAfterMs) {
    const why = `the server asked to wait ${asked} ms, more than the ${policy.maxRetryAfterMs} ms allowed`;
    return { error: { ...failure.error, message: `${failure.error.message}; ${why}` } };
  }
  return { waitMs: asked ?? backoffMs(attempts, policy.backoffBaseMs) };
}

/**
 * Wait before retry number `retry` (1 for the first retry): the doubling backoff, capped, with
 * jitter between half and all of it.
 */
export function backoffMs(retry: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(withJitter(doublingDelay(retry, baseMs, BACKOFF_CAP_MS), random));
}
