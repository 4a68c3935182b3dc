import type { OpenAI } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { classifyFailure } from './failure.ts';
import { withIdleTimeout, within } from './idle-timeout.ts';
import { readCompletion, StreamedReply, type AttemptOutcome } from './reply.ts';
import type { LlmRequest } from './types.ts';

/** Where one request goes and how long it may take. */
export interface RequestTarget {
  openai: OpenAI;
  model: string;
  /** A plain reply must arrive whole within this; a streamed one, each next piece of text. */
  timeoutMs: number;
  /** OpenAI's own API wants `max_completion_tokens`; compatible servers widely know only `max_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

/**
 * Sends one request (no retries) and reads its reply, streamed to `request.onText` when given.
 * Trouble with the server comes back as a failed outcome; an exception thrown by `onText` is the
 * caller's bug and is passed on.
 */
export async function sendRequest(target: RequestTarget, request: LlmRequest): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  request.signal?.addEventListener('abort', abort, { once: true });
  if (request.signal?.aborted) abort();
  try {
    return request.onText === undefined
      ? await plainReply(target, request, controller)
      : await streamedReply(target, request, request.onText, controller);
  } finally {
    request.signal?.removeEventListener('abort', abort);
  }
}

async function plainReply(target: RequestTarget, request: LlmRequest, controller: AbortController): Promise<AttemptOutcome> {
  try {
    const pending = target.openai.chat.completions.create(
      { ...requestBody(target, request), stream: false },
      requestOptions(target, controller.signal),
    );
    return readCompletion(await within(pending, target.timeoutMs, controller), target.model);
  } catch (thrown) {
    return failed(thrown, target, request, false);
  }
}

async function streamedReply(
  target: RequestTarget,
  request: LlmRequest,
  onText: (delta: string) => void,
  controller: AbortController,
): Promise<AttemptOutcome> {
  const chunks = withIdleTimeout(openStream(target, request, controller.signal), target.timeoutMs, controller);
  const reply = new StreamedReply(target.model);
  let delivered = false;
  try {
    for (;;) {
      let next: IteratorResult<ChatCompletionChunk, void>;
      try {
        next = await chunks.next();
      } catch (thrown) {
        return failed(thrown, target, request, delivered);
      }
      if (next.done === true) break;
      const delta = reply.add(next.value);
      if (delta === '') continue;
      delivered = true;
      onText(delta);
    }
  } finally {
    // Stops the request when onText threw mid-stream; a no-op once the stream has ended.
    await chunks.return();
  }
  // The openai stream ends quietly, without throwing, when its request is aborted.
  if (controller.signal.aborted) return failed(null, target, request, delivered);
  return reply.finish();
}

/** The reply's chunks; waiting for the response counts as waiting for the first chunk. */
async function* openStream(target: RequestTarget, request: LlmRequest, signal: AbortSignal): AsyncGenerator<ChatCompletionChunk> {
  const stream = await target.openai.chat.completions.create(
    { ...requestBody(target, request), stream: true, stream_options: { include_usage: true } },
    requestOptions(target, signal),
  );
  yield* stream;
}

function requestBody(target: RequestTarget, request: LlmRequest) {
  const { maxTokens, temperature } = request;
  return {
    model: target.model,
    messages: request.messages,
    ...(maxTokens === undefined
      ? {}
      : target.maxTokensField === 'max_completion_tokens'
        ? { max_completion_tokens: maxTokens }
        : { max_tokens: maxTokens }),
    ...(temperature === undefined ? {} : { temperature }),
  };
}

function requestOptions(target: RequestTarget, signal: AbortSignal) {
  return { signal, timeout: Math.ceil(target.timeoutMs), maxRetries: 0 };
}

function failed(thrown: unknown, target: RequestTarget, request: LlmRequest, delivered: boolean): AttemptOutcome {
  const context = { aborted: request.signal?.aborted ?? false, delivered, timeoutMs: target.timeoutMs };
  return { ok: false, ...classifyFailure(thrown, context) };
}
