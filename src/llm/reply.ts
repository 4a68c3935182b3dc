import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { AttemptFailure } from './failure.ts';
import type { FinishReason, TokenUsage } from './types.ts';

/** What the server answered, read from a plain reply or gathered from a stream. */
export interface ModelReply {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage | null;
  /** The model the server says answered. */
  model: string;
}

/** How one request ended: a usable reply, or what went wrong. */
export type AttemptOutcome = ({ ok: true } & ModelReply) | ({ ok: false } & AttemptFailure);

/** A plain (not streamed) reply; `fallbackModel` when the server names no model. */
export function readCompletion(completion: ChatCompletion, fallbackModel: string): AttemptOutcome {
  const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  if (choice === undefined) {
    return badResponse('The reply held no choices');
  }
  const text = typeof choice.message?.content === 'string' ? choice.message.content : '';
  const finishReason: FinishReason = choice.finish_reason ?? 'unknown';
  if (isEmpty(text, finishReason)) {
    return badResponse('The reply was empty');
  }
  return { ok: true, text, finishReason, usage: readUsage(completion.usage), model: completion.model || fallbackModel };
}

/** Gathers a streamed reply: its text, finish reason, usage and model. */
export class StreamedReply {
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
    if (isEmpty(this.#text, finishReason)) {
      return badResponse('The streamed reply was empty');
    }
    return { ok: true, text: this.#text, finishReason, usage: this.#usage, model: this.#model };
  }
}

/** No text, and not because the model was cut off or filtered: nothing to show. */
function isEmpty(text: string, finishReason: FinishReason): boolean {
  return text === '' && (finishReason === 'stop' || finishReason === 'unknown');
}

function readUsage(usage: ChatCompletion['usage']): TokenUsage | null {
  if (usage === undefined || usage === null) return null;
  return { prompt: usage.prompt_tokens, completion: usage.completion_tokens, total: usage.total_tokens };
}

function badResponse(message: string): AttemptOutcome {
  return { ok: false, error: { kind: 'bad_response', message }, retryable: false, retryAfterMs: null };
}
