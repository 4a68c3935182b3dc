import type { Logger } from '../log.ts';
import type { ChatMessage, LlmClient, TokenUsage } from '../llm/types.ts';
import { messages } from '../messages/answers.ts';
import type { SummaryLength } from './types.ts';

/*
 * The generate step: one call to the language model, giving its reply, or the reason to answer in
 * extract mode instead (the model failed after its retries, or wrote nothing).
 */

/** What the model replies when the passages do not hold the answer (see prompts/answer.md). */
const NOT_IN_ARTICLES = 'NOT_IN_ARTICLES';

export const MAX_ANSWER_TOKENS = 600;
export const MAX_SUMMARY_TOKENS = 800;

/** How long a summary should be and in what form, as the prompts ask for it. */
export const LENGTH_INSTRUCTIONS: Record<SummaryLength, string> = {
  brief: 'Write 2 to 3 sentences.',
  standard: 'Write one paragraph of 4 to 6 sentences.',
  bullets: 'Write 3 to 6 bullet points, each on its own line starting with "- ".',
};

/** The model's reply, before it is checked. */
export interface ModelReply {
  text: string;
  /** It stopped at its token limit: its last sentence may be unfinished. */
  truncated: boolean;
  model: string;
  usage: TokenUsage | null;
  /** Time spent waiting for the model, every call of a multi-step summary included. */
  ms: number;
}

export type Generated = { ok: true; reply: ModelReply } | { ok: false; reason: string };

export interface GenerateRequest {
  messages: ChatMessage[];
  maxTokens: number;
  /** Streams the reply as it arrives (not yet verified). */
  onText?: ((delta: string) => void) | undefined;
}

/** Calls the model; on failure (after its retries) returns the reason to fall back to extract mode. */
export async function generate(llm: LlmClient, logger: Logger, request: GenerateRequest): Promise<Generated> {
  const started = performance.now();
  const { onText } = request;
  const result = await llm.complete({
    messages: request.messages,
    maxTokens: request.maxTokens,
    temperature: 0,
    ...(onText ? { onText } : {}),
  });
  const ms = performance.now() - started;
  if (!result.ok) {
    logger.warn({ kind: result.error.kind, message: result.error.message }, 'LLM call failed; answering extractively');
    return { ok: false, reason: messages.llmUnavailable };
  }
  if (!result.text.trim()) {
    logger.warn({ model: result.model }, 'LLM returned an empty reply; answering extractively');
    return { ok: false, reason: messages.llmEmpty };
  }
  return {
    ok: true,
    reply: { text: result.text, truncated: result.finishReason === 'length', model: result.model, usage: result.usage, ms },
  };
}

/** Whether the model said the passages do not hold the answer. */
export function saysNotInArticles(reply: ModelReply): boolean {
  return reply.text.trim().startsWith(NOT_IN_ARTICLES);
}

export function addUsage(a: TokenUsage | null, b: TokenUsage | null): TokenUsage | null {
  if (!a) return b;
  if (!b) return a;
  return { prompt: a.prompt + b.prompt, completion: a.completion + b.completion, total: a.total + b.total };
}
