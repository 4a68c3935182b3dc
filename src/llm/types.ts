/** The vocabulary of LLM calls, shared by the client, the prompts and their callers. */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Why the model stopped; servers may report values beyond OpenAI's, so any string is kept. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | (string & Record<never, never>);

export interface TokenUsage {
  prompt: number;
  completion: number;
  total: number;
}

/**
 * - timeout: no reply (or, when streaming, no new text) within the per-attempt timeout
 * - rate_limited: 429 after the allowed retries, or the server asked to wait longer than allowed
 * - server: 5xx after the allowed retries, or an error event in the stream
 * - network: the server could not be reached or dropped the connection
 * - auth: 401/403, the API key is missing, wrong or lacks access
 * - bad_request: another 4xx (unknown model, prompt too long, bad parameter); retrying will not help
 * - bad_response: the reply could not be read (broken JSON, no choices, empty text)
 * - aborted: the caller's signal aborted the call
 */
export type LlmErrorKind = 'timeout' | 'rate_limited' | 'server' | 'network' | 'auth' | 'bad_request' | 'bad_response' | 'aborted';

export interface LlmError {
  kind: LlmErrorKind;
  /** For the operator's log; not worded for the people using the bot. */
  message: string;
  status?: number;
}

/** How a call ends when the caller gave up on it. */
export const ABORTED: LlmError = { kind: 'aborted', message: 'The call was aborted by the caller' };

export interface LlmSuccess {
  ok: true;
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage | null;
  /** The model the server says answered. */
  model: string;
  /** Whole call, queueing and retries included. */
  ms: number;
  attempts: number;
}

export interface LlmFailure {
  ok: false;
  error: LlmError;
  attempts: number;
  ms: number;
}

export type LlmResult = LlmSuccess | LlmFailure;

export interface LlmRequest {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  /** Streams the reply: called with each piece of text as it arrives, in order. */
  onText?: (delta: string) => void;
  signal?: AbortSignal;
}

export interface LlmClient {
  readonly model: string;
  /** Never throws for LLM trouble; an exception thrown by `onText` is passed on to the caller. */
  complete(request: LlmRequest): Promise<LlmResult>;
}
