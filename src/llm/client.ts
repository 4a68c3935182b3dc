import { OpenAI } from 'openai';
import type { Logger } from '../log.ts';
import type { AttemptOutcome, ModelReply } from './reply.ts';
import { sendRequest, type RequestTarget } from './request.ts';
import { retrying, type Retried, type RetryPolicy, type RetryWait } from './retry.ts';
import { Semaphore } from './semaphore.ts';
import type { LlmClient, LlmRequest, LlmResult } from './types.ts';

export type {
  ChatMessage,
  FinishReason,
  LlmClient,
  LlmError,
  LlmErrorKind,
  LlmFailure,
  LlmRequest,
  LlmResult,
  LlmSuccess,
  TokenUsage,
} from './types.ts';

export interface LlmClientOptions {
  /** May be empty or null for a local server that wants none (a placeholder is sent then). */
  apiKey: string | null;
  /** An OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama; OpenAI itself when absent. */
  baseURL?: string | null | undefined;
  model: string;
  /** Per attempt: until the whole reply arrived, or when streaming, until the next piece of text. */
  timeoutMs: number;
  /** Retries after the first attempt, for 429, 5xx and dropped connections only. */
  maxRetries: number;
  /** Calls sent at once; the rest wait their turn. */
  maxConcurrent: number;
  /** A server asking to wait longer than this is not waited for: the call fails as rate_limited. Default 20 s. */
  maxRetryAfterMs?: number | undefined;
  /** First backoff wait when the server names none; doubles per retry. Default 500 ms. */
  backoffBaseMs?: number | undefined;
  logger: Logger;
  /** Told how every call ended, after its retries (metrics: tokens, failures by kind). */
  onCall?: ((result: LlmResult) => void) | undefined;
  /** Aborts every call in flight and every later one (shutdown): they fail as `aborted`. */
  stop?: AbortSignal | undefined;
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';
const DEFAULT_MAX_RETRY_AFTER_MS = 20_000;
const DEFAULT_BACKOFF_BASE_MS = 500;

/**
 * An LLM client: each call waits for one of `maxConcurrent` slots, sends one request (see
 * request.ts: its timeout, streaming), and is retried as retry.ts says; one log line per call.
 */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  const { model, timeoutMs, maxRetries, logger } = options;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be a whole number ≥ 0, got ${maxRetries}`);
  }
  const policy: RetryPolicy = {
    maxRetries,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    backoffBaseMs: options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS,
  };
  const baseURL = options.baseURL ?? OPENAI_BASE_URL;
  const official = isOpenAIItself(baseURL);
  const apiKey = options.apiKey ?? '';
  if (official && apiKey === '') throw new Error('An API key is required for the OpenAI API');

  // Everything comes from our options: nothing from OPENAI_* environment variables, no retries of its own.
  const openai = new OpenAI({
    apiKey: apiKey === '' ? 'not-needed' : apiKey,
    baseURL,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: Math.ceil(timeoutMs),
    logLevel: 'off',
  });
  const target: RequestTarget = { openai, model, timeoutMs, maxTokensField: official ? 'max_completion_tokens' : 'max_tokens' };
  const slots = new Semaphore(options.maxConcurrent);
  const report = callReporter(options, apiKey);

  /** One request once a slot is free; null when the caller gave up while it waited. */
  async function attemptInTurn(request: LlmRequest): Promise<AttemptOutcome | null> {
    let release: () => void;
    try {
      release = await slots.acquire(request.signal);
    } catch {
      return null;
    }
    try {
      return await sendRequest(target, request);
    } finally {
      release();
    }
  }

  async function complete(request: LlmRequest): Promise<LlmResult> {
    const started = performance.now();
    const onWait = ({ attempt, error, waitMs }: RetryWait): void =>
      logger.debug({ event: 'llm_retry', model, attempt, errorKind: error.kind, status: error.status, waitMs }, 'LLM call will be retried');
    const signals = [request.signal, options.stop].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const call = signal ? { ...request, signal } : request;
    const retried = await retrying(() => attemptInTurn(call), policy, signal, onWait);
    return report(retried, Math.round(performance.now() - started), request.onText !== undefined);
  }

  return { model, complete };
}

/** Turns a finished call into its result: the API key scrubbed from errors, one log line, `onCall` told. */
function callReporter(options: LlmClientOptions, apiKey: string) {
  const { model, logger } = options;
  const scrub = (text: string): string => (apiKey.length >= 8 ? text.split(apiKey).join('[api key]') : text);
  return (retried: Retried<ModelReply>, ms: number, streamed: boolean): LlmResult => {
    const { attempts } = retried;
    let result: LlmResult;
    if (retried.ok) {
      const { finishReason, usage } = retried;
      logger.info({ event: 'llm_call', ok: true, model: retried.model, attempts, ms, streamed, finishReason, usage }, 'LLM call finished');
      result = { ...retried, ms };
    } else {
      const error = { ...retried.error, message: scrub(retried.error.message) };
      const { kind: errorKind, status, message } = error;
      logger.warn({ event: 'llm_call', ok: false, model, attempts, ms, streamed, errorKind, status, error: message }, 'LLM call failed');
      result = { ok: false, error, attempts, ms };
    }
    options.onCall?.(result);
    return result;
  };
}

/** OpenAI's own API wants `max_completion_tokens`; compatible servers widely know only `max_tokens`. */
function isOpenAIItself(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}
