import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { IdleTimeoutError } from './idle-timeout.ts';
import { ABORTED, type LlmError } from './types.ts';

/** One failed attempt: what went wrong and whether another attempt may help. */
export interface AttemptFailure {
  error: LlmError;
  retryable: boolean;
  /** The wait the server asked for, if it asked. */
  retryAfterMs: number | null;
}

export interface FailureContext {
  /** The caller's signal aborted. */
  aborted: boolean;
  /** Some text already reached the caller, so a retry would show it twice. */
  delivered: boolean;
  timeoutMs: number;
}

/** Sorts anything an attempt threw into the kinds callers act on. */
export function classifyFailure(thrown: unknown, context: FailureContext): AttemptFailure {
  const final = (error: LlmError): AttemptFailure => ({ error, retryable: false, retryAfterMs: null });
  const transient = (error: LlmError, headers?: Headers): AttemptFailure => ({
    error,
    retryable: !context.delivered,
    retryAfterMs: retryAfterMs(headers),
  });

  // Our own timer and the caller's signal abort the request; whatever error that surfaces as, the cause is known.
  if (thrown instanceof IdleTimeoutError || thrown instanceof APIConnectionTimeoutError) {
    return final({ kind: 'timeout', message: `No reply within ${context.timeoutMs} ms` });
  }
  if (context.aborted || thrown instanceof APIUserAbortError) return final(ABORTED);
  if (thrown instanceof APIConnectionError) {
    return transient({ kind: 'network', message: connectionMessage(thrown) });
  }
  if (thrown instanceof APIError) {
    // `instanceof` leaves APIError's type parameters as `any`: name what they are.
    const { status, message, headers } = thrown as { status: number | undefined; message: string; headers: Headers | undefined };
    if (status === undefined) return transient({ kind: 'server', message });
    if (status === 429) return transient({ kind: 'rate_limited', message, status }, headers);
    if (status >= 500) return transient({ kind: 'server', message, status }, headers);
    if (status === 401 || status === 403) return final({ kind: 'auth', message, status });
    return final({ kind: 'bad_request', message, status });
  }
  if (thrown instanceof SyntaxError) {
    return final({ kind: 'bad_response', message: `The reply was not valid JSON: ${thrown.message}` });
  }
  // undici reports a connection dropped while reading the body as a TypeError ("terminated").
  if (thrown instanceof TypeError) {
    return transient({ kind: 'network', message: connectionMessage(thrown) });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return final({ kind: 'bad_response', message });
}

/** "Connection error (ECONNREFUSED)": the openai message plus the root cause's code when there is one. */
function connectionMessage(error: Error): string {
  const code = rootCauseCode(error);
  return code === null ? error.message : `${error.message} (${code})`;
}

function rootCauseCode(error: unknown): string | null {
  let current: unknown = error;
  let code: string | null = null;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    const candidate = (current as { code?: unknown }).code;
    if (typeof candidate === 'string') code = candidate;
    current = (current as { cause?: unknown }).cause;
  }
  return code;
}

/**
 * The wait a server asked for, in milliseconds: `retry-after-ms` (OpenAI's own header) first, then
 * `Retry-After` as seconds or as an HTTP date. Null when it asked for nothing usable.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | null {
  if (headers === undefined) return null;
  const millis = headers.get('retry-after-ms');
  if (millis !== null) {
    const value = Number.parseFloat(millis);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const after = headers.get('retry-after');
  if (after === null) return null;
  const trimmed = after.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number.parseFloat(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
