import { OpenAI } from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Logger } from '../log.ts';
import { classifyFailure, type AttemptFailure } from './failure.ts';
import { backoffMs, sleep } from './retry.ts';
import { Semaphore } from './semaphore.ts';
import type { FinishReason, LlmClient, LlmError, LlmRequest, LlmResult, TokenUsage } from './types.ts';

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
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';
const DEFAULT_MAX_RETRY_AFTER_MS = 20_000;
const DEFAULT_BACKOFF_BASE_MS = 500;

type AttemptOutcome =
  | { ok: true; text: string; finishReason: FinishReason; usage: TokenUsage | null; model: string }
  | ({ ok: false } & AttemptFailure);

export function createLlmClient(options: LlmClientOptions): LlmClient {
  const { model, timeoutMs, maxRetries, logger } = options;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be a whole number ≥ 0, got ${maxRetries}`);
  }
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
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
  const slots = new Semaphore(options.maxConcurrent);
  const scrub = (text: string): string => (apiKey.length >= 8 ? text.split(apiKey).join('[api key]') : text);

  async function attempt(request: LlmRequest): Promise<AttemptOutcome> {
    const controller = new AbortController();
    const state = { timedOut: false, aborted: false, delivered: false };
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        state.timedOut = true;
        controller.abort();
      }, timeoutMs);
    };
    const onCallerAbort = (): void => {
      state.aborted = true;
      controller.abort();
    };
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (request.signal?.aborted) onCallerAbort();
    arm();

    const params = {
      model,
      messages: request.messages,
      ...(request.maxTokens === undefined
        ? {}
        : official
          ? { max_completion_tokens: request.maxTokens }
          : { max_tokens: request.maxTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
    const requestOptions = { signal: controller.signal, timeout: Math.ceil(timeoutMs), maxRetries: 0 };
    // An exception from the caller's onText is the caller's bug: it is passed on, never retried.
    const callback: { failed: boolean; error?: unknown } = { failed: false };
    try {
      if (request.onText === undefined) {
        const completion = await openai.chat.completions.create({ ...params, stream: false }, requestOptions);
        return readCompletion(completion, model);
      }
      const onText = request.onText;
      const stream = await openai.chat.completions.create(
        { ...params, stream: true, stream_options: { include_usage: true } },
        requestOptions,
      );
      const reply = new StreamedReply(model);
      for await (const chunk of stream) {
        arm();
        const delta = reply.add(chunk);
        if (delta === '') continue;
        state.delivered = true;
        try {
          onText(delta);
        } catch (error) {
          callback.failed = true;
          callback.error = error;
          controller.abort();
          break;
        }
      }
      if (callback.failed) throw callback.error;
      // The openai stream ends quietly, without throwing, when its request is aborted.
      if (controller.signal.aborted) return { ok: false, ...classifyFailure(null, { ...state, timeoutMs }) };
      return reply.finish();
    } catch (thrown) {
      if (callback.failed) throw callback.error;
      return { ok: false, ...classifyFailure(thrown, { ...state, timeoutMs }) };
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  function reported(result: LlmResult): LlmResult {
    options.onCall?.(result);
    return result;
  }

  async function complete(request: LlmRequest): Promise<LlmResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const streamed = request.onText !== undefined;
    const fail = (error: LlmError, attempts: number): LlmResult => {
      const scrubbed: LlmError = { ...error, message: scrub(error.message) };
      const ms = elapsed();
      const { kind: errorKind, status, message } = scrubbed;
      logger.warn(
        { event: 'llm_call', ok: false, model, attempts, ms, streamed, errorKind, status, error: message },
        'LLM call failed',
      );
      return reported({ ok: false, error: scrubbed, attempts, ms });
    };
    const abortedError: LlmError = { kind: 'aborted', message: 'The call was aborted by the caller' };

    for (let attempts = 1; ; attempts += 1) {
      let release: () => void;
      try {
        release = await slots.acquire(request.signal);
      } catch {
        return fail(abortedError, attempts - 1);
      }
      let outcome: AttemptOutcome;
      try {
        outcome = await attempt(request);
      } finally {
        release();
      }

      if (outcome.ok) {
        const ms = elapsed();
        const { finishReason, usage } = outcome;
        logger.info(
          { event: 'llm_call', ok: true, model: outcome.model, attempts, ms, streamed, finishReason, usage },
          'LLM call finished',
        );
        return reported({ ...outcome, ms, attempts });
      }
      if (!outcome.retryable || attempts > maxRetries) return fail(outcome.error, attempts);
      if (outcome.retryAfterMs !== null && outcome.retryAfterMs > maxRetryAfterMs) {
        const asked = `the server asked to wait ${outcome.retryAfterMs} ms, more than the ${maxRetryAfterMs} ms allowed`;
        return fail({ ...outcome.error, message: `${outcome.error.message}; ${asked}` }, attempts);
      }
      const wait = outcome.retryAfterMs ?? backoffMs(attempts, backoffBaseMs);
      logger.debug(
        { event: 'llm_retry', model, attempt: attempts, errorKind: outcome.error.kind, status: outcome.error.status, waitMs: wait },
        'LLM call will be retried',
      );
      if (!(await sleep(wait, request.signal))) return fail(abortedError, attempts);
    }
  }

  return { model, complete };
}

/** OpenAI's own API wants `max_completion_tokens`; compatible servers widely know only `max_tokens`. */
function isOpenAIItself(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

function readCompletion(completion: ChatCompletion, fallbackModel: string): AttemptOutcome {
  const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  if (choice === undefined) {
    return badResponse('The reply held no choices');
  }
  const text = typeof choice.message?.content === 'string' ? choice.message.content : '';
  const finishReason: FinishReason = choice.finish_reason ?? 'unknown';
  if (text === '' && (finishReason === 'stop' || finishReason === 'unknown')) {
    return badResponse('The reply was empty');
  }
  return { ok: true, text, finishReason, usage: readUsage(completion.usage), model: completion.model || fallbackModel };
}

/** Gathers a streamed reply: its text, finish reason, usage and model. */
class StreamedReply {
  #text = '';
  #finishReason: FinishReason | null = null;
  #usage: TokenUsage | null = null;
  #model: string;

  constructor(model: string) {
    this.#model = model;
  }

  /** Takes in one chunk and returns its new text ('' when none). */
  add(chunk: ChatCompletionChunk): string {
    if (chunk.model) this.#model = chunk.model;
    if (chunk.usage) this.#usage = readUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (choice === undefined) return '';
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
    const delta = choice.delta?.content;
    if (typeof delta !== 'string' || delta === '') return '';
    this.#text += delta;
    return delta;
  }

  finish(): AttemptOutcome {
    const finishReason = this.#finishReason ?? 'unknown';
    if (this.#text === '' && (finishReason === 'stop' || finishReason === 'unknown')) {
      return badResponse('The streamed reply was empty');
    }
    return { ok: true, text: this.#text, finishReason, usage: this.#usage, model: this.#model };
  }
}

function readUsage(usage: ChatCompletion['usage']): TokenUsage | null {
  if (usage === undefined || usage === null) return null;
  return { prompt: usage.prompt_tokens, completion: usage.completion_tokens, total: usage.total_tokens };
}

function badResponse(message: string): AttemptOutcome {
  return { ok: false, error: { kind: 'bad_response', message }, retryable: false, retryAfterMs: null };
}
